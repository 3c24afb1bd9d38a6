# closeprobe_proto_library(NAME PROTOS a.proto ... ROOT dir)
# Runs protoc and grpc_cpp_plugin on the given files (paths relative to ROOT)
# and builds one linkable library of the generated code (route_guide pattern).
function(closeprobe_proto_library NAME)
  cmake_parse_arguments(ARG "" "ROOT" "PROTOS" ${ARGN})
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${_out})
  set(_srcs)
  foreach(_proto ${ARG_PROTOS})
    get_filename_component(_dir ${_proto} DIRECTORY)
    get_filename_component(_stem ${_proto} NAME_WE)
    set(_base ${_out}/${_dir}/${_stem})
    set(_gen ${_base}.pb.cc ${_base}.pb.h ${_base}.grpc.pb.cc ${_base}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${_gen}
      COMMAND ${CLOSEPROBE_PROTOC}
        --proto_path=${ARG_ROOT}
        --cpp_out=${_out}
        --grpc_out=${_out}
        --plugin=protoc-gen-grpc=${CLOSEPROBE_GRPC_PLUGIN}
        ${ARG_ROOT}/${_proto}
      DEPENDS ${ARG_ROOT}/${_proto}
      COMMENT "protoc ${_proto}")
    list(APPEND _srcs ${_gen})
  endforeach()
  add_library(${NAME} STATIC ${_srcs})
  target_include_directories(${NAME} PUBLIC ${_out})
  target_link_libraries(${NAME} PUBLIC closeprobe::grpc)
endfunction()
