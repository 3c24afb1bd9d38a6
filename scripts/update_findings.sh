#!/usr/bin/env bash
# Regenerates docs/findings.md from a real report:
#   scripts/update_findings.sh [REPORT.json]
# Without a report it runs the matrix first (as root: netns topology; with
# the linux-6.1 column when scripts/build_linux_guest.sh has made the guest).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BUILD_DIR:-build}/bin"
report="${1:-}"
if [ -z "$report" ]; then
  scripts/setup_debian.sh
  scripts/build.sh >/dev/null
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  platforms=linux,lwip,gvisor-netstack,gvisor
  [ -d "${BUILD_DIR:-build}/guest/linux-6.1" ] && platforms=linux,lwip,gvisor-netstack,gvisor,linux-6.1
  "$bin/closeprobe" run --platforms="$platforms" --out "$out" --color=never >/dev/null 2>&1 || true
  report="$out/report.json"
fi
findings=$(mktemp)
"$bin/closeprobe" findings "$report" > "$findings"
python3 - "$findings" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
readme = open("docs/findings.md").read()
begin, end = "<!-- findings:begin -->", "<!-- findings:end -->"
if begin not in readme:
    sys.exit("docs/findings.md has no findings markers")
head, rest = readme.split(begin, 1)
_, tail = rest.split(end, 1)
open("docs/findings.md", "w").write(head + begin + "\n" + text + end + tail)
PY
rm -f "$findings"
echo "docs/findings.md updated from $report"
