import SchemaModel

/// A column whose values are a closed set (`status: text in ('draft', 'active')`) as the Swift
/// code sees it: an enum nested in the row struct (`Book.Status`), String raw values for a text
/// column and Int64 for an integer one, one case per value.
struct SwiftValueSet {
    /// The nested type's name (`Status`).
    let typeName: String
    /// The row struct's name + the nested name (`Book.Status`): what code outside the struct writes.
    let qualifiedName: String
    let cases: [(name: String, raw: DefaultValue)]
    /// `String` or `Int64`.
    let rawType: String

    /// The face of `column` in the row struct named `owner`, when it has one: a text or integer
    /// column with a value set. Case names may be invalid or collide: `ValueSetTranslator.problems`.
    init?(_ column: Column, owner: String) {
        guard let values = column.allowedValues, !values.isEmpty else { return nil }
        switch column.type {
        case .text: rawType = "String"
        case .integer: rawType = "Int64"
        default: return nil
        }
        var cases: [(String, DefaultValue)] = []
        for v in values {
            switch (v, column.type) {
            case (.string(let s), .text): cases.append((ValueSetTranslator.caseName(forText: s), v))
            case (.integer(let i), .integer): cases.append((ValueSetTranslator.caseName(forInteger: i), v))
            default: return nil
            }
        }
        self.cases = cases
        typeName = ValueSetTranslator.typeName(for: column)
        qualifiedName = owner + "." + typeName
    }

    /// The case a default value names, if it is one of the set.
    func caseName(for d: DefaultValue) -> String? {
        cases.first { $0.raw.sql == d.sql }?.name
    }
}

enum ValueSetTranslator {
    /// `in-progress` → `inProgress`, `Active` → `active`, `2x` → `_2x`; "" when the value has no
    /// letter or digit (an error: `problems`). Keywords are written in backticks by the renderer.
    static func caseName(forText s: String) -> String {
        let name = SwiftNaming.lowerCamel(s)
        return name.isEmpty ? "" : SwiftNaming.fixLeadingDigit(name)
    }

    /// `1` → `_1`, `-1` → `_minus1`.
    static func caseName(forInteger i: Int64) -> String {
        i < 0 ? "_minus\(i.magnitude)" : "_\(i)"
    }

    /// The nested enum's name: UpperCamelCase of the column name (`status` → `Status`), with
    /// `Value` appended when that is a name the row struct or the generated code already uses.
    static func typeName(for column: Column) -> String {
        var name = SwiftNaming.fixLeadingDigit(SwiftNaming.upperCamel(SwiftNaming.propertyName(for: column)))
        if name.isEmpty { name = "Value" }
        if SwiftNaming.reservedTypeNames.contains(name) || SwiftNaming.reservedMemberNames.contains(name) || SwiftNaming.keywords.contains(name) {
            name += "Value"
        }
        return name
    }

    /// `public enum Status: String, Codable, Sendable, Hashable, CaseIterable { case draft, … }`.
    static func declaration(_ set: SwiftValueSet, column: Column) -> SwiftDeclaration {
        SwiftDeclaration(
            doc: "The values column `\(column.name)` may hold (`CHECK (\(column.name) IN (\(set.cases.map(\.raw.sql).joined(separator: ", "))))`).",
            .enum(SwiftTypeDeclaration(
                access: .public, name: set.typeName, conformances: [set.rawType, "Codable", "Sendable", "Hashable", "CaseIterable"],
                members: set.cases.map { c in
                    let raw: SwiftExpression
                    switch c.raw {
                    case .integer(let i): raw = .integer(i)
                    case .string(let s): raw = .string(s)
                    default: raw = .string(c.raw.sql)
                    }
                    return SwiftDeclaration(.enumCase(name: c.name, rawValue: raw))
                })))
    }

    /// What would not compile: a value with no Swift case name, two values with one case name, two
    /// columns whose enums share a name, an enum named like the row struct.
    static func problems(in table: Table, typeName: String) -> [(column: Column, message: String)] {
        var out: [(Column, String)] = []
        var enumOwners: [String: String] = [:]
        for column in table.columns {
            guard let set = SwiftValueSet(column, owner: typeName) else { continue }
            if set.typeName == typeName {
                out.append((column, "column '\(column.name)' of table '\(table.name)' gets the Swift enum name '\(set.typeName)', the name of its row struct; rename the column or the table with @swift"))
            } else if let other = enumOwners[set.typeName] {
                out.append((column, "column '\(column.name)' of table '\(table.name)' gets the Swift enum name '\(set.typeName)', already used by column '\(other)'; rename one of them with @swift"))
            }
            enumOwners[set.typeName] = enumOwners[set.typeName] ?? column.name
            var seen: [String: String] = [:]
            for c in set.cases {
                if c.name.isEmpty || !SwiftNaming.isUsableIdentifier(c.name) {
                    out.append((column, "value \(c.raw.sql) of column '\(column.name)' of table '\(table.name)' gets no Swift case name (it needs a letter or a digit)"))
                } else if let first = seen[c.name] {
                    out.append((column, "values \(first) and \(c.raw.sql) of column '\(column.name)' of table '\(table.name)' get the same Swift case name '\(c.name)'"))
                } else {
                    seen[c.name] = c.raw.sql
                }
            }
        }
        return out
    }
}
