#!/usr/bin/env bash
# A sweep on SimKube at scale: two loopback API servers playing SimKube, one kubeconfig context
# each; bin/sweep.sh with two workers deals the cells into two lanes, one per context. Each
# server sees its own lane's Simulations, one at a time (never two at once: SimKube's lease), both
# servers simulate at the same time, every Simulation is deleted, and the report is made.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

crd="$FIXTURES/simkube.io_simulations.yml"
if [ ! -f "$crd" ] || ! python3 -c 'import yaml' 2>/dev/null; then
  echo "  skipped: needs $crd and PyYAML" >&2
  exit 0
fi
pod() {
  printf '{"metadata": {"name": "web-5975ddbd6-%s", "namespace": "virtual-default", "labels": {"pod-template-hash": "5975ddbd6"},' "$1"
  printf ' "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5975ddbd6", "controller": true}]},'
  printf ' "spec": {"containers": [{"name": "web", "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}}}]},'
  printf ' "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}'
}
printf '{"initSeconds": 0.05, "runSeconds": 0.15, "pods": {"virtual-default": [%s, %s]}}' "$(pod aaaaa)" "$(pod bbbbb)" >"$SCRATCH/control.json"
servers=()
{
  printf 'apiVersion: v1\nkind: Config\nusers: [{name: alice, user: {token: tok-sweep}}]\nclusters:\n'
} >"$SCRATCH/kubeconfig"
for n in 0 1; do
  python3 Tests/kube-server/server.py --port-file "$SCRATCH/port$n" --token "alice=tok-sweep" --crd "$crd" \
    --simkube "$SCRATCH/control.json" --log "$SCRATCH/requests$n.jsonl" &
  servers+=($!)
done
trap 'kill "${servers[@]}" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for n in 0 1; do
  for _ in $(seq 100); do [ -s "$SCRATCH/port$n" ] && break; sleep 0.05; done
  printf -- '- {name: c%s, cluster: {server: "http://127.0.0.1:%s"}}\n' "$n" "$(cat "$SCRATCH/port$n")" >>"$SCRATCH/kubeconfig"
done
printf 'contexts:\n- {name: sim-a, context: {cluster: c0, user: alice}}\n- {name: sim-b, context: {cluster: c1, user: alice}}\n' \
  >>"$SCRATCH/kubeconfig"
printf '{"pollSeconds": 0.02, "startTimeoutSeconds": 5, "speed": 100, "graceSeconds": 100}' >"$SCRATCH/settings.json"

suite="$SCRATCH/suite"
mkdir -p "$suite"
cp demo/traces/trace-0001.msgpack demo/traces/cpu-slight.msgpack "$suite/"
cat >"$SCRATCH/sweep.yaml" <<YAML
format: simarena.sweep/v1
agents: [{policy: heuristic}, {policy: vpa}]
seeds: 2
steps: 2
suites: [$suite]
backend:
  kind: simkube
  contexts: [sim-a, sim-b]
  kubeconfig: $SCRATCH/kubeconfig
  simkube_config: $SCRATCH/settings.json
YAML

expect_status 0 bin/sweep.sh "$SCRATCH/sweep.yaml" --out "$SCRATCH/report" --jobs 2
grep -q '^sweep: 4 cells in 2 lanes in' "$SCRATCH/out" || fail "not 2 lanes: $(head -3 "$SCRATCH/out")"
[ -s "$SCRATCH/report/report.json" ] || fail "no report: $(tail -5 "$SCRATCH/err")"
[ "$(wc -l <"$SCRATCH/report/episodes.jsonl")" = 8 ] || fail "episodes.jsonl: expected 2 agents × 2 seeds × 2 scenarios"
python3 - "$SCRATCH/requests0.jsonl" "$SCRATCH/requests1.jsonl" <<'PY' || fail "the lanes' Simulations were not one at a time per cluster, in parallel across them"
import json, sys
spans = []
for path in sys.argv[1:]:
    open_span, mine = None, []
    for entry in map(json.loads, open(path)):
        if not entry["path"].startswith("/apis/simkube.io/v1/simulations") or entry["method"] not in ("POST", "DELETE"):
            continue
        if entry["method"] == "POST":
            assert open_span is None, f"{path}: a second Simulation created while one ran"
            open_span = entry["time"]
        else:
            assert open_span is not None, f"{path}: a delete without a Simulation"
            mine.append((open_span, entry["time"]))
            open_span = None
    assert open_span is None, f"{path}: a Simulation left behind"
    assert len(mine) >= 4, f"{path}: only {len(mine)} Simulations"
    spans.append(mine)
# At least one Simulation on one cluster overlaps one on the other: the lanes ran at once.
assert any(a0 < b1 and b0 < a1 for a0, a1 in spans[0] for b0, b1 in spans[1]), "the clusters never simulated at the same time"
PY

finish
