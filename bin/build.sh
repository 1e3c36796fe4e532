#!/usr/bin/env bash
# Builds Sim-Arena's release binaries into .build/release/, first installing what is missing:
# the C libraries' -dev packages (msgpack-c, libcurl, jansson) and gnuplot (for jobs/plot.sh)
# through apt-get.
# Quick when nothing changed; does nothing when SIMARENA_BIN names another folder of tools (the
# container image's). With --print-bin it prints the tools' folder on standard output, with the
# symbolic link .build/release resolved: SwiftPM recreates that link at every build, so a script
# that ran its stages through it could find no tools while another build runs.
# Usage: bin/build.sh [--quiet] [--print-bin]
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0 print_bin=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --print-bin) print_bin=1 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build: unknown flag $arg (usage: bin/build.sh [--quiet] [--print-bin])" >&2; exit 64 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "build: $*" >&2; }

# Tools from elsewhere (the container image, a copy kept apart from a rebuild): nothing to build.
if [ -n "${SIMARENA_BIN:-}" ] && [ "$(cd "${SIMARENA_BIN}" 2>/dev/null && pwd)" != "$(pwd)/.build/release" ]; then
  say "SIMARENA_BIN=$SIMARENA_BIN: using the tools there, building nothing"
  [ "$print_bin" = 0 ] || (cd -P "$SIMARENA_BIN" && pwd)
  exit 0
fi

# pkg-config name -> Debian package
declare -A packages=(
  [msgpack]=libmsgpack-dev
  [libcurl]=libcurl4-openssl-dev
  [jansson]=libjansson-dev
)
missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
for module in "${!packages[@]}"; do
  if ! pkg-config --exists "$module" 2>/dev/null; then
    missing+=("${packages[$module]}")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build: installing ${missing[*]} with apt-get" >&2
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2 || true
  if ! "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2; then
    echo "build: apt-get could not install ${missing[*]}; install them and run again" >&2
    exit 1
  fi
fi

command -v swift >/dev/null 2>&1 || { echo "build: swift is not on PATH; install the Swift toolchain (6.x)" >&2; exit 1; }

# The Swift runtime is linked statically: each stage is a short-lived process, and a static
# binary starts several milliseconds faster than one that loads the runtime's shared libraries.
# A stamp marks the sources the last build saw (its time is the build's start, so a file edited
# during a build counts as newer). SwiftPM's own no-op check costs seconds (it plans the whole
# package), and every script calls this first: when no source is newer than the stamp, that
# check is skipped.
stamp=.build/release/.sources-built
if [ -x .build/release/sa-run ] && [ -e "$stamp" ] \
  && [ -z "$(find Sources Package.swift Package.resolved -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  say "up to date: no source is newer than the last build"
  [ "$print_bin" = 0 ] || (cd -P .build/release && pwd)
  exit 0
fi
say "swift build -c release --static-swift-stdlib"
# Even when quiet, say so when the build has real work to do: a first build takes minutes.
if [ "$quiet" = 1 ]; then
  if [ ! -x .build/release/sa-run ]; then
    echo "build: building the release binaries for the first time (swift build -c release; a few minutes on 2 cores)" >&2
  else
    echo "build: sources changed; rebuilding the release binaries" >&2
  fi
fi
mkdir -p .build
started=$(mktemp .build/.sources-building.XXXXXX)
trap 'rm -f "$started"' EXIT
if ! out=$(swift build -c release --static-swift-stdlib 2>&1); then
  echo "$out" >&2
  echo "build: swift build failed" >&2
  exit 1
fi
mv -f "$started" "$stamp"
trap - EXIT
# glibc's linker note about mktemp comes from the toolchain's static Foundation, not from us.
if [ "$quiet" = 0 ]; then
  printf '%s\n' "$out" | grep -E "warning:|Compiling|Build complete" | grep -v "the use of \`mktemp' is dangerous" >&2 || true
fi
[ "$print_bin" = 0 ] || (cd -P .build/release && pwd)
