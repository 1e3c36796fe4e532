#!/usr/bin/env bash
# The fuzzing harness through a normal build: every seed input of Tests/fuzz/corpus/<target>/ is
# replayed once through its reader (sa-fuzz TARGET FOLDER) without a crash, and sa-fuzz refuses
# an unknown target. bin/fuzz.sh runs the same targets under libFuzzer (docs/fuzzing.md).
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

for folder in Tests/fuzz/corpus/*/; do
  target=$(basename "$folder")
  expect_status 0 "$BIN/sa-fuzz" "$target" "$folder" || continue
  grep -q "^sa-fuzz $target: [1-9][0-9]* inputs replayed, none crashed$" "$SCRATCH/out" || fail "$target: $(cat "$SCRATCH/out")"
done
expect_status 64 "$BIN/sa-fuzz" nonsense && expect_one_line_error 'unknown target "nonsense"'
expect_status 0 "$BIN/sa-fuzz" --help

finish
