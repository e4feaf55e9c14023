import Foundation

/// Brings a personal attribute (a name, an address) to the one spelling that is hashed, so that variants of the same
/// value match after protection and different values do not.
///
/// Names (``name(_:)``), in order:
/// 1. Unicode NFKD (compatibility decomposition: `é` → `e` + U+0301, `ﬁ` → `fi`, full-width letters → ASCII);
/// 2. combining marks dropped (`José` → `Jose`, `Müller` → `Muller`);
/// 3. case folded (upper- then lower-cased, so `ß` → `ss`);
/// 4. apostrophes (`'`, `’`, `ʼ`, `` ` ``) removed (`O'Brien` → `obrien`);
/// 5. every other run of characters that are not letters or digits (spaces, hyphens, dots, commas) becomes one
///    space, and leading/trailing ones are removed (`  Garcia-Lopez ` → `garcia lopez`).
///
/// Addresses (``address(street:city:state:)``) are reduced to street level: each part is normalised as a name,
/// then in the street the leading tokens that contain a digit (house numbers: `1420`, `12b`) are dropped, except
/// ordinal street names (`5th`, `1st`, `22nd`, `3rd`),
/// a unit designator (`apt`, `apartment`, `unit`, `suite`, `ste`, `flat`, `room`, `rm`, `floor`, `fl`, `no`) and
/// the token after it are dropped, a `#` and what follows it are dropped, and street-type words are abbreviated
/// (`street` → `st`, `avenue` → `ave`, `road` → `rd`, `drive` → `dr`, `boulevard` → `blvd`, `lane` → `ln`,
/// `court` → `ct`, `place` → `pl`, `terrace` → `ter`, `highway` → `hwy`, `parkway` → `pkwy`). The result is
/// `street|city|state`: `1420 Maple Avenue, Apt 3B` / `Springfield` / `il` → `maple ave|springfield|il`. The ZIP
/// code is not part of the key (it is often missing or mistyped, and the city and state already place the street).
public enum PersonalAttributeNormalizer {
    /// The normalised spelling of a name or any other free-text attribute.
    public static func name(_ text: String) -> String {
        tokens(text).joined(separator: " ")
    }

    /// The street-level key of an address.
    public static func address(street: String, city: String?, state: String?) -> String {
        var kept: [String] = []
        var streetTokens = tokens(street.split(separator: "#", maxSplits: 1).first.map(String.init) ?? "")
        while let first = streetTokens.first, isHouseNumber(first) { streetTokens.removeFirst() }
        var index = 0
        while index < streetTokens.count {
            let token = streetTokens[index]
            if unitDesignators.contains(token) {
                index += 2
                continue
            }
            kept.append(streetTypes[token] ?? token)
            index += 1
        }
        return [kept.joined(separator: " "), name(city ?? ""), name(state ?? "")].joined(separator: "|")
    }

    /// A token with a digit that is not an ordinal street name (`5th`, `1st`, `22nd`, `3rd`).
    static func isHouseNumber(_ token: String) -> Bool {
        guard token.contains(where: \.isNumber) else { return false }
        let digits = token.prefix { $0.isNumber }
        let suffix = token.dropFirst(digits.count)
        return digits.isEmpty || !["st", "nd", "rd", "th"].contains(String(suffix))
    }

    static let unitDesignators: Set<String> = [
        "apt", "apartment", "unit", "suite", "ste", "flat", "room", "rm", "floor", "fl", "no",
    ]

    static let streetTypes: [String: String] = [
        "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "boulevard": "blvd", "lane": "ln",
        "court": "ct", "place": "pl", "terrace": "ter", "highway": "hwy", "parkway": "pkwy",
    ]

    static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{02BC}", "`", "\u{2018}"]

    /// The normalised words of a text (steps 1–5 of a name).
    static func tokens(_ text: String) -> [String] {
        let decomposed = text.decomposedStringWithCompatibilityMapping
        var stripped = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: stripped.append(scalar)
            }
        }
        let folded = String(stripped).uppercased().lowercased()
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if apostrophes.contains(scalar) { continue }
            let category = scalar.properties.generalCategory
            let isWordScalar: Bool
            switch category {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber:
                isWordScalar = true
            case .nonspacingMark, .spacingMark, .enclosingMark:
                isWordScalar = true
            default:
                isWordScalar = false
            }
            if isWordScalar {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }
}
