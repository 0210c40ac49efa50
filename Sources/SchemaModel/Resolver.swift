import SchemaSyntax
import SchemaSQL

/// Turns a syntax tree into a `Schema`: maps types, checks values against them, and reports
/// what makes a declaration meaningless (an unknown type, a default that does not fit, a
/// constraint on a missing column, a bad setting). Cross-table integrity (duplicates, dangling
/// references) is checked by SchemaLint's integrity rules, which every command runs.
public struct Resolver {
    public private(set) var diagnostics: [Diagnostic] = []
    private let file: SourceFile
    /// Declarations reported as meaningless (see `Schema.failedDeclarations`).
    private var failed: [SourceRange] = []

    package init(file: SourceFile) { self.file = file }

    /// Parses and resolves a file, without the integrity rules. `package`: a schema that skipped
    /// them never leaves the library; callers outside it use `SchemaPipeline` (SchemagenDriver).
    package static func load(_ file: SourceFile) -> (Schema, [Diagnostic]) {
        let (tree, parseDiagnostics) = Parser.parse(file)
        var resolver = Resolver(file: file)
        let schema = resolver.resolve(tree)
        return (schema, parseDiagnostics + resolver.diagnostics)
    }

    private mutating func error(_ id: MessageID, _ message: String, _ range: SourceRange, fixIts: [FixIt] = [], notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, message, file: file.path, range: range, fixIts: fixIts, notes: notes, id: id))
    }

    public mutating func resolve(_ tree: FileSyntax) -> Schema {
        var schema = Schema(name: "", version: 0, naming: NamingRules(), lint: LintSettings(), domains: [], tables: [], file: file.path)
        var header: SchemaHeaderSyntax?
        var namingSeen: SourceRange?
        for item in tree.items {
            switch item {
            case .schema(let h):
                if let first = header {
                    error(.duplicateHeader, "duplicate 'schema' header", h.range, notes: [.init(message: "first declared here", range: first.range)])
                } else {
                    header = h
                    schema.declaredDrops = resolveDrops(h.attributes)
                    schema.name = h.name.text
                    if let v = h.version {
                        if v < 1 { error(.invalidVersion, "the schema version must be a positive integer", h.versionRange) }
                        schema.version = v
                    }
                }
            case .naming(let block):
                if let first = namingSeen {
                    error(.duplicateBlock, "duplicate 'naming' block", block.keyword.range, notes: [.init(message: "first declared here", range: first)])
                }
                namingSeen = block.range
                schema.naming = resolveNaming(block)
            case .lint(let block):
                for e in block.entries {
                    if let previous = schema.lint.entries[e.key.text] {
                        error(.duplicateSetting, "'\(e.key.text)' is set twice", e.key.range, notes: [.init(message: "first set here", range: previous.keyRange)])
                        continue
                    }
                    schema.lint.entries[e.key.text] = .init(value: e.value, keyRange: e.key.range)
                    schema.lint.orderedKeys.append(e.key.text)
                }
            case .domain(let d):
                var domain = Domain(name: d.name.text, description: d.description, doc: d.leadingComments.docText,
                                    tableNames: [], range: d.range, nameRange: d.name.range)
                for a in d.attributes { error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on a domain", a.range) }
                for t in d.tables {
                    schema.tables.append(resolveTable(t, domain: d.name.text))
                    domain.tableNames.append(t.name.text)
                }
                for q in d.sqlDeclarations { resolveSQLDeclaration(q, table: nil, domain: d.name.text, into: &schema) }
                schema.domains.append(domain)
            case .table(let t):
                schema.tables.append(resolveTable(t, domain: nil))
            case .sql(let q):
                resolveSQLDeclaration(q, table: nil, domain: nil, into: &schema)
            case .trigger(let t):
                schema.triggers.append(resolveTrigger(t))
            case .virtualTable(let v):
                schema.virtualTables.append(resolveVirtualTable(v))
            }
        }
        for t in tree.items.flatMap({ item -> [(TableSyntax, String?)] in
            switch item {
            case .table(let t): return [(t, nil)]
            case .domain(let d): return d.tables.map { ($0, d.name.text) }
            default: return []
            }
        }) {
            for case .query(let q) in t.0.members { resolveSQLDeclaration(q, table: t.0.name.text, domain: t.1, into: &schema) }
        }
        schema.queries.sort { $0.range.start < $1.range.start }
        checkSQLDeclarationNames(schema)
        if header == nil {
            let r = SourceRange(start: 0, end: 0)
            error(.missingHeader, tree.items.isEmpty && file.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D })
                  ? "empty schema file: expected 'schema NAME version N' and at least one table"
                  : "missing schema header: the file must declare 'schema NAME version N'", r,
                  fixIts: [FixIt(message: "insert a header", range: r, replacement: "schema \(Self.defaultName(file.path)) version 1\n\n")])
        }
        schema.failedDeclarations = failed
        return schema
    }

    // MARK: Queries and views

    private mutating func resolveSQLDeclaration(_ q: SQLDeclarationSyntax, table: String?, domain: String?, into schema: inout Schema) {
        if q.kind == .migration {
            if let step = resolveDataStep(q, table: table) { schema.dataSteps.append(step) }
            return
        }
        for a in q.attributes { error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on a \(q.kind.rawValue)", a.range) }
        let doc = q.leadingComments.docText
        switch q.kind {
        case .migration:
            break
        case .query:
            schema.queries.append(Query(name: q.name.text, table: table, domain: domain, doc: doc, sql: q.sql.text,
                                        sqlRange: q.sql.range, nameRange: q.name.range, range: q.range))
        case .view:
            schema.views.append(View(name: q.name.text, domain: domain, doc: doc, sql: q.sql.text,
                                     sqlRange: q.sql.range, nameRange: q.name.range, range: q.range))
        }
    }

    /// Two queries of one namespace (a table's DAO, the schema-wide queries) or two views with one name.
    private mutating func checkSQLDeclarationNames(_ schema: Schema) {
        var seen: [String: SourceRange] = [:]
        for q in schema.queries {
            let key = "\(q.table?.lowercased() ?? "")\u{0}\(q.name.lowercased())"
            if let first = seen[key] {
                error(.duplicateQuery, "duplicate query '\(q.name)' \(q.table.map { "in table '\($0)'" } ?? "among the schema-wide queries")", q.nameRange,
                      notes: [.init(message: "first declared here", range: first)])
            } else {
                seen[key] = q.nameRange
            }
        }
        var views: [String: SourceRange] = [:]
        for v in schema.views {
            if let first = views[v.name.lowercased()] {
                error(.duplicateQuery, "duplicate view '\(v.name)'", v.nameRange, notes: [.init(message: "first declared here", range: first)])
            } else {
                views[v.name.lowercased()] = v.nameRange
            }
        }
    }

    static func defaultName(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? "schema"
        let stem = base.hasSuffix(".victor") ? String(base.dropLast(7)) : base
        let cleaned = stem.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }
        return cleaned.isEmpty ? "schema" : String(cleaned)
    }

    // MARK: Naming rules

    static let namingKeys = ["case", "singular_tables", "max_words", "forbidden_suffixes", "require_domain", "preset"]

    private mutating func resolveNaming(_ block: ConfigBlockSyntax) -> NamingRules {
        var rules = NamingRules()
        rules.range = block.range
        var seen: [String: SourceRange] = [:]
        for e in block.entries {
            if let first = seen[e.key.text] {
                error(.duplicateSetting, "'\(e.key.text)' is set twice", e.key.range, notes: [.init(message: "first set here", range: first)])
                continue
            }
            seen[e.key.text] = e.key.range
            switch e.key.text {
            case "case":
                if case .word(let w, _) = e.value, w == "snake_case" { rules.nameCase = .snakeCase }
                else { error(.invalidSetting, "'case' must be snake_case", e.value.range) }
            case "singular_tables":
                if let b = bool(e.value) { rules.singularTables = b }
            case "require_domain":
                if let b = bool(e.value) { rules.requireDomain = b }
            case "max_words":
                if case .integer(let n, _) = e.value, n >= 1 { rules.maxWords = n }
                else { error(.invalidSetting, "'max_words' must be a positive integer", e.value.range) }
            case "forbidden_suffixes":
                if let words = stringList(e.value) { rules.forbiddenSuffixes = words }
            case "preset":
                // `preset: legacy`: an imported schema's style, declared once. Keys after it still apply.
                if case .word("legacy", _) = e.value {
                    rules.singularTables = false
                    rules.maxWords = Int.max
                    rules.forbiddenSuffixes = []
                    rules.requireDomain = false
                } else { error(.invalidSetting, "'preset' must be legacy", e.value.range) }
            default:
                var fixIts: [FixIt] = []
                var message = "unknown naming rule '\(e.key.text)'; expected one of \(Self.namingKeys.joined(separator: ", "))"
                if let m = closestMatch(e.key.text, in: Self.namingKeys) {
                    message = "unknown naming rule '\(e.key.text)'; did you mean '\(m)'?"
                    fixIts.append(FixIt(message: "replace with '\(m)'", range: e.key.range, replacement: m))
                }
                error(.unknownSetting, message, e.key.range, fixIts: fixIts)
            }
        }
        return rules
    }

    private mutating func bool(_ v: ConfigValue) -> Bool? {
        if case .word(let w, _) = v, w == "true" || w == "false" { return w == "true" }
        error(.invalidSetting, "expected true or false", v.range)
        return nil
    }

    /// A list of strings or words.
    public static func stringList(_ v: ConfigValue) -> [String]? {
        guard case .list(let items, _) = v else { return nil }
        var out: [String] = []
        for i in items {
            switch i {
            case .string(let s, _), .word(let s, _): out.append(s)
            default: return nil
            }
        }
        return out
    }

    private mutating func stringList(_ v: ConfigValue) -> [String]? {
        if let l = Self.stringList(v) { return l }
        error(.invalidSetting, "expected a list of words, such as [\"stats\", \"history\"]", v.range)
        return nil
    }

    // MARK: Attributes

    static let attributeNames = ["swift", "allow", "convert", "renamed"]

    private mutating func resolveAttributes(_ attributes: [Attribute], on what: String) -> (swiftName: String?, suppressions: [Suppression]) {
        var swiftName: String?
        var suppressions: [Suppression] = []
        for a in attributes {
            switch a.name.text {
            case "swift":
                guard a.arguments.count == 1, a.arguments[0].label == nil, Self.isSwiftIdentifier(a.arguments[0].value) else {
                    error(.invalidAttribute, "@swift takes one Swift identifier: @swift(\"Name\")", a.range); continue
                }
                swiftName = a.arguments[0].value
            case "allow":
                let rule = a.arguments.first { $0.label == nil }
                let reason = a.arguments.first { $0.label == "reason" }
                guard let rule else { error(.invalidAttribute, "@allow needs a rule id: @allow(rule-id, reason: \"why\")", a.range); continue }
                guard let reason, !reason.value.trimmingWhitespace().isEmpty else {
                    error(.invalidAttribute, "@allow(\(rule.value)) needs a reason: @allow(\(rule.value), reason: \"why this is fine\")", a.range)
                    continue
                }
                suppressions.append(Suppression(rule: rule.value, reason: reason.value, range: a.range))
            default:
                var fixIts: [FixIt] = []
                var message = "unknown attribute '@\(a.name.text)' on \(what); expected @swift or @allow"
                if let m = closestMatch(a.name.text, in: Self.attributeNames) {
                    message = "unknown attribute '@\(a.name.text)'; did you mean '@\(m)'?"
                    fixIts.append(FixIt(message: "replace with '\(m)'", range: a.name.range, replacement: m))
                }
                error(.unknownAttribute, message, a.name.range, fixIts: fixIts)
            }
        }
        return (swiftName, suppressions)
    }

    /// `@renamed(from: old_name)` (docs/MIGRATION.md): the name in the previous version, never inferred.
    private mutating func renamed(_ attributes: [Attribute]) -> (String?, SourceRange?) {
        var result: (String?, SourceRange?) = (nil, nil)
        for a in attributes where a.name.text == "renamed" {
            guard a.arguments.count == 1, a.arguments[0].label == "from", Self.isSwiftIdentifier(a.arguments[0].value) else {
                error(.invalidAttribute, "@renamed takes the previous name: @renamed(from: old_name)", a.range); continue
            }
            if result.0 != nil { error(.invalidAttribute, "@renamed is given twice", a.range) }
            result = (a.arguments[0].value, a.arguments[0].range)
        }
        return result
    }

    static func isSwiftIdentifier(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || f.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    // MARK: Tables

    private mutating func resolveTable(_ t: TableSyntax, domain: String?) -> Table {
        let (swiftName, suppressions) = resolveAttributes(t.attributes.filter { $0.name.text != "renamed" }, on: "a table")
        var table = Table(name: t.name.text, domain: domain, doc: t.leadingComments.docText, swiftName: swiftName,
                          columns: [], primaryKeyConstraint: nil, uniqueConstraints: [], checks: [], foreignKeys: [],
                          indexes: [], legacySources: [], suppressions: suppressions, range: t.range, nameRange: t.name.range)
        (table.renamedFrom, table.renamedFromRange) = renamed(t.attributes)
        var tableFKs: [ForeignKey] = []
        var legacy: [LegacySourceSyntax] = []
        resolveTableOptions(t, into: &table)
        var members = t.members
        var names: [Int: Name] = [:]
        for (k, m) in members.enumerated() {
            if case .namedConstraint(let n, let c) = m { members[k] = .constraint(c); names[k] = n }
        }
        for (k, m) in members.enumerated() {
            if let n = names[k], case .constraint(let c) = m {
                let kind: SQLConstraintName.Kind
                let index: Int
                switch c {
                case .primaryKey: kind = .primaryKey; index = 0
                case .unique: kind = .unique; index = table.uniqueConstraints.count
                case .check: kind = .check; index = table.checks.count
                case .foreignKey: kind = .foreignKey; index = tableFKs.count
                }
                if table.constraintNames.contains(where: { $0.name.lowercased() == n.text.lowercased() }) {
                    error(.duplicateModifier, "constraint name '\(n.text)' is used twice in table '\(t.name.text)'", n.range)
                }
                table.constraintNames.append(SQLConstraintName(name: n.text, kind: kind, index: index))
            }
            switch m {
            case .namedConstraint:
                break
            case .column(let c):
                let (column, fk) = resolveColumn(c, table: t.name.text)
                table.columns.append(column)
                if let fk { table.foreignKeys.append(fk) }
            case .index(let i):
                let (_, sup) = resolveAttributes(i.attributes, on: "an index")
                table.indexes.append(Index(name: i.name.text,
                                           columns: i.columns.map { resolveIndexedColumn($0) },
                                           isUnique: i.isUnique, whereClause: i.whereClause?.text, doc: i.leadingComments.docText,
                                           suppressions: sup, range: i.range, nameRange: i.name.range, whereRange: i.whereClause.map(exactRange)))
            case .constraint(let c):
                switch c {
                case .primaryKey(let cols, let r):
                    if let first = table.primaryKeyConstraint {
                        error(.conflictingPrimaryKey, "table '\(t.name.text)' declares its primary key twice", r, notes: [.init(message: "first declared here", range: first.range)])
                    } else {
                        table.primaryKeyConstraint = UniqueConstraint(columns: cols.map(\.text), range: r)
                    }
                case .unique(let cols, let r):
                    table.uniqueConstraints.append(UniqueConstraint(columns: cols.map(\.text), range: r))
                case .check(let sql, _):
                    table.checks.append(sql.text)
                    table.checkRanges.append(exactRange(sql))
                case .foreignKey(let cols, let ref, let r):
                    tableFKs.append(foreignKey(columns: cols.map(\.text), ref, range: r, columnLevel: false))
                }
            case .legacySource(let l):
                legacy.append(l)
            case .query:
                break // resolved with the schema's other queries (`resolveSQLDeclaration`)
            }
        }
        table.foreignKeys += tableFKs
        checkTable(&table, t)
        // A table with a column that did not parse is incomplete: what later stages would say about
        // it (no primary key, an unindexed key) may be that column's fault.
        if !t.failedColumns.isEmpty { failed.append(t.range) }
        table.legacySources = legacy.map { resolveLegacy($0, table: table) }
        return table
    }

    private mutating func foreignKey(columns: [String], _ ref: ReferenceSyntax, range: SourceRange, columnLevel: Bool) -> ForeignKey {
        var fk = ForeignKey(columns: columns, referencedTable: ref.table.text, referencedColumns: ref.columns.map(\.text),
                            onDelete: nil, onUpdate: nil, isColumnLevel: columnLevel, range: range, tableRange: ref.table.range)
        if !fk.referencedColumns.isEmpty && fk.referencedColumns.count != columns.count {
            error(.invalidForeignKey, "the foreign key has \(columns.count) column\(columns.count == 1 ? "" : "s") but references \(fk.referencedColumns.count)", ref.range)
        }
        fk.deferrable = ref.deferrable
        var seen = Set<ForeignKeyActionSyntax.Event>()
        for a in ref.actions {
            if !seen.insert(a.event).inserted { error(.invalidForeignKey, "'on \(a.event.rawValue)' is given twice", a.range) }
            let action = ForeignKeyAction(syntax: a.action)
            if a.event == .delete { fk.onDelete = action } else { fk.onUpdate = action }
        }
        return fk
    }

    private mutating func resolveColumn(_ c: ColumnSyntax, table: String) -> (Column, ForeignKey?) {
        let (swiftName, suppressions) = resolveAttributes(c.attributes.filter { $0.name.text != "convert" && $0.name.text != "renamed" }, on: "a column")
        // `@convert(from: text)`: evolve may convert this column's stored values from that type (docs/MIGRATION.md).
        var convertedFrom: LogicalType?
        for a in c.attributes where a.name.text == "convert" {
            guard a.arguments.count == 1, a.arguments[0].label == "from", let t = LogicalType(name: a.arguments[0].value, argument: nil) else {
                error(.invalidAttribute, "@convert takes the column's previous type: @convert(from: text)", a.range); continue
            }
            convertedFrom = t
        }
        var type = LogicalType.text
        var typeIsKnown = true
        if let t = LogicalType(name: c.type.name.text, argument: c.type.argument?.text) {
            type = t
            if let arg = c.type.argument, c.type.name.text != "json" {
                error(.invalidTypeArgument, "only json takes a type argument; '\(c.type.name.text)<\(arg.text)>' is not a type", arg.range)
            } else if let arg = c.type.argument, !Self.isSwiftIdentifier(arg.text) {
                error(.invalidTypeArgument, "'\(arg.text)' is not a Swift type name", arg.range)
            }
        } else {
            var fixIts: [FixIt] = []
            var message = "unknown type '\(c.type.name.text)'; expected one of \(LogicalType.names.joined(separator: ", "))"
            let sqlAliases = ["int": "integer", "varchar": "text", "string": "text", "double": "real", "float": "real",
                              "boolean": "bool", "datetime": "timestamp", "date": "timestamp", "bigint": "integer"]
            let lower = c.type.name.text.lowercased()
            let candidate = sqlAliases[lower] ?? LogicalType.names.first(where: { $0 == lower })
                ?? closestMatch(lower, in: LogicalType.names + sqlAliases.keys.sorted()).map { sqlAliases[$0] ?? $0 }
            if let m = candidate {
                message = "unknown type '\(c.type.name.text)'; did you mean '\(m)'?"
                fixIts.append(FixIt(message: "replace with '\(m)'", range: c.type.name.range, replacement: m))
            }
            error(.unknownType, message, c.type.name.range, fixIts: fixIts)
            // Nothing that depends on the type (its default, autoincrement, references' types)
            // is checked: the misspelt type is the one error of this column.
            typeIsKnown = false
            failed.append(c.range)
        }
        var column = Column(name: c.name.text, type: type, isNullable: c.type.isOptional, isPrimaryKey: false,
                            primaryKeyDescending: nil, isAutoincrement: false, isUnique: false, defaultValue: nil,
                            checks: [], collation: nil, doc: c.leadingComments.docText, swiftName: swiftName,
                            suppressions: suppressions, range: c.range, nameRange: c.name.range, typeRange: c.type.range)
        column.convertedFrom = convertedFrom
        (column.renamedFrom, column.renamedFromRange) = renamed(c.attributes)
        var fk: ForeignKey?
        for m in c.modifiers {
            switch m {
            case .primaryKey(let desc, let auto, let r):
                if column.isPrimaryKey { error(.duplicateModifier, "'primary key' is given twice", r) }
                column.isPrimaryKey = true
                column.primaryKeyDescending = desc
                column.isAutoincrement = auto
                if auto && typeIsKnown && type != .integer { error(.invalidAutoincrement, "autoincrement needs an integer primary key", r) }
                if c.type.isOptional { error(.optionalPrimaryKey, "a primary key column cannot be optional; remove '?'", c.type.range,
                                             fixIts: [FixIt(message: "remove '?'", range: SourceRange(start: c.type.range.end - 1, end: c.type.range.end), replacement: "")]) }
            case .unique(let r):
                if column.isUnique { error(.duplicateModifier, "'unique' is given twice", r) }
                column.isUnique = true
            case .notNull(let r):
                if c.type.isOptional {
                    error(.optionalNotNull, "column '\(c.name.text)' is optional ('?') but also 'not null'", r,
                          fixIts: [FixIt(message: "remove '?'", range: SourceRange(start: c.type.range.end - 1, end: c.type.range.end), replacement: "")])
                }
            case .defaultValue(let d, let r):
                if column.defaultValue != nil { error(.duplicateModifier, "column '\(c.name.text)' has two defaults", r) }
                if typeIsKnown { column.defaultValue = resolveDefault(d, type: type, nullable: c.type.isOptional, column: c.name.text) }
                if case .expression(let sql) = d { column.defaultRange = exactRange(sql) } else { column.defaultRange = d.range }
            case .references(let ref):
                if fk != nil { error(.duplicateModifier, "column '\(c.name.text)' has two 'references'", ref.range) }
                fk = foreignKey(columns: [c.name.text], ref, range: ref.range, columnLevel: true)
            case .check(let sql, _):
                column.checks.append(sql.text)
                column.checkRanges.append(exactRange(sql))
            case .collate(let n, _):
                let known = ["binary", "nocase", "rtrim"]
                if !known.contains(n.text.lowercased()) {
                    error(.unknownCollation, "unknown collation '\(n.text)'; SQLite has binary, nocase and rtrim", n.range)
                }
                column.collation = n.text.uppercased()
            case .generated, .declaredType, .values:
                resolveColumnAddition(m, into: &column, syntax: c, typeIsKnown: typeIsKnown)
            }
            if case .notNull = m, column.isPrimaryKey || c.modifiers.contains(where: { if case .primaryKey = $0 { return true } else { return false } }) {
                column.isExplicitNotNull = true
            }
        }
        checkDefaultInValues(column, syntax: c)
        return (column, fk)
    }

    private mutating func resolveDefault(_ d: DefaultSyntax, type: LogicalType, nullable: Bool, column: String) -> DefaultValue? {
        let mismatch = { (what: String) -> String in "default \(what) does not fit column '\(column)' of type \(type.name)" }
        switch d {
        case .number(let text, let isFloat, let r):
            switch type {
            case .integer, .bool:
                guard !isFloat, let v = Int64(text) else {
                    error(.defaultMismatch, isFloat ? mismatch(text) : "default \(text) is out of range for a 64-bit integer", r); return nil
                }
                if type == .bool {
                    guard v == 0 || v == 1 else { error(.defaultMismatch, mismatch(text) + "; use true or false", r); return nil }
                    return .bool(v == 1)
                }
                return .integer(v)
            case .real, .epoch:
                guard let v = Double(text), v.isFinite else { error(.defaultMismatch, "default \(text) is not a finite number", r); return nil }
                return .real(v, text: text)
            default:
                error(.defaultMismatch, mismatch(text), r); return nil
            }
        case .string(let s, let r):
            switch type {
            case .text, .timestamp: return .string(s)
            case .json:
                return .string(s)
            default:
                error(.defaultMismatch, mismatch("'\(s)'"), r); return nil
            }
        case .word(let w, let r):
            switch w {
            case "true", "false":
                guard type == .bool else { error(.defaultMismatch, mismatch(w), r); return nil }
                return .bool(w == "true")
            case "null":
                guard nullable else {
                    error(.defaultMismatch, "default null on non-optional column '\(column)'; make its type optional ('?') or choose another default", r)
                    return nil
                }
                return .null
            case "current_timestamp", "current_date", "current_time":
                guard type == .text || type == .timestamp else { error(.defaultMismatch, mismatch(w), r); return nil }
                return .expression(w.uppercased())
            default:
                error(.unknownDefault, "unknown default '\(w)'; write a literal (number, 'string', true, false, null) or an SQL expression in parentheses", r)
                return nil
            }
        case .expression(let sql):
            return .expression(sql.text)
        }
    }

    private mutating func unknownColumn(_ name: String, in table: Table, range: SourceRange, context: String) {
        var fixIts: [FixIt] = []
        var message = "\(context) names '\(name)', which is not a column of '\(table.name)'"
        if let m = closestMatch(name, in: table.columns.map(\.name)) {
            message += "; did you mean '\(m)'?"
            fixIts.append(FixIt(message: "replace with '\(m)'", range: range, replacement: m))
        }
        error(.unknownColumn, message, range, fixIts: fixIts)
    }

    private mutating func checkTable(_ table: inout Table, _ syntax: TableSyntax) {
        // A column that failed to parse still exists for the keys and indexes naming it: they get
        // no second error.
        let names = Set(table.columns.map(\.name) + syntax.failedColumns.map(\.text))
        let pkColumns = table.columns.filter(\.isPrimaryKey)
        if pkColumns.count > 1 {
            error(.conflictingPrimaryKey, "table '\(table.name)' marks \(pkColumns.count) columns 'primary key'; declare a composite key as 'primary key (\(pkColumns.map(\.name).joined(separator: ", ")))'",
                  pkColumns[1].range)
        }
        if let pk = table.primaryKeyConstraint, !pkColumns.isEmpty {
            error(.conflictingPrimaryKey, "table '\(table.name)' declares a primary key on column '\(pkColumns[0].name)' and a 'primary key (…)' constraint", pk.range)
        }
        // Constraint and index columns must exist.
        let plainMembers = syntax.members.map { m -> TableMemberSyntax in
            if case .namedConstraint(_, let c) = m { return .constraint(c) } else { return m }
        }
        for m in plainMembers {
            switch m {
            case .index(let i):
                for c in i.columns where c.expression == nil && !names.contains(c.name.text) {
                    unknownColumn(c.name.text, in: table, range: c.name.range, context: "index '\(i.name.text)'")
                }
                var seen = Set<String>()
                for c in i.columns where !seen.insert(c.name.text).inserted {
                    error(.duplicateIndexColumn, "index '\(i.name.text)' names column '\(c.name.text)' twice", c.name.range)
                }
            case .constraint(.primaryKey(let cols, _)), .constraint(.unique(let cols, _)):
                for c in cols where !names.contains(c.text) {
                    unknownColumn(c.text, in: table, range: c.range, context: "the key")
                }
            case .constraint(.foreignKey(let cols, _, _)):
                for c in cols where !names.contains(c.text) {
                    unknownColumn(c.text, in: table, range: c.range, context: "the foreign key")
                }
            case .constraint(.check), .column, .legacySource, .query, .namedConstraint:
                break
            }
        }
        // An optional column in a table-level key is what SQLite's legacy rule admits (NULLs in the
        // key of a rowid table) and what imported schemas hold: lint's `nullable-unique-key` reports it.
    }

    /// The range of exactly `sql.text` (the parser trims the whitespace inside parentheses).
    private func exactRange(_ sql: SQLText) -> SourceRange {
        let n = sql.text.utf8.count
        var start = sql.range.start
        let bytes = file.bytes
        while start + n <= min(sql.range.end, bytes.count) {
            if bytes[start..<(start + n)].elementsEqual(sql.text.utf8) { return SourceRange(start: start, end: start + n) }
            start += 1
        }
        return sql.range
    }

    // MARK: Legacy sources

    private mutating func resolveLegacy(_ l: LegacySourceSyntax, table: Table) -> LegacySource {
        var source = LegacySource(legacyTable: l.table.text, whereClause: l.whereClause?.text, assignments: [], unpivot: nil,
                                  packs: [], archived: [], archiveRange: nil, drops: [], doc: l.leadingComments.docText,
                                  range: l.range, nameRange: l.table.range)
        source.isDistinct = l.isDistinct
        source.whereRange = l.whereClause.map(exactRange)
        var written: [String: SourceRange] = [:]
        func claim(_ name: String, _ range: SourceRange, _ resolver: inout Resolver) {
            if table.column(named: name) == nil {
                resolver.unknownColumn(name, in: table, range: range, context: "the mapping from '\(l.table.text)'")
            } else if let first = written[name] {
                resolver.error(.duplicateMappingTarget, "column '\(name)' of '\(table.name)' is written twice by the mapping from '\(l.table.text)'", range,
                               notes: [.init(message: "first written here", range: first)])
            } else {
                written[name] = range
            }
        }
        for item in l.items {
            switch item {
            case .assign(let target, let sql, let r):
                claim(target.text, target.range, &self)
                source.assignments.append(.init(target: target.text, expression: sql.text, range: r, targetRange: target.range, expressionRange: exactRange(sql)))
            case .unpivot(let key, let value, let entries, let r):
                if let first = source.unpivot {
                    error(.duplicateMappingTarget, "only one 'unpivot' per mapping", r, notes: [.init(message: "first here", range: first.range)])
                    continue
                }
                claim(key.text, key.range, &self)
                claim(value.text, value.range, &self)
                var keys = Set<String>()
                for e in entries where !keys.insert(e.label ?? e.column.text).inserted {
                    error(.duplicateMappingTarget, "unpivot key '\(e.label ?? e.column.text)' is used twice", e.range)
                }
                source.unpivot = .init(keyColumn: key.text, valueColumn: value.text,
                                       entries: entries.map { .init(column: $0.column.text, key: $0.label ?? $0.column.text, range: $0.range) },
                                       range: r)
            case .pack(let target, let cols, let r):
                claim(target.text, target.range, &self)
                if let c = table.column(named: target.text), c.type.sqliteType != "TEXT" {
                    error(.invalidPackTarget, "'pack' writes a JSON object; column '\(target.text)' has type \(c.type.name)", target.range)
                }
                source.packs.append(.init(target: target.text, columns: cols.map(\.text), range: r))
            case .archive(let cols, let r):
                source.archived += cols.map(\.text)
                source.archiveRange = source.archiveRange.map { $0.union(r) } ?? r
            case .drop(let cols, let reason, let r):
                source.drops.append(.init(columns: cols.map(\.text), reason: reason, range: r))
            }
        }
        return source
    }

    // MARK: Issue 14: table options, generated columns, declared types, value sets, triggers, virtual tables

    private mutating func resolveTableOptions(_ t: TableSyntax, into table: inout Table) {
        for o in t.options {
            switch o.text {
            case "strict":
                if table.isStrict { error(.duplicateModifier, "'strict' is given twice", o.range) }
                table.isStrict = true
            default:
                if table.isWithoutRowid { error(.duplicateModifier, "'without rowid' is given twice", o.range) }
                table.isWithoutRowid = true
            }
        }
    }

    private func resolveIndexedColumn(_ c: IndexedColumnSyntax) -> IndexedColumn {
        var i = IndexedColumn(name: c.name.text, descending: c.descending, range: c.name.range)
        i.expression = c.expression?.text
        i.collation = c.collation?.text.uppercased()
        return i
    }

    private mutating func resolveColumnAddition(_ m: ColumnModifierSyntax, into column: inout Column, syntax c: ColumnSyntax, typeIsKnown: Bool) {
        switch m {
        case .generated(let sql, let stored, let r):
            if column.generated != nil { error(.duplicateModifier, "column '\(c.name.text)' is generated twice", r) }
            column.generated = GeneratedColumn(expression: sql.text, isStored: stored, range: exactRange(sql))
        case .declaredType(let text, let r):
            if column.declaredType != nil { error(.duplicateModifier, "column '\(c.name.text)' has two declared SQL types", r) }
            if !Self.isDeclaredType(text) {
                error(.invalidTypeArgument, "'\(text)' is not an SQL type name: words, optionally followed by (n) or (n, m)", r)
            }
            column.declaredType = text
        case .values(let values, let r):
            if column.allowedValues != nil { error(.duplicateModifier, "column '\(c.name.text)' has two value sets", r) }
            guard typeIsKnown else { return }
            var out: [DefaultValue] = []
            for v in values {
                if case .expression(let e) = v { error(.defaultMismatch, "a value of the set must be a literal, not '\(e.text)'", e.range); continue }
                if case .word("null", let wr) = v { error(.defaultMismatch, "null is not a value of a set; make the column optional ('?') instead", wr); continue }
                if let d = resolveDefault(v, type: column.type, nullable: false, column: c.name.text) { out.append(d) }
            }
            column.allowedValues = out
            column.allowedValuesRange = r
        default:
            break
        }
    }

    /// A default outside the column's value set is a located error.
    private mutating func checkDefaultInValues(_ column: Column, syntax c: ColumnSyntax) {
        guard let values = column.allowedValues, let d = column.defaultValue, d != .null else { return }
        if case .expression = d { return }
        if !values.map(\.sql).contains(d.sql) {
            let r = column.defaultRange ?? c.range
            error(.defaultMismatch, "default \(d.sql) is not one of the values of column '\(c.name.text)': \(values.map(\.sql).joined(separator: ", "))", r)
        }
    }

    /// `NVARCHAR(160)`, `NUMERIC(10, 2)`, `UNSIGNED BIG INT`, `""`: what SQLite accepts as a type name.
    static func isDeclaredType(_ s: String) -> Bool {
        if s.isEmpty { return true }
        var words = Substring(s)
        var args: Substring = ""
        if let open = s.firstIndex(of: "(") {
            guard s.hasSuffix(")") else { return false }
            words = s[..<open]
            args = s[s.index(after: open)..<s.index(before: s.endIndex)]
        }
        let w = words.split(separator: " ")
        guard !w.isEmpty, w.allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && $0.first?.isLetter == true }) else { return false }
        guard s.firstIndex(of: "(") != nil else { return !words.hasSuffix(" ") }
        let parts = args.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters() }
        return (1...2).contains(parts.count) && parts.allSatisfy { p in
            let digits = p.hasPrefix("-") || p.hasPrefix("+") ? p.dropFirst() : Substring(p)
            return !digits.isEmpty && digits.allSatisfy(\.isNumber)
        }
    }

    private mutating func resolveTrigger(_ t: TriggerSyntax) -> Trigger {
        for a in t.attributes { error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on a trigger", a.range) }
        let timing: Trigger.Timing = t.timing.text == "before" ? .before : t.timing.text == "after" ? .after : .insteadOf
        let event: Trigger.Event = t.event.text == "insert" ? .insert : t.event.text == "update" ? .update : .delete
        return Trigger(name: t.name.text, timing: timing, event: event, updateColumns: t.updateColumns.map(\.text), table: t.table.text,
                       forEachRow: t.forEachRow, whenClause: t.whenClause?.text, whenRange: t.whenClause.map(exactRange),
                       body: t.body.text, bodyRange: t.body.range, doc: t.leadingComments.docText,
                       range: t.range, nameRange: t.name.range, tableRange: t.table.range)
    }

    private mutating func resolveVirtualTable(_ v: VirtualTableSyntax) -> VirtualTable {
        for a in v.attributes { error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on a virtual table", a.range) }
        return VirtualTable(name: v.name.text, module: v.module.text, arguments: v.arguments?.text, argumentsRange: v.arguments.map(exactRange),
                            doc: v.leadingComments.docText, range: v.range, nameRange: v.name.range)
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}

// MARK: Version migrations (data steps, declared drops)

extension Resolver {
    /// `@run(version: N, before|after) migration NAME { SQL }` (docs/MIGRATION.md, "Data steps").
    fileprivate mutating func resolveDataStep(_ q: SQLDeclarationSyntax, table: String?) -> DataStep? {
        let usage = "a data step says when it runs: @run(version: N, before) or @run(version: N, after) before 'migration \(q.name.text) { … }'"
        var version: Int?, point: DataStep.Point?
        var ok = true
        for a in q.attributes {
            guard a.name.text == "run" else {
                error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on a migration; \(usage)", a.range); ok = false; continue
            }
            if version != nil { error(.invalidAttribute, "@run is given twice", a.range); ok = false; continue }
            for arg in a.arguments {
                if arg.label == "version", let v = Int(arg.value), v >= 1 {
                    version = v
                } else if arg.label == nil, let p = DataStep.Point(rawValue: arg.value), point == nil {
                    point = p
                } else {
                    error(.invalidAttribute, "@run takes a version and a point: @run(version: N, before) or @run(version: N, after); '\(arg.value)' is neither", arg.range)
                    ok = false
                }
            }
            if version == nil || point == nil {
                if ok { error(.invalidAttribute, usage, a.range) }
                ok = false
            }
        }
        if q.attributes.isEmpty { error(.invalidAttribute, usage, q.name.range); ok = false }
        if table != nil { error(.invalidAttribute, "a migration is declared at the top level, not in a table", q.name.range); ok = false }
        guard ok, let version, let point else { return nil }
        return DataStep(name: q.name.text, version: version, point: point, doc: q.leadingComments.docText, sql: q.sql.text,
                        sqlRange: q.sql.range, nameRange: q.name.range, range: q.range)
    }

    /// `@dropped(TABLE[, column: COLUMN], version: N, reason: "…")` before the header (docs/MIGRATION.md, "Declared drops").
    fileprivate mutating func resolveDrops(_ attributes: [Attribute]) -> [DeclaredDrop] {
        var drops: [DeclaredDrop] = []
        for a in attributes {
            guard a.name.text == "dropped" else {
                error(.invalidAttribute, "attribute '@\(a.name.text)' is not allowed on the schema header; expected @dropped(TABLE, version: N, reason: \"…\")", a.range)
                continue
            }
            let table = a.arguments.first { $0.label == nil }
            let column = a.arguments.first { $0.label == "column" }
            let version = a.arguments.first { $0.label == "version" }.flatMap { Int($0.value) }
            let reason = a.arguments.first { $0.label == "reason" }
            let known = Set([nil, "column", "version", "reason"] as [String?])
            guard let table, Self.isSwiftIdentifier(table.value), column.map({ Self.isSwiftIdentifier($0.value) }) ?? true,
                  let version, version >= 1, a.arguments.allSatisfy({ known.contains($0.label) }), a.arguments.count == (column == nil ? 3 : 4) else {
                error(.invalidAttribute, "@dropped names what version N's migration drops and why: @dropped(TABLE, version: N, reason: \"…\") or @dropped(TABLE, column: COLUMN, version: N, reason: \"…\")", a.range)
                continue
            }
            guard let reason, !reason.value.trimmingWhitespace().isEmpty else {
                error(.invalidAttribute, "@dropped(\(table.value)\(column.map { ", column: \($0.value)" } ?? "")) needs a reason: reason: \"why the stored values may go\"", a.range)
                continue
            }
            drops.append(DeclaredDrop(table: table.value, column: column?.value, version: version, reason: reason.value, range: a.range))
        }
        return drops
    }
}
