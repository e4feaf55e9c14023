/// The extension functions and methods of Cedar 4 (`decimal`, `ip`, `datetime`, `duration` and their methods).
enum ExtensionFunctions {
    /// Applies the extension function `name` to `arguments` (for methods, the receiver comes first).
    static func call(_ name: String, _ arguments: [Value], location: SourceLocation?) throws(EvaluationError) -> Value {
        func fail(_ reason: String) -> EvaluationError {
            EvaluationError(.extensionError, "error while evaluating `\(name)`: \(reason)", location: location)
        }
        func argument(_ i: Int) throws(EvaluationError) -> Value {
            guard i < arguments.count else { throw fail("expected more arguments") }
            return arguments[i]
        }
        func typeError(_ expected: String, _ v: Value) -> EvaluationError {
            EvaluationError(.typeError, "type error: expected \(expected), got \(v.typeName)", location: location)
        }
        func string(_ i: Int) throws(EvaluationError) -> String {
            let v = try argument(i)
            guard case .string(let s) = v else { throw typeError("String", v) }
            return s
        }
        func decimal(_ i: Int) throws(EvaluationError) -> CedarDecimal {
            let v = try argument(i)
            guard case .extensionValue(.decimal(let d)) = v else { throw typeError("decimal", v) }
            return d
        }
        func ip(_ i: Int) throws(EvaluationError) -> IPAddress {
            let v = try argument(i)
            guard case .extensionValue(.ipaddr(let a)) = v else { throw typeError("ipaddr", v) }
            return a
        }
        func datetime(_ i: Int) throws(EvaluationError) -> CedarDatetime {
            let v = try argument(i)
            guard case .extensionValue(.datetime(let d)) = v else { throw typeError("datetime", v) }
            return d
        }
        func duration(_ i: Int) throws(EvaluationError) -> CedarDuration {
            let v = try argument(i)
            guard case .extensionValue(.duration(let d)) = v else { throw typeError("duration", v) }
            return d
        }
        let expectedCount: Int
        switch name {
        case "decimal", "ip", "datetime", "duration", "isIpv4", "isIpv6", "isLoopback", "isMulticast", "toDate",
            "toTime", "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays":
            expectedCount = 1
        default:
            expectedCount = 2
        }
        guard arguments.count == expectedCount else {
            throw fail("expected \(expectedCount) arguments, got \(arguments.count)")
        }
        switch name {
        case "decimal":
            let text = try string(0)
            guard let d = CedarDecimal(parsing: text) else { throw fail("`\(text)` is not a well-formed decimal") }
            return .extensionValue(.decimal(d))
        case "ip":
            let text = try string(0)
            guard let a = IPAddress(parsing: text) else { throw fail("`\(text)` is not a valid IP address or range") }
            return .extensionValue(.ipaddr(a))
        case "datetime":
            let text = try string(0)
            guard let d = CedarDatetime(parsing: text) else { throw fail("`\(text)` is not a valid datetime") }
            return .extensionValue(.datetime(d))
        case "duration":
            let text = try string(0)
            guard let d = CedarDuration(parsing: text) else { throw fail("`\(text)` is not a valid duration") }
            return .extensionValue(.duration(d))
        case "lessThan": return .bool(try decimal(0) < decimal(1))
        case "lessThanOrEqual": return .bool(try decimal(0) <= decimal(1))
        case "greaterThan": return .bool(try decimal(0) > decimal(1))
        case "greaterThanOrEqual": return .bool(try decimal(0) >= decimal(1))
        case "isIpv4": return .bool(!(try ip(0).isIPv6))
        case "isIpv6": return .bool(try ip(0).isIPv6)
        case "isLoopback": return .bool(try ip(0).isLoopback)
        case "isMulticast": return .bool(try ip(0).isMulticast)
        case "isInRange":
            let a = try ip(0)
            return .bool(a.isInRange(try ip(1)))
        case "offset":
            let d = try datetime(0)
            guard let result = d.offset(by: try duration(1)) else { throw fail("overflow when adding an offset") }
            return .extensionValue(.datetime(result))
        case "durationSince":
            let a = try datetime(0)
            guard let result = a.durationSince(try datetime(1)) else { throw fail("overflow computing a duration") }
            return .extensionValue(.duration(result))
        case "toDate":
            guard let result = try datetime(0).toDate() else { throw fail("overflow computing the date") }
            return .extensionValue(.datetime(result))
        case "toTime": return .extensionValue(.duration(try datetime(0).toTime()))
        case "toMilliseconds": return .long(try duration(0).milliseconds)
        case "toSeconds": return .long(try duration(0).seconds)
        case "toMinutes": return .long(try duration(0).minutes)
        case "toHours": return .long(try duration(0).hours)
        case "toDays": return .long(try duration(0).days)
        default:
            throw fail("unknown extension function")
        }
    }
}
