#!/usr/bin/env bash
# The README's "run the matrix" command: sets up, builds, and runs every case
# in cases/ against local agents (network namespaces when root, loopback
# otherwise). Extra arguments go to `closeprobe run` (e.g. case files, --jobs).
# The report lands in reports/latest/ (REPORT_DIR overrides).
# Once scripts/build_linux_guest.sh has made the linux-6.1 guest, the run has
# that column too (unless --platforms says otherwise), its agent kept current;
# --platforms naming linux-6.1 builds the guest first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_debian.sh
echo "run_matrix: building into ${BUILD_DIR:-build}/ (the first time takes several minutes)" >&2
scripts/build.sh >&2
build=${BUILD_DIR:-build}
platforms=()
if [[ " $* " == *" --platforms"* ]]; then
  if [[ " $* " == *linux-6.1* ]]; then scripts/build_linux_guest.sh; fi
elif [ -d "$build/guest/linux-6.1" ]; then
  scripts/build_linux_guest.sh
  platforms=(--platforms=linux,lwip,gvisor-netstack,gvisor,linux-6.1)
fi
exec "$build/bin/closeprobe" run --out "${REPORT_DIR:-reports/latest}" "${platforms[@]}" "$@"
