#!/usr/bin/env bash
# The README's "run the tests" command (and CI's): sets up, builds (the
# Windows binaries too, with mingw-w64: scripts/build_windows.sh, and the
# linux-6.1 guest: scripts/build_linux_guest.sh), runs every
# test with ctest, then the sanitizer build's tests and the bounded fuzzer
# runs (scripts/sanitizers.sh). Tests that need root (network namespaces,
# Docker) skip with a reason when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup_debian.sh tests
scripts/build.sh
scripts/build_windows.sh
scripts/build_linux_guest.sh
export CLOSEPROBE_WINDOWS_BIN="$PWD/build-mingw/bin"
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 1800 "$@")
scripts/sanitizers.sh
