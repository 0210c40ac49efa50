import Foundation
import SchemaSyntax
import SchemagenDriver

// The generator at scale: the SchemaPipeline that `schemagen generate` runs (parse, resolve,
// integrity, SQL fragments checked by SQLite, Swift names, history, queries), with every lint rule
// as `schemagen lint` runs them, then `SchemaPipeline.emit` (DDL + Swift) — the CLI's own path, so
// no stage is skipped (`Generator.outputs(for:)` without the query analysis would emit no query code).
// Each measurement runs in a fresh child process (this executable with `--generator-child`), which
// reports the pipeline's own stage times and its peak RSS (VmHWM), so peak memory is per size.
// Benchmarks/generator-scale.py measures the release CLI itself end to end (wall time, peak RSS).

enum SyntheticSchema {
    /// A schema of `tables` tables in domains of 100: each table has 8 columns, a UNIQUE key over
    /// two text columns, a secondary index, and (after the first table of a domain) a foreign key
    /// to the previous table.
    static func text(tables: Int) -> String {
        var out = "// Synthetic schema written by schemagen-bench: \(tables) tables.\nschema synth version 1\n"
        var t = 0
        var domain = 0
        while t < tables {
            out += "\n/// Domain \(domain).\ndomain d\(domain) \"Domain \(domain)\" {\n"
            var k = 0
            while k < 100, t < tables {
                let name = "d\(domain)_item\(k)"
                out += """

                    /// Synthetic table \(t).
                    table \(name) {
                        id: integer primary key
                        name: text
                        code: text
                        score: real? = 0.5
                        visit_count: integer? = 0
                        payload: json?
                        created_at: timestamp? = datetime('now')

                """
                if k > 0 { out += "        parent_id: integer? references d\(domain)_item\(k - 1)(id)\n" }
                out += """

                        unique (name, code)
                        index idx_\(name)_created (created_at)
                    }

                """
                k += 1
                t += 1
            }
            out += "}\n"
            domain += 1
        }
        return out
    }
}

struct GeneratorSample {
    var tables: Int
    var parse: Double  // seconds: Parser.parse alone (a separate run over the same file)
    var load: Double   // parse + resolve (the pipeline's first stage)
    var checks: Double // integrity, sql-fragments, swift-names, history, queries
    var lint: Double   // every lint rule
    var emit: Double
    var total: Double { load + checks + lint + emit }
    var maxRSSKiB: Int
    var baselineRSSKiB: Int
    var diagnostics: Int
    var outputBytes: Int
}

/// Peak resident set size of this process, KiB. On Linux VmHWM from /proc/self/status: unlike
/// getrusage's ru_maxrss, which a child inherits from its parent across fork + exec, it starts afresh.
func maxRSSKiB() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kib = Int(line.dropFirst(6).filter(\.isNumber)) {
        return kib
    }
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss // KiB on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss / 1024 // bytes on Darwin
    #endif
}

enum GeneratorBench {
    /// Child side: measure one size, print one `result …` line.
    static func child(path: String) throws {
        let baseline = maxRSSKiB()
        let file = try SchemaLoader.read(path)
        let p0 = now()
        _ = Parser.parse(file)
        let parse = Double(now() - p0) / 1e9
        // What `schemagen generate` runs, with every rule of `schemagen lint` as well.
        let pipeline = SchemaPipeline(lint: .full).adding([SchemaPipeline.swiftNames, SchemaPipeline.history])
        let loaded = pipeline.run(file)
        guard let checked = loaded.checked else { throw BenchError("schema \(path) has errors") }
        let t0 = now()
        let files = pipeline.emit(checked)
        let emit = Double(now() - t0) / 1e9
        let bytes = files.reduce(0) { $0 + $1.contents.utf8.count }
        let rss = maxRSSKiB()
        func stage(_ names: Set<String>) -> Double { loaded.stageTimes.filter { names.contains($0.stage) }.reduce(0) { $0 + $1.seconds } }
        let load = stage(["parse+resolve"]), lint = stage(["lint"])
        let checks = loaded.stageTimes.reduce(0) { $0 + $1.seconds } - load - lint
        print("result tables=\(checked.schema.tables.count) parse=\(parse) load=\(load) checks=\(checks) lint=\(lint) emit=\(emit) rss=\(rss) baseline=\(baseline) diagnostics=\(loaded.diagnostics.count + loaded.omittedDiagnostics) bytes=\(bytes) errors=\(loaded.hasErrors)")
    }

    static func runChild(executable: String, path: String) throws -> GeneratorSample {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--generator-child", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("result ") }) else {
            throw BenchError("generator child failed (status \(process.terminationStatus)): \(output)")
        }
        var fields: [String: String] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        if fields["errors"] == "true" { throw BenchError("synthetic schema has errors: \(line)") }
        func d(_ k: String) -> Double { Double(fields[k] ?? "") ?? .nan }
        func i(_ k: String) -> Int { Int(fields[k] ?? "") ?? -1 }
        return GeneratorSample(tables: i("tables"), parse: d("parse"), load: d("load"), checks: d("checks"), lint: d("lint"), emit: d("emit"),
                               maxRSSKiB: i("rss"), baselineRSSKiB: i("baseline"), diagnostics: i("diagnostics"), outputBytes: i("bytes"))
    }

    static func run(sizes: [Int], repeats: Int, directory: String) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        print("\nGenerator at scale: SchemaPipeline (generate's stages + every lint rule) + SchemaPipeline.emit (DDL + Swift), in-process timing,")
        print("one fresh child process per measurement; peak memory = the child's VmHWM (peak RSS); median of \(repeats) runs.\n")
        let header = [pad("tables", 7, left: true), pad("schema", 9, left: true), pad("parse ms", 9, left: true), pad("parse+res", 10, left: true),
                      pad("checks ms", 9, left: true), pad("lint ms", 9, left: true),
                      pad("emit ms", 9, left: true), pad("total ms", 9, left: true), pad("peak RSS", 10, left: true),
                      pad("baseline", 9, left: true), pad("output", 9, left: true), pad("findings", 9, left: true)]
        print(header.joined(separator: " "))
        var totals: [Int: Double] = [:]
        for size in sizes {
            let path = (directory as NSString).appendingPathComponent("synth-\(size).victor")
            let text = SyntheticSchema.text(tables: size)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            var samples: [GeneratorSample] = []
            for _ in 0..<repeats { samples.append(try runChild(executable: executable, path: path)) }
            guard let first = samples.first, first.tables == size else { throw BenchError("expected \(size) tables") }
            let total = median(samples.map(\.total))
            totals[size] = total
            let row = [pad("\(size)", 7, left: true),
                       pad("\(text.utf8.count / 1024) KiB", 9, left: true),
                       pad(fmt(median(samples.map(\.parse)) * 1000, 1), 9, left: true),
                       pad(fmt(median(samples.map(\.load)) * 1000, 1), 10, left: true),
                       pad(fmt(median(samples.map(\.checks)) * 1000, 1), 9, left: true),
                       pad(fmt(median(samples.map(\.lint)) * 1000, 1), 9, left: true),
                       pad(fmt(median(samples.map(\.emit)) * 1000, 1), 9, left: true),
                       pad(fmt(total * 1000, 1), 9, left: true),
                       pad("\(Int(median(samples.map { Double($0.maxRSSKiB) })) / 1024) MiB", 10, left: true),
                       pad("\(first.baselineRSSKiB / 1024) MiB", 9, left: true),
                       pad("\(first.outputBytes / 1024) KiB", 9, left: true),
                       pad("\(first.diagnostics)", 9, left: true)]
            print(row.joined(separator: " "))
            try? FileManager.default.removeItem(atPath: path)
        }
        if let big = totals[10_000], let mid = totals[1_000] {
            print("\ntime(10,000) / time(1,000) = \(fmt(big / mid, 2))   (linear scaling: about 10)")
        }
    }
}
