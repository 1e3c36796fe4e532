#!/usr/bin/env bash
# bin/train.sh: the heuristic fixes every demo scenario; runs are deterministic; a step reruns by
# hand from its files; runs killed with SIGKILL resume to the same step.jsonl; bad flags fail clearly.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"
runs="$SCRATCH/runs"

# The heuristic reaches the goal in every committed demo scenario (targets come from each trace):
# the original's named scenarios through the shell path, every scenario in one process (--fast,
# the same steps: test_fast.sh compares the two paths record for record).
# all_fixed SUMMARY COUNT: every one of COUNT episodes succeeded.
all_fixed() {
  python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
episodes = s["episodes"]
assert len(episodes) == int(sys.argv[2]), len(episodes)
failed = [e for e in episodes if not e["success"]]
assert not failed, failed[:3]
assert s["success_rate"] == 1.0
PY
}
named="$ROOT/demo/traces/[!g]*.msgpack"
count=$(find "$ROOT/demo/traces" -name '*.msgpack' ! -name 'gen-*' | wc -l)
expect_status 0 train --traces "$named" --agent heuristic --episodes "$count" --steps 60 --Naction 7 \
  --seed 11 --runs-dir "$runs" --log-to-terminal
all_fixed "$runs/summary.json" "$count" || fail "the heuristic did not fix every named demo scenario on the shell path"
grep -q "episode $count/$count" "$SCRATCH/out" || fail "no progress line for the last episode"
count=$(find "$ROOT/demo/traces" -name '*.msgpack' | wc -l)
expect_status 0 train --fast --traces "$ROOT/demo/traces" --agent heuristic --episodes "$count" --steps 60 --Naction 7 \
  --seed 11 --runs-dir "$SCRATCH/every" --log-to-terminal
all_fixed "$SCRATCH/every/summary.json" "$count" || fail "the heuristic did not fix every demo scenario"

# Two runs with one seed are byte-identical (records and summary); a third with another seed differs.
for name in a b; do
  expect_status 0 train --trace "$ROOT/demo/traces/cpu-mem.msgpack" --agent random --episodes 2 --steps 8 \
    --Naction 7 --seed 4 --runs-dir "$SCRATCH/det-$name" --log-to-terminal
done
cmp -s "$SCRATCH"/det-a/random_*/step.jsonl "$SCRATCH"/det-b/random_*/step.jsonl || fail "same seed, different step.jsonl"
cmp -s "$SCRATCH"/det-a/random_*/summary.json "$SCRATCH"/det-b/random_*/summary.json || fail "same seed, different summary.json"
expect_status 0 train --trace "$ROOT/demo/traces/cpu-mem.msgpack" --agent random --episodes 2 --steps 8 \
  --Naction 7 --seed 5 --runs-dir "$SCRATCH/det-c" --log-to-terminal
cmp -s "$SCRATCH"/det-a/random_*/step.jsonl "$SCRATCH"/det-c/random_*/step.jsonl && fail "another seed, same step.jsonl"
[ "$(readlink "$SCRATCH/det-a/step.jsonl")" = "$(basename "$SCRATCH"/det-a/random_*)/step.jsonl" ] || fail "runs/step.jsonl does not point at the run"

# A step rerun by hand from its files reproduces every output byte for byte.
step_dir=$(ls -d "$SCRATCH"/det-a/random_*/ep0001/step0002)
mkdir "$SCRATCH/saved"
for file in simulation.json observation.json reward.json action.json next-trace.msgpack; do
  mv "$step_dir/$file" "$SCRATCH/saved/$file"
done
grep -v sa-preflight "$step_dir/commands.sh" | bash >/dev/null || fail "commands.sh failed"
for file in simulation.json observation.json reward.json action.json next-trace.msgpack; do
  cmp -s "$step_dir/$file" "$SCRATCH/saved/$file" || fail "rerun by hand: $file differs"
done

# Killed with SIGKILL at random points and resumed, a run ends with the same step.jsonl as an
# uninterrupted one, with no partial lines.
flags=(--trace "$ROOT/demo/traces/mem-slight.msgpack" --agent random --episodes 3 --steps 6 --Naction 7 --seed 21)
expect_status 0 train "${flags[@]}" --runs-dir "$SCRATCH/whole" --log-to-terminal
# setsid makes each run a process group, so SIGKILL takes the stage it is running with it.
setsid "$ROOT/bin/train.sh" "${flags[@]}" --runs-dir "$SCRATCH/killed" --checkpoints-dir "$SCRATCH/checkpoints" \
  --log-to-terminal >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do [ -e "$SCRATCH/killed/step.jsonl" ] && break; sleep 0.1; done
sleep 0.3
kill -9 -- "-$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
run=$(find "$SCRATCH/killed" -mindepth 1 -maxdepth 1 -type d -name 'random_*')
for _ in 1 2 3 4 5 6 7 8; do
  setsid "$ROOT/bin/train.sh" --resume "$run" >/dev/null 2>&1 &
  victim=$!
  sleep "1.$((RANDOM % 9))"  # about a second of it is the no-op build check
  kill -9 -- "-$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
done
expect_status 0 "$ROOT/bin/train.sh" --resume "$run" --log-to-terminal
cmp -s "$SCRATCH"/whole/random_*/step.jsonl "$run/step.jsonl" || fail "resumed run's step.jsonl differs from an uninterrupted run's"
cmp -s "$SCRATCH"/whole/random_*/summary.json "$run/summary.json" || fail "resumed run's summary.json differs"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$run/step.jsonl" || fail "partial line in step.jsonl"

# The same for the learning agent: its state lives in the step directories, so a resumed run
# learns exactly what an uninterrupted one learns (records and checkpoint).
flags=(--trace "$ROOT/demo/traces/cpu-slight.msgpack" --agent greedy --episodes 4 --steps 6 --Naction 7 --eps-decay 15 --seed 8)
expect_status 0 "$ROOT/bin/train.sh" "${flags[@]}" --runs-dir "$SCRATCH/g-whole" --checkpoints-dir "$SCRATCH/g-whole-ck" --log-to-terminal
setsid "$ROOT/bin/train.sh" "${flags[@]}" --runs-dir "$SCRATCH/g-killed" --checkpoints-dir "$SCRATCH/g-killed-ck" \
  --log-to-terminal >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do [ -e "$SCRATCH/g-killed/step.jsonl" ] && break; sleep 0.1; done
sleep 0.$((RANDOM % 9 + 1))
kill -9 -- "-$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
grun=$(find "$SCRATCH/g-killed" -mindepth 1 -maxdepth 1 -type d -name 'greedy_*')
expect_status 0 "$ROOT/bin/train.sh" --resume "$grun" --log-to-terminal
cmp -s "$SCRATCH"/g-whole/greedy_*/step.jsonl "$grun/step.jsonl" || fail "greedy: resumed step.jsonl differs"
cmp -s "$SCRATCH"/g-whole-ck/greedy_*/checkpoint_latest.json "$SCRATCH/g-killed-ck/$(basename "$grun")/checkpoint_latest.json" \
  || fail "greedy: resumed checkpoint differs"

# SIGTERM finishes the current step, saves, exits 143; the run resumes.
"$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/mem-heavy.msgpack" --agent heuristic --episodes 1 --steps 40 --Naction 7 --seed 3 \
  --checkpoints-dir "$SCRATCH/checkpoints" \
  --runs-dir "$SCRATCH/term" --log-to-terminal >"$SCRATCH/term.out" 2>&1 &
victim=$!
for _ in $(seq 100); do [ -e "$SCRATCH/term/step.jsonl" ] && break; sleep 0.1; done
kill -TERM "$victim"
status=0
wait "$victim" || status=$?
[ "$status" = 143 ] || fail "SIGTERM: exit status $status, expected 143"
grep -q "interrupted" "$SCRATCH/term.out" || fail "SIGTERM: no 'interrupted' message"

# Without a terminal, output goes to checkpoints/<run>/train.log.
train --trace "$ROOT/demo/traces/trace-0001.msgpack" --agent heuristic --episodes 1 --seed 1 --runs-dir "$SCRATCH/log" \
  </dev/null >"$SCRATCH/log.out" 2>&1
log_run=$(basename "$(find "$SCRATCH/log" -mindepth 1 -maxdepth 1 -type d -name 'heuristic_*')")
grep -q "episode 1/1" "$SCRATCH/checkpoints/$log_run/train.log" || fail "train.log lacks the progress line"
[ -s "$SCRATCH/checkpoints/$log_run/command.txt" ] || fail "no command.txt"

# Bad flags and missing files.
expect_status 64 train --trace "$ROOT/demo/traces/trace-0001.msgpack" --bogus 1 && expect_one_line_error "train.sh: Unknown option '--bogus'"
expect_status 64 "$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/trace-0001.msgpack" --episodes && expect_one_line_error "train.sh: Missing value for '--episodes"
expect_status 66 train --trace "$SCRATCH/absent.msgpack" && expect_one_line_error "absent.msgpack: no such file"
expect_status 64 train --trace "$ROOT/demo/traces/trace-0001.msgpack" --agent wizard && expect_one_line_error "--agent must be"
expect_status 66 "$ROOT/bin/train.sh" --resume nosuch_run && expect_one_line_error "no run named 'nosuch_run'"
expect_status 66 "$ROOT/bin/step.sh" --run-dir "$SCRATCH/x" && expect_one_line_error "no run.json; create the run with bin/train.sh"
expect_status 0 train --help
finish
