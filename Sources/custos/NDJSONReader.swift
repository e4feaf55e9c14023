import Foundation

/// Reads an NDJSON file or standard input in chunks of whole lines, without loading it all.
struct NDJSONReader {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var atEnd = false
    /// The 1-based line number of the first line of the next chunk.
    private(set) var nextLine = 1

    init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationErrorText("cannot read \(path): no such file")
            }
            guard !isDirectory.boolValue else { throw ValidationErrorText("cannot read \(path): it is a directory") }
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw ValidationErrorText("cannot read \(path): permission denied or not a regular file")
            }
            handle = h
        }
    }

    /// Counts the non-empty lines of a file (for the progress total); nil for standard input.
    static func countLines(path: String) -> Int? {
        guard path != "-", let h = FileHandle(forReadingAtPath: path) else { return nil }
        var count = 0
        var lastWasNewline = true
        while let data = try? h.read(upToCount: 8 << 20), !data.isEmpty {
            data.withUnsafeBytes { p in
                for b in p {
                    if b == 0x0A {
                        if !lastWasNewline { count += 1 }
                        lastWasNewline = true
                    } else if b != 0x0D && b != 0x20 {
                        lastWasNewline = false
                    }
                }
            }
        }
        if !lastWasNewline { count += 1 }
        return count
    }

    /// The next chunk of up to `lines` whole lines (empty lines included, counted by the line number) as bytes,
    /// with the line number of its first line; nil at the end.
    mutating func next(lines: Int) throws -> (bytes: [UInt8], firstLine: Int, lineCount: Int)? {
        while true {
            var newlines = 0
            var cut = -1
            for i in buffer.indices where buffer[i] == 0x0A {
                newlines += 1
                if newlines == lines {
                    cut = i
                    break
                }
            }
            if cut < 0 && !atEnd {
                let data: Data
                do {
                    data = try handle.read(upToCount: 4 << 20) ?? Data()
                } catch {
                    let source = path == "-" ? "standard input" : path
                    throw ValidationErrorText("cannot read \(source): \(fileErrorReason(error))")
                }
                if data.isEmpty { atEnd = true } else { buffer.append(contentsOf: data) }
                continue
            }
            if cut < 0 {
                if buffer.isEmpty { return nil }
                cut = buffer.count - 1
                if buffer[cut] != 0x0A { newlines += 1 }
            }
            let chunk = Array(buffer[0...cut])
            buffer.removeFirst(cut + 1)
            let first = nextLine
            nextLine += newlines
            return (chunk, first, newlines)
        }
    }
}

/// An error message for the command line.
struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
