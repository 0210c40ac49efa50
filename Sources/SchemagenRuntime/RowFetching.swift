// The loop every generated `fetchAll(limit:offset:)` shares, kept here once (generic, inlinable: it
// is specialised into the caller) instead of emitted per table.

extension DatabaseReading {
    /// Every row `all` returns, each made by `decode`; with a `limit` or an `offset`, the rows of
    /// `paged` instead, whose `?1` and `?2` get `limit ?? -1` and `offset` (its `LIMIT ?1 OFFSET ?2`).
    /// Two statements because a LIMIT costs SQLite work on every row even when it is -1.
    @inlinable
    public func _fetchRows<Row>(_ all: StaticString, paged: StaticString, limit: Int?, offset: Int,
                                _ decode: (borrowing Statement) throws(DatabaseError) -> Row) throws(DatabaseError) -> [Row] {
        func rows(_ s: borrowing Statement) throws(DatabaseError) -> [Row] {
            var rows: [Row] = []
            while try s.step() { rows.append(try decode(s)) }
            return rows
        }
        if limit == nil && offset == 0 {
            return try withStatement(all) { s throws(DatabaseError) -> [Row] in try rows(s) }
        }
        return try withStatement(paged) { s throws(DatabaseError) -> [Row] in
            s.bind(limit ?? -1, at: 1)
            s.bind(offset, at: 2)
            return try rows(s)
        }
    }
}
