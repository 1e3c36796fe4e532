#!/usr/bin/env bash
# jobs/plot.sh on sample runs: the PNGs decode with the documented sizes and are not blank,
# --copy-as, a policy's run (no Q values), and bad input. Needs gnuplot, not the Swift build.
# shellcheck source=Tests/shell/lib.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "$0")/lib.sh"
plot="$ROOT/jobs/plot.sh"

# sample_run DIR KIND: the TSVs of a 30-episode run in DIR. KIND dqn: with loss and epsilon, Q
# values of 7 actions in 12 states and a 20x20 grid; KIND policy: only the learning curve.
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
        if kind == "dqn":
            loss = f"{2.5 * math.exp(-episode / 8) + rng.uniform(0.01, 0.1):.4f}"
            epsilon = f"{max(0.05, 0.95 ** episode):.4f}"
        steps = rng.randint(3, 8) if solved[-1] else 20
        f.write(f"{episode}\t{returns[-1]:.3f}\t{average:.3f}\t{solved[-1]}\t{rate:.2f}\t"
                f"{loss}\t{epsilon}\t{steps}\n")
if kind != "dqn":
    sys.exit()

actions = ["noop", "cpu_up", "mem_up", "replicas_up", "cpu_down", "mem_down", "replicas_down"]
states = ["cpu-starved (1 pod)", "cpu-starved (3 pods)", "mem-starved (1 pod)",
          "mem-starved (3 pods)", "pending (no capacity)", "over-requested cpu",
          "over-requested mem", "too few replicas", "too many replicas", "crash loop (OOM)",
          "at goal", "cpu and mem starved"]
with open(f"{folder}/agent_qvalues.tsv", "w") as f:
    f.write(f"# simarena.plots/v1 agent_qvalues agent={kind} run={run} episode=30\n")
    f.write("# row\tlabel\taction\taction_name\tq\tgreedy\n")
    for row, label in enumerate(states):
        q = [rng.uniform(-12, 4) for _ in actions]
        for action, name in enumerate(actions):
            greedy = int(q[action] == max(q))
            f.write(f"{row}\t{label}\t{action}\t{name}\t{q[action]:.3f}\t{greedy}\n")

# cpu_up left, cpu_down right; between them mem_up, noop, mem_down from bottom to top.
def greedy_action(x, y):
    if x < 0.7 or x > 1.4:
        return 1 if x < 0.7 else 4
    return 2 if y < 0.7 else 5 if y > 1.4 else 0

with open(f"{folder}/agent_grid.tsv", "w") as f:
    f.write("# simarena.plots/v1 agent_grid x=cpu usage/request y=mem usage/request "
            "fixed=replicas 3/3 ready, nothing pending\n")
    f.write("# x\ty\tgreedy_action\tmax_q\n")
    for j in range(20):
        for i in range(20):
            x, y = 0.1 * i, 0.1 * j
            max_q = 5 - 3 * ((x - 1) ** 2 + (y - 1) ** 2)
            f.write(f"{x:.2f}\t{y:.2f}\t{greedy_action(x, y)}\t{max_q:.3f}\n")
        f.write("\n")
PY
}

# check_pngs WIDTHxHEIGHT FILE...: each FILE is a PNG of that size, decodes (chunk CRCs, IDAT,
# scanline filters), and is not blank: more than 3% of it is not background, and more than 0.5%
# is in colour (axes and text alone are grey; the data are drawn in colour).
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

size, paths = sys.argv[1], sys.argv[2:]
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
PY
  ) || fail "$why"
}

dqn="$SCRATCH/checkpoints/dqn_20261125_101500"
sample_run "$dqn" dqn
expect_status 0 "$plot" "$dqn" --copy-as ep30
[ -s "$SCRATCH/err" ] && fail "plot.sh wrote to stderr: $(head -c 300 "$SCRATCH/err")"
check_pngs 1000x900 "$dqn/learning_curve_latest.png"
check_pngs 1000x800 "$dqn/agent_visualization_latest.png"
for name in learning_curve agent_visualization; do
  cmp -s "$dqn/${name}_latest.png" "$dqn/${name}_ep30.png" || fail "--copy-as ep30: no copy of ${name}_latest.png"
done
leftovers=$(find "$dqn" -name '*.tmp.*')
[ -z "$leftovers" ] || fail "temporary files left behind: $leftovers"

# Without the grid, the Q heatmap alone.
rm "$dqn/agent_grid.tsv"
expect_status 0 "$plot" "$dqn"
check_pngs 1000x800 "$dqn/agent_visualization_latest.png"

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
check_pngs 1000x800 "$real/agent_visualization_latest.png" "$real/agent_visualization_ep10.png"
[ "$(awk -F'\t' '!/^#/ && $6 == 1' "$real/agent_qvalues.tsv" | wc -l)" = 3 ] || fail "agent_qvalues.tsv: not one greedy action for each of the 3 traces"
[ "$(awk -F'\t' '!/^#/ && NF {print $1}' "$real/learning_curve.tsv" | wc -l)" = 10 ] || fail "learning_curve.tsv has not 10 episodes"

finish
