#!/usr/bin/env bash
# Outside programs end with the tools that run them: a --policy-cmd that leaves a background
# child behind has it stopped when its decision is in; SIGTERM to sa-act while its policy runs
# stops the policy's whole process group and exits 143 with a message; the same for a hook run by
# `sa-run hook`.
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

finish
