#!/usr/bin/env bash
# Runs one episode from the original trace until the workload reaches its goal (terminated) or
# --steps actions have been taken (truncated): bin/train.sh with --episodes 1. Takes train.sh's flags.
# Usage: bin/episode.sh --trace FILE --target N [train.sh flags]
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
exec "$(dirname "$0")/train.sh" "$@" --episodes 1
