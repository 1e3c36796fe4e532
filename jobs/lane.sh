#!/usr/bin/env bash
# One index of a sweep: the cells of lane $JOB_COMPLETION_INDEX (sa-benchmark lane), then, when
# that completed the sweep, its report (sa-benchmark report and jobs/benchmark-plot.sh). The entry
# point of the container image (jobs/Dockerfile) in each pod of the Indexed Job, and of each of
# bin/sweep.sh's workers on one machine (docs/scale-out.md).
#
# Usage: jobs/lane.sh --out DIR [--plan FILE] [--index K]
#   every flag goes to 'sa-benchmark lane' (see sa-benchmark lane --help)
# Exit status: that of sa-benchmark lane (0 the lane's cells are complete, 64/65/66/73 bad input,
# 75 a cluster that cannot be reached, 130/143 interrupted: run it again to continue).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${SIMARENA_BIN:-$here/../.build/release}"

case "${1:-}" in
  -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
out=""
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --out) out="${args[$((i + 1))]:-}" ;;
    --out=*) out="${args[$i]#--out=}" ;;
  esac
done
[ -n "$out" ] || { echo "lane.sh: --out DIR is required (see jobs/lane.sh --help)" >&2; exit 64; }

# In a pod this script is PID 1, which gets no signal it does not handle: pass SIGTERM (the
# kubelet stopping the pod) and SIGINT on to the lane, which stops after its current training
# step or episode, and wait for it.
"$bin/sa-benchmark" lane "$@" &
lane=$!
trap 'kill -TERM "$lane" 2>/dev/null' TERM
trap 'kill -INT "$lane" 2>/dev/null' INT
status=0
while kill -0 "$lane" 2>/dev/null; do
  status=0
  wait "$lane" || status=$?
done
[ "$status" = 0 ] || exit "$status"
# Every lane that finishes checks; the one that finds every cell complete writes the report (two
# finishing together write the same bytes, each file renamed into place). A report already made
# is final: its cells never change.
[ ! -e "$out/report.json" ] || exit 0
made=$("$bin/sa-benchmark" report --out "$out" --if-complete)
if [ -n "$made" ]; then
  "$here/benchmark-plot.sh" "$out" || echo "lane.sh: no report.png (see the line above)" >&2
  echo "lane.sh: the sweep is complete: $made"
fi
