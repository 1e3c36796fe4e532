#!/usr/bin/env bash
# bin/bench.sh's command line, without running the benchmark: --help and -h print the usage and
# exit 0; an unknown flag or a bad --repetitions exits 64 with one line on stderr. Each call is
# given 20 seconds: one that starts the benchmark (build, then minutes of measuring) is killed
# and fails with status 124.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
bench=(timeout 20 "$ROOT/bin/bench.sh")

for flag in --help -h; do
  if expect_status 0 "${bench[@]}" "$flag"; then
    grep -q '^Usage: bin/bench.sh \[--repetitions N\]$' "$SCRATCH/out" \
      || fail "$flag: no usage line on stdout"
    grep -q -- '--repetitions N ' "$SCRATCH/out" || fail "$flag: --repetitions is not described"
    grep -q '^#' "$SCRATCH/out" && fail "$flag: the usage still has comment marks"
    [ -s "$SCRATCH/err" ] && fail "$flag wrote to stderr: $(head -c 300 "$SCRATCH/err")"
  fi
done
# --help wins wherever it is.
expect_status 0 "${bench[@]}" --repetitions 3 --help
expect_status 0 "${bench[@]}" --bogus -h

expect_status 64 "${bench[@]}" --bogus && expect_one_line_error "unknown flag '--bogus'"
expect_status 64 "${bench[@]}" --repetitions 3 --bogus && expect_one_line_error "'--bogus'"
expect_status 64 "${bench[@]}" --repetitions && expect_one_line_error "--repetitions needs a number"
expect_status 64 "${bench[@]}" --repetitions many && expect_one_line_error "'many'"
expect_status 64 "${bench[@]}" --repetitions 0 && expect_one_line_error "'0'"
expect_status 64 "${bench[@]}" extra && expect_one_line_error "unexpected argument 'extra'"

finish
