import SchemagenRuntime

/// The one error of the tools' database layer (evolve; later migrate and launch migrations): a
/// message and, when a statement failed, the SQL. Printed as the driver prints every error:
/// `error: message — while executing: SQL`.
public struct SchemaDatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var sql: String?
    public init(_ message: String, sql: String? = nil) {
        self.message = message
        self.sql = sql
    }

    /// A SQLite failure, with what was being done.
    public init(_ error: DatabaseError, doing what: String? = nil) {
        self.init(what.map { "\($0): \(error.message)" } ?? error.message, sql: error.sql)
    }

    public var description: String { "error: \(message)" + (sql.map { " — while executing: \($0)" } ?? "") }
}

extension Database {
    /// Runs `body`, turning a SQLite failure into a `SchemaDatabaseError` that says what was being done.
    @discardableResult
    func tool<R>(_ what: String, _ body: () throws(DatabaseError) -> R) throws(SchemaDatabaseError) -> R {
        do throws(DatabaseError) { return try body() } catch { throw SchemaDatabaseError(error, doing: what) }
    }
}
