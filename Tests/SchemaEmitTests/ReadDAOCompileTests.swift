import Foundation
import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
import SchemagenDriver

/// Issue 16 item 2: the generated DAOs work in both `DatabasePool` bodies, and a write from a read
/// body is a compile error. Generated code and a probe are type-checked with swiftc against the
/// runtime's sources (`GeneratedCodeCompileTests.buildRuntime`).
@Suite struct ReadDAOCompileTests {
    static let schema = """
        schema pool_probe version 1
        naming { require_domain: false }
        table tag {
            id: text primary key
            label: text unique
        }
        """

    /// Every line compiles: reads in every body, writes in the write body, one generic reader.
    static let allowed = """
        import SchemagenRuntime

        func names(_ db: some DatabaseReading & Sendable) throws(DatabaseError) -> [String] {
            try db.tag.fetchAll().map(\\.label)
        }

        func allowed(_ pool: DatabasePool) async throws {
            let one = try await pool.read { db throws(DatabaseError) in try db.tag.fetch(id: "a") }
            let all = try await pool.read { db throws(DatabaseError) in try db.tag.fetchAll(limit: 2) }
            let n = try await pool.read { db throws(DatabaseError) in try db.tag.count() }
            let byLabel = try await pool.read { db throws(DatabaseError) in try db.tag.fetch(label: "x") }
            let generic = try await pool.read { db throws(DatabaseError) in try names(db) }
            try await pool.write { db throws(DatabaseError) in
                try db.tag.insert(Tag(id: "a", label: "x"))
                try db.tag.upsert(Tag(id: "a", label: "y"))
                _ = try db.tag.fetch(id: "a")
                _ = try names(db)
            }
            for try await tags in pool.observe({ db in try db.tag.fetchAll() }) { print(tags.count) }
            print(one as Any, all, n, byLabel as Any, generic)
        }

        """

    /// Each line writes from a read (or observation) body: each must be an error naming the member.
    static let refused: [(member: String, line: String)] = [
        ("insert", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.insert(Tag(id: "b", label: "z")) }"#),
        ("insert", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.insert(contentsOf: [Tag(id: "b", label: "z")]) }"#),
        ("update", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.update(Tag(id: "b", label: "z")) }"#),
        ("delete", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.delete(id: "b") }"#),
        ("upsert", #"    try await pool.read { db throws(DatabaseError) in try db.tag.upsert(Tag(id: "b", label: "z")) }"#),
        ("upsertAndFetch", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.upsertAndFetch(Tag(id: "b", label: "z")) }"#),
        ("insert", #"    _ = pool.observe { db in try db.tag.insert(Tag(id: "b", label: "z")) }"#),
    ]

    /// Whether a compiler error refuses `member` on `type` (`TagReads<ReadOnlyDatabase>`): a member
    /// that exists only in the `where DB == Database` face (`TagDAO`'s writes) is refused as
    /// "referencing instance method 'insert(_:)' on 'TagReads' requires the types 'ReadOnlyDatabase'
    /// and 'Database' be equivalent"; one of a type without it as "value of type … has no member …".
    static func refuses(_ error: Substring, type: String, member: String) -> Bool {
        let base = type.prefix(while: { $0 != "<" })
        return error.contains("value of type '\(type)' has no member '\(member)'")
            || (error.contains("referencing instance method '\(member)") && error.contains("on '\(base)' requires the types 'ReadOnlyDatabase' and 'Database' be equivalent"))
    }

    @Test func writesFromAReadBodyDoNotCompile() throws {
        let loaded = SchemaLoader.load(SourceFile(path: "pool_probe.victor", bytes: Array(Self.schema.utf8)))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let dir = try SchemagenTemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compile = GeneratedCodeCompileTests()
        let (lib, csqlite) = try compile.buildRuntime(in: dir, libraryToo: false)
        let generated = dir.appendingPathComponent("pool_probe.swift")
        try SwiftEmitter.emit(loaded.schema).write(to: generated, atomically: true, encoding: .utf8)
        func typecheck(_ source: String, name: String) throws -> (status: Int32, output: String) {
            let file = dir.appendingPathComponent(name)
            try source.write(to: file, atomically: true, encoding: .utf8)
            return try compile.run("swiftc", ["-typecheck", "-swift-version", "6", "-warnings-as-errors", "-I", lib.path, "-I", csqlite,
                                              generated.path, file.path], in: dir)
        }

        // The control: without the refused lines everything compiles, warning-free.
        let good = try typecheck(Self.allowed, name: "allowed.swift")
        #expect(good.status == 0, "the allowed uses did not compile:\n\(good.output)")
        #expect(good.output.isEmpty, "the compiler printed: \(good.output)")

        // The refused lines: compiling fails, each line with an error naming the write it calls
        // on the read DAO (a write with a defaulted `ConflictTarget` argument also gets a second
        // error, "cannot convert parent type 'TagReads<ReadOnlyDatabase>' to … 'TagReads<Database>'").
        let header = Self.allowed + "func refused(_ pool: DatabasePool) async throws {\n"
        let firstLine = header.split(separator: "\n", omittingEmptySubsequences: false).count
        let bad = try typecheck(header + Self.refused.map(\.line).joined(separator: "\n") + "\n}\n", name: "refused.swift")
        #expect(bad.status != 0, "writes from read bodies compiled")
        let errors = bad.output.split(separator: "\n").filter { $0.contains(": error: ") }
        for (i, (member, _)) in Self.refused.enumerated() {
            let expected = "refused.swift:\(firstLine + i):"
            let onLine = errors.filter { $0.contains(expected) }
            #expect(onLine.contains { Self.refuses($0, type: "TagReads<ReadOnlyDatabase>", member: member) },
                    "line \(firstLine + i): \(onLine)\n\(bad.output)")
        }
        // No other error: the allowed part of the same file still compiles.
        let refusedLines = Set((0..<Self.refused.count).map { "refused.swift:\(firstLine + $0):" })
        #expect(errors.allSatisfy { e in refusedLines.contains { e.contains($0) } }, "\(errors)")
    }
}

/// Issue 16 item 1 for queries and views: a `query` that only reads (SELECT) is callable in
/// `pool.read` and `pool.observe` bodies (on the table's read DAO, on `<Schema>QueriesReads` for a
/// schema-wide one), views too; a query that writes (INSERT/UPDATE/DELETE, also with RETURNING)
/// exists only where `db` is a `Database`, so calling it from a read body is a compile error.
@Suite struct ReadQueryCompileTests {
    static let schema = """
        schema pool_probe version 1
        naming { require_domain: false }
        table tag {
            id: text primary key
            label: text

            query tags_like { SELECT * FROM tag WHERE label LIKE :pattern ORDER BY id }
            query labels_of { SELECT label FROM tag WHERE id IN (:ids) ORDER BY label }
            query relabel { UPDATE tag SET label = :label WHERE id = :id }
            query add_tag { INSERT INTO tag (id, label) VALUES (:id, :label) RETURNING id }
        }
        view tag_label { SELECT id, label FROM tag }
        query tag_count { SELECT count(*) AS n FROM tag }
        query tagged { SELECT id FROM tag WHERE id IN (:ids) }
        query clear_tags { DELETE FROM tag WHERE id IN (:ids) }
        """

    static let allowed = """
        import SchemagenRuntime

        func counted(_ db: some DatabaseReading & Sendable) throws(DatabaseError) -> Int64 {
            try db.queries.tagCountFirst()?.n ?? 0
        }

        func allowed(_ pool: DatabasePool) async throws {
            let like: [Tag] = try await pool.read { db throws(DatabaseError) in try db.tag.tagsLike(pattern: "a%") }
            let first = try await pool.read { db throws(DatabaseError) in try db.tag.tagsLikeFirst(pattern: "a%") }
            let labels: [TagDAO.LabelsOfRow] = try await pool.read { db throws(DatabaseError) in try db.tag.labelsOf(ids: ["a"]) }
            let n: [PoolProbeQueries.TagCountRow] = try await pool.read { db throws(DatabaseError) in try db.queries.tagCount() }
            let tagged = try await pool.read { db throws(DatabaseError) in try db.queries.tagged(ids: ["a", "b"]) }
            let view: [TagLabel] = try await pool.read { db throws(DatabaseError) in try db.tagLabel.fetchAll() }
            let generic = try await pool.read { db throws(DatabaseError) in try counted(db) }
            let each = try await pool.read { db throws(DatabaseError) -> Int in
                var k = 0
                try db.tag.tagsLike(pattern: "%") { _ in k += 1 }
                return k
            }
            try await pool.write { db throws(DatabaseError) in
                _ = try db.tag.addTag(id: "a", label: "x")
                try db.tag.relabel(label: "y", id: "a")
                try db.queries.clearTags(ids: ["b"])
                _ = try db.tag.tagsLike(pattern: "%")
                _ = try db.queries.tagCount()
                _ = try db.tagLabel.fetchAll()
                _ = try counted(db)
            }
            for try await rows in pool.observe({ db in try db.queries.tagCount() }) { print(rows.count) }
            for try await rows in pool.observe({ db in try db.tag.tagsLike(pattern: "%") }) { print(rows.count) }
            print(like, first as Any, labels, n, tagged, view, generic, each)
        }

        """

    /// Each line runs a writing query from a read (or observation) body, with the type the error names.
    static let refused: [(type: String, member: String, line: String)] = [
        ("TagReads<ReadOnlyDatabase>", "relabel", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.relabel(label: "z", id: "a") }"#),
        ("TagReads<ReadOnlyDatabase>", "addTag", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.addTag(id: "b", label: "z") }"#),
        ("TagReads<ReadOnlyDatabase>", "addTagFirst", #"    _ = try await pool.read { db throws(DatabaseError) in try db.tag.addTagFirst(id: "b", label: "z") }"#),
        ("PoolProbeQueriesReads<ReadOnlyDatabase>", "clearTags", #"    _ = try await pool.read { db throws(DatabaseError) in try db.queries.clearTags(ids: ["a"]) }"#),
        ("TagReads<ReadOnlyDatabase>", "relabel", #"    _ = pool.observe { db in try db.tag.relabel(label: "z", id: "a") }"#),
        ("PoolProbeQueriesReads<ReadOnlyDatabase>", "clearTags", #"    _ = pool.observe { db in try db.queries.clearTags(ids: []) }"#),
    ]

    @Test func writingQueriesFromAReadBodyDoNotCompile() throws {
        let file = SourceFile(path: "pool_probe.victor", bytes: Array(Self.schema.utf8))
        let pipeline = SchemaPipeline().adding([SchemaPipeline.swiftNames])
        let loaded = pipeline.run(file)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let checked = try #require(loaded.checked)
        // Every Swift file the pipeline emits (one per table, the schema's and the queries' files).
        let swiftFiles = pipeline.emit(checked).filter { $0.path.hasSuffix(".swift") }
        try #require(!swiftFiles.isEmpty)
        let dir = try SchemagenTemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compile = GeneratedCodeCompileTests()
        let (lib, csqlite) = try compile.buildRuntime(in: dir, libraryToo: false)
        let generatedDir = dir.appendingPathComponent("generated")
        try FileManager.default.createDirectory(at: generatedDir, withIntermediateDirectories: true)
        var generated: [String] = []
        for f in swiftFiles {
            let url = generatedDir.appendingPathComponent(URL(fileURLWithPath: f.path).lastPathComponent)
            try f.contents.write(to: url, atomically: true, encoding: .utf8)
            generated.append(url.path)
        }
        func typecheck(_ source: String, name: String) throws -> (status: Int32, output: String) {
            let file = dir.appendingPathComponent(name)
            try source.write(to: file, atomically: true, encoding: .utf8)
            return try compile.run("swiftc", ["-typecheck", "-swift-version", "6", "-warnings-as-errors", "-I", lib.path, "-I", csqlite]
                                   + generated + [file.path], in: dir)
        }

        let good = try typecheck(Self.allowed, name: "allowed.swift")
        #expect(good.status == 0, "the allowed uses did not compile:\n\(good.output)")
        #expect(good.output.isEmpty, "the compiler printed: \(good.output)")

        let header = Self.allowed + "func refused(_ pool: DatabasePool) async throws {\n"
        let firstLine = header.split(separator: "\n", omittingEmptySubsequences: false).count
        let bad = try typecheck(header + Self.refused.map(\.line).joined(separator: "\n") + "\n}\n", name: "refused.swift")
        #expect(bad.status != 0, "writing queries from read bodies compiled")
        for (i, (type, member, _)) in Self.refused.enumerated() {
            let expected = "refused.swift:\(firstLine + i):"
            let error = bad.output.split(separator: "\n").first { $0.contains(expected) && $0.contains(": error: ") }
            #expect(error.map { ReadDAOCompileTests.refuses($0, type: type, member: member) } == true,
                    "line \(firstLine + i): \(error.map(String.init) ?? "no error")\n\(bad.output)")
        }
        let errors = bad.output.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == Self.refused.count, "\(errors)")
    }
}
