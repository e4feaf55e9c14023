/// The explanation of a detection rule's single-event findings, prepared once per rule: the rule's `explanation`
/// template split into text and placeholders (each placeholder's field path parsed once), or the default
/// "<title>: <actor> <action>". ``text(for:)`` gives exactly what ``FindingExplanation/match(_:event:)`` gives.
struct MatchExplanation: Sendable {
    private enum Piece: Sendable {
        case text(String)
        /// A placeholder naming an event field: its value, else "" when the name has a path's shape, else as written.
        case field(FieldPath, shapedLikePath: Bool)
    }

    private static let actorPath = FieldPath("actor.id")
    private static let actionPath = FieldPath("action")

    private let title: String
    /// The template's pieces, or nil for the default explanation.
    private let pieces: [Piece]?

    /// Prepares the explanation of a rule.
    init(_ rule: SigmaRule) {
        title = rule.metadata.title
        guard let template = rule.metadata.explanation else {
            pieces = nil
            return
        }
        let constants = ["title": rule.metadata.title, "value": "1", "count": "1", "duration": "0 seconds"]
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            pieces.append(.text(String(rest[..<open])))
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let constant = constants[name] {
                pieces.append(.text(constant))
            } else {
                pieces.append(.field(FieldPath(name), shapedLikePath: FindingExplanation.isFieldPath(name)))
            }
            rest = rest[rest.index(after: close)...]
        }
        pieces.append(.text(String(rest)))
        self.pieces = pieces
    }

    /// The explanation of the rule matching an event.
    func text(for event: DetectionEvent) -> String {
        guard let pieces else {
            let actor = CorrelationEngine.text(event.value(at: Self.actorPath)) ?? "unknown actor"
            let action = CorrelationEngine.text(event.value(at: Self.actionPath)) ?? "access"
            return "\(title): \(actor) \(action)"
        }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                out += text
            case .field(let path, let shapedLikePath):
                out += CorrelationEngine.text(event.value(at: path)) ?? (shapedLikePath ? "" : "{\(path.text)}")
            }
        }
        return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
