#!/usr/bin/env bash
# What a newcomer meets first: a JSON trace works on both paths; bad flags (and a trace declaring a
# bad cluster) fail in train.sh before a run directory exists; a run that no --resume can cure leaves nothing behind; without a terminal
# one line names train.log and a failure is repeated there; step.sh by hand on a directory without
# run.json fails at once; --traces runs name each episode's trace; a trained checkpoint evaluates
# (--evaluate) on both paths without being changed.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

# A hand-written JSON trace (here: a demo trace converted) runs on the shell path and with --fast,
# to the same records as its MessagePack original; the run keeps it as trace.msgpack.
"$BIN/sa-trace" convert "$ROOT/demo/traces/cpu-slight.msgpack" "$SCRATCH/cpu-slight.json"
flags=(--agent heuristic --episodes 1 --steps 6 --Naction 7 --seed 3 --log-to-terminal --no-plots)
expect_status 0 train --trace "$SCRATCH/cpu-slight.json" "${flags[@]}" --runs-dir "$SCRATCH/json-shell"
expect_status 0 train --trace "$SCRATCH/cpu-slight.json" "${flags[@]}" --runs-dir "$SCRATCH/json-fast" --fast
expect_status 0 train --trace "$ROOT/demo/traces/cpu-slight.msgpack" "${flags[@]}" --runs-dir "$SCRATCH/msgpack"
for run in json-shell json-fast; do
  cmp -s "$SCRATCH"/$run/heuristic_*/step.jsonl "$SCRATCH"/msgpack/heuristic_*/step.jsonl || fail "$run: step.jsonl differs from the MessagePack run's"
done
"$BIN/sa-trace" inspect "$SCRATCH"/json-shell/heuristic_*/ep0001/step0001/trace.msgpack >/dev/null \
  || fail "the JSON run's trace.msgpack is not MessagePack"

# Bad values fail in train.sh, naming its flag, before any run directory exists.
for bad in "--target 0" "--episodes 0" "--steps 0" "--Naction 9" "--duration 0" "--deploy nosuch" "--cpu-min 2 --cpu-max 1"; do
  read -r -a words <<<"$bad"
  status=0
  "$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/cpu-slight.msgpack" "${words[@]}" --runs-dir "$SCRATCH/bad" \
    --checkpoints-dir "$SCRATCH/bad-ck" >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
  case "$status" in 64|65) ;; *) fail "$bad: exit status $status, expected 64 or 65" ;; esac
  expect_one_line_error "^train.sh: "
  grep -q -- "${words[0]}" "$SCRATCH/err" || fail "$bad: the error does not name ${words[0]}: $(cat "$SCRATCH/err")"
  grep -q -- "--resume" "$SCRATCH/err" && fail "$bad: advises --resume, which cannot cure it"
  [ -e "$SCRATCH/bad" ] && fail "$bad: left $SCRATCH/bad behind"
  [ -e "$SCRATCH/bad-ck" ] && fail "$bad: left a checkpoint folder behind"
done

# A trace declaring a cluster the simulator cannot build fails in train.sh, naming the trace and
# the field, before any run directory exists; sa-preflight and sa-simulate say the same; a
# --cluster spec wins over the declaration.
python3 - "$SCRATCH/cpu-slight.json" "$SCRATCH/bad-cluster.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
trace["metadata"]["scenario"]["cluster"]["cpu"] = "lots"
json.dump(trace, open(sys.argv[2], "w"))
PY
status=0
"$ROOT/bin/train.sh" --trace "$SCRATCH/bad-cluster.json" --runs-dir "$SCRATCH/bad" --checkpoints-dir "$SCRATCH/bad-ck" \
  >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
[ "$status" = 65 ] || fail "a bad declared cluster: exit status $status, expected 65"
expect_one_line_error "bad-cluster.json: metadata.scenario.cluster.cpu"
[ -e "$SCRATCH/bad" ] && fail "a bad declared cluster left $SCRATCH/bad behind"
expect_status 75 "$BIN/sa-preflight" --trace "$SCRATCH/bad-cluster.json" --deploy web \
  && expect_one_line_error "cluster: .*bad-cluster.json: metadata.scenario.cluster.cpu"
expect_status 65 "$BIN/sa-simulate" --trace "$SCRATCH/bad-cluster.json" --out "$SCRATCH/sim.json" \
  && expect_one_line_error "bad-cluster.json: metadata.scenario.cluster.cpu"
expect_status 0 train --trace "$SCRATCH/bad-cluster.json" --cluster "$ROOT/demo/cluster.json" "${flags[@]}" --runs-dir "$SCRATCH/spec-wins"

# Without a terminal: one line on stderr names train.log; the progress goes there.
"$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/trace-0001.msgpack" --episodes 1 --runs-dir "$SCRATCH/quiet" \
  --checkpoints-dir "$SCRATCH/quiet-ck" </dev/null >"$SCRATCH/out" 2>"$SCRATCH/err" || fail "the quiet run failed"
expect_one_line_error "output goes to .*/train.log"
[ -s "$SCRATCH/out" ] && fail "the quiet run printed on standard output: $(cat "$SCRATCH/out")"
log=$(sed 's/.*output goes to //' "$SCRATCH/err")
grep -q "episode 1/1" "$log" || fail "train.log lacks the progress line"
# The seed drawn for the run is added to command.txt, once.
[ "$(grep -o -- '--seed' "$SCRATCH"/quiet-ck/heuristic_*/command.txt | wc -l)" = 1 ] || fail "command.txt: not one --seed"
# A failure is repeated on stderr, with the error from the log.
printf '#!/bin/sh\necho lots\n' >"$SCRATCH/garbage.sh"
chmod +x "$SCRATCH/garbage.sh"
status=0
train --trace "$ROOT/demo/traces/scaling.msgpack" --policy-cmd "$SCRATCH/garbage.sh" --episodes 1 --runs-dir "$SCRATCH/failing" \
  </dev/null >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
[ "$status" = 1 ] || fail "the failing quiet run exited $status, expected 1"
grep -q 'printed "lots"' "$SCRATCH/err" || fail "the failure is not repeated on stderr: $(cat "$SCRATCH/err")"

# bin/step.sh by hand: a directory without run.json fails at once, naming what to do.
mkdir -p "$SCRATCH/empty"
expect_status 66 "$ROOT/bin/step.sh" --run-dir "$SCRATCH/empty" && expect_one_line_error "no run.json; create the run with"
[ -e "$SCRATCH/empty/ep0001" ] && fail "step.sh ran stages in a directory without run.json"
"$ROOT/bin/step.sh" --help | grep -q "run.json" || fail "step.sh --help does not mention run.json"

# --traces: the progress line and step.jsonl name each episode's trace; returns show 3 decimals.
expect_status 0 train --traces "$ROOT/demo/traces/c*.msgpack" --agent heuristic --episodes 3 --steps 5 --Naction 7 --seed 2 \
  --runs-dir "$SCRATCH/named" --log-to-terminal --no-plots
python3 - "$SCRATCH"/named/heuristic_*/step.jsonl "$SCRATCH/out" <<'PY' || fail "episodes do not name their trace (or the return is not shown with 3 decimals)"
import json, re, sys
names = {json.loads(line)["episode"]: json.loads(line)["trace"] for line in open(sys.argv[1])}
assert all(name.startswith("c") and "/" not in name for name in names.values()), names
shown = dict(re.findall(r"^episode (\d+)/3  trace (\S+)  return -?\d+\.\d{3}  ", open(sys.argv[2]).read(), re.M))
assert {int(k): v for k, v in shown.items()} == names, (shown, names)
PY

# --trace repeated: every one is used (none silently dropped).
expect_status 0 train --trace "$ROOT/demo/traces/cpu-slight.msgpack" --trace "$ROOT/demo/traces/scaling.msgpack" --episodes 4 \
  --steps 5 --Naction 7 --seed 2 --runs-dir "$SCRATCH/two" --log-to-terminal --no-plots
[ "$(python3 -c 'import json,sys; print(sorted({json.loads(l)["trace"] for l in open(sys.argv[1])}))' "$SCRATCH"/two/heuristic_*/step.jsonl)" \
  = "['cpu-slight', 'scaling']" ] || fail "a repeated --trace was not used"

# --evaluate: a trained greedy agent acts greedily on both paths with the same records; the
# checkpoint is untouched and no learning happens.
expect_status 0 "$ROOT/bin/train.sh" --trace "$ROOT/demo/traces/cpu-slight.msgpack" --agent greedy --episodes 4 --steps 10 --eps-decay 20 \
  --Naction 7 --seed 4 --runs-dir "$SCRATCH/trained" --checkpoints-dir "$SCRATCH/trained-ck" --log-to-terminal --no-plots
checkpoint=$(ls "$SCRATCH"/trained-ck/greedy_*/checkpoint_latest.json)
cp "$checkpoint" "$SCRATCH/before.json"
for mode in shell fast; do
  extra=()
  [ "$mode" = fast ] && extra=(--fast)
  expect_status 0 train --trace "$ROOT/demo/traces/cpu-slight.msgpack" --evaluate "$checkpoint" --episodes 2 --steps 10 --Naction 7 \
    --seed 9 --runs-dir "$SCRATCH/eval-$mode" --log-to-terminal --no-plots "${extra[@]}"
  cmp -s "$checkpoint" "$SCRATCH/before.json" || fail "$mode: --evaluate changed the checkpoint"
  python3 - "$SCRATCH"/eval-"$mode"/greedy-eval_*/step.jsonl <<'PY' || fail "$mode: the evaluation learned or explored"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert records and all(r["loss"] is None and r["epsilon"] is None for r in records), records[0]
assert all(r["action_info"]["chooser"] == "agent:greedy" for r in records if r["action"]), records[0]
PY
done
cmp -s "$SCRATCH"/eval-shell/greedy-eval_*/step.jsonl "$SCRATCH"/eval-fast/greedy-eval_*/step.jsonl || fail "--evaluate: the paths differ"
ls "$SCRATCH"/checkpoints/greedy-eval_*/checkpoint_* >/dev/null 2>&1 && fail "--evaluate saved checkpoints"
expect_status 64 train --trace "$ROOT/demo/traces/cpu-slight.msgpack" --evaluate "$checkpoint" --lr 0.1 --runs-dir "$SCRATCH/bad" \
  && expect_one_line_error "--evaluate does not learn"

finish
