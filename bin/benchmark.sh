#!/usr/bin/env bash
# The benchmark: agents × scenario suites × seeds, each agent evaluated greedily on every
# scenario, with a report in a folder: report.md, report.json, report.png, episodes.jsonl and
# command.txt (docs/benchmark.md). Makes the plan with 'sa-benchmark plan', then runs it with
# bin/sweep.sh (a sweep file describes the same and more: docs/scale-out.md).
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
# The tools' real folder, not the link a concurrent build recreates, for this script and the ones it runs.
bin=$("$here/build.sh" --quiet --print-bin)
export SIMARENA_BIN="$bin"
"$bin/sa-benchmark" plan --out "$out" "${flags[@]}" >/dev/null
# The cells run as a sweep's lanes do, with the same entry point as an Indexed Job's pods.
SIMARENA_SWEEP_NAME=benchmark exec "$here/sweep.sh" --out "$out" --jobs "$jobs"
