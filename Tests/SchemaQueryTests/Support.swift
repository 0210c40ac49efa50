import Testing
import SchemaSyntax
import SchemaModel
import SchemaEmit
@testable import SchemaQuery

/// The test schema: every logical type, nullable and NOT NULL columns, a self-reference, an upsert target.
let testSchemaText = """
schema app version 1
domain app {
  table app_author {
    id: integer primary key
    name: text
    email: text?
    is_admin: bool = false
    profile: json?
    created_at: timestamp = datetime('now')
    mentor_id: integer? references app_author(id)
  }
  table app_post {
    id: integer primary key
    author_id: integer references app_author(id)
    title: text
    body: text?
    published: bool
    published_at: timestamp?
    score: real
    tags: json
    seen_at: epoch?
    index idx_post_author (author_id)
  }
  table app_comment {
    id: integer primary key
    post_id: integer references app_post(id) on delete cascade
    author_id: integer? references app_author(id)
    text: text
    flagged: bool?
  }
  table app_q_value {
    id: integer primary key
    learner_id: text
    state_key: text
    action_key: text
    q_value: real? = 0.5
    visit_count: integer? = 0
    last_updated: timestamp?
    unique (learner_id, state_key, action_key)
  }
}
"""

func testSchema() throws -> Schema {
    let (schema, diagnostics) = Resolver.load(SourceFile(path: "app.victor", text: testSchemaText))
    #expect(!diagnostics.hasErrors, "\(diagnostics.map(\.message))")
    return schema
}

func makeAnalyzer(views: [ViewDefinition] = []) throws -> QueryAnalyzer {
    let schema = try testSchema()
    return try QueryAnalyzer(schema: schema, ddl: DDLEmitter.emit(schema), views: views)
}

func analyze(_ sql: String, views: [ViewDefinition] = []) throws -> AnalyzedQuery {
    try makeAnalyzer(views: views).analyze(sql)
}

/// Result columns as `name: type` with `?` for optional: exact and readable in assertions.
func columns(_ q: AnalyzedQuery) -> [String] {
    q.columns.map { "\($0.name): \($0.type.name)\($0.isOptional ? "?" : "")" }
}

/// Parameters as `name: type`, `[type]` for a list, `?` for optional, `(limit)` for LIMIT/OFFSET.
func parameters(_ q: AnalyzedQuery) -> [String] {
    q.parameters.map { p in
        let t = p.isList ? "[\(p.type.name)]" : p.type.name
        return "\(p.name): \(t)\(p.isOptional ? "?" : "")\(p.source == .limit ? " (limit)" : "")"
    }
}

/// The error an analysis throws, with the SQL text it points at.
func failure(_ sql: String, views: [ViewDefinition] = [], sourceLocation: SourceLocation = #_sourceLocation) -> (QueryError, String)? {
    do {
        let q = try analyze(sql, views: views)
        Issue.record("expected an error, got \(columns(q)) \(parameters(q))", sourceLocation: sourceLocation)
        return nil
    } catch let e as QueryError {
        let bytes = Array(sql.utf8)
        let end = min(bytes.count, e.offset + e.length)
        let located = e.offset <= bytes.count ? String(decoding: bytes[min(e.offset, bytes.count)..<end], as: UTF8.self) : ""
        return (e, located)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
