import Foundation

/// Writes files so that a reader never sees half of one: the contents go to a temporary file
/// in the same directory, which is then renamed over the target (atomic on POSIX).
public enum AtomicWriter {
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "error: cannot write '\(path)': \(reason)" }
    }

    public static func write(_ contents: String, to path: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, reason: "cannot create directory \(dir.path): \((error as NSError).localizedDescription)")
        }
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(contents.utf8).write(to: temp, options: [.withoutOverwriting])
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw WriteError(path: path, reason: (error as NSError).localizedDescription)
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw WriteError(path: path, reason: reason)
        }
    }
}
