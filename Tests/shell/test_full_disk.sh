#!/usr/bin/env bash
# A full disk mid-run, on both paths (the shell path and --fast), on a tmpfs of a few KiB: the run stops
# with an error naming the file; step.jsonl holds whole lines only and summary.json is never
# ahead of it; once space returns, --resume finishes the run with the bytes of a run that never
# stopped. Needs root to mount the tmpfs; skipped with a message where it cannot.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

disk="$SCRATCH/disk"
mkdir -p "$disk"
if ! mount -t tmpfs -o size=256k tmpfs "$disk" 2>/dev/null; then
  echo "  skipped: cannot mount a tmpfs here (needs root)" >&2
  exit 0
fi
trap 'umount "$disk" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

flags=(--trace demo/traces/cpu-slight.msgpack --agent greedy --steps 20 --eps-decay 200 --Naction 7 --seed 9 --no-plots --log-to-terminal)
for path in shell fast; do
  # Enough episodes to fill the disk: the shell path's step files fill it in a few steps.
  extra=(--episodes 8)
  [ "$path" = fast ] && extra=(--episodes 30 --fast)
  expect_status 0 train "${flags[@]}" "${extra[@]}" --runs-dir "$SCRATCH/whole-$path"
  whole=$(ls -d "$SCRATCH/whole-$path"/greedy_*)

  rm -rf "${disk:?}"/*
  # Room for a few steps' files on the shell path, for part of step.jsonl on the fast one.
  size=256k
  [ "$path" = fast ] && size=64k
  mount -o remount,size=$size "$disk"
  status=0
  train "${flags[@]}" "${extra[@]}" --runs-dir "$disk/runs" --checkpoints-dir "$disk/ck" >"$SCRATCH/full.out" 2>"$SCRATCH/full.err" \
    || status=$?
  [ "$status" != 0 ] || fail "$path: the run did not stop on a full disk ($size was meant to be too small)"
  grep -q 'No space left on device' "$SCRATCH/full.err" || fail "$path: no 'No space left' in: $(tail -2 "$SCRATCH/full.err")"
  run=$(ls -d "$disk"/runs/greedy_*)
  # Whole lines only, each a record; the summary at or behind the last one.
  python3 - "$run" <<'PY' || fail "$path: step.jsonl or summary.json is damaged after the full disk"
import json, os, sys
run = sys.argv[1]
data = open(run + "/step.jsonl", "rb").read() if os.path.exists(run + "/step.jsonl") else b""
assert data == b"" or data.endswith(b"\n"), "a partial last line"
records = [json.loads(line) for line in data.splitlines()]
if os.path.exists(run + "/summary.json"):
    summary = json.load(open(run + "/summary.json"))
    counted = sum(e["steps"] for e in summary["episodes"])
    done = sum(1 for r in records if r.get("action") is not None)
    assert counted <= done, f"summary.json counts {counted} actions, step.jsonl holds {done}"
PY
  # Space returns; the run continues to the bytes of the run that never stopped.
  mount -o remount,size=64m "$disk"
  expect_status 0 "$ROOT/bin/train.sh" --resume "$run" --log-to-terminal \
    || echo "  (resume output: $(tail -3 "$SCRATCH/err"))" >&2
  cmp -s "$run/step.jsonl" "$whole/step.jsonl" || fail "$path: the resumed run's step.jsonl differs from the uninterrupted run's"
  cmp -s "$run/summary.json" "$whole/summary.json" || fail "$path: the resumed run's summary.json differs: $(diff "$run/summary.json" "$whole/summary.json" | head -8)"
done

finish
