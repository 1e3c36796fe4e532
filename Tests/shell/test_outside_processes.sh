#!/usr/bin/env bash
# Outside programs end with the tools that run them: a --policy-cmd that leaves a background
# child behind has it stopped when its decision is in; SIGTERM to sa-act while its policy runs
# stops the policy's whole process group and exits 143 with a message; SIGKILL to sa-act (which
# cannot catch it) still ends the policy and its children, through their guardian; bin/train.sh
# killed alone while a hook runs leaves the run locked until that step has ended, so the resumed
# run never shares a step directory with the leftover.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

trace=demo/traces/cpu-slight.msgpack
"$BIN/sa-simulate" --trace "$trace" --out "$SCRATCH/simulation.json"
"$BIN/sa-observe" --simulation "$SCRATCH/simulation.json" --trace "$trace" --deploy web --out "$SCRATCH/observation.json"
act=("$BIN/sa-act" --observation "$SCRATCH/observation.json" --trace "$trace" --deploy web --out "$SCRATCH/action.json"
  --out-trace "$SCRATCH/next.msgpack")

# A policy that starts a background child (marked by its unusual duration) and answers at once.
marker=$((3000 + $$ % 997))
cat >"$SCRATCH/forking.sh" <<SH
#!/bin/sh
sleep $marker &
cat >/dev/null
echo noop
SH
chmod +x "$SCRATCH/forking.sh"
expect_status 0 "${act[@]}" --policy-cmd "$SCRATCH/forking.sh"
sleep 0.2
if pgrep -f "sleep $marker" >/dev/null; then
  fail "the policy's background child outlived the decision"
  pkill -f "sleep $marker" || true
fi

# SIGTERM while a slow policy decides: its group is stopped, sa-act says so and exits 143.
cat >"$SCRATCH/slow.sh" <<SH
#!/bin/sh
sleep $((marker + 1)) &
sleep $((marker + 1))
SH
chmod +x "$SCRATCH/slow.sh"
"${act[@]}" --policy-cmd "$SCRATCH/slow.sh" --policy-timeout 60 2>"$SCRATCH/term.err" &
actor=$!
for _ in $(seq 50); do pgrep -f "sleep $((marker + 1))" >/dev/null && break; sleep 0.1; done
kill -TERM "$actor"
status=0
wait "$actor" || status=$?
[ "$status" = 143 ] || fail "sa-act exited $status after SIGTERM, expected 143: $(cat "$SCRATCH/term.err")"
grep -q "interrupted by signal 15 (SIGTERM); stopped $SCRATCH/slow.sh and its processes" "$SCRATCH/term.err" \
  || fail "no interruption message: $(cat "$SCRATCH/term.err")"
sleep 0.2
if pgrep -f "sleep $((marker + 1))" >/dev/null; then
  fail "the policy's processes outlived sa-act"
  pkill -f "sleep $((marker + 1))" || true
fi

# SIGKILL while a slow policy decides: nothing can be caught, yet the policy and its background
# child end with sa-act (the guardian that leads their group hears of the death from the kernel).
"${act[@]}" --policy-cmd "$SCRATCH/slow.sh" --policy-timeout 60 2>/dev/null &
actor=$!
for _ in $(seq 50); do [ "$(pgrep -fc "sleep $((marker + 1))")" = 2 ] && break; sleep 0.1; done
[ "$(pgrep -fc "sleep $((marker + 1))")" = 2 ] || fail "the slow policy and its child did not start"
kill -KILL "$actor"
wait "$actor" 2>/dev/null || true
for _ in $(seq 20); do pgrep -f "sleep $((marker + 1))" >/dev/null || break; sleep 0.1; done
if pgrep -f "sleep $((marker + 1))" >/dev/null; then
  fail "the policy's processes outlived sa-act's SIGKILL"
  pkill -f "sleep $((marker + 1))" || true
fi

# bin/train.sh SIGKILLed alone (not its group) while a slow post_run hook runs: the step goes on
# to its end, and until it has, --resume refuses with exit 75; afterwards it finishes the run.
cat >"$SCRATCH/slow-hook.sh" <<SH
#!/bin/sh
sleep 3.$marker
echo "\$SA_STEP" >>"$SCRATCH/hook-steps"
SH
chmod +x "$SCRATCH/slow-hook.sh"
printf '{"post_run": [{"command": ["%s"]}]}' "$SCRATCH/slow-hook.sh" >"$SCRATCH/slow-hooks.json"
"$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/cpu-slight.msgpack" --agent heuristic --episodes 1 --steps 3 --seed 1 \
  --runs-dir "$SCRATCH/killed" --checkpoints-dir "$SCRATCH/checkpoints" --hooks "$SCRATCH/slow-hooks.json" \
  --log-to-terminal >/dev/null 2>&1 &
trainer=$!
for _ in $(seq 100); do pgrep -f "sleep 3.$marker" >/dev/null && break; sleep 0.1; done
kill -KILL "$trainer"
wait "$trainer" 2>/dev/null || true
run=$(echo "$SCRATCH"/killed/heuristic_*)
expect_status 75 "$ROOT/bin/train.sh" --resume "$run" --log-to-terminal
grep -q "processes it started still hold the run" "$SCRATCH/err" || fail "no word of the leftover step: $(cat "$SCRATCH/err")"
for _ in $(seq 50); do pgrep -f "sleep 3.$marker" >/dev/null || break; sleep 0.1; done
sleep 0.5
expect_status 0 "$ROOT/bin/train.sh" --resume "$run" --log-to-terminal
# --steps 3 records four steps (the last one ends the episode), each once, each with its hook once.
[ "$(cut -d, -f2 "$run/step.jsonl" | tr '\n' ' ')" = '"step":1 "step":2 "step":3 "step":4 ' ] \
  || fail "the resumed run recorded: $(cut -d, -f1-2 "$run/step.jsonl" | tr '\n' ' ')"
[ "$(sort "$SCRATCH/hook-steps" | tr '\n' ' ')" = "1 2 3 4 " ] || fail "hooks ran for steps $(tr '\n' ' ' <"$SCRATCH/hook-steps")"

finish
