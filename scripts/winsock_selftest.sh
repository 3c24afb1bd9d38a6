#!/usr/bin/env bash
# The Winsock backend, checked on Linux: cross-compiles agent/windows/ with
# mingw-w64 into winsock_selftest.exe and runs it under Wine (real Winsock
# calls over Wine's ws2_32, on Linux's TCP stack: the backend's code is
# checked, Windows' behaviour is not). The rest of the Windows agent (the
# gRPC service, main, the pieces that need protobuf) is compiled for Windows
# for syntax only, against Debian's headers: mingw has no gRPC to link.
#
#   scripts/winsock_selftest.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:?usage: $0 BUILD_DIR}"
out="$(cd "$build" && pwd)/winsock"
mkdir -p "$out/include"
# Only these libraries' headers, not the rest of /usr/include.
for dir in absl google grpc grpcpp; do ln -sfn "/usr/include/$dir" "$out/include/$dir"; done

cxx=x86_64-w64-mingw32-g++-posix
flags=(-std=c++17 -O1 -Wall -D_WIN32_WINNT=0x0A00 -I. -isystem "$out/include")

echo "winsock_selftest: compiling with $cxx" >&2
"$cxx" "${flags[@]}" -static -o "$out/winsock_selftest.exe" \
  agent/windows/winsock_selftest.cc agent/windows/socket_api_winsock.cc \
  agent/windows/winsock_errors.cc agent/windows/tcp_table_windows.cc \
  agent/windows/platform_info_windows.cc -lws2_32 -liphlpapi

echo "winsock_selftest: the rest of the Windows agent, for syntax" >&2
for f in agent/windows/error_names_winsock.cc agent/windows/state_observer_windows.cc \
  agent/windows/platform_windows.cc agent/windows/stop_signal_windows.cc agent/main.cc \
  agent/agent_service.cc agent/timed_socket_api.cc agent/session_registry.cc \
  agent/handle_table.cc agent/live_connections.cc agent/proto_convert.cc agent/grpc_status.cc \
  agent/segment_decoder.cc \
  agent/auth_gate.cc agent/authenticated_service.cc agent/scheduled_start.cc \
  agent/windows/scheduled_start_windows.cc; do
  "$cxx" "${flags[@]}" -DCLOSEPROBE_VERSION='"0"' -I"$build/proto/gen" -fsyntax-only "$f"
done

echo "winsock_selftest: running under Wine" >&2
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timeout 300 /usr/lib/wine/wine64 "$out/winsock_selftest.exe"
