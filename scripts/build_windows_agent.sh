#!/usr/bin/env bash
# Cross-builds closeprobe-agent.exe (a static PE32+: the agent core, the
# Winsock backend, gRPC with TLS) with mingw-w64 into build-mingw/bin/.
#
#   CLOSEPROBE_MINGW_DEPS=PREFIX scripts/build_windows_agent.sh
#
# PREFIX is a mingw-w64 gRPC stack (gRPC 1.51, protobuf 3.21, abseil
# 20220623, c-ares, re2, OpenSSL, zlib; static, posix threads) with its CMake
# toolchain file in share/cmake/mingw-w64-x86_64-posix.cmake: a folder, or a
# .tar.xz holding one (extracted into build-mingw/deps once). Debian has no
# mingw gRPC; docs/windows.md says how such a prefix is made.
set -euo pipefail
cd "$(dirname "$0")/.."
deps="${CLOSEPROBE_MINGW_DEPS:?set CLOSEPROBE_MINGW_DEPS to a mingw-w64 gRPC prefix (a folder or a .tar.xz)}"
need=()
for p in g++-mingw-w64-x86-64-posix ninja-build cmake protobuf-compiler protobuf-compiler-grpc \
         libgrpc++-dev libprotobuf-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  apt-get update -qq && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
if [ -f "$deps" ]; then
  mkdir -p build-mingw/deps
  stamp="build-mingw/deps/.from-$(sha256sum "$deps" | cut -c1-16)"
  if [ ! -e "$stamp" ]; then
    tar -xJf "$deps" -C build-mingw/deps
    touch "$stamp"
  fi
  deps=$(dirname "$(ls -d build-mingw/deps/*/share/cmake/mingw-w64-x86_64-posix.cmake)")/../..
fi
toolchain="$(cd "$deps" && pwd)/share/cmake/mingw-w64-x86_64-posix.cmake"
[ -f "$toolchain" ] || { echo "no toolchain file in $deps (share/cmake/mingw-w64-x86_64-posix.cmake)" >&2; exit 2; }
cmake -S . -B build-mingw -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
  -DCLOSEPROBE_BUILD_TESTS=OFF -DCLOSEPROBE_BUILD_BENCH=OFF >/dev/null
ninja -C build-mingw closeprobe-agent >/dev/null
file build-mingw/bin/closeprobe-agent.exe 2>/dev/null || ls -l build-mingw/bin/closeprobe-agent.exe
