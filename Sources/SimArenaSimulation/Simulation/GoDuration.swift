import SimArenaModel

/// Go's duration notation (`1h30m`, `2s`, `500ms`), as KWOK reads its delay annotations.
enum GoDuration {
    static func milliseconds(_ text: String, at path: String) throws -> Int64 {
        let units: [(String, Double)] = [("ms", 1), ("us", 0.001), ("µs", 0.001), ("ns", 0.000001), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { throw SimArenaError(.data, "\(path): empty duration") }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            guard let value = Double(number), let unit = units.first(where: { rest.hasPrefix($0.0) }) else {
                throw SimArenaError(.data, "\(path): invalid duration \"\(text)\" (expected e.g. 1s, 500ms, 2m)")
            }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        guard total <= 86_400_000 else { throw SimArenaError(.data, "\(path): duration \"\(text)\" is over a day") }
        return Int64(total.rounded())
    }
}
