import CSQLite
import SchemaSyntax

/// A hand-written data step (`@run(version: N, before|after) migration NAME { SQL }`, docs/MIGRATION.md)
/// checked by SQLite at generate time: its statements, split by SQLite's own prepare-with-tail
/// loop, are prepared and run one after the other in a probe database holding the schema at the
/// point the step runs (the previous version for `before`, this version for `after`; its tables
/// empty), so a later statement sees what an earlier one created. An error is located at the
/// token SQLite blamed inside the SQL (`sqlite3_error_offset`), or at the statement that failed.
public enum DataStepCheck {
    /// Statements a data step may not hold: it runs inside the migration step's transaction, with
    /// the connection's settings as the migrator left them.
    static let forbidden: Set<String> = ["begin", "commit", "end", "rollback", "savepoint", "release", "vacuum", "attach", "detach", "pragma"]

    /// Diagnostics for `sql` (located in `file` when `range` holds exactly its text, else at
    /// `range`), run in `database`, which the caller loaded with the schema at the step's point.
    public static func diagnostics(sql: String, at range: SourceRange, in file: String, source: SourceFile?, what: String,
                                   database db: ProbeDatabase) -> [Diagnostic] {
        let bytes = Array(sql.utf8)
        let exact = source != nil && range.end - range.start == bytes.count
        func located(_ start: Int, _ end: Int) -> SourceRange {
            exact ? SourceRange(start: range.start + start, end: range.start + max(start, end)) : range
        }
        func error(_ message: String, _ r: SourceRange) -> [Diagnostic] { [Diagnostic(.error, message, file: file, range: r)] }
        var offset = 0
        var statements = 0
        while offset < bytes.count {
            let start = offset + SQLScanner.endOfLeadingTrivia(Array(bytes[offset...]))
            if start >= bytes.count { break }
            let tokens = SQLScanner.tokens(Array(bytes[start...]))
            if let first = tokens.first(where: { $0.kind == .word }) {
                let word = String(decoding: bytes[(start + first.start)..<(start + first.end)], as: UTF8.self).lowercased()
                if forbidden.contains(word) {
                    return error("\(what): '\(word.uppercased())' cannot run in a data step: it runs inside the migration step's transaction (write the data change only)",
                                 located(start + first.start, start + first.end))
                }
            }
            var failure: String?
            let p = db.prepare(bytes, from: offset) { stmt in
                while true {
                    let rc = sqlite3_step(stmt)
                    if rc == SQLITE_ROW { continue }
                    if rc != SQLITE_DONE { failure = String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt))) }
                    break
                }
            }
            if let message = p.error {
                let at = p.errorOffset.map { o -> SourceRange in
                    let tok = SQLScanner.tokens(bytes).first { $0.start <= o && o < $0.end && $0.kind != .whitespace }
                    return located(tok?.start ?? o, tok?.end ?? o)
                } ?? located(start, p.tail)
                return error("SQLite rejects \(what): \(message)", at)
            }
            if !p.hasStatement { break }
            statements += 1
            if p.parameterCount > 0 {
                return error("\(what) uses an SQL parameter; a data step's values are written literally", located(start, p.tail))
            }
            if let failure {
                return error("\(what) fails when run against the schema at its point: \(failure)", located(start, p.tail))
            }
            offset = p.tail
        }
        if statements == 0 { return error("\(what) has no SQL statement", range) }
        return []
    }
}
