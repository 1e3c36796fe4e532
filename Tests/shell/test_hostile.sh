#!/usr/bin/env bash
# Hostile input through the tools (the reliability issue's reproductions): values that used to
# trap (exit 132, nothing said) now fail with one line and exit 65; an error in the trace names
# the trace; a FIFO given as input does not hang; of twenty `sa-run lock` started at once exactly
# one gets the lock, and of two `sa-train` started together on one run exactly one runs it.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# An event at -2^63 seconds: sa-trace inspect subtracted it from the last event's time.
printf '{"version": 2, "config": {"trackedObjects": {}}, "events": [{"ts": -9223372036854775808}, {"ts": 5}], "index": {}}' \
  >"$SCRATCH/early.json"
expect_status 65 "$BIN/sa-trace" inspect "$SCRATCH/early.json" && expect_one_line_error "early.json.*events\[0\].ts: -9223372036854775808 is outside"

# A scenario target of -2^63: sa-observe computed total - target.
"$BIN/sa-trace" convert demo/traces/cpu-slight.msgpack "$SCRATCH/cpu.json"
python3 - "$SCRATCH/cpu.json" "$SCRATCH/target.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
trace["metadata"]["scenario"]["target"] = -9223372036854775808
json.dump(trace, open(sys.argv[2], "w"))
PY
"$BIN/sa-simulate" --trace "$SCRATCH/target.json" --out "$SCRATCH/simulation.json"
expect_status 65 "$BIN/sa-observe" --simulation "$SCRATCH/simulation.json" --trace "$SCRATCH/target.json" --deploy web \
  --out "$SCRATCH/obs.json" && expect_one_line_error "target.json: metadata.scenario.target: expected a replica count"

# An error in the trace is reported against the trace, not the simulation result.
python3 - "$SCRATCH/cpu.json" "$SCRATCH/bad-request.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
for event in trace["events"]:
    for obj in event.get("applied_objs", []):
        if obj.get("kind") == "Deployment":
            obj["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "lots"
json.dump(trace, open(sys.argv[2], "w"))
PY
"$BIN/sa-simulate" --trace demo/traces/cpu-slight.msgpack --out "$SCRATCH/good-simulation.json"
expect_status 65 "$BIN/sa-observe" --simulation "$SCRATCH/good-simulation.json" --trace "$SCRATCH/bad-request.json" --deploy web \
  --out "$SCRATCH/obs.json" && expect_one_line_error "^sa-observe: $SCRATCH/bad-request.json: "

# A last step.jsonl line of {}: sa-run next computed episode - 1 as an unsigned number.
run=$("$BIN/sa-run" new -- --runs-dir "$SCRATCH/runs" --checkpoints-dir "$SCRATCH/ck" --agent heuristic \
  --trace demo/traces/cpu-slight.msgpack --episodes 1 --steps 2 --no-plots)
echo '{}' >"$run/step.jsonl"
expect_status 65 "$BIN/sa-run" next --run-dir "$run" && expect_one_line_error "step.jsonl: last line: .*without \"episode\" and \"step\""

# A FIFO nobody writes to, given as the trace: an error at once, not a hang.
mkfifo "$SCRATCH/fifo"
started=$SECONDS
status=0
timeout 10 "$BIN/sa-trace" inspect "$SCRATCH/fifo" >/dev/null 2>"$SCRATCH/err" || status=$?
[ "$status" = 65 ] || fail "sa-trace inspect on a FIFO exited $status, expected 65 (124: it hung): $(cat "$SCRATCH/err")"
[ $((SECONDS - started)) -le 3 ] || fail "sa-trace inspect on a FIFO took $((SECONDS - started)) s"
expect_status 66 "$BIN/sa-trace" inspect /dev/zero && expect_one_line_error "/dev/zero: is a device or socket, not a file"

# Twenty takers of the lock at once, each for a live process of its own: exactly one wins.
rm -f "$run/lock"
pids=()
for i in $(seq 20); do
  sleep 30 &
  pids+=($!)
done
takers=()
for i in $(seq 20); do
  "$BIN/sa-run" lock --run-dir "$run" --pid "${pids[$((i - 1))]}" >/dev/null 2>&1 &
  takers+=($!)
done
won=0
for taker in "${takers[@]}"; do
  if wait "$taker"; then won=$((won + 1)); fi
done
kill "${pids[@]}" 2>/dev/null || true
[ "$won" = 1 ] || fail "$won of 20 concurrent takers got the lock, expected exactly 1"

# Two sa-train started together on one run: one runs it, the other is refused (exit 75); the
# records are the run's, each once.
run=$("$BIN/sa-run" new -- --runs-dir "$SCRATCH/pair" --checkpoints-dir "$SCRATCH/pair-ck" --agent heuristic \
  --trace demo/traces/mem-heavy.msgpack --episodes 100 --steps 40 --no-plots --fast)
"$BIN/sa-train" --run-dir "$run" >/dev/null 2>"$SCRATCH/first.err" &
first=$!
"$BIN/sa-train" --run-dir "$run" >/dev/null 2>"$SCRATCH/second.err" &
second=$!
statuses=""
for trainer in "$first" "$second"; do
  status=0
  wait "$trainer" || status=$?
  statuses+="$status "
done
case "$statuses" in
  "0 75 "|"75 0 ") ;;
  *) fail "two sa-train on one run exited $statuses, expected one 0 and one 75: $(cat "$SCRATCH/first.err" "$SCRATCH/second.err")" ;;
esac
duplicates=$(python3 -c 'import json, sys; keys = [(r["episode"], r["step"]) for r in map(json.loads, open(sys.argv[1]))]; print(len(keys) - len(set(keys)))' \
  "$run/step.jsonl")
[ "$duplicates" = 0 ] || fail "step.jsonl holds $duplicates duplicate records"

# A NaN read from a MessagePack trace cannot become JSON: the message names the input file and
# the place, not the output, and no output is written.
"$BIN/sa-trace" convert "$ROOT/demo/traces/cpu-slight.msgpack" "$SCRATCH/labelled.json"
python3 - "$SCRATCH/labelled.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
trace["events"][0]["applied_objs"][0]["metadata"]["labels"]["weight"] = 1.5
json.dump(trace, open(sys.argv[1], "w"))
PY
"$BIN/sa-trace" convert "$SCRATCH/labelled.json" "$SCRATCH/labelled.msgpack"
python3 - "$SCRATCH/labelled.msgpack" "$SCRATCH/nan.msgpack" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
one_and_a_half = b"\xcb" + struct.pack(">d", 1.5)
assert data.count(one_and_a_half) == 1
open(sys.argv[2], "wb").write(data.replace(one_and_a_half, b"\xcb" + struct.pack(">d", float("nan"))))
PY
expect_status 65 "$BIN/sa-trace" convert "$SCRATCH/nan.msgpack" "$SCRATCH/nan.json"
expect_one_line_error "^sa-trace: $SCRATCH/nan.msgpack: /events/0/applied_objs/0/metadata/labels/weight: NaN or infinity cannot be written as JSON"
[ -e "$SCRATCH/nan.json" ] && fail "a JSON file was written for the NaN trace"

finish
