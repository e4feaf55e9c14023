/// Many rule files parsed together: the detection rules compiled, the correlation rules checked against them, and
/// every problem collected (a broken file does not stop the others from loading).
///
/// ```swift
/// let set = RuleSet(files: ["bulk_export.yml": text1, "vip_lookup.yml": text2])
/// for error in set.errors { print(error) }      // file:line:column: message
/// var engine = try DetectionEngine(ruleSet: set)
/// ```
public struct RuleSet: Sendable {
    /// The detection rules that loaded, with their compiled matchers, in file-name then document order.
    public private(set) var matchers: [RuleMatcher] = []
    /// The correlation rules that loaded and whose references resolve.
    public private(set) var correlations: [CorrelationRule] = []
    /// Every problem found: parse and compile errors in file-name order (a file with a malformed document is skipped
    /// whole, since its documents may depend on each other), then duplicate names, then unresolved correlations.
    public private(set) var errors: [RuleError] = []
    /// The compiled rules' conditions, flattened.
    private var program = MatchProgram([], table: FieldTestTable())
    /// Which rules an event can match at all, from their literal equalities.
    private var prefilter = RulePrefilter([])
    /// The field paths the compiled rules and the prefilter read, numbered.
    private var slots = FieldSlots()
    /// The distinct field tests of the compiled rules and the prefilter, numbered.
    private var tests = FieldTestTable()

    /// The detection rules that loaded.
    public var rules: [SigmaRule] { matchers.map(\.rule) }

    /// Parses and compiles rule files given as file name → YAML text; never throws.
    public init(files: [String: String]) {
        var names: [String: SourceLocation] = [:]
        var pendingCorrelations: [CorrelationRule] = []
        for file in files.keys.sorted() {
            let documents: [SigmaDocument]
            do {
                documents = try SigmaParser.parseDocuments(files[file] ?? "", file: file)
            } catch {
                errors.append(error)
                continue
            }
            for document in documents {
                let metadata = document.metadata
                var duplicate = false
                for name in Set([metadata.id, metadata.name].compactMap({ $0 })) {
                    if let previous = names[name] {
                        errors.append(
                            metadata.location.error("the id or name '\(name)' is already used at \(previous)")
                        )
                        duplicate = true
                    }
                }
                if duplicate { continue }
                switch document {
                case .rule(let rule):
                    do {
                        matchers.append(try RuleMatcher(rule: rule, slots: &slots, tests: &tests))
                    } catch {
                        errors.append(error)
                        continue
                    }
                case .correlation(let correlation):
                    pendingCorrelations.append(correlation)
                }
                for name in [metadata.id, metadata.name].compactMap({ $0 }) { names[name] = metadata.location }
            }
        }
        // Keep only correlations whose references resolve (to rules or to other kept correlations), no cycles.
        var candidates = pendingCorrelations
        while true {
            do {
                _ = try CorrelationEngine(correlations: candidates, rules: matchers.map(\.rule))
                break
            } catch {
                errors.append(error)
                let before = candidates.count
                let culprit = SourceLocation(file: error.file, line: error.line ?? 0, column: error.column ?? 0)
                candidates.removeAll { $0.metadata.location == culprit }
                if candidates.count == before { candidates.removeAll() }
            }
        }
        correlations = candidates
        prefilter = RulePrefilter(matchers, slots: &slots, tests: &tests)
        program = MatchProgram(matchers, table: tests)
    }

    /// The indices (into ``matchers``) of the rules an event matches.
    public func matchingRules(_ event: DetectionEvent) -> [Int] {
        var values = fieldValues(of: event)
        return matchingRules(&values)
    }

    /// An event's values at the paths the rules read, for ``matchingRules(_:)-(inout)``.
    func fieldValues(of event: DetectionEvent) -> EventFieldValues {
        EventFieldValues(event, paths: slots.paths, testCount: tests.tests.count)
    }

    /// The indices (into ``matchers``) of the rules an event matches, each field of it read once.
    func matchingRules(_ values: inout EventFieldValues) -> [Int] {
        var matched: [Int] = []
        prefilter.forEachCandidate(&values) { index, values in
            if program.matches(index, &values) { matched.append(index) }
        }
        return matched
    }

}
