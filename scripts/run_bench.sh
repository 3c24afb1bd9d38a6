#!/usr/bin/env bash
# Benchmark figures (not tests): per-call round trip through the agent next
# to the direct call (p50/p99), and the matrix wall time next to its longest
# case.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_debian.sh
scripts/build.sh >/dev/null
bin="${BUILD_DIR:-build}/bin"
"$bin/agent_roundtrip_bench" --benchmark_min_time=2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin/closeprobe" run --out "$out" --color=never >/dev/null 2>&1 || true
python3 - "$out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print(f"matrix: {s['cases']} case runs, wall {r['wall_seconds']:.2f} s, longest case "
      f"{s['longest_case_seconds']:.2f} s ({s['longest_case']}), "
      f"ratio {r['wall_seconds'] / s['longest_case_seconds']:.2f}")
PY
