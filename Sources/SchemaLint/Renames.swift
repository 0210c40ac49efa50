import SchemaSyntax
import SchemaModel

/// Rename fix-its, built where the whole schema is at hand so that one fix-it carries every
/// edit the rename needs: the table's name and each `references` to it. The new name is written
/// in backticks when it is not a plain identifier (`` `app_big user` ``), so the fixed file still
/// parses. A rename onto a name another table or index has is offered but not safe to apply
/// unattended; so is a column rename (keys, indexes and mappings still name the column).
extension LintContext {
    /// Every lowercased table and index name.
    var takenNames: Set<String> {
        Set(schema.tables.flatMap { [$0.name.lowercased()] + $0.indexes.map { $0.name.lowercased() } })
    }

    public func renameTable(_ table: Table, to newName: String) -> FixIt {
        let spelled = Lexer.spelling(of: newName)
        var edits = [FixIt.Edit(range: table.nameRange, replacement: spelled)]
        let old = table.name.lowercased()
        for t in schema.tables {
            for fk in t.foreignKeys where fk.referencedTable.lowercased() == old && fk.tableRange != table.nameRange {
                edits.append(FixIt.Edit(range: fk.tableRange, replacement: spelled))
            }
        }
        let taken = newName.lowercased() != old && takenNames.contains(newName.lowercased())
        return FixIt(message: "rename to '\(newName)'", edits: edits, isSafe: !taken)
    }

    public func renameIndex(_ index: Index, to newName: String) -> FixIt {
        let taken = newName.lowercased() != index.name.lowercased() && takenNames.contains(newName.lowercased())
        return FixIt(message: "rename to '\(newName)'", range: index.nameRange, replacement: Lexer.spelling(of: newName), isSafe: !taken)
    }

    public func renameColumn(_ column: Column, to newName: String) -> FixIt {
        FixIt(message: "rename to '\(newName)'", range: column.nameRange, replacement: Lexer.spelling(of: newName), isSafe: false)
    }
}
