/// Parses Cedar policy text (the human-readable syntax) into `Policy` values.
struct PolicyParser {
    private var tokens: [Token]
    private var position = 0
    private var depth = 0
    private var currentPolicyID: String?

    /// The deepest nesting of expressions accepted; deeper input is rejected instead of exhausting the stack.
    static let maximumNesting = 64
    /// The greatest expression height accepted (long operator chains count too), so that evaluating, validating,
    /// comparing and releasing an expression never exhausts a thread's stack.
    static let maximumHeight = 100

    /// Creates a parser over `text`.
    init(_ text: String) throws(PolicyParseError) {
        var lexer = Lexer(text)
        self.tokens = try lexer.tokenize()
    }

    /// Parses every policy in the text; ids are `idPrefix0`, `idPrefix1`, … in source order.
    mutating func parsePolicies(idPrefix: String = "policy") throws(PolicyParseError) -> [Policy] {
        var policies: [Policy] = []
        while current.kind != .end {
            policies.append(try parsePolicy(id: "\(idPrefix)\(policies.count)"))
        }
        return policies
    }

    /// Parses a lone expression that must make up the whole text.
    mutating func parseWholeExpression() throws(PolicyParseError) -> CedarExpression {
        let e = try parseExpression()
        guard current.kind == .end else { throw error("unexpected \(describe(current)) after expression") }
        try checkHeight(e)
        return e
    }

    // MARK: Token helpers

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func error(_ reason: String, at location: SourceLocation? = nil) -> PolicyParseError {
        PolicyParseError(location: location ?? current.location, reason: reason, policyID: currentPolicyID)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier(let s): "`\(s)`"
        case .integer(let s): "`\(s)`"
        case .string: "string literal"
        case .slot(let s): "`?\(s)`"
        case .symbol(let s): "`\(s)`"
        case .end: "end of input"
        }
    }

    private func isSymbol(_ s: String, _ token: Token? = nil) -> Bool {
        if case .symbol(let t) = (token ?? current).kind { return t == s }
        return false
    }

    private func isIdentifier(_ s: String, _ token: Token? = nil) -> Bool {
        if case .identifier(let t) = (token ?? current).kind { return t == s }
        return false
    }

    private mutating func expectSymbol(_ s: String) throws(PolicyParseError) {
        guard isSymbol(s) else { throw error("expected `\(s)`, found \(describe(current))") }
        advance()
    }

    private mutating func expectIdentifier() throws(PolicyParseError) -> String {
        guard case .identifier(let s) = current.kind else {
            throw error("expected an identifier, found \(describe(current))")
        }
        advance()
        return s
    }

    private mutating func expectString() throws(PolicyParseError) -> String {
        guard case .string(let raw) = current.kind else {
            throw error("expected a string literal, found \(describe(current))")
        }
        let location = current.location
        advance()
        switch StringUnescaper.unescape(raw) {
        case .success(let s): return s
        case .failure(let failure): throw error(failure.reason, at: location)
        }
    }

    // MARK: Policies

    private mutating func parsePolicy(id: String) throws(PolicyParseError) -> Policy {
        currentPolicyID = id
        let start = current.location
        var annotations: [Annotation] = []
        while isSymbol("@") {
            advance()
            let keyLocation = current.location
            let key = try expectIdentifier()
            var value = ""
            if isSymbol("(") {
                advance()
                value = try expectString()
                try expectSymbol(")")
            }
            if annotations.contains(where: { $0.key == key }) {
                throw error("duplicate annotation `@\(key)`", at: keyLocation)
            }
            annotations.append(Annotation(key: key, value: value))
        }
        let effectLocation = current.location
        let effectName = try expectIdentifier()
        guard let effect = Effect(rawValue: effectName) else {
            throw error("expected `permit` or `forbid`, found `\(effectName)`", at: effectLocation)
        }
        try expectSymbol("(")
        let principal = try parseEntityScope(variable: "principal", slot: .principal)
        try expectSymbol(",")
        let action = try parseActionScope()
        try expectSymbol(",")
        let resource = try parseEntityScope(variable: "resource", slot: .resource)
        if isSymbol(",") { advance() }
        try expectSymbol(")")
        var conditions: [Condition] = []
        while case .identifier(let word) = current.kind {
            let location = current.location
            guard word == "when" || word == "unless" else {
                throw error("expected `when`, `unless` or `;`, found `\(word)`", at: location)
            }
            advance()
            try expectSymbol("{")
            if isSymbol("}") { throw error("empty `\(word)` clause") }
            let body = try parseExpression()
            try checkHeight(body)
            try expectSymbol("}")
            conditions.append(Condition(isWhen: word == "when", body: body))
        }
        try expectSymbol(";")
        return Policy(
            id: id,
            effect: effect,
            annotations: annotations,
            principal: principal,
            action: action,
            resource: resource,
            conditions: conditions,
            location: start
        )
    }

    private mutating func parseEntityScope(
        variable: String,
        slot: SlotID
    ) throws(PolicyParseError) -> EntityScopeConstraint {
        guard isIdentifier(variable) else { throw error("expected `\(variable)`, found \(describe(current))") }
        advance()
        if isIdentifier("is") {
            advance()
            let type = try parseTypeName()
            if isIdentifier("in") {
                advance()
                return .isTypeIn(type, try parseEntityReference(slot: slot))
            }
            return .isType(type)
        }
        if isSymbol("==") {
            advance()
            return .equal(try parseEntityReference(slot: slot))
        }
        if isIdentifier("in") {
            advance()
            return .in(try parseEntityReference(slot: slot))
        }
        if isSymbol(",") || isSymbol(")") { return .any }
        throw error("unexpected \(describe(current)) in the `\(variable)` scope")
    }

    private mutating func parseEntityReference(slot: SlotID) throws(PolicyParseError) -> EntityReference {
        if case .slot(let name) = current.kind {
            guard "?" + name == slot.rawValue else {
                throw error("expected slot `\(slot.rawValue)`, found `?\(name)`")
            }
            advance()
            return .slot(slot)
        }
        return .entity(try parseEntityLiteral())
    }

    private mutating func parseActionScope() throws(PolicyParseError) -> ActionScopeConstraint {
        guard isIdentifier("action") else { throw error("expected `action`, found \(describe(current))") }
        advance()
        if isSymbol("==") {
            advance()
            return .equal(try parseActionEntity())
        }
        if isIdentifier("in") {
            advance()
            if isSymbol("[") {
                advance()
                var list: [EntityUID] = []
                while !isSymbol("]") {
                    list.append(try parseActionEntity())
                    if isSymbol(",") { advance() } else { break }
                }
                try expectSymbol("]")
                return .inSet(list)
            }
            return .in(try parseActionEntity())
        }
        if isSymbol(",") { return .any }
        throw error("unexpected \(describe(current)) in the `action` scope")
    }

    private mutating func parseActionEntity() throws(PolicyParseError) -> EntityUID {
        let location = current.location
        let uid = try parseEntityLiteral()
        guard uid.type == "Action" || uid.type.hasSuffix("::Action") else {
            throw error("expected an entity of type `Action` in the action scope, found `\(uid.type)`", at: location)
        }
        return uid
    }

    /// Identifiers Cedar reserves: they cannot name types, namespaces or attributes accessed with `.`.
    static let reservedWords: Set<String> = [
        "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar",
    ]

    /// An identifier that may be part of a type name or namespace.
    private mutating func expectPathComponent() throws(PolicyParseError) -> String {
        let location = current.location
        let name = try expectIdentifier()
        try rejectReserved(name, at: location)
        return name
    }

    private func rejectReserved(_ name: String, at location: SourceLocation) throws(PolicyParseError) {
        if Self.reservedWords.contains(name) {
            throw error("`\(name)` is a reserved identifier and cannot be used here", at: location)
        }
    }

    /// `A::B::"id"`.
    private mutating func parseEntityLiteral() throws(PolicyParseError) -> EntityUID {
        var path = [try expectPathComponent()]
        while isSymbol("::") {
            advance()
            if case .string = current.kind {
                return EntityUID(type: path.joined(separator: "::"), id: try expectString())
            }
            path.append(try expectPathComponent())
        }
        throw error("expected an entity literal such as `Type::\"id\"`, found \(describe(current))")
    }

    /// `A::B` (an entity type name).
    private mutating func parseTypeName() throws(PolicyParseError) -> String {
        var path = [try expectPathComponent()]
        while isSymbol("::") {
            advance()
            path.append(try expectPathComponent())
        }
        return path.joined(separator: "::")
    }

    // MARK: Expressions

    private func checkHeight(_ e: CedarExpression) throws(PolicyParseError) {
        if e.height > Self.maximumHeight {
            throw error(
                "expression is nested too deeply (height \(e.height) exceeds \(Self.maximumHeight))",
                at: e.location
            )
        }
    }

    private mutating func enter() throws(PolicyParseError) {
        depth += 1
        if depth > Self.maximumNesting { throw error("expression nests too deeply") }
    }

    // The recursive-descent functions keep their frames small (rare or bulky cases live in separate functions) so
    // that the deepest accepted nesting parses on threads with small stacks, even in unoptimised builds.
    private mutating func parseExpression() throws(PolicyParseError) -> CedarExpression {
        try enter()
        defer { depth -= 1 }
        if isIdentifier("if") { return try parseIfThenElse() }
        return try parseOr()
    }

    @inline(never)
    private mutating func parseIfThenElse() throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        advance()
        let condition = try parseExpression()
        guard isIdentifier("then") else { throw error("expected `then`, found \(describe(current))") }
        advance()
        let thenBranch = try parseExpression()
        guard isIdentifier("else") else { throw error("expected `else`, found \(describe(current))") }
        advance()
        let elseBranch = try parseExpression()
        return CedarExpression(.ifThenElse(condition, thenBranch, elseBranch), at: location)
    }

    private mutating func parseOr() throws(PolicyParseError) -> CedarExpression {
        var left = try parseAnd()
        while isSymbol("||") {
            advance()
            let right = try parseAnd()
            left = CedarExpression(.or(left, right), at: left.location)
            try checkHeight(left)
        }
        return left
    }

    private mutating func parseAnd() throws(PolicyParseError) -> CedarExpression {
        var left = try parseRelation()
        while isSymbol("&&") {
            advance()
            let right = try parseRelation()
            left = CedarExpression(.and(left, right), at: left.location)
            try checkHeight(left)
        }
        return left
    }

    private mutating func parseRelation() throws(PolicyParseError) -> CedarExpression {
        let left = try parseAdd()
        if relationalOperator() == nil && !isIdentifier("has") && !isIdentifier("like") && !isIdentifier("is") {
            return left
        }
        return try parseRelationTail(left)
    }

    @inline(never)
    private mutating func parseRelationTail(_ left: CedarExpression) throws(PolicyParseError) -> CedarExpression {
        let location = left.location
        if isIdentifier("has") {
            advance()
            if case .string = current.kind {
                return CedarExpression(.hasAttribute(left, try expectString()), at: location)
            }
            var attributes = [try expectIdentifier()]
            while isSymbol(".") {
                advance()
                attributes.append(try expectIdentifier())
            }
            // `e has a.b.c` means `e has a && e.a has b && e.a.b has c`.
            var result = CedarExpression(.hasAttribute(left, attributes[0]), at: location)
            var prefix = left
            if attributes.count > Self.maximumHeight / 2 { throw error("`has` path is too long", at: location) }
            for i in 1..<attributes.count {
                prefix = CedarExpression(.getAttribute(prefix, attributes[i - 1]), at: location)
                result = CedarExpression(
                    .and(result, CedarExpression(.hasAttribute(prefix, attributes[i]), at: location)),
                    at: location
                )
            }
            try rejectChainedRelation()
            return result
        }
        if isIdentifier("like") {
            advance()
            guard case .string(let raw) = current.kind else {
                throw error("expected a string literal pattern after `like`, found \(describe(current))")
            }
            let patternLocation = current.location
            advance()
            switch StringUnescaper.pattern(raw) {
            case .success(let elements):
                try rejectChainedRelation()
                return CedarExpression(.like(left, Pattern(elements: elements)), at: location)
            case .failure(let failure): throw error(failure.reason, at: patternLocation)
            }
        }
        if isIdentifier("is") {
            advance()
            let type = try parseTypeName()
            let isExpression = CedarExpression(.isEntityType(left, type), at: location)
            if isIdentifier("in") {
                advance()
                let container = try parseAdd()
                try rejectChainedRelation()
                let inExpression = CedarExpression(.binary(.in, left, container), at: location)
                return CedarExpression(.and(isExpression, inExpression), at: location)
            }
            try rejectChainedRelation()
            return isExpression
        }
        guard let op = relationalOperator() else { return left }
        advance()
        let right = try parseAdd()
        try rejectChainedRelation()
        switch op {
        case "==": return CedarExpression(.binary(.equal, left, right), at: location)
        case "!=":
            return CedarExpression(.not(CedarExpression(.binary(.equal, left, right), at: location)), at: location)
        case "<": return CedarExpression(.binary(.less, left, right), at: location)
        case "<=": return CedarExpression(.binary(.lessOrEqual, left, right), at: location)
        case ">": return CedarExpression(.binary(.less, right, left), at: location)
        case ">=": return CedarExpression(.binary(.lessOrEqual, right, left), at: location)
        default: return CedarExpression(.binary(.in, left, right), at: location)
        }
    }

    private func relationalOperator() -> String? {
        switch current.kind {
        case .symbol(let s) where ["==", "!=", "<", "<=", ">", ">="].contains(s): return s
        case .symbol("="): return "="
        case .identifier("in"): return "in"
        default: return nil
        }
    }

    private mutating func rejectChainedRelation() throws(PolicyParseError) {
        if relationalOperator() != nil || isIdentifier("has") || isIdentifier("like") || isIdentifier("is") {
            throw error("relational operators cannot be chained; use parentheses")
        }
    }

    private mutating func parseAdd() throws(PolicyParseError) -> CedarExpression {
        var left = try parseMultiply()
        while isSymbol("+") || isSymbol("-") {
            let op: BinaryOperator = isSymbol("+") ? .add : .subtract
            advance()
            let right = try parseMultiply()
            left = CedarExpression(.binary(op, left, right), at: left.location)
            try checkHeight(left)
        }
        if isSymbol("=") { throw error("`=` is not an operator; use `==`") }
        return left
    }

    private mutating func parseMultiply() throws(PolicyParseError) -> CedarExpression {
        var left = try parseUnary()
        while true {
            if isSymbol("/") || isSymbol("%") { throw error("division and remainder are not supported") }
            guard isSymbol("*") else { break }
            advance()
            let right = try parseUnary()
            left = CedarExpression(.binary(.multiply, left, right), at: left.location)
            try checkHeight(left)
        }
        return left
    }

    private mutating func parseUnary() throws(PolicyParseError) -> CedarExpression {
        if isSymbol("!") || isSymbol("-") { return try parsePrefixed() }
        return try parseMember()
    }

    @inline(never)
    private mutating func parsePrefixed() throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        if isSymbol("!") {
            var count = 0
            while isSymbol("!") {
                count += 1
                advance()
            }
            if count > 4 { throw error("too many `!` operators in a row", at: location) }
            var e = try parseMember()
            for _ in 0..<count { e = CedarExpression(.not(e), at: location) }
            return e
        }
        if isSymbol("-") {
            var count = 0
            while isSymbol("-") {
                count += 1
                advance()
            }
            if count > 4 { throw error("too many `-` operators in a row", at: location) }
            var e: CedarExpression
            if case .integer(let digits) = current.kind, !isSymbol(".", peek(1)), !isSymbol("[", peek(1)),
                !isSymbol("(", peek(1))
            {
                // The innermost `-` folds into the literal, so that `-9223372036854775808` is valid.
                let literalLocation = current.location
                advance()
                guard let magnitude = UInt64(digits), magnitude <= UInt64(Int64.max) + 1 else {
                    throw error("integer literal `-\(digits)` is out of range", at: literalLocation)
                }
                let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
                e = CedarExpression(.literal(.long(value)), at: location)
                count -= 1
            } else {
                e = try parseMember()
            }
            for _ in 0..<count { e = CedarExpression(.negate(e), at: location) }
            return e
        }
        return try parseMember()
    }

    private static let zeroArgumentMethods: Set<String> = [
        "isIpv4", "isIpv6", "isLoopback", "isMulticast", "toDate", "toTime", "toMilliseconds", "toSeconds",
        "toMinutes", "toHours", "toDays",
    ]
    private static let oneArgumentMethods: Set<String> = [
        "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "isInRange", "offset", "durationSince",
    ]
    private static let functions: Set<String> = ["decimal", "ip", "datetime", "duration"]

    private mutating func parseMember() throws(PolicyParseError) -> CedarExpression {
        var e = try parsePrimary()
        while isSymbol(".") || isSymbol("[") || isSymbol("(") {
            try checkHeight(e)
            e = try parseAccess(e)
        }
        return e
    }

    /// One `.attr`, `.method(…)` or `["attr"]` after `e`.
    @inline(never)
    private mutating func parseAccess(_ e: CedarExpression) throws(PolicyParseError) -> CedarExpression {
        if isSymbol(".") {
            advance()
            let nameLocation = current.location
            let name = try expectIdentifier()
            try rejectReserved(name, at: nameLocation)
            if isSymbol("(") {
                let arguments = try parseArguments()
                return try makeMethodCall(name, receiver: e, arguments: arguments, at: nameLocation)
            }
            return CedarExpression(.getAttribute(e, name), at: e.location)
        }
        if isSymbol("[") {
            advance()
            guard case .string = current.kind else {
                throw error("only string literals may be used as indices, found \(describe(current))")
            }
            let name = try expectString()
            try expectSymbol("]")
            return CedarExpression(.getAttribute(e, name), at: e.location)
        }
        throw error("only extension functions and methods can be called")
    }

    private mutating func parseArguments() throws(PolicyParseError) -> [CedarExpression] {
        try expectSymbol("(")
        var arguments: [CedarExpression] = []
        while !isSymbol(")") {
            arguments.append(try parseExpression())
            if isSymbol(",") { advance() } else { break }
        }
        try expectSymbol(")")
        return arguments
    }

    private func makeMethodCall(
        _ name: String,
        receiver: CedarExpression,
        arguments: [CedarExpression],
        at location: SourceLocation
    ) throws(PolicyParseError) -> CedarExpression {
        func requireArguments(_ n: Int) throws(PolicyParseError) {
            guard arguments.count == n else {
                throw error("`\(name)` takes \(n) argument\(n == 1 ? "" : "s"), found \(arguments.count)", at: location)
            }
        }
        let builtins: [String: BinaryOperator] = [
            "contains": .contains, "containsAll": .containsAll, "containsAny": .containsAny, "getTag": .getTag,
            "hasTag": .hasTag,
        ]
        if let op = builtins[name] {
            try requireArguments(1)
            return CedarExpression(.binary(op, receiver, arguments[0]), at: receiver.location)
        }
        if name == "isEmpty" {
            try requireArguments(0)
            return CedarExpression(.isEmpty(receiver), at: receiver.location)
        }
        // Extension methods check their arity when evaluated, as in the reference implementation.
        guard Self.zeroArgumentMethods.contains(name) || Self.oneArgumentMethods.contains(name) else {
            throw error("`\(name)` is not a known method", at: location)
        }
        return CedarExpression(.extensionCall(name, [receiver] + arguments), at: receiver.location)
    }

    private mutating func parsePrimary() throws(PolicyParseError) -> CedarExpression {
        try enter()
        defer { depth -= 1 }
        switch current.kind {
        case .symbol("("):
            advance()
            let e = try parseExpression()
            try expectSymbol(")")
            return e
        case .symbol("["): return try parseSetLiteral()
        case .symbol("{"): return try parseRecordLiteral()
        case .identifier(let name): return try parseNamePrimary(name)
        default: return try parseLiteralPrimary()
        }
    }

    @inline(never)
    private mutating func parseSetLiteral() throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        advance()
        var elements: [CedarExpression] = []
        while !isSymbol("]") {
            elements.append(try parseExpression())
            if isSymbol(",") { advance() } else { break }
        }
        try expectSymbol("]")
        return CedarExpression(.set(elements), at: location)
    }

    @inline(never)
    private mutating func parseRecordLiteral() throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        advance()
        var fields: [RecordField] = []
        while !isSymbol("}") {
            let key = try parseRecordKey(existing: fields)
            fields.append(RecordField(name: key, value: try parseExpression()))
            if isSymbol(",") { advance() } else { break }
        }
        try expectSymbol("}")
        return CedarExpression(.record(fields), at: location)
    }

    /// A record key and its `:`; duplicate keys are an error.
    @inline(never)
    private mutating func parseRecordKey(existing fields: [RecordField]) throws(PolicyParseError) -> String {
        let keyLocation = current.location
        let key: String
        switch current.kind {
        case .string: key = try expectString()
        case .identifier(let name):
            if name == "true" || name == "false" {
                throw error("`\(name)` is a reserved identifier and cannot be a record key", at: keyLocation)
            }
            advance()
            key = name
        default: throw error("expected a record key, found \(describe(current))")
        }
        if fields.contains(where: { $0.name == key }) {
            throw error("duplicate key `\(key)` in record literal", at: keyLocation)
        }
        try expectSymbol(":")
        return key
    }

    @inline(never)
    private mutating func parseNamePrimary(_ name: String) throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        if name == "true" || name == "false" {
            advance()
            return CedarExpression(.literal(.bool(name == "true")), at: location)
        }
        try rejectReserved(name, at: location)
        advance()
        var path = [name]
        while isSymbol("::") {
            advance()
            if case .string = current.kind {
                let id = try expectString()
                return CedarExpression(
                    .literal(.entity(EntityUID(type: path.joined(separator: "::"), id: id))),
                    at: location
                )
            }
            path.append(try expectPathComponent())
        }
        if path.count == 1, let variable = Variable(rawValue: name) {
            return CedarExpression(.variable(variable), at: location)
        }
        if isSymbol("(") {
            let fullName = path.joined(separator: "::")
            guard Self.functions.contains(fullName) else {
                throw error("`\(fullName)` is not a known function", at: location)
            }
            // Extension functions check their arity when evaluated, as in the reference implementation.
            let arguments = try parseArguments()
            return CedarExpression(.extensionCall(fullName, arguments), at: location)
        }
        throw error("unexpected name `\(path.joined(separator: "::"))`", at: location)
    }

    @inline(never)
    private mutating func parseLiteralPrimary() throws(PolicyParseError) -> CedarExpression {
        let location = current.location
        switch current.kind {
        case .integer(let digits):
            advance()
            guard let value = Int64(digits) else {
                throw error("integer literal `\(digits)` is out of range", at: location)
            }
            return CedarExpression(.literal(.long(value)), at: location)
        case .string:
            return CedarExpression(.literal(.string(try expectString())), at: location)
        case .slot(let name):
            // As in the reference implementation, slots may only appear in the scope of a template.
            throw error("template slot `?\(name)` is not allowed in a condition; use it in the scope", at: location)
        default:
            throw error("unexpected \(describe(current))", at: location)
        }
    }
}

extension CedarExpression {
    /// Parses a lone Cedar expression, such as `principal.age >= 18 && context.mfa`.
    public init(parsing text: String) throws(PolicyParseError) {
        var parser = try PolicyParser(text)
        self = try parser.parseWholeExpression()
    }
}

extension EntityUID {
    /// Parses a Cedar entity literal such as `Photos::User::"alice"`.
    public init(parsing text: String) throws(PolicyParseError) {
        let expression = try CedarExpression(parsing: text)
        guard case .literal(.entity(let uid)) = expression.kind else {
            throw PolicyParseError(location: expression.location, reason: "expected an entity literal")
        }
        self = uid
    }
}
