import CSQLite

/// An in-memory SQLite connection that SQL text is tried against. Probes are prepared, never
/// stepped, so nothing they say runs; only `execute` (used for verified DDL) steps a statement.
public final class ProbeDatabase {
    let handle: OpaquePointer

    /// What preparing the first statement of some SQL said.
    public struct Prepared: Sendable, Hashable {
        /// SQLite's message when it rejected the statement.
        public var error: String?
        /// Byte offset of the token SQLite blamed (`sqlite3_error_offset`), if it gave one.
        public var errorOffset: Int?
        /// Byte offset where the first statement ends (`pzTail`): the rest is not part of it.
        public var tail: Int
        /// False when the input held only whitespace and comments.
        public var hasStatement: Bool
        /// `sqlite3_bind_parameter_count` of the statement.
        public var parameterCount: Int
    }

    public init?() {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let db else {
            if let db { sqlite3_close_v2(db) }
            return nil
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    /// Prepares the first statement of `sql[start...]`; `body` sees the statement (and may step it)
    /// before it is finalized. When `sql` does not end in a NUL byte SQLite copies all of
    /// `sql[start...]` first: a long script prepared statement by statement should end in one.
    @discardableResult
    public func prepare(_ sql: [UInt8], from start: Int = 0, _ body: ((OpaquePointer) -> Void)? = nil) -> Prepared {
        prepare(sql, from: start, withTail: body.map { body in { stmt, _ in body(stmt) } })
    }

    /// As `prepare(_:from:_:)`, and `body` is also told where the statement ends (`pzTail`).
    @discardableResult
    public func prepare(_ sql: [UInt8], from start: Int = 0, withTail body: ((OpaquePointer, Int) -> Void)?) -> Prepared {
        sql.withUnsafeBufferPointer { buf -> Prepared in
            guard let base = buf.baseAddress, start < buf.count else {
                return Prepared(error: nil, errorOffset: nil, tail: buf.count, hasStatement: false, parameterCount: 0)
            }
            let p = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            var stmt: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(handle, p + start, Int32(clamping: buf.count - start), 0, &stmt, &tail)
            defer { sqlite3_finalize(stmt) }
            let tailOffset = tail.map { $0 - p } ?? buf.count
            if rc != SQLITE_OK {
                let offset = Int(sqlite3_error_offset(handle))
                return Prepared(error: String(cString: sqlite3_errmsg(handle)), errorOffset: offset >= 0 ? start + offset : nil,
                                tail: tailOffset, hasStatement: true, parameterCount: 0)
            }
            guard let stmt else {
                return Prepared(error: nil, errorOffset: nil, tail: tailOffset, hasStatement: false, parameterCount: 0)
            }
            body?(stmt, tailOffset)
            return Prepared(error: nil, errorOffset: nil, tail: tailOffset, hasStatement: true, parameterCount: Int(sqlite3_bind_parameter_count(stmt)))
        }
    }

    @discardableResult
    public func prepare(_ sql: String, _ body: ((OpaquePointer) -> Void)? = nil) -> Prepared { prepare(Array(sql.utf8), from: 0, body) }

    /// Runs one statement; returns SQLite's message when it fails. For SQL built by schemagen
    /// from names and fragments already verified.
    @discardableResult
    public func execute(_ sql: String) -> String? {
        var failure: String?
        let p = prepare(Array(sql.utf8)) { stmt in failure = self.step(stmt) }
        return p.error ?? failure
    }

    /// Steps a statement `prepare` handed to its body to the end; SQLite's message when it fails.
    public func step(_ stmt: OpaquePointer) -> String? {
        sqlite3_step(stmt) == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(handle))
    }

    /// The names of the SQL functions this SQLite knows (for "did you mean"); empty if it cannot say.
    public func functionNames() -> [String] {
        var names: [String] = []
        prepare(Array("SELECT DISTINCT name FROM pragma_function_list ORDER BY name".utf8)) { stmt in
            while sqlite3_step(stmt) == SQLITE_ROW {
                if let c = sqlite3_column_text(stmt, 0) { names.append(String(cString: c)) }
            }
        }
        return names
    }
}
