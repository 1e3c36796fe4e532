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
set encoding utf8
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

# The layout is worked out from the lengths of the labels, so that no text leaves the image or
# runs into other text. Sizes are in pixels of the 1000x800 image; x(px) and y(px) convert them
# to screen coordinates. A character of the sans font at size s is at most 0.8 s pixels wide
# (DejaVu Sans, measured on these labels); 0.85 s leaves a little room.
x(px) = px / 1000.0
y(px) = px / 800.0
char_px(size) = 0.85 * size
max(a, b) = a > b ? a : b
min(a, b) = a < b ? a : b
# shorten(s, n): s, or when longer than n characters, its first (n - 1) / 2 and its last
# n - 1 - (n - 1) / 2 characters around an ellipsis.
shorten(s, n) = strlen(s) <= n ? s : \
    s[1 : (n - 1) / 2].'…'.s[strlen(s) - (n - 1 - (n - 1) / 2) + 1 : strlen(s)]

# Row labels: up to 30 rows at size 9, more at size 7; smaller when they are long, and cut in the
# middle when even size 7 does not fit. With the grid panel they have less room.
label_room = with_grid ? 310 : 420
longest = 0
do for [r = 1:rows] { longest = max(longest, strlen(row_label[r])) }
row_size = rows <= 30 ? 9 : 7
while (row_size > 7 && longest * char_px(row_size) > label_room) { row_size = row_size - 1 }
fit = int(label_room / char_px(row_size))
if (longest > fit) {
    do for [r = 1:rows] { row_label[r] = shorten(row_label[r], fit) }
    longest = fit
}
label_px = longest * char_px(row_size)
# Left to right: 10 px, the "state" label (14 px), 10 px, the row labels, 10 px to the heatmap.
heat_left = x(max(80, 10 + 14 + 10 + label_px + 10))
state_x = heat_left - x(label_px + 10 + 10 + 7)
# With the grid panel, the heatmap takes 32 px per action but ends between 0.50 and 0.58 of the
# width; the colour box, its numbers and "Q" take the next 0.155 before panel (b).
heat_right = with_grid ? min(0.58, max(0.50, heat_left + x(32 * actions))) : 0.80
cell_px = (heat_right - heat_left) * 1000 / actions

# Below the heatmap, top to bottom: the action names, the "action" label, the key, and 10 px of
# border. The names are turned by at least 35 degrees, and more when the columns are narrow, so
# that neighbouring names stay 21 px apart (one and a half lines of size 10). Action names are
# lower-case words and underscores, at most 0.74 s pixels a character (0.78 s leaves room).
tics_angle = max(35, 180 / pi * asin(min(1, 21 / cell_px)))
longest_action = 0
do for [a = 1:actions] { longest_action = max(longest_action, strlen(action_name[a])) }
tics_px = 8 + longest_action * 0.78 * 10 * sin(tics_angle * pi / 180) \
    + 14 * cos(tics_angle * pi / 180)
heat_bottom_px = tics_px + 14 + 8 + 14 + 10 + 10
heat_bottom = y(heat_bottom_px)
action_y = y(heat_bottom_px - tics_px - 14)
key_y = y(10)

# Cells are written with their Q value, at most 30 rows, in a size that fits the cell (at least 6;
# digits and signs are narrower than letters, at most 0.7 s pixels, and 0.75 s leaves room).
value_format = with_grid ? "%.1f" : "%.2f"
value_chars = max(strlen(sprintf(value_format, q_lo)), strlen(sprintf(value_format, q_hi)))
row_px = (0.90 - heat_bottom) * 800 / rows
value_size = int(min(9, min((cell_px - 4) / (value_chars * 0.75), (row_px - 2) / 1.4)))
label_cells = rows <= 30 && value_size >= 6
label_font = "sans,".(value_size >= 6 ? value_size : 6)
row_font = "sans,".row_size
greedy_lw = rows <= 30 ? 3 : 2
# Dark text on the light end of the palette, white on the dark end.
text_rgb(q) = (q - q_lo) / (q_hi - q_lo) > 0.6 ? 0x000000 : 0xffffff

set multiplot title "Agent visualization  ".subtitle font "sans,12"

# (a) Q heatmap: one cell per (row, action); row 0 at the top.
set lmargin at screen heat_left
set rmargin at screen heat_right
set tmargin at screen 0.90
set bmargin at screen heat_bottom
set title (with_grid ? "(a) " : "")."Q value per state and action"
# The axis labels are placed by hand: next to the longest row label, and under the longest action
# name with the key below it.
set label 1 "state" at screen state_x, graph 0.5 center rotate by 90
set label 2 "action" at graph 0.5, screen action_y center
set xrange [-0.5 : actions - 0.5]
set yrange [rows - 0.5 : -0.5]
set xtics () rotate by tics_angle right nomirror
do for [a = 1:actions] { set xtics add (action_name[a] a - 1) }
set ytics () nomirror font row_font
do for [r = 1:rows] { set ytics add (row_label[r] r - 1) }
set cbrange [q_lo : q_hi]
set cblabel "Q" offset 1.5, 0
set colorbox vertical user origin screen heat_right + 0.012, screen heat_bottom \
    size screen 0.018, screen 0.90 - heat_bottom
# viridis, anchored at five points
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21918c", 0.75 "#5ec962", 1 "#fde725")
set key at graph 0.5, screen key_y center bottom Left reverse samplen 1
plot qfile using 3:1:(0.5):(0.5):5 with boxxyerror fill solid 1.0 noborder fc palette notitle, \
     "" using ($6 == 1 ? $3 : NaN):1:(0.46):(0.42) with boxxyerror fill empty \
        lw greedy_lw lc rgb "#e31a1c" title "greedy action", \
     "" using 3:1:(label_cells ? sprintf(value_format, $5) : ""):(text_rgb($5)) with labels \
        font label_font tc rgb variable notitle

if (with_grid) {
    # (b) Greedy action over the grid: one colour per action index (up to 10), max Q as contours.
    # Seven clearly different colours for the seven actions, light enough for the black contour
    # lines, and still apart for red-green colour-blind readers (Okabe and Ito's set, with a pale
    # grey for noop): noop, bump_cpu_small, bump_mem_small, scale_up_replicas, reduce_cpu_small,
    # reduce_mem_small, scale_down_replicas, then three spares.
    array action_rgb[10] = [0xdddddd, 0xd55e00, 0x0072b2, 0x009e73, 0xf0e442, 0x56b4e9, 0xcc79a7, \
                            0xe69f00, 0x999933, 0x882255]
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

    # Right of the colour box; the panel is square, as wide as the room left.
    set lmargin at screen heat_right + 0.155
    set rmargin at screen 0.97
    set tmargin at screen 0.90
    set bmargin at screen 0.30
    # The title says what the other features are fixed to, in lines of at most 38 characters
    # (about 290 px: the panel is centred at least 150 px from the right edge), broken at spaces,
    # and a longer word after its last '_' or '-' that fits.
    wrap_at = 38
    words_text = "other features: ".fixed
    title_text = "(b) Greedy action and max Q"
    line = ""
    do for [i = 1:words(words_text)] {
        w = word(words_text, i)
        if (strlen(line) > 0 && strlen(line) + 1 + strlen(w) > wrap_at) {
            title_text = title_text."\n".line
            line = ""
        }
        while (strlen(line) == 0 && strlen(w) > wrap_at) {
            cut = wrap_at
            do for [k = wrap_at - 1:2:-1] {
                if (cut == wrap_at && strstrt("_-", w[k:k]) > 0) { cut = k }
            }
            title_text = title_text."\n".w[1:cut]
            w = w[cut + 1:strlen(w)]
        }
        line = strlen(line) > 0 ? line." ".w : w
    }
    set title title_text."\n".line
    unset label 1
    unset label 2
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
    # The square panel sits on its bottom margin; the key goes under the feature's name.
    set key at graph 0.5, screen 0.30 - y(48) center top horizontal Left reverse maxcols 4 samplen 2
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
