import CustosCore
import CustosPolicy
import Foundation
import Testing

/// The Cedar repository's sample data (policies, schemas, entities, requests) must all load.
@Suite struct SampleDataTests {
    static let cedarRepo = ConformanceHarness.conformanceRoot.appendingPathComponent("cedar-repo")

    static func files(_ folder: String, suffix: String) throws -> [URL] {
        let url = cedarRepo.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(suffix) }.sorted()
            .map { url.appendingPathComponent($0) }
    }

    @Test func protoTestPoliciesParse() throws {
        let files = try Self.files("cedar-policy/tests/proto_test_files/policies", suffix: ".cedar")
        #expect(files.count == 28)
        for file in files {
            do {
                _ = try PolicySet(parsing: try ConformanceHarness.readText(file))
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test func protoTestSchemasEntitiesAndRequestsLoad() throws {
        for file in try Self.files("cedar-policy/tests/proto_test_files/schemas", suffix: ".cedarschema") {
            #expect(throws: Never.self, "\(file.lastPathComponent)") {
                _ = try Schema(parsing: try ConformanceHarness.readText(file))
            }
        }
        for file in try Self.files("cedar-policy/tests/proto_test_files/entities", suffix: ".json") {
            #expect(throws: Never.self, "\(file.lastPathComponent)") {
                _ = try CedarJSON.entities(try ConformanceHarness.readJSON(file))
            }
        }
        for file in try Self.files("cedar-policy/tests/proto_test_files/requests", suffix: ".json") {
            #expect(throws: Never.self, "\(file.lastPathComponent)") {
                _ = try CedarJSON.request(try ConformanceHarness.readJSON(file))
            }
        }
    }

    @Test func exampleApplicationsParse() throws {
        let root = "cedar-policy-symcc/tests/data/cedar-examples"
        let apps = try FileManager.default.contentsOfDirectory(atPath: Self.cedarRepo.appendingPathComponent(root).path)
            .sorted()
        for app in apps where !app.hasPrefix(".") && !app.hasSuffix(".md") {
            for file in try Self.files("\(root)/\(app)", suffix: "") {
                let text = try ConformanceHarness.readText(file)
                if file.pathExtension == "cedar" {
                    #expect(throws: Never.self, "\(app)/\(file.lastPathComponent)") { _ = try PolicySet(parsing: text) }
                } else if file.pathExtension == "cedarschema" {
                    #expect(throws: Never.self, "\(app)/\(file.lastPathComponent)") { _ = try Schema(parsing: text) }
                }
            }
        }
    }

    @Test func formatterInputsParse() throws {
        for file in try Self.files("cedar-policy-formatter/tests", suffix: ".cedar") {
            #expect(throws: Never.self, "\(file.lastPathComponent)") {
                _ = try PolicySet(parsing: try ConformanceHarness.readText(file))
            }
        }
    }
}
