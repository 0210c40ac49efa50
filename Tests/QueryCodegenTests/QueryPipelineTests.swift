import Foundation
import Testing
import SchemagenTestSupport
import SchemagenDriver
import SchemaSyntax

/// Queries and views through the pipeline and the CLI: refusals are located inside the SQL in the
/// schema file, exit non-zero and leave every output byte-identical (or, for the build plugin's
/// `--swift-only`, removed); accepted views reach the DDL in dependency order.
@Suite struct QueryPipelineTests {
    static let schema = """
        schema s version 1

        domain app {
            table app_post {
                id: integer primary key
                title: text
            }
        }

        /// Views on views: declared before the view they select from.
        view app_title_length {
            SELECT id, length(title) AS n FROM app_title -- the other view
        }

        view app_title {
            SELECT id, title FROM app_post;
        }

        query titles {
            SELECT title FROM app_title WHERE id = :id
        }

        """

    func write(_ text: String) throws -> (dir: URL, file: URL) {
        let dir = try SchemagenCLI.temporaryDirectory("queries")
        let file = dir.appendingPathComponent("s.victor")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file)
    }

    @Test func viewsAreEmittedInDependencyOrderAndLoad() throws {
        let (dir, file) = try write(Self.schema)
        let r = try SchemagenCLI.run(["generate", file.path, "--output", dir.appendingPathComponent("out").path])
        #expect(r.status == 0, "\(r.stderr)")
        let ddl = try String(contentsOf: dir.appendingPathComponent("out/s.sql"), encoding: .utf8)
        let base = try #require(ddl.range(of: "CREATE VIEW app_title AS SELECT id, title FROM app_post;\n"))
        let derived = try #require(ddl.range(of: "CREATE VIEW app_title_length AS SELECT id, length(title) AS n FROM app_title;\n"))
        #expect(base.lowerBound < derived.lowerBound)
        // The trailing comment and ';' of a body are not emitted (a `--` would swallow the DDL's ';').
        #expect(!ddl.contains("-- the other view"))
        let ddlRun = try SchemagenCLI.run(["ddl", file.path])
        #expect(ddlRun.status == 0, "\(ddlRun.stderr)")
        #expect(ddlRun.stdout.contains("CREATE VIEW app_title_length"))
    }

    func refusal(_ query: String, expect location: String, _ message: String) throws {
        let (dir, file) = try write(Self.schema + query)
        let out = dir.appendingPathComponent("out")
        // A good run first, so there are outputs a refused run must leave alone.
        try Self.schema.write(to: file, atomically: true, encoding: .utf8)
        #expect(try SchemagenCLI.run(["generate", file.path, "--output", out.path]).status == 0)
        let sql = try Data(contentsOf: out.appendingPathComponent("s.sql"))
        let swift = try Data(contentsOf: out.appendingPathComponent("Swift/s/SQueries.swift"))
        try (Self.schema + query).write(to: file, atomically: true, encoding: .utf8)

        let r = try SchemagenCLI.run(["generate", file.path, "--output", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("s.victor:\(location): error: \(message)"), "\(r.stderr)")
        #expect(r.stderr.contains("^"))
        #expect(try Data(contentsOf: out.appendingPathComponent("s.sql")) == sql)
        #expect(try Data(contentsOf: out.appendingPathComponent("Swift/s/SQueries.swift")) == swift)

        let check = try SchemagenCLI.run(["generate", file.path, "--output", out.path, "--check"])
        #expect(check.status == 1)
        let lint = try SchemagenCLI.run(["lint", file.path])
        #expect(lint.status != 0)
        #expect(lint.stdout.contains("s.victor:\(location): error:") || lint.stderr.contains("s.victor:\(location): error:"))

        // The build plugin's path: no Swift is left behind.
        let plugin = try SchemagenCLI.run(["generate", file.path, "--output", out.path, "--swift-only"])
        #expect(plugin.status == 1)
        #expect(plugin.stderr.contains("s.victor:\(location): error:"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("Swift/s").path) == [], "no Swift is left behind")
    }

    @Test func unknownColumnIsLocatedInsideTheQuery() throws {
        try refusal("""
            query bad {
                SELECT titel FROM app_post
            }
            """, expect: "23:12", "no such column 'titel'; did you mean 'title'?")
    }

    @Test func twoStatementsAreRefused() throws {
        try refusal("""
            query bad {
                SELECT 1; DROP TABLE app_post
            }
            """, expect: "23:15", "a query is one SQL statement")
    }

    @Test func anErrorInAViewIsLocatedInTheView() throws {
        try refusal("""
            view app_broken {
                SELECT id, nope FROM app_post
            }
            """, expect: "23:16", "in view 'app_broken': no such column 'nope'")
    }

    @Test func aResultNameThatIsNoSwiftPropertyAsksForAnAlias() throws {
        try refusal("""
            query bad {
                SELECT count(*) FROM app_post
            }
            """, expect: "23:12", "result column 1 of query 'bad' is named 'count(*)'")
    }

    @Test func aQueryNamedLikeADAOMethodIsRefused() throws {
        var text = Self.schema.replacingOccurrences(of: "        title: text\n", with: "        title: text\n\n        query insert {\n            DELETE FROM app_post\n        }\n")
        text += ""
        let (dir, file) = try write(text)
        let r = try SchemagenCLI.run(["generate", file.path, "--output", dir.appendingPathComponent("out").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("s.victor:8:15: error: query 'insert' would be the method 'insert'"), "\(r.stderr)")
    }

    @Test func theCheckedSchemaCarriesTheAnalysis() throws {
        let loaded = SchemaPipeline().run(SourceFile(path: "s.victor", text: Self.schema))
        let checked = try #require(loaded.checked, "\(loaded.diagnostics)")
        #expect(checked.queries.views.map(\.view.name) == ["app_title", "app_title_length"])
        #expect(checked.queries.queries.map(\.query.name) == ["titles"])
        #expect(checked.queries.queries[0].analysis.parameters.map(\.swiftType) == ["Int64"])
    }
}
