import ArgumentParser
import CustosPolicy

/// The inputs `custos policy check` and `custos policy test` share: the policy file, the entities, the optional
/// schema, and how policies are named.
struct PolicyInputOptions: ParsableArguments {
    @Option(name: .long, help: "The Cedar policy file.")
    var policies: String

    @Option(name: .long, help: "The entities, in Cedar's JSON entities format.")
    var entities: String

    @Option(name: .long, help: "A Cedar schema (.cedarschema or JSON) to validate policies, entities and requests.")
    var schema: String?

    @Flag(name: .long, help: "Name policies policy0, policy1, … by position even when they are annotated @id.")
    var positionalIds = false

    /// Reads the policies (then calls `readPolicies` with them), the schema, validating the policies strictly
    /// against it, and the entities; every problem is a ``CheckFailure`` line `FILE:line[:column]: reason`.
    func load(
        readPolicies: (PolicySet) -> Void = { _ in }
    ) throws(CheckFailure) -> (policies: PolicySet, schema: Schema?, entities: EntityStore) {
        let check = PolicyCommand.Check.self
        let policySet = try check.readPolicies(policies, positionalIds: positionalIds)
        readPolicies(policySet)
        let parsedSchema = try schema.map { path throws(CheckFailure) in
            try check.readSchema(path, validating: policySet, from: policies)
        }
        let store = try check.readEntities(entities, schema: parsedSchema)
        return (policySet, parsedSchema, store)
    }
}
