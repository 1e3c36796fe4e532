#!/usr/bin/env bash
# Makes the project-local Python environment .venv/ when it is missing (installing python3-venv
# with apt-get if Python cannot make one), then installs into it the pinned packages of
# Tests/python/requirements.txt and the simarena package from python/, which builds and packages
# libSimArenaEnv.so (docs/gymnasium.md). Says what it does on standard error. Used by
# bin/test.sh and bin/bench.sh; afterwards .venv/bin/python has gymnasium and simarena.
# Usage: bin/python-env.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  echo "python-env: creating the Python virtual environment .venv/" >&2
  if ! python3 -m venv .venv >&2; then
    echo "python-env: installing python3-venv with apt-get" >&2
    rm -rf .venv
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq python3-venv >&2
    python3 -m venv .venv >&2
  fi
fi
echo "python-env: pip install the pinned Tests/python/requirements.txt and ./python into .venv/" >&2
pip=(.venv/bin/pip install --quiet --disable-pip-version-check)
"${pip[@]}" -r Tests/python/requirements.txt >&2
"${pip[@]}" --no-build-isolation ./python >&2
