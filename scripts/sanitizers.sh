#!/usr/bin/env bash
# The sanitizer build: clang with AddressSanitizer and UndefinedBehavior-
# Sanitizer, in build-asan/ (BUILD_ASAN_DIR overrides). Runs the unit tests
# there, then each libFuzzer target for a bounded time (FUZZ_SECONDS, default
# 60) from its committed seed corpus (fuzz/corpus/NAME/, copied: the seeds
# stay as committed). Any sanitizer report or fuzzer crash fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BUILD_ASAN_DIR:-build-asan}"
seconds="${FUZZ_SECONDS:-60}"
# vptr checks need RTTI of every library; Debian's gRPC/protobuf are not
# instrumented, so that one check would only report false alarms.
flags="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCLOSEPROBE_BUILD_FUZZERS=ON -DCLOSEPROBE_BUILD_BENCH=OFF >/dev/null
# Every unit test (closeprobe_cc_test's label "unit"), as CMake lists them.
mapfile -t unit_tests < <(cd "$dir" && ctest -N -L '^unit$' | sed -n 's/^ *Test *#[0-9]*: //p')
[ "${#unit_tests[@]}" -gt 0 ] || { echo "sanitizers: no unit tests found" >&2; exit 1; }
cmake --build "$dir" -j"$(nproc)" --target "${unit_tests[@]}" case_file_fuzzer agent_request_fuzzer

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# gRPC keeps some globals for the process's life: not leaks of closeprobe's.
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp"
(cd "$dir" && ctest --output-on-failure -R "^($(IFS='|'; echo "${unit_tests[*]}"))\$")

for fuzzer in case_file_fuzzer agent_request_fuzzer; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$fuzzer/." "$work/"
  echo "sanitizers: $fuzzer for ${seconds} s" >&2
  "$dir/bin/$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" 2>"$dir/$fuzzer.log" || {
    tail -60 "$dir/$fuzzer.log" >&2
    rm -rf "$work"
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$dir/$fuzzer.log" >&2 || true
  rm -rf "$work"
done
