/// An authorization request: who (principal) wants to do what (action) to which resource, in which context.
public struct AuthorizationRequest: Sendable, Hashable {
    /// The principal.
    public var principal: EntityUID
    /// The action.
    public var action: EntityUID
    /// The resource.
    public var resource: EntityUID
    /// The context record.
    public var context: [String: Value]

    /// Creates a request.
    public init(principal: EntityUID, action: EntityUID, resource: EntityUID, context: [String: Value] = [:]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
    }
}
