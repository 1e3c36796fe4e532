#!/usr/bin/env bash
# bin/benchmark.sh end to end on a small plan: the report's files; the same bytes with one worker
# or two; a benchmark killed (SIGKILL) while a recipe trains continues to the same report; a
# complete benchmark run again does no work; bad flags and inputs fail with one line and their
# exit status before anything is created.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

suite="$SCRATCH/suite"
small_suite "$suite"
recipe="$SCRATCH/greedy.flags"
printf '%s\n' "# a small tabular recipe" "--agent greedy --episodes 300 --steps 20 --Naction 7 --traces demo/traces" >"$recipe"
flags=(--recipe "greedy=$recipe" --policy heuristic --policy random --suite "$suite" --seeds 2 --steps 20)

# One worker, uninterrupted.
expect_status 0 bin/benchmark.sh --out "$SCRATCH/one" --jobs 1 "${flags[@]}"
for file in report.md report.json report.png episodes.jsonl command.txt plan.json report-plot.tsv; do
  [ -s "$SCRATCH/one/$file" ] || fail "no $file in the report folder"
done
grep -q '^benchmark: 6 cells in' "$SCRATCH/out" || fail "no plan line: $(head -3 "$SCRATCH/out")"
grep -q '| heuristic | 100% \[100%–100%\] |' "$SCRATCH/one/report.md" || fail "report.md: the heuristic does not solve all: $(cat "$SCRATCH/one/report.md")"
[ "$(wc -l <"$SCRATCH/one/episodes.jsonl")" = 24 ] || fail "episodes.jsonl: expected 3 agents × 2 seeds × 4 scenarios"
grep -q -- '--recipe greedy=' "$SCRATCH/one/command.txt" || fail "command.txt: $(cat "$SCRATCH/one/command.txt")"

# Two workers, killed while the recipe trains, then continued: the same report.
set -m
bin/benchmark.sh --out "$SCRATCH/two" --jobs 2 "${flags[@]}" >"$SCRATCH/killed.out" 2>&1 &
runner=$!
set +m
for _ in $(seq 1 100); do
  ls "$SCRATCH"/two/cells/greedy-seed*/train/runs/*/step.jsonl >/dev/null 2>&1 && break
  sleep 0.1
done
sleep 0.2
kill -KILL -- "-$runner" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
[ -e "$SCRATCH/two/report.json" ] && fail "the killed benchmark already had its report (kill came too late to test anything)"
expect_status 0 bin/benchmark.sh --out "$SCRATCH/two" --jobs 2 "${flags[@]}"
for file in report.md report.json episodes.jsonl report-plot.tsv; do
  cmp -s "$SCRATCH/one/$file" "$SCRATCH/two/$file" || fail "$file differs between one worker and two, killed and continued"
done

# Again: every cell is complete already.
expect_status 0 bin/benchmark.sh --out "$SCRATCH/two" --jobs 2 "${flags[@]}"
[ "$(grep -c 'complete already' "$SCRATCH/out")" = 6 ] || fail "a complete benchmark ran cells again: $(cat "$SCRATCH/out")"

# Bad input: one line, its status, and no report folder.
expect_status 64 bin/benchmark.sh --out "$SCRATCH/bad" --jobs 0 && expect_one_line_error "--jobs '0'"
expect_status 64 bin/benchmark.sh --out "$SCRATCH/bad" --bogus && expect_one_line_error "bogus"
expect_status 66 bin/benchmark.sh --out "$SCRATCH/bad" --policy heuristic --suite "$SCRATCH/nowhere" && expect_one_line_error "nowhere: no such folder"
expect_status 64 bin/benchmark.sh --out "$SCRATCH/bad" --policy smart --suite "$suite" && expect_one_line_error "--policy smart"
printf '%s\n' "--agent greedy --seed 3 --traces demo/traces" >"$SCRATCH/seeded.flags"
expect_status 64 bin/benchmark.sh --out "$SCRATCH/bad" --recipe "s=$SCRATCH/seeded.flags" --suite "$suite" \
  && expect_one_line_error "--seed is set by the benchmark"
[ -e "$SCRATCH/bad" ] && fail "a refused benchmark created its folder"
expect_status 73 bin/benchmark.sh --out "$SCRATCH/one" --policy noop --suite "$suite" && expect_one_line_error "holds another benchmark"
finish
