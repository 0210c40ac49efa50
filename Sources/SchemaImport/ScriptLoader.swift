import CSQLite
import SchemaSyntax
import SchemagenRuntime
import SchemaDatabase

/// Why an import stopped: one line, located in the input file when SQLite (or schemagen) can say
/// where. Nothing is written when an import fails.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Loading the input: a `.sql` script (run statement by statement in an in-memory SQLite, so an
/// error is located at the statement SQLite rejects) or a live database file.
public enum ImportSource {
    /// The script's statements run into a fresh in-memory database. SQLite's error is reported
    /// as `path:line:column: error: SQLite rejects this script: message`.
    public static func loadScript(path: String, text: String) throws(ImportError) -> Database {
        let file = SourceFile(path: path, text: text)
        var handle: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db = handle else {
            throw ImportError("error: cannot open an in-memory SQLite database")
        }
        defer { sqlite3_close_v2(db) }
        let bytes = file.bytes
        var offset = 0
        while offset < bytes.count {
            var stmt: OpaquePointer?
            var tailOffset = bytes.count
            let rc: Int32 = bytes.withUnsafeBufferPointer { buf -> Int32 in
                guard let raw = buf.baseAddress else { return SQLITE_MISUSE }
                return raw.withMemoryRebound(to: CChar.self, capacity: bytes.count) { base in
                    var tail: UnsafePointer<CChar>?
                    let r = sqlite3_prepare_v2(db, base + offset, Int32(bytes.count - offset), &stmt, &tail)
                    if let tail { tailOffset = base.distance(to: tail) }
                    return r
                }
            }
            if rc != SQLITE_OK {
                let message = String(cString: sqlite3_errmsg(db))
                let local = Int(sqlite3_error_offset(db))
                throw located(file, at: local >= 0 ? offset + local : firstToken(bytes, from: offset), message)
            }
            guard let s = stmt else { offset = max(tailOffset, offset + 1); continue } // only whitespace or comments
            var step = sqlite3_step(s)
            while step == SQLITE_ROW { step = sqlite3_step(s) }
            sqlite3_finalize(s)
            if step != SQLITE_DONE {
                throw located(file, at: firstToken(bytes, from: offset), String(cString: sqlite3_errmsg(db)))
            }
            offset = tailOffset
        }
        do throws(DatabaseError) {
            let out = try Database.inMemory()
            try out.execute(text)
            return out
        } catch {
            throw ImportError("error: \(path): \(error)")
        }
    }

    static func firstToken(_ bytes: [UInt8], from offset: Int) -> Int {
        var i = offset
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            if c == 0x2D, i + 1 < bytes.count, bytes[i + 1] == 0x2D { while i < bytes.count && bytes[i] != 0x0A { i += 1 }; continue }
            if c == 0x2F, i + 1 < bytes.count, bytes[i + 1] == 0x2A {
                i += 2
                while i + 1 < bytes.count && !(bytes[i] == 0x2A && bytes[i + 1] == 0x2F) { i += 1 }
                i += 2; continue
            }
            return i
        }
        return min(offset, bytes.count)
    }

    static func located(_ file: SourceFile, at offset: Int, _ message: String) -> ImportError {
        let (line, column) = file.lineAndColumn(of: offset)
        return ImportError("\(file.path):\(line):\(column): error: SQLite rejects this script: \(message)")
    }

    /// An existing database file, opened without creating it or changing its journal mode, and
    /// read once so that a file that is not SQLite, is encrypted, corrupt or locked fails here.
    public static func openDatabase(path: String) throws(ImportError) -> Database {
        let db: Database
        do throws(SchemaDatabaseError) { db = try ToolDatabase.open(existing: path) } catch {
            throw ImportError("error: cannot import '\(path)': \(oneLine(error.message))")
        }
        let ok: String?
        do throws(DatabaseError) {
            try db.execute("SELECT count(*) FROM sqlite_schema")
            ok = try db.withStatement(sql: "PRAGMA quick_check(1)") { (s: borrowing Statement) throws(DatabaseError) -> String? in
                try s.step() ? try s.optionalText(0) : nil
            }
        } catch {
            throw ImportError("error: cannot import '\(path)': \(oneLine(error.message))")
        }
        if ok != "ok" { throw ImportError("error: cannot import '\(path)': the database is corrupt (quick_check: \(oneLine(ok ?? "no answer")))") }
        return db
    }
}

func oneLine(_ s: String) -> String { s.split(whereSeparator: \.isNewline).first.map(String.init) ?? s }
