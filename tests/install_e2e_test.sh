#!/usr/bin/env bash
# The Debian package (cpack), unpacked into a throwaway root and run from a
# folder outside the clone on a user's own case folder: `validate` and `run`
# need no flag beyond the cases, because the programs find the articles'
# claims and the agents relative to themselves.
# Usage: install_e2e_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/closeprobe-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/closeprobe_*_amd64.deb)
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
dpkg-deb -x "$deb" "$work/root"
installed=$work/root/usr/bin/closeprobe
[ -x "$installed" ] || { echo "FAIL: no usr/bin/closeprobe in the package"; exit 1; }
[ -f "$work/root/usr/share/closeprobe/claims/articles.textproto" ] ||
  { echo "FAIL: the articles' claims are not in share/closeprobe"; exit 1; }

mkdir -p "$work/user/my-cases"
cp "$source/cases/normal_close.textproto" "$work/user/my-cases/"
cd "$work/user"

"$installed" validate my-cases
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped the run: local agents in namespaces need root (CI runs as root)"
  exit 0
fi
status=0
timeout 300 "$installed" run my-cases --color=never >run.out 2>run.err || status=$?
if [ "$status" -ne 0 ]; then
  cat run.err run.out; echo "FAIL: run exited $status"; exit 1
fi
[ -f closeprobe-report/report.json ] || { echo "FAIL: no report in the user's folder"; exit 1; }
grep -q "normal_close" run.out || { cat run.out; echo "FAIL: the case is not in the matrix"; exit 1; }
echo "installed closeprobe validated and ran a user's case folder from $(pwd)"
