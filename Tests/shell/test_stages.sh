#!/usr/bin/env bash
# The stages by hand: step.sh --until and continuing, hooks around the simulation, and an outside
# program as the policy (--policy-cmd) through train.sh.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

# One step stopped after observe, inspected, then continued to the end.
run=$("$BIN/sa-run" new -- --runs-dir "$SCRATCH/runs" --checkpoints-dir "$SCRATCH/checkpoints" --agent heuristic \
  --trace "$ROOT/demo/traces/scaling.msgpack" --episodes 1 --steps 5 --seed 1 --no-plots)
expect_status 0 "$ROOT/bin/step.sh" --run-dir "$run" --until observe
dir="$run/ep0001/step0001"
if [ ! -f "$dir/observation.json" ] || [ -e "$dir/reward.json" ]; then fail "--until observe did not stop after observe"; fi
grep -q '"ready": 1' "$dir/observation.json" || fail "scaling starts with one ready pod"
expect_status 0 "$ROOT/bin/step.sh" --run-dir "$run"
grep -q '"action": "scale_up_replicas"' "$dir/action.json" || fail "the continued step did not act"
[ "$(wc -l <"$run/step.jsonl")" = 1 ] || fail "the step was not recorded exactly once"
[ "$(grep -c sa-simulate "$dir/commands.sh")" = 1 ] || fail "simulate ran twice"

# sa-observe by flags gives the stage's observation of step 2 (which read step 1's action.json);
# a blocked previous action shows as last_action_blocked.
expect_status 0 "$ROOT/bin/step.sh" --run-dir "$run"
next="$run/ep0001/step0002"
observe_by_hand=("$BIN/sa-observe" --simulation "$next/simulation.json" --trace "$next/trace.msgpack" --deploy web)
expect_status 0 "${observe_by_hand[@]}" --previous-action "$dir/action.json" --out "$SCRATCH/by-hand.json"
cmp -s "$SCRATCH/by-hand.json" "$next/observation.json" || fail "sa-observe by flags differs from the stage's observation"
grep -q '"last_action_blocked": false' "$SCRATCH/by-hand.json" || fail "scaling up was not blocked"
python3 - "$dir/action.json" "$SCRATCH/blocked.json" <<'PY'
import json, sys
action = json.load(open(sys.argv[1]))
action["blocked_reason"] = "replicas 101 would exceed the maximum 100"
json.dump(action, open(sys.argv[2], "w"))
PY
expect_status 0 "${observe_by_hand[@]}" --previous-action "$SCRATCH/blocked.json" --out "$SCRATCH/blocked-observation.json"
grep -q '"last_action_blocked": true' "$SCRATCH/blocked-observation.json" || fail "a blocked previous action is not observed"

# Hooks run around the simulation with the step in their environment; a failing hook stops the step.
cat >"$SCRATCH/hook.py" <<'PY'
#!/usr/bin/env python3
import os, sys
with open(sys.argv[1], "a") as log:
    log.write("%s %s %s\n" % (os.environ["SA_STAGE"], os.environ["SA_EPISODE"], os.environ["SA_STEP"]))
PY
chmod +x "$SCRATCH/hook.py"
printf '{"pre_start": [{"command": ["%s", "%s"]}], "post_run": [{"command": ["%s", "%s"]}], "post_stop": [{"command": ["%s", "%s"]}]}' \
  "$SCRATCH/hook.py" "$SCRATCH/hooks.log" "$SCRATCH/hook.py" "$SCRATCH/hooks.log" "$SCRATCH/hook.py" "$SCRATCH/hooks.log" >"$SCRATCH/hooks.json"
printf 'pre_start 1 1\npost_run 1 1\npost_stop 1 1\npre_start 1 2\npost_run 1 2\npost_stop 1 2\n' >"$SCRATCH/hooks.expected"
printf '{"pre_run": [{"command": ["false"]}]}' >"$SCRATCH/failing.json"
# The same on the shell path and in one process (--fast).
for fast in "" --fast; do
  rm -f "$SCRATCH/hooks.log"
  expect_status 0 train --trace "$ROOT/demo/traces/trace-0001.msgpack" --agent heuristic --episodes 1 --seed 2 \
    --runs-dir "$SCRATCH/hooked$fast" --hooks "$SCRATCH/hooks.json" --log-to-terminal ${fast:+--fast}
  cmp -s "$SCRATCH/hooks.log" "$SCRATCH/hooks.expected" || fail "hooks ran as ($fast): $(tr '\n' ';' <"$SCRATCH/hooks.log")"
  [ "$(cat "$SCRATCH"/hooked"$fast"/heuristic_*/ep0001/step0002/hooks.jsonl | wc -l)" = 3 ] || fail "hooks.jsonl ($fast) lacks outcomes"
  expect_status 1 train --trace "$ROOT/demo/traces/trace-0001.msgpack" --agent heuristic --episodes 1 --seed 2 \
    --runs-dir "$SCRATCH/failing$fast" --hooks "$SCRATCH/failing.json" --log-to-terminal ${fast:+--fast}
  grep -q 'pre_run hook "false" failed' "$SCRATCH/err" || fail "the failing hook ($fast) is not named: $(cat "$SCRATCH/err")"
done
cmp -s "$SCRATCH"/hooked/heuristic_*/step.jsonl "$SCRATCH"/hooked--fast/heuristic_*/step.jsonl || fail "hooks: --fast step.jsonl differs"

# An outside program chooses the actions: it reads the observation on stdin.
cat >"$SCRATCH/agent.py" <<'PY'
#!/usr/bin/env python3
import json, sys
obs = json.load(sys.stdin)
print("scale_up_replicas" if obs["total"] < obs["target"] else "noop")
PY
chmod +x "$SCRATCH/agent.py"
expect_status 0 train --trace "$ROOT/demo/traces/scaling.msgpack" --policy-cmd "$SCRATCH/agent.py" \
  --episodes 1 --seed 3 --runs-dir "$SCRATCH/outside" --log-to-terminal
python3 - "$SCRATCH/outside/summary.json" <<'PY' || fail "the outside program did not fix the scaling scenario"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["agent"] == "command" and s["episodes"][0]["success"] and s["episodes"][0]["steps"] == 2, s
PY
printf '#!/bin/sh\necho lots\n' >"$SCRATCH/garbage.sh"
chmod +x "$SCRATCH/garbage.sh"
expect_status 1 train --trace "$ROOT/demo/traces/scaling.msgpack" --policy-cmd "$SCRATCH/garbage.sh" \
  --episodes 1 --seed 3 --runs-dir "$SCRATCH/garbage" --log-to-terminal
grep -q 'printed "lots"' "$SCRATCH/err" || fail "garbage from the policy command is not reported: $(cat "$SCRATCH/err")"
finish
