# What a learning agent has learned (docs/plots.md): its Q values per state row and action, and,
# when a grid file is given, its greedy action over a two-feature grid with max Q as contours.
# Usage: gnuplot -c agent_visualization.gp AGENT_QVALUES_TSV OUT_PNG [SUBTITLE
#          [AGENT_GRID_TSV X_FEATURE Y_FEATURE FIXED_TEXT]]
qfile = ARG1
outfile = ARG2
subtitle = ARG3
gridfile = ARG4
xfeature = ARG5
yfeature = ARG6
fixed = ARG7
with_grid = strlen(gridfile) > 0

set terminal pngcairo size 1000,800 noenhanced font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "-"

# Rows and actions are numbered from 0; their names are read into arrays (stats evaluates the
# assignments once per line) to label the axes and the key.
stats qfile using 1 nooutput
rows = int(STATS_max) + 1
stats qfile using 3 nooutput
actions = int(STATS_max) + 1
stats qfile using 5 nooutput
q_lo = STATS_min
q_hi = STATS_max
if (q_hi <= q_lo) { q_lo = q_lo - 1; q_hi = q_hi + 1 }
array row_label[rows]
array action_name[actions]
stats qfile using (row_label[int($1) + 1] = strcol(2), action_name[int($3) + 1] = strcol(4), 0) \
    nooutput

# Cells are written with their Q value when there is room for the digits.
label_cells = rows <= 30
value_format = with_grid ? "%.1f" : "%.2f"
label_font = rows <= 15 ? "sans,9" : "sans,7"
row_font = rows <= 30 ? "sans,9" : "sans,7"
greedy_lw = rows <= 30 ? 3 : 2
# Dark text on the light end of the palette, white on the dark end.
text_rgb(q) = (q - q_lo) / (q_hi - q_lo) > 0.6 ? 0x000000 : 0xffffff

set multiplot title "Agent visualization  ".subtitle font "sans,12"

# (a) Q heatmap: one cell per (row, action); row 0 at the top.
if (with_grid) {
    set lmargin at screen 0.21
    set rmargin at screen 0.48
} else {
    set lmargin at screen 0.25
    set rmargin at screen 0.80
}
set tmargin at screen 0.90
set bmargin at screen 0.16
set title (with_grid ? "(a) " : "")."Q value per state and action"
set xlabel "action"
# The state axis label sits at the image's edge: a ylabel would go left of the longest row label.
set label 1 "state" at screen 0.015, graph 0.5 center rotate by 90
set xrange [-0.5 : actions - 0.5]
set yrange [rows - 0.5 : -0.5]
set xtics () rotate by 35 right nomirror
do for [a = 1:actions] { set xtics add (action_name[a] a - 1) }
set ytics () nomirror font row_font
do for [r = 1:rows] { set ytics add (row_label[r] r - 1) }
set cbrange [q_lo : q_hi]
set cblabel "Q" offset 1.5, 0
set colorbox vertical user origin graph 1.03, graph 0 size graph 0.04, graph 1
# viridis, anchored at five points
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21918c", 0.75 "#5ec962", 1 "#fde725")
set key at graph 0.5, screen 0.02 center bottom Left reverse samplen 1
plot qfile using 3:1:(0.5):(0.5):5 with boxxyerror fill solid 1.0 noborder fc palette notitle, \
     "" using ($6 == 1 ? $3 : NaN):1:(0.46):(0.42) with boxxyerror fill empty \
        lw greedy_lw lc rgb "#e31a1c" title "greedy action", \
     "" using 3:1:(label_cells ? sprintf(value_format, $5) : ""):(text_rgb($5)) with labels \
        font label_font tc rgb variable notitle

if (with_grid) {
    # (b) Greedy action over the grid: one colour per action index (up to 10), max Q as contours.
    array action_rgb[10] = [0xbab0ac, 0xf28e2b, 0x4e79a7, 0x59a14f, 0xffbe7d, 0xa0cbe8, 0x8cd17d, \
                            0xb07aa1, 0x9c755f, 0xff9da7]
    colour(a) = action_rgb[int(a) % 10 + 1]
    set table $contours
    set contour base
    unset surface
    set cntrparam levels auto 6
    splot gridfile using 1:2:4 with lines
    unset table
    unset contour
    # The contour table is space-separated; the grid's fields hold no spaces.
    set datafile separator whitespace

    set lmargin at screen 0.67
    set rmargin at screen 0.97
    set tmargin at screen 0.90
    set bmargin at screen 0.30
    set title "(b) Greedy action and max Q\nother features: ".fixed
    unset label 1
    set xlabel xfeature
    set ylabel yfeature
    set xrange [*:*] noreverse
    set yrange [*:*] noreverse
    set autoscale xfix
    set autoscale yfix
    set xtics autofreq norotate mirror
    set ytics autofreq mirror font "sans,10"
    set size ratio -1
    set style textbox opaque noborder margins 1, 1
    set key at graph 0.5, graph -0.2 center top horizontal Left reverse maxcols 4 samplen 2
    red(a) = (colour(a) >> 16) & 255
    green(a) = (colour(a) >> 8) & 255
    blue(a) = colour(a) & 255
    plot gridfile using 1:2:(red($3)):(green($3)):(blue($3)) with rgbimage notitle, \
         for [a = 1:actions] keyentry with boxes fill solid 1.0 noborder lc rgb colour(a - 1) \
            title action_name[a], \
         $contours using 1:2 with lines lw 1 lc rgb "#222222" title "max Q contour", \
         $contours every ::5::5 using 1:2:(sprintf("%.3g", $3)) with labels font "sans,8" \
            boxed notitle
}
unset multiplot
