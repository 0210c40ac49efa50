import SchemaSyntax
import SchemaModel

/// The stable ids of the Swift emitter's diagnostics (for SARIF rule ids and tests).
public enum SwiftDiagnosticID: String, Sendable, Hashable, CaseIterable {
    /// A derived or `@swift` name is not a Swift identifier the generated code can use.
    case invalidTypeName = "swift-invalid-type-name"
    case invalidPropertyName = "swift-invalid-property-name"
    /// Two tables (or a table and the schema enum) get the same Swift type or `db.` accessor name.
    case typeNameCollision = "swift-type-name-collision"
    /// Two columns of a table get the same Swift property name.
    case propertyNameCollision = "swift-property-name-collision"
    /// A `json<T>` argument is not a Swift type name.
    case invalidJSONType = "swift-invalid-json-type"
    /// A value set's enum: a value with no case name, two values with one, or an enum name taken.
    case valueSetName = "swift-value-set-name"
}

extension SwiftEmitter {
    /// The problems that would make the generated Swift fail to compile, each located in the
    /// schema file with a fix-it adding `@swift("…")` where a rename settles it. `generate` refuses
    /// to write Swift while any is present.
    public static func diagnostics(for schema: Schema) -> [Diagnostic] {
        identifiedDiagnostics(for: schema).map(\.diagnostic)
    }

    /// `diagnostics(for:)` with each diagnostic's stable id.
    public static func identifiedDiagnostics(for schema: Schema) -> [(id: SwiftDiagnosticID, diagnostic: Diagnostic)] {
        var found: [(id: SwiftDiagnosticID, diagnostic: Diagnostic)] = []
        func error(_ id: SwiftDiagnosticID, _ message: String, _ range: SourceRange, fixIts: [FixIt] = [], notes: [Diagnostic.Note] = []) {
            found.append((id, Diagnostic(.error, message, file: schema.file, range: range, fixIts: fixIts, notes: notes)))
        }
        func renameFixIt(_ what: String, at declaration: SourceRange, to name: String) -> FixIt {
            FixIt(message: "name the Swift \(what) '\(name)'", range: SourceRange(start: declaration.start, end: declaration.start),
                  replacement: "@swift(\"\(name)\") ")
        }

        // Top-level names: the schema enum, then each table's row type, DAO and read DAO; and the `db.` accessors.
        let ddlName = ddlTypeName(for: schema)
        var typeOwners: [String: String] = [ddlName: "the schema enum"]
        var firstTableRange: [String: SourceRange] = [:]
        var accessors: [String: (table: String, range: SourceRange)] = [:]
        if !SwiftNaming.isUsableIdentifier(ddlName) {
            error(.invalidTypeName, "schema '\(schema.name)' gets the Swift type name '\(ddlName)', which is not a Swift identifier; rename the schema",
                  SourceRange(start: 0, end: 0))
        }
        var taken = Set(typeOwners.keys)
        // Each table declares its row type, its DAO and its read DAO.
        func declaredTypes(_ typeName: String) -> [String] { [typeName, typeName + "DAO", typeName + "Reads"] }
        for table in schema.tables { taken.formUnion(declaredTypes(SwiftNaming.typeName(for: table))) }
        func freeTypeName(_ base: String) -> String {
            var n = 2
            while declaredTypes("\(base)\(n)").contains(where: taken.contains) { n += 1 }
            return "\(base)\(n)"
        }

        for table in schema.tables {
            let typeName = SwiftNaming.typeName(for: table)
            let fromAttribute = table.swiftName != nil
            if !SwiftNaming.isUsableIdentifier(typeName) || (fromAttribute && SwiftNaming.reservedTypeNames.contains(typeName)) {
                let reason = SwiftNaming.isUsableIdentifier(typeName) ? "a name the generated code already uses" : "not a Swift identifier"
                let suggestion = SwiftNaming.suggestedIdentifier(typeName, upper: true)
                error(.invalidTypeName,
                      "table '\(table.name)' gets the Swift type name '\(typeName)', \(reason); name it with @swift(\"\(suggestion)\")",
                      table.nameRange, fixIts: fromAttribute ? [] : [renameFixIt("type", at: table.range, to: suggestion)])
            } else {
                for name in declaredTypes(typeName) {
                    if let owner = typeOwners[name] {
                        let suggestion = freeTypeName(typeName)
                        taken.insert(suggestion)
                        error(.typeNameCollision,
                              "table '\(table.name)' gets the Swift type name '\(name)', already used by \(owner); name it with @swift(\"\(suggestion)\")",
                              table.nameRange, fixIts: [renameFixIt("type", at: table.range, to: suggestion)],
                              notes: firstTableRange[name].map { [Diagnostic.Note(message: "\(owner) is declared here", range: $0)] } ?? [])
                        break
                    }
                }
                for name in declaredTypes(typeName) where typeOwners[name] == nil {
                    typeOwners[name] = "table '\(table.name)'"
                    firstTableRange[name] = table.nameRange
                }
                let accessor = SwiftNaming.daoPropertyName(for: table)
                if let other = accessors[accessor], other.table != table.name, typeOwners[typeName] == "table '\(table.name)'" {
                    error(.typeNameCollision,
                          "table '\(table.name)' gets the accessor 'db.\(accessor)', already used by table '\(other.table)'; name it with @swift(\"\(freeTypeName(typeName))\")",
                          table.nameRange, fixIts: [renameFixIt("type", at: table.range, to: freeTypeName(typeName))],
                          notes: [Diagnostic.Note(message: "table '\(other.table)' is declared here", range: other.range)])
                } else if accessors[accessor] == nil {
                    accessors[accessor] = (table.name, table.nameRange)
                }
            }

            // Properties.
            var owners: [String: Column] = [:]
            for column in table.columns {
                let name = SwiftNaming.propertyName(for: column)
                let suggestion = SwiftNaming.suggestedIdentifier(name, upper: false)
                if !SwiftNaming.isUsableIdentifier(name) || SwiftNaming.reservedMemberNames.contains(name)
                    || SwiftNaming.reservedTypeNames.contains(name) {
                    let reason = SwiftNaming.isUsableIdentifier(name) ? "a name the generated row type already uses" : "not a Swift identifier"
                    error(.invalidPropertyName,
                          "column '\(column.name)' of table '\(table.name)' gets the Swift property name '\(name)', \(reason); name it with @swift(\"\(suggestion)\")",
                          column.nameRange, fixIts: column.swiftName == nil ? [renameFixIt("property", at: column.range, to: suggestion)] : [])
                } else if let other = owners[name] {
                    var n = 2
                    let existing = Set(table.columns.map(SwiftNaming.propertyName(for:)))
                    while existing.contains("\(name)\(n)") { n += 1 }
                    error(.propertyNameCollision,
                          "column '\(column.name)' of table '\(table.name)' gets the Swift property name '\(name)', already used by column '\(other.name)'; name it with @swift(\"\(name)\(n)\")",
                          column.nameRange, fixIts: [renameFixIt("property", at: column.range, to: "\(name)\(n)")],
                          notes: [Diagnostic.Note(message: "column '\(other.name)' is declared here", range: other.nameRange)])
                } else {
                    owners[name] = column
                }
                if let r = column.allowedValuesRange, case let problems = ValueSetTranslator.problems(in: table, typeName: typeName),
                   let p = problems.first(where: { $0.column.name == column.name }) {
                    error(.valueSetName, p.message, r)
                }
                if case .json(let t?) = column.type, !SwiftNaming.isTypeReference(t) {
                    error(.invalidJSONType, "'json<\(t)>' of column '\(column.name)' does not name a Swift type; write json<TypeName>",
                          column.typeRange)
                }
            }
        }
        // FTS5 tables: their row struct, search type and `db.` accessor share the tables' namespace.
        for v in schema.virtualTables {
            guard let f = SwiftFTSTable(v) else { continue }
            if !SwiftNaming.isUsableIdentifier(f.typeName) {
                error(.invalidTypeName, "virtual table '\(v.name)' gets the Swift type name '\(f.typeName)', which is not a Swift identifier; rename it", v.nameRange)
                continue
            }
            var collided = false
            for name in [f.typeName, f.searchName] {
                if let owner = typeOwners[name] {
                    error(.typeNameCollision, "virtual table '\(v.name)' gets the Swift type name '\(name)', already used by \(owner); rename it", v.nameRange)
                    collided = true
                    break
                }
                typeOwners[name] = "virtual table '\(v.name)'"
            }
            if !collided, let other = accessors[f.propertyName] {
                error(.typeNameCollision, "virtual table '\(v.name)' gets the accessor 'db.\(f.propertyName)', already used by table '\(other.table)'; rename it", v.nameRange)
            }
            accessors[f.propertyName] = (v.name, v.nameRange)
        }
        return found
    }
}

extension SwiftNaming {
    /// Names the row struct itself declares; a property may not take them.
    static let reservedMemberNames: Set<String> = ["Draft", "_bindColumns", "_stored", "_returned"]

    /// A Swift identifier the generator can declare (backticked when it is a keyword): the Swift
    /// grammar's identifier characters, not `_` alone, and no keyword that cannot be escaped
    /// as a declaration name.
    public static func isUsableIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, isIdentifierHead(first), s != "_" else { return false }
        return s.unicodeScalars.allSatisfy(isIdentifierCharacter)
    }

    /// `Payload`, `Module.Payload`: identifiers joined by dots, none a keyword.
    public static func isTypeReference(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.allSatisfy { isUsableIdentifier($0) && !keywords.contains($0) && !memberKeywords.contains($0) }
    }

    /// A close identifier for a name that is not one: invalid characters become `_`, a leading
    /// digit gets `_`, an empty or reserved result gets a suffix.
    static func suggestedIdentifier(_ name: String, upper: Bool) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            out.unicodeScalars.append(out.isEmpty ? (isIdentifierHead(scalar) ? scalar : "_") : (isIdentifierCharacter(scalar) ? scalar : "_"))
        }
        if out.isEmpty || out.allSatisfy({ $0 == "_" }) { out = upper ? "Row" : "value" }
        if reservedTypeNames.contains(out) || reservedMemberNames.contains(out) { out += upper ? "Row" : "Value" }
        return out
    }

    /// The Swift grammar's identifier-head (The Swift Programming Language, Lexical Structure).
    static func isIdentifierHead(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        case 0xA8, 0xAA, 0xAD, 0xAF, 0xB2...0xB5, 0xB7...0xBA, 0xBC...0xBE, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF: return true
        case 0x100...0x2FF, 0x370...0x167F, 0x1681...0x180D, 0x180F...0x1DBF, 0x1E00...0x1FFF: return true
        case 0x200B...0x200D, 0x202A...0x202E, 0x203F...0x2040, 0x2054, 0x2060...0x206F: return true
        case 0x2070...0x20CF, 0x2100...0x218F, 0x2460...0x24FF, 0x2776...0x2793, 0x2C00...0x2DFF, 0x2E80...0x2FFF: return true
        case 0x3004...0x3007, 0x3021...0x302F, 0x3031...0x303F, 0x3040...0xD7FF: return true
        case 0xF900...0xFD3D, 0xFD40...0xFDCF, 0xFDF0...0xFE1F, 0xFE30...0xFE44, 0xFE47...0xFFFD: return true
        case 0x10000...0xEFFFD: return c.value & 0xFFFF <= 0xFFFD
        default: return false
        }
    }

    /// The Swift grammar's identifier-character: a head, a digit or a combining mark.
    static func isIdentifierCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x300...0x36F, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: return true
        default: return isIdentifierHead(c)
        }
    }
}
