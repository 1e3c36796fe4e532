#!/usr/bin/env bash
# Draws a benchmark report folder's report.png from its report-plot.tsv (written by
# 'sa-benchmark report'), with gnuplot: per suite, each agent's solve rate per failure family
# with its 95% interval. The PNG is rendered into a temporary file, then renamed over the old one.
#
# Usage: jobs/benchmark-plot.sh REPORT_DIR
# Exit status: 64 usage, 65 gnuplot cannot plot the data, 66 missing input, 69 gnuplot is not
# installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

die() { echo "benchmark-plot.sh: $1" >&2; exit "${2:-64}"; }
case "${1:-}" in
  -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") die "missing REPORT_DIR (see jobs/benchmark-plot.sh --help)" ;;
esac
[ $# = 1 ] || die "one REPORT_DIR only"
dir="$1"
table="$dir/report-plot.tsv"
[ -f "$table" ] || die "$table: no such file (make it with sa-benchmark report)" 66
command -v gnuplot >/dev/null 2>&1 || die "gnuplot is not installed; run bin/build.sh or apt-get install gnuplot-nox" 69

# The blocks' comment lines name the suites; each header line has 'family' and 3 columns an agent.
names=$(sed -n 's/^# suite //p' "$table" | tr '\n' ' ')
suites=$(grep -c '^# suite ' "$table")
agents=$(( ($(grep -m1 '^family' "$table" | awk -F'\t' '{print NF}') - 1) / 3 ))
tmp="$dir/report.png.tmp.$$"
trap 'rm -f "$tmp"' EXIT
if ! err=$(gnuplot -c "$here/benchmark.gp" "$table" "$tmp" "$suites" "$agents" "$names" 2>&1 >/dev/null); then
  die "$table: gnuplot cannot plot it: $(printf '%s\n' "$err" | tail -n 1)" 65
fi
[ -z "$err" ] || printf '%s\n' "$err" >&2
mv -f "$tmp" "$dir/report.png"
