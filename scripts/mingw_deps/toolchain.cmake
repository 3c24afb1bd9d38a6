# mingw-w64 x86_64 with posix threads, against the static libraries of the
# prefix this file is installed in (<prefix>/share/cmake/): relocatable.
# Use: cmake -DCMAKE_TOOLCHAIN_FILE=<prefix>/share/cmake/mingw-w64-x86_64-posix.cmake
get_filename_component(CLOSEPROBE_MINGW_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER   x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER  x86_64-w64-mingw32-windres)
set(CMAKE_AR     /usr/bin/x86_64-w64-mingw32-ar CACHE FILEPATH "")
set(CMAKE_RANLIB /usr/bin/x86_64-w64-mingw32-ranlib CACHE FILEPATH "")
# The prefix before mingw's own folder: its static libz.a wins over libz.dll.a.
set(CMAKE_FIND_ROOT_PATH ${CLOSEPROBE_MINGW_PREFIX} /usr/x86_64-w64-mingw32)
# Code generators (protoc, grpc_cpp_plugin) are the build machine's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(ZLIB_USE_STATIC_LIBS ON)
# Generated protobuf objects exceed COFF's 2^15 sections without -mbig-obj.
set(CMAKE_C_FLAGS_INIT   "-Wa,-mbig-obj")
set(CMAKE_CXX_FLAGS_INIT "-Wa,-mbig-obj")
# Executables carry libgcc, libstdc++ and winpthread: nothing else to ship.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/lib/wine/wine64)
