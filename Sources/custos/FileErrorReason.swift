import Foundation

/// The operating system's reason inside a Foundation file error ("No such file or directory", "Is a directory",
/// "Permission denied"), for a command's one-line error instead of the error's whole record.
func fileErrorReason(_ error: any Error) -> String {
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let inner = ns.userInfo[NSUnderlyingErrorKey] as? any Error {
        let underlying = inner as NSError
        if underlying.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(underlying.code))) }
    }
    return ns.localizedDescription
}
