#!/usr/bin/env bash
# bin/train.sh --fast (sa-train, one process) gives the shell path's step.jsonl, summary.json and
# checkpoints byte for byte; with --keep-steps its step files too. Not compared: commands.sh and
# timings.jsonl (the fast path writes neither: no stage commands, no per-stage timings) and
# preflight.json (its lock check names the pid holding the lock, which differs between runs).
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

# compare NAME FLAGS...: trains with FLAGS twice, shell path and --fast (plus any extra fast flags
# in $fast_extra), into $SCRATCH/NAME-shell and $SCRATCH/NAME-fast; compares records and checkpoints.
compare() {
  local name="$1"
  shift
  expect_status 0 "$ROOT/bin/train.sh" "$@" --runs-dir "$SCRATCH/$name-shell" \
    --checkpoints-dir "$SCRATCH/$name-shell-ckpt" --log-to-terminal || return 0
  cp "$SCRATCH/out" "$SCRATCH/$name-shell.out"
  expect_status 0 "$ROOT/bin/train.sh" "$@" --fast "${fast_extra[@]}" --runs-dir "$SCRATCH/$name-fast" \
    --checkpoints-dir "$SCRATCH/$name-fast-ckpt" --log-to-terminal || return 0
  cp "$SCRATCH/out" "$SCRATCH/$name-fast.out"
  shell_run=$(find "$SCRATCH/$name-shell" -mindepth 1 -maxdepth 1 -type d)
  fast_run=$(find "$SCRATCH/$name-fast" -mindepth 1 -maxdepth 1 -type d)
  for file in step.jsonl summary.json; do
    cmp -s "$shell_run/$file" "$fast_run/$file" || fail "$name: $file differs between the shell path and --fast"
  done
  [ -s "$fast_run/step.jsonl" ] || fail "$name: --fast wrote no step.jsonl"
  local ckpt
  for ckpt in "$SCRATCH/$name-shell-ckpt"/*/checkpoint_*.json; do
    [ -e "$ckpt" ] || continue
    cmp -s "$ckpt" "$SCRATCH/$name-fast-ckpt/$(basename "$fast_run")/$(basename "$ckpt")" \
      || fail "$name: $(basename "$ckpt") differs"
  done
  # The same progress lines, but for the wall-clock steps/s.
  diff <(grep '^episode' "$SCRATCH/$name-shell.out" | sed 's/steps\/s .*//') \
    <(grep '^episode' "$SCRATCH/$name-fast.out" | sed 's/steps\/s .*//') >/dev/null \
    || fail "$name: progress lines differ"
}

fast_extra=()
# (a) The heuristic on every demo scenario (the first 10 episodes of a seeded order).
compare heuristic --traces "$ROOT/demo/traces" --agent heuristic --episodes 10 --steps 40 --Naction 7 --seed 3

# (b) Tabular Q-learning: the agent state carries across steps and episodes; checkpoints match.
compare greedy --trace "$ROOT/demo/traces/cpu-slight.msgpack" --agent greedy --episodes 5 --steps 20 \
  --eps-decay 20 --Naction 7 --seed 4 --checkpoint-interval 2
[ -e "$SCRATCH/greedy-fast-ckpt/$(basename "$fast_run")/checkpoint_latest.json" ] || fail "greedy: --fast saved no checkpoint"
[ -e "$SCRATCH/greedy-fast-ckpt/$(basename "$fast_run")/checkpoint_ep4.json" ] || fail "greedy: --fast saved no checkpoint_ep4"
[ -e "$fast_run/ep0001/step0001" ] && fail "greedy: --fast without --keep-steps wrote step directories"

# (c) --keep-steps: every step file the shell path writes, byte for byte.
fast_extra=(--keep-steps)
compare keep --trace "$ROOT/demo/traces/cpu-mem.msgpack" --agent random --episodes 2 --steps 8 --Naction 7 --seed 4
steps=0
while IFS= read -r step_dir; do
  relative="${step_dir#"$shell_run"/}"
  steps=$((steps + 1))
  for file in trace.msgpack simulation.json observation.json reward.json action.json next-trace.msgpack \
      agent-in.json agent.json learn.json complete; do
    if [ -e "$step_dir/$file" ]; then
      cmp -s "$step_dir/$file" "$fast_run/$relative/$file" || fail "keep: $relative/$file differs"
    elif [ -e "$fast_run/$relative/$file" ]; then
      fail "keep: $relative/$file only in the --fast run"
    fi
  done
  [ -e "$fast_run/$relative/preflight.json" ] || fail "keep: $relative/preflight.json missing"
done < <(find "$shell_run" -mindepth 2 -maxdepth 2 -type d -name 'step*' | sort)
[ "$steps" -gt 2 ] || fail "keep: only $steps step directories"

# (d) --fast --keep-steps with a learning agent: learn.json and agent.json match as well.
compare keepgreedy --trace "$ROOT/demo/traces/cpu-slight.msgpack" --agent greedy --episodes 2 --steps 6 \
  --eps-decay 20 --Naction 7 --seed 5
for file in "$shell_run"/ep*/step*/agent.json "$shell_run"/ep*/step*/learn.json; do
  cmp -s "$file" "$fast_run/${file#"$shell_run"/}" || fail "keepgreedy: ${file#"$shell_run"/} differs"
done

# A --fast run killed mid-way resumes (--resume) to the same step.jsonl.
# (The records reach the disk every half second; a kill loses the steps since, which the resumed
# run recomputes.)
flags=(--trace "$ROOT/demo/traces/mem-heavy.msgpack" --agent heuristic --episodes 400 --steps 40 --Naction 7 --seed 21 --no-plots)
expect_status 0 train "${flags[@]}" --fast --runs-dir "$SCRATCH/whole" --log-to-terminal
setsid "$ROOT/bin/train.sh" "${flags[@]}" --fast --runs-dir "$SCRATCH/killed" --checkpoints-dir "$SCRATCH/checkpoints" \
  --log-to-terminal >/dev/null 2>&1 &
victim=$!
for _ in $(seq 500); do [ -s "$SCRATCH/killed/step.jsonl" ] && break; sleep 0.02; done
sleep 0.2
kill -9 -- "-$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
run=$(find "$SCRATCH/killed" -mindepth 1 -maxdepth 1 -type d -name 'heuristic_*')
[ -n "$run" ] || fail "the killed --fast run left no run directory"
[ "$(wc -l <"$run/step.jsonl")" -lt "$(wc -l <"$SCRATCH"/whole/heuristic_*/step.jsonl)" ] || echo "  note: the --fast run finished before it was killed"
expect_status 0 "$ROOT/bin/train.sh" --resume "$run" --log-to-terminal
cmp -s "$SCRATCH"/whole/heuristic_*/step.jsonl "$run/step.jsonl" || fail "killed and resumed --fast run: step.jsonl differs"
cmp -s "$SCRATCH"/whole/heuristic_*/summary.json "$run/summary.json" || fail "killed and resumed --fast run: summary.json differs"

# --keep-steps needs --fast, and a refused run leaves no run directory.
expect_status 64 train --trace "$ROOT/demo/traces/cpu-mem.msgpack" --keep-steps --runs-dir "$SCRATCH/refused" \
  && expect_one_line_error "keep-steps goes with --fast"
[ -e "$SCRATCH/refused" ] && fail "a refused run left $SCRATCH/refused behind"

finish
