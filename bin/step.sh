#!/usr/bin/env bash
# Runs the next step of a run in its step directory, one process per task, as the run's
# stages.tsv lists them: preflight, [hooks pre_start, pre_run], simulate, [hooks post_run],
# observe, reward, [learn], act, record, [hooks post_stop]. A task whose output file is already
# there is skipped, so a step stopped with --until (or killed) continues where it left off. Every
# task's exact command is appended to the step's commands.sh, for rerunning by hand, and its wall
# time to the run's timings.jsonl. The record prints the progress line of an episode it ends.
#
# Usage: bin/step.sh --run-dir DIR [--until TASK] [--pid PID]
#   DIR     a run directory holding run.json: made by bin/train.sh, or by hand with
#           .build/release/sa-run new -- --trace FILE [train.sh flags]   (prints DIR)
#   --until stop after this task: preflight, simulate, observe, reward, learn, act or record
#   --pid   the process that holds the run's lock (default: this script's)
# The step is the one after step.jsonl's last record (the run's next-step file); when the run is
# finished, says so and exits 0. Settings come from the run's run.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${SIMARENA_BIN:-$here/../.build/release}"
die() { echo "step.sh: $1" >&2; exit "${2:-64}"; }

run_dir="" until="" pid="$$"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --run-dir|--until|--pid) [ $# -ge 2 ] || die "$1 needs a value" ;;
  esac
  case "$1" in
    --run-dir) run_dir="$2"; shift 2 ;;
    --until) until="$2"; shift 2 ;;
    --pid) pid="$2"; shift 2 ;;
    *) die "unknown flag '$1' (see bin/step.sh --help)" ;;
  esac
done
[ -n "$run_dir" ] || die "--run-dir is required (see bin/step.sh --help)"
[ -f "$run_dir/run.json" ] || die "$run_dir: no run.json; create the run with bin/train.sh or 'sa-run new -- --trace FILE ...' first" 66
case "$until" in ""|preflight|simulate|observe|reward|learn|act|record) ;;
  *) die "--until must be preflight, simulate, observe, reward, learn, act or record" ;; esac

[ -f "$run_dir/next-step" ] || "$bin/sa-run" next --run-dir "$run_dir" >/dev/null
read -r step_path <"$run_dir/next-step"
if [ "$step_path" = finished ]; then
  echo "step.sh: the run is finished: $run_dir/summary.json" >&2
  exit 0
fi
[[ "$step_path" =~ ^ep0*([0-9]+)/step0*([0-9]+)$ ]] || die "$run_dir/next-step: '$step_path' is not a step" 65
episode="${BASH_REMATCH[1]}" step="${BASH_REMATCH[2]}"
dir="$run_dir/$step_path"

while IFS=$'\t' read -r -u 3 -a task; do
  name="${task[0]}" output="${task[1]}"
  command=("$bin/${task[2]}" "${task[@]:3}" "$dir")
  if [ "$name" = preflight ]; then command+=(--pid "$pid"); fi
  if [ "$output" = - ] || [ ! -e "$dir/$output" ]; then
    printf '%q ' "${command[@]}" >>"$dir/commands.sh"
    printf '\n' >>"$dir/commands.sh"
    start="${EPOCHREALTIME//[!0-9]/}"
    "${command[@]}"
    micros=$(( ${EPOCHREALTIME//[!0-9]/} - start ))
    printf '{"episode":%d,"step":%d,"stage":"%s","seconds":%d.%06d}\n' "$episode" "$step" "$name" \
      $((micros / 1000000)) $((micros % 1000000)) >>"$run_dir/timings.jsonl"
  fi
  if [ "$name" = "$until" ]; then exit 0; fi
done 3<"$run_dir/stages.tsv"
