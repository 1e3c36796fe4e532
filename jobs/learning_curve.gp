# Learning curve of a training run (docs/plots.md): return, success and training loss per episode,
# three panels stacked over a shared episode axis.
# Usage: gnuplot -c learning_curve.gp LEARNING_CURVE_TSV OUT_PNG [SUBTITLE]
infile = ARG1
outfile = ARG2
subtitle = ARG3

set terminal pngcairo size 1000,900 noenhanced font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "-"

# Explicit ranges, padded, so a run's first episode (a single point) still gives visible axes.
# The statistics come first: stats ignores values outside a range already set.
pad(lo, hi) = hi > lo ? 0.05 * (hi - lo) : 1
stats infile using 1 nooutput
episode_lo = STATS_min
episode_hi = STATS_max
stats infile using 2 nooutput
return_lo = STATS_min
return_hi = STATS_max
# Policies write "-" for loss and epsilon.
stats infile using (valid(6)) nooutput
loss_count = STATS_sum
stats infile using (valid(7)) nooutput
epsilon_count = STATS_sum
if (loss_count > 0) {
    stats infile using 6 nooutput
    loss_lo = STATS_min
    loss_hi = STATS_max
}
# The y axes' ranges; the loss axis is logarithmic when it is positive and has a labelled decade
# inside.
return_lo_pad = return_lo - pad(return_lo, return_hi)
return_hi_pad = return_hi + pad(return_lo, return_hi)
loss_log = loss_count > 0 && loss_lo > 0 && loss_hi > 10 * loss_lo
if (loss_count > 0) {
    if (loss_log) {
        loss_lo_pad = loss_lo / 1.5
        loss_hi_pad = loss_hi * 1.5
    } else {
        loss_lo_pad = loss_lo - pad(loss_lo, loss_hi)
        loss_hi_pad = loss_hi + pad(loss_lo, loss_hi)
    }
}

# The left margin fits the widest y tic label (as "%g" of an axis end, or of the power of ten
# beyond it on the log axis), at most 0.85 s pixels a character of size s, and the axis label:
# 10 px, the label (14 px), 10 px, the tic labels, 10 px.
ends_chars(lo, hi) = max(strlen(sprintf("%g", lo)), strlen(sprintf("%g", hi)))
max(a, b) = a > b ? a : b
tic_chars = max(3, ends_chars(return_lo_pad, return_hi_pad))
if (loss_count > 0) {
    tic_chars = max(tic_chars, loss_log \
        ? ends_chars(10 ** floor(log10(loss_lo_pad)), 10 ** ceil(log10(loss_hi_pad))) \
        : ends_chars(loss_lo_pad, loss_hi_pad))
}
left = max(80, 10 + 14 + 10 + tic_chars * 0.85 * 10 + 10) / 1000.0

set xrange [episode_lo - 0.5 : episode_hi + 0.5]
if (episode_hi - episode_lo < 10) { set xtics 1 }
# Smaller marks when there are many episodes.
point_size = episode_hi - episode_lo < 100 ? 0.6 : 0.25

# Fixed margins keep the three x axes aligned and the panels the same height, with room under each
# for its tic labels, "episode" and the next panel's title; the keys sit right of the plots, clear
# of the data and of the last panel's right-hand axis.
set multiplot layout 3,1 title "Learning curve  ".subtitle font "sans,12" \
    margins left, 0.72, 0.07, 0.925 spacing 0, 0.11
set key at screen 0.80, graph 1 left top Left reverse samplen 2
set grid lc rgb "#dddddd"
set xlabel "episode"

set title "(a) Return"
set ylabel "return (sum of step rewards)"
set yrange [return_lo_pad : return_hi_pad]
plot infile using 1:2 with linespoints lw 1 pt 7 ps point_size lc rgb "#9ecae1" title "return", \
     "" using 1:3 with lines lw 3 lc rgb "#08519c" title "average of last 10"

set title "(b) Success"
set ylabel "fraction solved"
set yrange [-0.05:1.05]
plot infile using 1:4 with impulses lw 2 lc rgb "#a1d99b" title "solved (1 = yes)", \
     "" using 1:5 with lines lw 3 lc rgb "#006d2c" title "success rate (last 10)"

set title "(c) Training loss and exploration"
set style line 1 lw 2 pt 7 ps point_size lc rgb "#d94801"
set style line 2 lw 2 dt 2 lc rgb "#6a51a3"
if (loss_count > 0) {
    if (loss_log) { set logscale y }
    set yrange [loss_lo_pad : loss_hi_pad]
    set ylabel "mean training loss"
    if (epsilon_count > 0) {
        set ytics nomirror
        set y2tics
        set y2range [0:1.05]
        set y2label "epsilon (exploration)"
        plot infile using 1:6 with linespoints ls 1 title "loss", \
             "" using 1:7 axes x1y2 with lines ls 2 title "epsilon (right axis)"
    } else {
        plot infile using 1:6 with linespoints ls 1 title "loss"
    }
} else {
    set yrange [0:1.05]
    if (epsilon_count > 0) {
        set ylabel "epsilon (exploration)"
        plot infile using 1:7 with lines ls 2 title "epsilon", keyentry title "(no loss recorded)"
    } else {
        set label 1 "no loss or epsilon (policy)" at graph 0.5, 0.5 center font "sans,12" \
            tc rgb "#777777"
        set ylabel "loss"
        unset key
        plot NaN notitle
    }
}
unset multiplot
