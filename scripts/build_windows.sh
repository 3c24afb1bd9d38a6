#!/usr/bin/env bash
# Cross-builds the Windows binaries with mingw-w64 into build-mingw/bin/:
# closeprobe-agent.exe (the agent core, the Winsock backend, gRPC with TLS)
# and closeprobe.exe (the controller; on Windows its local topology is two
# agents on loopback). Both are static PE32+ files: nothing else to ship.
#
#   scripts/build_windows.sh [MORE_TARGETS...]
#
# The gRPC stack they link comes from scripts/mingw_deps.sh: a prebuilt
# prefix given in CLOSEPROBE_MINGW_DEPS, the one built before, or a build
# from Debian's sources (about 40 minutes, once). docs/windows.md says more.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(scripts/mingw_deps.sh)
cmake -S . -B build-mingw -G Ninja -DCMAKE_TOOLCHAIN_FILE="$prefix/share/cmake/mingw-w64-x86_64-posix.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DCLOSEPROBE_BUILD_TESTS=OFF -DCLOSEPROBE_BUILD_BENCH=OFF >/dev/null
ninja -C build-mingw closeprobe-agent closeprobe "$@" >/dev/null
echo "build-mingw/bin: closeprobe-agent.exe closeprobe.exe (gRPC from $prefix)" >&2
