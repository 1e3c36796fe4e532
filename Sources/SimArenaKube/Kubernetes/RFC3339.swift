import SimArenaModel
import SimArenaSimulation
import SimArenaRL
import SimArenaRun

#if canImport(Glibc)
import Glibc
#endif

/// Timestamps in RFC 3339 form (`2026-11-25T14:00:00Z`, `...T14:00:00.5+01:00`), as Kubernetes
/// writes them in `expirationTimestamp` and `creationTimestamp`.
public enum RFC3339 {
    /// Seconds since the Unix epoch, or nil when `text` is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, isOneOf options: String) -> Bool {
            index < bytes.count && options.utf8.contains(bytes[index])
        }
        guard let year = number(0..<4), byte(4, isOneOf: "-"), let month = number(5..<7), byte(7, isOneOf: "-"),
            let day = number(8..<10), byte(10, isOneOf: "Tt "), let hour = number(11..<13), byte(13, isOneOf: ":"),
            let minute = number(14..<16), byte(16, isOneOf: ":"), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index, isOneOf: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, let digit = number(index..<index + 1) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if byte(index, isOneOf: "Zz") {
            index += 1
        } else if byte(index, isOneOf: "+-"), let hours = number(index + 1..<index + 3), byte(index + 3, isOneOf: ":"),
            let minutes = number(index + 4..<index + 6)
        {
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(hour)
        fields.tm_min = Int32(minute)
        fields.tm_sec = Int32(second)
        return Double(timegm(&fields) - offsetSeconds) + fraction
    }

    /// The current time in seconds since the Unix epoch.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
