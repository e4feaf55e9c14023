import CustosCore
import Testing

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-11-23T14:03:11.250Z", 1_795_442_591_250),
        ("2026-11-23T15:03:11.250+01:00", 1_795_442_591_250),
        ("2026-11-23t08:33:11.2504999-05:30", 1_795_442_591_250),
        ("2024-02-29T23:59:59.999z", 1_709_251_199_999),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ])
    func parsesAndNormalisesToUTCMilliseconds(text: String, ms: Int64) throws {
        let t = try Timestamp.parse(text).get()
        #expect(t.millisecondsSinceEpoch == ms)
        #expect(try Timestamp.parse(t.rfc3339).get() == t)
    }

    @Test(arguments: [
        ("2026-11-23", "not an RFC 3339 date-time"),
        ("2026-11-23 14:03:11Z", "not an RFC 3339 date-time"),
        ("2026-13-01T00:00:00Z", "month 13"),
        ("2025-02-29T00:00:00Z", "day 29 does not exist"),
        ("2026-04-31T00:00:00Z", "day 31 does not exist"),
        ("2026-11-23T24:00:00Z", "hour 24"),
        ("2026-11-23T23:60:00Z", "minute 60"),
        ("2026-11-23T23:59:60Z", "leap seconds"),
        ("2026-11-23T23:59:59", "missing time zone"),
        ("2026-11-23T23:59:59.Z", "followed by digits"),
        ("2026-11-23T23:59:59+0100", "invalid time zone offset"),
        ("2026-11-23T23:59:59Zjunk", "after the time zone"),
        ("1969-12-31T23:59:59Z", "outside the years"),
        ("2026-11-23T23:59:59.1234567890Z", "more than 9 fractional digits"),
    ])
    func refusesWithAReason(text: String, reason: String) {
        switch Timestamp.parse(text) {
        case .success(let t): Issue.record("accepted \(text) as \(t)")
        case .failure(let e): #expect(e.reason.contains(reason), "\(text): \(e.reason)")
        }
    }

    @Test func roundTripsEveryDayOverFourCenturies() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<5000 {
            let ms = Int64(rng.next() % UInt64(Timestamp.maximum.millisecondsSinceEpoch))
            let t = Timestamp(millisecondsSinceEpoch: ms)
            #expect(try Timestamp.parse(t.rfc3339).get() == t)
        }
    }
}
