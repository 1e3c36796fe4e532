#!/usr/bin/env bash
# Recommend: turn a cluster's trace into the patches that fix its workloads, checked in the
# simulator on the whole trace, so that a fix that starves a neighbour shows. Writes to the
# output folder patch.yaml (strategic-merge patches), kubectl.sh, report.md, report.json and the
# fixed trace (docs/recommend.md). Nothing is ever written to a cluster.
#
# Usage: bin/recommend.sh (--trace FILE | --namespace NS) --out DIR [flags]
#   --trace FILE      a SimKube trace exported from a cluster (MessagePack or JSON)
#   --namespace NS    or read a live namespace, read-only, with the kubeconfig's credentials
#                     (--kubeconfig, --context); the trace made from it is kept as DIR/trace.json
#   --fixer NAME      heuristic (default: the benchmark's best), vpa, krr, another policy, or a
#                     trained agent's checkpoint; --policy-cmd CMD for an outside program
#   --backend simkube also replay the fixed trace on SimKube and show both predictions
# The first run builds the release binaries (a few minutes), saying so on standard error.
# Exit status: 0 every workload healthy after the fix, 1 some still unhealthy, 64 bad flags,
# 65 bad data, 66 missing input, 73 cannot write, 75 a cluster that cannot be reached or read.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${SIMARENA_BIN:-$root/.build/release}"

for argument in "$@"; do
  case "$argument" in
    -h|--help)
      sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
      echo
      if [ -x "$bin/sa-recommend" ]; then
        "$bin/sa-recommend" fix --help | sed -n '/^OPTIONS:/,$p'
      else
        echo "(build with bin/build.sh to see the list of flags)"
      fi
      exit 0 ;;
  esac
done

# The tools' real folder, not the link a concurrent build recreates, for this script and the ones it runs.
bin=$("$here/build.sh" --quiet --print-bin)
export SIMARENA_BIN="$bin"
exec "$bin/sa-recommend" fix "$@"
