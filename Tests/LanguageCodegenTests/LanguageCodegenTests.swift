import Foundation
import Testing
import SchemagenRuntime

/// The Swift generated from Language.victor (Generated/Swift/Language/, compiled into this
/// target) run against real SQLite: value sets as enums, generated columns, PascalCase and quoted
/// names, and FTS5 search over an external-content table kept in sync by triggers. Values are bound
/// to variables whose Swift type is written out, so a wrong generated type fails compilation.
@Suite struct LanguageCodegenTests {
    func database() throws -> Database {
        let db = try Database.inMemory()
        try LangMigrations.migrate(db)
        return db
    }

    @Test func valueSetsAreEnumsWithRawValues() throws {
        let db = try database()
        let inserted = try db.ticket.insert(Ticket(title: "Write docs", status: .inProgress, priority: ._2))
        let id = try #require(inserted.ticketId)
        let fetched = try #require(try db.ticket.fetch(ticketId: id))
        let status: Ticket.Status = fetched.status
        let priority: Ticket.Priority? = fetched.priority
        #expect(status == .inProgress)
        #expect(priority == ._2)
        // The default is the enum case the schema names; a keyword value is a backticked case.
        let defaulted = try db.ticket.insert(Ticket(title: "Triage"))
        #expect(defaulted.status == .todo)
        _ = try db.ticket.insert(Ticket(title: "Odd", status: .default))
        // Stored as the raw values, looked up by the enum (the index prefix on `status`).
        #expect(try db.ticket.fetchAll(status: .default).map(\.title) == ["Odd"])
        let raw = try db.withStatement(sql: "SELECT status, Priority FROM Ticket WHERE TicketId = ?1") { (s: borrowing Statement) throws(DatabaseError) -> [String?] in
            s.bind(id, at: 1)
            return try s.step() ? [try s.optionalText(0), try s.optionalInt64(1).map(String.init)] : []
        }
        #expect(raw == ["in-progress", "2"])
        #expect(Ticket.Status.allCases.map(\.rawValue) == ["todo", "in-progress", "done", "default"])
        #expect(Ticket.Priority.allCases.map(\.rawValue) == [1, 2, 3])
        // Codable uses the raw values.
        let json = try JSONEncoder().encode(fetched)
        #expect(String(decoding: json, as: UTF8.self).contains("\"status\":\"in-progress\""))
        #expect(try JSONDecoder().decode(Ticket.self, from: json) == fetched)
    }

    @Test func aStoredValueOutsideTheSetIsADecodingError() throws {
        let db = try database()
        // The CHECK keeps it out; with checks off (an old database, another writer) it is reported, not guessed.
        try db.execute("PRAGMA ignore_check_constraints = ON")
        try db.execute("INSERT INTO Ticket (TicketId, Title, status) VALUES (7, 'x', 'archived')")
        #expect {
            _ = try db.ticket.fetch(ticketId: 7)
        } throws: { error in
            guard let e = error as? DatabaseError else { return false }
            return e.kind == .decoding && e.message.contains("'archived' is not a value of Status")
        }
        try db.execute("PRAGMA ignore_check_constraints = OFF")
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO Ticket (TicketId, Title, status) VALUES (8, 'x', 'archived')") }
    }

    @Test func generatedColumnsAreReadNeverWritten() throws {
        let db = try database()
        var t = try db.ticket.insert(Ticket(title: "abc", titleLength: 999, titleUpper: "ignored"))
        let length: Int64? = t.titleLength
        #expect(length == 3)
        #expect(t.titleUpper == "ABC")
        t.title = "abcdef"
        let tid = try #require(t.ticketId)
        #expect(try db.ticket.update(t))
        let updated = try #require(try db.ticket.fetch(ticketId: tid))
        #expect(updated.titleLength == 6)
        #expect(updated.titleUpper == "ABCDEF")
        try db.ticket.upsert(Ticket(ticketId: t.ticketId, title: "xy"))
        #expect(try db.ticket.fetch(ticketId: tid)?.titleLength == 2)
    }

    @Test func quotedAndPascalCaseNamesRoundTrip() throws {
        let db = try database()
        let c = try db.boardColumn.insert(BoardColumn(columnKey: "to do", default: "yes", order: 2))
        let fetched: BoardColumn? = try db.boardColumn.fetch(columnKey: "to do")
        #expect(fetched == c)
        #expect(fetched?.default == "yes")
        let t = try db.ticket.insert(Ticket(title: "t", dueDate: "2026-12-24", trackID: 5))
        let dueDate: String? = t.dueDate
        let trackID: Int64? = t.trackID
        #expect(dueDate == "2026-12-24")
        #expect(trackID == 5)
        // Codable keys each property by its column name, and decodes back to the same row.
        let encoded = try JSONEncoder().encode(t)
        let json = String(decoding: encoded, as: UTF8.self)
        #expect(json.contains("\"due date\":\"2026-12-24\""))
        #expect(json.contains("\"TrackID\":5"))
        #expect(try JSONDecoder().decode(Ticket.self, from: encoded) == t)
        // A nil optional is left out (encodeIfPresent), and a missing key decodes as nil.
        let bare = try db.ticket.insert(Ticket(title: "bare"))
        let bareJSON = String(decoding: try JSONEncoder().encode(bare), as: UTF8.self)
        #expect(!bareJSON.contains("due date"))
        #expect(try JSONDecoder().decode(Ticket.self, from: Data(bareJSON.utf8)) == bare)
        // A missing required column is a DecodingError naming the column's key.
        do {
            _ = try JSONDecoder().decode(Ticket.self, from: Data("{}".utf8))
            Issue.record("decoded a ticket without its columns")
        } catch let DecodingError.keyNotFound(key, _) {
            #expect(key.stringValue == "Title")
        }
    }

    @Test func fts5SearchIsTypedAndRanked() throws {
        let db = try database()
        _ = try db.note.insert(Note(body: "The quick brown fox jumps over the lazy dog"))
        let second = try db.note.insert(Note(body: "Foxes and more foxes: a fox den full of foxes"))
        _ = try db.note.insert(Note(body: "Nothing to see here"))
        let matches: [NoteSearch.Match] = try db.noteSearch.search("fox")
        #expect(matches.count == 2)
        // Ranked: the note with the most matches first; rowid is the content table's key.
        #expect(matches.first?.row.rowid == second.noteId)
        #expect(matches.map(\.rank) == matches.map(\.rank).sorted())
        let highlight: String? = matches.first?.highlight
        #expect(highlight?.contains("[Foxes]") == true, "\(highlight ?? "nil")")
        #expect(matches.last?.snippet?.contains("[fox]") == true)
        // Custom markers, a prefix query, a limit.
        let marked = try db.noteSearch.search("jump*", open: "<b>", close: "</b>", limit: 1)
        #expect(marked.map(\.highlight) == ["The quick brown fox <b>jumps</b> over the lazy dog"])
        // The triggers keep the index in sync with the content table.
        let sid = try #require(second.noteId)
        var n = try #require(try db.note.fetch(noteId: sid))
        n.body = "Cats only"
        #expect(try db.note.update(n))
        #expect(try db.noteSearch.search("fox").count == 1)
        #expect(try db.noteSearch.search("cats").map(\.row.body) == ["Cats only"])
        #expect(try db.note.fetch(noteId: sid)?.edits == 1)
        // The public memberwise inits build the same values a search returns.
        let built = NoteSearch.Match(row: NoteSearch(rowid: sid, body: "Cats only"), rank: 0, highlight: "[Cats] only")
        let found = try #require(try db.noteSearch.search("cats").first)
        #expect(found.row == built.row)
        #expect(found.highlight == built.highlight)
        #expect(built.snippet == nil)
        #expect(try db.note.delete(noteId: sid))
        #expect(try db.noteSearch.search("cats").isEmpty)
        // A malformed pattern is SQLite's error, thrown.
        #expect(throws: DatabaseError.self) { _ = try db.noteSearch.search("\"unterminated") }
        #expect(NoteSearch.Column.allCases == [.body])
    }

    @Test func migrationOfAnEmptyDatabaseCreatesEverything() throws {
        let db = try database()
        let names = try db.withStatement(sql: "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'NoteSearch_%' ORDER BY 1") { (s: borrowing Statement) throws(DatabaseError) -> [String] in
            var out: [String] = []
            while try s.step() { out.append(try s.text(0)) }
            return out
        }
        #expect(names.contains("table NoteSearch"))
        #expect(names.contains("trigger Note_au"))
        #expect(names.contains("table board column"))
        #expect(names.contains("index Ticket_status"))
    }
}
