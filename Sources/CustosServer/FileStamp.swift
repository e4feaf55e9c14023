import Foundation

/// A file's modification time and size, to notice cheaply that something else changed it.
struct FileStamp: Equatable, Sendable {
    /// The modification time; nil when the file does not exist.
    var modified: Date?
    /// The size in bytes; nil when the file does not exist.
    var size: Int?

    /// No file.
    init() {}

    /// The stamp of the file at `path` now.
    init(of path: String) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        modified = attributes?[.modificationDate] as? Date
        size = (attributes?[.size] as? NSNumber)?.intValue
    }
}
