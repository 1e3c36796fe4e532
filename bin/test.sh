#!/usr/bin/env bash
# Runs every test: builds (bootstrapping what is missing), runs the Swift unit tests, then the
# Python package's tests in Tests/python/ (in a project-local .venv/ with pinned packages) and the
# shell-level tests in Tests/shell/, SIMARENA_TEST_JOBS at a time (default: one per core).
# Exits non-zero if anything fails.
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

# The Python tests and the shell tests run as jobs, SIMARENA_TEST_JOBS at a time (default: one per
# core); each job's output is shown whole when it ends, with how long it took.
# (The pool waits with `wait -n -p`, bash 5.1 or later: Debian 12 has 5.2.)
if [ "${BASH_VERSINFO[0]}" -lt 5 ] || { [ "${BASH_VERSINFO[0]}" = 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
  echo "test: bash $BASH_VERSION is too old; the test jobs need bash 5.1 or later" >&2
  exit 69
fi
max_jobs="${SIMARENA_TEST_JOBS:-$(nproc)}"
[[ "$max_jobs" =~ ^[1-9][0-9]*$ ]] || { echo "test: SIMARENA_TEST_JOBS='$max_jobs': expected a positive number" >&2; exit 64; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A job_name=() job_started=() job_log=()
passed=0
failures=()

# wait_for_a_job: reports the next job to end.
wait_for_a_job() {
  local pid="" status=0
  wait -n -p pid "${!job_name[@]}" || status=$?
  local name="${job_name[$pid]}"
  cat "${job_log[$pid]}" >&2
  echo "test: $name took $((SECONDS - job_started[$pid])) s$([ "$status" = 0 ] || echo ", FAILED (exit $status)")" >&2
  if [ "$status" = 0 ]; then passed=$((passed + 1)); else failures+=("$name"); fi
  unset "job_name[$pid]" "job_started[$pid]" "job_log[$pid]"
}

# start_job NAME COMMAND...: runs COMMAND in the background once a slot is free.
start_job() {
  local name="$1"
  shift
  while [ "${#job_name[@]}" -ge "$max_jobs" ]; do wait_for_a_job; done
  echo "test: started $name" >&2
  local log
  log=$(mktemp "$logs/job.XXXXXX")
  "$@" >"$log" 2>&1 &
  job_log[$!]="$log"
  job_name[$!]="$name"
  job_started[$!]=$SECONDS
}

# The Python package: pinned packages in .venv/ (made when missing), the package installed from
# python/ as a user installs it (packaging the library; bin/python-env.sh), then its tests.
python_tests=()
for test in Tests/python/test_*.py; do
  [ -e "$test" ] || continue
  if [ -n "$filter" ] && [[ "$test" != *"$filter"* ]]; then continue; fi
  python_tests+=("$test")
done
run_python_tests() {
  bin/python-env.sh || { echo "test: python: could not install the Python packages"; return 1; }
  .venv/bin/pytest -q -p no:cacheprovider "${python_tests[@]}"
}
[ "${#python_tests[@]}" -gt 0 ] && start_job "python: pytest ${python_tests[*]}" run_python_tests

# The shell tests, the slowest first (measured) so that the jobs end close together.
shell_tests=()
for slow in train sweep benchmark fast dqn simkube first_run full_disk; do
  [ -e "Tests/shell/test_$slow.sh" ] && shell_tests+=("Tests/shell/test_$slow.sh")
done
for test in Tests/shell/test_*.sh; do
  [[ " ${shell_tests[*]} " == *" $test "* ]] || shell_tests+=("$test")
done
for test in "${shell_tests[@]}"; do
  if [ -n "$filter" ] && [[ "$test" != *"$filter"* ]]; then continue; fi
  start_job "$test" bash "$test"
done
while [ "${#job_name[@]}" -gt 0 ]; do wait_for_a_job; done
for test in "${failures[@]}"; do echo "FAILED: $test" >&2; done
echo "jobs: $passed passed, ${#failures[@]} failed"

if [ "$swift_status" != 0 ]; then
  echo "test: swift test failed" >&2
  exit 1
fi
if [ "$shellcheck_status" != 0 ]; then
  echo "test: shellcheck found problems" >&2
  exit 1
fi
[ "${#failures[@]}" = 0 ]
