import ArgumentParser
import CustosCore
import CustosPolicy
import Foundation

/// `custos policy test`: runs a file of expected decisions against policies and entities, for a data team's CI.
struct PolicyTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check that policies decide a file of requests as expected (exit 1 with a diff on mismatch).",
        discussion: """
            Each non-empty line of --tests is one JSON object: a request ({"principal", "action", "resource", \
            "context"}, as for `custos policy check`) with "expect": "allow" or "deny", optionally "reasons" (the \
            ids of the determining policies, in any order; checked only when given) and "name". Every test is run; \
            each mismatch is reported on standard output as

              FILE:LINE NAME: expected deny [forbid-x], got allow [permit-y]

            followed by a summary. Exit status: 0 when every test passed, 1 when any failed, 2 for unreadable or \
            invalid input (reported as FILE:LINE[:COLUMN]: reason on standard error).
            """
    )

    @OptionGroup var inputs: PolicyInputOptions

    @Option(name: .long, help: "The tests, one JSON object a line.")
    var tests: String

    /// One expected decision.
    struct Case {
        var line: Int
        var name: String
        var request: AuthorizationRequest
        var expect: Decision
        var reasons: [String]?
    }

    func run() async throws {
        let failures: Int
        do {
            failures = try runTests()
        } catch {
            for message in error.messages.prefix(CheckFailure.maximumShown) { printError(message) }
            throw ExitCode(2)
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func runTests() throws(CheckFailure) -> Int {
        let (policySet, parsedSchema, store) = try inputs.load()
        let cases = try readCases(schema: parsedSchema)

        var failures = 0
        var report = ""
        let authorizer = Authorizer()
        let index = PolicyIndex(policySet)
        for test in cases {
            let response = authorizer.isAuthorized(test.request, index: index, entities: store)
            let got = response.reasons.sorted()
            let reasonsDiffer = test.reasons.map { $0.sorted() != got } ?? false
            guard response.decision != test.expect || reasonsDiffer else { continue }
            failures += 1
            let expected =
                test.expect.rawValue + (test.reasons.map { " [\($0.sorted().joined(separator: ", "))]" } ?? "")
            report +=
                "\(tests):\(test.line) \(test.name): expected \(expected), "
                + "got \(response.decision.rawValue) [\(got.joined(separator: ", "))]\n"
                + "    \(DecisionExplanation.explain(response, policies: policySet))\n"
        }
        report +=
            failures == 0
            ? "\(cases.count) tests passed\n"
            : "\(failures) of \(cases.count) tests failed\n"
        FileHandle.standardOutput.write(Data(report.utf8))
        return failures
    }

    private func readCases(schema: Schema?) throws(CheckFailure) -> [Case] {
        var cases: [Case] = []
        var problems: [String] = []
        try PolicyCommand.Check.readJSONLines(tests, problems: &problems) { lineNumber, json, problems in
            guard case .object(let o) = json else {
                problems.append("\(tests):\(lineNumber): a test must be a JSON object")
                return
            }
            guard case .string(let e)? = o["expect"], let expect = Decision(rawValue: e) else {
                problems.append("\(tests):\(lineNumber): expect: must be \"allow\" or \"deny\"")
                return
            }
            var reasons: [String]?
            if let r = o["reasons"] {
                guard case .array(let list) = r, list.allSatisfy({ $0.stringValue != nil }) else {
                    problems.append("\(tests):\(lineNumber): reasons: must be an array of policy ids")
                    return
                }
                reasons = list.compactMap(\.stringValue)
            }
            do {
                let request = try CedarJSON.request(json, schema: schema)
                let name = o["name"]?.stringValue ?? "\(request.principal) \(request.action) \(request.resource)"
                cases.append(Case(line: lineNumber, name: name, request: request, expect: expect, reasons: reasons))
            } catch {
                problems.append("\(tests):\(lineNumber): invalid request: \(error)")
            }
        }
        if !problems.isEmpty { throw CheckFailure(problems) }
        return cases
    }
}
