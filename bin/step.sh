#!/usr/bin/env bash
# Runs one step of an episode in its step directory: preflight -> simulate -> observe -> reward
# -> learn -> act, then records it in step.jsonl. Each stage is skipped when its output file is
# already there, so a step stopped with --until (or killed) continues where it left off.
# Every stage's exact command is appended to the step's commands.sh, for rerunning by hand.
# Prints the next step's plan (see 'sa-run next') when the step is recorded.
#
# Usage: bin/step.sh --run-dir DIR --episode E --step K --seed S --trace-from TRACE \
#          --deploy NAME [--target N] [--namespace NS] [--duration SECONDS] [--reward FUNCTION]
#          [--goal healthy|right_sized] [--steps MAX_ACTIONS] [--Naction N]
#          (--policy NAME | --policy-cmd CMD | --agent greedy [--lr --gamma --eps-start --eps-end --eps-decay])
#          [--cluster FILE] [--hooks FILE] [--pid PID]
#          [--backend embedded|simkube [--kubeconfig FILE] [--context NAME] [--simkube-config FILE]]
#          [--until preflight|simulate|observe|reward|learn|act] [action flags: --cpu-step ... ]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${SIMARENA_BIN:-$here/../.build/release}"

run_dir="" episode="" step="" seed="" trace_from="" deploy="" target="" namespace=""
duration=90 reward=shaped goal="" steps=200 actions=4 policy="" policy_cmd="" agent=""
cluster="" hooks="" pid="$$" until="" backend=embedded
action_flags=() learner_flags=() backend_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) run_dir="$2"; shift 2 ;;
    --episode) episode="$2"; shift 2 ;;
    --step) step="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --trace-from) trace_from="$2"; shift 2 ;;
    --deploy) deploy="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --reward) reward="$2"; shift 2 ;;
    --goal) goal="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --Naction) actions="$2"; shift 2 ;;
    --policy) policy="$2"; shift 2 ;;
    --policy-cmd) policy_cmd="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --lr|--gamma|--eps-start|--eps-end|--eps-decay|--hidden|--optimizer|--loss|--grad-clip|--buffer-size|--batch-size|\
    --target-update|--learning-starts|--updates-per-step) learner_flags+=("$1" "$2"); shift 2 ;;
    --double-dqn) learner_flags+=("$1"); shift ;;
    --cluster) cluster="$2"; shift 2 ;;
    --hooks) hooks="$2"; shift 2 ;;
    --backend) backend="$2"; backend_flags+=("$1" "$2"); shift 2 ;;
    --kubeconfig|--context|--simkube-config) backend_flags+=("$1" "$2"); shift 2 ;;
    --pid) pid="$2"; shift 2 ;;
    --until) until="$2"; shift 2 ;;
    --cpu-step|--mem-step|--replica-step|--cpu-min|--cpu-max|--mem-min|--mem-max|--replicas-min|--replicas-max)
      action_flags+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "step.sh: unknown flag '$1' (see bin/step.sh --help)" >&2; exit 64 ;;
  esac
done
for required in run_dir episode step seed trace_from deploy; do
  if [ -z "${!required}" ]; then echo "step.sh: --${required//_/-} is required" >&2; exit 64; fi
done
case "$until" in ""|preflight|simulate|observe|reward|learn|act) ;;
  *) echo "step.sh: --until must be preflight, simulate, observe, reward, learn or act" >&2; exit 64 ;; esac

step_path="$(printf 'ep%04d/step%04d' "$episode" "$step")"
dir="$run_dir/$step_path"
[ -d "$dir" ] || mkdir -p "$dir"
if [ ! -f "$dir/trace.msgpack" ]; then
  cp "$trace_from" "$dir/trace.msgpack.tmp.$$"
  mv "$dir/trace.msgpack.tmp.$$" "$dir/trace.msgpack"
fi
target_flag=()
[ -n "$target" ] && target_flag=(--target "$target")
previous=""
if [ "$step" -gt 1 ]; then previous="$run_dir/$(printf 'ep%04d/step%04d' "$episode" $((step - 1)))/action.json"; fi

namespace_flag=()
[ -n "$namespace" ] && namespace_flag=(--namespace "$namespace")
cluster_flag=()
[ -n "$cluster" ] && cluster_flag=(--cluster "$cluster")
# SimKube names the step's Simulation after the run, episode and step.
simulation_flags=("${backend_flags[@]}")
[ "$backend" = simkube ] && simulation_flags+=(--run "$(basename "$run_dir")" --episode "$episode" --step "$step")

# stage NAME OUTPUT COMMAND...: runs COMMAND unless OUTPUT exists; logs it and its wall time.
stage() {
  local name="$1" output="$2"
  shift 2
  if [ -n "$output" ] && [ -e "$dir/$output" ]; then return 0; fi
  printf '%q ' "$@" >>"$dir/commands.sh"
  printf '\n' >>"$dir/commands.sh"
  local start="${EPOCHREALTIME//[!0-9]/}"
  "$@"
  local micros=$(( ${EPOCHREALTIME//[!0-9]/} - start ))
  printf '{"episode":%d,"step":%d,"stage":"%s","seconds":%d.%06d}\n' "$episode" "$step" "$name" \
    $((micros / 1000000)) $((micros % 1000000)) >>"$run_dir/timings.jsonl"
}
hook() {
  [ -n "$hooks" ] || return 0
  "$bin/sa-run" hook --hooks "$hooks" --stage "$1" --run-dir "$run_dir" --episode "$episode" --step "$step"
}
stop_after() { [ "$until" = "$1" ] && exit 0; return 0; }

stage preflight preflight.json "$bin/sa-preflight" --trace "$dir/trace.msgpack" --deploy "$deploy" "${namespace_flag[@]}" \
  "${cluster_flag[@]}" "${backend_flags[@]}" --run-dir "$run_dir" --pid "$pid" --out "$dir/preflight.json"
stop_after preflight

if [ ! -e "$dir/simulation.json" ]; then
  hook pre_start
  hook pre_run
fi
stage simulate simulation.json "$bin/sa-simulate" --trace "$dir/trace.msgpack" --out "$dir/simulation.json" \
  --duration "$duration" --seed "$seed" "${cluster_flag[@]}" "${simulation_flags[@]}"
[ -e "$dir/observation.json" ] || hook post_run
stop_after simulate

stage observe observation.json "$bin/sa-observe" --simulation "$dir/simulation.json" --trace "$dir/trace.msgpack" \
  --deploy "$deploy" "${namespace_flag[@]}" "${target_flag[@]}" --out "$dir/observation.json"
stop_after observe

previous_flag=()
[ -n "$previous" ] && previous_flag=(--previous-action "$previous")
goal_flag=()
[ -n "$goal" ] && goal_flag=(--goal "$goal")
stage reward reward.json "$bin/sa-reward" --observation "$dir/observation.json" "${previous_flag[@]}" \
  --reward "$reward" "${goal_flag[@]}" --step "$step" --steps "$steps" "${action_flags[@]}" --out "$dir/reward.json"
stop_after reward

# learn: learning agents only; hand-coded policies and outside programs do not learn. The agent
# starts from agent-in.json (the previous step's state, put there by 'sa-run next') and ends in
# agent.json; the transition is the previous step's observation and action, and this reward.
state_ext=json
[ "$agent" = dqn ] && state_ext=safetensors
if [ -n "$agent" ]; then
  learn_flags=()
  [ -f "$dir/agent-in.$state_ext" ] && learn_flags+=(--state-in "$dir/agent-in.$state_ext")
  [ -n "$previous" ] && learn_flags+=(--previous-observation "${previous%action.json}observation.json" --previous-action "$previous")
  stage learn learn.json "$bin/sa-learn" --agent "$agent" "${learn_flags[@]}" --state-out "$dir/agent.$state_ext" \
    --observation "$dir/observation.json" --reward "$dir/reward.json" --Naction "$actions" --seed "$seed" \
    --replay "$run_dir/replay.bin" "${learner_flags[@]}" \
    "${action_flags[@]}" --out "$dir/learn.json"
fi
stop_after learn

chooser=(--policy "$policy")
[ -n "$policy_cmd" ] && chooser=(--policy-cmd "$policy_cmd")
[ -n "$agent" ] && chooser=(--agent-state "$dir/agent.$state_ext")
stage act action.json "$bin/sa-act" --observation "$dir/observation.json" --reward "$dir/reward.json" \
  --trace "$dir/trace.msgpack" --deploy "$deploy" "${namespace_flag[@]}" "${chooser[@]}" --Naction "$actions" \
  --seed "$seed" "${action_flags[@]}" --out-trace "$dir/next-trace.msgpack" --out "$dir/action.json" >/dev/null
stop_after act

# The record prints the next step's plan (as 'sa-run next' does) on standard output.
plan=$("$bin/sa-run" record --run-dir "$run_dir" --episode "$episode" --step "$step" --duration "$duration")
hook post_stop
printf '%s\n' "$plan"
