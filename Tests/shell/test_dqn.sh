#!/usr/bin/env bash
# The DQN agent end to end: the shell path and --fast --keep-steps write the same files byte for
# byte (agent state, learn.json, replay journal, checkpoints); runs killed with SIGKILL resume
# exactly; --load then training on equals uninterrupted training; numpy's forward pass over a
# checkpoint gives sa-learn's Q-values; bad checkpoints fail with one line.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

trace="$ROOT/demo/traces/cpu-slight.msgpack"
# shellcheck disable=SC2054 # --hidden takes a comma-separated list
dqn=(--agent dqn --Naction 7 --steps 8 --eps-decay 30 --learning-starts 4 --batch-size 8 --target-update 5
  --hidden 16,16 --no-plots)
run_of() { find "$1" -mindepth 1 -maxdepth 1 -type d -name 'dqn_*'; }

# Shell path against --fast --keep-steps, every file.
expect_status 0 "$ROOT/bin/train.sh" --trace "$trace" "${dqn[@]}" --episodes 3 --seed 5 --runs-dir "$SCRATCH/shell" \
  --checkpoints-dir "$SCRATCH/shell-ck" --log-to-terminal
expect_status 0 "$ROOT/bin/train.sh" --trace "$trace" "${dqn[@]}" --episodes 3 --seed 5 --fast --keep-steps \
  --runs-dir "$SCRATCH/fast" --checkpoints-dir "$SCRATCH/fast-ck" --log-to-terminal
shell_run=$(run_of "$SCRATCH/shell")
fast_run=$(run_of "$SCRATCH/fast")
compared=0
for file in "$shell_run"/step.jsonl "$shell_run"/summary.json "$shell_run"/replay.bin "$shell_run"/ep*/step*/agent*.safetensors \
    "$shell_run"/ep*/step*/learn.json "$shell_run"/ep*/step*/action.json; do
  cmp -s "$file" "$fast_run/${file#"$shell_run"/}" || fail "${file#"$shell_run"/} differs between the shell path and --fast"
  compared=$((compared + 1))
done
[ "$compared" -gt 10 ] || fail "only $compared files compared"
for file in "$SCRATCH"/shell-ck/*/checkpoint_latest*.safetensors; do
  cmp -s "$file" "$SCRATCH/fast-ck/$(basename "$fast_run")/$(basename "$file")" || fail "$(basename "$file") differs"
done
grep -q '"loss":0\.' "$shell_run/step.jsonl" || fail "step.jsonl records no loss"

# numpy: the checkpoint's forward pass on the last step's features gives that step's Q-values.
last_step=$(find "$shell_run"/ep0003 -mindepth 1 -maxdepth 1 -type d -name 'step*' | sort | tail -1)
python3 - "$SCRATCH/shell-ck/$(basename "$shell_run")/checkpoint_latest.safetensors" "$last_step" <<'PY' || fail "numpy forward pass"
import json, struct, sys
import numpy as np

def load(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    dtypes = {"F32": "<f4", "I32": "<i4", "U8": "u1"}
    tensors = {name: np.frombuffer(data[base + info["data_offsets"][0]:base + info["data_offsets"][1]],
                                   dtype=dtypes[info["dtype"]]).reshape(info["shape"])
               for name, info in header.items() if name != "__metadata__"}
    return tensors, header.get("__metadata__", {})

tensors, meta = load(sys.argv[1])
assert meta["format"] == "simarena.dqn/v1", meta
layers = len(meta["hidden"].split(",")) + 1
observation = json.load(open(sys.argv[2] + "/observation.json"))
learn = json.load(open(sys.argv[2] + "/learn.json"))
x = np.array(observation["features"], dtype=np.float32)
for layer in range(layers):
    x = x @ tensors[f"online.{layer}.kernel"] + tensors[f"online.{layer}.bias"]
    if layer < layers - 1:
        x = np.maximum(x, 0)
expected = np.array(learn["q_values"], dtype=np.float32)
assert x.shape == expected.shape, (x.shape, expected.shape)
assert np.allclose(x, expected, rtol=1e-5, atol=1e-6), (x, expected)
replay, replay_meta = load(sys.argv[1].replace(".safetensors", ".replay.safetensors"))
assert replay["states"].shape[1] == len(observation["features"]) and replay["actions"].shape[0] == replay["states"].shape[0]
assert int(replay_meta["total"]) == int(meta["steps"]) >= replay["states"].shape[0] > 0
PY

# --load then more episodes equals the uninterrupted run (without --seed, the continuation takes
# the seed the checkpoint records: the original seed + 1000 × the episodes done).
expect_status 0 "$ROOT/bin/train.sh" --trace "$trace" "${dqn[@]}" --episodes 4 --seed 9 --fast --runs-dir "$SCRATCH/whole" \
  --checkpoints-dir "$SCRATCH/whole-ck" --log-to-terminal
expect_status 0 "$ROOT/bin/train.sh" --trace "$trace" "${dqn[@]}" --episodes 2 --seed 9 --fast --runs-dir "$SCRATCH/first" \
  --save "$SCRATCH/half.safetensors" --checkpoints-dir "$SCRATCH/first-ck" --log-to-terminal
[ -s "$SCRATCH/half.replay.safetensors" ] || fail "--save wrote no replay buffer beside the checkpoint"
expect_status 0 "$ROOT/bin/train.sh" --trace "$trace" "${dqn[@]}" --episodes 2 --load "$SCRATCH/half.safetensors" \
  --runs-dir "$SCRATCH/second" --checkpoints-dir "$SCRATCH/second-ck" --log-to-terminal
whole_ck="$SCRATCH/whole-ck/$(basename "$(run_of "$SCRATCH/whole")")"
second_ck="$SCRATCH/second-ck/$(basename "$(run_of "$SCRATCH/second")")"
for file in checkpoint_latest.safetensors checkpoint_latest.replay.safetensors; do
  cmp -s "$whole_ck/$file" "$second_ck/$file" || fail "--load and training on: $file differs from the uninterrupted run's"
done
[ "$("$BIN/sa-run" continue-seed --checkpoint "$SCRATCH/half.safetensors")" = 2009 ] || fail "continue-seed: not 9 + 1000 × 2"

# SIGKILL at random points, on the shell path and on the fast path, then --resume.
for mode in shell fast; do
  extra=()
  [ "$mode" = fast ] && extra=(--fast)
  flags=(--trace "$trace" "${dqn[@]}" --episodes 4 --seed 13 "${extra[@]}")
  expect_status 0 "$ROOT/bin/train.sh" "${flags[@]}" --runs-dir "$SCRATCH/$mode-whole" --checkpoints-dir "$SCRATCH/$mode-whole-ck" \
    --log-to-terminal
  setsid "$ROOT/bin/train.sh" "${flags[@]}" --runs-dir "$SCRATCH/$mode-killed" --checkpoints-dir "$SCRATCH/$mode-killed-ck" \
    --log-to-terminal >/dev/null 2>&1 &
  victim=$!
  for _ in $(seq 1000); do [ -s "$SCRATCH/$mode-killed/step.jsonl" ] && break; sleep 0.02; done
  sleep "0.$((RANDOM % 5 + 1))"
  kill -9 -- "-$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
  killed=$(run_of "$SCRATCH/$mode-killed")
  expect_status 0 "$ROOT/bin/train.sh" --resume "$killed" --log-to-terminal
  whole=$(run_of "$SCRATCH/$mode-whole")
  cmp -s "$whole/step.jsonl" "$killed/step.jsonl" || fail "$mode: resumed step.jsonl differs"
  cmp -s "$whole/replay.bin" "$killed/replay.bin" || fail "$mode: resumed replay journal differs"
  cmp -s "$SCRATCH/$mode-whole-ck/$(basename "$whole")/checkpoint_latest.safetensors" \
    "$SCRATCH/$mode-killed-ck/$(basename "$killed")/checkpoint_latest.safetensors" || fail "$mode: resumed checkpoint differs"
done

# Bad checkpoints and mismatched agents fail with one line.
step_dir="$shell_run/ep0001/step0002"
head -c 100 "$step_dir/agent.safetensors" >"$SCRATCH/cut.safetensors"
expect_status 65 "$BIN/sa-act" --observation "$step_dir/observation.json" --trace "$step_dir/trace.msgpack" --deploy web \
  --agent-state "$SCRATCH/cut.safetensors" --Naction 7 --out-trace "$SCRATCH/x.msgpack" --out "$SCRATCH/x.json" \
  && expect_one_line_error "cut.safetensors: "
expect_status 64 train --trace "$trace" --agent greedy --load "$SCRATCH/half.safetensors" --runs-dir "$SCRATCH/mismatch" \
  && expect_one_line_error "a checkpoint of the dqn agent, not of greedy"
expect_status 64 train --trace "$trace" --agent greedy --batch-size 8 --runs-dir "$SCRATCH/mismatch" \
  && expect_one_line_error "--batch-size is a DQN flag"
expect_status 64 "$BIN/sa-learn" --agent dqn --hidden 64,x --state-out "$SCRATCH/a.safetensors" \
  --observation "$step_dir/observation.json" --reward "$step_dir/reward.json" --out "$SCRATCH/l.json" \
  && expect_one_line_error "--hidden"

finish
