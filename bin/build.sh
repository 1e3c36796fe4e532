#!/usr/bin/env bash
# Builds Sim-Arena's release binaries into .build/release/, first installing what is missing:
# the C libraries' -dev packages (msgpack-c, libcurl, jansson) and gnuplot (for jobs/plot.sh)
# through apt-get.
# Quick when nothing changed; does nothing when SIMARENA_BIN names another folder of tools (the
# container image's). Usage: bin/build.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
say() { [ "$quiet" = 1 ] || echo "build: $*" >&2; }

# Tools from elsewhere (the container image, a copy kept apart from a rebuild): nothing to build.
if [ -n "${SIMARENA_BIN:-}" ] && [ "$(cd "${SIMARENA_BIN}" 2>/dev/null && pwd)" != "$(pwd)/.build/release" ]; then
  say "SIMARENA_BIN=$SIMARENA_BIN: using the tools there, building nothing"
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
say "swift build -c release --static-swift-stdlib"
# Even when quiet, say so when the build has real work to do: a first build takes minutes.
stamp=.build/release/.sources-built
if [ "$quiet" = 1 ]; then
  if [ ! -x .build/release/sa-run ]; then
    echo "build: building the release binaries for the first time (swift build -c release; a few minutes on 2 cores)" >&2
  elif [ ! -e "$stamp" ] || [ -n "$(find Sources Package.swift -newer "$stamp" -print -quit)" ]; then
    echo "build: sources changed; rebuilding the release binaries" >&2
  fi
fi
if ! out=$(swift build -c release --static-swift-stdlib 2>&1); then
  echo "$out" >&2
  echo "build: swift build failed" >&2
  exit 1
fi
# SwiftPM does not relink a binary whose inputs changed only in comments: a stamp of its own marks
# the build as newer than the sources, so the next quick check does not announce a rebuild again.
# (Touching a product instead would make SwiftPM relink it at every call.)
touch "$stamp"
# glibc's linker note about mktemp comes from the toolchain's static Foundation, not from us.
if [ "$quiet" = 0 ]; then
  printf '%s\n' "$out" | grep -E "warning:|Compiling|Build complete" | grep -v "the use of \`mktemp' is dangerous" >&2 || true
fi
