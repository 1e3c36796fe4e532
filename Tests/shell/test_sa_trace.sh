#!/usr/bin/env bash
# sa-trace: conversion round trips, inspect, validate, the committed suites, and bad input at the
# process level.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"
trace="$BIN/sa-trace"

# convert: MessagePack -> JSON -> MessagePack gives the original bytes, for every v2 fixture.
for name in bare-pods cronjob dsb-scaling; do
  expect_status 0 "$trace" convert "$FIXTURES/$name.sktrace" "$SCRATCH/$name.json"
  expect_status 0 "$trace" convert "$SCRATCH/$name.json" "$SCRATCH/$name.msgpack"
  cmp -s "$FIXTURES/$name.sktrace" "$SCRATCH/$name.msgpack" || fail "$name: bytes differ after MessagePack -> JSON -> MessagePack"
done
# JSON -> MessagePack -> JSON gives the same JSON as converting the original once.
for name in trace large_trace validation_trace; do
  expect_status 0 "$trace" convert "$FIXTURES/$name.json" "$SCRATCH/$name.msgpack"
  expect_status 0 "$trace" convert "$SCRATCH/$name.msgpack" "$SCRATCH/$name.again.json"
  expect_status 0 "$trace" convert --to json "$FIXTURES/$name.json" "$SCRATCH/$name.once.json"
  cmp -s "$SCRATCH/$name.once.json" "$SCRATCH/$name.again.json" || fail "$name: JSON differs after JSON -> MessagePack -> JSON"
done
grep -q '17156035354639895998' "$SCRATCH/cronjob.json" || fail "u64 hash lost in cronjob.json"
expect_status 0 "$trace" convert --to json "$FIXTURES/cronjob.sktrace" -
# shellcheck disable=SC2016 # a literal $kmap
grep -qF '"$kmap"' "$SCRATCH/out" || fail "convert to stdout: no \$kmap pairs for pod_lifecycles"

# inspect --json lists the 27 Deployments of dsb-scaling.
expect_status 0 "$trace" inspect --json "$FIXTURES/dsb-scaling.sktrace"
count=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for w in d["workloads"] if w["kind"]=="Deployment"))' "$SCRATCH/out")
[ "$count" = 27 ] || fail "inspect --json lists $count Deployments, expected 27"
python3 - "$SCRATCH/out" <<'PY' || fail "inspect --json items lack the documented fields"
import json, sys
d = json.load(open(sys.argv[1]))
for w in d["workloads"]:
    assert set(["kind", "namespace", "name", "replicas", "containers"]) <= set(w), w
    for c in w["containers"]:
        assert set(["name", "requests", "limits"]) <= set(c), c
PY
expect_status 0 "$trace" inspect "$FIXTURES/dsb-scaling.sktrace"
grep -q "workloads: 27" "$SCRATCH/out" || fail "inspect table does not say 27 workloads"

# validate: the real validation trace has missing references (exit 1); a clean one exits 0.
expect_status 1 "$trace" validate "$FIXTURES/validation_trace.json"
for code in E0001 E0002 E0003 W0000; do grep -q "$code" "$SCRATCH/out" || fail "validate did not report $code"; done
expect_status 0 "$trace" validate "$FIXTURES/dsb-scaling.sktrace"
expect_status 1 "$trace" validate --json "$FIXTURES/validation_trace.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$SCRATCH/out" || fail "validate --json is not JSON"

# Bad input: one line naming the file, exit 65 for bad data, 66 for unreadable input, 64 for usage.
head -c 1000 "$FIXTURES/dsb-scaling.sktrace" >"$SCRATCH/truncated.sktrace"
expect_status 65 "$trace" inspect "$SCRATCH/truncated.sktrace" && expect_one_line_error "truncated.sktrace"
printf '\xdb\xff\xff\xff\xff' >"$SCRATCH/huge.msgpack"
head -c 1019 /dev/zero >>"$SCRATCH/huge.msgpack"
expect_status 65 "$trace" inspect "$SCRATCH/huge.msgpack" && expect_one_line_error "claims 4294967295 bytes"
python3 -c 'import sys; sys.stdout.write("[" * 100000 + "]" * 100000)' >"$SCRATCH/deep.json"
expect_status 65 "$trace" inspect "$SCRATCH/deep.json" && expect_one_line_error "nesting deeper"
python3 -c 'import sys; sys.stdout.buffer.write(b"\x91" * 100000 + b"\xc0")' >"$SCRATCH/deep.msgpack"
expect_status 65 "$trace" inspect "$SCRATCH/deep.msgpack" && expect_one_line_error "nesting deeper"
printf '{"version": 2, "events": [' >"$SCRATCH/broken.json"
expect_status 65 "$trace" inspect "$SCRATCH/broken.json" && expect_one_line_error "broken.json"
printf '{"version": 2, "events": [{"ts": "noon"}]}' >"$SCRATCH/types.json"
expect_status 65 "$trace" inspect "$SCRATCH/types.json" && expect_one_line_error 'events\[0\].ts: expected an integer'
expect_status 65 "$trace" inspect "$FIXTURES/trace-v1-format.json" && expect_one_line_error "version-1 trace"
expect_status 65 "$trace" inspect "$FIXTURES/kwok-pod-create.yml" && expect_one_line_error "kwok-pod-create.yml"
expect_status 66 "$trace" inspect "$SCRATCH/absent.sktrace" && expect_one_line_error "absent.sktrace: no such file"
expect_status 66 "$trace" inspect "$SCRATCH" && expect_one_line_error "is a directory"
expect_status 64 "$trace" inspect --bogus "$FIXTURES/trace.json" && expect_one_line_error "bogus"
expect_status 64 "$trace" convert "$FIXTURES/trace.json" && expect_one_line_error "output"
expect_status 64 "$trace" convert "$FIXTURES/trace.json" "$SCRATCH/out.yaml" && expect_one_line_error "out.yaml"
expect_status 73 "$trace" convert "$FIXTURES/trace.json" "$SCRATCH/no/such/dir/x.json" && expect_one_line_error "x.json"
# generate: the committed suites are what their documented commands write, byte for byte.
expect_status 0 "$trace" generate --count 99 --seed 20261125 --out "$SCRATCH/heldout"
expect_status 0 "$trace" generate --suite shifted --seed 20261125 --out "$SCRATCH/shifted"
for suite in heldout shifted; do
  diff -r "$ROOT/demo/suites/$suite" "$SCRATCH/$suite" >/dev/null || fail "demo/suites/$suite differs from what its command writes"
done
expect_status 64 "$trace" generate --suite shifted --count 3 --out "$SCRATCH/mixed" && expect_one_line_error "--suite goes without"
expect_status 64 "$trace" generate --suite bogus --out "$SCRATCH/bogus" && expect_one_line_error "bogus"
expect_status 64 "$trace" generate --out "$SCRATCH/nothing" && expect_one_line_error "nothing to write"
expect_status 0 "$trace" --help
grep -q "convert" "$SCRATCH/out" || fail "--help does not list convert"
for sub in convert inspect validate; do expect_status 0 "$trace" "$sub" --help; done
# A workload asking for a GPU: validate warns (T0009) on a cluster without GPUs, and its pods stay
# Pending with kube-scheduler's message; on a pool offering nvidia.com/gpu they run. An allocatable
# name kube-scheduler does not count is refused.
python3 - "$ROOT/demo/cluster.json" "$SCRATCH" <<'PY'
import json, sys
cluster = json.load(open(sys.argv[1]))
cluster["nodePools"][0]["allocatable"].update({"cpu": "64", "nvidia.com/gpu": "4"})
json.dump(cluster, open(sys.argv[2] + "/gpu-cluster.json", "w"))
cluster["nodePools"][0]["allocatable"]["gpu"] = "4"
json.dump(cluster, open(sys.argv[2] + "/bad-cluster.json", "w"))
PY
"$BIN/sa-trace" convert "$ROOT/demo/traces/cpu-slight.msgpack" "$SCRATCH/plain.json"
python3 - "$SCRATCH/plain.json" "$SCRATCH/gpu.json" <<'PY'
import json, sys
trace = json.load(open(sys.argv[1]))
container = trace["events"][0]["applied_objs"][0]["spec"]["template"]["spec"]["containers"][0]
container.setdefault("resources", {}).setdefault("limits", {})["nvidia.com/gpu"] = "1"
json.dump(trace, open(sys.argv[2], "w"))
PY
expect_status 0 "$BIN/sa-trace" validate "$SCRATCH/gpu.json"
grep -q "^warning T0009 resource_not_offered at Deployment default/web: requests nvidia.com/gpu" "$SCRATCH/out" \
  || fail "no T0009 warning: $(cat "$SCRATCH/out")"
expect_status 0 "$BIN/sa-trace" validate "$SCRATCH/gpu.json" --cluster "$SCRATCH/gpu-cluster.json"
grep -q "0 warning(s)" "$SCRATCH/out" || fail "T0009 on a cluster with GPUs: $(cat "$SCRATCH/out")"
expect_status 0 "$BIN/sa-simulate" --trace "$SCRATCH/gpu.json" --out "$SCRATCH/gpu-pending.json"
grep -q "3 Insufficient nvidia.com/gpu" "$SCRATCH/gpu-pending.json" || fail "GPU pods were not Pending for want of GPUs"
expect_status 0 "$BIN/sa-simulate" --trace "$SCRATCH/gpu.json" --cluster "$SCRATCH/gpu-cluster.json" --out "$SCRATCH/gpu-running.json"
grep -q "Insufficient" "$SCRATCH/gpu-running.json" && fail "GPU pods were Pending on a cluster with GPUs"
expect_status 65 "$BIN/sa-simulate" --trace "$SCRATCH/gpu.json" --cluster "$SCRATCH/bad-cluster.json" --out "$SCRATCH/never.json"
expect_one_line_error "bad-cluster.json: nodePools\[0\].allocatable: \"gpu\" is not a resource kube-scheduler counts"
[ -e "$SCRATCH/never.json" ] && fail "a simulation was written for a bad cluster spec"

finish
