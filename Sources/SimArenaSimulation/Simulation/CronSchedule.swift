import SimArenaModel

/// A Kubernetes CronJob `schedule`, parsed as the CronJob controller parses it
/// (`cron.ParseStandard` from github.com/robfig/cron/v3), and the UTC times it fires at.
///
/// ## Syntax
///
/// Five whitespace-separated fields, `minute hour day-of-month month day-of-week`:
///
/// | field        | values                     | names (case-insensitive) |
/// |--------------|----------------------------|--------------------------|
/// | minute       | 0–59                       |                          |
/// | hour         | 0–23                       |                          |
/// | day-of-month | 1–31                       |                          |
/// | month        | 1–12                       | `JAN`–`DEC`              |
/// | day-of-week  | 0–6, 0 is Sunday           | `SUN`–`SAT`              |
///
/// Each field is a comma-separated list of items; an item is `*` or `?` (every value; robfig
/// accepts `?` in any field, not only the day fields), a value `a`, a range `a-b`, or either of
/// those followed by a step: `*/n`, `a-b/n`, and `a/n`, which means `a` through the field's
/// maximum. Names may stand for values in ranges (`MON-FRI`) but not for steps.
///
/// **7 is not Sunday.** Unlike Vixie cron, robfig's day-of-week field is 0–6, so Kubernetes
/// rejects `0 0 * * 7` (and `5-7`); this parser rejects it too, with a hint to write 0 or `SUN`.
///
/// The descriptors `@yearly` (= `@annually`, `0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly`
/// (`0 0 * * 0`), `@daily` (= `@midnight`, `0 0 * * *`) and `@hourly` (`0 * * * *`) are accepted,
/// case-sensitively as in robfig. `@every <duration>` is rejected: Kubernetes CronJobs do not
/// support it. A `TZ=` or `CRON_TZ=` prefix is rejected as Kubernetes rejects it (the CronJob
/// `timeZone` field is the supported way, and is out of scope here: all times are UTC).
///
/// ## Day matching
///
/// As in cron: if both day-of-month and day-of-week are restricted, a day matches when EITHER
/// matches (`0 0 13 * FRI` fires on every 13th and every Friday); if either is unrestricted, both
/// must match. A field counts as unrestricted exactly when robfig says so: when one of its items is
/// `*` or `?` with no step or a step of 1 (`*/1`). `*/2` and `1-31` are restrictions, so
/// `0 0 1-31 * MON` fires every day.
///
/// ## Faithful robfig quirks
///
/// Kept so that the simulator accepts exactly what a cluster accepts: leading and trailing
/// whitespace is ignored; empty list items are skipped (`1,,2` is `1,2`); after `*` or `?` any
/// `-…` is ignored (`*-5` is `*`); a number may carry a leading `+`; a step may exceed the range
/// (`*/90` in the minute field is `0`).
///
/// ## Firing times
///
/// ``nextFire(after:)`` is the first whole UTC minute strictly after a time that matches, found by
/// skipping whole months, days and hours that cannot match, so it costs at most a few thousand
/// cheap steps even when the answer is years away. As in robfig, the search gives up (nil) once
/// it passes the end of the fifth year after the given time's year, so schedules that never fire
/// (`0 0 30 2 *`) end quickly.
///
/// Equality and hashing compare the set of firing times, so `@daily` equals `0 0 * * *`.
public struct CronSchedule: Sendable, Hashable {
    /// Bit `i` set: minute `i` (0–59) matches.
    let minutes: UInt64
    /// Bit `i` set: hour `i` (0–23) matches.
    let hours: UInt64
    /// Bit `i` set: day of the month `i` (1–31) matches.
    let daysOfMonth: UInt64
    /// Bit `i` set: month `i` (1–12) matches.
    let months: UInt64
    /// Bit `i` set: day of the week `i` (0–6, 0 is Sunday) matches.
    let daysOfWeek: UInt64
    /// The day-of-month field is unrestricted (`*`, `?`, `*/1`).
    let dayOfMonthIsStar: Bool
    /// The day-of-week field is unrestricted (`*`, `?`, `*/1`).
    let dayOfWeekIsStar: Bool

    /// Parses a CronJob `schedule` (see the type's documentation for the syntax).
    ///
    /// - Throws: ``SimArenaError`` of kind `.data`, one line quoting `text` and saying what is
    ///   wrong, if Kubernetes would reject the schedule.
    public init(parsing text: String) throws {
        func invalid(_ reason: String) -> SimArenaError {
            SimArenaError(.data, "invalid cron schedule \(String(reflecting: text)): \(reason)")
        }
        let spec = Self.trimmingWhitespace(text)
        guard !spec.isEmpty else {
            throw invalid("empty schedule")
        }
        if spec.hasPrefix("TZ=") || spec.hasPrefix("CRON_TZ=") {
            throw invalid("TZ and CRON_TZ are not allowed in a CronJob schedule (Kubernetes uses the timeZone field)")
        }
        if spec.hasPrefix("@") {
            guard let descriptor = Self.descriptors[String(spec)] else {
                if spec.hasPrefix("@every") {
                    throw invalid("@every is not supported by Kubernetes CronJobs; write five fields, e.g. \"*/5 * * * *\"")
                }
                throw invalid(
                    "unknown descriptor \(String(reflecting: String(spec))) (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
            }
            self = try! CronSchedule(parsing: descriptor)
            return
        }
        let fields = spec.split(whereSeparator: \.isWhitespace)
        guard fields.count == 5 else {
            throw invalid("expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        var parsed: [(bits: UInt64, isStar: Bool)] = []
        for (fieldText, field) in zip(fields, CronField.all) {
            do {
                parsed.append(try field.parse(fieldText))
            } catch {
                throw invalid("\(field.name) field \(String(reflecting: String(fieldText))): \(error.reason)")
            }
        }
        minutes = parsed[0].bits
        hours = parsed[1].bits
        daysOfMonth = parsed[2].bits
        dayOfMonthIsStar = parsed[2].isStar
        months = parsed[3].bits
        daysOfWeek = parsed[4].bits
        dayOfWeekIsStar = parsed[4].isStar
    }

    /// The first whole minute strictly after `unixSeconds` (seconds since 1970-01-01T00:00:00Z)
    /// that the schedule matches, in UTC, as Unix seconds; nil if there is none before the end of
    /// the fifth year after the year of `unixSeconds + 1` (robfig's limit), e.g. for February 30,
    /// or if `unixSeconds` is beyond ±2⁶² (about ±146 billion years).
    public func nextFire(after unixSeconds: Int64) -> Int64? {
        // Far enough from the ends of Int64 that no step below can overflow.
        guard unixSeconds > -Self.searchableRange, unixSeconds < Self.searchableRange,
            minutes != 0, hours != 0, months != 0
        else {
            return nil
        }
        let yearLimit = Self.civilDate(fromDays: Self.floorDiv(unixSeconds + 1, Self.secondsPerDay)).year + 5
        let first = Self.floorDiv(unixSeconds, 60) * 60 + 60
        var days = Self.floorDiv(first, Self.secondsPerDay)
        var (year, month, day) = Self.civilDate(fromDays: days)
        let minuteOfDay = Int((first - days * Self.secondsPerDay) / 60)
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60

        // Moves to midnight at the start of the next day.
        func nextDay() {
            days += 1
            day += 1
            hour = 0
            minute = 0
            if day > Self.daysInMonth(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }

        while year <= yearLimit {
            guard months & (1 << UInt64(month)) != 0 else {
                // Midnight on the first of the next month.
                days += Int64(Self.daysInMonth(year: year, month: month) - day)
                day = Self.daysInMonth(year: year, month: month)
                nextDay()
                continue
            }
            guard dayMatches(days: days, day: day) else {
                nextDay()
                continue
            }
            guard let matchingHour = Self.firstBit(of: hours, from: hour) else {
                nextDay()
                continue
            }
            if matchingHour != hour {
                hour = matchingHour
                minute = 0
            }
            guard let matchingMinute = Self.firstBit(of: minutes, from: minute) else {
                minute = 0
                hour += 1
                if hour > 23 {
                    nextDay()
                }
                continue
            }
            return days * Self.secondsPerDay + Int64(hour) * 3600 + Int64(matchingMinute) * 60
        }
        return nil
    }

    /// Whether the day `days` after 1970-01-01, the `day`th of its month, matches the
    /// day-of-month and day-of-week fields (see "Day matching" in the type's documentation).
    private func dayMatches(days: Int64, day: Int) -> Bool {
        let domMatch = daysOfMonth & (1 << UInt64(day)) != 0
        let dowMatch = daysOfWeek & (1 << UInt64(Self.weekday(fromDays: days))) != 0
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return domMatch && dowMatch
        }
        return domMatch || dowMatch
    }

    // MARK: - Descriptors

    private static let descriptors: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    // MARK: - UTC calendar (proleptic Gregorian, no Foundation)

    static let secondsPerDay: Int64 = 86_400

    /// ``nextFire(after:)`` answers nil for times at or beyond ± this.
    static let searchableRange: Int64 = 1 << 62

    /// `a / b` rounded toward negative infinity (`b > 0`).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b < 0) ? q - 1 : q
    }

    /// The UTC calendar date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days from 1970-01-01 to the UTC calendar date (Howard Hinnant's `days_from_civil`).
    static func days(fromYear year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day of the week, 0 (Sunday) to 6, of the day `days` after 1970-01-01 (a Thursday).
    static func weekday(fromDays days: Int64) -> Int {
        Int((days % 7 + 11) % 7)
    }

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The lowest set bit of `mask` at or above `index` (0–63), or nil.
    private static func firstBit(of mask: UInt64, from index: Int) -> Int? {
        let rest = mask >> UInt64(index)
        return rest == 0 ? nil : index + rest.trailingZeroBitCount
    }

    private static func trimmingWhitespace(_ text: String) -> Substring {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else {
            return text[text.endIndex...]
        }
        return text[start...last]
    }
}

/// One of the five fields of a cron schedule: its bounds, and the names it accepts.
private struct CronField: Sendable {
    /// Why a field does not parse; the caller adds the schedule and the field.
    struct Failure: Error {
        var reason: String
    }

    let name: String
    let min: Int
    let max: Int
    /// Lower-case names for values, such as `jan` for 1.
    let names: [String: Int]
    /// What the names are, for error messages (`"month name (JAN-DEC)"`), or nil.
    let namesHint: String?

    static let all: [CronField] = [
        CronField(name: "minute", min: 0, max: 59, names: [:], namesHint: nil),
        CronField(name: "hour", min: 0, max: 23, names: [:], namesHint: nil),
        CronField(name: "day-of-month", min: 1, max: 31, names: [:], namesHint: nil),
        CronField(
            name: "month", min: 1, max: 12,
            names: [
                "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
            ],
            namesHint: "month name (JAN-DEC)"),
        CronField(
            name: "day-of-week", min: 0, max: 6,
            names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6],
            namesHint: "weekday name (SUN-SAT)"),
    ]

    /// The bits the field sets, and whether it is unrestricted (robfig's star bit).
    func parse(_ text: Substring) throws(Failure) -> (bits: UInt64, isStar: Bool) {
        var bits: UInt64 = 0
        var isStar = false
        // robfig splits with strings.FieldsFunc, which drops empty items.
        for item in text.split(separator: ",") {
            let range = try parseItem(item)
            bits |= range.bits
            isStar = isStar || range.isStar
        }
        return (bits, isStar)
    }

    /// `*`, `?`, `a` or `a-b`, optionally followed by `/step` (robfig's getRange).
    private func parseItem(_ item: Substring) throws(Failure) -> (bits: UInt64, isStar: Bool) {
        let rangeAndStep = item.split(separator: "/", omittingEmptySubsequences: false)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false)
        var start: Int
        var end: Int
        var isStar = false
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = min
            end = max
            isStar = true
        } else {
            start = try value(lowAndHigh[0])
            switch lowAndHigh.count {
            case 1: end = start
            case 2: end = try value(lowAndHigh[1])
            default: throw Failure(reason: "too many hyphens in \(String(reflecting: String(item)))")
            }
        }
        var step = 1
        switch rangeAndStep.count {
        case 1:
            break
        case 2:
            step = try number(rangeAndStep[1], what: "step")
            if lowAndHigh.count == 1 {
                end = max  // "a/n" means "a-max/n"
            }
            if step > 1 {
                isStar = false
            }
        default:
            throw Failure(reason: "too many slashes in \(String(reflecting: String(item)))")
        }
        if start < min {
            throw Failure(reason: "\(start) is below the minimum \(min)")
        }
        if end > max {
            let hint = name == "day-of-week" && end == 7 ? " (Sunday is 0 or SUN; Kubernetes does not accept 7)" : ""
            throw Failure(reason: "\(end) is above the maximum \(max)\(hint)")
        }
        if start > end {
            throw Failure(reason: "range start \(start) is after its end \(end)")
        }
        if step == 0 {
            throw Failure(reason: "step must be a positive number, not 0")
        }
        var bits: UInt64 = 0
        for bit in stride(from: start, through: end, by: step) {
            bits |= 1 << UInt64(bit)
        }
        return (bits, isStar)
    }

    /// A number or, in the month and day-of-week fields, a name.
    private func value(_ text: Substring) throws(Failure) -> Int {
        if let named = names[text.lowercased()] {
            return named
        }
        return try number(text, what: namesHint.map { "number or \($0)" } ?? "number")
    }

    /// A non-negative decimal number, optionally with a leading `+` (as Go's strconv.Atoi).
    private func number(_ text: Substring, what: String) throws(Failure) -> Int {
        let digits = text.hasPrefix("+") ? text.dropFirst() : text
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            let found = text.isEmpty ? "nothing" : String(reflecting: String(text))
            throw Failure(reason: "expected a \(what), found \(found)")
        }
        guard let number = Int(digits) else {
            throw Failure(reason: "\(String(text)) is out of range")
        }
        return number
    }
}
