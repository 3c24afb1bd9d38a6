#!/usr/bin/env bash
# The Winsock backend, checked on Linux: builds winsock_selftest.exe with
# the Windows agent (scripts/build_windows.sh, mingw-w64) and runs it under
# Wine (real Winsock calls over Wine's ws2_32, on Linux's TCP stack: the
# backend's code is checked, Windows' behaviour is not). The whole agent is
# checked end to end by wine_e2e_test.
#
#   scripts/winsock_selftest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build_windows.sh winsock_selftest
out="$PWD/build-mingw"
echo "winsock_selftest: running under Wine" >&2
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timeout 300 /usr/lib/wine/wine64 "$out/bin/winsock_selftest.exe"
