import SimArenaModel

#if canImport(Glibc)
import Glibc
#endif

/// Measures decoding and encoding speed of one document file, and the memory it takes.
public struct CodecBenchmark: Sendable {
    public var path: String
    public var format: DataFormat
    public var size: Int
    /// Median seconds per decode and per encode.
    public var decodeSeconds: Double
    public var encodeSeconds: Double
    /// Median seconds to copy the file's bytes once (`memcpy`): the floor no decoder can beat.
    public var copySeconds: Double
    /// Resident memory when the file was read, and the peak after decoding and encoding it.
    public var residentBefore: Int
    public var peakResident: Int

    /// Decodes and re-encodes the file `repetitions` times; the first decode also measures memory,
    /// so call this once per process for a meaningful peak.
    public init(path: String, repetitions: Int) throws {
        let bytes = try FileIO.read(path)
        self.path = path
        format = DataFormat(path: path) ?? DataFormat.sniff(bytes)
        size = bytes.count
        residentBefore = Stopwatch.residentBytes()
        var value = try format.decode(bytes)
        _ = try format.encode(value)
        peakResident = Stopwatch.peakResidentBytes()
        var decodes: [Double] = []
        var encodes: [Double] = []
        let chosen = format
        for _ in 0..<max(1, repetitions) {
            decodes.append(try Stopwatch.measure { value = try chosen.decode(bytes) })
            encodes.append(try Stopwatch.measure { _ = try chosen.encode(value) })
        }
        decodeSeconds = Stopwatch.median(decodes)
        encodeSeconds = Stopwatch.median(encodes)
        copySeconds = Self.copySeconds(bytes, repetitions: repetitions)
    }

    /// The median time of one `memcpy` of `bytes` into a buffer of their size, timed over enough
    /// copies at once (about 64 MB) that the clock's resolution does not matter.
    static func copySeconds(_ bytes: [UInt8], repetitions: Int) -> Double {
        var target = [UInt8](repeating: 0, count: max(bytes.count, 1))
        let batch = max(1, 64_000_000 / max(bytes.count, 1))
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let seconds = Stopwatch.measure {
                bytes.withUnsafeBytes { source in
                    target.withUnsafeMutableBytes { destination in
                        for _ in 0..<batch { memcpy(destination.baseAddress!, source.baseAddress!, source.count) }
                    }
                }
            }
            times.append(seconds / Double(batch))
        }
        return Stopwatch.median(times)
    }

    /// One line: file, size, decode and encode MB/s (medians) and decode against `memcpy`'s speed,
    /// peak memory against file size.
    public var report: String {
        let megabytes = Double(size) / 1e6
        let growth = Double(max(0, peakResident - residentBefore))
        return "\(path.split(separator: "/").last ?? ""): \(size) bytes \(format.rawValue); "
            + "decode \(Self.fixed(megabytes / decodeSeconds)) MB/s, encode \(Self.fixed(megabytes / encodeSeconds)) MB/s (medians); "
            + "memcpy \(Self.fixed(megabytes / copySeconds)) MB/s, decode at 1/\(Self.fixed(decodeSeconds / copySeconds)) of it; "
            + "peak RSS \(Self.fixed(Double(peakResident) / 1_048_576)) MiB, "
            + "growth while decoding+encoding \(Self.fixed(growth / 1_048_576)) MiB = \(Self.fixed(growth / Double(max(size, 1))))x file size"
    }

    static func fixed(_ value: Double) -> String {
        guard value.isFinite else { return "inf" }
        let scaled = (value * 10).rounded() / 10
        return String(scaled)
    }
}
