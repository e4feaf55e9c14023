import CustosCore

/// Reads access events from an NDJSON file (or `-`, standard input) one at a time, for the offline commands that
/// replay a file (`rules test`, `explain`): each non-blank line must be a JSON object with a valid `time`.
struct NDJSONEventReader {
    /// One event read: its fields, its time and the 1-based line it stands on.
    struct Event {
        /// The event's JSON members.
        var fields: JSONObject
        /// The event's `time`.
        var time: Timestamp
        /// The line number in the file.
        var line: Int
    }

    /// The file's path, as errors name it.
    let path: String

    /// A reader of the file at `path`.
    init(path: String) {
        self.path = path
    }

    /// Calls `body` with each event in file order; throws ``ValidationErrorText`` (`FILE:line: reason`) at the
    /// first line that is not JSON or not an event with a valid time.
    func readEach(_ body: (Event) throws -> Void) throws {
        var reader = try NDJSONReader(path: path)
        let parser = JSONParser()
        while let chunk = try reader.next(lines: 4096) {
            var lineNumber = chunk.firstLine
            for line in chunk.bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                defer { lineNumber += 1 }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                let value: JSONValue
                do { value = try parser.parse(line) } catch {
                    throw ValidationErrorText("\(path):\(lineNumber): not JSON: \(error)")
                }
                guard let fields = value.objectValue, let timeText = fields["time"]?.stringValue,
                    case .success(let time) = Timestamp.parse(timeText)
                else { throw ValidationErrorText("\(path):\(lineNumber): not an event with a valid time") }
                try body(Event(fields: fields, time: time, line: lineNumber))
            }
        }
    }
}
