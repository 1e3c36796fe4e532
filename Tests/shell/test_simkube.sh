#!/usr/bin/env bash
# The SimKube backend through the executables, against the loopback API server playing SimKube:
# preflight (ready, a closed port, a leftover), sa-simulate writing simulation.json that sa-observe
# reads, SIGTERM mid-run deleting the Simulation, --cleanup, one bin/step.sh step, and whole
# bin/train.sh episodes (shell path and --fast) giving the embedded backend's step.jsonl when the
# server replays its pods.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

crd="$FIXTURES/simkube.io_simulations.yml"
if [ ! -f "$crd" ] || ! python3 -c 'import yaml' 2>/dev/null; then
  echo "  skipped: needs $crd and PyYAML" >&2
  exit 0
fi
trace="$ROOT/demo/traces/trace-0001.msgpack"
python3 "$ROOT/Tests/kube-server/server.py" --port-file "$SCRATCH/port" --token "alice=tok-shell-simkube" --crd "$crd" \
  --simkube "$SCRATCH/control.json" --log "$SCRATCH/requests.jsonl" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done

# kubeconfig PORT FILE: a kubeconfig for the server (or whatever listens on PORT).
kubeconfig() {
  printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:%s"}}]\n' "$1" >"$2"
  printf 'users: [{name: alice, user: {token: tok-shell-simkube}}]\ncontexts: [{name: t, context: {cluster: c, user: alice}}]\n' >>"$2"
  printf 'current-context: t\n' >>"$2"
}
kubeconfig "$(cat "$SCRATCH/port")" "$SCRATCH/kubeconfig"
printf '{"pollSeconds": 0.05, "startTimeoutSeconds": 5, "speed": 100, "graceSeconds": 100}' >"$SCRATCH/settings.json"
pod() {
  printf '{"metadata": {"name": "web-5975ddbd6-%s", "namespace": "virtual-default", "labels": {"pod-template-hash": "5975ddbd6"},' "$1"
  printf ' "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5975ddbd6", "controller": true}]},'
  printf ' "spec": {"containers": [{"name": "web", "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}}}]},'
  printf ' "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}'
}
printf '{"initSeconds": 0.1, "pods": {"virtual-default": [%s, %s]}}' "$(pod aaaaa)" "$(pod bbbbb)" >"$SCRATCH/control.json"
simkube=(--backend simkube --kubeconfig "$SCRATCH/kubeconfig" --simkube-config "$SCRATCH/settings.json")

# Preflight passes on the ready "cluster"; a kubeconfig pointing at a closed port fails within seconds.
expect_status 0 "$BIN/sa-preflight" --trace "$trace" --deploy web "${simkube[@]}" --out "$SCRATCH/verdict.json"
grep -q '"name": "permissions"' "$SCRATCH/verdict.json" || fail "the verdict has no permissions check"
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
kubeconfig "$closed" "$SCRATCH/nowhere"
started=$SECONDS
expect_status 75 "$BIN/sa-preflight" --trace "$trace" --deploy web --backend simkube --kubeconfig "$SCRATCH/nowhere" \
  && expect_one_line_error "kubernetes_api: GET http://127.0.0.1:$closed/version: cannot connect.*fix: "
[ $((SECONDS - started)) -le 5 ] || fail "preflight against a closed port took $((SECONDS - started)) s"
expect_status 64 "$BIN/sa-simulate" --trace "$trace" --out "$SCRATCH/x.json" --kubeconfig "$SCRATCH/kubeconfig" \
  && expect_one_line_error "go with --backend simkube"

# One simulation: simulation.json from the cluster, read by sa-observe unchanged.
expect_status 0 "$BIN/sa-simulate" --trace "$trace" --out "$SCRATCH/simulation.json" "${simkube[@]}" --run shell
grep -q '"backend": "simkube"' "$SCRATCH/simulation.json" || fail "simulation.json does not name its backend"
expect_status 0 "$BIN/sa-observe" --simulation "$SCRATCH/simulation.json" --trace "$trace" --deploy web --out "$SCRATCH/obs.json"
grep -q '"ready": 2' "$SCRATCH/obs.json" || fail "the observation does not count the two ready pods"
grep -q '"DELETE", "path": "/apis/simkube.io/v1/simulations/sa-shell-e1-s1"' "$SCRATCH/requests.jsonl" \
  || fail "the Simulation was not deleted"

# SIGTERM while the simulation runs: the Simulation is deleted, exit 143.
"$BIN/sa-simulate" --trace "$trace" --out "$SCRATCH/term.json" "${simkube[@]}" --run term --duration 3000 2>"$SCRATCH/term.err" &
simulate=$!
for _ in $(seq 100); do grep -q 'sa-term' "$SCRATCH/requests.jsonl" && break; sleep 0.05; done
sleep 0.3
kill -TERM "$simulate"
status=0
wait "$simulate" || status=$?
[ "$status" = 143 ] || fail "sa-simulate exited $status after SIGTERM, expected 143"
grep -q 'interrupted by signal 15; deleted simulation sa-term-e1-s1' "$SCRATCH/term.err" || fail "no interruption message: $(cat "$SCRATCH/term.err")"
grep -q '"DELETE", "path": "/apis/simkube.io/v1/simulations/sa-term-e1-s1"' "$SCRATCH/requests.jsonl" \
  || fail "the interrupted Simulation was not deleted"
[ ! -e "$SCRATCH/term.json" ] || fail "an interrupted simulation wrote its result"

# SIGKILL cannot be caught: the leftover fails preflight, naming --cleanup, which removes it.
"$BIN/sa-simulate" --trace "$trace" --out "$SCRATCH/kill.json" "${simkube[@]}" --run killed --duration 3000 2>/dev/null &
simulate=$!
for _ in $(seq 100); do grep -q 'sa-killed' "$SCRATCH/requests.jsonl" && break; sleep 0.05; done
sleep 0.3
kill -KILL "$simulate"
wait "$simulate" 2>/dev/null || true
expect_status 75 "$BIN/sa-preflight" --trace "$trace" --deploy web "${simkube[@]}" \
  && expect_one_line_error "leftovers: 1 Simulation(s) left by earlier runs: sa-killed-e1-s1; fix: sa-simulate --backend simkube --cleanup"
expect_status 0 "$BIN/sa-simulate" --backend simkube --kubeconfig "$SCRATCH/kubeconfig" --cleanup
grep -q 'deleted: sa-killed-e1-s1' "$SCRATCH/out" || fail "--cleanup did not report the leftover: $(cat "$SCRATCH/out")"
expect_status 0 "$BIN/sa-preflight" --trace "$trace" --deploy web "${simkube[@]}"

# One whole step through bin/step.sh: the Simulation is named after the run, episode and step.
new_run() {
  "$BIN/sa-run" new -- --runs-dir "$1" --checkpoints-dir "$SCRATCH/checkpoints" --agent heuristic --trace "$trace" \
    --episodes 1 --steps 3 --seed 1 --target 3 --no-plots "${@:2}"
}
run=$(new_run "$SCRATCH/runs" "${simkube[@]}")
SIMARENA_BIN="$BIN" expect_status 0 "$ROOT/bin/step.sh" --run-dir "$run"
grep -q '"ready":2' "$run/step.jsonl" || fail "the step's record does not show the two ready pods: $(cat "$run/step.jsonl")"
grep -q "sa-$(basename "$run" | tr '_' '-')-e1-s1" "$SCRATCH/requests.jsonl" || fail "the step's Simulation is not named after the run"
# The same step on the embedded simulator (whose two pods the server served) records the same line,
# but for waste: KWOK pods use nothing.
embedded=$(new_run "$SCRATCH/embedded")
SIMARENA_BIN="$BIN" expect_status 0 "$ROOT/bin/step.sh" --run-dir "$embedded"
python3 - "$run/step.jsonl" "$embedded/step.jsonl" <<'PY' || fail "the SimKube step's record differs from the embedded one"
import json, sys
def comparable(path):
    record = json.loads(open(path).readline())
    for key in ("cpu_waste", "memory_waste"):
        record["obs"].pop(key)
    del record["state"][13:15]  # cpu_slack_steps and memory_slack_steps: from the usage
    return record
sys.exit(comparable(sys.argv[1]) != comparable(sys.argv[2]))
PY

# A whole episode through bin/train.sh, on the shell path and in one process (--fast): before each
# simulation a hook runs the embedded simulator on the step's trace and has the server serve its
# pods as the Kubernetes API would show them, and their usage as the metrics API would: the
# step.jsonl is the embedded one, byte for byte.
cat >"$SCRATCH/replay.py" <<'PY'
import json, os, subprocess, sys
simulate, control = sys.argv[1:]
step = os.environ["SA_STEP_DIR"]
subprocess.run([simulate, "--trace", step + "/trace.msgpack", "--out", step + "/embedded.json"], check=True)
pods, metrics = [], []
for pod in json.load(open(step + "/embedded.json"))["pods"]:
    owner, workload = pod["owner"], pod["workload"]["name"]
    metadata = {"name": pod["name"], "namespace": "virtual-" + pod["namespace"]}
    if owner["kind"] != "Pod":
        metadata["ownerReferences"] = [{"kind": owner["kind"], "name": owner["name"], "controller": True}]
    if owner["kind"] == "ReplicaSet" and owner["name"].startswith(workload + "-"):
        metadata["labels"] = {"pod-template-hash": owner["name"][len(workload) + 1:]}
    status = {"phase": pod["phase"], "conditions": pod["conditions"],
              "containerStatuses": [{key: c[key] for key in ("name", "restartCount", "state", "lastState")} for c in pod["containers"]]}
    if pod["reason"] == "Evicted":
        status["reason"] = "Evicted"
    spec = {"containers": [{"name": c["name"], "resources": {"requests": c["requests"]}} for c in pod["containers"]]}
    if pod["node"]:
        spec["nodeName"] = pod["node"]
    pods.append({"metadata": metadata, "spec": spec, "status": status})
    metrics.append({"metadata": {"name": pod["name"], "namespace": metadata["namespace"]},
                    "containers": [{"name": c["name"], "usage": c["usage"]} for c in pod["containers"]]})
with open(control + ".tmp", "w") as handle:
    json.dump({"initSeconds": 0.05, "pods": {"virtual-default": pods}, "podMetrics": {"virtual-default": metrics}}, handle)
os.replace(control + ".tmp", control)
PY
printf '{"pre_run": [{"command": ["python3", "%s", "%s", "%s"]}]}' "$SCRATCH/replay.py" "$BIN/sa-simulate" "$SCRATCH/control.json" \
  >"$SCRATCH/replay.json"
for scenario in trace-0001 cpu-heavy; do
  episode=(--trace "$ROOT/demo/traces/$scenario.msgpack" --agent heuristic --Naction 7 --episodes 1 --steps 4 --seed 5 --log-to-terminal)
  expect_status 0 train "${episode[@]}" --runs-dir "$SCRATCH/train-embedded"
  expect_status 0 train "${episode[@]}" --runs-dir "$SCRATCH/train-simkube" "${simkube[@]}" --hooks "$SCRATCH/replay.json"
  expect_status 0 train "${episode[@]}" --runs-dir "$SCRATCH/train-fast" "${simkube[@]}" --hooks "$SCRATCH/replay.json" --fast
  grep -q '"backend": "simkube"' "$SCRATCH"/train-simkube/heuristic_*/ep0001/step0002/simulation.json \
    || fail "$scenario: the episode did not run on the SimKube backend"
  grep -q "sa-$(basename "$SCRATCH"/train-fast/heuristic_* | tr '_' '-')-e1-s2" "$SCRATCH/requests.jsonl" \
    || fail "$scenario: the --fast episode did not run on the SimKube backend"
  for path in simkube fast; do
    cmp -s "$SCRATCH"/train-$path/heuristic_*/step.jsonl "$SCRATCH"/train-embedded/heuristic_*/step.jsonl \
      || fail "$scenario: the SimKube episode's step.jsonl ($path) differs from the embedded one"
  done
  [ "$(wc -l <"$SCRATCH"/train-simkube/heuristic_*/step.jsonl)" -gt 1 ] || fail "$scenario: a one-step episode proves little"
  rm -rf "$SCRATCH/train-embedded" "$SCRATCH/train-simkube" "$SCRATCH/train-fast"
done


# sa-recommend --backend simkube: the fixed trace also replayed on SimKube, both predictions side
# by side; the only writes are the one Simulation's create and delete.
: >"$SCRATCH/requests.jsonl"
status=0
"$BIN/sa-recommend" --trace "$trace" --out "$SCRATCH/recommend" "${simkube[@]}" >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "sa-recommend --backend simkube exited $status: $(cat "$SCRATCH/err")"
grep -q "SimKube's prediction beside the embedded simulator's" "$SCRATCH/recommend/report.md" || fail "report.md has no SimKube column"
grep -q '"simkube_agrees": ' "$SCRATCH/recommend/report.json" || fail "report.json has no SimKube agreement"
writes=$(python3 -c 'import json, sys
print(sorted({(r["method"], r["path"].split("?")[0].rsplit("/", 1)[0]) for r in map(json.loads, open(sys.argv[1])) if r["method"] != "GET"}))' \
  "$SCRATCH/requests.jsonl")
[ "$writes" = "[('DELETE', '/apis/simkube.io/v1/simulations'), ('POST', '/apis/simkube.io/v1')]" ] \
  || fail "sa-recommend wrote more than its Simulation: $writes"

finish
