import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// Measures the embedded simulator on a synthetic trace (``SyntheticTrace``): wall time of
/// `run()` and of encoding its result to MessagePack (medians), and the process's peak memory.
/// Run one case per process (as `bin/bench.sh` does) for a peak that is that case's alone.
public struct SimulationBenchmark: Sendable {
    public var pods: Int
    public var nodes: Int
    public var repetitions: Int
    /// Simulated milliseconds per run.
    public var duration: Int64
    /// Seconds to build the trace document and check it (`Trace(document:)`), once.
    public var traceSeconds: Double
    /// Median seconds of `ClusterSimulator.init` and of `run()`, and every `run()` sample.
    public var initSeconds: Double
    public var runSeconds: Double
    public var runSamples: [Double]
    /// Median seconds to write the result as MessagePack bytes, streamed as `sa-simulate` writes
    /// a `.msgpack` file (``SimulationResult/messagePack``: each pod packed as it is built, no
    /// whole document).
    public var encodeSeconds: Double
    public var encodedBytes: Int
    /// What the (last) run ended with.
    public var resultPods: Int
    public var scheduledPods: Int
    public var readyPods: Int
    public var events: Int
    /// Resident memory before the first run, the process's peak after the first `run()` (the
    /// simulator and its result), and the peak at the end (with the result's encoding).
    public var residentBefore: Int
    public var runPeakResident: Int
    public var peakResident: Int

    public init(pods: Int, nodes: Int, repetitions: Int, duration: Int64 = 90_000, seed: UInt64 = 0) throws {
        self.pods = pods
        self.nodes = nodes
        self.repetitions = max(1, repetitions)
        self.duration = duration
        var trace: Trace?
        traceSeconds = try Stopwatch.measure { trace = try Trace(document: SyntheticTrace.document(pods: pods)) }
        let cluster = SyntheticTrace.cluster(nodes: nodes)
        let options = SimulationOptions(duration: duration, seed: seed)
        residentBefore = Stopwatch.residentBytes()
        var inits: [Double] = []
        var runs: [Double] = []
        var encodes: [Double] = []
        var last: (pods: Int, scheduled: Int, ready: Int, events: Int, bytes: Int) = (0, 0, 0, 0, 0)
        var runPeak = 0
        for repetition in 0..<self.repetitions {
            var simulator: ClusterSimulator?
            inits.append(try Stopwatch.measure { simulator = try ClusterSimulator(trace: trace!, cluster: cluster, options: options) })
            var result: SimulationResult?
            runs.append(try Stopwatch.measure { result = try simulator!.run() })
            simulator = nil
            if repetition == 0 { runPeak = Stopwatch.peakResidentBytes() }
            var bytes: [UInt8] = []
            encodes.append(Stopwatch.measure { bytes = result!.messagePack })
            let final = result!
            last = (final.pods.count, final.pods.filter { $0.node != nil }.count, final.pods.filter(\.ready).count,
                    final.events.count, bytes.count)
        }
        initSeconds = Stopwatch.median(inits)
        runSeconds = Stopwatch.median(runs)
        runSamples = runs
        encodeSeconds = Stopwatch.median(encodes)
        (resultPods, scheduledPods, readyPods, events, encodedBytes) = last
        runPeakResident = runPeak
        peakResident = Stopwatch.peakResidentBytes()
    }

    /// One line for people.
    public var report: String {
        "\(pods) pods on \(nodes) nodes, \(duration / 1000) s simulated, \(repetitions) runs: "
            + "run() \(Self.milliseconds(runSeconds)) ms (median; min \(Self.milliseconds(runSamples.min() ?? 0)), "
            + "max \(Self.milliseconds(runSamples.max() ?? 0))), init \(Self.milliseconds(initSeconds)) ms; "
            + "result to MessagePack \(Self.milliseconds(encodeSeconds)) ms (streamed, as sa-simulate writes it; "
            + "\(Self.fixed(Double(encodedBytes) / 1e6)) MB); "
            + "peak RSS \(Self.fixed(Double(peakResident) / 1_048_576)) MiB "
            + "(\(Self.fixed(Double(runPeakResident) / 1_048_576)) MiB after run(), "
            + "\(Self.fixed(Double(residentBefore) / 1_048_576)) MiB before); "
            + "\(scheduledPods)/\(resultPods) pods scheduled, \(readyPods) ready, \(events) events; "
            + "trace built in \(Self.milliseconds(traceSeconds)) ms"
    }

    /// One tab-separated line for ``Summary``: `case pods nodes runSeconds encodeSeconds peakBytes
    /// scheduled ready`.
    public var record: String {
        ["case", String(pods), String(nodes), String(runSeconds), String(encodeSeconds),
         String(peakResident), String(scheduledPods), String(readyPods)].joined(separator: "\t")
    }

    /// The cases and the demo timings that `bin/bench.sh` collected, compared with the goals.
    public struct Summary: Sendable {
        public struct Case: Sendable {
            public var pods: Int
            public var nodes: Int
            public var runSeconds: Double
            public var encodeSeconds: Double
            public var peakResident: Int
            public var scheduled: Int
            public var ready: Int
        }

        public var cases: [Case]
        /// Wall seconds of each `sa-simulate` process on the demo trace.
        public var demoSamples: [Double]

        /// The goals.
        public static let bigCasePods = 100_000
        /// Seconds for run() and the MessagePack result together, and the process's peak resident
        /// bytes.
        public static let bigCaseSeconds = 1.0
        public static let bigCasePeak = 512 << 20
        static let bigCaseGoal = "100k pods on 1,000 nodes in ≤ 1 s wall with the MessagePack result and ≤ 512 MiB peak"
        public static let demoSeconds = 0.005
        /// A growth ratio counts as no worse than n·log n up to this factor (timing noise).
        public static let growthTolerance = 1.1

        /// Reads the lines written by ``SimulationBenchmark/record`` (`case …`) and demo timings
        /// (`demo <microseconds>`); other lines are ignored.
        public init(recordFile path: String) throws {
            let text = String(decoding: try FileIO.read(path), as: UTF8.self)
            cases = []
            demoSamples = []
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: "\t").map(String.init)
                if fields.first == "case", fields.count >= 8,
                   let pods = Int(fields[1]), let nodes = Int(fields[2]), let run = Double(fields[3]),
                   let encode = Double(fields[4]), let peak = Int(fields[5]), let scheduled = Int(fields[6]),
                   let ready = Int(fields[7]) {
                    cases.append(Case(pods: pods, nodes: nodes, runSeconds: run, encodeSeconds: encode,
                                      peakResident: peak, scheduled: scheduled, ready: ready))
                } else if fields.first == "demo", fields.count >= 2, let microseconds = Double(fields[1]) {
                    demoSamples.append(microseconds / 1e6)
                }
            }
            cases.sort { $0.pods < $1.pods }
        }

        /// `(n₂ log n₂) / (n₁ log n₁)`.
        public static func nLogNRatio(_ small: Int, _ large: Int) -> Double {
            let (a, b) = (Double(max(small, 2)), Double(max(large, 2)))
            return (b * log(b)) / (a * log(a))
        }

        /// Growth lines and the goals, each met or missed.
        public var report: [String] {
            var lines: [String] = []
            var growthMet: Bool?
            for (small, large) in zip(cases, cases.dropFirst()) {
                let ratio = large.runSeconds / max(small.runSeconds, 1e-9)
                let bound = Self.nLogNRatio(small.pods, large.pods)
                let met = ratio <= bound * Self.growthTolerance
                growthMet = (growthMet ?? true) && met
                lines.append("growth \(small.pods) -> \(large.pods) pods: time x\(SimulationBenchmark.fixed(ratio)), "
                    + "n·log n x\(SimulationBenchmark.fixed(bound)), n² x\(SimulationBenchmark.fixed(Double(large.pods * large.pods) / Double(max(1, small.pods * small.pods))))"
                    + (met ? "" : " (worse than n·log n)"))
            }
            if let big = cases.first(where: { $0.pods == Self.bigCasePods }) {
                let met = big.runSeconds + big.encodeSeconds <= Self.bigCaseSeconds && big.peakResident <= Self.bigCasePeak
                    && big.scheduled == big.pods
                lines.append(Self.verdict(met, Self.bigCaseGoal,
                    "run() \(SimulationBenchmark.fixed(big.runSeconds)) s (+ \(SimulationBenchmark.fixed(big.encodeSeconds)) s to MessagePack), "
                    + "peak \(SimulationBenchmark.fixed(Double(big.peakResident) / 1_048_576)) MiB, \(big.scheduled)/\(big.pods) scheduled"))
            } else {
                lines.append("goal: \(Self.bigCaseGoal) — not measured")
            }
            if let growthMet {
                lines.append(Self.verdict(growthMet, "cost no worse than n·log n",
                    "tolerance x\(SimulationBenchmark.fixed(Self.growthTolerance)) on each ratio"))
            } else {
                lines.append("goal: cost no worse than n·log n — needs two cases or more")
            }
            if demoSamples.isEmpty {
                lines.append("goal: 3-pod demo ≤ 5 ms process wall time — not measured")
            } else {
                let median = Stopwatch.median(demoSamples)
                lines.append(Self.verdict(median <= Self.demoSeconds, "3-pod demo ≤ 5 ms process wall time",
                    "sa-simulate median \(SimulationBenchmark.milliseconds(median)) ms over \(demoSamples.count) runs "
                    + "(min \(SimulationBenchmark.milliseconds(demoSamples.min() ?? 0)), max \(SimulationBenchmark.milliseconds(demoSamples.max() ?? 0)))"))
            }
            return lines
        }

        static func verdict(_ met: Bool, _ goal: String, _ detail: String) -> String {
            "goal \(met ? "MET" : "MISSED"): \(goal) — \(detail)"
        }
    }

    static func milliseconds(_ seconds: Double) -> String {
        fixed(seconds * 1000, digits: seconds < 0.01 ? 3 : 1)
    }

    static func fixed(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return String((value * scale).rounded() / scale)
    }
}
