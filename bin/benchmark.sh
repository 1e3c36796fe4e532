#!/usr/bin/env bash
# The benchmark: agents × scenario suites × seeds, each agent evaluated greedily on every
# scenario, with a report in a folder: report.md, report.json, report.png, episodes.jsonl and
# command.txt (docs/benchmark.md). A thin wrapper over sa-benchmark's plan, cell and report.
#
# Usage: bin/benchmark.sh [--out DIR] [--jobs N] [agent, suite and episode flags]
#   --out DIR   the report folder (default runs/benchmark); running the same command again
#               continues a killed benchmark (complete cells are kept, training runs resume)
#   --jobs N    cells run at once (default: the number of processors)
# Without agent flags: the recipes dqn and greedy (demo/recipes/), trained with seeds 1-5, and
# the policies heuristic, vpa, krr and random, on demo/suites/heldout and demo/suites/shifted.
# The first run builds the release binaries (a few minutes), saying so on standard error.
# Exit status: 0 done, 1 a cell failed, 64 bad flags, 65 bad data, 66 missing input,
# 73 the folder holds another benchmark, 130/143 interrupted (run it again to continue).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${SIMARENA_BIN:-$root/.build/release}"

usage() {
  sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  if [ -x "$bin/sa-benchmark" ]; then
    echo
    "$bin/sa-benchmark" plan --help | sed -n '/^OPTIONS:/,$p' | grep -v -e '--out <out>' -e 'The report folder' -e '-h, --help'
  else
    echo "(build with bin/build.sh to see the list of flags)"
  fi
}
die() { echo "benchmark.sh: $1" >&2; exit "${2:-64}"; }

out="runs/benchmark" jobs="$(nproc 2>/dev/null || echo 2)" flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2 ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs="$2"; shift 2 ;;
    *) flags+=("$1"); shift ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]{0,2}$ ]] || die "--jobs '$jobs': expected a number from 1 to 999"

cd "$root"
"$here/build.sh" --quiet
cells=$("$bin/sa-benchmark" plan --out "$out" "${flags[@]}")
echo "benchmark: $cells cells in $out, $jobs at a time"

# Each cell is its own process; xargs stops handing out cells once one fails (exit 255) or a
# signal stops it, and the complete ones are kept for the next run. Ctrl-C reaches every cell,
# which stops after its current training step or episode.
interrupted=0
trap 'interrupted=130' INT
trap 'interrupted=143' TERM
status=0
# shellcheck disable=SC2016 # $0, $1 and $2 are the inner shell's: the tool, the folder, the index
seq 0 $((cells - 1)) | xargs -P "$jobs" -n 1 sh -c '"$0" cell --out "$1" --index "$2" || exit 255' "$bin/sa-benchmark" "$out" \
  || status=$?
if [ "$status" != 0 ] || [ "$interrupted" != 0 ]; then
  echo "benchmark: stopped before every cell was complete; run the same command again to continue" >&2
  [ "$interrupted" = 0 ] || exit "$interrupted"
  exit 1
fi
"$bin/sa-benchmark" report --out "$out" >/dev/null
if ! "$root/jobs/benchmark-plot.sh" "$out"; then echo "benchmark: no report.png (see the line above)" >&2; fi
echo "benchmark: $out/report.md"
