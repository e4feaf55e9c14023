import CustosCore
import CustosDetect

/// The rules and events of the differential test against pySigma.
///
/// Every rule uses only flat scalar fields: pySigma's SQL backends cannot express "any element of a list", so list
/// fields (`actor.roles`, `resource.labels`, `subjects`) stay out of the corpus and are tested in ``MatcherTests``.
/// Numeric fields always hold numbers and rules compare them with numbers: Custos deliberately lets `'4625'` match
/// 4625 and the reverse, which SQLite without type affinity does not.
enum DifferentialCorpus {
    /// (file name, detection section body with its condition).
    static let detections: [(String, String)] = [
        ("eq_action", "sel:\n    action: export\ncondition: sel"),
        ("eq_case", "sel:\n    actor.id: OFFICER-3\ncondition: sel"),
        ("list_or", "sel:\n    action:\n        - export\n        - print\ncondition: sel"),
        ("wild_star", "sel:\n    resource.dataset: 'pers*'\ncondition: sel"),
        ("wild_question", "sel:\n    query: 'dob:1970-01-0?'\ncondition: sel"),
        ("wild_escaped_star", "sel:\n    query: 'name:Smith\\*'\ncondition: sel"),
        ("wild_escaped_question", "sel:\n    query: 'dob:1970-01-0\\?'\ncondition: sel"),
        ("wild_middle", "sel:\n    actor.org: 'fo/*o'\ncondition: sel"),
        ("contains", "sel:\n    query|contains: persons\ncondition: sel"),
        ("startswith", "sel:\n    actor.id|startswith: svc\ncondition: sel"),
        ("endswith", "sel:\n    resource.dataset|endswith: _archive\ncondition: sel"),
        ("contains_all", "sel:\n    query|contains|all:\n        - select\n        - from\ncondition: sel"),
        ("contains_list", "sel:\n    query|contains:\n        - ssn\n        - dob\ncondition: sel"),
        ("percent_literal", "sel:\n    query|contains: '100%'\ncondition: sel"),
        ("underscore_literal", "sel:\n    query|contains: 'under_'\ncondition: sel"),
        ("backslash_path", "sel:\n    query|startswith: 'C:\\exports\\'\ncondition: sel"),
        ("backslash_escaped", "sel:\n    query|endswith: '\\\\dump.csv'\ncondition: sel"),
        ("re_plain", "sel:\n    query|re: '\\d{3}-\\d{2}-\\d{4}'\ncondition: sel"),
        ("re_ignore_case", "sel:\n    query|re|i: '^select'\ncondition: sel"),
        ("re_anchored", "sel:\n    actor.id|re: '^officer-1[0-9]$'\ncondition: sel"),
        ("cidr_8", "sel:\n    actor.ip|cidr: 10.0.0.0/8\ncondition: sel"),
        ("cidr_12", "sel:\n    actor.ip|cidr: 172.16.0.0/12\ncondition: sel"),
        ("cidr_list", "sel:\n    actor.ip|cidr:\n        - 192.168.0.0/16\n        - 8.8.8.8/32\ncondition: sel"),
        ("gt", "sel:\n    rows|gt: 50000\ncondition: sel"),
        ("gte", "sel:\n    rows|gte: 10000\ncondition: sel"),
        ("lt", "sel:\n    rows|lt: 10\ncondition: sel"),
        ("lte_float", "sel:\n    attributes.score|lte: 0.25\ncondition: sel"),
        ("exists_true", "sel:\n    purpose.case|exists: true\ncondition: sel"),
        ("exists_false", "sel:\n    query|exists: false\ncondition: sel"),
        ("null_value", "sel:\n    attributes.note: null\ncondition: sel"),
        ("bool_true", "sel:\n    attributes.after_hours: true\ncondition: sel"),
        ("bool_false", "sel:\n    attributes.after_hours: false\ncondition: sel"),
        ("number_eq", "sel:\n    rows: 0\ncondition: sel"),
        ("number_list", "sel:\n    rows:\n        - 1\n        - 2\n        - 3\ncondition: sel"),
        ("windash", "sel:\n    query|windash|contains: ' -export'\ncondition: sel"),
        ("cased", "sel:\n    app|cased: CoreBanking\ncondition: sel"),
        ("cased_wildcard", "sel:\n    app|cased: 'core*'\ncondition: sel"),
        ("empty_string", "sel:\n    query: ''\ncondition: sel"),
        ("map_and", "sel:\n    action: export\n    resource.dataset: persons\ncondition: sel"),
        (
            "list_of_maps",
            "sel:\n    - action: export\n      rows|gt: 1000\n    - action: print\n      outcome: denied\n"
                + "condition: sel"
        ),
        (
            "and_not",
            "sel:\n    action: export\nfilter:\n    purpose.case|startswith: C-2024\ncondition: sel and not filter"
        ),
        ("or", "a:\n    action: print\nb:\n    outcome: failure\ncondition: a or b"),
        (
            "parentheses",
            "a:\n    action: view\nb:\n    action: search\nc:\n    outcome: success\ncondition: (a or b) and not c"
        ),
        (
            "one_of",
            "sel_export:\n    action: export\nsel_big:\n    rows|gte: 90000\nother:\n    app: ehr\n"
                + "condition: 1 of sel_*"
        ),
        (
            "all_of",
            "sel_export:\n    action: export\nsel_big:\n    rows|gte: 20000\nother:\n    app: ehr\n"
                + "condition: all of sel_*"
        ),
        ("one_of_them", "a:\n    app: ehr\nb:\n    outcome: denied\ncondition: 1 of them"),
        ("all_of_them", "a:\n    app: ehr\nb:\n    outcome: denied\ncondition: all of them"),
        (
            "not_not",
            "a:\n    action: search\nb:\n    query|contains: smith\ncondition: not (a and not b)"
        ),
        (
            "precedence",
            "a:\n    action: print\nb:\n    app: casebook\nc:\n    outcome: denied\ncondition: a or b and c"
        ),
        ("not_missing_field", "sel:\n    attributes.note|contains: urgent\ncondition: not sel"),
        (
            "denied_after_hours",
            "sel:\n    outcome: denied\n    attributes.after_hours: true\ncondition: sel"
        ),
        ("contains_inner_wildcard", "sel:\n    query|contains: 'tool*all'\ncondition: sel"),
        ("startswith_list", "sel:\n    actor.org|startswith:\n        - fo/\n        - hq/\ncondition: sel"),
        ("endswith_question", "sel:\n    query|endswith: '.cs?'\ncondition: sel"),
        (
            "mixed",
            "sel:\n    action|startswith: case\n    actor.ip|cidr: 10.0.0.0/8\nfilter:\n    rows|lt: 100\n"
                + "condition: sel and not filter or 1 of sel"
        ),
        ("time_hour", "sel:\n    time|hour:\n        - 0\n        - 1\n        - 22\n        - 23\ncondition: sel"),
        ("time_minute", "sel:\n    time|minute:\n        - 0\n        - 59\ncondition: sel"),
        ("time_day", "sel:\n    time|day:\n        - 1\n        - 31\ncondition: sel"),
        ("time_week", "sel:\n    time|week:\n        - 0\n        - 1\n        - 52\n        - 53\ncondition: sel"),
        ("time_month", "sel:\n    time|month: 12\ncondition: sel"),
        ("time_year", "sel:\n    time|year: 2027\ncondition: sel"),
        ("neq_action", "sel:\n    action|neq: export\ncondition: sel"),
        ("neq_list", "sel:\n    actor.org|neq:\n        - fo/chicago\n        - hq/legal\ncondition: sel"),
        ("neq_contains", "sel:\n    query|contains|neq: smith\ncondition: sel"),
        ("neq_number", "sel:\n    action: export\n    rows|neq: 0\ncondition: sel"),
    ]

    /// Field conditions that random rules are composed of: (field, the YAML entry).
    static let atoms: [(String, String)] = [
        ("action", "action: export"),
        ("action", "action:\n    - view\n    - search"),
        ("action", "action|startswith: case"),
        ("actor.id", "actor.id|startswith: svc"),
        ("actor.id", "actor.id: officer-3"),
        ("actor.id", "actor.id|re: '-1[0-9]$'"),
        ("actor.org", "actor.org|startswith: fo/"),
        ("actor.org", "actor.org: 'hq/*'"),
        ("actor.ip", "actor.ip|cidr: 10.0.0.0/8"),
        ("actor.ip", "actor.ip|cidr:\n    - 172.16.0.0/12\n    - 8.8.8.8/32"),
        ("resource.dataset", "resource.dataset: persons"),
        ("resource.dataset", "resource.dataset|contains: _"),
        ("query", "query|contains: smith"),
        ("query", "query|contains|all:\n    - tool\n    - all"),
        ("query", "query|re|i: '^select'"),
        ("query", "query: 'dob:1970-01-0?'"),
        ("query", "query|exists: false"),
        ("query", "query|windash|startswith: 'tool -'"),
        ("rows", "rows|gte: 10000"),
        ("rows", "rows|lt: 100"),
        ("rows", "rows:\n    - 0\n    - 1000"),
        ("purpose.case", "purpose.case|exists: true"),
        ("purpose.case", "purpose.case|startswith: C-2024"),
        ("outcome", "outcome:\n    - denied\n    - failure"),
        ("outcome", "outcome: success"),
        ("app", "app|cased: 'core*'"),
        ("app", "app: corebanking"),
        ("attributes.after_hours", "attributes.after_hours: true"),
        ("attributes.note", "attributes.note: null"),
        ("attributes.note", "attributes.note|contains: urgent"),
        ("attributes.score", "attributes.score|gt: 0.5"),
        ("time", "time|hour:\n    - 8\n    - 9\n    - 10"),
        ("outcome", "outcome|neq: success"),
    ]

    /// Rules composed at random from ``atoms``: 2 to 4 selections of 1 to 3 conditions (sometimes a list of two
    /// maps) and a random condition with `and`, `or`, `not`, parentheses and quantifiers.
    static func generatedDetections(count: Int, seed: UInt64) -> [(String, String)] {
        var random = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        func map(indent: String) -> String {
            var used = Set<String>()
            var lines: [String] = []
            for _ in 0..<(1 + below(3)) {
                let (field, entry) = atoms[below(atoms.count)]
                guard used.insert(field).inserted else { continue }
                lines.append(entry.split(separator: "\n").map { indent + $0 }.joined(separator: "\n"))
            }
            return lines.joined(separator: "\n")
        }
        var out: [(String, String)] = []
        for index in 0..<count {
            let names = (0..<(2 + below(3))).map { ["sel_a", "sel_b", "filter_c", "sel_d"][$0] }
            var body = ""
            for name in names {
                if below(4) == 0 {
                    let first = map(indent: "      ")
                    let second = map(indent: "      ")
                    body += "\(name):\n    - " + first.dropFirst(6) + "\n    - " + second.dropFirst(6) + "\n"
                } else {
                    body += "\(name):\n" + map(indent: "    ") + "\n"
                }
            }
            func expression(_ depth: Int) -> String {
                switch depth >= 2 ? below(2) : below(7) {
                case 0, 1: return names[below(names.count)]
                case 2: return "not " + expression(depth + 1)
                case 3: return "(" + expression(depth + 1) + " and " + expression(depth + 1) + ")"
                case 4: return "(" + expression(depth + 1) + " or " + expression(depth + 1) + ")"
                case 5: return below(2) == 0 ? "1 of sel_*" : "all of sel_*"
                default: return expression(depth + 1) + " and not " + expression(depth + 1)
                }
            }
            body += "condition: " + expression(0)
            out.append(("random_\(index)", body))
        }
        return out
    }

    /// The rule texts, by file name: the hand-written corpus and 50 random rules.
    static var rules: [(name: String, text: String)] {
        (detections + generatedDetections(count: 50, seed: 99)).map { name, body in
            let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            let text =
                "title: \(name)\nname: \(name)\nlogsource:\n    product: custos\ndetection:\n"
                + indented.joined(separator: "\n") + "\nlevel: low\n"
            return (name + ".yml", text)
        }
    }

    /// Flat events: dotted field path → scalar value.
    static func events(count: Int, seed: UInt64) -> [[(String, JSONValue)]] {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        var events: [[(String, JSONValue)]] = []
        for _ in 0..<count {
            var event: [(String, JSONValue)] = []
            // 2025-12-20 to 2027-01-10, to cross year, month and week boundaries.
            let millisecond = 1_766_188_800_000 + Int64(random.next() % 33_000_000_000)
            event.append(("time", .string(Timestamp(millisecondsSinceEpoch: millisecond).rfc3339)))
            event.append(("action", .string(pick(["export", "view", "search", "print", "casebook.merge", "Export"]))))
            event.append(
                ("actor.id", .string(pick(["officer-\(random.next() % 25)", "Officer-3", "svc-batch", "SVC-Load"])))
            )
            if chance(90) {
                event.append(
                    ("actor.org", .string(pick(["fo/minneapolis", "fo/chicago", "FO/Toronto", "hq/legal", "HQ/it"])))
                )
            }
            if chance(90) {
                let ip = pick([
                    "10.\(random.next() % 256).\(random.next() % 256).\(random.next() % 256)",
                    "192.168.\(random.next() % 256).\(random.next() % 256)",
                    "172.\(10 + random.next() % 30).\(random.next() % 256).1",
                    "8.8.8.8", "8.8.4.4",
                ])
                event.append(("actor.ip", .string(ip)))
            }
            event.append(
                (
                    "resource.dataset",
                    .string(pick(["persons", "vehicles", "Persons_Archive", "case_notes", "PERSONS"]))
                )
            )
            if chance(85) {
                event.append(
                    (
                        "query",
                        .string(
                            pick([
                                "name:Smith*", "name:Smith", "name:SMITHERS", "dob:1970-01-05", "dob:1970-01-0?",
                                "dob:1970-01-15",
                                "SELECT * FROM persons", "select name from vehicles", "ssn 123-45-6789",
                                "ssn 12-345-6789",
                                "C:\\exports\\dump.csv", "C:\\exports\\dump.csx", "D:\\other\\dump.csv",
                                "tool -export all",
                                "tool /export all", "tool \u{2013}export all", "tool export all", "100% match",
                                "1000 match",
                                "under_score", "underscore", "", "persons of interest",
                            ])
                        )
                    )
                )
            }
            if chance(80) {
                event.append(
                    (
                        "rows",
                        .integer(
                            pick([
                                0, 1, 2, 3, 5, 9, 10, 99, 100, 1000, 1001, 9999, 10000, 20000, 50000,
                                50001, 90000, Int64(random.next() % 100_000),
                            ])
                        )
                    )
                )
            }
            if chance(50) {
                event.append(("purpose.case", .string(pick(["C-2024-0001", "C-2023-0042", "c-2024-9", "X-1"]))))
            }
            event.append(("outcome", .string(pick(["success", "success", "denied", "failure"]))))
            event.append(("app", .string(pick(["casebook", "ehr", "CoreBanking", "corebanking", "coreledger"]))))
            if chance(60) { event.append(("attributes.after_hours", .bool(chance(50)))) }
            if chance(60) {
                event.append(
                    ("attributes.note", chance(30) ? .null : .string(pick(["urgent review", "routine", "URGENT"])))
                )
            }
            if chance(70) { event.append(("attributes.score", .double(Double(random.next() % 100) / 100))) }
            events.append(event)
        }
        return events
    }

    /// A flat event as the nested JSON object detection reads.
    static func nested(_ flat: [(String, JSONValue)]) -> JSONObject {
        var root = JSONObject()
        for (path, value) in flat {
            let components = path.split(separator: ".").map(String.init)
            root = inserting(value, at: components[...], into: root)
        }
        return root
    }

    private static func inserting(
        _ value: JSONValue,
        at path: ArraySlice<String>,
        into object: JSONObject
    ) -> JSONObject {
        var object = object
        guard let head = path.first else { return object }
        if path.count == 1 {
            object[head] = value
        } else {
            let child = object[head]?.objectValue ?? JSONObject()
            object[head] = .object(inserting(value, at: path.dropFirst(), into: child))
        }
        return object
    }
}
