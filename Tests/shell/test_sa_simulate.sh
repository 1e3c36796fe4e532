#!/usr/bin/env bash
# sa-simulate: output formats, determinism, the demo cluster file, and bad input.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"
simulate="$BIN/sa-simulate"

expect_status 0 "$simulate" --trace "$FIXTURES/dsb-scaling.sktrace" --out "$SCRATCH/a.json" --seed 3
expect_status 0 "$simulate" --trace "$FIXTURES/dsb-scaling.sktrace" --out "$SCRATCH/b.json" --seed 3
cmp -s "$SCRATCH/a.json" "$SCRATCH/b.json" || fail "same seed, different bytes"
expect_status 0 "$simulate" --trace "$FIXTURES/dsb-scaling.sktrace" --out "$SCRATCH/c.json" --seed 4
cmp -s "$SCRATCH/a.json" "$SCRATCH/c.json" && fail "another seed gave the same bytes"
# The demo cluster file says exactly what the built-in default is.
expect_status 0 "$simulate" --trace "$FIXTURES/dsb-scaling.sktrace" --out "$SCRATCH/d.json" --seed 3 --cluster "$ROOT/demo/cluster.json"
cmp -s "$SCRATCH/a.json" "$SCRATCH/d.json" || fail "demo/cluster.json differs from the built-in demo cluster"
# MessagePack output holds the same document.
expect_status 0 "$simulate" --trace "$FIXTURES/dsb-scaling.sktrace" --out "$SCRATCH/a.msgpack" --seed 3
python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); assert b[0]==0x87 and b"simarena.simulation/v1" in b[:40]' "$SCRATCH/a.msgpack" \
  || fail "MessagePack result does not start with the 7-key document"
python3 - "$SCRATCH/a.json" <<'PY' || fail "result lacks documented fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "simarena.simulation/v1"
assert d["durationSeconds"] == 90
pod = d["pods"][0]
for key in ["name", "namespace", "owner", "workload", "node", "phase", "ready", "reason", "message",
            "restartCount", "qosClass", "requests", "limits", "usage", "conditions", "containers"]:
    assert key in pod, key
assert [c["type"] for c in pod["conditions"]] == ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
for key in ["allocatable", "requested", "used"]:
    assert key in d["nodes"][0], key
assert d["events"] and all(k in d["events"][0] for k in ["time", "type", "reason", "object", "message"])
assert len({p["workload"]["name"] for p in d["pods"]}) == 27
PY
expect_status 0 "$simulate" --trace "$FIXTURES/trace.json" --out - --duration 5
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$SCRATCH/out" || fail "--out - is not JSON"

# Bad input.
expect_status 66 "$simulate" --trace "$SCRATCH/absent.json" --out "$SCRATCH/x.json" && expect_one_line_error "absent.json: no such file"
expect_status 65 "$simulate" --trace "$FIXTURES/trace-v1-format.json" --out "$SCRATCH/x.json" && expect_one_line_error "version-1"
printf '{"nodePools": []}' >"$SCRATCH/empty-cluster.json"
expect_status 65 "$simulate" --trace "$FIXTURES/trace.json" --out "$SCRATCH/x.json" --cluster "$SCRATCH/empty-cluster.json" \
  && expect_one_line_error "empty-cluster.json: nodePools: the cluster has no nodes"
printf '{"nodePools": [{"name": "a", "count": 2, "allocatable": {"cpu": "lots", "memory": "1Gi"}}]}' >"$SCRATCH/bad-cluster.json"
expect_status 65 "$simulate" --trace "$FIXTURES/trace.json" --out "$SCRATCH/x.json" --cluster "$SCRATCH/bad-cluster.json" \
  && expect_one_line_error 'allocatable.cpu: invalid quantity "lots"'
python3 - "$SCRATCH/huge.json" <<'PY'
import json, sys
dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 10**9, "template": {"spec": {"containers": [{"name": "c"}]}}}}
json.dump({"version": 2, "events": [{"ts": 1, "applied_objs": [dep], "deleted_objs": []}]}, open(sys.argv[1], "w"))
PY
expect_status 65 "$simulate" --trace "$SCRATCH/huge.json" --out "$SCRATCH/x.json" && expect_one_line_error "1000000000 pods is outside"
expect_status 64 "$simulate" --trace "$FIXTURES/trace.json" --out "$SCRATCH/x.json" --duration -1 && expect_one_line_error "duration"
expect_status 64 "$simulate" --trace "$FIXTURES/trace.json" && expect_one_line_error "out"
expect_status 64 "$simulate" --trace "$FIXTURES/trace.json" --out "$SCRATCH/x.txt" && expect_one_line_error "x.txt"
expect_status 0 "$simulate" --help
finish
