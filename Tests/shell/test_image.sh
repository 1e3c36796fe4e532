#!/usr/bin/env bash
# jobs/Dockerfile, the image of the Kubernetes sweeps, without building it: hadolint (from .venv/,
# skipped when missing) finds nothing at warning level, and the project's own rules hold: a
# builder and a runtime stage, the tools built with --static-swift-stdlib, a numeric non-root
# user at run time, no ADD, every base image tagged and not 'latest', apt-get install with
# --no-install-recommends, the tools found through SIMARENA_BIN, the copied sources present.
# Copies with a deliberate fault each make the check that should catch it fail.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
dockerfile="$ROOT/jobs/Dockerfile"
hadolint="$ROOT/.venv/bin/hadolint"

# instructions FILE: the Dockerfile's instructions one a line, continuation lines joined, comment
# and blank lines left out, runs of blanks made one, the keyword in capitals.
instructions() {
  awk '
    /^[[:space:]]*#/ { next }
    { line = line " " $0 }
    /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, "", line); next }
    {
      gsub(/[[:space:]]+/, " ", line); sub(/^ /, "", line); sub(/ $/, "", line)
      if (line != "") {
        n = index(line " ", " ")
        print toupper(substr(line, 1, n - 1)) substr(line, n)
      }
      line = ""
    }
  ' "$1"
}

# broken_rules FILE: one line naming each of the project's rules that FILE breaks.
broken_rules() {
  local lines commands froms runtime builds apt_installs line image tag stages last_user src
  local -a words
  lines=$(instructions "$1")
  # The commands of the RUN instructions, one a line (split at && and ;).
  commands=$(grep '^RUN ' <<<"$lines" | sed 's/^RUN //; s/&&/\n/g; s/;/\n/g' || true)
  froms=$(grep '^FROM ' <<<"$lines" || true)
  grep -Eiq '^FROM [^ ]+ AS builder$' <<<"$froms" || echo "no builder stage (FROM ... AS builder)"
  tail -n 1 <<<"$froms" | grep -Eiq '^FROM [^ ]+ AS runtime$' || echo "the last stage is not the runtime stage (FROM ... AS runtime)"
  # The runtime stage: the instructions from the last FROM on.
  runtime=$(awk '/^FROM /{stage = ""} {stage = stage $0 "\n"} END {printf "%s", stage}' <<<"$lines")

  builds=$(grep 'swift build' <<<"$commands" || true)
  if ! grep -q 'swift build -c release' <<<"$builds"; then
    echo "no 'swift build -c release'"
  elif [ -n "$(grep -v -- '--static-swift-stdlib' <<<"$builds" || true)" ]; then
    echo "swift build without --static-swift-stdlib"
  fi

  last_user=$(grep '^USER ' <<<"$runtime" | tail -n 1 || true)
  [[ "$last_user" =~ ^USER\ [1-9][0-9]*(:[1-9][0-9]*)?$ ]] \
    || echo "the runtime stage does not end as a numeric non-root USER (got '${last_user:-none}')"

  if grep -q '^ADD ' <<<"$lines"; then echo "ADD is used (use COPY)"; fi

  # Every base image has a tag other than 'latest' (or a digest); earlier stages and scratch are
  # not images.
  stages=" scratch "
  while read -r line; do
    [ -n "$line" ] || continue
    read -r -a words <<<"${line#FROM }"
    image=""
    for word in "${words[@]}"; do
      case "$word" in --*) ;; *) image="$word"; break ;; esac
    done
    if [[ "$stages" != *" $image "* && "$image" != *@sha256:* ]]; then
      tag=""
      [[ "${image##*/}" == *:* ]] && tag="${image##*:}"
      if [ -z "$tag" ] || [ "$tag" = latest ]; then echo "base image '$image' is not pinned to a tag other than latest"; fi
    fi
    if [[ "$line" =~ \ [Aa][Ss]\ ([^ ]+)$ ]]; then stages+="${BASH_REMATCH[1]} "; fi
  done <<<"$froms"

  # Each apt-get install asks for --no-install-recommends.
  apt_installs=$(grep -E 'apt-get( [^ ]+)* install' <<<"$commands" || true)
  if [ -n "$(grep -v -- '--no-install-recommends' <<<"$apt_installs" || true)" ]; then
    echo "apt-get install without --no-install-recommends"
  fi

  grep -qx 'ENV SIMARENA_BIN=/usr/local/bin' <<<"$runtime" || echo "the runtime stage does not set SIMARENA_BIN=/usr/local/bin"
  if grep -Eq '^COPY .*\.so( |$)' <<<"$lines"; then echo "a shared library is copied (libSimArenaEnv.so is for Python only)"; fi

  # What COPY takes from the build context exists, unless it is a glob (an optional file).
  while read -r line; do
    [ -n "$line" ] || continue
    read -r -a words <<<"${line#COPY }"
    for src in "${words[@]:0:${#words[@]}-1}"; do
      case "$src" in --*|*[*?[]*) continue ;; esac
      [ -e "$ROOT/$src" ] || echo "COPY source '$src' is not in the repository"
    done
  done <<<"$(grep '^COPY ' <<<"$lines" | grep -v -- '--from=' || true)"
  return 0
}

# The Dockerfile itself: no rule broken.
[ -f "$dockerfile" ] || { fail "no jobs/Dockerfile"; finish; }
broken=$(broken_rules "$dockerfile")
[ -z "$broken" ] || fail "jobs/Dockerfile breaks the project's rules: $broken"
for ignored in .git .build .venv 'runs/*' 'checkpoints/*'; do
  grep -Fqx "$ignored" "$ROOT/.dockerignore" || fail ".dockerignore does not keep out $ignored"
done

# mutant NAME SED-SCRIPT: a copy of the Dockerfile changed by sed -E, in the scratch folder; a
# script that changes nothing is a failure of this test (the Dockerfile moved under it).
mutant() {
  sed -E "$2" "$dockerfile" >"$SCRATCH/$1.Dockerfile"
  cmp -s "$dockerfile" "$SCRATCH/$1.Dockerfile" && fail "mutant $1: '$2' changes nothing in jobs/Dockerfile"
  return 0
}
# expect_broken NAME PATTERN: the mutant NAME breaks a rule matching PATTERN.
expect_broken() {
  local broken
  broken=$(broken_rules "$SCRATCH/$1.Dockerfile")
  grep -q -- "$2" <<<"$broken" || fail "mutant $1: no rule broken matching '$2'"
}
mutant no-builder 's/ AS builder$/ AS compile/; s/--from=builder/--from=compile/'
expect_broken no-builder "no builder stage"
mutant no-runtime 's/ AS runtime$//'
expect_broken no-runtime "not the runtime stage"
mutant dynamic-stdlib 's/ --static-swift-stdlib//'
expect_broken dynamic-stdlib "without --static-swift-stdlib"
mutant root-user 's/^USER .*/USER root/'
expect_broken root-user "numeric non-root USER"
mutant uid-zero 's/^USER .*/USER 0:0/'
expect_broken uid-zero "numeric non-root USER"
mutant add 's/^COPY (bin)/ADD \1/'
expect_broken add "ADD is used"
mutant untagged 's/^FROM ([^ :]+):[^ ]+ (AS runtime)$/FROM \1 \2/'
expect_broken untagged "is not pinned"
mutant latest 's/^FROM ([^ :]+):[^ ]+ (AS runtime)$/FROM debian:latest \2/'
expect_broken latest "is not pinned"
mutant recommends '0,/--no-install-recommends/s/ --no-install-recommends//'
expect_broken recommends "without --no-install-recommends"
mutant no-bin-env 's/^ENV SIMARENA_BIN=.*//'
expect_broken no-bin-env "SIMARENA_BIN"
mutant missing-source 's/^COPY demo\/ demo\//COPY demos\/ demos\//'
expect_broken missing-source "'demos/' is not in the repository"

# hadolint: nothing at warning level or above. --no-install-recommends is our rule, so its
# check (DL3015, info by default) counts as a warning. Copies with a fault make it fail.
if [ ! -x "$hadolint" ]; then
  echo "  skipped hadolint: needs $hadolint (bin/python-env.sh installs it)" >&2
  finish
  exit 0
fi
lint=("$hadolint" --no-color --failure-threshold warning --warning DL3015)
"${lint[@]}" "$dockerfile" >"$SCRATCH/lint" 2>&1 || fail "hadolint jobs/Dockerfile: $(cat "$SCRATCH/lint")"
for fault in latest:DL3007 recommends:DL3015 root-user:DL3002; do
  if expect_status 1 "${lint[@]}" "$SCRATCH/${fault%%:*}.Dockerfile"; then
    grep -q "${fault#*:}" "$SCRATCH/out" || fail "hadolint on the ${fault%%:*} mutant does not name ${fault#*:}: $(cat "$SCRATCH/out")"
  fi
done

finish
