#!/usr/bin/env bash
# bin/sweep.sh and the Indexed Job path on a small sweep file (a recipe with a grid, two policies
# with their scenarios in two shards): the report with one worker; the same bytes with one of two
# workers killed (SIGKILL) mid-cell and resumed, and with bin/sweep.sh stopped by SIGTERM (passed
# on to the lanes) and resumed (test_benchmark.sh kills every worker at once); a shard's episodes are the unsplit benchmark's; the
# rendered manifests validate against the batch/v1 schema (kubernetes-validate, when .venv has it)
# and their ConfigMap's plan, run lane by lane with JOB_COMPLETION_INDEX through jobs/lane.sh (the
# container's entry point), gives the same report; bad sweep files fail with one line and their
# exit status before anything is created.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

suite="$SCRATCH/suite"
small_suite "$suite"
recipe="$SCRATCH/greedy.flags"
printf '%s\n' "--agent greedy --episodes 300 --steps 20 --Naction 7 --traces demo/traces --lr 0.5" >"$recipe"
sweep="$SCRATCH/sweep.yaml"
cat >"$sweep" <<YAML
format: simarena.sweep/v1
agents:
  - name: greedy
    recipe: $recipe
    grid:
      --lr: [0.3, 0.6]
  - policy: heuristic
  - policy: random
seeds: 2
shards: 2
steps: 20
suites: [$suite]
YAML
report_files=(report.json report.md episodes.jsonl report-plot.tsv)
training_started() { # training_started DIR: waits (up to 10 s) until a recipe of the sweep in DIR trains
  for _ in $(seq 1 100); do
    ls "$1"/cells/greedy-*/train/runs/*/step.jsonl >/dev/null 2>&1 && return
    sleep 0.1
  done
}
same_report() { # same_report DIR_A DIR_B WHAT
  for file in "${report_files[@]}"; do
    cmp -s "$1/$file" "$2/$file" || fail "$3: $file differs from the serial run's"
  done
}

# One worker: 4 training cells (2 grid points × 2 seeds) and 8 policy cells (2 × 2 seeds × 2 shards).
expect_status 0 bin/sweep.sh "$sweep" --out "$SCRATCH/one" --jobs 1
grep -q '^sweep: 12 cells in 12 lanes in' "$SCRATCH/out" || fail "no plan line: $(head -3 "$SCRATCH/out")"
for file in "${report_files[@]}" report.png plan.json command.txt; do
  [ -s "$SCRATCH/one/$file" ] || fail "no $file in the report folder"
done
[ -d "$SCRATCH/one/cells/greedy-lr0.6-seed2/train" ] || fail "no training folder for the grid point lr=0.6, seed 2"
[ -s "$SCRATCH/one/cells/heuristic-seed1-shard2of2/episodes.jsonl" ] || fail "no second shard of heuristic seed 1"
[ "$(wc -l <"$SCRATCH/one/episodes.jsonl")" = 32 ] || fail "episodes.jsonl: expected 4 agents × 2 seeds × 4 scenarios"
grep -q '| greedy-lr0.3 |' "$SCRATCH/one/report.md" || fail "report.md has no row for the grid point lr=0.3"

# Run again when complete: nothing runs, nothing changes.
before=$(md5sum "$SCRATCH/one/report.json")
expect_status 0 bin/sweep.sh "$sweep" --out "$SCRATCH/one" --jobs 2
[ "$(grep -c 'complete already' "$SCRATCH/out")" = 12 ] || fail "a complete sweep ran cells again: $(head -5 "$SCRATCH/out")"
[ "$(md5sum "$SCRATCH/one/report.json")" = "$before" ] || fail "the report changed when nothing ran"

# One worker killed (SIGKILL) mid-cell while the other goes on: the sweep stops short with exit 1,
# then continues to the same report.
bin/sweep.sh "$sweep" --out "$SCRATCH/worker" --jobs 2 >"$SCRATCH/worker.out" 2>&1 &
runner=$!
training_started "$SCRATCH/worker"
# The newest lane is one of the two training ones (recipe cells come first).
victim=$(pgrep -n -f "sa-benchmark lane --out $SCRATCH/worker" || true)
[ -n "$victim" ] && kill -KILL "$victim"
status=0
wait "$runner" || status=$?
[ "$status" = 1 ] || fail "the sweep with a killed worker exited $status, expected 1: $(tail -3 "$SCRATCH/worker.out")"
expect_status 0 bin/sweep.sh "$sweep" --out "$SCRATCH/worker" --jobs 2
same_report "$SCRATCH/one" "$SCRATCH/worker" "one worker killed, then resumed"

# SIGTERM to bin/sweep.sh alone reaches the lanes: it exits 143 once they have stopped, none left.
bin/sweep.sh "$sweep" --out "$SCRATCH/term" --jobs 2 >"$SCRATCH/term.out" 2>&1 &
runner=$!
training_started "$SCRATCH/term"
kill -TERM "$runner"
status=0
wait "$runner" || status=$?
[ "$status" = 143 ] || fail "bin/sweep.sh exited $status after SIGTERM, expected 143: $(tail -3 "$SCRATCH/term.out")"
if pgrep -f "sa-benchmark lane --out $SCRATCH/term" >/dev/null; then fail "a lane still runs after bin/sweep.sh stopped"; fi
expect_status 0 bin/sweep.sh "$sweep" --out "$SCRATCH/term" --jobs 2
same_report "$SCRATCH/one" "$SCRATCH/term" "stopped with SIGTERM, then resumed"

# The shards' episodes are those of the benchmark that plays every scenario in one cell.
expect_status 0 bin/benchmark.sh --out "$SCRATCH/whole" --jobs 2 --policy heuristic --policy random --suite "$suite" --seeds 2 --steps 20
for agent in heuristic random; do
  cmp -s <(grep "\"agent\": \"$agent\"" "$SCRATCH/whole/episodes.jsonl") <(grep "\"agent\": \"$agent\"" "$SCRATCH/one/episodes.jsonl") \
    || fail "$agent's sharded episodes differ from the unsplit benchmark's"
done

# The Kubernetes path: render, validate, then run the ConfigMap's plan lane by lane as the pods do.
expect_status 0 "$BIN/sa-benchmark" render --sweep "$sweep" --name small-sweep --image registry.example/sim-arena:1 --parallelism 4
cp "$SCRATCH/out" "$SCRATCH/manifests.yaml"
grep -q 'completionMode: Indexed' "$SCRATCH/manifests.yaml" || fail "the Job is not Indexed"
grep -q 'completions: 12$' "$SCRATCH/manifests.yaml" || fail "the Job does not have one index per lane"
grep -q 'parallelism: 4$' "$SCRATCH/manifests.yaml" || fail "the Job's parallelism is not the flag's"
if [ -x .venv/bin/kubernetes-validate ]; then
  # Strict: a field the schema does not know is an error. Any output is a failure too (an
  # unknown kind is only a warning).
  expect_status 0 jobs/validate-manifests.sh "$SCRATCH/manifests.yaml"
  if [ -s "$SCRATCH/out" ] || [ -s "$SCRATCH/err" ]; then fail "the manifests do not validate: $(cat "$SCRATCH/out" "$SCRATCH/err")"; fi
  # A misspelt field is caught: the validation can fail.
  sed 's/backoffLimitPerIndex/backoffLimitPerIdx/' "$SCRATCH/manifests.yaml" >"$SCRATCH/bad.yaml"
  expect_status 1 jobs/validate-manifests.sh "$SCRATCH/bad.yaml"
  grep -q 'backoffLimitPerIdx' "$SCRATCH/out" "$SCRATCH/err" || fail "the validation does not name the misspelt field"
else
  echo "  skipped the schema validation: .venv/bin/kubernetes-validate is missing (bin/python-env.sh installs it)" >&2
fi
mkdir -p "$SCRATCH/configmap"
py=python3
[ -x .venv/bin/python ] && py=.venv/bin/python
"$py" - "$SCRATCH/manifests.yaml" "$SCRATCH/configmap/plan.json" <<'PY' || fail "no plan.json in the rendered ConfigMap"
import sys, yaml
configmap = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d["kind"] == "ConfigMap")
open(sys.argv[2], "w").write(configmap["data"]["plan.json"])
PY
for lane in 11 3 0 7 1 2 4 5 6 8 9 10; do
  JOB_COMPLETION_INDEX=$lane jobs/lane.sh --plan "$SCRATCH/configmap/plan.json" --out "$SCRATCH/results/small-sweep" \
    >"$SCRATCH/lane.out" 2>&1 || fail "lane $lane failed: $(tail -3 "$SCRATCH/lane.out")"
  if [ "$lane" != 10 ] && [ -e "$SCRATCH/results/small-sweep/report.json" ]; then fail "a report before the last lane ($lane)"; fi
done
grep -q 'the sweep is complete' "$SCRATCH/lane.out" || fail "the last lane did not make the report: $(cat "$SCRATCH/lane.out")"
same_report "$SCRATCH/one" "$SCRATCH/results/small-sweep" "the lanes of the rendered plan"
[ -s "$SCRATCH/results/small-sweep/report.png" ] || fail "the last lane drew no report.png"

# Bad input: one line, the documented status, nothing created.
if expect_status 0 bin/sweep.sh --help; then
  grep -q 'JOB_COMPLETION_INDEX' "$SCRATCH/out" || fail "bin/sweep.sh --help: $(head -3 "$SCRATCH/out")"
fi
expect_status 64 bin/sweep.sh "$sweep" --jobs 0 && expect_one_line_error "--jobs '0'"
expect_status 64 env JOB_COMPLETION_INDEX=x "$BIN/sa-benchmark" lane --out "$SCRATCH/one" && expect_one_line_error "JOB_COMPLETION_INDEX=x is not a cell index"
expect_status 64 "$BIN/sa-benchmark" lane --out "$SCRATCH/one" --index 12 && expect_one_line_error "lane 12: the plan has lanes 0 to 11"
printf 'format: simarena.sweep/v1\nagents: [{policy: vpa}]\nseed: 3\n' >"$SCRATCH/typo.yaml"
expect_status 65 bin/sweep.sh "$SCRATCH/typo.yaml" --out "$SCRATCH/never" && expect_one_line_error 'typo.yaml: unknown key "seed"'
printf 'format: simarena.sweep/v1\nagents: [{policy: vpa, grid: {--lr: [1]}}]\n' >"$SCRATCH/grid.yaml"
expect_status 65 bin/sweep.sh "$SCRATCH/grid.yaml" --out "$SCRATCH/never" && expect_one_line_error "grid: only a recipe has flags to vary"
printf 'format: simarena.sweep/v1\nagents: [{name: x, recipe: %s, grid: {--seed: [1, 2]}}]\n' "$recipe" >"$SCRATCH/reserved.yaml"
expect_status 65 bin/sweep.sh "$SCRATCH/reserved.yaml" --out "$SCRATCH/never" && expect_one_line_error "reserved.yaml: agents\[0\] (x): .*--seed=1 is set by the benchmark"
expect_status 66 bin/sweep.sh "$SCRATCH/missing.yaml" --out "$SCRATCH/never" && expect_one_line_error "missing.yaml: no such file"
expect_status 64 "$BIN/sa-benchmark" plan --sweep "$sweep" --out "$SCRATCH/never" --seeds 3 && expect_one_line_error "--seeds: with --sweep, the sweep file says what runs"
expect_status 64 "$BIN/sa-benchmark" render --sweep "$sweep" --name Bad_Name --image x && expect_one_line_error "--name Bad_Name"
[ ! -e "$SCRATCH/never" ] || fail "a refused sweep created its report folder"

finish
