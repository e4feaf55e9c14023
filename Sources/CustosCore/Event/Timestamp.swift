/// An instant in UTC with millisecond precision: the time of an event, as the ledger and the indexes keep it.
///
/// Parsed from RFC 3339 text with any offset and written back as `YYYY-MM-DDTHH:MM:SS.mmmZ`. Finer fractions are
/// truncated to the millisecond (documented in docs/events.md), so one instant has one encoding.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The earliest accepted instant, 1970-01-01T00:00:00Z.
    public static let minimum = Timestamp(millisecondsSinceEpoch: 0)
    /// The latest accepted instant, 9999-12-31T23:59:59.999Z.
    public static let maximum = Timestamp(millisecondsSinceEpoch: 253_402_300_799_999)

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The UTC day this instant falls on, as days since 1970-01-01.
    public var dayNumber: Int64 {
        millisecondsSinceEpoch >= 0
            ? millisecondsSinceEpoch / 86_400_000 : (millisecondsSinceEpoch - 86_399_999) / 86_400_000
    }

    /// The RFC 3339 text, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var description: String { rfc3339 }

    /// The RFC 3339 text, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var rfc3339: String {
        var out = [UInt8]()
        out.reserveCapacity(24)
        writeRFC3339(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the 24 bytes of ``rfc3339`` to `out` (the ingest path writes them into event bodies).
    public func writeRFC3339(into out: inout [UInt8]) {
        let ms = millisecondsSinceEpoch
        let days = dayNumber
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        func put(_ v: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var x = v
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(x / divisor % 10))
                x %= divisor
                divisor /= 10
            }
        }
        put(y, 4)
        out.append(UInt8(ascii: "-"))
        put(m, 2)
        out.append(UInt8(ascii: "-"))
        put(d, 2)
        out.append(UInt8(ascii: "T"))
        put(msOfDay / 3_600_000, 2)
        out.append(UInt8(ascii: ":"))
        put(msOfDay / 60_000 % 60, 2)
        out.append(UInt8(ascii: ":"))
        put(msOfDay / 1000 % 60, 2)
        out.append(UInt8(ascii: "."))
        put(msOfDay % 1000, 3)
        out.append(UInt8(ascii: "Z"))
    }

    /// Parses RFC 3339 `date-time` text (`2026-11-23T14:03:11.250Z`, `…+01:00`); returns a reason when it is not one.
    public static func parse(_ text: String) -> Result<Timestamp, TimestampError> {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses RFC 3339 `date-time` bytes.
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Result<Timestamp, TimestampError> {
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in start..<start + count {
                let c = b[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard b.count >= 19, let year = digits(0, 4), at(4, "-"), let month = digits(5, 2), at(7, "-"),
            let day = digits(8, 2), at(10, "T") || at(10, "t"), let hour = digits(11, 2), at(13, ":"),
            let minute = digits(14, 2), at(16, ":"), let second = digits(17, 2)
        else { return .failure(.init("not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM))")) }
        guard (1...12).contains(month) else { return .failure(.init("month \(month) is out of range")) }
        guard day >= 1 && day <= daysIn(month: month, year: year) else {
            return .failure(.init("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)"))
        }
        guard hour <= 23 else { return .failure(.init("hour \(hour) is out of range")) }
        guard minute <= 59 else { return .failure(.init("minute \(minute) is out of range")) }
        guard second <= 59 else {
            return .failure(.init("second \(second) is out of range (leap seconds are not accepted)"))
        }
        var i = 19
        var millis: Int64 = 0
        if at(i, ".") {
            i += 1
            var n = 0
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                if n < 3 { millis = millis * 10 + Int64(b[i] - 0x30) }
                n += 1
                i += 1
            }
            guard n > 0 else { return .failure(.init("a decimal point must be followed by digits")) }
            if n > 9 { return .failure(.init("more than 9 fractional digits")) }
            if n < 3 { for _ in n..<3 { millis *= 10 } }
        }
        var offsetMinutes: Int64 = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign: Int64 = at(i, "-") ? -1 : 1
            guard let oh = digits(i + 1, 2), at(i + 3, ":"), let om = digits(i + 4, 2), oh <= 23, om <= 59 else {
                return .failure(.init("invalid time zone offset (expected Z or ±HH:MM)"))
            }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else {
            return .failure(.init("missing time zone (expected Z or ±HH:MM)"))
        }
        guard i == b.count else { return .failure(.init("unexpected text after the time zone")) }
        let days = daysFromCivil(year: year, month: month, day: day)
        let ms = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis
        let t = Timestamp(millisecondsSinceEpoch: ms)
        guard t >= minimum && t <= maximum else { return .failure(.init("outside the years 1970 to 9999")) }
        return .success(t)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day number.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// Why a text is not an accepted RFC 3339 date-time.
public struct TimestampError: Error, Sendable, Hashable {
    /// The reason, in words.
    public var reason: String
    /// Creates an error with a reason.
    public init(_ reason: String) { self.reason = reason }
}
