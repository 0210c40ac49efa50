import Testing
import SchemaSyntax
import SchemaModel
@testable import SchemaQuery

struct BadInputTests {
    @Test func syntaxErrorIsLocated() {
        let e = failure("SELECT id FRM app_post")
        #expect(e?.0.kind == .syntax)
        #expect(e?.0.message == "near \"app_post\": syntax error")
        #expect(e?.1 == "app_post")
        let incomplete = failure("SELECT id FROM")
        #expect(incomplete?.0.kind == .syntax)
        #expect(incomplete?.0.offset == 14)
    }

    @Test func unknownTableSuggestsAName() {
        let e = failure("SELECT id FROM app_posts WHERE id = 1")
        #expect(e?.0.kind == .unknownTable)
        #expect(e?.0.message == "no such table 'app_posts'; did you mean 'app_post'?")
        #expect(e?.0.suggestion == "app_post")
        #expect(e?.1 == "app_posts")
    }

    @Test func unknownColumnSuggestsAName() {
        let e = failure("SELECT id, titel FROM app_post")
        #expect(e?.0.kind == .unknownColumn)
        #expect(e?.0.message == "no such column 'titel'; did you mean 'title'?")
        #expect(e?.1 == "titel")
        let q = failure("SELECT p.id FROM app_post p WHERE p.pubished = 1")
        #expect(q?.0.kind == .unknownColumn)
        #expect(q?.0.message == "no such column 'p.pubished'; did you mean 'published'?")
        #expect(q?.1 == "pubished")
    }

    @Test func ambiguousColumn() {
        let e = failure("SELECT title FROM app_post JOIN app_comment ON post_id = app_post.id WHERE author_id = 1")
        #expect(e?.0.kind == .ambiguousColumn)
        #expect(e?.0.message == "ambiguous column name 'author_id': it is a column of 'app_post' and 'app_comment'; qualify it, e.g. 'app_post.author_id'")
        #expect(e?.1 == "author_id")
    }

    @Test func parameterWhereSQLiteAllowsNone() {
        let e = failure("SELECT id FROM :table")
        #expect(e?.0.kind == .misplacedParameter)
        #expect(e?.1 == ":table")
    }

    @Test func twoStatements() {
        let e = failure("SELECT 1; DROP TABLE app_post")
        #expect(e?.0.kind == .multipleStatements)
        #expect(e?.1 == "DROP")
        #expect(e?.0.offset == 10)
    }

    @Test func writeToAView() {
        let views = [ViewDefinition(name: "app_titled", sql: "SELECT id, title FROM app_post")]
        for sql in ["INSERT INTO app_titled (title) VALUES ('x')", "UPDATE app_titled SET title = 'x'", "DELETE FROM app_titled"] {
            let e = failure(sql, views: views)
            #expect(e?.0.kind == .writeToView)
            #expect(e?.0.message == "cannot write to 'app_titled': it is a view, which is read-only; write to its tables instead")
            #expect(e?.1 == "app_titled")
        }
    }

    @Test func untypedResultColumn() {
        let e = failure("SELECT id, score * 2 AS doubled FROM app_post")
        #expect(e?.0.kind == .untypedResultColumn)
        #expect(e?.1 == "score * 2 AS doubled")
        #expect(e?.0.message.hasPrefix("cannot infer the type of result column 'doubled'") == true)
        let n = failure("SELECT NULL AS none")
        #expect(n?.0.kind == .untypedResultColumn)
    }

    @Test func duplicateResultNames() {
        let e = failure("SELECT p.id, c.id FROM app_post p JOIN app_comment c ON c.post_id = p.id")
        #expect(e?.0.kind == .duplicateResultName)
        #expect(e?.0.message == "result column 2 is named 'id' like column 1; give one an alias, e.g. '… AS app_comment_id'")
        #expect(e?.1 == "c.id")
        let star = failure("SELECT * FROM app_post JOIN app_comment ON app_comment.post_id = app_post.id")
        #expect(star?.0.kind == .duplicateResultName)
        #expect(star?.1 == "*")
        #expect(star?.0.message == "result column 10 is named 'id' like column 1; it comes from a '*': list the columns and alias one, e.g. '… AS app_comment_id'")
        #expect(failure("SELECT p.*, c.* FROM app_post p JOIN app_comment c ON c.post_id = p.id")?.1 == "c.*")
    }

    @Test func unknownParameterType() {
        let e = failure("SELECT id FROM app_post WHERE length(title) > :n")
        #expect(e?.0.kind == .unknownParameterType)
        #expect(e?.0.message == "cannot infer the type of parameter ':n': compare it with a column, or annotate it: ':n /* as integer */' (add '?' for an optional)")
        #expect(e?.1 == ":n")
    }

    @Test func conflictingParameterTypes() {
        let e = failure("SELECT id FROM app_post WHERE title = :x OR score = :x")
        #expect(e?.0.kind == .conflictingParameterType)
        #expect(e?.0.offset == 52)
    }

    @Test func badParameterNames() {
        #expect(failure("SELECT id FROM app_post WHERE id = ?")?.0.kind == .badParameterName)
        #expect(failure("SELECT id FROM app_post WHERE id = @id")?.1 == "@id")
        #expect(failure("SELECT id FROM app_post WHERE id = :postId")?.0.kind == .badParameterName)
    }

    @Test func badAnnotation() {
        let e = failure("SELECT score * 2 AS d /* as flaot */ FROM app_post")
        #expect(e?.0.kind == .badAnnotation)
        #expect(e?.0.message.hasPrefix("unknown type 'flaot' in annotation; the types are integer, real, text") == true)
        #expect(e?.1 == "/* as flaot */")
        #expect(failure("SELECT id FROM app_post WHERE id = :id /* as bol */")?.0.message.hasSuffix("did you mean 'bool'?") == true)
    }

    @Test func emptyAndNonDML() {
        #expect(failure("  -- nothing\n")?.0.kind == .empty)
        #expect(failure("DROP TABLE app_post")?.0.kind == .unsupportedStatement)
        #expect(failure("PRAGMA user_version")?.0.kind == .unsupportedStatement)
    }

    @Test func badViews() throws {
        do {
            _ = try makeAnalyzer(views: [ViewDefinition(name: "app_bad", sql: "SELECT nme FROM app_author")])
            Issue.record("expected an error")
        } catch let error as QueryError {
            #expect(error.kind == .unknownColumn)
            #expect(error.view == "app_bad")
            #expect(error.message == "no such column 'nme'; did you mean 'name'?")
        }
        do {
            _ = try makeAnalyzer(views: [ViewDefinition(name: "app_a", sql: "SELECT * FROM app_b"), ViewDefinition(name: "app_b", sql: "SELECT * FROM app_a")])
            Issue.record("expected an error")
        } catch let error as QueryError {
            #expect(error.kind == .viewCycle)
        }
        do {
            _ = try makeAnalyzer(views: [ViewDefinition(name: "app_post", sql: "SELECT 1 AS one")])
            Issue.record("expected an error")
        } catch let error as QueryError {
            #expect(error.kind == .duplicateView)
        }
    }

    @Test func viewWithAParameter() throws {
        do {
            _ = try makeAnalyzer(views: [ViewDefinition(name: "app_p", sql: "SELECT id FROM app_post WHERE id = :id")])
            Issue.record("expected an error")
        } catch let error as QueryError {
            #expect(error.kind == .misplacedParameter)
            #expect(error.offset == 35)
            #expect(error.view == "app_p")
        }
    }

    @Test func swiftTypes() throws {
        let q = try analyze("SELECT id, body, published_at FROM app_post WHERE id IN (:ids) AND title IS :t LIMIT :n")
        #expect(q.parameters.map(\.swiftType) == ["[Int64]", "String?", "Int"])
        #expect(q.columns.map(\.swiftType) == ["Int64", "String?", "Date?"])
    }

    @Test func viewsThatAreNotSelects() throws {
        #expect(throws: QueryError.self) { try makeAnalyzer(views: [ViewDefinition(name: "app_w", sql: "DELETE FROM app_post")]) }
    }
}

struct DiagnosticTests {
    @Test func errorsMapIntoTheSchemaFile() throws {
        // A query body as it would sit in a .victor file, at byte 40.
        let prefix = String(repeating: " ", count: 40)
        let sql = "SELECT id FROM app_psot"
        guard let (e, _) = failure(sql) else { return }
        let d = e.diagnostic(file: "app.victor", sqlStart: prefix.utf8.count)
        #expect(d.range == SourceRange(start: 55, end: 63))
        #expect(d.severity == .error)
        #expect(d.fixIts.map(\.replacement) == ["app_post"])
        #expect(d.message == "no such table 'app_psot'; did you mean 'app_post'?")
    }
}

struct MoreBadInputTests {
    @Test func unknownFunctionSuggestsAName() {
        let e = failure("SELECT lenght(title) AS n FROM app_post")
        #expect(e?.0.kind == .unknownFunction)
        #expect(e?.0.message == "no such function 'lenght'; did you mean 'length'?")
        #expect(e?.1 == "lenght")
    }

    @Test func parameterAsSortColumn() {
        let e = failure("SELECT id FROM app_post ORDER BY :column DESC")
        #expect(e?.0.kind == .misplacedParameter)
        #expect(e?.1 == ":column")
        #expect(failure("SELECT author_id, count(*) AS n FROM app_post GROUP BY author_id, :g")?.0.kind == .misplacedParameter)
    }

    @Test func parameterInsideAnOrderByExpressionIsFine() throws {
        let q = try analyze("SELECT id FROM app_post ORDER BY abs(score - :target /* as real */) LIMIT :n")
        #expect(parameters(q) == ["target: real", "n: integer (limit)"])
    }
}

struct ByteLevelBadInputTests {
    @Test func nulByteAndUnterminatedString() {
        let e = failure("SELECT id FROM app_post\u{0}; DROP TABLE app_post")
        #expect(e?.0.message == "the query contains a NUL byte")
        #expect(e?.0.offset == 23)
        let s = failure("SELECT 'open FROM app_post")
        #expect(s?.0.kind == .syntax)
        #expect(s?.0.offset == 7)
    }
}
