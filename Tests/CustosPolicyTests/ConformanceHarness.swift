import CustosCore
import CustosPolicy
import Foundation
import Testing

/// Runs the Cedar integration-test format (cedar-integration-tests) against CustosPolicy.
enum ConformanceHarness {
    /// `shared/conformance/cedar`, located relative to this file (repo/Tests/CustosPolicyTests/ → ../../../shared).
    static let conformanceRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/conformance/cedar")

    /// The integration-tests folder (paths inside test files are relative to it).
    static var integrationRoot: URL { conformanceRoot.appendingPathComponent("integration-tests") }

    /// The pinned sha256 of the corpus tarball (corpus regenerated upstream from Cedar 4.10).
    static let corpusSHA256 = "89c16f19a60cd069e59dfe3b1a64cdc98d8fcbeaf98b2852e8fb6d6b20985df3"

    /// Whether the whole corpus should run (CI sets `CUSTOS_LONG_TESTS=1`).
    static var longTests: Bool { ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1" }

    /// The outcome of running some tests.
    struct Tally: Sendable {
        var tests = 0
        var requests = 0
        var passedRequests = 0
        var validations = 0
        var passedValidations = 0
        var failures: [String] = []

        mutating func merge(_ other: Tally) {
            tests += other.tests
            validations += other.validations
            passedValidations += other.passedValidations
            requests += other.requests
            passedRequests += other.passedRequests
            failures += other.failures
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Unpacks the corpus tarball; returns the directory that contains `corpus-tests/`.
    static let unpackedCorpus: Result<URL, HarnessError> = unpack(
        integrationRoot.appendingPathComponent("corpus-tests.tar.gz"),
        sha256: corpusSHA256
    )

    /// Unpacks cedar-go's JSON translations of the corpus schemas; returns the directory that contains
    /// `corpus-tests-json-schemas/`.
    static let unpackedJSONSchemas: Result<URL, HarnessError> = unpack(
        conformanceRoot.appendingPathComponent("cedar-go-derived/corpus-tests-json-schemas.tar.gz"),
        sha256: "777470f075275a018417851aed4e545be47b655e38e381982f31e3e7064acbe5"
    )

    /// Unpacks cedar-go's recorded validation outcomes (strict and permissive) for the corpus; returns the
    /// directory that contains `corpus-tests-validation/`.
    static let unpackedValidationOutcomes: Result<URL, HarnessError> = unpack(
        conformanceRoot.appendingPathComponent("cedar-go-derived/corpus-tests-validation.tar.gz"),
        sha256: "d79eec8290724cc9908ea9beb91b1800cba276439f403166f479f98e418ae069"
    )

    /// Unpacks `tarball` once per machine: the result is cached in the temporary directory under the tarball's
    /// pinned sha256 and replaced atomically, so concurrent test processes never see a partial copy.
    static func unpack(_ tarball: URL, sha256: String) -> Result<URL, HarnessError> {
        guard FileManager.default.fileExists(atPath: tarball.path) else {
            return .failure(HarnessError("missing tarball at \(tarball.path)"))
        }
        let fileManager = FileManager.default
        let cached = fileManager.temporaryDirectory.appendingPathComponent("custos-cedar-\(sha256.prefix(16))")
        let marker = cached.appendingPathComponent(".complete")
        if fileManager.fileExists(atPath: marker.path) { return .success(cached) }
        do {
            if fileManager.fileExists(atPath: "/usr/bin/sha256sum") {
                let (_, output) = try run("/usr/bin/sha256sum", [tarball.path])
                guard output.hasPrefix(sha256) else {
                    return .failure(HarnessError("sha256 mismatch for \(tarball.lastPathComponent): \(output)"))
                }
            }
            // One staging directory per unpacking: two tarballs may be unpacked at once by one test process.
            let staging = fileManager.temporaryDirectory
                .appendingPathComponent("custos-cedar-staging-\(sha256.prefix(16))-\(UUID().uuidString)")
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            let (status, _) = try run("/usr/bin/tar", ["xzf", tarball.path, "-C", staging.path])
            guard status == 0 else {
                try? fileManager.removeItem(at: staging)
                return .failure(HarnessError("tar exited with status \(status)"))
            }
            _ = fileManager.createFile(atPath: staging.appendingPathComponent(".complete").path, contents: Data())
            do {
                try fileManager.moveItem(at: staging, to: cached)
            } catch {
                // Another test process won the race (or a stale partial copy exists): keep one complete copy.
                if !fileManager.fileExists(atPath: marker.path) {
                    try? fileManager.removeItem(at: cached)
                    try fileManager.moveItem(at: staging, to: cached)
                } else {
                    try? fileManager.removeItem(at: staging)
                }
            }
            return .success(cached)
        } catch {
            return .failure(HarnessError("could not unpack \(tarball.lastPathComponent): \(error)"))
        }
    }

    /// An error of the harness itself.
    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func readText(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        return String(decoding: data, as: UTF8.self)
    }

    static func readJSON(_ url: URL) throws -> JSONValue {
        try JSONParser(maximumDepth: 512).parse(Array(try Data(contentsOf: url)))
    }

    /// Runs one test file. `dataRoot` resolves the relative paths inside it.
    static func runTest(_ testFile: URL, dataRoot: URL) -> Tally {
        var tally = Tally()
        tally.tests = 1
        let name = testFile.lastPathComponent
        do {
            guard case .object(let test) = try readJSON(testFile) else {
                tally.failures.append("\(name): not an object")
                return tally
            }
            guard case .string(let policiesPath)? = test["policies"], case .string(let entitiesPath)? = test["entities"]
            else {
                tally.failures.append("\(name): missing policies/entities")
                return tally
            }
            var schema: Schema?
            if case .string(let schemaPath)? = test["schema"] {
                let text = try readText(dataRoot.appendingPathComponent(schemaPath))
                do {
                    schema = try Schema(parsing: text)
                } catch {
                    tally.failures.append("\(name): schema parse error \(error)")
                }
            }
            let policies = try PolicySet(parsing: try readText(dataRoot.appendingPathComponent(policiesPath)))
            if let schema, case .bool(let shouldValidate)? = test["shouldValidate"] {
                tally.validations += 1
                let errors = Validator(schema: schema).validate(policies)
                if errors.isEmpty == shouldValidate {
                    tally.passedValidations += 1
                } else {
                    tally.failures.append(
                        "\(name): shouldValidate \(shouldValidate), validator says \(errors.map(\.description))"
                    )
                }
            }
            let entities = try CedarJSON.entities(
                try readJSON(dataRoot.appendingPathComponent(entitiesPath)),
                schema: schema
            )
            guard case .array(let requests)? = test["requests"] else {
                tally.failures.append("\(name): missing requests")
                return tally
            }
            for (index, requestJSON) in requests.enumerated() {
                tally.requests += 1
                guard case .object(let object) = requestJSON else { continue }
                var validateRequest = true
                if case .bool(let flag)? = object["validateRequest"] { validateRequest = flag }
                let request = try CedarJSON.request(requestJSON, schema: schema, validateRequest: validateRequest)
                let response = Authorizer().isAuthorized(request, policies: policies, entities: entities)
                let expectedDecision = object["decision"]?.stringValue
                let expectedReasons = Set(object["reason"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                let expectedErrors = Set(object["errors"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                let errorIDs = Set(response.errors.map(\.policyID))
                if response.decision.rawValue == expectedDecision && Set(response.reasons) == expectedReasons
                    && errorIDs == expectedErrors
                {
                    tally.passedRequests += 1
                } else {
                    tally.failures.append(
                        "\(name) request \(index): expected \(expectedDecision ?? "?") \(expectedReasons.sorted()) "
                            + "errors \(expectedErrors.sorted()); got \(response.decision.rawValue) "
                            + "\(response.reasons) errors \(response.errors.map(\.description))"
                    )
                }
            }
        } catch {
            tally.failures.append("\(name): \(error)")
        }
        return tally
    }

    /// The 22 handwritten tests (`tests/*/*.json`), sorted by path.
    static func handwrittenTests() throws -> [URL] {
        let testsRoot = integrationRoot.appendingPathComponent("tests")
        var result: [URL] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: testsRoot.path).sorted() {
            let folderURL = testsRoot.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: folderURL.path).sorted()
            where file.hasSuffix(".json") {
                result.append(folderURL.appendingPathComponent(file))
            }
        }
        return result
    }

    /// The corpus test files (`corpus-tests/<sha>.json`), sorted by name.
    static func corpusTests(in root: URL) throws -> [URL] {
        let folder = root.appendingPathComponent("corpus-tests")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".entities.json") }
            .sorted()
            .map { folder.appendingPathComponent($0) }
    }
}
