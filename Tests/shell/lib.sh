# shellcheck shell=bash disable=SC2034
# Shared helpers for the shell tests; source it. Each test script exits non-zero on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${SIMARENA_BIN:-$ROOT/.build/release}"
FIXTURES="${SIMARENA_FIXTURES:-$ROOT/../shared/fixtures/simkube}"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
failures=0

fail() {
  echo "  FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_status CODE COMMAND...: runs COMMAND, checks its exit status, keeps stdout/stderr in
# $SCRATCH/out and $SCRATCH/err.
expect_status() {
  local want="$1"
  shift
  local got=0
  "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || got=$?
  if [ "$got" != "$want" ]; then
    fail "$* exited $got, expected $want; stderr: $(head -c 300 "$SCRATCH/err")"
    return 1
  fi
}

# expect_one_line_error PATTERN: stderr is exactly one line and matches PATTERN.
expect_one_line_error() {
  local lines
  lines=$(wc -l <"$SCRATCH/err")
  [ "$lines" = 1 ] || fail "stderr has $lines lines, expected 1: $(cat "$SCRATCH/err")"
  grep -q -- "$1" "$SCRATCH/err" || fail "stderr does not match '$1': $(cat "$SCRATCH/err")"
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "  $failures check(s) failed" >&2
    exit 1
  fi
}

# bin/train.sh writing its checkpoints/ into the scratch folder, never the repository's.
train() {
  "$ROOT/bin/train.sh" "$@" --checkpoints-dir "$SCRATCH/checkpoints"
}

# small_suite DIR: a benchmark suite of four quick demo scenarios, in DIR.
small_suite() {
  mkdir -p "$1"
  cp "$ROOT/demo/traces/cpu-slight.msgpack" "$ROOT/demo/traces/gen-0003.msgpack" "$ROOT/demo/traces/gen-0010.msgpack" \
    "$ROOT/demo/traces/gen-0021.msgpack" "$1/"
}
