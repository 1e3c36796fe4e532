#!/usr/bin/env bash
# Sim-Arena's main job: trains (or evaluates) an agent on one or more traces, with the embedded
# simulator (or a cluster with SimKube), one step at a time through the stage executables
# (bin/step.sh), in a run directory under runs/ (docs/run-directory.md).
#
# Usage: bin/train.sh --trace FILE [flags]             start a run; every flag is listed below
#        bin/train.sh --resume RUN [--log-to-terminal]  continue a stopped or killed run (a name in
#                                                       runs/, or a run directory) with its settings
#
# Agents: dqn (deep Q-learning) and greedy (tabular Q-learning), with checkpoints in
# checkpoints/<run>/; the hand-coded policies noop, heuristic, random, bump_cpu, bump_mem,
# scale_replicas; an outside program (--policy-cmd); or a trained checkpoint acting greedily
# without learning (--evaluate CKPT). --target defaults to the target a demo scenario declares.
# Output goes to checkpoints/<run>/train.log when standard output is not a terminal (nohup,
# cron); one line on standard error says so. SIGINT/SIGTERM finish the current step, then exit
# 130/143. After each episode the plots in checkpoints/<run>/ are rendered with gnuplot
# (docs/plots.md). --fast runs the same steps in one process (sa-train) with the same records.
# The first run builds the release binaries (a few minutes), saying so on standard error.
# Exit status: 0 done, 1 a step failed, 64 bad flags, 65 bad data, 66 missing input,
# 75 a failed check or a locked run, 130/143 interrupted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${SIMARENA_BIN:-$root/.build/release}"

usage() {
  sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  if [ -x "$bin/sa-run" ]; then
    echo
    "$bin/sa-run" flags
  else
    echo "(build with bin/build.sh to see the list of flags)"
  fi
}
die() { echo "train.sh: $1" >&2; exit "${2:-64}"; }

for arg in "$@"; do
  case "$arg" in -h|--help) usage; exit 0 ;; esac
done
resume="" log_to_terminal=0
if [ "${1:-}" = "--resume" ]; then
  [ $# -ge 2 ] || die "--resume needs a run name"
  resume="$2"
  if [ $# -gt 3 ] || [ "${3:---log-to-terminal}" != "--log-to-terminal" ]; then
    die "--resume takes a run name and at most --log-to-terminal (the run keeps its settings)"
  fi
fi
for arg in "$@"; do [ "$arg" = --log-to-terminal ] && log_to_terminal=1; done

interrupted=0 child=""
trap 'interrupted=130; [ -z "$child" ] || kill -INT "$child" 2>/dev/null || true' INT
trap 'interrupted=143; [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true' TERM
stop_if_interrupted() {
  [ "$interrupted" = 0 ] && return 0
  echo "interrupted: stopped cleanly after the last complete step${run:+; continue with: bin/train.sh --resume $run}"
  exit "$interrupted"
}

# The tools' real folder, not the link a concurrent build recreates, for this script and the ones it runs.
bin=$("$here/build.sh" --quiet --print-bin)
export SIMARENA_BIN="$bin"
stop_if_interrupted

if [ -n "$resume" ]; then
  run_dir="$resume"
  [ -d "$run_dir" ] || run_dir="$root/runs/${resume#runs/}"
  [ -f "$run_dir/run.json" ] || die "--resume: no run named '$resume' in runs/ (no $run_dir/run.json)" 66
else
  # sa-run checks every flag and input before it creates anything.
  run_dir=$("$bin/sa-run" new --caller "bin/train.sh" --repo "$root" -- "$@") || exit $?
fi
IFS=$'\t' read -r run seed fast checkpoint_folder < <("$bin/sa-run" show --run-dir "$run_dir" run seed fast checkpoint_folder)
mkdir -p "$checkpoint_folder"
log="$checkpoint_folder/train.log"
exec 3>&2
if [ "$log_to_terminal" = 0 ] && [ ! -t 1 ]; then
  echo "train.sh: run $run: output goes to $log" >&2
  exec >>"$log" 2>&1
fi
# fail MESSAGE: says why the run stopped, also on the original standard error when output goes
# to train.log, with the last error the log holds.
fail() {
  echo "train.sh: $1" >&2
  if [ "$log_to_terminal" = 0 ] && [ ! -t 1 ]; then
    echo "train.sh: $1; the error: $(grep -v '^train.sh: ' "$log" | tail -n 1) (log: $log)" >&3
  fi
  exit 1
}
echo "run $run (seed $seed)${resume:+, resumed}: $run_dir"

if [ "$fast" = true ]; then
  # sa-train takes the run's lock itself and runs every remaining step; a signal reaches it
  # through the traps above, and it stops after the current step.
  status=0
  "$bin/sa-train" --run-dir "$run_dir" &
  child=$!
  while :; do
    status=0
    wait "$child" || status=$?
    # A trapped signal interrupts wait while the child goes on: wait again.
    if [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; then continue; fi
    break
  done
  child=""
  case "$status" in
    0) exit 0 ;;
    130|143) exit "$status" ;;
    *) fail "the run stopped (exit status $status); fix the cause and continue with: bin/train.sh --resume $run" ;;
  esac
fi

# Descriptor 9 holds the lock's flock; every stage and step.sh inherit it, so if this script is
# killed alone, the run stays locked until the step it started (and its hook) has ended.
exec 9<>"$run_dir/lock"
"$bin/sa-run" lock --run-dir "$run_dir" --pid $$ --hold 9 || exit 75
trap '"$bin/sa-run" unlock --run-dir "$run_dir" --pid $$ || true' EXIT
"$bin/sa-run" next --run-dir "$run_dir" >/dev/null
while :; do
  read -r next <"$run_dir/next-step"
  [ "$next" = finished ] && break
  if ! "$here/step.sh" --run-dir "$run_dir" --pid $$; then
    [ "$interrupted" != 0 ] && break
    fail "step $next failed; fix the cause and continue with: bin/train.sh --resume $run"
  fi
  [ "$interrupted" != 0 ] && break
done
stop_if_interrupted
echo "done: $run_dir/summary.json"
