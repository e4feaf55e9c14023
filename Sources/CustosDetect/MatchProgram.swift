/// The conditions of a rule set's rules flattened into one array of plain nodes, so that matching an event walks
/// integers and touches no reference counts; the field tests at the leaves are numbered in the rule set's
/// ``FieldTestTable`` and their results remembered per event by ``EventFieldValues``.
///
/// Each rule's root node is its whole condition: a selection is an `or` of its alternatives, an alternative an
/// `and` of its field tests (an empty `and` holds, an empty `or` fails), as ``CompiledSelection`` evaluates them.
/// A selection the condition names twice is emitted once.
struct MatchProgram: Sendable {
    private enum Kind: UInt8, Sendable {
        /// `first` is the test number.
        case test
        /// `first` is the operand's node.
        case not
        /// `count` operands in `children[first...]`.
        case and
        /// `count` operands in `children[first...]`.
        case or
    }

    private struct Node: Sendable {
        let kind: Kind
        let first: Int32
        let count: Int32
    }

    private var nodes: [Node] = []
    private var children: [Int32] = []
    private var roots: [Int32] = []
    private let tests: [CompiledFieldTest]

    /// Flattens compiled rules (their tests numbered in `table`).
    init(_ matchers: [RuleMatcher], table: FieldTestTable) {
        tests = table.tests
        for matcher in matchers {
            var emitted: [Int: Int32] = [:]
            roots.append(emit(matcher.program.condition, matcher.program.selections, &emitted))
        }
    }

    /// Whether the event matches rule `rule`.
    func matches(_ rule: Int, _ values: inout EventFieldValues) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            children.withUnsafeBufferPointer { children in
                evaluate(roots[rule], nodes, children, &values)
            }
        }
    }

    private func evaluate(
        _ index: Int32,
        _ nodes: UnsafeBufferPointer<Node>,
        _ children: UnsafeBufferPointer<Int32>,
        _ values: inout EventFieldValues
    ) -> Bool {
        let node = nodes[Int(index)]
        switch node.kind {
        case .test:
            let id = Int(node.first)
            if let known = values.knownResult(id) { return known }
            return values.passes(tests[id])
        case .not:
            return !evaluate(node.first, nodes, children, &values)
        case .and:
            for i in Int(node.first)..<Int(node.first + node.count)
            where !evaluate(children[i], nodes, children, &values) {
                return false
            }
            return true
        case .or:
            for i in Int(node.first)..<Int(node.first + node.count)
            where evaluate(children[i], nodes, children, &values) {
                return true
            }
            return false
        }
    }

    // MARK: - Flattening

    private mutating func emit(
        _ condition: CompiledCondition,
        _ selections: [CompiledSelection],
        _ emitted: inout [Int: Int32]
    ) -> Int32 {
        switch condition {
        case .selection(let index):
            if let node = emitted[index] { return node }
            var alternatives: [Int32] = []
            for alternative in selections[index].alternatives {
                var leaves: [Int32] = []
                for test in alternative { leaves.append(add(Node(kind: .test, first: Int32(test.id), count: 0))) }
                alternatives.append(group(.and, leaves))
            }
            let node = group(.or, alternatives)
            emitted[index] = node
            return node
        case .not(let operand):
            return add(Node(kind: .not, first: emit(operand, selections, &emitted), count: 0))
        case .and(let operands), .or(let operands):
            var nodes: [Int32] = []
            for operand in operands { nodes.append(emit(operand, selections, &emitted)) }
            if case .and = condition { return group(.and, nodes) }
            return group(.or, nodes)
        }
    }

    /// An `and` or `or` node over operand nodes; a single operand stands for itself.
    private mutating func group(_ kind: Kind, _ operands: [Int32]) -> Int32 {
        if operands.count == 1 { return operands[0] }
        let first = Int32(children.count)
        children += operands
        return add(Node(kind: kind, first: first, count: Int32(operands.count)))
    }

    private mutating func add(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }
}
