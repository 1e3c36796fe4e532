#!/usr/bin/env bash
# Validates Kubernetes manifests (a YAML stream, as 'sa-benchmark render' prints) offline against
# the Kubernetes API's published OpenAPI schemas, in strict mode (a field the schema does not know
# is an error), with kubernetes-validate from the project's .venv/ (bin/python-env.sh installs it).
# No cluster is needed. It checks types, required and unknown fields; not the API server's own
# rules across fields (docs/scale-out.md).
#
# Usage: jobs/validate-manifests.sh FILE...   (- for standard input)
# Environment: KUBERNETES_VERSION (default 1.29.0: the oldest release whose Job has every field used)
# Exit status: 0 valid, 1 invalid, 64 usage, 69 kubernetes-validate is not installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
validate="$root/.venv/bin/kubernetes-validate"
case "${1:-}" in
  -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") echo "validate-manifests.sh: name a FILE (see --help)" >&2; exit 64 ;;
esac
[ -x "$validate" ] || { echo "validate-manifests.sh: $validate is missing; run bin/python-env.sh" >&2; exit 69; }
status=0
"$validate" -k "${KUBERNETES_VERSION:-1.29.0}" --strict --quiet "$@" || status=$?
[ "$status" -le 1 ] || exit 64
exit "$status"
