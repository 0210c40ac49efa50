import Foundation
import SchemagenRuntime
import SchemaSQL

/// The one backup scheme: `<database>.before-v<N>.sqlite`, written with `VACUUM INTO` under
/// `<backup>.partial` and renamed into place only when complete, so a backup that exists is whole.
/// The caller checks `available` before writing anything and removes the backup when its run fails.
public enum Backup {
    public static func path(for database: String, version: Int) -> String { database + ".before-v\(version).sqlite" }
    public static func partialPath(for backup: String) -> String { backup + ".partial" }

    /// Refuses when a backup of that name exists (a previous successful run's: it is the user's to move).
    public static func checkAvailable(_ backup: String) throws(SchemaDatabaseError) {
        if FileManager.default.fileExists(atPath: backup) {
            throw SchemaDatabaseError("the backup \(backup) already exists; move it away first")
        }
    }

    /// Writes the backup of the connection's `schema` (`main`, or an attached file's name). A
    /// `.partial` left by an interrupted run is ours by its name and is replaced.
    public static func write(_ db: Database, schema: String = "main", to backup: String) throws(SchemaDatabaseError) {
        try checkAvailable(backup)
        let partial = partialPath(for: backup)
        try? FileManager.default.removeItem(atPath: partial)
        let sql = "VACUUM \(SQLName.quoted(schema)) INTO \(SQLName.stringLiteral(partial))"
        do throws(DatabaseError) { try db.execute(sql) } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw SchemaDatabaseError(error, doing: "writing the backup \(backup)")
        }
        // Durable before it gets its final name.
        if let handle = FileHandle(forUpdatingAtPath: partial) {
            try? handle.synchronize()
            try? handle.close()
        }
        if rename(partial, backup) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partial)
            throw SchemaDatabaseError("cannot rename \(partial) to \(backup): \(reason)")
        }
    }

    /// Removes a backup this run wrote (after the run failed), and any partial one.
    public static func remove(_ backup: String) {
        try? FileManager.default.removeItem(atPath: backup)
        try? FileManager.default.removeItem(atPath: partialPath(for: backup))
    }
}
