import Foundation
import Testing
import SchemagenRuntime

@Suite struct RoundTripTests {
    func makeDB() throws -> Database {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE t (
              id INTEGER PRIMARY KEY,
              i INTEGER, d REAL, s TEXT, b BLOB, f INTEGER, ts TEXT, ep REAL, j TEXT
            );
            """)
        return db
    }

    @Test func integersIncludingExtremes() throws {
        let db = try makeDB()
        for v in [Int64.min, -1, 0, 1, Int64.max] {
            try db.withStatement("INSERT INTO t (i) VALUES (?)") { stmt throws(DatabaseError) in
                stmt.bind(v, at: 1)
                try stmt.run()
            }
            let back = try db.withStatement("SELECT i FROM t WHERE id = ?") { stmt throws(DatabaseError) -> Int64 in
                stmt.bind(db.lastInsertRowID, at: 1)
                #expect(try stmt.step())
                return try stmt.int64(0)
            }
            #expect(back == v)
        }
        let asInt = try db.withStatement("SELECT i FROM t ORDER BY id DESC LIMIT 1") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return try stmt.int(0)
        }
        #expect(asInt == Int.max)
    }

    @Test func doublesIncludingExtremes() throws {
        let db = try makeDB()
        let values: [Double] = [0, -0.0, 1.5, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi]
        for v in values {
            let back = try db.withStatement("SELECT ?") { stmt throws(DatabaseError) -> Double in
                stmt.bind(v, at: 1)
                _ = try stmt.step()
                return try stmt.double(0)
            }
            #expect(back == v)
        }
        // INTEGER read as Double is fine; integral REAL read as Int64 is accepted.
        let (d, i) = try db.withStatement("SELECT 42, 7.0") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return (try stmt.double(0), try stmt.int64(1))
        }
        #expect(d == 42.0)
        #expect(i == 7)
        // A non-integral REAL is not an Int64.
        #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT 7.5") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                _ = try stmt.int64(0)
            }
        }
    }

    @Test func textUnicodeAndEmpty() throws {
        let db = try makeDB()
        for v in ["", "plain", "héllo wörld", "日本語テキスト", "emoji 👩‍👩‍👧‍👦 🇺🇸 ✔︎", String(repeating: "x", count: 100_000)] {
            try db.withStatement("INSERT INTO t (s) VALUES (?)") { stmt throws(DatabaseError) in
                stmt.bind(v, at: 1)
                try stmt.run()
            }
            let back = try db.withStatement("SELECT s, length(s) IS NULL FROM t WHERE id = last_insert_rowid()") { stmt throws(DatabaseError) -> String? in
                #expect(try stmt.step())
                #expect(try stmt.bool(1) == false) // empty string must not become NULL
                return try stmt.optionalText(0)
            }
            #expect(back == v)
        }
    }

    @Test func blobsIncludingEmpty() throws {
        let db = try makeDB()
        for v in [Data(), Data([0, 1, 2, 255, 0]), Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0) })] {
            let (back, type) = try db.withStatement("SELECT ?, typeof(?1)") { stmt throws(DatabaseError) in
                stmt.bind(v, at: 1)
                _ = try stmt.step()
                return (try stmt.blob(0), try stmt.text(1))
            }
            #expect(back == v)
            #expect(type == "blob")
        }
    }

    @Test func boolsAndStrictBoolReading() throws {
        let db = try makeDB()
        let (t, f) = try db.withStatement("SELECT ?, ?") { stmt throws(DatabaseError) in
            stmt.bind(true, at: 1)
            stmt.bind(false, at: 2)
            _ = try stmt.step()
            return (try stmt.bool(0), try stmt.bool(1))
        }
        #expect(t == true && f == false)
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT 2 AS flag") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                _ = try stmt.bool(0)
            }
        }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message.contains("flag") == true)
    }

    @Test func nullsAndOptionals() throws {
        let db = try makeDB()
        try db.withStatement("INSERT INTO t (i, d, s, b, f, ts, ep, j) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") { stmt throws(DatabaseError) in
            stmt.bind(nil as Int64?, at: 1)
            stmt.bind(nil as Double?, at: 2)
            stmt.bind(nil as String?, at: 3)
            stmt.bind(nil as Data?, at: 4)
            stmt.bind(nil as Bool?, at: 5)
            stmt.bindTimestamp(nil, at: 6)
            stmt.bindEpoch(nil, at: 7)
            stmt.bindJSON(nil as JSONValue?, at: 8)
            try stmt.run()
        }
        try db.withStatement("SELECT i, d, s, b, f, ts, ep, j FROM t") { stmt throws(DatabaseError) in
            #expect(try stmt.step())
            #expect(stmt.columnCount == 8)
            for c in Int32(0)..<8 {
                let null = stmt.isNull(c) // (#expect can't decompose calls on a ~Copyable value)
                #expect(null)
            }
            #expect(try stmt.optionalInt64(0) == nil)
            #expect(try stmt.optionalInt(0) == nil)
            #expect(try stmt.optionalDouble(1) == nil)
            #expect(try stmt.optionalText(2) == nil)
            #expect(try stmt.optionalBlob(3) == nil)
            #expect(try stmt.optionalBool(4) == nil)
            #expect(try stmt.optionalTimestamp(5) == nil)
            #expect(try stmt.optionalEpoch(6) == nil)
            let json = try stmt.optionalJSON(7, as: JSONValue.self)
            #expect(json == nil)
            // Non-optional reads of NULL throw typeMismatch naming the column.
            do throws(DatabaseError) {
                _ = try stmt.int64(0)
                Issue.record("expected typeMismatch")
            } catch {
                #expect(error.kind == .typeMismatch)
                #expect(error.message.contains("i"))
                #expect(error.message.contains("NULL"))
            }
            #expect(throws: DatabaseError.self) { _ = try stmt.text(2) }
            #expect(throws: DatabaseError.self) { _ = try stmt.timestamp(5) }
            #expect(try stmt.step() == false)
        }
        // Non-nil optionals bind values.
        let v = try db.withStatement("SELECT ?, ?") { stmt throws(DatabaseError) in
            stmt.bind(Optional<Int>.some(5), at: 1)
            stmt.bind(Optional<String>.some("x"), at: 2)
            _ = try stmt.step()
            return (try stmt.optionalInt(0), try stmt.optionalText(1))
        }
        #expect(v.0 == 5 && v.1 == "x")
    }

    @Test func timestampsBothEncodings() throws {
        let db = try makeDB()
        let dates: [(Date, String)] = [
            (Date(timeIntervalSince1970: 0), "1970-01-01 00:00:00"),
            (Date(timeIntervalSince1970: 1_700_000_000.123), "2023-11-14 22:13:20.123"),
            (Date(timeIntervalSince1970: 1_700_000_000), "2023-11-14 22:13:20"),
            (Date(timeIntervalSince1970: -1_234_567_890.5), "1930-11-18 00:28:29.500"),
            (Date(timeIntervalSince1970: 951_782_400), "2000-02-29 00:00:00"),
            (Date(timeIntervalSince1970: -0.001), "1969-12-31 23:59:59.999"),
        ]
        for (date, text) in dates {
            try db.withStatement("INSERT INTO t (ts, ep) VALUES (?, ?)") { stmt throws(DatabaseError) in
                stmt.bindTimestamp(date, at: 1)
                stmt.bindEpoch(date, at: 2)
                try stmt.run()
            }
            try db.withStatement("SELECT ts, ep, typeof(ep), datetime(ts) IS NOT NULL, julianday(ts) FROM t WHERE id = last_insert_rowid()") { stmt throws(DatabaseError) in
                #expect(try stmt.step())
                #expect(try stmt.text(0) == text)
                #expect(abs(try stmt.timestamp(0).timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005)
                #expect(try stmt.epoch(1).timeIntervalSince1970 == date.timeIntervalSince1970)
                #expect(try stmt.text(2) == "real")
                #expect(try stmt.bool(3)) // SQLite itself understands the text
                // SQLite's interpretation agrees with ours (julian day of the Unix epoch is 2440587.5).
                let sqliteSeconds = (try stmt.double(4) - 2_440_587.5) * 86_400
                #expect(abs(sqliteSeconds - date.timeIntervalSince1970) < 0.002)
            }
        }
        #expect(SQLiteTimestamp.string(from: Date(timeIntervalSince1970: .nan)) == nil)
        // A non-finite date is reported by step(), not silently bound.
        #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
                stmt.bindTimestamp(Date(timeIntervalSince1970: .infinity), at: 1)
                _ = try stmt.step()
            }
        }
    }

    @Test func timestampParsingVariants() throws {
        let base = 1_700_000_000.0
        let cases: [(String, Double?)] = [
            ("2023-11-14 22:13:20", base),
            ("2023-11-14T22:13:20", base),
            ("2023-11-14T22:13:20Z", base),
            ("2023-11-14 22:13:20.5", base + 0.5),
            ("2023-11-14T22:13:20.250Z", base + 0.25),
            ("2023-11-14 22:13:20.123456", base + 0.123456),
            ("2023-11-14T23:13:20+01:00", base),
            ("2023-11-14 22:13", base - 20),
            ("2023-11-14", base - 80_000),
            ("1969-07-20 20:17:40", -14_182_940),
            ("2023-02-29 00:00:00", nil),
            ("2023-13-01 00:00:00", nil),
            ("2023-11-14 24:00:00", nil),
            ("2023-11-14 22:13:20.", nil),
            ("2023-11-14X22:13:20", nil),
            ("2023-11-14 22:13:20 junk", nil),
            ("abc", nil),
            ("", nil),
            // 19 bytes: the fixed-form fast path, and what it must leave to (or refuse with) the general parser.
            ("2024-02-29 12:00:00", 1_709_208_000),
            ("0000-03-01 00:00:00", -62_162_035_200),
            ("9999-12-31 23:59:59", 253_402_300_799),
            ("2023-11-14 22:13:2x", nil),
            ("2023-11-14 22:60:00", nil),
            ("2023-11-14 22:13:60", nil),
            ("2023-11-00 22:13:20", nil),
            ("2023-04-31 22:13:20", nil),
            ("2023/11/14 22:13:20", nil),
            (" 2023-11-14 22:13:2", nil),
            ("2023-11-14 22:13 20", nil),
        ]
        for (text, expected) in cases {
            let parsed = SQLiteTimestamp.date(from: text)?.timeIntervalSince1970
            if let expected {
                let value = try #require(parsed, "failed to parse \(text)")
                #expect(abs(value - expected) < 1e-6, "\(text)")
            } else {
                #expect(parsed == nil, "\(text) should be rejected")
            }
        }
        let db = try makeDB()
        try db.execute("INSERT INTO t (ts) VALUES ('not a date')")
        let error = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT ts FROM t") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                _ = try stmt.timestamp(0)
            }
        }
        #expect(error?.kind == .decoding)
    }

    /// The fixed-form fast path (`YYYY-MM-DD HH:MM:SS`) and the general parser (the `T` form) agree
    /// on the first and last day of every month of every year a four-digit year holds; the formatter
    /// (its own inverse day arithmetic, `civilFromDays`) writes each back as the same text; and a
    /// sample agrees with SQLite's own `unixepoch`.
    @Test func fixedFormFastPathAgreesWithTheGeneralParserOnEveryYear() throws {
        let db = try Database.inMemory()
        var mismatches: [String] = []
        for year in 0...9999 {
            let y = String(year).count < 4 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
            for month in 1...12 {
                let m = month < 10 ? "0\(month)" : "\(month)"
                let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
                let last = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
                for day in [1, last] {
                    let d = day < 10 ? "0\(day)" : "\(day)"
                    let fast = SQLiteTimestamp.date(from: "\(y)-\(m)-\(d) 23:59:59")?.timeIntervalSince1970
                    let general = SQLiteTimestamp.date(from: "\(y)-\(m)-\(d)T23:59:59")?.timeIntervalSince1970
                    let text = "\(y)-\(m)-\(d) 23:59:59"
                    let back = fast.flatMap { SQLiteTimestamp.string(from: Date(timeIntervalSince1970: $0)) }
                    if fast == nil || fast != general || back != text {
                        mismatches.append("\(text): \(fast as Any) vs \(general as Any), formatted back as \(back as Any)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // A sample against SQLite itself.
        for text in ["0000-01-01 00:00:00", "0000-02-29 12:00:00", "1600-02-29 00:00:00", "1900-03-01 00:00:00", "2000-02-29 23:59:59", "9999-12-31 23:59:59"] {
            let sqlite = try db.withStatement(sql: "SELECT unixepoch(?1)") { s throws(DatabaseError) -> Int64 in
                s.bind(text, at: 1)
                _ = try s.step()
                return try s.int64(0)
            }
            #expect(SQLiteTimestamp.date(from: text)?.timeIntervalSince1970 == Double(sqlite), "\(text)")
        }
    }

    @Test func timestampFromSQLiteDatetimeNow() throws {
        let db = try Database.inMemory()
        try db.execute("""
            CREATE TABLE ev (id INTEGER PRIMARY KEY, at TEXT NOT NULL DEFAULT (datetime('now')),
                             at2 TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
            INSERT INTO ev DEFAULT VALUES;
            """)
        let (at, at2) = try db.withStatement("SELECT at, at2 FROM ev") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return (try stmt.timestamp(0), try stmt.timestamp(1))
        }
        #expect(abs(at.timeIntervalSinceNow) < 5)
        #expect(abs(at2.timeIntervalSinceNow) < 5)
    }

    @Test func jsonValuesAndCodable() throws {
        let db = try makeDB()
        let value: JSONValue = [
            "name": "schemagen",
            "big": .int(9_007_199_254_740_993), // > 2^53: would lose precision as Double
            "pi": 3.25,
            "flags": [true, false, nil],
            "nested": ["a": [1, 2, ["deep": "ü👍"]], "empty": [:], "list": []],
        ]
        try db.withStatement("INSERT INTO t (j) VALUES (?)") { stmt throws(DatabaseError) in
            stmt.bindJSON(value, at: 1)
            try stmt.run()
        }
        let (back, text) = try db.withStatement("SELECT j, j FROM t") { stmt throws(DatabaseError) in
            _ = try stmt.step()
            return (try stmt.json(0, as: JSONValue.self), try stmt.text(1))
        }
        #expect(back == value)
        #expect(back["big"] == .int(9_007_199_254_740_993))
        // Plain, untagged JSON with sorted keys.
        #expect(text.hasPrefix(#"{"big":9007199254740993,"flags":[true,false,null],"name":"schemagen","nested":"#))
        // Deterministic encoding.
        let again = try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
            stmt.bindJSON(back, at: 1)
            _ = try stmt.step()
            return try stmt.text(0)
        }
        #expect(again == text)

        struct Point: Codable, Equatable { var x: Int; var y: Double }
        let p = try db.withStatement("SELECT ?") { stmt throws(DatabaseError) in
            stmt.bindJSON(Point(x: 1, y: 2.5), at: 1)
            _ = try stmt.step()
            return try stmt.json(0, as: Point.self)
        }
        #expect(p == Point(x: 1, y: 2.5))
        let bad = #expect(throws: DatabaseError.self) {
            try db.withStatement("SELECT '{\"x\": \"nope\"}'") { stmt throws(DatabaseError) in
                _ = try stmt.step()
                _ = try stmt.json(0, as: Point.self)
            }
        }
        #expect(bad?.kind == .decoding)
        // Decoding plain JSON written by someone else.
        let external = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":1.5,"b":-3,"c":"s","d":null,"e":[{}]}"#.utf8))
        #expect(external == ["a": 1.5, "b": -3, "c": "s", "d": nil, "e": [[:]]])
    }
}
