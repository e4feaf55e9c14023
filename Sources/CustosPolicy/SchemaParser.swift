extension Schema {
    /// Parses the Cedar human-readable schema format (namespaces, entity types incl. enumerated ones, actions with
    /// `appliesTo`, common types, tags), resolving type names as Cedar does.
    public init(parsing text: String) throws(PolicyParseError) {
        var parser = try SchemaParser(text)
        self = try parser.parse()
    }
}

/// Parses the human-readable schema syntax into a resolved `Schema`.
private struct SchemaParser {
    private var tokens: [Token]
    private var position = 0
    private var declarations = SchemaDeclarations()

    init(_ text: String) throws(PolicyParseError) {
        var lexer = Lexer(text)
        self.tokens = try lexer.tokenize()
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func error(_ reason: String, at location: SourceLocation? = nil) -> PolicyParseError {
        PolicyParseError(location: location ?? current.location, reason: reason)
    }

    private func isSymbol(_ s: String) -> Bool {
        if case .symbol(let t) = current.kind { return t == s }
        return false
    }

    private func isIdentifier(_ s: String) -> Bool {
        if case .identifier(let t) = current.kind { return t == s }
        return false
    }

    private mutating func expectSymbol(_ s: String) throws(PolicyParseError) {
        guard isSymbol(s) else { throw error("expected `\(s)`") }
        advance()
    }

    private mutating func expectIdentifier() throws(PolicyParseError) -> String {
        guard case .identifier(let s) = current.kind else { throw error("expected an identifier") }
        advance()
        return s
    }

    private mutating func expectString() throws(PolicyParseError) -> String {
        guard case .string(let raw) = current.kind else { throw error("expected a string literal") }
        let location = current.location
        advance()
        switch StringUnescaper.unescape(raw) {
        case .success(let s): return s
        case .failure(let failure): throw error(failure.reason, at: location)
        }
    }

    /// An identifier or a string literal (names of attributes and actions).
    private mutating func expectName() throws(PolicyParseError) -> String {
        if case .string = current.kind { return try expectString() }
        return try expectIdentifier()
    }

    private mutating func skipAnnotations() throws(PolicyParseError) {
        while isSymbol("@") {
            advance()
            _ = try expectIdentifier()
            if isSymbol("(") {
                advance()
                _ = try expectString()
                try expectSymbol(")")
            }
        }
    }

    private mutating func parsePath() throws(PolicyParseError) -> [String] {
        var path = [try expectIdentifier()]
        while isSymbol("::") {
            advance()
            path.append(try expectIdentifier())
        }
        return path
    }

    mutating func parse() throws(PolicyParseError) -> Schema {
        while current.kind != .end {
            try skipAnnotations()
            if isIdentifier("namespace") {
                advance()
                let namespace = try parsePath().joined(separator: "::")
                try expectSymbol("{")
                while !isSymbol("}") {
                    try skipAnnotations()
                    try parseDeclaration(namespace: namespace)
                }
                try expectSymbol("}")
            } else {
                try parseDeclaration(namespace: "")
            }
        }
        return try declarations.resolve()
    }

    private mutating func parseDeclaration(namespace: String) throws(PolicyParseError) {
        let location = current.location
        let keyword = try expectIdentifier()
        switch keyword {
        case "entity": try parseEntity(namespace: namespace, location: location)
        case "action": try parseAction(namespace: namespace, location: location)
        case "type":
            let name = try expectIdentifier()
            try expectSymbol("=")
            let type = try parseType()
            if isSymbol(";") { advance() }
            let qualified = namespace.isEmpty ? name : namespace + "::" + name
            guard declarations.commonTypes[qualified] == nil else {
                throw error("duplicate common type `\(qualified)`", at: location)
            }
            declarations.commonTypes[qualified] = (type, namespace)
        default:
            throw error("expected `entity`, `action`, `type` or `namespace`, found `\(keyword)`", at: location)
        }
    }

    private mutating func parseEntity(namespace: String, location: SourceLocation) throws(PolicyParseError) {
        var names = [try expectIdentifier()]
        while isSymbol(",") {
            advance()
            names.append(try expectIdentifier())
        }
        var declaration = EntityDeclaration(name: "", namespace: namespace, parents: [], location: location)
        if isIdentifier("enum") {
            advance()
            try expectSymbol("[")
            var ids: [String] = []
            while !isSymbol("]") {
                ids.append(try expectString())
                if isSymbol(",") { advance() } else { break }
            }
            try expectSymbol("]")
            declaration.enumeratedIDs = ids
        } else {
            if isIdentifier("in") {
                advance()
                declaration.parents = try parseTypeList()
            }
            if isSymbol("=") { advance() }
            if isSymbol("{") { declaration.attributes = try parseRecordType() }
            if isIdentifier("tags") {
                advance()
                declaration.tags = try parseType()
            }
        }
        try expectSymbol(";")
        for name in names {
            declaration.name = namespace.isEmpty ? name : namespace + "::" + name
            declarations.entities.append(declaration)
        }
    }

    /// `Type` or `[Type, …]`.
    private mutating func parseTypeList() throws(PolicyParseError) -> [[String]] {
        if isSymbol("[") {
            advance()
            var list: [[String]] = []
            while !isSymbol("]") {
                list.append(try parsePath())
                if isSymbol(",") { advance() } else { break }
            }
            try expectSymbol("]")
            return list
        }
        return [try parsePath()]
    }

    private mutating func parseType() throws(PolicyParseError) -> WrittenType {
        if isSymbol("{") { return try parseRecordType() }
        let location = current.location
        let path = try parsePath()
        if path == ["Set"] && isSymbol("<") {
            advance()
            let element = try parseType()
            try expectSymbol(">")
            return .set(element)
        }
        return .named(path, location)
    }

    private mutating func parseRecordType() throws(PolicyParseError) -> WrittenType {
        try expectSymbol("{")
        var fields: [(name: String, type: WrittenType, required: Bool)] = []
        while !isSymbol("}") {
            try skipAnnotations()
            let location = current.location
            let name = try expectName()
            var required = true
            if isSymbol("?") {
                advance()
                required = false
            }
            try expectSymbol(":")
            let type = try parseType()
            guard !fields.contains(where: { $0.name == name }) else {
                throw error("duplicate attribute `\(name)`", at: location)
            }
            fields.append((name, type, required))
            if isSymbol(",") { advance() } else { break }
        }
        try expectSymbol("}")
        return .record(fields)
    }

    private mutating func parseActionReference(namespace: String) throws(PolicyParseError) -> EntityUID {
        let actionType = namespace.isEmpty ? "Action" : namespace + "::Action"
        if case .string = current.kind { return EntityUID(type: actionType, id: try expectString()) }
        var path = [try expectIdentifier()]
        while isSymbol("::") {
            advance()
            if case .string = current.kind {
                let id = try expectString()
                return EntityUID(type: path == ["Action"] ? actionType : path.joined(separator: "::"), id: id)
            }
            path.append(try expectIdentifier())
        }
        guard path.count == 1 else { throw error("expected an action reference") }
        return EntityUID(type: actionType, id: path[0])
    }

    private mutating func parseAction(namespace: String, location: SourceLocation) throws(PolicyParseError) {
        var names = [try expectName()]
        while isSymbol(",") {
            advance()
            names.append(try expectName())
        }
        var parents: [EntityUID] = []
        if isIdentifier("in") {
            advance()
            if isSymbol("[") {
                advance()
                while !isSymbol("]") {
                    parents.append(try parseActionReference(namespace: namespace))
                    if isSymbol(",") { advance() } else { break }
                }
                try expectSymbol("]")
            } else {
                parents.append(try parseActionReference(namespace: namespace))
            }
        }
        var principals: [[String]] = []
        var resources: [[String]] = []
        var context: WrittenType?
        if isIdentifier("appliesTo") {
            advance()
            try expectSymbol("{")
            while !isSymbol("}") {
                let keyLocation = current.location
                let key = try expectIdentifier()
                try expectSymbol(":")
                switch key {
                case "principal": principals = try parseTypeList()
                case "resource": resources = try parseTypeList()
                case "context": context = try parseType()
                default: throw error("unexpected `\(key)` in `appliesTo`", at: keyLocation)
                }
                if isSymbol(",") { advance() } else { break }
            }
            try expectSymbol("}")
        }
        if isIdentifier("attributes") {
            advance()
            _ = try parseRecordType()
        }
        try expectSymbol(";")
        let actionType = namespace.isEmpty ? "Action" : namespace + "::Action"
        for name in names {
            declarations.actions.append(
                ActionDeclaration(
                    uid: EntityUID(type: actionType, id: name),
                    namespace: namespace,
                    parents: parents,
                    principals: principals,
                    resources: resources,
                    context: context,
                    location: location
                )
            )
        }
    }
}
