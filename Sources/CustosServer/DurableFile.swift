import Foundation

/// Replacing a small state file crash-safely: the new bytes go to a temporary file beside it, which is synced,
/// renamed over the old file, and the directory synced, so that after a crash or power loss the file holds
/// either the old bytes or the new ones, never a mixture or nothing.
enum DurableFile {
    /// Replaces the file at `path` with `bytes`, durably, before returning.
    ///
    /// - Throws: ``DurableFileError`` naming the file and the errno when a step fails; the old file is then kept.
    static func replace(_ path: String, with bytes: some ContiguousBytes) throws(DurableFileError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DurableFileError("cannot write \(temporary): errno \(errno)") }
        let written = bytes.withUnsafeBytes { buffer in writeAll(fd, buffer) }
        let synced = written ? fsync(fd) : -1
        let failure = errno
        close(fd)
        guard written, synced == 0 else {
            unlink(temporary)
            throw DurableFileError("cannot write \(temporary): errno \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw DurableFileError("cannot replace \(path): errno \(failure)")
        }
        syncDirectory(of: path)
    }

    /// Writes every byte of `buffer` to `fd`, resuming after short writes and interruptions.
    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Syncs the directory holding `path`, so that the rename itself survives a crash.
    private static func syncDirectory(of path: String) {
        let parent = (path as NSString).deletingLastPathComponent
        let directory = open(parent.isEmpty ? "." : parent, O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        close(directory)
    }
}

/// A file that could not be replaced durably.
struct DurableFileError: Error, CustomStringConvertible {
    /// What failed, with the file and errno.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
