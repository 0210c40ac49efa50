import CSQLite
import SchemaSQL

/// Which columns an SQL expression reads, as SQLite itself resolves it: the table is created in a
/// private in-memory database and `SELECT (expression) FROM table` is prepared under an authorizer
/// that records every `SQLITE_READ`. A column `id` is not "used" by an expression naming `valid`.
public enum ColumnUsage {
    final class Reads {
        let table: String
        var columns: Set<String> = []
        init(table: String) { self.table = table }
    }

    /// The lowercased names of `table`'s columns that `expression` reads.
    public static func columns(readBy expression: String, in table: SQLTable) throws(SchemaDatabaseError) -> Set<String> {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close_v2(handle)
            throw SchemaDatabaseError("cannot open a scratch database")
        }
        defer { sqlite3_close_v2(db) }
        var bare = table
        bare.indexes = []
        let create = SQLRenderer.createTable(bare)
        if sqlite3_exec(db, create, nil, nil, nil) != SQLITE_OK {
            throw SchemaDatabaseError(String(cString: sqlite3_errmsg(db)), sql: create)
        }
        let reads = Reads(table: table.name.lowercased())
        let context = Unmanaged.passUnretained(reads).toOpaque()
        sqlite3_set_authorizer(db, { context, action, arg1, arg2, _, _ in
            guard action == SQLITE_READ, let context, let arg1, let arg2 else { return SQLITE_OK }
            let reads = Unmanaged<Reads>.fromOpaque(context).takeUnretainedValue()
            if String(cString: arg1).lowercased() == reads.table { reads.columns.insert(String(cString: arg2).lowercased()) }
            return SQLITE_OK
        }, context)
        let sql = "SELECT (\(expression)) FROM \(SQLName.quoted(table.name))"
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        sqlite3_finalize(statement)
        sqlite3_set_authorizer(db, nil, nil)
        guard rc == SQLITE_OK else { throw SchemaDatabaseError(String(cString: sqlite3_errmsg(db)), sql: sql) }
        return withExtendedLifetime(reads) { reads.columns }
    }
}
