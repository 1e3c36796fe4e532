#!/usr/bin/env bash
# Benchmarks (speed and memory targets live here, never in unit tests). Prints medians measured
# in one run, each next to its goal: the trace codecs, the simulator, one environment step through
# the shell, the fast path, Gymnasium from Python (in .venv/, bin/python-env.sh), and learning
# quality (the default benchmark, bin/benchmark.sh: DQN and the tabular agent trained on the demo
# traces with 5 seeds, then evaluated on the held-out and shifted suites next to the heuristic,
# vpa, krr and random policies). Builds first. Beside the wall times: the floors they are measured
# against (a static hello-world process, memcpy of the trace's bytes) and, where valgrind is
# installed, callgrind's instruction counts, which do not move with the machine's load.
#
# Usage: bin/bench.sh [--repetitions N]
#   --repetitions N   runs of each codec and simulator measurement (default 20; the two largest
#                     simulator cases run at most 5 and 3 times)
#   -h, --help        print this help and exit
#
# Exit status: 64 for an unknown flag or a bad --repetitions.
set -euo pipefail

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "bench.sh: $1" >&2; exit 64; }

# --help wins wherever it is.
for arg in "$@"; do
  case "$arg" in -h|--help) usage; exit 0 ;; esac
done
repetitions=20
while [ $# -gt 0 ]; do
  case "$1" in
    --repetitions)
      [ $# -ge 2 ] || die "--repetitions needs a number"
      [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "--repetitions '$2': use a whole number of 1 or more"
      repetitions="$2"
      shift 2 ;;
    -*) die "unknown flag '$1' (see bin/bench.sh --help)" ;;
    *) die "unexpected argument '$1' (see bin/bench.sh --help)" ;;
  esac
done
cd "$(dirname "$0")/.."

bin/build.sh --quiet
bench=.build/release/sa-bench

fixtures="${SIMARENA_FIXTURES:-../shared/fixtures/simkube}"

echo "== trace codecs (goal: MessagePack decode >= 300 MB/s, JSON >= 50 MB/s, peak growth <= 10x file size)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# instructions OUT CMD...: runs CMD under callgrind (whose instruction counts, unlike wall times,
# do not move with the machine's load) and prints the instructions it executed, its child
# processes' included; "n/a" without valgrind. OUT names the profile files. The tools run from
# copies without their debug sections ($stripped), which valgrind 3.19 cannot read.
stripped="$scratch/stripped"
if command -v valgrind >/dev/null; then
  mkdir -p "$stripped"
  for tool in .build/release/sa-*; do
    if [ -f "$tool" ] && [ -x "$tool" ]; then strip --strip-debug -o "$stripped/$(basename "$tool")" "$tool"; fi
  done
fi
instructions() {
  local out=$1; shift
  if ! command -v valgrind >/dev/null; then echo "n/a"; return; fi
  SIMARENA_BIN="$stripped" valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out.%p" "$@" >/dev/null 2>&1 \
    || { echo "bench.sh: under callgrind, '$*' failed" >&2; exit 1; }
  python3 - "$out" <<'PY'
import glob, sys
total = 0
for name in glob.glob(sys.argv[1] + ".*"):
    for line in open(name, errors="replace"):
        if line.startswith("summary:") or line.startswith("totals:"):
            total += int(line.split()[1])
            break
print(total)
PY
}
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
echo "== simulator (goals: 100k pods on 1,000 nodes in ≤ 1 s wall with the MessagePack result and ≤ 512 MiB peak;"
echo "   cost no worse than n·log n;"
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
# The floor no process can beat here: a static Swift hello-world, linked as the tools are.
printf 'print("hello")\n' >"$scratch/hello.swift"
swiftc -O -static-stdlib "$scratch/hello.swift" -o "$scratch/hello"
for _ in $(seq "$demo_runs"); do
  start=${EPOCHREALTIME//[.,]/}
  "$scratch/hello" >/dev/null
  end=${EPOCHREALTIME//[.,]/}
  printf 'hello\t%s\n' "$((end - start))" >>"$record"
done
hello_instructions=$(instructions "$scratch/cg-hello" "$scratch/hello")
demo_instructions=$(instructions "$scratch/cg-demo" "$stripped/sa-simulate" --trace "$demo_trace" --out "$scratch/demo-result.json")
python3 - "$record" "$hello_instructions" "$demo_instructions" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1])]
def median(name): return statistics.median(int(r[1]) for r in rows if r[0] == name) / 1000
hello, demo = median("hello"), median("demo")
print("3-pod demo: sa-simulate %.1f ms = %.1fx a static hello-world's %.1f ms (medians of the same run); instructions %s and %s"
      % (demo, demo / hello, hello, sys.argv[3], sys.argv[2]))
PY

echo
echo "== one environment step through the shell (goal: a whole step, six processes and their files, ≤ 30 ms median)"
# Steps of the heuristic on mem-heavy (32 memory reductions), run as bin/train.sh runs them:
# bin/step.sh (preflight, simulate, observe, reward, act, and sa-run record, which prepares the
# next step).
# new_run FLAGS...: a run of bin/train.sh's FLAGS under $scratch; prints its directory.
new_run() {
  .build/release/sa-run new -- --runs-dir "$scratch/runs" --checkpoints-dir "$scratch/checkpoints" --no-plots "$@"
}
run=$(new_run --agent heuristic --trace demo/traces/mem-heavy.msgpack --episodes 1 --steps 40 --seed 1 --Naction 7)
step_times="$scratch/steps.tsv"
.build/release/sa-run next --run-dir "$run" >/dev/null
while :; do
  start=${EPOCHREALTIME//[.,]/}
  read -r next <"$run/next-step"
  [ "$next" = finished ] && break
  bin/step.sh --run-dir "$run" >/dev/null
  end=${EPOCHREALTIME//[.,]/}
  printf '%s\n' "$((end - start))" >>"$step_times"
done
python3 - "$step_times" "$run/timings.jsonl" <<'PY'
import json, statistics, sys
steps = [int(line) / 1000 for line in open(sys.argv[1])]
stages = {}
for line in open(sys.argv[2]):
    record = json.loads(line)
    stages.setdefault(record["stage"], []).append(record["seconds"] * 1000)
print("steps: %d; whole step median %.1f ms (min %.1f, max %.1f); %.0fx faster than the original's 90 s step"
      % (len(steps), statistics.median(steps), min(steps), max(steps), 90000 / statistics.median(steps)))
for name, times in stages.items():
    print("  %-10s median %5.1f ms" % (name, statistics.median(times)))
print("goal (≤ 30 ms): %s" % ("MET" if statistics.median(steps) <= 30 else "MISSED"))
PY
# One more step of the same run, under callgrind with its children: every process's instructions.
cg_run=$(new_run --agent heuristic --trace demo/traces/mem-heavy.msgpack --episodes 1 --steps 2 --seed 1 --Naction 7)
.build/release/sa-run next --run-dir "$cg_run" >/dev/null
step_instructions=$(instructions "$scratch/cg-step" bin/step.sh --run-dir "$cg_run")
echo "instructions of one whole step (the shell and every process it starts): $step_instructions"

echo
echo "== the fast path (goals: >= 100,000 environment steps/s for a policy, >= 10,000 for DQN learning every step"
echo "   with batch 32 and 64x64; peak memory <= 200 MiB)"
# bin/train.sh --fast as it runs: one sa-train process, no step files, records written every half
# second. The heuristic, and a fresh DQN agent (learning from the 33rd step on), on mem-heavy,
# 100 episodes; whole-process wall time and peak RSS, median of 5 runs each.
fast_rates="$scratch/fast.tsv"
for _ in 1 2 3 4 5; do
  for agent in heuristic dqn; do
    fast_run=$(new_run --agent "$agent" --trace demo/traces/mem-heavy.msgpack --episodes 100 --steps 40 --seed 1 --Naction 7 --fast)
    python3 - "$agent" "$fast_run" "$fast_rates" .build/release/sa-train --run-dir "$fast_run" <<'PY'
import resource, subprocess, sys, time
agent, run, record, command = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
start = time.monotonic()
subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
seconds = time.monotonic() - start
steps = sum(1 for _ in open(run + "/step.jsonl"))
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
with open(record, "a") as out:
    out.write("%s\t%d\t%f\t%f\n" % (agent, steps, seconds, peak))
PY
  done
done
# Instructions per environment step: two runs of 1 and 5 episodes under callgrind, so that the
# process's start-up cancels out.
per_step=()
for agent in heuristic dqn; do
  counts=()
  for episodes in 1 5; do
    cg_run=$(new_run --agent "$agent" --trace demo/traces/mem-heavy.msgpack --episodes "$episodes" --steps 40 --seed 1 --Naction 7 --fast)
    counts+=("$(instructions "$scratch/cg-fast-$agent-$episodes" "$stripped/sa-train" --run-dir "$cg_run")" "$(wc -l <"$cg_run/step.jsonl")")
  done
  per_step+=("$agent" "${counts[@]}")
done
python3 - "${per_step[@]}" <<'PY'
import sys
values = sys.argv[1:]
for index in range(0, len(values), 5):
    agent, one, one_steps, five, five_steps = values[index:index + 5]
    if one == "n/a":
        print("fast path, %s: instructions n/a (no valgrind)" % agent)
        continue
    print("fast path, %-9s: %.0f instructions per environment step (callgrind, %s − %s instructions over %d − %d steps)"
          % (agent, (int(five) - int(one)) / (int(five_steps) - int(one_steps)), five, one, int(five_steps), int(one_steps)))
PY
python3 - "$fast_rates" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for agent, goal in (("heuristic", 100000), ("dqn", 10000)):
    mine = [(int(steps), float(seconds), float(peak)) for name, steps, seconds, peak in rows if name == agent]
    rates = [steps / seconds for steps, seconds, _ in mine]
    peak = max(p for _, _, p in mine)
    print("fast path, %-9s: %d steps per run; median %.0f environment steps/s (min %.0f, max %.0f); peak RSS %.0f MiB;"
          " goal %d steps/s: %s; memory goal: %s"
          % (agent, mine[0][0], statistics.median(rates), min(rates), max(rates), peak, goal,
             "MET" if statistics.median(rates) >= goal else "MISSED", "MET" if peak <= 200 else "MISSED"))
PY

echo
echo "== Gymnasium from Python (goals: one SimArenaEnv >= 0.5x CartPole-v1 in the same run, a 64-environment"
echo "   vector env >= 150,000 steps/s, sa-env batched >= 50,000 steps/s)"
# python/benchmarks/gym_speed.py in the project's .venv (bin/python-env.sh): random actions on
# trace-0001, 2 s a run, median of 3 runs; CartPole-v1 through gymnasium.make as the reference.
bin/python-env.sh 2>/dev/null
.venv/bin/python python/benchmarks/gym_speed.py --runs 3 --seconds 2 >"$scratch/gym.tsv"
python3 - "$scratch/gym.tsv" <<'PY'
import sys
rates = {name: float(median) for name, median, _ in (line.rstrip("\n").split("\t") for line in open(sys.argv[1]))}
def verdict(ok): return "MET" if ok else "MISSED"
cartpole = rates["cartpole"]
print("CartPole-v1 (reference): %.0f steps/s" % cartpole)
print("one SimArenaEnv: %.0f steps/s (%.0f with the JSON document in info) = %.2fx CartPole (goal >= 0.5x): %s"
      % (rates["one_env"], rates["one_env_documents"], rates["one_env"] / cartpole, verdict(rates["one_env"] >= 0.5 * cartpole)))
print("vector env, 64 environments: %.0f steps/s (goal >= 150,000): %s" % (rates["vector_64"], verdict(rates["vector_64"] >= 150000)))
print("sa-env, 64 environments a request: %.0f steps/s (goal >= 50,000): %s" % (rates["sa_env_64"], verdict(rates["sa_env_64"] >= 50000)))
PY

echo
echo "== learning quality: the default benchmark (goals: DQN trained on the generator's scenarios solves >= 97% of the"
echo "   held-out suite and >= 95% of the shifted one over 5 training seeds, in <= 1.1x the heuristic's steps on the"
echo "   episodes both solve; the whole benchmark in <= 15 minutes)"
# bin/benchmark.sh's defaults (docs/benchmark.md): the recipes dqn and greedy trained with seeds
# 1-5, the policies heuristic, vpa, krr and random, on demo/suites/heldout and demo/suites/shifted.
start=${EPOCHREALTIME//[.,]/}
bin/benchmark.sh --out "$scratch/benchmark" | grep -v '^benchmark: cell .*: episode ' || true
end=${EPOCHREALTIME//[.,]/}
[ -e "$scratch/benchmark/report.json" ] || { echo "the benchmark did not finish" >&2; exit 1; }
sed -n '/^## Suite/,/^### Why/p' "$scratch/benchmark/report.md" | grep -v '^### Why'
python3 - "$scratch/benchmark/report.json" "$(( (end - start) / 1000000 ))" <<'PY'
import json, sys
report, seconds = json.load(open(sys.argv[1])), int(sys.argv[2])
rows = {(r["agent"], r["suite"]): r for r in report["summaries"] if r["family"] is None}
def verdict(ok): return "MET" if ok else "MISSED"
for suite, goal in (("heldout", 0.97), ("shifted", 0.95)):
    row = rows[("dqn", suite)]
    low, high = row["solve_rate_ci95"]
    print("DQN on %s: %.1f%% [%.1f%%-%.1f%%] (goal >= %.0f%%): %s; steps vs heuristic %.2fx (goal <= 1.1x): %s"
          % (suite, 100 * row["solve_rate"], 100 * low, 100 * high, 100 * goal, verdict(row["solve_rate"] >= goal),
             row["steps_vs_reference"] or float("nan"), verdict((row["steps_vs_reference"] or 9) <= 1.1)))
print("whole benchmark: %d s (goal <= 900 s): %s" % (seconds, verdict(seconds <= 900)))
PY
