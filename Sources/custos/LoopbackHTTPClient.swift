import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lean HTTP/1.1 client for the HTTP benchmarks: one keep-alive connection to a loopback server, blocking calls on
/// the caller's thread. The benchmarks measure the server, and a load generator that costs little leaves the shared
/// cores to it (URLSession's event machinery took about a third of both cores in `bench http`, docs/performance.md).
final class LoopbackHTTPClient {
    /// Why a call failed: the connection, or a response this client does not read.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let host: String
    private let port: UInt16
    private var socket: Int32 = -1
    private var buffer: [UInt8] = []

    /// A client of the server at `base` (`http://127.0.0.1:port`); it connects on the first call.
    init(base: String) throws {
        guard let url = URL(string: base), url.scheme == "http", let host = url.host, let port = url.port,
            let port16 = UInt16(exactly: port)
        else { throw Failure(description: "not an http://host:port address: \(base)") }
        self.host = host
        self.port = port16
    }

    deinit { close() }

    /// Sends one request and returns the response's status and body; `headers` go as given after `Host` and
    /// `Content-Length`.
    func send(
        method: String,
        path: String,
        headers: [(String, String)],
        body: [UInt8]
    ) throws -> (status: Int, body: [UInt8]) {
        if socket < 0 { try connect() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        do {
            try write(Array(head.utf8), body)
            return try readResponse()
        } catch {
            close()
            throw error
        }
    }

    /// Closes the connection (the next call opens a new one).
    func close() {
        if socket >= 0 { _ = Glibc.close(socket) }
        socket = -1
        buffer.removeAll()
    }

    private func connect() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            _ = Glibc.close(fd)
            throw Failure(description: "not an IPv4 address: \(host)")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            _ = Glibc.close(fd)
            throw Failure(description: "connect to \(host):\(port): errno \(errno)")
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        socket = fd
    }

    /// Writes the head and the body, in one system call while the socket takes them.
    private func write(_ head: [UInt8], _ body: [UInt8]) throws {
        var done = 0
        let total = head.count + body.count
        while done < total {
            let written = head.withUnsafeBytes { h in
                body.withUnsafeBytes { b in
                    var vectors: [iovec] = []
                    if done < head.count {
                        vectors.append(
                            iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: h.baseAddress! + done),
                                iov_len: head.count - done
                            )
                        )
                    }
                    let bodyOffset = max(0, done - head.count)
                    if bodyOffset < body.count {
                        vectors.append(
                            iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress! + bodyOffset),
                                iov_len: body.count - bodyOffset
                            )
                        )
                    }
                    return writev(socket, vectors, Int32(vectors.count))
                }
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "write: errno \(errno)")
            }
            done += written
        }
    }

    /// Reads one response: the status line, the headers, and a body by `Content-Length` or chunked.
    private func readResponse() throws -> (status: Int, body: [UInt8]) {
        let headEnd = try fill(until: { Self.find([13, 10, 13, 10], in: $0) })
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure(description: "not an HTTP/1.x status line: \(lines.first ?? "")")
        }
        var length: Int?
        var chunked = false
        var closes = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-length": length = Int(value)
            case "transfer-encoding": chunked = value.lowercased().contains("chunked")
            case "connection": closes = value.lowercased() == "close"
            default: break
            }
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                let lineEnd = try fill(until: { Self.find([13, 10], in: $0) })
                let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw Failure(description: "bad chunk size: \(sizeText)")
                }
                buffer.removeFirst(lineEnd + 2)
                if size == 0 {
                    // The trailer section ends with an empty line.
                    let trailerEnd = try fill(until: { Self.find([13, 10], in: $0) })
                    buffer.removeFirst(trailerEnd + 2)
                    break
                }
                _ = try fill(until: { $0.count >= size + 2 ? size : nil })
                body += buffer[..<size]
                buffer.removeFirst(size + 2)
            }
        } else if let length {
            _ = try fill(until: { $0.count >= length ? length : nil })
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else if status >= 200 && status != 204 && status != 304 {
            throw Failure(description: "a response with neither Content-Length nor chunked encoding")
        }
        if closes { close() }
        return (status, body)
    }

    /// Reads from the socket until `done` finds what it looks for in the buffer, and returns what it found.
    private func fill(until done: ([UInt8]) -> Int?) throws -> Int {
        while true {
            if let found = done(buffer) { return found }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "read: errno \(errno)")
            }
            if count == 0 { throw Failure(description: "the server closed the connection mid-response") }
            buffer += chunk[..<count]
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
