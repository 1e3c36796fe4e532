#!/usr/bin/env bash
# Renders a training run's plots from the TSV files the core writes into its checkpoint folder
# (format simarena.plots/v1, docs/plots.md), with gnuplot:
#   learning_curve_latest.png        from learning_curve.tsv
#   agent_visualization_latest.png   from agent_qvalues.tsv, and agent_grid.tsv when present;
#                                    not written when there is no agent_qvalues.tsv (policies)
# Each PNG is rendered into a temporary file in the folder, then renamed over the old one.
#
# Usage: jobs/plot.sh CHECKPOINT_DIR [--copy-as SUFFIX]
#   --copy-as SUFFIX   also write learning_curve_SUFFIX.png and agent_visualization_SUFFIX.png
#                      (SUFFIX: letters, digits, '.', '_', '-'; for example ep10)
#
# Exit status: 64 usage, 65 an input is not simarena.plots/v1 data or gnuplot cannot plot it,
# 66 missing input, 69 gnuplot is not installed, 73 the folder is not writable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "plot.sh: $1" >&2; exit "${2:-64}"; }

dir=""
copy_as=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --copy-as)
      [ $# -ge 2 ] || die "--copy-as needs a SUFFIX"
      [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || die "--copy-as '$2': use letters, digits, '.', '_' or '-'"
      copy_as="$2"
      shift 2 ;;
    -*) die "unknown flag '$1' (see jobs/plot.sh --help)" ;;
    *)
      [ -z "$dir" ] || die "unexpected argument '$1': one CHECKPOINT_DIR only"
      dir="$1"
      shift ;;
  esac
done
[ -n "$dir" ] || die "missing CHECKPOINT_DIR (see jobs/plot.sh --help)"
[ -d "$dir" ] || die "$dir: no such directory" 66
[ -w "$dir" ] || die "$dir: not writable" 73
command -v gnuplot >/dev/null 2>&1 \
  || die "gnuplot is not installed; run bin/build.sh or apt-get install gnuplot-nox" 69

# require FILE: exits 66 unless FILE is a readable file.
require() {
  [ -e "$1" ] || die "$1: no such file" 66
  if [ ! -f "$1" ] || [ ! -r "$1" ]; then die "$1: not a readable file" 66; fi
}

# meta FILE KIND: prints the rest of FILE's first line after "# simarena.plots/v1 KIND ";
# exits 65 when the line does not start so, or when FILE has no data line.
meta() {
  local line=""
  IFS= read -r line <"$1" || true
  case "$line" in
    "# simarena.plots/v1 $2 "*) ;;
    *) die "$1: the first line is not '# simarena.plots/v1 $2 …'" 65 ;;
  esac
  grep -q '^[^#]' "$1" || die "$1: no data lines, only comments" 65
  printf '%s\n' "${line#"# simarena.plots/v1 $2 "}"
}

# render SCRIPT INPUT PNG [ARG...]: gnuplot -c SCRIPT INPUT TMP ARG..., then TMP is renamed to PNG.
tmp=""
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT
render() {
  local script="$1" input="$2" png="$3" err
  shift 3
  tmp="$png.tmp.$$"
  if ! err=$(gnuplot -c "$here/$script" "$input" "$tmp" "$@" 2>&1 >/dev/null); then
    die "$input: gnuplot cannot plot it: $(printf '%s\n' "$err" | tail -n 1)" 65
  fi
  # Warnings, if any, are passed on.
  [ -z "$err" ] || printf '%s\n' "$err" >&2
  mv -f "$tmp" "$png"
  tmp=""
}

# publish NAME: writes NAME_latest.png (already rendered) also as NAME_SUFFIX.png, atomically.
publish() {
  [ -n "$copy_as" ] || return 0
  tmp="$dir/$1_$copy_as.png.tmp.$$"
  cp "$dir/$1_latest.png" "$tmp"
  mv -f "$tmp" "$dir/$1_$copy_as.png"
  tmp=""
}

curve="$dir/learning_curve.tsv"
qvalues="$dir/agent_qvalues.tsv"
grid="$dir/agent_grid.tsv"
require "$curve"
curve_meta=$(meta "$curve" learning_curve)

render learning_curve.gp "$curve" "$dir/learning_curve_latest.png" "$curve_meta"
publish learning_curve

# Policies have no Q values: then there is nothing more to draw.
[ -e "$qvalues" ] || exit 0
require "$qvalues"
qvalues_meta=$(meta "$qvalues" agent_qvalues)
grid_args=()
if [ -e "$grid" ]; then
  require "$grid"
  grid_meta=$(meta "$grid" agent_grid)
  # "x=<feature> y=<feature> fixed=<text>": the axis names and what the other features are fixed to.
  [[ "$grid_meta" =~ ^x=(.+)\ y=(.+)\ fixed=(.*)$ ]] \
    || die "$grid: the first line lacks 'x=… y=… fixed=…'" 65
  grid_args=("$grid" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}")
fi
render agent_visualization.gp "$qvalues" "$dir/agent_visualization_latest.png" \
  "$qvalues_meta" "${grid_args[@]}"
publish agent_visualization
