/// The `windash` modifier: a `-` or `/` that starts an option (not preceded by a word character, followed by one)
/// also matches `/`, `-`, en dash, em dash and horizontal bar, as pySigma expands it.
///
/// In Custos it makes sense for fields holding command lines or query syntax that hosts pass through verbatim
/// (`attributes.command`, `query`), where `-export` and `/export` mean the same.
enum WindowsDash {
    /// The characters an option dash may be written as.
    static let dashes: [Character] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]

    /// The offsets (in characters) of the option dashes of a string.
    static func positions(_ text: String) -> [Int] {
        let characters = Array(text)
        var out: [Int] = []
        for (i, c) in characters.enumerated() where c == "-" || c == "/" {
            let afterWord = i > 0 && isWord(characters[i - 1])
            let beforeWord = i + 1 < characters.count && isWord(characters[i + 1])
            if !afterWord && beforeWord { out.append(i) }
        }
        return out
    }

    /// How many variants the expansion of a string has.
    static func variantCount(_ text: String) -> Int {
        let n = positions(text).count
        return n > 5 ? Int.max : Int(pow5(n))
    }

    private static func pow5(_ n: Int) -> Int { n == 0 ? 1 : 5 * pow5(n - 1) }

    /// Every variant of a string, the original first.
    static func variants(_ text: String) -> [String] {
        let characters = Array(text)
        var results: [[Character]] = [characters]
        for position in positions(text) {
            var next: [[Character]] = []
            for variant in results {
                for dash in dashes {
                    var copy = variant
                    copy[position] = dash
                    next.append(copy)
                }
            }
            results = next
        }
        var seen = Set<String>()
        return results.map { String($0) }.filter { seen.insert($0).inserted }
    }

    private static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
