#!/usr/bin/env bash
# Cross-builds, from Debian 12's own source packages, the static mingw-w64
# (x86_64, posix threads) gRPC stack the Windows agent and controller link:
# zlib (Debian's libz-mingw-w64-dev), abseil, protobuf, c-ares, re2, OpenSSL,
# gRPC, at the versions in versions.txt, with the patches in patches/<package>/
# (each says why). About 40 minutes on 2 cores.
#
#   scripts/mingw_deps/build_prefix.sh PREFIX WORKDIR
#
# PREFIX gets lib/, include/, the CMake and pkg-config files, the toolchain
# file (share/cmake/mingw-w64-x86_64-posix.cmake) and share/closeprobe-mingw/
# VERSIONS.txt. WORKDIR keeps the sources; each finished package leaves a stamp
# there, so an interrupted build resumes. Called by scripts/mingw_deps.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:?usage: build_prefix.sh PREFIX WORKDIR}
work=${2:?usage: build_prefix.sh PREFIX WORKDIR}
host=x86_64-w64-mingw32
jobs=$(nproc)
toolchain=$prefix/share/cmake/mingw-w64-x86_64-posix.cmake
mkdir -p "$work/src" "$work/build" "$work/stamps" "$prefix/share/cmake" "$prefix/share/closeprobe-mingw"
say() { printf '[mingw-deps %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Source packages through a private list (deb-src twins of the machine's own
# entries), so /etc/apt is left alone.
apt_opts=(-o "Dir::Etc::SourceParts=$work/apt/sources.list.d" -o Dir::Etc::SourceList=/dev/null
          -o "Dir::State::Lists=$work/apt/lists")
fetch_sources() {
  [ -e "$work/stamps/fetch" ] && return
  mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$work/apt/sources.list.d/$(basename "$f")"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^deb (.*)/deb-src \1/p' /etc/apt/sources.list > "$work/apt/sources.list.d/main-src.list"
  fi
  apt-get "${apt_opts[@]}" update -qq
  local name version
  while IFS='=' read -r name version; do
    [[ -z $name || $name == \#* ]] && continue
    (cd "$work/src" && apt-get "${apt_opts[@]}" source -qq --download-only "$name=$version") ||
      { say "$name $version is not downloadable; change scripts/mingw_deps/versions.txt"; return 1; }
  done < "$here/versions.txt"
  touch "$work/stamps/fetch"
}

# unpack PACKAGE: Debian's tree with Debian's patches, then ours.
unpack() {
  local name=$1 dsc p
  dsc=$(ls "$work/src/${name}"_*.dsc)
  rm -rf "$work/build/$name"
  dpkg-source --no-check -x "$dsc" "$work/build/$name" >/dev/null
  for p in "$here/patches/$name"/*.patch; do
    [ -e "$p" ] || continue
    patch -s -d "$work/build/$name" -p1 --no-backup-if-mismatch < "$p"
  done
  basename "$dsc" .dsc >> "$prefix/share/closeprobe-mingw/VERSIONS.txt"
}

cmake_install() {  # cmake_install PACKAGE [cmake args...]
  local src=$work/build/$1; shift
  cmake -S "$src" -B "$src/_build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_CXX_STANDARD=17 "$@" >/dev/null
  cmake --build "$src/_build" -j"$jobs" >/dev/null
  cmake --install "$src/_build" >/dev/null
}

build_zlib() {
  install -m644 /usr/$host/include/zlib.h /usr/$host/include/zconf.h "$prefix/include/"
  install -m644 /usr/$host/lib/libz.a "$prefix/lib/"
  dpkg-query -W -f='libz-mingw-w64-dev_${Version}\n' libz-mingw-w64-dev >> "$prefix/share/closeprobe-mingw/VERSIONS.txt"
}
build_abseil() {
  unpack abseil
  cmake_install abseil -DABSL_PROPAGATE_CXX_STD=ON -DBUILD_TESTING=OFF
}
build_protobuf() {
  unpack protobuf
  # libprotoc without protoc.exe: gRPC's plugin support library needs it.
  cmake_install protobuf -Dprotobuf_BUILD_TESTS=OFF -Dprotobuf_BUILD_CONFORMANCE=OFF \
    -Dprotobuf_BUILD_EXAMPLES=OFF -Dprotobuf_BUILD_PROTOC_BINARIES=OFF \
    -Dprotobuf_BUILD_LIBPROTOC=ON -Dprotobuf_WITH_ZLIB=OFF
}
build_c-ares() {
  unpack c-ares
  cmake_install c-ares -DCARES_STATIC=ON -DCARES_SHARED=OFF -DCARES_BUILD_TOOLS=OFF \
    -DCARES_BUILD_TESTS=OFF -DCARES_INSTALL=ON
}
build_re2() {
  unpack re2
  # The +dfsg tarball has no generated Unicode tables; make them as debian/rules does.
  (cd "$work/build/re2" &&
    perl re2/make_perl_groups.pl > re2/perl_groups.cc &&
    python3 re2/make_unicode_casefold.py > re2/unicode_casefold.cc &&
    python3 re2/make_unicode_groups.py > re2/unicode_groups.cc)
  cmake_install re2 -DRE2_BUILD_TESTING=OFF
}
build_openssl() {
  unpack openssl
  (cd "$work/build/openssl" &&
    ./Configure mingw64 --cross-compile-prefix=$host- CC=gcc-posix no-shared no-tests no-module \
      --prefix="$prefix" --libdir=lib --openssldir="$prefix/ssl" -O2 >/dev/null &&
    make -j"$jobs" build_libs >/dev/null && make install_dev >/dev/null)
}
build_grpc() {
  unpack grpc
  # Codegen on for the reflection and channelz libraries only; their .pb.cc
  # come from the build machine's protoc and grpc_cpp_plugin (same versions).
  cmake_install grpc -DgRPC_INSTALL=ON -DgRPC_BUILD_TESTS=OFF \
    -DgRPC_ABSL_PROVIDER=package -DgRPC_CARES_PROVIDER=package \
    -DgRPC_PROTOBUF_PROVIDER=package -DgRPC_PROTOBUF_PACKAGE_TYPE=CONFIG \
    -DgRPC_RE2_PROVIDER=package -DgRPC_SSL_PROVIDER=package -DgRPC_ZLIB_PROVIDER=package \
    -DgRPC_BUILD_CODEGEN=ON -DgRPC_BUILD_CSHARP_EXT=OFF -DgRPC_BUILD_GRPC_CPP_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_CSHARP_PLUGIN=OFF -DgRPC_BUILD_GRPC_NODE_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_OBJECTIVE_C_PLUGIN=OFF -DgRPC_BUILD_GRPC_PHP_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_PYTHON_PLUGIN=OFF -DgRPC_BUILD_GRPC_RUBY_PLUGIN=OFF \
    -DZLIB_LIBRARY="$prefix/lib/libz.a" -DZLIB_INCLUDE_DIR="$prefix/include" \
    -DOPENSSL_ROOT_DIR="$prefix" -D_gRPC_PROTOBUF_PROTOC_EXECUTABLE=/usr/bin/protoc \
    -D_gRPC_CPP_PLUGIN=/usr/bin/grpc_cpp_plugin
}

fetch_sources
install -m644 "$here/toolchain.cmake" "$toolchain"
mkdir -p "$prefix/include" "$prefix/lib"
for package in zlib abseil protobuf c-ares re2 openssl grpc; do
  if [ -e "$work/stamps/$package" ]; then continue; fi
  say "$package: building"
  start=$SECONDS
  "build_$package"
  echo "$((SECONDS - start))" > "$work/stamps/$package"
  say "$package: built in $((SECONDS - start)) s"
done
# Debug sections only: the prefix is for linking release binaries.
find "$prefix/lib" -name '*.a' -exec $host-strip --strip-debug {} +
sort -u -o "$prefix/share/closeprobe-mingw/VERSIONS.txt" "$prefix/share/closeprobe-mingw/VERSIONS.txt"
say "done: $(du -sh "$prefix" | cut -f1) in $prefix"
