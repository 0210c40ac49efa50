import CFuzzDriver
import SchemaSyntax
import SchemaModel
import SchemaLint
import SchemaEmit
import SchemagenDriver

/// One input through every stage the CLI runs: load (lex, parse, resolve, integrity rules), every
/// lint rule, diagnostics rendered with their source line and caret, and — as `generate` and `docs`
/// do — the emitters when the schema has no errors. Any trap, sanitizer report, leak or timeout is
/// a finding.
func runPipeline(_ bytes: [UInt8]) -> Int {
    let file = SourceFile(path: "fuzz.victor", bytes: bytes)
    let loaded = SchemaLoader.load(file)
    let findings = Linter().lint(loaded.schema, file: file)
    let formatter = TextFormatter(color: false)
    var produced = 0
    for d in loaded.diagnostics + findings { produced &+= formatter.format(d, file: file).utf8.count }
    if !loaded.hasErrors {
        for f in Generator.outputs(for: loaded.schema) { produced &+= f.contents.utf8.count }
        for f in DocsEmitter.emit(loaded.schema) { produced &+= f.contents.utf8.count }
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
