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

echo
echo "== simulator (goals: 100k pods on 1,000 nodes in ≤ 2 s wall and ≤ 1 GiB peak; cost no worse than n·log n;"
echo "   3-pod demo ≤ 5 ms process wall time)"
# Synthetic traces of Deployments of 100 pods on 16-CPU 64Gi nodes, 90 simulated seconds; one
# process per case, so that each peak-memory figure is that case's alone. Fewer runs for the
# larger cases.
record="$scratch/simulate.tsv"
"$bench" simulate --pods 1000 --nodes 10 --repetitions "$repetitions" --record "$record"
"$bench" simulate --pods 10000 --nodes 100 --repetitions "$(( repetitions < 5 ? repetitions : 5 ))" --record "$record"
"$bench" simulate --pods 100000 --nodes 1000 --repetitions "$(( repetitions < 3 ? repetitions : 3 ))" --record "$record"
# The demo step as the environment takes it: one sa-simulate process on a 3-pod trace (3 replicas
# of 500m/256Mi on the built-in 3-node cluster), wall time of the whole process.
demo_trace=demo/traces/trace-0001.msgpack
if [ ! -f "$demo_trace" ]; then
  demo_trace="$scratch/demo.msgpack"
  "$bench" synthetic-trace --demo --out "$demo_trace"
fi
simulate=.build/release/sa-simulate
"$simulate" --trace "$demo_trace" --out "$scratch/demo-result.json"  # warm the page cache
demo_runs=50
for _ in $(seq "$demo_runs"); do
  start=${EPOCHREALTIME//[.,]/}
  "$simulate" --trace "$demo_trace" --out "$scratch/demo-result.json"
  end=${EPOCHREALTIME//[.,]/}
  printf 'demo\t%s\n' "$((end - start))" >>"$record"
done
"$bench" simulate-summary "$record"
