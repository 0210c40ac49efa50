import Foundation

// schemagen-bench: see BENCHMARKS.md at the repository root.
//
//   swift run -c release --package-path Benchmarks [schemagen-bench] [options]
//     --rounds N        rounds per workload (default 5; contenders alternate within each round)
//     --rows N          rows for workloads (a)-(d) (default 100000); the learner loop runs N/2 steps
//     --only db|generator|WORKLOAD[,WORKLOAD]   run a subset (workloads: insert upsert fetchAll lookup learnerLoop)
//     --only pool       the DatabasePool benchmarks (reader scaling vs GRDB, writer throughput); only on request
//     --only poolwrites the DatabasePool writer-throughput benchmark alone
//     --pool-spin N     DatabasePool.Configuration.spinMicroseconds for schemagen's pool (default: its default)
//     --writers 0,1,... the writer-throughput contenders to run, by their row number 0-7 (default: all; e.g. under perf)
//     --write-shapes update,record_visit        the writer-throughput shapes to run (default: both)
//     --contenders generated,raw,grdb           run a subset of the contenders
//     --sizes 100,1000,10000                    generator schema sizes (default)
//     --generator-repeats N                     child runs per size (default 3)
//     --dir PATH        scratch directory (default: a new directory under the system temp dir)
//     --verbose         print every round

struct Options {
    var rounds = 5
    var rowCount = 100_000
    var only: Set<String> = []
    var contenders = ContenderKind.allCases
    var sizes = [100, 1_000, 10_000]
    var generatorRepeats = 3
    var scratch: String?
    var verbose = false
    var poolSpin: Int?
    var writers: Set<Int>?
    var writeShapes: Set<String>?

    static func parse(_ arguments: [String]) -> Options {
        var o = Options()
        var k = 0
        func value() -> String {
            k += 1
            guard k < arguments.count else { print("error: missing value after \(arguments[k - 1])"); exit(2) }
            return arguments[k]
        }
        while k < arguments.count {
            switch arguments[k] {
            case "--rounds": o.rounds = max(1, Int(value()) ?? 5)
            case "--rows": o.rowCount = max(100, Int(value()) ?? 100_000)
            case "--only": o.only = Set(value().split(separator: ",").map(String.init))
            case "--contenders":
                let names = value().split(separator: ",").map { $0.lowercased() }
                o.contenders = ContenderKind.allCases.filter { c in names.contains { c.rawValue.lowercased().hasPrefix($0) } }
            case "--sizes": o.sizes = value().split(separator: ",").compactMap { Int($0) }
            case "--generator-repeats": o.generatorRepeats = max(1, Int(value()) ?? 3)
            case "--dir": o.scratch = value()
            case "--verbose": o.verbose = true
            case "--pool-spin": o.poolSpin = Int(value())
            case "--writers": o.writers = Set(value().split(separator: ",").compactMap { Int($0) })
            case "--write-shapes": o.writeShapes = Set(value().split(separator: ",").map(String.init))
            default: print("error: unknown argument \(arguments[k])"); exit(2)
            }
            k += 1
        }
        return o
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--generator-child", arguments.count == 2 {
    do { try GeneratorBench.child(path: arguments[1]) } catch { print("error: \(error)"); exit(1) }
    exit(0)
}
let options = Options.parse(arguments)

let directory = options.scratch ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("schemagen-bench-\(getpid())")
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

func runDatabaseBenchmarks(_ options: Options, directory: String) throws {
    let (rounds, rowCount, only, contenders, verbose) = (options.rounds, options.rowCount, options.only, options.contenders, options.verbose)
    let workloads = Workload.allCases.filter { only.isEmpty || only.contains("db") || only.contains($0.rawValue) }
    guard !workloads.isEmpty else { return }
    let data = BenchData(rows: rowCount, loopIterations: rowCount / 2)
    let full = (directory as NSString).appendingPathComponent("template-full.sqlite")
    let half = (directory as NSString).appendingPathComponent("template-half.sqlite")
    try RawContender.makeTemplate(path: full, data: data, include: { _ in true })
    try RawContender.makeTemplate(path: half, data: data, include: { $0 % 2 == 0 })
    let work = (directory as NSString).appendingPathComponent("run.sqlite")

    print("Database workloads: \(rowCount) rows, learner loop \(data.loopIterations) steps, \(rounds) rounds, contenders alternating.")
    print("Fresh file database per run; journal_mode=WAL, synchronous=NORMAL, foreign_keys=ON for every contender.")
    print("Times are the median over the rounds, in milliseconds (setup, open and checks excluded).\n")

    var table: [(Workload, [ContenderKind: Double])] = []
    for workload in workloads {
        var times: [ContenderKind: [Double]] = [:]
        var reference: (checksum: UInt64, fingerprint: String)?
        for round in 0..<rounds {
            // Rotate the order every round so no contender always runs first.
            let order = (0..<contenders.count).map { contenders[($0 + round) % contenders.count] }
            for contender in order {
                switch workload {
                case .insert: try RawContender.makeEmpty(path: work)
                case .upsert: removeDatabase(work); try FileManager.default.copyItem(atPath: half, toPath: work)
                default: removeDatabase(work); try FileManager.default.copyItem(atPath: full, toPath: work)
                }
                let elapsed: Double
                let checksum: UInt64
                do {
                    let run: PreparedRun
                    switch contender {
                    case .generated: run = try GeneratedContender.prepare(workload, path: work, data: data)
                    case .raw: run = try RawContender.prepare(workload, path: work, data: data)
                    case .grdb: run = try GRDBContender.prepare(workload, path: work, data: data)
                    }
                    let t0 = now()
                    let digestRead = try timedRegion(run)
                    elapsed = Double(now() - t0) / 1e6
                    checksum = digestRead()
                } // the connection closes here
                let fingerprint = try RawContender.fingerprint(path: work)
                if let reference {
                    guard reference.checksum == checksum, reference.fingerprint == fingerprint else {
                        throw BenchError("\(workload.rawValue): \(contender.rawValue) disagrees: checksum \(checksum) vs \(reference.checksum), \(fingerprint) vs \(reference.fingerprint)")
                    }
                } else {
                    reference = (checksum, fingerprint)
                }
                times[contender, default: []].append(elapsed)
                if verbose { print("  \(workload.rawValue) round \(round + 1) \(contender.rawValue): \(fmt(elapsed, 1)) ms") }
            }
        }
        table.append((workload, times.mapValues(median)))
    }
    removeDatabase(work)
    removeDatabase(full)
    removeDatabase(half)

    let widths = [34, 14, 14, 14, 12, 12]
    let header = ["workload"] + contenders.map(\.rawValue) + ["gen/raw", "gen/GRDB"]
    print(header.enumerated().map { pad($1, widths[min($0, widths.count - 1)], left: $0 > 0) }.joined(separator: " "))
    for (workload, medians) in table {
        var cells = [pad(workload.title, widths[0])]
        for (n, c) in contenders.enumerated() { cells.append(pad(medians[c].map { fmt($0, 1) } ?? "-", widths[n + 1], left: true)) }
        let g = medians[.generated]
        cells.append(pad(g.flatMap { g in medians[.raw].map { fmt(g / $0, 2) + "x" } } ?? "-", 12, left: true))
        cells.append(pad(g.flatMap { g in medians[.grdb].map { fmt(g / $0, 2) + "x" } } ?? "-", 12, left: true))
        print(cells.joined(separator: " "))
    }
}

do {
    if options.only.isEmpty || !options.only.contains("generator") || options.only.count > 1 {
        try runDatabaseBenchmarks(options, directory: directory)
    }
    if options.only.isEmpty || options.only.contains("generator") {
        try GeneratorBench.run(sizes: options.sizes, repeats: options.generatorRepeats, directory: directory)
    }
    if options.only.contains("pool") || options.only.contains("poolwrites") {
        try await PoolBench.run(options: options, directory: directory)
    }
    try? FileManager.default.removeItem(atPath: directory)
} catch {
    print("error: \(error)")
    exit(1)
}
