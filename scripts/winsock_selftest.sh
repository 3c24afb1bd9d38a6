#!/usr/bin/env bash
# The Winsock backend, checked on Linux: cross-compiles agent/windows/ with
# mingw-w64 into winsock_selftest.exe and runs it under Wine (real Winsock
# calls over Wine's ws2_32, on Linux's TCP stack: the backend's code is
# checked, Windows' behaviour is not). It needs no gRPC; the whole agent is
# scripts/build_windows.sh's, checked end to end by wine_e2e_test.
#
#   scripts/winsock_selftest.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:?usage: $0 BUILD_DIR}"
out="$(cd "$build" && pwd)/winsock"
mkdir -p "$out/include"
# Only abseil's headers, not the rest of /usr/include.
ln -sfn /usr/include/absl "$out/include/absl"

cxx=x86_64-w64-mingw32-g++-posix
flags=(-std=c++17 -O1 -Wall -D_WIN32_WINNT=0x0A00 -I. -isystem "$out/include")

echo "winsock_selftest: compiling with $cxx" >&2
"$cxx" "${flags[@]}" -static -o "$out/winsock_selftest.exe" \
  agent/windows/winsock_selftest.cc agent/windows/socket_api_winsock.cc \
  agent/windows/winsock_errors.cc agent/windows/tcp_table_windows.cc \
  agent/windows/platform_info_windows.cc -lws2_32 -liphlpapi

echo "winsock_selftest: running under Wine" >&2
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timeout 300 /usr/lib/wine/wine64 "$out/winsock_selftest.exe"
