import HummingbirdTLS

/// The PEM files `custos serve --tls-cert --tls-key` serves HTTPS with (the API and the console; the console's
/// cookies are then marked Secure).
public struct ServerTLSFiles: Sendable, Hashable {
    /// The certificate chain, leaf first.
    public var certificatePath: String
    /// The private key.
    public var keyPath: String

    /// Names the files.
    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The server's TLS configuration (TLS 1.2 and later), read from the files.
    func configuration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        guard !chain.isEmpty else { throw TLSFileError(path: certificatePath, reason: "holds no certificate") }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

/// A TLS file that cannot be used.
public struct TLSFileError: Error, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
