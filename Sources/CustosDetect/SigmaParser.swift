import Yams

/// Parses Sigma rule texts (YAML, one or more `---`-separated documents) into ``SigmaDocument`` values.
///
/// Parsing does no I/O: the caller reads the file and passes its text and name; every problem is a ``RuleError``
/// naming that file, the line and column, and what is wrong. Parsing never traps, whatever the input.
public enum SigmaParser {
    /// The longest rule text accepted, in UTF-8 bytes.
    public static let maximumTextLength = 1 << 20

    /// Parses every document of a rule file.
    ///
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The file's name, used in errors and locations.
    /// - Throws: ``RuleError`` for the first problem found.
    public static func parseDocuments(_ text: String, file: String) throws(RuleError) -> [SigmaDocument] {
        guard text.utf8.count <= maximumTextLength else {
            throw RuleError(file: file, message: "rule file is larger than \(maximumTextLength) bytes")
        }
        var nodes: [Node] = []
        do {
            var sequence = try Yams.compose_all(yaml: text)
            while let node = sequence.next() { nodes.append(node) }
            if let error = sequence.error { throw error }
        } catch let yamlError as YamlError {
            throw Self.ruleError(yamlError, file: file)
        } catch {
            throw RuleError(file: file, message: "not valid YAML: \(error)")
        }
        let reader = YAMLNodeReader(file: file)
        var budget = maximumNodeCount
        for node in nodes where !Self.withinBudget(node, &budget) {
            throw reader.error(
                node,
                "the document has more than \(maximumNodeCount) YAML nodes (anchors and aliases expand into copies)"
            )
        }
        var documents: [SigmaDocument] = []
        for node in nodes {
            documents.append(try parseDocument(node, reader: reader))
        }
        if documents.isEmpty { throw RuleError(file: file, line: 1, message: "the file holds no rule") }
        return documents
    }

    /// The most YAML nodes (after alias expansion) a rule file may have; bounds the work an alias bomb can cause.
    public static let maximumNodeCount = 100_000

    private static func withinBudget(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if !withinBudget(key, &budget) || !withinBudget(value, &budget) { return false }
            }
        case .sequence(let sequence):
            for element in sequence where !withinBudget(element, &budget) { return false }
        case .scalar, .alias:
            break
        }
        return true
    }

    /// Parses a file expected to hold exactly one detection rule.
    public static func parseRule(_ text: String, file: String) throws(RuleError) -> SigmaRule {
        let documents = try parseDocuments(text, file: file)
        guard documents.count == 1, case .rule(let rule) = documents[0] else {
            throw RuleError(file: file, line: 1, message: "expected exactly one detection rule in the file")
        }
        return rule
    }

    static func ruleError(_ error: YamlError, file: String) -> RuleError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text): " } ?? ""
            return RuleError(
                file: file,
                line: mark.line,
                column: mark.column,
                message: "invalid YAML: \(detail)\(problem)"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return RuleError(
                file: file,
                line: context.mark.line,
                column: context.mark.column,
                message: "duplicate key \(keys) in the mapping that starts here"
            )
        default:
            return RuleError(file: file, message: "invalid YAML: \(error)")
        }
    }

    private static func parseDocument(_ node: Node, reader: YAMLNodeReader) throws(RuleError) -> SigmaDocument {
        let members = try reader.mapping(node, what: "a rule document")
        func member(_ key: String) -> Node? { members.first { $0.key == key }?.value }
        if let action = member("action") {
            throw reader.error(action, "rule collections ('action: global') are not supported; write each rule in full")
        }
        let metadata = try parseMetadata(node, members: members, reader: reader)
        if let correlation = member("correlation") {
            if let detection = member("detection") {
                throw reader.error(detection, "a document cannot have both 'detection' and 'correlation'")
            }
            return .correlation(
                try CorrelationParser.parse(correlation, document: members, metadata: metadata, reader: reader)
            )
        }
        guard let detection = member("detection") else {
            throw reader.error(node, "rule '\(metadata.title)' has neither a 'detection' nor a 'correlation' section")
        }
        var logSource = LogSource()
        if let logNode = member("logsource") {
            for (key, keyNode, value) in try reader.mapping(logNode, what: "'logsource'") {
                switch key {
                case "category": logSource.category = try reader.string(value, what: "'logsource.category'")
                case "product": logSource.product = try reader.string(value, what: "'logsource.product'")
                case "service": logSource.service = try reader.string(value, what: "'logsource.service'")
                case "definition": logSource.definition = try reader.string(value, what: "'logsource.definition'")
                default: _ = keyNode
                }
            }
        }
        return .rule(try DetectionParser.parse(detection, metadata: metadata, logSource: logSource, reader: reader))
    }

    private static let statuses: Set<String> = ["stable", "test", "experimental", "deprecated", "unsupported"]
    private static let levels: Set<String> = ["informational", "low", "medium", "high", "critical"]

    private static func parseMetadata(
        _ node: Node,
        members: [(key: String, keyNode: Node, value: Node)],
        reader: YAMLNodeReader
    ) throws(RuleError) -> RuleMetadata {
        guard let titleNode = members.first(where: { $0.key == "title" })?.value else {
            throw reader.error(node, "the rule has no 'title'")
        }
        let title = try reader.string(titleNode, what: "'title'")
        guard !title.isEmpty, title.count <= 256 else {
            throw reader.error(titleNode, "'title' must have 1 to 256 characters")
        }
        var metadata = RuleMetadata(title: title, location: reader.location(node))
        for (key, _, value) in members {
            switch key {
            case "id": metadata.id = try reader.string(value, what: "'id'")
            case "name": metadata.name = try reader.string(value, what: "'name'")
            case "description": metadata.description = try reader.string(value, what: "'description'")
            case "explanation": metadata.explanation = try reader.string(value, what: "'explanation'")
            case "author": metadata.author = try reader.string(value, what: "'author'")
            case "tags": metadata.tags = try reader.strings(value, what: "'tags'")
            case "falsepositives": metadata.falsePositives = try reader.strings(value, what: "'falsepositives'")
            case "status":
                let status = try reader.string(value, what: "'status'")
                guard statuses.contains(status) else {
                    throw reader.error(value, "unknown status '\(status)' (expected one of \(statuses.sorted()))")
                }
                metadata.status = status
            case "level":
                let level = try reader.string(value, what: "'level'")
                guard levels.contains(level) else {
                    throw reader.error(value, "unknown level '\(level)' (expected one of \(levels.sorted()))")
                }
                metadata.level = level
            default: break
            }
        }
        return metadata
    }
}
