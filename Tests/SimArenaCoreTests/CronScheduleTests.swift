import XCTest
@testable import SimArenaModel
@testable import SimArenaRL
@testable import SimArenaRun
@testable import SimArenaSimulation

final class CronScheduleTests: XCTestCase {
    /// 2025-03-29T22:20:23Z, a Saturday.
    private let saturdayEvening: Int64 = 1_743_286_823

    private func next(_ schedule: String, after time: Int64) throws -> Int64? {
        try CronSchedule(parsing: schedule).nextFire(after: time)
    }

    func testEveryMinuteFiresAtTheNextMinuteBoundary() throws {
        XCTAssertEqual(try next("* * * * *", after: saturdayEvening), 1_743_286_860)
        XCTAssertEqual(try next("* * * * *", after: 1_743_286_860), 1_743_286_920, "strictly after a boundary")
        XCTAssertEqual(try next("* * * * *", after: 1_743_286_859), 1_743_286_860)
        XCTAssertEqual(try next("* * * * *", after: -1), 0, "before the epoch")
        XCTAssertEqual(try next("* * * * *", after: -61), -60)
        XCTAssertEqual(try next("? ? ? ? ?", after: saturdayEvening), 1_743_286_860, "? is * in any field, as in robfig")
    }

    func testStepsRangesAndLists() throws {
        let cases: [(String, Int64, String)] = [
            ("*/5 * * * *", 1_743_287_100, "22:25"),
            ("10-20 * * * *", 1_743_289_800, "23:10: 22:21 is past the range"),
            ("0 9-17/2 * * *", 1_743_325_200, "Sunday 09:00"),
            ("30/15 * * * *", 1_743_287_400, "30/15 is 30,45: 22:30"),
            ("0,15,45 * * * *", 1_743_288_300, "22:45"),
            ("  0,15,,45   *\t* * *  ", 1_743_288_300, "extra whitespace and empty list items are ignored, as in robfig"),
            ("+45 * * * *", 1_743_288_300, "Go's Atoi accepts a leading +"),
            ("*/90 * * * *", 1_743_289_200, "a step beyond the range leaves only the start: 23:00"),
        ]
        for (schedule, expected, note) in cases {
            XCTAssertEqual(try next(schedule, after: saturdayEvening), expected, "\(schedule): \(note)")
        }
        XCTAssertEqual(try next("30/15 * * * *", after: 1_743_288_300), 1_743_291_000, "after 22:45 comes 23:30")
    }

    func testMonthAndWeekdayNamesAreCaseInsensitive() throws {
        // July 1 2025 is a Tuesday; January is over.
        XCTAssertEqual(try next("0 12 * JAN,jul mon-FRI", after: saturdayEvening), 1_751_371_200)
        XCTAssertEqual(try next("0 12 * Jan,7 1-fri", after: saturdayEvening), 1_751_371_200)
        XCTAssertEqual(
            try CronSchedule(parsing: "0 0 * jan-MAR/2 sun,Wed"), try CronSchedule(parsing: "0 0 * 1,3 0,3"))
    }

    func testDescriptors() throws {
        let cases: [(String, Int64)] = [
            ("@hourly", 1_743_289_200),  // 23:00
            ("@daily", 1_743_292_800),  // 2025-03-30 00:00
            ("@midnight", 1_743_292_800),
            ("@weekly", 1_743_292_800),  // Sunday 2025-03-30
            ("@monthly", 1_743_465_600),  // 2025-04-01
            ("@yearly", 1_767_225_600),  // 2026-01-01
            ("@annually", 1_767_225_600),
        ]
        for (schedule, expected) in cases {
            XCTAssertEqual(try next(schedule, after: saturdayEvening), expected, schedule)
        }
        XCTAssertEqual(try CronSchedule(parsing: "@daily"), try CronSchedule(parsing: "0 0 * * *"))
        XCTAssertEqual(try CronSchedule(parsing: "@weekly"), try CronSchedule(parsing: "0 0 * * SUN"))
        XCTAssertEqual(try next("@hourly", after: 1_743_289_200), 1_743_289_200 + 3600)
    }

    func testDayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        let schedule = try CronSchedule(parsing: "0 0 13 * FRI")
        XCTAssertEqual(schedule.nextFire(after: saturdayEvening), 1_743_724_800, "Friday 2025-04-04 before the 13th")
        XCTAssertEqual(schedule.nextFire(after: 1_743_811_200), 1_744_329_600, "from Saturday 04-05: Friday 04-11")
        XCTAssertEqual(schedule.nextFire(after: 1_744_329_600), 1_744_502_400, "from Friday 04-11: Sunday the 13th")
        // */2 is a restriction (odd days), so it is OR too: Monday 03-31 is odd.
        XCTAssertEqual(try next("0 0 */2 * FRI", after: saturdayEvening), 1_743_379_200)
        // 1-31 restricts as well: with OR it matches every day.
        XCTAssertEqual(try next("0 0 1-31 * MON", after: saturdayEvening), 1_743_292_800)
    }

    func testDayOfMonthAndDayOfWeekWhenEitherIsUnrestricted() throws {
        XCTAssertEqual(try next("0 0 ? * MON", after: saturdayEvening), 1_743_379_200, "Monday 03-31")
        XCTAssertEqual(try next("0 0 * * MON", after: saturdayEvening), 1_743_379_200)
        XCTAssertEqual(try next("0 0 */1 * FRI", after: saturdayEvening), 1_743_724_800, "*/1 is still a star: Fridays only")
        XCTAssertEqual(try next("0 0 13 * *", after: saturdayEvening), 1_744_502_400, "the 13th")
        XCTAssertEqual(try next("0 0 13 * ?", after: saturdayEvening), 1_744_502_400)
        XCTAssertEqual(try next("0 0 *-5 * FRI", after: saturdayEvening), 1_743_724_800, "robfig ignores -5 after *")
    }

    func testLeapDayAndYearBoundaries() throws {
        let leapDay = try CronSchedule(parsing: "0 0 29 2 *")
        XCTAssertEqual(leapDay.nextFire(after: 1_740_787_200), 1_835_395_200, "2025-03-01 → 2028-02-29")
        XCTAssertEqual(leapDay.nextFire(after: 3_949_776_000), 3_981_312_000, "2095-03-01 → 2096-02-29, within five years")
        XCTAssertNil(leapDay.nextFire(after: 3_981_398_400), "2096-03-01: 2100 is not a leap year and 2104 is too far")
        XCTAssertEqual(
            try next("59 23 31 12 *", after: 1_767_225_540), 1_798_761_540, "2025-12-31 23:59 → 2026-12-31 23:59")
        XCTAssertEqual(try next("0 0 1 1 *", after: -1), 0, "1969-12-31 23:59:59 → the epoch")
    }

    func testImpossibleDatesNeverFireAndGiveUpQuickly() throws {
        for schedule in ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "* * 31 2 *", "0 0 30 FEB ?"] {
            let parsed = try CronSchedule(parsing: schedule)
            for start in stride(from: Int64(-2_000_000_000), through: 4_000_000_000, by: 500_000_000) {
                XCTAssertNil(parsed.nextFire(after: start), schedule)
            }
        }
        XCTAssertNil(try next(", * * * *", after: saturdayEvening), "an all-empty list is accepted (robfig) but never fires")
        XCTAssertNil(try next("0 0 * * *", after: .max))
        XCTAssertNil(try next("0 0 * * *", after: .min))
        XCTAssertNotNil(try next("0 0 * * *", after: (1 << 62) - 1), "far future, but no overflow")
        XCTAssertNotNil(try next("0 0 * * *", after: -(1 << 62) + 1), "far past, but no overflow")
    }

    func testSevenIsNotSunday() {
        for schedule in ["0 0 * * 7", "0 0 * * 5-7"] {
            XCTAssertThrowsError(try CronSchedule(parsing: schedule), schedule) { error in
                XCTAssertTrue("\(error)".contains("Kubernetes does not accept 7"), "\(error)")
            }
        }
    }

    func testInvalidSchedulesQuoteTheSchedule() {
        let cases: [(String, String)] = [
            ("", "empty schedule"),
            ("   ", "empty schedule"),
            ("* * * *", "expected 5 fields"),
            ("0 * * * * *", "found 6"),
            ("60 * * * *", "minute field \"60\": 60 is above the maximum 59"),
            ("* 24 * * *", "hour field \"24\": 24 is above the maximum 23"),
            ("* * 0 * *", "0 is below the minimum 1"),
            ("* * * 13 *", "13 is above the maximum 12"),
            ("*/0 * * * *", "step must be a positive number"),
            ("5-1 * * * *", "range start 5 is after its end 1"),
            ("a * * * *", "expected a number, found \"a\""),
            ("* * * foo *", "expected a number or month name (JAN-DEC), found \"foo\""),
            ("* * * * MONDAY", "weekday name"),
            ("* * JAN * *", "day-of-month field \"JAN\""),
            ("1-2-3 * * * *", "too many hyphens"),
            ("*/2/3 * * * *", "too many slashes"),
            ("1- * * * *", "found nothing"),
            ("*/ * * * *", "expected a step"),
            ("*/-1 * * * *", "expected a step"),
            ("*/MON * * * MON", "expected a step"),
            ("-1 * * * *", "found nothing"),
            ("99999999999999999999 * * * *", "out of range"),
            ("@every 5m", "@every is not supported"),
            ("@reboot", "unknown descriptor \"@reboot\""),
            ("@DAILY", "unknown descriptor"),
            ("TZ=UTC 0 0 * * *", "TZ and CRON_TZ"),
            ("CRON_TZ=Europe/Paris 0 0 * * *", "TZ and CRON_TZ"),
            ("0 0 * * *\n*", "found 6"),
        ]
        for (schedule, reason) in cases {
            XCTAssertThrowsError(try CronSchedule(parsing: schedule), schedule) { error in
                guard let error = error as? SimArenaError else {
                    return XCTFail("\(schedule): \(error) is not a SimArenaError")
                }
                XCTAssertEqual(error.kind, .data, schedule)
                XCTAssertTrue(
                    error.message.hasPrefix("invalid cron schedule \(String(reflecting: schedule)): "), error.message)
                XCTAssertTrue(error.message.contains(reason), "\(error.message) lacks \(reason)")
                XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
            }
        }
    }

    func testUTCCalendarMath() {
        let known: [(Int64, Int64, Int, Int, Int)] = [
            // days since the epoch, year, month, day, weekday
            (0, 1970, 1, 1, 4),
            (-1, 1969, 12, 31, 3),
            (10_957, 2000, 1, 1, 6),
            (20_176, 2025, 3, 29, 6),
            (21_243, 2028, 2, 29, 2),
            (-135_080, 1600, 3, 1, 3),
            (157_113, 2400, 2, 29, 2),
        ]
        for (days, year, month, day, weekday) in known {
            let date = CronSchedule.civilDate(fromDays: days)
            XCTAssertEqual(date.year, year, "\(days)")
            XCTAssertEqual(date.month, month, "\(days)")
            XCTAssertEqual(date.day, day, "\(days)")
            XCTAssertEqual(CronSchedule.days(fromYear: year, month: month, day: day), days)
            XCTAssertEqual(CronSchedule.weekday(fromDays: days), weekday, "\(days)")
        }
        // Consecutive days walk the calendar one day at a time, across centuries both sides of 1970.
        var expected = CronSchedule.civilDate(fromDays: -400_000)
        for days in Int64(-400_000)...400_000 {
            let date = CronSchedule.civilDate(fromDays: days)
            guard date == expected, CronSchedule.days(fromYear: date.year, month: date.month, day: date.day) == days,
                CronSchedule.weekday(fromDays: days) == Int((days % 7 + 7 + 4) % 7)
            else {
                return XCTFail("\(days): \(date), expected \(expected)")
            }
            if date.day < CronSchedule.daysInMonth(year: date.year, month: date.month) {
                expected = (date.year, date.month, date.day + 1)
            } else if date.month < 12 {
                expected = (date.year, date.month + 1, 1)
            } else {
                expected = (date.year + 1, 1, 1)
            }
        }
    }

    /// Checks the skipping search against a minute-by-minute scan.
    func testAgreesWithAMinuteByMinuteScan() throws {
        let schedules = [
            "* * * * *", "*/7 * * * *", "13 */5 * * *", "0 0,22-23 * * *", "5,55 23 * * *", "0 0 * * 1-5",
            "30 4 1,15 * *", "0 0 13 * 5", "*/20 9-17 * * MON-FRI", "0 12 28-31 * *", "0 0 */3 * SAT",
            "45 23 * 2,3,8 *", "0 6 31 * *", "15 */6 ? JAN,APR,JUL,OCT ?", "59 23 * * 0",
        ]
        var rng = SeededGenerator(seed: 0x5EED)
        for text in schedules {
            let schedule = try CronSchedule(parsing: text)
            for _ in 0..<12 {
                // Anywhere in 1990...2060, at any second.
                let start = 631_152_000 + Int64(rng.next() % 2_208_988_800)
                guard let fire = schedule.nextFire(after: start) else {
                    return XCTFail("\(text) after \(start): nil")
                }
                XCTAssertTrue(fire > start && fire.isMultiple(of: 60), "\(text) after \(start): \(fire)")
                XCTAssertTrue(matches(schedule, fire), "\(text) after \(start): \(fire) does not match")
                var minute = (start / 60 + 1) * 60
                while minute < fire {
                    if matches(schedule, minute) {
                        return XCTFail("\(text) after \(start): \(minute) matches before \(fire)")
                    }
                    minute += 60
                }
            }
        }
    }

    /// A direct, independent statement of whether `unixSeconds` (a whole minute) matches.
    private func matches(_ schedule: CronSchedule, _ unixSeconds: Int64) -> Bool {
        let days = CronSchedule.floorDiv(unixSeconds, 86_400)
        let date = CronSchedule.civilDate(fromDays: days)
        let secondOfDay = unixSeconds - days * 86_400
        let hour = Int(secondOfDay / 3600)
        let minute = Int(secondOfDay % 3600 / 60)
        func has(_ mask: UInt64, _ bit: Int) -> Bool { mask & (1 << UInt64(bit)) != 0 }
        let dom = has(schedule.daysOfMonth, date.day)
        let dow = has(schedule.daysOfWeek, CronSchedule.weekday(fromDays: days))
        let dayOK = schedule.dayOfMonthIsStar || schedule.dayOfWeekIsStar ? dom && dow : dom || dow
        return has(schedule.minutes, minute) && has(schedule.hours, hour) && has(schedule.months, date.month) && dayOK
    }
}
