/// The C2SP tlog-tiles encoding of tile indices in paths: zero-padded 3-digit groups, all but the last prefixed with
/// `x` (`1234067` → `x001/x234/067`), so that tiles can be stored as plain files without file/directory clashes.
public enum TilePath {
    /// Encodes a tile or bundle index as path elements, for example `x001/x234/067`.
    public static func encodeIndex(_ index: UInt64) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = String(rest % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            rest /= 1000
        } while rest > 0
        return groups.reversed().enumerated().map { offset, group in
            offset == groups.count - 1 ? group : "x" + group
        }.joined(separator: "/")
    }

    /// Decodes path elements produced by ``encodeIndex(_:)``; only that canonical form is accepted.
    ///
    /// - Throws: ``LedgerError/Code/malformedTilePath`` for a malformed, non-canonical (such as `x000/005`) or
    ///   overflowing index.
    public static func decodeIndex(_ elements: some StringProtocol) throws -> UInt64 {
        let groups = elements.split(separator: "/", omittingEmptySubsequences: false)
        var value: UInt64 = 0
        for (offset, group) in groups.enumerated() {
            let isLast = offset == groups.count - 1
            var digits = Substring(group)
            if !isLast {
                guard digits.first == "x" else {
                    throw LedgerError.malformedTilePath("tile index element \"\(group)\" must start with x")
                }
                digits = digits.dropFirst()
            }
            guard digits.utf8.count == 3, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let groupValue = UInt64(digits)
            else {
                throw LedgerError.malformedTilePath("tile index element \"\(group)\" must have three digits")
            }
            if offset == 0 && !isLast && groupValue == 0 {
                throw LedgerError.malformedTilePath("tile index \"\(elements)\" has a leading zero group")
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = shifted.addingReportingOverflow(groupValue)
            guard !overflow1, !overflow2 else {
                throw LedgerError.malformedTilePath("tile index \"\(elements)\" overflows 64 bits")
            }
            value = sum
        }
        return value
    }

    /// Splits `<N>[.p/<W>]` into the index elements and the width (256 when there is no `.p/` suffix).
    static func splitWidth(_ path: Substring) throws -> (index: Substring, width: Int) {
        guard let marker = path.firstRange(of: ".p/") else {
            return (path, 256)
        }
        let widthText = path[marker.upperBound...]
        guard let width = Int(widthText), (1...255).contains(width), String(width) == widthText else {
            throw LedgerError.malformedTilePath("partial width \"\(widthText)\" must be 1...255 without leading zeroes")
        }
        return (path[..<marker.lowerBound], width)
    }
}
