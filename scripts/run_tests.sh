#!/usr/bin/env bash
# The README's "run the tests" command (and CI's): sets up, builds, runs every
# test with ctest, then the sanitizer build's tests and the bounded fuzzer
# runs (scripts/sanitizers.sh). Tests that need root (network namespaces,
# Docker) skip with a reason when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_debian.sh tests
scripts/build.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 1800 "$@")
scripts/sanitizers.sh
