#!/usr/bin/env bash
# Runs a sweep on this machine: the lanes of a plan with P workers at once, each a jobs/lane.sh
# process with JOB_COMPLETION_INDEX set as a Kubernetes Indexed Job sets it in its pods (the
# same entry point the container image runs), then the report: report.md, report.json,
# report.png (docs/scale-out.md, docs/benchmark.md).
#
# Usage: bin/sweep.sh [SWEEP_FILE] [--out DIR] [--jobs P]
#   SWEEP_FILE  a sweep file (simarena.sweep/v1, YAML or JSON); without it, the plan already in
#               --out continues (bin/benchmark.sh makes its plan from flags, then runs this)
#   --out DIR   the report folder (default runs/sweep); running the same command again continues
#               a killed sweep (complete cells are skipped, training runs resume exactly)
#   --jobs P    lanes run at once (default: the number of processors)
# The first run builds the release binaries (a few minutes), saying so on standard error.
# Exit status: 0 done, 1 a lane failed, 64 bad flags, 65 bad data, 66 missing input, 73 the
# folder holds another plan, 130/143 interrupted (run it again to continue).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${SIMARENA_BIN:-$root/.build/release}"
name="${SIMARENA_SWEEP_NAME:-sweep}"

die() { echo "$name: $1" >&2; exit "${2:-64}"; }
sweep="" out="runs/sweep" jobs="$(nproc 2>/dev/null || echo 2)"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2 ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs="$2"; shift 2 ;;
    -*) die "unknown flag $1 (see bin/sweep.sh --help)" ;;
    *) [ -z "$sweep" ] || die "one sweep file only"; sweep="$1"; shift ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]{0,2}$ ]] || die "--jobs '$jobs': expected a number from 1 to 999"

# The sweep file and --out are relative to where the command runs; the paths inside the sweep
# file to the project folder, where the tools run.
absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
out=$(absolute "$out")
if [ -n "$sweep" ]; then
  [ -f "$sweep" ] || die "$sweep: no such file" 66
  sweep=$(absolute "$sweep")
fi
cd "$root"
# The tools' real folder, not the link a concurrent build recreates, for this script and the ones it runs.
bin=$("$here/build.sh" --quiet --print-bin)
export SIMARENA_BIN="$bin"
if [ -n "$sweep" ]; then
  "$bin/sa-benchmark" plan --sweep "$sweep" --out "$out" >/dev/null
fi
cells=$("$bin/sa-benchmark" count --out "$out")
lanes=$("$bin/sa-benchmark" count --out "$out" --lanes)
echo "$name: $cells cells in $lanes lanes in $out, $jobs at a time"

# Each lane is its own process; xargs stops handing out lanes once one fails (exit 255), and the
# complete cells are kept for the next run. SIGINT or SIGTERM sent to this script is passed on to
# every running lane (each stops after its current training step or episode), and the script
# waits until they have stopped; Ctrl-C in a terminal reaches them all directly.
# descendants PID: the processes under PID, depth first.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}
# stop_lanes SIGNAL: sends SIGNAL to the running lanes (the sa-benchmark processes under xargs).
stop_lanes() {
  local pid
  for pid in $(descendants "$workers"); do
    if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = sa-benchmark ]; then kill "-$1" "$pid" 2>/dev/null || true; fi
  done
}
interrupted=0
status=0
# shellcheck disable=SC2016 # $0, $1 and $2 are the inner shell's: the script, the folder, the index
xargs -P "$jobs" -n 1 sh -c 'JOB_COMPLETION_INDEX="$2" "$0" --out "$1" || exit 255' "$root/jobs/lane.sh" "$out" \
  < <(seq 0 $((lanes - 1))) &
workers=$!
trap 'interrupted=130; stop_lanes INT' INT
trap 'interrupted=143; stop_lanes TERM' TERM
while kill -0 "$workers" 2>/dev/null; do
  status=0
  wait "$workers" || status=$?
done
if [ "$status" != 0 ] || [ "$interrupted" != 0 ]; then
  echo "$name: stopped before every cell was complete; run the same command again to continue" >&2
  [ "$interrupted" = 0 ] || exit "$interrupted"
  exit 1
fi
"$bin/sa-benchmark" report --out "$out" >/dev/null
if ! "$root/jobs/benchmark-plot.sh" "$out"; then echo "$name: no report.png (see the line above)" >&2; fi
echo "$name: $out/report.md"
