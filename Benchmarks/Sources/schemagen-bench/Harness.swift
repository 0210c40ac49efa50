import Foundation

/// The five database workloads of issue #6.
enum Workload: String, CaseIterable {
    case insert, upsert, fetchAll, lookup, learnerLoop

    var title: String {
        switch self {
        case .insert: return "(a) insert"
        case .upsert: return "(b) upsert, half conflicting"
        case .fetchAll: return "(c) fetch all into structs"
        case .lookup: return "(d) point lookups by unique key"
        case .learnerLoop: return "(e) learner loop (get + update)"
        }
    }
}

/// The three ways of talking to SQLite that are compared.
enum ContenderKind: String, CaseIterable {
    case generated = "generated DAO"
    case raw = "raw sqlite3"
    case grdb = "GRDB Codable"
}

/// Inputs shared by every contender, so each one does exactly the same logical work.
/// Row `i`: learner `learners[i % 8]`, state `state-<i/8>`, action `action-<i % 13>` (the triple is unique).
struct BenchData {
    static let learners = ["mode_transition", "tool_selector", "model_router", "context_pruner",
                           "prompt_builder", "cache_warmer", "retry_policy", "quality_gate"]
    static let baseTime = 1_700_000_000.0

    let rows: Int
    let loopIterations: Int
    let learnerIds: [String]
    let stateKeys: [String]
    let actionKeys: [String]

    init(rows: Int, loopIterations: Int) {
        self.rows = rows
        self.loopIterations = loopIterations
        learnerIds = (0..<rows).map { BenchData.learners[$0 % 8] }
        stateKeys = (0..<rows).map { "state-\($0 / 8)" }
        actionKeys = (0..<rows).map { "action-\($0 % 13)" }
    }

    /// Values of row `i` in the template databases (and of the rows inserted by workload (a)).
    static func qValue(_ i: Int) -> Double { Double(i % 100) / 100 }
    static func visitCount(_ i: Int) -> Int64 { Int64(i % 10) }
    static func updatedAt(_ i: Int) -> Date { Date(timeIntervalSince1970: baseTime + Double(i)) }

    /// Values written by the upsert workload for row `i`.
    static func upsertQValue(_ i: Int) -> Double { 0.75 }
    static func upsertVisitCount(_ i: Int) -> Int64 { 1 }
    static func upsertUpdatedAt(_ i: Int) -> Date { Date(timeIntervalSince1970: baseTime + 1_000_000 + Double(i)) }

    /// The row looked up by lookup `j`: a fixed permutation of all rows (7919 is coprime with 10^k).
    func lookupRow(_ j: Int) -> Int { (j &* 7919 &+ 13) % rows }

    /// Learner loop step `j`: the row it reads and updates, the reward and the timestamp it writes.
    func loopRow(_ j: Int) -> Int { (j &* 7919 &+ 101) % rows }
    static func reward(_ j: Int) -> Double { Double(j % 2) }
    static func loopTime(_ j: Int) -> Date { Date(timeIntervalSince1970: baseTime + 2_000_000 + Double(j)) }
    static let learningRate = 0.1
}

/// A prepared run: the database is open and the inputs are built; `body` is the timed part. It
/// returns a closure, called after the timed region, that digests what the run read (or the ids it
/// got back): that digest must be the same for every contender.
struct PreparedRun {
    /// Keeps the connection open for as long as the run exists.
    var connection: AnyObject?
    var body: () throws -> () -> UInt64

    init(_ connection: AnyObject? = nil, body: @escaping () throws -> () -> UInt64) {
        self.connection = connection
        self.body = body
    }
}

/// The timed region: one call, never inlined, so callgrind can collect exactly it
/// (`valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*timedRegion*'`).
@inline(never)
func timedRegion(_ run: PreparedRun) throws -> () -> UInt64 {
    try run.body()
}

/// FNV-1a over 64-bit words: a digest of values read or stored, compared across contenders.
struct Digest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func mix(_ v: UInt64) { value = (value ^ v) &* 0x0000_0100_0000_01b3 }
    mutating func mix(_ v: Int64) { mix(UInt64(bitPattern: v)) }
    mutating func mix(_ v: Int) { mix(UInt64(bitPattern: Int64(v))) }
    mutating func mix(_ v: Double) { mix(v.bitPattern) }
    mutating func mix(_ s: String) { mix(s.utf8.count); for b in s.utf8 { mix(UInt64(b)) } }
    mutating func mix(_ d: Date) { mix(d.timeIntervalSince1970) }
}

/// Monotonic nanoseconds.
@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func fmt(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let n = s.count
    if n >= width { return s }
    return left ? String(repeating: " ", count: width - n) + s : s + String(repeating: " ", count: width - n)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Removes a database file and its WAL/SHM companions.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
