import SchemaModel
import SchemaSyntax

/// A schema's `view` declaration with its analysis.
public struct AnalyzedView: Sendable, Hashable {
    public var view: View
    public var analysis: AnalyzedQuery
}

/// A schema's `query` declaration with its analysis.
public struct AnalyzedDeclaration: Sendable, Hashable {
    public var query: Query
    public var analysis: AnalyzedQuery
}

/// Every query and view of a schema, verified by SQLite, with what code generation needs.
public struct QueryAnalysis: Sendable, Hashable {
    /// In dependency order (the order they are created in).
    public var views: [AnalyzedView]
    /// In source order.
    public var queries: [AnalyzedDeclaration]
    public init(views: [AnalyzedView] = [], queries: [AnalyzedDeclaration] = []) { self.views = views; self.queries = queries }
    public static let empty = QueryAnalysis()

    /// The queries declared inside `table`'s block.
    public func queries(ofTable table: String) -> [AnalyzedDeclaration] { queries.filter { $0.query.table == table } }
    /// The schema-wide queries (top level and in domains).
    public var schemaQueries: [AnalyzedDeclaration] { queries.filter { $0.query.table == nil } }
}

/// The query stage of the pipeline: every view, then every query of a schema, checked by
/// `QueryAnalyzer` against the schema's tables. Errors are located inside the SQL in the schema file.
public enum SchemaQueryCheck {
    /// `tableDDL` is the schema's `CREATE TABLE`/`CREATE INDEX` script (`DDLEmitter.tableScript`).
    /// Returns the analysis when there is no error, and the diagnostics.
    public static func analyze(_ schema: Schema, tableDDL: String) -> (QueryAnalysis?, [Diagnostic]) {
        if schema.queries.isEmpty && schema.views.isEmpty { return (.empty, []) }
        let ordered = schema.viewsInDependencyOrder
        let definitions = ordered.map { ViewDefinition(name: $0.name, sql: $0.statementSQL) }
        let analyzer: QueryAnalyzer
        do {
            analyzer = try QueryAnalyzer(schema: schema, ddl: tableDDL, views: definitions)
        } catch {
            guard let name = error.view, let v = schema.views.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                return (nil, [Diagnostic(.error, error.message, file: schema.file, range: .empty, id: error.messageID)])
            }
            var d = error.diagnostic(file: schema.file, sqlStart: v.sqlRange.start + v.statementOffset)
            if error.offset == 0 && error.length == 0 { d.range = v.nameRange; d.fixIts = [] }
            d.message = "in view '\(v.name)': " + d.message
            return (nil, [d])
        }
        var analysis = QueryAnalysis()
        for v in ordered {
            if let a = analyzer.viewAnalyses[v.name.lowercased()] { analysis.views.append(AnalyzedView(view: v, analysis: a)) }
        }
        var diagnostics: [Diagnostic] = []
        for q in schema.queries {
            do {
                analysis.queries.append(AnalyzedDeclaration(query: q, analysis: try analyzer.analyze(q.sql)))
            } catch {
                var d = error.diagnostic(file: schema.file, sqlStart: q.sqlRange.start)
                if error.length == 0 && error.offset == 0 { d.range = q.nameRange; d.fixIts = [] }
                diagnostics.append(d)
            }
        }
        return (diagnostics.isEmpty ? analysis : nil, diagnostics)
    }
}

extension QueryError {
    /// The catalog id of this kind of error.
    public var messageID: MessageID {
        switch kind {
        case .empty: return .emptySQL
        case .syntax: return .querySyntax
        case .unknownTable: return .queryUnknownTable
        case .unknownColumn: return .queryUnknownColumn
        case .unknownFunction: return .queryUnknownFunction
        case .ambiguousColumn: return .queryAmbiguousColumn
        case .misplacedParameter: return .queryMisplacedParameter
        case .multipleStatements: return .queryMultipleStatements
        case .writeToView: return .queryWriteToView
        case .unsupportedStatement: return .queryUnsupportedStatement
        case .badParameterName: return .queryBadParameterName
        case .unknownParameterType: return .queryUntypedParameter
        case .conflictingParameterType: return .queryConflictingParameterType
        case .untypedResultColumn: return .queryUntypedResultColumn
        case .duplicateResultName: return .queryDuplicateResultName
        case .badAnnotation: return .queryBadAnnotation
        case .viewCycle: return .queryViewCycle
        case .duplicateView: return .queryDuplicateView
        case .sqlite: return .rejectedBySQLite
        }
    }
}
