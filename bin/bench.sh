#!/usr/bin/env bash
# Benchmarks (speed and memory targets live here, never in unit tests). Prints medians measured
# in one run. Usage: bin/bench.sh [--repetitions N]
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions=20
if [ "${1:-}" = "--repetitions" ]; then repetitions="${2:?--repetitions needs a number}"; fi

bin/build.sh --quiet
bench=.build/release/sa-bench
fixtures="${SIMARENA_FIXTURES:-../shared/fixtures/simkube}"

echo "== trace codecs (goal: MessagePack decode >= 200 MB/s, JSON >= 50 MB/s, peak growth <= 10x file size)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
files=("$fixtures/large_trace.json" "$fixtures/dsb-scaling.sktrace")
if [ -f "$fixtures/large_trace.json" ]; then
  # The same 1.4 MB trace as MessagePack, for a MessagePack figure on a larger file.
  .build/release/sa-trace convert "$fixtures/large_trace.json" "$scratch/large_trace.msgpack"
  files+=("$scratch/large_trace.msgpack")
fi
for file in "${files[@]}"; do
  if [ -f "$file" ]; then
    # One process per file, so that each peak-memory figure is that file's alone.
    "$bench" codec --repetitions "$repetitions" "$file"
  else
    echo "skipped: $file not found"
  fi
done
