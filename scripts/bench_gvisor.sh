#!/usr/bin/env bash
# Benchmark figures (not tests) for the gvisor column, as root with runsc:
# the sandbox's start time and memory, and the per-call round trip through
# the agent in the sandbox beside the same agent native, both over a unix
# socket (p50/p99). A `closeprobe run` of one long case holds the sandbox
# while this measures it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BUILD_DIR:-build}/bin"
[ "$(id -u)" = 0 ] || { echo "bench_gvisor.sh: needs root (network namespaces, runsc)" >&2; exit 2; }
command -v runsc >/dev/null || { echo "bench_gvisor.sh: needs runsc (apt-get install runsc)" >&2; exit 2; }
out=$(mktemp -d)
run=""
cleanup() {
  [ -n "$run" ] && kill "$run" 2>/dev/null && wait "$run" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT
"$bin/closeprobe" run --platforms linux,gvisor --port_base=27000 --out "$out" \
  cases/time_wait_duration.textproto >"$out/run.log" 2>&1 &
run=$!
# The run's folder: where its sandboxed agent's socket appears (bounded wait).
dir=""
for _ in $(seq 1 150); do
  dir=$( (ps -o args= --ppid "$run" || true) | sed -n 's#.*unix:\(/tmp/closeprobe\.[^/]*\)/subject\.sock.*#\1#p' | head -1)
  [ -n "$dir" ] && [ -S "$dir/runsc.sock" ] && break
  sleep 0.2
done
[ -n "$dir" ] && [ -S "$dir/runsc.sock" ] || { echo "no sandbox came up:"; cat "$out/run.log"; exit 1; }
grep "served after" "$out/run.log" || true
sleep 2
# Memory: `runsc run` and everything under it (gofer, sentry, the agent's
# ptrace stub), beside the native agent.
python3 - "$dir" <<'PY'
import os, sys
folder = sys.argv[1]
procs = {}
for p in filter(str.isdigit, os.listdir('/proc')):
    try:
        args = open(f'/proc/{p}/cmdline', 'rb').read().split(b'\0')
        ppid = int(open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()[1])
        rss = next(int(l.split()[1]) for l in open(f'/proc/{p}/status') if l.startswith('VmRSS'))
        # runsc re-executes itself: argv[0] says which part (runsc-gofer,
        # runsc-sandbox); the agent's ptrace stub has no command line.
        comm = os.path.basename(args[0].decode(errors='replace')) or 'ptrace stub (the agent)'
        procs[int(p)] = (ppid, rss, b' '.join(args).decode(errors='replace'), comm)
    except (OSError, StopIteration, ValueError):
        pass
top = [p for p, (_, _, a, _) in procs.items()
       if a.startswith('/') and 'runsc' in a.split()[0] and f'--root={folder}/runsc-state' in a and ' run ' in a]
def tree(pid, depth=0):
    total = procs[pid][1]
    print(f"  {'  ' * depth}{procs[pid][3]}: {procs[pid][1] / 1024:.1f} MiB")
    for child, (ppid, _, _, _) in procs.items():
        if ppid == pid:
            total += tree(child, depth + 1)
    return total
for t in top:
    print(f"sandbox total: {tree(t) / 1024:.1f} MiB")
native = [rss for _, rss, a, _ in procs.values() if f'unix:{folder}/subject.sock' in a and 'closeprobe-agent' in a]
print(f"native agent: {max(native) / 1024:.1f} MiB" if native else "native agent: not found")
PY
for agent in runsc subject; do
  echo "round trip through the ${agent/subject/native} agent:"
  CLOSEPROBE_AGENT_TARGET="unix:$dir/$agent.sock" timeout 120 "$bin/agent_roundtrip_bench" \
    --benchmark_filter='BM_GetOptionThroughAgent|BM_RenewSessionThroughAgent' \
    --benchmark_min_time=3 2>&1 | grep -E '^BM_'
done
