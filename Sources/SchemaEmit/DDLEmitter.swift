import SchemaModel
import SchemaSQL

/// Emits SQLite DDL: each table, in dependency order (referenced tables first), followed by its
/// indexes. The resolved schema is translated into the typed SQL model (`SQLTable`, `SQLIndex`, …)
/// and rendered by SchemaSQL's one renderer (`SQLRenderer`); declared types, NOT NULL, defaults and
/// keys follow the logical types' SQLite mapping exactly.
public enum DDLEmitter {
    /// The whole schema as a script, with the generated-file header.
    public static func emit(_ schema: Schema) -> String {
        script(schema).text
    }

    /// The DDL script `emit` writes and, in order, every statement in it as it is written there
    /// (without the comments between them): each table followed by its indexes (tables in
    /// dependency order), then virtual tables, views and triggers. Rendered once, for SchemaCheck,
    /// which verifies that SQLite splits the script into exactly these statements.
    public static func script(_ schema: Schema) -> (text: String, statements: [String]) {
        var out = GeneratedHeader.lines(source: GeneratedHeader.sourceName(schema.file), comment: "--")
        out += "-- Schema \(SQLIdentifier.commentText(schema.name)), version \(schema.version).\n"
        var statements: [String] = []
        func add(_ statement: String) {
            statements.append(statement)
            out += statement
            out += "\n"
        }
        for table in schema.tablesInDependencyOrder {
            out += "\n"
            out += docLines(table.doc)
            add(createTable(table, comments: false))
            for index in table.indexes { add(createIndex(index, on: table)) }
        }
        for v in schema.virtualTables {
            out += "\n" + docLines(v.doc)
            add(createVirtualTable(v))
        }
        for view in schema.viewsInDependencyOrder {
            out += "\n"
            add(createView(view))
        }
        for t in schema.triggers {
            out += "\n" + docLines(t.doc)
            add(createTrigger(t))
        }
        return (out, statements)
    }

    static func docLines(_ doc: String?) -> String {
        guard let doc else { return "" }
        return commentLines(doc).map { "-- \($0)".trimmingTrailingSpaces() + "\n" }.joined()
    }

    /// `CREATE VIRTUAL TABLE …;`
    public static func createVirtualTable(_ v: VirtualTable) -> String {
        SQLRenderer.createVirtualTable(sqlVirtualTable(v)) + ";"
    }

    public static func sqlVirtualTable(_ v: VirtualTable) -> SQLVirtualTable {
        SQLVirtualTable(name: v.name, module: v.module, arguments: v.arguments)
    }

    /// The text before a trigger's body in its CREATE TRIGGER (through `BEGIN` and the first line's
    /// indentation): the body, verbatim from the schema file, starts
    /// at this many bytes (SchemaCheck maps SQLite's error offsets back with it).
    public static func triggerHead(_ t: Trigger) -> String {
        var s = "CREATE TRIGGER \(SQLIdentifier.quoted(t.name)) \(t.timing.rawValue) \(t.event.rawValue)"
        if !t.updateColumns.isEmpty { s += " OF " + t.updateColumns.map(SQLIdentifier.quoted).joined(separator: ", ") }
        s += " ON \(SQLIdentifier.quoted(t.table))"
        if t.forEachRow { s += " FOR EACH ROW" }
        if let w = t.whenClause { s += " WHEN " + w }
        return s + " BEGIN\n    "
    }

    /// The CREATE TRIGGER statement without its `;`: the body verbatim (a missing final `;` added).
    public static func triggerSQL(_ t: Trigger) -> String {
        let body = t.body.hasSuffix(";") ? t.body : t.body + ";"
        return triggerHead(t) + body + "\nEND"
    }

    /// `CREATE TRIGGER …;`
    public static func createTrigger(_ t: Trigger) -> String { triggerSQL(t) + ";" }

    /// `CREATE VIEW "name" AS <the view's SELECT as written>;` — the statement the query check
    /// created and verified (`View.statementSQL`), so the database gets exactly what was checked.
    public static func createView(_ view: View) -> String {
        createViewStatement(name: view.name, select: view.statementSQL) + ";"
    }

    /// `CREATE VIEW "name" AS select` without the `;` (what `QueryAnalyzer` executes).
    public static func createViewStatement(name: String, select: String) -> String {
        "CREATE VIEW \(SQLIdentifier.quoted(name)) AS \(select)"
    }

    /// Every `CREATE TABLE` and `CREATE INDEX`, without views (the DDL queries are checked against).
    public static func tableScript(_ schema: Schema) -> String {
        var out = ""
        for table in schema.tablesInDependencyOrder {
            for s in statements(for: table) { out += s + "\n" }
        }
        return out
    }

    /// The statements for one table and its indexes, without comments (for migrations).
    public static func statements(for table: Table) -> [String] {
        SQLRenderer.statements(for: sqlTable(table)).map { $0 + ";" }
    }

    // MARK: Schema → SQL model

    /// The schema's tables, in dependency order, as SQL model values.
    public static func sqlSchema(_ schema: Schema) -> SQLSchema {
        SQLSchema(tables: schema.tablesInDependencyOrder.map(sqlTable),
                  triggers: schema.triggers.map { SQLTrigger(name: $0.name, table: $0.table, sql: triggerSQL($0)) },
                  virtualTables: schema.virtualTables.map(sqlVirtualTable))
    }

    /// One table (with its indexes) as an SQL model value.
    public static func sqlTable(_ table: Table) -> SQLTable {
        SQLTable(name: table.name,
                 columns: table.columns.map { sqlColumn($0, in: table) },
                 primaryKey: table.primaryKeyConstraint?.columns,
                 uniques: table.uniqueConstraints.map(\.columns),
                 checks: table.checks,
                 foreignKeys: table.foreignKeys.filter { !$0.isColumnLevel }.map { SQLForeignKey(columns: $0.columns, reference: reference($0)) },
                 withoutRowid: table.isWithoutRowid, strict: table.isStrict,
                 indexes: table.indexes.map { sqlIndex($0, on: table) },
                 constraintNames: table.constraintNames)
    }

    public static func sqlColumn(_ c: Column, in table: Table) -> SQLColumn {
        SQLColumn(name: c.name, type: c.sqlType,
                  primaryKey: c.isPrimaryKey ? SQLColumnPrimaryKey(order: c.primaryKeyDescending.map { $0 ? .desc : .asc }, autoincrement: c.isAutoincrement) : nil,
                  notNull: c.isExplicitNotNull || (!c.isPrimaryKey && !c.isNullable),
                  unique: c.isUnique,
                  defaultValue: c.defaultValue.map(sqlDefault),
                  collation: c.collation,
                  checks: c.checks + (c.allowedValues.map { ["\(SQLIdentifier.quoted(c.name)) IN (\($0.map(\.sql).joined(separator: ", ")))"] } ?? []),
                  references: table.foreignKeys.first(where: { $0.isColumnLevel && $0.columns == [c.name] }).map(reference),
                  generated: c.generated.map { SQLGenerated(expression: $0.expression, stored: $0.isStored) })
    }

    public static func sqlDefault(_ d: DefaultValue) -> SQLDefault {
        if case .expression(let e) = d { return .expression(e) }
        return .literal(d.sql)
    }

    static func reference(_ fk: ForeignKey) -> SQLReference {
        SQLReference(table: fk.referencedTable, columns: fk.referencedColumns,
                     onDelete: fk.onDelete.flatMap { SQLForeignKeyAction(rawValue: $0.rawValue) },
                     onUpdate: fk.onUpdate.flatMap { SQLForeignKeyAction(rawValue: $0.rawValue) },
                     deferrable: fk.deferrable.flatMap { d in
                         switch d {
                         case "deferrable initially deferred": return .initiallyDeferred
                         case "deferrable initially immediate", "deferrable": return .initiallyImmediate
                         case "not deferrable": return .notDeferrable
                         default: return nil
                         }
                     })
    }

    public static func sqlIndex(_ index: Index, on table: Table) -> SQLIndex {
        SQLIndex(name: index.name, table: table.name, unique: index.isUnique,
                 columns: index.columns.map { SQLIndexedColumn(name: $0.expression == nil ? $0.name : "", collation: $0.collation,
                                                               order: $0.descending.map { $0 ? .desc : .asc }, expression: $0.expression) },
                 whereClause: index.whereClause)
    }

    // MARK: Rendering (kept for callers of the text API)

    public static func createTable(_ table: Table, comments: Bool = true) -> String {
        var out = ""
        if comments, let doc = table.doc {
            for line in commentLines(doc) {
                out += "-- \(line)".trimmingTrailingSpaces() + "\n"
            }
        }
        out += SQLRenderer.createTable(sqlTable(table)) + ";"
        return comments ? out + "\n" : out
    }

    /// A doc comment as `--` comment lines: every line terminator (LF, CR, CRLF, NEL, U+2028,
    /// U+2029) starts a new `--` line, so no text after it can become SQL; NUL and the other control
    /// characters but tab become U+FFFD (a NUL would end the script for every C API that runs it).
    static func commentLines(_ doc: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var afterCR = false
        for scalar in doc.unicodeScalars {
            switch scalar.value {
            case 0x0A where afterCR:
                afterCR = false
                continue
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
                lines.append(current)
                current = ""
                afterCR = scalar.value == 0x0D
                continue
            case 0x09:
                current.unicodeScalars.append(scalar)
            case 0x00...0x1F, 0x7F:
                current.unicodeScalars.append("\u{FFFD}")
            default:
                current.unicodeScalars.append(scalar)
            }
            afterCR = false
        }
        lines.append(current)
        return lines
    }

    /// One column's definition as it appears in CREATE TABLE.
    public static func columnDefinition(_ c: Column, in table: Table) -> String {
        SQLRenderer.columnDefinition(sqlColumn(c, in: table))
    }

    public static func createIndex(_ index: Index, on table: Table) -> String {
        SQLRenderer.createIndex(sqlIndex(index, on: table)) + ";"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
