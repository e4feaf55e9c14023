/// A Cedar `decimal`: a signed fixed-point number with exactly four fraction digits, stored as ten-thousandths.
public struct CedarDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value times 10 000.
    public var tenThousandths: Int64

    /// Creates a decimal from its value times 10 000.
    public init(tenThousandths: Int64) {
        self.tenThousandths = tenThousandths
    }

    /// Parses Cedar's decimal syntax: `-?digits.digits` with 1–4 fraction digits, within the `Int64` range.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard let dot = bytes[index...].firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let integerDigits = bytes[index..<dot]
        let fractionDigits = bytes[(dot + 1)...]
        guard !integerDigits.isEmpty, !fractionDigits.isEmpty, fractionDigits.count <= 4,
            integerDigits.allSatisfy(Self.isDigit), fractionDigits.allSatisfy(Self.isDigit)
        else { return nil }
        var integerPart: Int64 = 0
        for digit in integerDigits {
            let (times10, o1) = integerPart.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            if o1 || o2 {
                // `-9223372036854775808` parses as an i64 in the reference, but any scaling then overflows.
                return nil
            }
            integerPart = next
        }
        var fraction: Int64 = 0
        for digit in fractionDigits { fraction = fraction * 10 + Int64(digit - UInt8(ascii: "0")) }
        for _ in fractionDigits.count..<4 { fraction *= 10 }
        let (scaled, overflow) = integerPart.multipliedReportingOverflow(by: 10_000)
        if overflow { return nil }
        let signedScaled = negative ? -scaled : scaled
        let (total, o3) =
            negative
            ? signedScaled.subtractingReportingOverflow(fraction) : signedScaled.addingReportingOverflow(fraction)
        if o3 { return nil }
        self.tenThousandths = total
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Orders decimals by value.
    public static func < (lhs: CedarDecimal, rhs: CedarDecimal) -> Bool { lhs.tenThousandths < rhs.tenThousandths }

    /// The canonical text, for example `-1.2500`.
    public var description: String {
        let magnitude = tenThousandths.magnitude
        let fraction = String(magnitude % 10_000)
        return (tenThousandths < 0 ? "-" : "") + "\(magnitude / 10_000)."
            + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
