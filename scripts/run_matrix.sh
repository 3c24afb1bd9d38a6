#!/usr/bin/env bash
# The README's "run the matrix" command: sets up, builds, and runs every case
# in cases/ against local agents (network namespaces when root, loopback
# otherwise). Extra arguments go to `closeprobe run` (e.g. case files, --jobs).
# The report lands in reports/latest/ (REPORT_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_debian.sh
scripts/build.sh >/dev/null
exec "${BUILD_DIR:-build}/bin/closeprobe" run --out "${REPORT_DIR:-reports/latest}" "$@"
