import CustosStore
import Hummingbird
public import NIOCore

/// The per-request state of the Custos API: Hummingbird's core context plus the authenticated API key.
public struct CustosRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The key that authenticated the request; nil on public endpoints.
    public var key: APIKeyRecord?
    /// The address of the connection's peer (the client, or the proxy in front of the server); nil when unknown.
    public var remoteAddress: SocketAddress?

    /// Creates a context for a request.
    public init(source: Source) {
        coreContext = .init(source: source)
        key = nil
        remoteAddress = source.channel.remoteAddress
    }
}
