import Foundation

/// Writes files so that a reader never sees half of one: the contents go to a temporary file
/// in the same directory, which is then renamed over the target (atomic on POSIX).
///
/// A path that is a symbolic link is resolved first, so the link's target is replaced and the
/// link stays a link. An existing file keeps its permission bits (a 0600 file stays 0600); a new
/// one gets the process's default (0666 less the umask).
public enum AtomicWriter {
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "error: cannot write '\(path)': \(reason)" }
    }

    /// The file a write to `path` replaces: `path` itself, or the final target of the symlink(s) it names.
    public static func resolvedTarget(_ path: String) -> String {
        var current = path
        for _ in 0..<32 {
            guard let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
            current = dest.hasPrefix("/") ? dest : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dest)
        }
        return current
    }

    public static func write(_ contents: String, to path: String) throws(WriteError) {
        let target = resolvedTarget(path)
        let url = URL(fileURLWithPath: target)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, reason: "cannot create directory \(dir.path): \((error as NSError).localizedDescription)")
        }
        var existing = stat()
        let mode: mode_t? = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : nil
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try Data(contents.utf8).write(to: temp, options: [.withoutOverwriting])
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw WriteError(path: path, reason: (error as NSError).localizedDescription)
        }
        if let mode, chmod(temp.path, mode) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw WriteError(path: path, reason: "cannot keep the file's permissions: \(reason)")
        }
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw WriteError(path: path, reason: reason)
        }
    }
}
