#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers of outside data with libFuzzer (docs/fuzzing.md): builds
# sa-fuzz into .build-fuzz/ with coverage instrumentation, AddressSanitizer and libFuzzer linked
# in (a few minutes the first time), then runs each target for a while on its corpus. The seed
# corpora live in Tests/fuzz/corpus/<target>/ (bin/test.sh replays them through a normal build);
# inputs libFuzzer finds go to .build-fuzz/corpus/<target>/, crashes to .build-fuzz/crashes/.
#
# Usage: bin/fuzz.sh [--seconds N] [--runs R] [TARGET ...]   fuzz TARGETs (default: all) for N seconds
#                                                 each (default 60), or until R executions when sooner
#        bin/fuzz.sh --seed                       rewrite Tests/fuzz/corpus/ from the demo data
# Exit status: 0 no crash, 1 a target crashed (its input is named), 64 bad flags.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "fuzz: $1" >&2; exit "${2:-64}"; }
seconds=60 runs=-1 targets=() seed=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --seconds) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--seconds needs a whole number of seconds"; seconds="$2"; shift 2 ;;
    --runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a whole number of executions"; runs="$2"; shift 2 ;;
    --seed) seed=1; shift ;;
    -*) die "unknown flag $1 (see bin/fuzz.sh --help)" ;;
    *) targets+=("$1"); shift ;;
  esac
done

corpus=Tests/fuzz/corpus
if [ "$seed" = 1 ]; then
  bin=$(bin/build.sh --quiet --print-bin)
  rm -rf "$corpus"
  mkdir -p "$corpus"/{msgpack,json,trace,quantity,cluster-spec,yaml,safetensors,journal,run-files,sa-env}
  for trace in cpu-slight trace-0001 mem-heavy; do cp "demo/traces/$trace.msgpack" "$corpus/msgpack/"; done
  cp demo/traces/cpu-slight.msgpack demo/traces/replicas-over.msgpack "$corpus/trace/"
  "$bin/sa-trace" convert demo/traces/cpu-slight.msgpack "$corpus/trace/cpu-slight.json"
  cp "$corpus/trace/cpu-slight.json" demo/cluster.json "$corpus/json/"
  cp demo/cluster.json "$corpus/cluster-spec/"
  for quantity in 500m 1.5Gi 9Ei 1e3 0.001Ki 100M 12345678901234567890; do printf '%s' "$quantity" >"$corpus/quantity/$quantity"; done
  printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: n}}]\ncurrent-context: x\n' \
    >"$corpus/yaml/kubeconfig"
  # A tiny DQN run's checkpoint, replay file and journal, and a tabular run's files.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  bin/train.sh --trace demo/traces/cpu-slight.msgpack --agent dqn --episodes 2 --steps 4 --hidden 4 --learning-starts 2 --batch-size 2 \
    --no-plots --seed 1 --runs-dir "$scratch/runs" --checkpoints-dir "$scratch/ck" >/dev/null
  cp "$scratch"/ck/*/checkpoint_latest.safetensors "$scratch"/ck/*/checkpoint_latest.replay.safetensors "$corpus/safetensors/"
  cp "$scratch"/runs/dqn_*/replay.bin "$corpus/journal/"
  run=$(ls -d "$scratch"/runs/dqn_*)
  # run.json names the run's folders: made relative, so no machine's paths are committed.
  sed -e "s|$scratch/||g" -e "s|$PWD/||g" "$run/run.json" >"$corpus/run-files/run.json"
  cp "$run/ep0001/step0001/observation.json" "$corpus/run-files/"
  head -n 1 "$run/step.jsonl" >"$corpus/run-files/step-record.json"
  cp "$run/ep0001/step0001/action.json" "$corpus/run-files/" 2>/dev/null || true
  # sa-env frames: hello, and create for the demo trace (u32 counts and lengths, little-endian).
  printf '\x00' >"$corpus/sa-env/hello"
  python3 - "$corpus/sa-env/create" <<'PY'
import struct, sys
flags = [b"--trace", b"demo/traces/cpu-slight.msgpack"]
frame = b"\x01" + struct.pack("<I", len(flags)) + b"".join(struct.pack("<I", len(f)) + f for f in flags)
open(sys.argv[1], "wb").write(frame)
PY
  echo "fuzz: wrote $(find "$corpus" -type f | wc -l) seed inputs under $corpus"
  exit 0
fi

# The fuzzing build: every module instrumented for coverage and checked by AddressSanitizer;
# libFuzzer's driver linked in without its main (sa-fuzz finds LLVMFuzzerRunDriver at run time).
runtime=$(dirname "$(find "$(dirname "$(dirname "$(command -v swift)")")/lib" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -n 1)")
[ -f "$runtime/libclang_rt.fuzzer_no_main-x86_64.a" ] || die "this Swift toolchain has no libFuzzer (libclang_rt.fuzzer_no_main)" 69
echo "fuzz: swift build (coverage, AddressSanitizer, libFuzzer) into .build-fuzz/" >&2
swift build -c release --product sa-fuzz --build-path .build-fuzz \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker "$runtime/libclang_rt.fuzzer_no_main-x86_64.a" -Xlinker -lstdc++ \
  -Xlinker -u -Xlinker LLVMFuzzerRunDriver -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver >&2
fuzzer=.build-fuzz/release/sa-fuzz
[ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(find "$corpus" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)

status=0
for target in "${targets[@]}"; do
  [ -d "$corpus/$target" ] || die "no corpus for target '$target' (see sa-fuzz --help for the targets)"
  work=".build-fuzz/corpus/$target" crashes=".build-fuzz/crashes/$target/"
  mkdir -p "$work" "$crashes"
  log=".build-fuzz/$target.log"
  if ASAN_OPTIONS=detect_leaks=0 "$fuzzer" "$target" -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$crashes" -print_final_stats=1 "$work" "$corpus/$target" >"$log" 2>&1; then
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
    echo "fuzz: $target: $executed runs in ${took:-$seconds} s ($rate/s), $coverage, corpus $(find "$work" -type f | wc -l) files, no crash"
  else
    status=1
    echo "fuzz: $target: CRASH: $(grep -m1 -E 'ERROR|==[0-9]+==' "$log" || tail -n 1 "$log"); inputs in $crashes; log: $log" >&2
  fi
done
exit "$status"
