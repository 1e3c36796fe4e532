# The benchmark's plot (docs/benchmark.md): per suite, the solve rate of each agent on each
# failure family and on the whole suite, with its 95% bootstrap interval as an error bar.
# Usage: gnuplot -c benchmark.gp REPORT_PLOT_TSV OUT_PNG SUITES AGENTS "SUITE NAMES"
infile = ARG1
outfile = ARG2
suites = int(ARG3)
agents = int(ARG4)
names = ARG5

set terminal pngcairo size 1400,(480 * suites + 60) noenhanced font "sans,10"
set output outfile
set datafile separator "\t"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set yrange [0:105]
set ytics 0,20,100
set grid ytics
set ylabel "solved (%)"
set xtics rotate by -30 scale 0
set key outside right top vertical
set bmargin 11

set multiplot layout suites,1 title "Solve rate by failure family, 95% stratified-bootstrap intervals over seeds"
do for [s = 0:suites - 1] {
    set title "suite " . word(names, s + 1)
    plot for [a = 0:agents - 1] infile index s using (column(2 + 3 * a)):(column(3 + 3 * a)):(column(4 + 3 * a)):xtic(1) \
        title columnhead(2 + 3 * a)
}
unset multiplot
