import CFuzzDriver
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaEmit
import SchemagenDriver

/// One input through every stage the CLI runs: the pipeline (lex, parse, resolve, integrity rules,
/// SQL, Swift-name and query checks, every lint rule), diagnostics rendered with their source line and caret, and — as `generate` and `docs`
/// do — the emitters when the schema has no errors. Any trap, sanitizer report, leak or timeout is
/// a finding.
func runPipeline(_ bytes: [UInt8]) -> Int {
    let file = SourceFile(path: "fuzz.victor", bytes: bytes)
    // The pipeline as `generate` runs it: every check stage (integrity lint rules included).
    let pipeline = SchemaPipeline().adding([SchemaPipeline.swiftNames])
    let loaded = pipeline.run(file)
    let formatter = TextFormatter(color: false)
    var produced = 0
    for d in loaded.diagnostics { produced &+= formatter.format(d, file: file).utf8.count }
    if let checked = loaded.checked {
        // Every lint rule, as `schemagen lint` runs them on a clean schema (apart, so that a style
        // error does not keep the emitters below from running).
        for d in Linter().lint(checked.schema, file: file) { produced &+= formatter.format(d, file: file).utf8.count }
        for f in pipeline.emit(checked) { produced &+= f.contents.utf8.count }
        for f in DocsEmitter.emit(checked.schema) { produced &+= f.contents.utf8.count }
    }
    return produced
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = runPipeline(bytes)
    return 0
}

/// SwiftPM links an executable target with `main=SchemaFuzz_main`; this is that entry point, and it
/// hands argv to libFuzzer's driver (`-max_total_time=`, `-timeout=`, corpus directories, …).
@_cdecl("SchemaFuzz_main")
public func schemaFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
