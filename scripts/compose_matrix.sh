#!/usr/bin/env bash
# Runs the matrix in Docker Compose (docker/compose.yaml) from start to end,
# as the test suite does: a Docker engine and base image if there are none
# (scripts/docker_engine.sh), a fresh token, build, run, then everything torn
# down: containers, network, and the dockerd it started.
#
#   scripts/compose_matrix.sh REPORTS_DIR
#
# The report lands in REPORTS_DIR/compose/. Exit status: the controller's
# (0 all matched, 1 deviations, 3 infrastructure), 2 for bad usage, 4 when
# the engine or the build failed.
set -euo pipefail
cd "$(dirname "$0")/.."

reports="${1:-}"
[ -n "$reports" ] || { echo "usage: $0 REPORTS_DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "compose_matrix: needs root (dockerd, TAP devices)" >&2; exit 2; }
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)

state=$(mktemp -d /tmp/closeprobe-compose.XXXXXX)
project="closeprobe$$"
export CLOSEPROBE_REPORTS="$reports"
export CLOSEPROBE_TOKEN_FILE="$state/token"
head -c 32 /dev/urandom | base64 >"$CLOSEPROBE_TOKEN_FILE"

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p "$project" -f docker/compose.yaml "$@"
  else
    docker-compose -p "$project" -f docker/compose.yaml "$@"
  fi
}

cleanup() {
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  scripts/docker_engine.sh down "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT

step() { echo "compose_matrix: $* ($(date +%T))" >&2; }

step "engine and base image"
scripts/docker_engine.sh up "$state" || exit 4
step "building the image"
compose build controller >"$state/build.log" 2>&1 || { tail -40 "$state/build.log" >&2; exit 4; }
step "running the matrix"
status=0
compose up --exit-code-from controller >"$reports/compose.log" 2>&1 || status=$?
if [ ! -f "$reports/compose/report.json" ]; then
  step "no report: the containers did not run (output in $reports/compose.log)"
  tail -20 "$reports/compose.log" >&2
  exit 4
fi
step "controller exited with $status; output in $reports/compose.log"
grep -E "cases \(.* runs\)|Report:" "$reports/compose.log" >&2 || true
exit "$status"
