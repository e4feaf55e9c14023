/// A Cedar `datetime`: an instant as milliseconds since 1970-01-01T00:00:00Z (no leap seconds).
public struct CedarDatetime: Sendable, Hashable, Comparable {
    /// Milliseconds since the Unix epoch.
    public var millisecondsSinceEpoch: Int64

    /// Creates a datetime from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    private static let millisecondsPerDay: Int64 = 86_400_000

    /// Parses `YYYY-MM-DD`, optionally followed by `Thh:mm:ss`, optional `.SSS`, and `Z` or `(+|-)hhmm`.
    public init?(parsing text: String) {
        let s = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= s.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard s[i] >= 48 && s[i] <= 57 else { return nil }
                value = value * 10 + Int64(s[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), s.count >= 10, s[4] == UInt8(ascii: "-"), let month = number(5..<7),
            s[7] == UInt8(ascii: "-"), let day = number(8..<10)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        if s.count == 10 {
            self.millisecondsSinceEpoch = days * Self.millisecondsPerDay
            return
        }
        guard s.count >= 19, s[10] == UInt8(ascii: "T"), let hour = number(11..<13), s[13] == UInt8(ascii: ":"),
            let minute = number(14..<16), s[16] == UInt8(ascii: ":"), let second = number(17..<19)
        else { return nil }
        var index = 19
        var milliseconds: Int64 = 0
        if index < s.count && s[index] == UInt8(ascii: ".") {
            guard let ms = number((index + 1)..<(index + 4)) else { return nil }
            milliseconds = ms
            index += 4
        }
        var offsetSeconds: Int64 = 0
        guard index < s.count else { return nil }
        if s[index] == UInt8(ascii: "Z") {
            index += 1
        } else if s[index] == UInt8(ascii: "+") || s[index] == UInt8(ascii: "-") {
            guard let offsetHours = number((index + 1)..<(index + 3)),
                let offsetMinutes = number((index + 3)..<(index + 5))
            else { return nil }
            // Shape errors come before range errors in the reference; both are errors here.
            guard s.count == index + 5 else { return nil }
            guard offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s[index] == UInt8(ascii: "+") ? 1 : -1)
            index += 5
        } else {
            return nil
        }
        guard index == s.count, hour < 24, minute < 60, second < 60 else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.millisecondsSinceEpoch = seconds * 1000 + milliseconds
    }

    private static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Orders instants chronologically.
    public static func < (lhs: CedarDatetime, rhs: CedarDatetime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// This instant moved by `duration`, or nil on overflow.
    public func offset(by duration: CedarDuration) -> CedarDatetime? {
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(duration.milliseconds)
        return overflow ? nil : CedarDatetime(millisecondsSinceEpoch: sum)
    }

    /// The duration from `other` to this instant, or nil on overflow.
    public func durationSince(_ other: CedarDatetime) -> CedarDuration? {
        let (difference, overflow) = millisecondsSinceEpoch.subtractingReportingOverflow(other.millisecondsSinceEpoch)
        return overflow ? nil : CedarDuration(milliseconds: difference)
    }

    /// Midnight (UTC) of this instant's day, or nil on overflow.
    public func toDate() -> CedarDatetime? {
        let day = Self.millisecondsPerDay
        var remainder = millisecondsSinceEpoch % day
        if remainder < 0 { remainder += day }
        let (result, overflow) = millisecondsSinceEpoch.subtractingReportingOverflow(remainder)
        return overflow ? nil : CedarDatetime(millisecondsSinceEpoch: result)
    }

    /// The time elapsed since midnight (UTC) of this instant's day.
    public func toTime() -> CedarDuration {
        let day = Self.millisecondsPerDay
        var remainder = millisecondsSinceEpoch % day
        if remainder < 0 { remainder += day }
        return CedarDuration(milliseconds: remainder)
    }
}

/// A Cedar `duration`: a signed number of milliseconds.
public struct CedarDuration: Sendable, Hashable, Comparable {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration of `milliseconds`.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Parses Cedar's duration syntax: an optional `-` then quantity-unit pairs in the order `d h m s ms`.
    public init?(parsing text: String) {
        let s = Array(text.utf8)
        var index = 0
        let negative = s.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < s.count else { return nil }
        // Unit multipliers in their required order: d, h, m, s, ms.
        let multipliers: [Int64] = [86_400_000, 3_600_000, 60_000, 1000, 1]
        var nextUnit = 0
        var total: Int64 = 0
        while index < s.count {
            var quantity: UInt64 = 0
            var digits = 0
            var quantityOverflow = false
            while index < s.count, s[index] >= 48, s[index] <= 57 {
                let (times10, o1) = quantity.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(UInt64(s[index] - 48))
                if o1 || o2 { quantityOverflow = true }
                quantity = next
                digits += 1
                index += 1
            }
            guard digits > 0, index < s.count else { return nil }
            let unit: Int
            switch s[index] {
            case UInt8(ascii: "d"): unit = 0
            case UInt8(ascii: "h"): unit = 1
            case UInt8(ascii: "s"): unit = 3
            case UInt8(ascii: "m"):
                if index + 1 < s.count && s[index + 1] == UInt8(ascii: "s") {
                    unit = 4
                    index += 1
                } else {
                    unit = 2
                }
            default: return nil
            }
            index += 1
            guard unit >= nextUnit, !quantityOverflow else { return nil }
            nextUnit = unit + 1
            // Magnitudes accumulate with the sign applied, checking overflow as the reference does.
            if negative && unit == 4 && quantity == UInt64(Int64.max) + 1 {
                let (sum, overflow) = total.addingReportingOverflow(Int64.min)
                if overflow { return nil }
                total = sum
                continue
            }
            guard quantity <= UInt64(Int64.max) else { return nil }
            let (product, o1) = Int64(quantity).multipliedReportingOverflow(by: multipliers[unit])
            if o1 { return nil }
            let (sum, o2) =
                negative ? total.subtractingReportingOverflow(product) : total.addingReportingOverflow(product)
            if o2 { return nil }
            total = sum
        }
        self.milliseconds = total
    }

    /// Orders durations by length.
    public static func < (lhs: CedarDuration, rhs: CedarDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Whole days (truncated toward zero).
    public var days: Int64 { hours / 24 }
    /// Whole hours (truncated toward zero).
    public var hours: Int64 { minutes / 60 }
    /// Whole minutes (truncated toward zero).
    public var minutes: Int64 { seconds / 60 }
    /// Whole seconds (truncated toward zero).
    public var seconds: Int64 { milliseconds / 1000 }
}
