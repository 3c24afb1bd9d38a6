#!/usr/bin/env bash
# The case set with the Windows agent under Wine as the subject and a Linux
# agent as the peer, both on this host's loopback:
#
#   scripts/wine_matrix.sh --out DIR [CASES...] [closeprobe run flags]
#
# It builds what it runs (scripts/build.sh, scripts/build_windows.sh) unless
# CLOSEPROBE_WINDOWS_BIN names a folder holding closeprobe-agent.exe already
# built (the tests do), with the Linux binaries in build/bin.
#
# The column is named `wine` (the agent says so in Info): Wine's Winsock API
# over this host's Linux TCP stack. It checks the Windows agent end to end;
# it says nothing of Windows' own TCP, which needs a Windows host
# (docs/windows.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -n "$out" ] || { echo "usage: scripts/wine_matrix.sh --out DIR [CASES...]" >&2; exit 2; }
scripts/setup_debian.sh windows
windows_bin=${CLOSEPROBE_WINDOWS_BIN:-}
if [ -z "$windows_bin" ]; then
  scripts/build.sh >/dev/null
  scripts/build_windows.sh
  windows_bin=build-mingw/bin
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export WINEPREFIX="$tmp/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
/usr/lib/wine/wine64 "$windows_bin/closeprobe-agent.exe" --listen=127.0.0.1:0 \
  --port_file="$tmp/wine.port" > "$tmp/wine.log" 2>&1 &
pids+=($!)
build/bin/closeprobe-agent --listen=127.0.0.1:0 --port_file="$tmp/peer.port" --allow_faults \
  > "$tmp/peer.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do  # Wine's first start takes about 10 s
  [ -s "$tmp/wine.port" ] && [ -s "$tmp/peer.port" ] && break
  sleep 0.1
done
[ -s "$tmp/wine.port" ] || { echo "the Windows agent did not start under Wine:" >&2; cat "$tmp/wine.log" >&2; exit 3; }
status=0
build/bin/closeprobe run --agent "subject=127.0.0.1:$(cat "$tmp/wine.port")" \
  --agent "peer=127.0.0.1:$(cat "$tmp/peer.port")" --out "$out" "${args[@]}" || status=$?
exit "$status"
