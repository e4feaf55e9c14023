import CustosCore
import CustosPolicy
import Foundation
import Testing

/// Conformance against cedar-integration-tests: handwritten tests always, the corpus sampled or in full.
@Suite struct ConformanceTests {
    @Test func conformanceFolderExists() {
        let path = ConformanceHarness.integrationRoot.path
        #expect(FileManager.default.fileExists(atPath: path), "missing conformance data at \(path)")
    }

    @Test func handwrittenIntegrationTests() throws {
        let tests = try ConformanceHarness.handwrittenTests()
        #expect(tests.count == 22)
        var tally = ConformanceHarness.Tally()
        for test in tests {
            tally.merge(ConformanceHarness.runTest(test, dataRoot: ConformanceHarness.integrationRoot))
        }
        print(
            "handwritten: \(tally.tests) tests, \(tally.passedRequests)/\(tally.requests) requests pass, "
                + "\(tally.passedValidations)/\(tally.validations) validation outcomes agree"
        )
        #expect(tally.requests == 74)
        let allPass = tally.failures.isEmpty
        #expect(allPass, "\(tally.failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func corpus() throws {
        let root = try ConformanceHarness.unpackedCorpus.get()
        let all = try ConformanceHarness.corpusTests(in: root)
        #expect(all.count == 7809)
        let long = ConformanceHarness.longTests
        let selected = long ? all : stride(from: 0, to: all.count, by: 40).map { all[$0] }
        let start = Date()
        var tally = ConformanceHarness.Tally()
        for test in selected {
            tally.merge(ConformanceHarness.runTest(test, dataRoot: root))
        }
        let seconds = Date().timeIntervalSince(start)
        print(
            "corpus (\(long ? "full" : "every 40th")): \(tally.tests) tests, "
                + "\(tally.passedRequests)/\(tally.requests) requests pass, "
                + "\(tally.passedValidations)/\(tally.validations) validation outcomes agree, "
                + "in \(String(format: "%.1f", seconds)) s"
        )
        let allPass = tally.failures.isEmpty
        #expect(allPass, "\(tally.failures.count) failures:\n\(tally.failures.prefix(30).joined(separator: "\n"))")
    }
}

/// cedar-go's JSON translations of the corpus schemas resolve to the same schemas as the human-readable originals.
@Suite struct JSONSchemaConformanceTests {
    @Test func jsonSchemasMatchHumanSchemas() throws {
        let corpusRoot = try ConformanceHarness.unpackedCorpus.get()
        let jsonRoot = try ConformanceHarness.unpackedJSONSchemas.get().appendingPathComponent(
            "corpus-tests-json-schemas"
        )
        let names = try FileManager.default.contentsOfDirectory(atPath: jsonRoot.path)
            .filter { $0.hasSuffix(".cedarschema.json") && !$0.hasPrefix("._") }
            .sorted()
        #expect(names.count == 7750)
        let selected = ConformanceHarness.longTests ? names : stride(from: 0, to: names.count, by: 40).map { names[$0] }
        var failures: [String] = []
        for name in selected {
            let human = corpusRoot.appendingPathComponent("corpus-tests/" + name.dropLast(".json".count))
            do {
                let fromText = try Schema(parsing: try ConformanceHarness.readText(human))
                let fromJSON = try Schema(json: try ConformanceHarness.readJSON(jsonRoot.appendingPathComponent(name)))
                if normalized(fromText) != normalized(fromJSON) { failures.append("\(name): schemas differ") }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        print("JSON schemas: \(selected.count - failures.count)/\(selected.count) match their human-readable originals")
        let allMatch = failures.isEmpty
        #expect(allMatch, "\(failures.count) differ:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    /// The schema with order-insensitive lists sorted.
    func normalized(_ schema: Schema) -> Schema {
        var result = schema
        for (name, var entity) in result.entityTypes {
            entity.parentTypes.sort()
            result.entityTypes[name] = entity
        }
        for (uid, var action) in result.actions {
            action.parents.sort { $0.description < $1.description }
            action.principalTypes.sort()
            action.resourceTypes.sort()
            result.actions[uid] = action
        }
        return result
    }
}

/// Strict and permissive validation agree with the outcomes recorded by cedar-go's harness (from the reference).
@Suite struct ValidationModeConformanceTests {
    @Test func strictAndPermissiveOutcomes() throws {
        let corpusRoot = try ConformanceHarness.unpackedCorpus.get()
        let outcomesRoot = try ConformanceHarness.unpackedValidationOutcomes.get()
            .appendingPathComponent("corpus-tests-validation")
        let names = try FileManager.default.contentsOfDirectory(atPath: outcomesRoot.path)
            .filter { $0.hasSuffix(".validation.json") && !$0.hasPrefix("._") }
            .sorted()
        #expect(names.count == 7750)
        let selected = ConformanceHarness.longTests ? names : stride(from: 0, to: names.count, by: 40).map { names[$0] }
        var failures: [String] = []
        var checked = 0
        for name in selected {
            let stem = String(name.dropLast(".validation.json".count))
            do {
                let outcomeJSON = try ConformanceHarness.readJSON(outcomesRoot.appendingPathComponent(name))
                guard case .object(let outcome) = outcomeJSON,
                    case .object(let policyValidation)? = outcome["policyValidation"],
                    case .bool(let strict)? = policyValidation["strict"],
                    case .bool(let permissive)? = policyValidation["permissive"]
                else {
                    failures.append("\(name): unreadable outcome")
                    continue
                }
                let schema = try Schema(
                    parsing: try ConformanceHarness.readText(
                        corpusRoot.appendingPathComponent("corpus-tests/\(stem).cedarschema")
                    )
                )
                let policies = try PolicySet(
                    parsing: try ConformanceHarness.readText(
                        corpusRoot.appendingPathComponent("corpus-tests/\(stem).cedar")
                    )
                )
                let strictValid = Validator(schema: schema, mode: .strict).validate(policies).isEmpty
                let permissiveErrors = Validator(schema: schema, mode: .permissive).validate(policies)
                checked += 1
                if strictValid != strict || permissiveErrors.isEmpty != permissive {
                    failures.append(
                        "\(stem): expected strict \(strict), permissive \(permissive); got \(strictValid), "
                            + "\(permissiveErrors.isEmpty) \(permissiveErrors.map(\.description).prefix(3))"
                    )
                }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        print(
            "validation modes: \(checked - failures.count)/\(selected.count) tests agree in strict and permissive mode"
        )
        let allAgree = failures.isEmpty
        #expect(allAgree, "\(failures.count) disagree:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}

/// Entities exported to JSON read back identically (corpus sample; the whole corpus with CUSTOS_LONG_TESTS=1).
@Suite struct EntityExportTests {
    @Test func corpusEntitiesRoundTrip() throws {
        let root = try ConformanceHarness.unpackedCorpus.get()
        let all = try ConformanceHarness.corpusTests(in: root)
        let selected = ConformanceHarness.longTests ? all : stride(from: 0, to: all.count, by: 40).map { all[$0] }
        var failures: [String] = []
        for test in selected {
            let entitiesFile = test.deletingPathExtension().appendingPathExtension("entities.json")
            let store = try CedarJSON.entities(try ConformanceHarness.readJSON(entitiesFile))
            let exported = CanonicalJSON.string(CedarJSON.json(store))
            let reread = try CedarJSON.entities(try JSONParser(maximumDepth: 512).parse(exported))
            if Set(reread.all) != Set(store.all) { failures.append(test.lastPathComponent) }
        }
        let allRoundTrip = failures.isEmpty
        #expect(allRoundTrip, "\(failures.count) differ: \(failures.prefix(10))")
    }

    @Test func extensionValuesRoundTrip() throws {
        for text in [
            #"{"__extn": {"fn": "datetime", "arg": "2024-02-29T23:59:59.999+0100"}}"#,
            #"{"__extn": {"fn": "datetime", "arg": "0000-01-01"}}"#,
            #"{"__extn": {"fn": "offset", "args": [{"__extn": {"fn": "datetime", "arg": "1970-01-01"}},"#
                + #" {"__extn": {"fn": "duration", "arg": "-9223372036854775808ms"}}]}}"#,
            #"{"__extn": {"fn": "ip", "arg": "::1/128"}}"#, #"{"__extn": {"fn": "ip", "arg": "10.1.0.0/16"}}"#,
            #"{"__extn": {"fn": "decimal", "arg": "-0.0001"}}"#, #"{"__extn": {"fn": "duration", "arg": "-1d"}}"#,
        ] {
            let value = try CedarJSON.value(try JSONParser().parse(text))
            #expect(try CedarJSON.value(CedarJSON.json(value)) == value, "\(text)")
        }
        #expect(CedarDatetime(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }
}

/// Printing policies as Cedar text and parsing the text again gives back the same policies.
@Suite struct PolicyPrintingTests {
    func roundTrips(_ text: String) throws -> Bool {
        let original = try PolicySet(parsing: text)
        let reparsed = try PolicySet(parsing: original.cedarText)
        let a = original.policies + original.templates.keys.sorted().compactMap { original.templates[$0] }
        let b = reparsed.policies + reparsed.templates.keys.sorted().compactMap { reparsed.templates[$0] }
        return a.count == b.count
            && zip(a, b).allSatisfy { x, y in
                x.effect == y.effect && x.annotations == y.annotations && x.principal == y.principal
                    && x.action == y.action && x.resource == y.resource && x.conditions == y.conditions
            }
    }

    @Test func corpusPoliciesRoundTrip() throws {
        let root = try ConformanceHarness.unpackedCorpus.get()
        let all = try ConformanceHarness.corpusTests(in: root)
        let selected = ConformanceHarness.longTests ? all : stride(from: 0, to: all.count, by: 40).map { all[$0] }
        var failures: [String] = []
        for test in selected {
            let text = try ConformanceHarness.readText(test.deletingPathExtension().appendingPathExtension("cedar"))
            do {
                if try !roundTrips(text) { failures.append(test.lastPathComponent) }
            } catch {
                failures.append("\(test.lastPathComponent): \(error)")
            }
        }
        let allRoundTrip = failures.isEmpty
        #expect(allRoundTrip, "\(failures.count) differ: \(failures.prefix(10))")
    }

    @Test func samplePoliciesRoundTrip() throws {
        let cedarRepo = SampleDataTests.cedarRepo
        var files = try SampleDataTests.files("cedar-policy/tests/proto_test_files/policies", suffix: ".cedar")
        files += try SampleDataTests.files("cedar-policy-formatter/tests", suffix: ".cedar")
        let examples = cedarRepo.appendingPathComponent("cedar-policy-symcc/tests/data/cedar-examples")
        for app in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() where !app.contains(".")
        {
            files.append(examples.appendingPathComponent("\(app)/policies.cedar"))
        }
        for file in files {
            #expect(try roundTrips(try ConformanceHarness.readText(file)), "\(file.lastPathComponent)")
        }
        #expect(
            try roundTrips(
                #"""
                @a("x\"y") permit(principal is A in ?principal, action, resource) when {
                  !(1 == -(2)) && -(-9223372036854775808) < 2 * -3 - -4 && !!true && [if true then 1 else 2].isEmpty()
                  && "a*b\\" like "a\*b\\*" && context has "x y" && context["x y"] == {"k": -(1)}
                  && ip("::1").isLoopback() && "\u{5b2}" like "*\u{5b2}*"
                  && (principal in [A::"\u{1}"]) == (1 < 2) && -(principal.n) > 0 || principal is A in B::"b"
                };
                """#
            )
        )
    }
}
