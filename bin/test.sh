#!/usr/bin/env bash
# Runs every test: builds (bootstrapping what is missing), runs the Swift unit tests, the Python
# package's tests in Tests/python/ (in a project-local .venv/ with pinned packages), then the
# shell-level tests in Tests/shell/. Exits non-zero if anything fails.
# Usage: bin/test.sh [--filter PATTERN]   (PATTERN selects Swift tests and Python and shell test files)
set -euo pipefail
cd "$(dirname "$0")/.."

filter=""
if [ "${1:-}" = "--filter" ]; then filter="${2:?--filter needs a pattern}"; fi

started=$SECONDS
bin/build.sh
echo "test: release build took $((SECONDS - started)) s" >&2

# The shell scripts must pass shellcheck (installed from Debian when missing).
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "test: installing shellcheck with apt-get" >&2
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq shellcheck >&2 \
    || { "${sudo[@]}" apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq shellcheck >&2; }
fi
shellcheck_status=0
echo "test: shellcheck" >&2
shellcheck -x bin/*.sh Tests/shell/*.sh jobs/*.sh .ci/run || shellcheck_status=1

echo "test: swift test" >&2
swift_args=()
[ -n "$filter" ] && swift_args=(--filter "$filter")
swift_status=0
started=$SECONDS
swift test --disable-swift-testing "${swift_args[@]}" || swift_status=1
echo "test: swift test took $((SECONDS - started)) s" >&2

# The Python package: pinned packages in .venv/ (made when missing), the package installed from
# python/ as a user installs it (packaging the library; bin/python-env.sh), then its tests.
python_tests=()
for test in Tests/python/test_*.py; do
  [ -e "$test" ] || continue
  if [ -n "$filter" ] && [[ "$test" != *"$filter"* ]]; then continue; fi
  python_tests+=("$test")
done
python_status=0
if [ "${#python_tests[@]}" -gt 0 ]; then
  if bin/python-env.sh; then
    echo "test: python: pytest ${python_tests[*]}" >&2
    .venv/bin/pytest -q -p no:cacheprovider "${python_tests[@]}" || python_status=1
  else
    echo "test: python: could not install the Python packages" >&2
    python_status=1
  fi
fi

passed=0
failed=0
failures=()
for test in Tests/shell/test_*.sh; do
  [ -e "$test" ] || continue
  if [ -n "$filter" ] && [[ "$test" != *"$filter"* ]]; then continue; fi
  echo "test: $test" >&2
  started=$SECONDS
  if bash "$test"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$test")
  fi
  echo "test: $test took $((SECONDS - started)) s" >&2
done
for test in "${failures[@]}"; do echo "FAILED: $test" >&2; done
echo "shell: $passed passed, $failed failed"

if [ "$swift_status" != 0 ]; then
  echo "test: swift test failed" >&2
  exit 1
fi
if [ "$python_status" != 0 ]; then
  echo "test: the Python tests failed" >&2
  exit 1
fi
if [ "$shellcheck_status" != 0 ]; then
  echo "test: shellcheck found problems" >&2
  exit 1
fi
[ "$failed" = 0 ]
