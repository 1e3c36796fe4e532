#!/usr/bin/env bash
# bin/recommend.sh and sa-trace's merge and apply-patch from the shell: the DeathStarBench trace
# (healthy on the demo cluster; two workloads short of CPU on a smaller one) and the broken mix,
# their files, replaying the patch, the exit statuses, and refusals that create nothing.
# shellcheck source=Tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

dsb="$FIXTURES/dsb-scaling.sktrace"
mix="$ROOT/demo/recommend/broken-mix.json"

# The real cluster's trace: healthy on the demo cluster, nothing to patch, exit 0.
expect_status 0 "$ROOT/bin/recommend.sh" --trace "$dsb" --out "$SCRATCH/dsb"
for file in patch.yaml kubectl.sh report.md report.json fixed-trace.msgpack; do
  [ -s "$SCRATCH/dsb/$file" ] || fail "dsb: no $file"
done
grep -q '"unhealthy_before": 0' "$SCRATCH/dsb/report.json" || fail "dsb is healthy on the demo cluster"
cmp -s "$dsb" "$SCRATCH/dsb/fixed-trace.msgpack" || fail "dsb: the fixed trace of an unchanged trace differs from it"

# On a smaller cluster two Deployments are short of CPU: one is fixed, the other is bound by its
# init container; exit 1 says some workload is still unhealthy.
printf '{"nodePools": [{"name": "n", "count": 3, "allocatable": {"cpu": "12", "memory": "16Gi", "pods": 110}}]}' >"$SCRATCH/small.json"
expect_status 1 "$ROOT/bin/recommend.sh" --trace "$dsb" --out "$SCRATCH/small" --cluster "$SCRATCH/small.json" --cpu-step 100m
grep -q 'post-storage-service.requests.cpu 1 → 200m' "$SCRATCH/small/report.md" || fail "post-storage-service is not lowered to 200m"
grep -q 'init container alpine-container requests 1 cpu' "$SCRATCH/small/report.md" || fail "no note on nginx-thrift's init container"
sh -n "$SCRATCH/small/kubectl.sh" || fail "kubectl.sh is not valid sh"
# kubectl.sh runs the patch commands; a stand-in kubectl records them.
printf '#!/bin/sh\necho "$@" >>"%s/kubectl.log"\n' "$SCRATCH" >"$SCRATCH/kubectl" && chmod +x "$SCRATCH/kubectl"
KUBECTL="$SCRATCH/kubectl" "$SCRATCH/small/kubectl.sh" || fail "kubectl.sh failed"
grep -q '^patch deployment post-storage-service -n dsb --type strategic -p {"apiVersion":"apps/v1"' "$SCRATCH/kubectl.log" \
  || fail "kubectl.sh did not patch post-storage-service: $(cat "$SCRATCH/kubectl.log")"

# Replaying the patch: apply-patch (through sa-trace) gives the fixed trace, byte for byte.
expect_status 0 "$BIN/sa-trace" apply-patch --trace "$dsb" --patch "$SCRATCH/small/patch.yaml" --out "$SCRATCH/patched.msgpack"
cmp -s "$SCRATCH/patched.msgpack" "$SCRATCH/small/fixed-trace.msgpack" || fail "apply-patch does not give the fixed trace"
expect_status 0 "$BIN/sa-simulate" --trace "$SCRATCH/patched.msgpack" --cluster "$SCRATCH/small.json" --duration 1224 \
  --out "$SCRATCH/after.json"
python3 - "$SCRATCH/after.json" <<'PY' || fail "post-storage-service is not all Running after the patch"
import json, sys
pods = [p for p in json.load(open(sys.argv[1]))["pods"] if p["workload"]["name"] == "post-storage-service"]
sys.exit(0 if len(pods) == 5 and all(p["phase"] == "Running" and p["ready"] for p in pods) else 1)
PY

# The broken mix: the same bytes twice; the trainer it never patches stays as it was.
expect_status 1 "$ROOT/bin/recommend.sh" --trace "$mix" --out "$SCRATCH/mix1"
expect_status 1 "$ROOT/bin/recommend.sh" --trace "$mix" --out "$SCRATCH/mix2"
for file in patch.yaml kubectl.sh report.md report.json fixed-trace.json; do
  cmp -s "$SCRATCH/mix1/$file" "$SCRATCH/mix2/$file" || fail "mix: $file differs between two runs"
done
grep -q 'States skipped because they harm a neighbour' "$SCRATCH/mix1/report.md" || fail "mix: no skipped harmful states"
grep -q 'name: trainer' "$SCRATCH/mix1/patch.yaml" && fail "mix: the healthy trainer is patched"

# sa-trace merge rebuilds the mix from its scenarios.
shifted="$ROOT/demo/suites/shifted"
expect_status 0 "$BIN/sa-trace" merge "$shifted/neighbours-01.msgpack" "$shifted/names-01.msgpack" "$shifted/names-02.msgpack" \
  "$shifted/names-04.msgpack" "$shifted/names-05.msgpack" "$shifted/names-06.msgpack" --cluster "$ROOT/demo/cluster.json" \
  --out "$SCRATCH/merged.json"
cmp -s "$SCRATCH/merged.json" "$mix" || fail "sa-trace merge does not rebuild demo/recommend/broken-mix.json"
expect_status 65 "$BIN/sa-trace" merge "$shifted/names-01.msgpack" "$shifted/names-01.msgpack" --out "$SCRATCH/twice.json" \
  && expect_one_line_error "is also in .*names-01.msgpack; merged traces must not share objects"

# Refusals: one line, the documented status, no output folder.
expect_status 64 "$BIN/sa-recommend" --trace "$mix" --namespace shop --out "$SCRATCH/no1" \
  && expect_one_line_error "give one of --trace FILE and --namespace NS"
expect_status 64 "$BIN/sa-recommend" --trace "$mix" --fixer nonsense --out "$SCRATCH/no2" \
  && expect_one_line_error "--fixer nonsense: neither a policy (noop, heuristic"
expect_status 66 "$BIN/sa-recommend" --trace "$SCRATCH/missing.json" --out "$SCRATCH/no3" && expect_one_line_error "missing.json"
printf 'not: [yaml' >"$SCRATCH/bad.yaml"
expect_status 65 "$BIN/sa-recommend" apply-patch --trace "$mix" --patch "$SCRATCH/bad.yaml" --out "$SCRATCH/no4.json" \
  && expect_one_line_error "bad.yaml:"
for folder in no1 no2 no3 no4.json; do [ ! -e "$SCRATCH/$folder" ] || fail "a refused command created $folder"; done

finish
