#!/usr/bin/env bash
# Sim-Arena's main job: runs training episodes on the embedded simulator, one step at a time
# through the stage executables (bin/step.sh), in a run directory under runs/ (docs/run-directory.md).
#
# Usage: bin/train.sh --trace FILE [--target N] [--deploy web] [--agent heuristic] [--episodes 200]
#          [--steps 200] [--duration 90] [--reward shaped] [--Naction 4] [--seed N] [--goal G]
#          [--traces DIR|GLOB] [--policy-cmd CMD] [--cluster FILE] [--hooks FILE] [--ns NS]
#          [--checkpoint-interval 10] [--load CKPT] [--save PATH] [--runs-dir runs]
#          [--checkpoints-dir checkpoints] [--log-to-terminal] [--no-plots] [--fast [--keep-steps]]
#          [--backend embedded|simkube [--kubeconfig FILE] [--context NAME] [--simkube-config FILE]]
#          [learning: --lr --gamma --eps-start --eps-end --eps-decay]
#          [dqn: --hidden 64,64 --optimizer adam|rmsprop --loss huber|mse --grad-clip 10 --buffer-size 10000
#           --batch-size 32 --target-update 50 --learning-starts 32 --updates-per-step 1 --double-dqn]
#          [action flags: --cpu-step --mem-step --replica-step --cpu-min --cpu-max --mem-min --mem-max
#           --replicas-min --replicas-max]
#        bin/train.sh --resume RUN [--log-to-terminal]
#                                       continue a killed run (a name in runs/, or a run directory)
#
# --target defaults to the target a demo scenario declares in its metadata. With --load and no --seed,
# the seed is the one the checkpoint records, so training continues exactly as the saving run would have.
# Agents: dqn (deep Q-learning) and greedy (tabular Q-learning), with checkpoints in checkpoints/<run>/,
# the hand-coded policies
# noop, heuristic, random, bump_cpu, bump_mem, scale_replicas, or an outside program (--policy-cmd). Output goes to checkpoints/<run>/train.log when standard
# output is not a terminal (nohup, cron). SIGINT/SIGTERM finish the current step, then exit 130/143.
# After each episode the plots in checkpoints/<run>/ (learning_curve_latest.png, and for learning
# agents agent_visualization_latest.png; docs/plots.md) are rendered with gnuplot, at most every 2 s,
# with copies every --checkpoint-interval episodes; --no-plots turns this off.
# --fast runs the steps in one process (sa-train) with the same step.jsonl, summary.json and
# checkpoints, writing step directories only with --keep-steps; --hooks are not supported with it.
# --backend simkube runs each step's simulation on a cluster with SimKube (docs/simkube-backend.md),
# --duration seconds of wall time per step; not with --fast.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${SIMARENA_BIN:-$root/.build/release}"

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "train.sh: $1" >&2; exit "${2:-64}"; }

interrupted=0
trap 'interrupted=130' INT
trap 'interrupted=143' TERM
stop_if_interrupted() {
  [ "$interrupted" = 0 ] && return 0
  echo "interrupted: stopped cleanly after the last complete step${run:+; continue with: bin/train.sh --resume $run}"
  exit "$interrupted"
}

for arg in "$@"; do
  case "$arg" in -h|--help) usage; exit 0 ;; esac
done
original_args=("$@")
resume="" resume_terminal=()
if [ "${1:-}" = "--resume" ]; then
  [ $# -ge 2 ] || die "--resume needs a run name"
  resume="$2"
  if [ $# -gt 3 ] || [ "${3:---log-to-terminal}" != "--log-to-terminal" ]; then
    die "--resume takes a run name and at most --log-to-terminal (the run keeps its flags)"
  fi
  [ $# -eq 3 ] && resume_terminal=(--log-to-terminal)
fi

"$here/build.sh" --quiet
stop_if_interrupted

runs_dir="$root/runs"
checkpoints_dir="$root/checkpoints"
if [ -n "$resume" ]; then
  run_dir="$resume"
  [ -d "$run_dir" ] || run_dir="$runs_dir/${resume#runs/}"
  [ -f "$run_dir/run.json" ] || die "--resume: no run named '$resume' in runs/ (no $run_dir/run.json)" 66
  mapfile -d '' stored < <("$bin/sa-run" command --run-dir "$run_dir")
  set -- "${stored[@]}" "${resume_terminal[@]}"
fi

trace="" traces="" target="" deploy=web agent=heuristic episodes=200 steps=200 duration=90 reward=shaped
actions=4 seed="" goal="" policy_cmd="" cluster="" hooks="" namespace="" interval=10 load="" save=""
log_to_terminal=0 fast=0 keep_steps=0 plots=1 backend=embedded
action_flags=() learner_flags=() backend_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --log-to-terminal|--fast|--keep-steps|--no-plots|--double-dqn|-h|--help) ;;
    *) [ $# -ge 2 ] || die "$1 needs a value" ;;
  esac
  case "$1" in
    --trace) trace="$2"; shift 2 ;;
    --traces) traces="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --deploy) deploy="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --episodes) episodes="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --reward) reward="$2"; shift 2 ;;
    --Naction) actions="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --goal) goal="$2"; shift 2 ;;
    --policy-cmd) policy_cmd="$2"; agent="command"; shift 2 ;;
    --cluster) cluster="$2"; shift 2 ;;
    --hooks) hooks="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --kubeconfig|--context|--simkube-config) backend_flags+=("$1" "$2"); shift 2 ;;
    --ns) namespace="${2#virtual-}"; shift 2 ;;  # SimKube runs a trace's namespace NS as virtual-NS
    --checkpoint-interval) interval="$2"; shift 2 ;;
    --load) load="$2"; shift 2 ;;
    --save) save="$2"; shift 2 ;;
    --runs-dir) runs_dir="$2"; shift 2 ;;
    --checkpoints-dir) checkpoints_dir="$2"; shift 2 ;;
    --log-to-terminal) log_to_terminal=1; shift ;;
    --fast) fast=1; shift ;;
    --keep-steps) keep_steps=1; shift ;;
    --no-plots) plots=0; shift ;;
    --lr|--gamma|--eps-start|--eps-end|--eps-decay|--hidden|--optimizer|--loss|--grad-clip|--buffer-size|--batch-size|\
    --target-update|--learning-starts|--updates-per-step)
      learner_flags+=("$1" "$2"); shift 2 ;;
    --double-dqn) learner_flags+=("$1"); shift ;;
    --cpu-step|--mem-step|--replica-step|--cpu-min|--cpu-max|--mem-min|--mem-max|--replicas-min|--replicas-max)
      action_flags+=("$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown flag '$1' (see bin/train.sh --help)" ;;
  esac
done

learning=0
case "$agent" in
  noop|heuristic|random|bump_cpu|bump_mem|scale_replicas|command) ;;
  greedy|dqn) learning=1 ;;
  *) die "--agent must be dqn, greedy, noop, heuristic, random, bump_cpu, bump_mem, scale_replicas (or use --policy-cmd)" ;;
esac
if [ "$fast" = 0 ] && [ "$keep_steps" = 1 ]; then die "--keep-steps goes with --fast (the shell path always keeps the steps)"; fi
if [ "$fast" = 1 ] && [ -n "$hooks" ]; then die "--hooks are not supported with --fast; drop --fast to run hooks"; fi
case "$backend" in
  embedded) [ "${#backend_flags[@]}" = 0 ] || die "--kubeconfig, --context and --simkube-config go with --backend simkube" ;;
  simkube)
    [ "$fast" = 0 ] || die "--fast runs the embedded simulator in one process; drop --fast to use --backend simkube"
    [ -z "$cluster" ] || die "--cluster describes the embedded simulator's cluster; SimKube runs on the real one" ;;
  *) die "--backend must be embedded or simkube" ;;
esac
[[ "$interval" =~ ^[1-9][0-9]*$ ]] || die "--checkpoint-interval must be a positive whole number"
if [ "$learning" = 0 ] && [ -n "$load$save${learner_flags[*]}" ]; then
  die "--load, --save and the learning flags need a learning agent (--agent dqn or greedy)"
fi
if [ "$agent" = greedy ]; then
  for flag in "${learner_flags[@]}"; do
    case "$flag" in
      --hidden|--optimizer|--loss|--grad-clip|--buffer-size|--batch-size|--target-update|--learning-starts|--updates-per-step|--double-dqn)
        die "$flag is a DQN flag (--agent dqn); the greedy agent is tabular" ;;
    esac
  done
fi
trace_list=()
if [ -n "$traces" ]; then
  if [ -d "$traces" ]; then
    mapfile -t trace_list < <(find "$traces" -maxdepth 1 -type f \( -name '*.msgpack' -o -name '*.sktrace' -o -name '*.json' \) | sort)
  else
    # shellcheck disable=SC2206 # the glob is meant to expand here
    trace_list=($traces)
  fi
  if [ "${#trace_list[@]}" -eq 0 ] || [ ! -e "${trace_list[0]}" ]; then die "--traces '$traces' matches no trace files" 66; fi
fi
[ -n "$trace" ] && trace_list=("$trace" "${trace_list[@]}")
[ "${#trace_list[@]}" -gt 0 ] || die "--trace FILE (or --traces DIR|GLOB) is required"
for file in "${trace_list[@]}"; do [ -f "$file" ] || die "--trace: $file: no such file" 66; done
# A loaded checkpoint names the seed that continues its run exactly (docs/agents.md).
if [ -z "$seed" ] && [ -n "$load" ]; then
  [ -f "$load" ] || die "--load: $load: no such file" 66
  seed=$("$bin/sa-run" continue-seed --checkpoint "$load") || exit $?
fi
if [ -z "$seed" ]; then
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fi

if [ -z "$resume" ]; then
  trace_flags=()
  for file in "${trace_list[@]}"; do trace_flags+=(--trace "$file"); done
  load_flag=()
  [ -n "$load" ] && load_flag=(--load "$load")
  run_dir=$("$bin/sa-run" new --root "$runs_dir" --agent "$agent" "${trace_flags[@]}" --episodes "$episodes" \
    --steps "$steps" --seed "$seed" "${load_flag[@]}" -- "${original_args[@]}" --seed "$seed")
fi
run="$(basename "$run_dir")"
stop_if_interrupted
checkpoint_dir="$checkpoints_dir/$run"
mkdir -p "$checkpoint_dir"
if [ -z "$resume" ]; then
  printf '%q ' "$0" "${original_args[@]}" --seed "$seed" >"$checkpoint_dir/command.txt"
  printf '\n' >>"$checkpoint_dir/command.txt"
fi
if [ "$log_to_terminal" = 0 ] && [ ! -t 1 ]; then
  exec >>"$checkpoint_dir/train.log" 2>&1
fi
echo "run $run (seed $seed)${resume:+, resumed}: $run_dir"

if [ "$fast" = 1 ]; then
  # sa-train takes the run's lock itself (exec keeps this pid), runs every remaining step, saves
  # the checkpoints, and prints the same progress lines.
  fast_flags=(--run-dir "$run_dir" --deploy "$deploy" --duration "$duration" --reward "$reward"
    --steps "$steps" --Naction "$actions" --checkpoints-dir "$checkpoints_dir" --checkpoint-interval "$interval")
  [ -n "$target" ] && fast_flags+=(--target "$target")
  [ -n "$namespace" ] && fast_flags+=(--namespace "$namespace")
  [ -n "$goal" ] && fast_flags+=(--goal "$goal")
  [ -n "$cluster" ] && fast_flags+=(--cluster "$cluster")
  [ -n "$save" ] && fast_flags+=(--save "$save")
  [ "$keep_steps" = 1 ] && fast_flags+=(--keep-steps)
  [ "$plots" = 1 ] && fast_flags+=(--plot-script "$root/jobs/plot.sh")
  if [ "$agent" = command ]; then
    fast_flags+=(--policy-cmd "$policy_cmd")
  elif [ "$learning" = 1 ]; then
    fast_flags+=(--agent "$agent" "${learner_flags[@]}")
  else
    fast_flags+=(--policy "$agent")
  fi
  stop_if_interrupted
  exec "$bin/sa-train" "${fast_flags[@]}" "${action_flags[@]}"
fi

"$bin/sa-run" lock --run-dir "$run_dir" --pid $$ || exit 75
finish() {
  "$bin/sa-run" unlock --run-dir "$run_dir" --pid $$ || true
}
trap finish EXIT

step_flags=(--run-dir "$run_dir" --deploy "$deploy" --duration "$duration" --reward "$reward"
  --steps "$steps" --Naction "$actions" --pid $$)
[ -n "$target" ] && step_flags+=(--target "$target")
[ -n "$namespace" ] && step_flags+=(--namespace "$namespace")
[ -n "$goal" ] && step_flags+=(--goal "$goal")
[ -n "$cluster" ] && step_flags+=(--cluster "$cluster")
[ -n "$hooks" ] && step_flags+=(--hooks "$hooks")
[ "$backend" = simkube ] && step_flags+=(--backend simkube "${backend_flags[@]}")
if [ "$agent" = command ]; then
  step_flags+=(--policy-cmd "$policy_cmd")
elif [ "$learning" = 1 ]; then
  step_flags+=(--agent "$agent" "${learner_flags[@]}")
else
  step_flags+=(--policy "$agent")
fi

current_episode=0
episode_start="${EPOCHREALTIME//[!0-9]/}"
plan=$("$bin/sa-run" next --run-dir "$run_dir")
while :; do
  IFS=$'\t' read -r episode step step_seed _ trace_from <<<"$plan"
  if [ "$episode" != "$current_episode" ]; then
    if [ "$current_episode" != 0 ]; then
      micros=$(( ${EPOCHREALTIME//[!0-9]/} - episode_start ))
      "$bin/sa-run" progress --run-dir "$run_dir" --seconds "$((micros / 1000000)).$(printf '%06d' $((micros % 1000000)))"
      [ "$learning" = 0 ] || "$bin/sa-run" checkpoint --run-dir "$run_dir" --to "$checkpoint_dir" --interval "$interval"
      if [ "$plots" = 1 ]; then
        final=()
        [ "$episode" = finished ] && final=(--final)
        "$bin/sa-run" plot --run-dir "$run_dir" --to "$checkpoint_dir" --script "$root/jobs/plot.sh" \
          --interval "$interval" "${final[@]}" "${action_flags[@]}" 2>&1 || true
      fi
    fi
    current_episode="$episode"
    episode_start="${EPOCHREALTIME//[!0-9]/}"
  fi
  [ "$episode" = finished ] && break
  if ! plan=$("$here/step.sh" "${step_flags[@]}" --episode "$episode" --step "$step" --seed "$step_seed" \
      --trace-from "$trace_from" "${action_flags[@]}"); then
    [ "$interrupted" != 0 ] && break
    echo "train.sh: step $step of episode $episode failed; fix the cause and continue with: bin/train.sh --resume $run" >&2
    exit 1
  fi
  [ "$interrupted" != 0 ] && break
done
stop_if_interrupted
if [ "$learning" = 1 ] && [ -n "$save" ]; then
  "$bin/sa-run" checkpoint --run-dir "$run_dir" --to "$checkpoint_dir" --interval "$interval" --save "$save"
fi
echo "done: $run_dir/summary.json"
