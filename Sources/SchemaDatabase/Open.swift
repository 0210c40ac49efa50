import Foundation
import SchemagenRuntime

/// Opening a user's database for a tool.
public enum ToolDatabase {
    /// The options every tool opens a user's database with: the journal mode is left as the file has
    /// it (no switch to WAL, which would change header bytes 18–19 even when the run then refuses),
    /// foreign keys enforced.
    public static var options: Database.Options {
        var o = Database.Options()
        o.walMode = false
        o.foreignKeys = true
        return o
    }

    /// Opens an existing database file; never creates one.
    public static func open(existing path: String) throws(SchemaDatabaseError) -> Database {
        guard FileManager.default.fileExists(atPath: path) else { throw SchemaDatabaseError("no database at '\(path)'") }
        do throws(DatabaseError) { return try Database(path: path, options: options) } catch { throw SchemaDatabaseError(error) }
    }
}

/// The one version mechanism: `PRAGMA user_version` (see docs/MIGRATION.md for why). It holds a
/// signed 32-bit integer, so a version outside 0…2³¹−1 is refused rather than written truncated.
public enum SchemaVersion {
    public static let range: ClosedRange<Int> = 0...Int(Int32.max)

    public static func validate(_ version: Int) throws(SchemaDatabaseError) {
        guard range.contains(version) else {
            throw SchemaDatabaseError("version \(version) cannot be recorded: PRAGMA user_version holds 0…\(range.upperBound)")
        }
    }

    /// The statement recording `version`, after checking it fits.
    public static func statement(_ version: Int) throws(SchemaDatabaseError) -> String {
        try validate(version)
        return "PRAGMA user_version = \(version)"
    }

    public static func read(_ db: Database) throws(SchemaDatabaseError) -> Int {
        try db.tool("reading the schema version") { () throws(DatabaseError) -> Int in
            try db.withStatement("PRAGMA user_version") { (s: borrowing Statement) throws(DatabaseError) -> Int in
                _ = try s.step()
                return Int(try s.int64(0))
            }
        }
    }

    public static func write(_ version: Int, to db: Database) throws(SchemaDatabaseError) {
        let sql = try statement(version)
        try db.tool("recording version \(version)") { () throws(DatabaseError) in try db.execute(sql) }
    }
}

/// `PRAGMA foreign_key_check`.
public enum ForeignKeyCheck {
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        public var table: String
        public var rowid: Int64?
        public var parent: String
        public var description: String { "\(table) row \(rowid.map(String.init) ?? "?") → \(parent)" }
    }

    public static func violations(in db: Database, limit: Int = 20) throws(SchemaDatabaseError) -> (count: Int, first: [Violation]) {
        try db.tool("checking foreign keys") { () throws(DatabaseError) -> (count: Int, first: [Violation]) in
            try db.withStatement(sql: "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check") { (s: borrowing Statement) throws(DatabaseError) -> (count: Int, first: [Violation]) in
                var count = 0
                var first: [Violation] = []
                while try s.step() {
                    count += 1
                    if first.count < limit { first.append(Violation(table: try s.text(0), rowid: try s.optionalInt64(1), parent: try s.text(2))) }
                }
                return (count, first)
            }
        }
    }
}
