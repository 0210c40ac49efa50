import SchemaModel

/// Every name of `SchemagenRuntime` (and Foundation) that generated code refers to, in one place:
/// renaming a runtime API means changing it here and nowhere else in the emitter.
enum RuntimeAPI {
    // Modules
    static let foundation = "Foundation"
    static let module = "SchemagenRuntime"

    // Types
    static let database = "Database"
    /// What a `DatabasePool.read` body gets: statements only.
    static let readOnlyDatabase = "ReadOnlyDatabase"
    /// The protocol of everything that reads (`Database`, `ReadOnlyDatabase`): the two `withStatement`s.
    static let databaseReading = "DatabaseReading"
    static let statement = "Statement"
    static let databaseError = "DatabaseError"
    static let jsonValue = "JSONValue"
    static let timestamp = "SQLiteTimestamp"
    /// The `CodingKey` of every row struct's `Codable` conformance (a column's SQL name).
    static let columnKey = "ColumnKey"
    // Launch migrations (SchemaMigrator.swift)
    static let schemaMigration = "SchemaMigration"
    static let migrationStep = "SchemaMigration.Step"
    static let migrationVersion = "SchemaMigration.Version"
    static let migrationDataStep = "SchemaMigration.DataStep"
    static let migrationValueCheck = "SchemaMigration.ValueCheck"
    static let schemaMigrator = "SchemaMigrator"
    static let migratorStructureCheck = "SchemaMigrator.StructureCheck"
    static let schemaMigrationError = "SchemaMigrationError"

    // Database
    static let withStatement = "withStatement"
    /// `DatabaseReading._fetchRows(_:paged:limit:offset:_:)` (RowFetching.swift), the body of every `fetchAll(limit:offset:)`.
    static let fetchRows = "_fetchRows"
    static let execute = "execute"
    static let transaction = "transaction"

    // Statement
    static let step = "step"
    static let run = "run"
    static let changes = "changes"
    static let sql = "sql"
    static let lastInsertRowID = "lastInsertRowID"
    static let setLastInsertRowID = "setLastInsertRowID"
    static let bind = "bind"
    static let bindTimestamp = "bindTimestamp"
    static let bindEpoch = "bindEpoch"
    static let bindJSON = "bindJSON"
    /// A value-set column's enum (ValueSets.swift): `bindValue(_:at:)`, `value(_:as:)`, `optionalValue(_:as:)`.
    static let bindValue = "bindValue"
    static let readValue = "value"
    static let readOptionalValue = "optionalValue"
    /// `Statement.int(_:)`, the reader for `count(*)`.
    static let readInt = "int"

    // DatabaseError
    static let misuse = "misuse"
    /// `DatabaseError(kind:message:sql:)` labels.
    static let errorKind = "kind"
    static let errorMessage = "message"
    static let errorSQL = "sql"

    // SQLiteTimestamp: what an INSERT stores for a Date.
    static let storedTimestamp = "stored"
    static let storedEpoch = "storedEpoch"

    /// The reader of a column of `type`: `int64` / `optionalInt64`, …
    static func reader(for type: LogicalType, nullable: Bool) -> String {
        let base: String
        switch type {
        case .integer: base = "int64"
        case .real: base = "double"
        case .text: base = "text"
        case .blob: base = "blob"
        case .bool: base = "bool"
        case .timestamp: base = "timestamp"
        case .epoch: base = "epoch"
        case .json: base = "json"
        }
        guard nullable else { return base }
        return base == "json" ? "optionalJSON" : "optional" + base.prefix(1).uppercased() + base.dropFirst()
    }

    /// The binder of a column of `type`.
    static func binder(for type: LogicalType) -> String {
        switch type {
        case .timestamp: return bindTimestamp
        case .epoch: return bindEpoch
        case .json: return bindJSON
        default: return bind
        }
    }
}
