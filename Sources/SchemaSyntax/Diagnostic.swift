/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case note, warning, error

    private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A suggested change: one or more edits of the file, applied together (a table rename carries
/// the edits of every reference to the table). Edits of one fix-it never overlap.
public struct FixIt: Sendable, Hashable {
    /// Replace `range` of the file with `replacement`.
    public struct Edit: Sendable, Hashable {
        public var range: SourceRange
        public var replacement: String
        public init(range: SourceRange, replacement: String) { self.range = range; self.replacement = replacement }
    }

    public var message: String
    /// The edits, the primary one (the one at the diagnostic, shown under the caret) first.
    public var edits: [Edit]
    /// Whether `schemagen lint --fix` may apply it unattended: false when the edit would leave
    /// the file inconsistent or is a guess (a column rename that keys and mappings still name,
    /// a rename onto a taken name).
    public var isSafe: Bool

    public init(message: String, edits: [Edit], isSafe: Bool = true) {
        self.message = message; self.edits = edits; self.isSafe = isSafe
    }

    public init(message: String, range: SourceRange, replacement: String, isSafe: Bool = true) {
        self.init(message: message, edits: [Edit(range: range, replacement: replacement)], isSafe: isSafe)
    }

    /// The primary edit's range (`.empty` for a fix-it without edits).
    public var range: SourceRange { edits.first?.range ?? .empty }
    /// The primary edit's replacement text.
    public var replacement: String { edits.first?.replacement ?? "" }
}

/// A problem found in a schema file: a value produced by every stage of the library. Formatting
/// it for people, JSON, SARIF or CI annotations is the driver's job.
public struct Diagnostic: Sendable, Hashable {
    public var severity: Severity
    public var message: String
    /// The path of the file the range points into.
    public var file: String
    public var range: SourceRange
    /// The lint rule that produced it, or nil for syntax and semantic errors.
    public var rule: String?
    /// The catalog id of a parser, resolver or input diagnostic (`MessageCatalog`), nil for lint findings.
    public var messageID: MessageID?
    public var fixIts: [FixIt]
    /// Further located remarks ("previous definition is here").
    public var notes: [Note]

    public struct Note: Sendable, Hashable {
        public var message: String
        public var range: SourceRange
        public init(message: String, range: SourceRange) { self.message = message; self.range = range }
    }

    public init(_ severity: Severity, _ message: String, file: String, range: SourceRange,
                rule: String? = nil, fixIts: [FixIt] = [], notes: [Note] = [], id: MessageID? = nil) {
        self.severity = severity
        self.message = message
        self.file = file
        self.range = range
        self.rule = rule
        self.fixIts = fixIts
        self.notes = notes
        self.messageID = id
    }

    /// The stable id of this kind of problem: the lint rule's id, else the catalog id
    /// (`syntax/unterminated-string`). What SARIF reports as `ruleId`.
    public var id: String { rule ?? messageID?.rawValue ?? "schema-error" }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}

/// Edit distance for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The closest candidate to `word`, if one is close enough to be a likely misspelling.
public func closestMatch(_ word: String, in candidates: some Sequence<String>) -> String? {
    let lower = word.lowercased()
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(lower, c)
        if let current = best, current.1 <= d { continue }
        best = (c, d)
    }
    guard let (match, distance) = best else { return nil }
    let limit = Swift.max(1, Swift.min(3, match.count / 3 + 1))
    return distance <= limit ? match : nil
}
