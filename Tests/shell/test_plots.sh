#!/usr/bin/env bash
# jobs/plot.sh on sample runs: the PNGs decode with the documented sizes, are not blank and keep
# their text inside the image and apart, the grid's action colours are distinct, --copy-as, a
# policy's run (no Q values), and bad input. Needs gnuplot, not the Swift build.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
plot="$ROOT/jobs/plot.sh"

# sample_run DIR KIND: the TSVs of a 30-episode run in DIR. KIND dqn: with loss and epsilon, Q
# values of the 7 actions in 12 states and a 20x20 grid; KIND greedy: the same in 40 states and no
# grid; KIND policy: only the learning curve. The state labels include the longest ones the agents
# write for the demo traces (a DQN row, a tabular state key).
sample_run() {
  mkdir -p "$1"
  python3 - "$1" "$2" <<'PY'
import math, random, sys

folder, kind = sys.argv[1], sys.argv[2]
rng = random.Random(5)
run = f"{kind}_20261125_101500"

with open(f"{folder}/learning_curve.tsv", "w") as f:
    f.write(f"# simarena.plots/v1 learning_curve agent={kind} run={run}\n")
    f.write("# episode\treturn\treturn_avg10\tsolved\tsuccess_rate10\tloss\tepsilon\tsteps\n")
    returns, solved = [], []
    for episode in range(1, 31):
        skill = episode / 30
        solved.append(int(rng.random() < 0.15 + 0.75 * skill))
        returns.append(-30 + 25 * skill + rng.gauss(0, 4) + 8 * solved[-1])
        average = sum(returns[-10:]) / len(returns[-10:])
        rate = sum(solved[-10:]) / len(solved[-10:])
        loss, epsilon = "-", "-"
        if kind != "policy":
            loss = f"{2.5 * math.exp(-episode / 8) + rng.uniform(0.01, 0.1):.4f}"
            epsilon = f"{max(0.05, 0.95 ** episode):.4f}"
        steps = rng.randint(3, 8) if solved[-1] else 20
        f.write(f"{episode}\t{returns[-1]:.3f}\t{average:.3f}\t{solved[-1]}\t{rate:.2f}\t"
                f"{loss}\t{epsilon}\t{steps}\n")
if kind == "policy":
    sys.exit()

actions = ["noop", "bump_cpu_small", "bump_mem_small", "scale_up_replicas", "reduce_cpu_small",
           "reduce_mem_small", "scale_down_replicas"]
longest_dqn = "gen-0041 (memory_limit_too_low_and_too_few_replicas)"
states = ["cpu-starved (1 pod)", longest_dqn, "mem-starved (1 pod)",
          "mem-starved (3 pods)", "pending (no capacity)", "over-requested cpu",
          "over-requested mem", "too few replicas", "too many replicas", "crash loop (OOM)",
          "at goal", "ready<,total>,pcpu,pmem,oom,thr,scpu,smem"]
if kind == "greedy":
    parts = ["pcpu", "pmem", "oom", "thr", "scpu", "smem"]
    states = [f"ready{'<=>'[n % 3]},total{'<=>'[n // 3 % 3]}," + ",".join(parts[n % 4:])
              for n in range(40)]
with open(f"{folder}/agent_qvalues.tsv", "w") as f:
    f.write(f"# simarena.plots/v1 agent_qvalues agent={kind} run={run} episode=30\n")
    f.write("# row\tlabel\taction\taction_name\tq\tgreedy\n")
    for row, label in enumerate(states):
        q = [rng.uniform(-12, 4) for _ in actions]
        for action, name in enumerate(actions):
            greedy = int(q[action] == max(q))
            f.write(f"{row}\t{label}\t{action}\t{name}\t{q[action]:.3f}\t{greedy}\n")
if kind != "dqn":
    sys.exit()

# bump_cpu_small left, reduce_cpu_small right; between them bump_mem_small, noop, reduce_mem_small
# from bottom to top.
def greedy_action(x, y):
    if x < 0.7 or x > 1.4:
        return 1 if x < 0.7 else 4
    return 2 if y < 0.7 else 5 if y > 1.4 else 0

with open(f"{folder}/agent_grid.tsv", "w") as f:
    f.write("# simarena.plots/v1 agent_grid x=cpu usage/request y=mem usage/request "
            f"fixed=as in {longest_dqn}\n")
    f.write("# x\ty\tgreedy_action\tmax_q\n")
    for j in range(20):
        for i in range(20):
            x, y = 0.1 * i, 0.1 * j
            max_q = 5 - 3 * ((x - 1) ** 2 + (y - 1) ** 2)
            f.write(f"{x:.2f}\t{y:.2f}\t{greedy_action(x, y)}\t{max_q:.3f}\n")
        f.write("\n")
PY
}

# check_pngs WIDTHxHEIGHT [--agent] FILE...: each FILE is a PNG of that size, decodes (chunk CRCs,
# IDAT, scanline filters), and is not blank: more than 3% of it is not background, and more than
# 0.5% is in colour (axes and text alone are grey; the data are drawn in colour). Nothing is drawn
# within 4 pixels of its edges (a label cut off by the edge would be). With --agent, the files are
# agent visualizations: the key with the red "greedy action" sample is a line of its own at the
# bottom, and just above it, apart from the action names above, the line of the "action" label.
check_pngs() {
  local why
  why=$(python3 - "$@" <<'PY' 2>&1
import collections, struct, sys, zlib

def decode(path):
    """Returns (width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND", "IHDR or IEND missing"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and colour in (2, 6) and interlace == 0, \
        f"unexpected depth {depth}, colour type {colour}, interlace {interlace}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * bpp
    assert len(raw) == height * (stride + 1), "IDAT holds the wrong number of bytes"
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        # Filters 1 Sub, 2 Up, 3 Average, 4 Paeth; the first pixel has no left neighbour.
        assert kind <= 4, f"row {y}: unknown filter {kind}"
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(bpp):
                line[i] = (line[i] + (prev[i] >> 1)) & 255
            for i in range(bpp, stride):
                line[i] = (line[i] + ((line[i - bpp] + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(bpp):
                line[i] = (line[i] + prev[i]) & 255
            for i in range(bpp, stride):
                a, b, c = line[i - bpp], prev[i], prev[i - bpp]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows

# ink_runs(rows, bpp, background, x0, x1): the runs of consecutive rows (first, last) that have
# something other than background between columns x0 and x1.
def ink_runs(rows, bpp, background, x0, x1):
    runs = []
    for y, line in enumerate(rows):
        if any(tuple(line[x * bpp:x * bpp + 3]) != background for x in range(x0, x1)):
            if runs and runs[-1][1] == y - 1:
                runs[-1][1] = y
            else:
                runs.append([y, y])
    return runs

def check_agent_key(name, width, height, bpp, rows, background):
    # The key's red sample, in the bottom 8% of the image.
    red = [(x, y) for y in range(height * 92 // 100, height) for x in range(width)
           if rows[y][x * bpp] > 180 and rows[y][x * bpp + 1] < 80 and rows[y][x * bpp + 2] < 80]
    assert red, f"{name}: no red key sample near the bottom"
    xs = [x for x, _ in red]
    runs = ink_runs(rows, bpp, background, max(0, min(xs) - 150), min(width, max(xs) + 250))
    key = next(i for i, run in enumerate(runs) if run[0] <= red[0][1] <= run[1])
    assert key == len(runs) - 1, f"{name}: something is drawn under the key"
    assert key >= 2, f"{name}: the key's line runs into the lines above it"
    label, above = runs[key - 1], runs[key - 2]
    assert label[1] - label[0] < 16, \
        f"{name}: the line above the key is {label[1] - label[0] + 1} px high, not one line of text"
    assert runs[key][0] - label[1] > 3 and label[0] - above[1] > 3, \
        f"{name}: the action label is not apart from the key and the action names"

size, paths = sys.argv[1], sys.argv[2:]
agent = paths[:1] == ["--agent"]
paths = paths[1:] if agent else paths
want = tuple(int(n) for n in size.split("x"))
for path in paths:
    name = path.rsplit("/", 1)[-1]
    width, height, bpp, rows = decode(path)
    assert (width, height) == want, f"{name} is {width}x{height}, expected {size}"
    colours = collections.Counter()
    for line in rows:
        colours.update(zip(*(line[c::bpp] for c in range(3))))
    pixels = width * height
    drawn = 1 - colours.most_common(1)[0][1] / pixels
    coloured = sum(n for rgb, n in colours.items() if max(rgb) - min(rgb) > 40) / pixels
    assert drawn > 0.03, f"{name} is blank: {drawn:.1%} of it is not background"
    assert coloured > 0.005, f"{name} has no data drawn: {coloured:.1%} of it is in colour"
    background = tuple(rows[0][:3])
    border = [(x, y) for y in (0, 1, 2, 3, height - 4, height - 3, height - 2, height - 1)
              for x in range(width)]
    border += [(x, y) for y in range(4, height - 4) for x in (0, 1, 2, 3, width - 4, width - 3,
                                                              width - 2, width - 1)]
    edges = [(x, y) for x, y in border if tuple(rows[y][x * bpp:x * bpp + 3]) != background]
    assert not edges, f"{name}: {len(edges)} pixels drawn within 4 px of the edge, e.g. {edges[0]}"
    if agent:
        check_agent_key(name, width, height, bpp, rows, background)
PY
  ) || fail "$why"
}

dqn="$SCRATCH/checkpoints/dqn_20261125_101500"
sample_run "$dqn" dqn
expect_status 0 "$plot" "$dqn" --copy-as ep30
[ -s "$SCRATCH/err" ] && fail "plot.sh wrote to stderr: $(head -c 300 "$SCRATCH/err")"
check_pngs 1000x900 "$dqn/learning_curve_latest.png"
check_pngs 1000x800 --agent "$dqn/agent_visualization_latest.png"
for name in learning_curve agent_visualization; do
  cmp -s "$dqn/${name}_latest.png" "$dqn/${name}_ep30.png" || fail "--copy-as ep30: no copy of ${name}_latest.png"
done
leftovers=$(find "$dqn" -name '*.tmp.*')
[ -z "$leftovers" ] || fail "temporary files left behind: $leftovers"

# Without the grid, the Q heatmap alone; and with 40 states, as many as the core writes.
rm "$dqn/agent_grid.tsv"
expect_status 0 "$plot" "$dqn"
check_pngs 1000x800 --agent "$dqn/agent_visualization_latest.png"
greedy="$SCRATCH/checkpoints/greedy_20261125_101500"
sample_run "$greedy" greedy
expect_status 0 "$plot" "$greedy"
check_pngs 1000x800 --agent "$greedy/agent_visualization_latest.png"

# The grid's colours for the 7 actions are far apart: a CIE76 colour difference of at least 25
# between any two (the two greens scale_up_replicas and scale_down_replicas once had were 18 apart).
why=$(python3 - "$ROOT/jobs/agent_visualization.gp" <<'PY' 2>&1
import itertools, re, sys

text = open(sys.argv[1]).read()
found = re.search(r"array action_rgb\[\d+\] = \[([^]]*)\]", text)
assert found, "no 'array action_rgb[N] = [...]' in agent_visualization.gp"
colours = re.findall(r"0x([0-9a-fA-F]{6})", found.group(1))
assert len(colours) >= 7, f"{len(colours)} action colours, fewer than 7"

def lab(hex_rgb):
    """CIELAB (D65 white) of an sRGB colour."""
    encoded = [int(hex_rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in encoded)
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)

for first, second in itertools.combinations(range(7), 2):
    difference = sum((p - q) ** 2 for p, q in zip(lab(colours[first]), lab(colours[second]))) ** 0.5
    assert difference >= 25, (f"actions {first} and {second} have colours {colours[first]} and "
                              f"{colours[second]}, only {difference:.1f} apart")
PY
) || fail "$why"

# A policy: no loss, no epsilon, no Q values, so only the learning curve.
policy="$SCRATCH/checkpoints/heuristic_20261125_101500"
sample_run "$policy" policy
expect_status 0 "$plot" "$policy"
[ -s "$SCRATCH/err" ] && fail "plot.sh on a policy's run wrote to stderr: $(head -c 300 "$SCRATCH/err")"
check_pngs 1000x900 "$policy/learning_curve_latest.png"
[ -e "$policy/agent_visualization_latest.png" ] && fail "agent_visualization_latest.png written without agent_qvalues.tsv"

# Bad input and usage: one line of stderr naming the file or flag.
mkdir "$SCRATCH/empty"
expect_status 66 "$plot" "$SCRATCH/empty" && expect_one_line_error "learning_curve.tsv: no such file"
expect_status 66 "$plot" "$SCRATCH/absent" && expect_one_line_error "absent: no such directory"
printf 'episode\treturn\n1\t2\n' >"$SCRATCH/empty/learning_curve.tsv"
expect_status 65 "$plot" "$SCRATCH/empty" && expect_one_line_error "learning_curve.tsv: the first line"
head -n 2 "$policy/learning_curve.tsv" >"$SCRATCH/empty/learning_curve.tsv"
expect_status 65 "$plot" "$SCRATCH/empty" && expect_one_line_error "learning_curve.tsv: no data lines"
expect_status 64 "$plot" "$policy" --bogus && expect_one_line_error "'--bogus'"
expect_status 64 "$plot" "$policy" --copy-as && expect_one_line_error "--copy-as needs a SUFFIX"
expect_status 64 "$plot" "$policy" --copy-as ../x && expect_one_line_error "'../x'"
expect_status 64 "$plot" && expect_one_line_error "CHECKPOINT_DIR"
expect_status 0 "$plot" --help
grep -q -- "--copy-as SUFFIX" "$SCRATCH/out" || fail "--help does not describe --copy-as"

# Without gnuplot on PATH: exit 69, saying how to install it.
mkdir "$SCRATCH/path"
ln -s "$(command -v dirname)" "$SCRATCH/path/dirname"
expect_status 69 env PATH="$SCRATCH/path" "$BASH" "$plot" "$policy" && expect_one_line_error "gnuplot-nox"
# A real training run renders them after its episodes: the DQN agent over three demo traces,
# with copies every 5 episodes.
expect_status 0 "$ROOT/bin/train.sh" --traces "$ROOT/demo/traces/c*.msgpack" --agent dqn --Naction 7 --episodes 10 \
  --steps 10 --eps-decay 40 --checkpoint-interval 5 --fast --runs-dir "$SCRATCH/real-runs" \
  --checkpoints-dir "$SCRATCH/real-ck" --log-to-terminal
real=$(find "$SCRATCH/real-ck" -mindepth 1 -maxdepth 1 -type d -name 'dqn_*')
check_pngs 1000x900 "$real/learning_curve_latest.png" "$real/learning_curve_ep5.png" "$real/learning_curve_ep10.png"
check_pngs 1000x800 --agent "$real/agent_visualization_latest.png" "$real/agent_visualization_ep10.png"
[ "$(awk -F'\t' '!/^#/ && $6 == 1' "$real/agent_qvalues.tsv" | wc -l)" = 3 ] || fail "agent_qvalues.tsv: not one greedy action for each of the 3 traces"
[ "$(awk -F'\t' '!/^#/ && NF {print $1}' "$real/learning_curve.tsv" | wc -l)" = 10 ] || fail "learning_curve.tsv has not 10 episodes"

finish
