import Foundation
import SchemagenRuntime

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-rt-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

/// Thread-safe error collector for the concurrency tests.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: any Error) { lock.lock(); errors.append(String(describing: error)); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}

extension DatabaseReading {
    func count(_ table: String) throws(DatabaseError) -> Int64 {
        try withStatement(sql: "SELECT count(*) FROM \(table)") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.int64(0)
        }
    }
}
