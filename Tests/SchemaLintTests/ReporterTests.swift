import Foundation
import Testing
import SchemaSyntax
import SchemaLint
import SchemagenDriver

private let nasty = "quote \" backslash \\ newline\nreturn\r tab\t percent % colon: comma, ünïcødé 🚀 </script>"

private func sample() -> ([Diagnostic], [String: SourceFile]) {
    let text = "schema s version 1\ndomain app {\n  table app_usérs { id: integer primary key }\n}\n"
    let file = SourceFile(path: "dir with space/s,1:x.victor", text: text)
    let start = Array(text.utf8).count - Array("app_usérs { id: integer primary key }\n}\n".utf8).count
    let range = SourceRange(start: start, end: start + Array("app_usérs".utf8).count)
    let d = Diagnostic(.error, nasty, file: file.path, range: range, rule: "singular-table-name",
                       fixIts: [FixIt(message: "rename \"x\"\n", range: range, replacement: "app_usér\n")],
                       notes: [.init(message: "note \" \n here", range: SourceRange(start: 0, end: 6))])
    let w = Diagnostic(.warning, "plain", file: file.path, range: SourceRange(start: 0, end: 6), rule: "reserved-word")
    let parse = Diagnostic(.error, "cannot read 'missing.victor': no such file", file: "missing.victor", range: .empty, id: .unreadableFile)
    return ([d, w, parse], [file.path: file])
}

@Suite("Reporters")
struct ReporterTests {
    @Test func jsonIsValidAndComplete() throws {
        let (ds, files) = sample()
        let out = Reporters.json(ds, files: files)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
        #expect(array.count == 3)
        let first = array[0]
        #expect(first["message"] as? String == nasty)
        #expect(first["rule"] as? String == "singular-table-name")
        #expect(first["severity"] as? String == "error")
        #expect(first["file"] as? String == "dir with space/s,1:x.victor")
        #expect(first["line"] as? Int == 3 && first["column"] as? Int == 9)
        #expect(first["endLine"] as? Int == 3 && first["endColumn"] as? Int == 19)
        let fix = try #require(first["fix"] as? [String: Any])
        #expect(fix["replacement"] as? String == "app_usér\n")
        #expect(fix["line"] as? Int == 3 && fix["column"] as? Int == 9)
        #expect(array[1]["severity"] as? String == "warning")
        #expect(array[2]["rule"] as? String == "input/unreadable-file")
        // Deterministic: sorted keys, same output twice.
        #expect(out == Reporters.json(ds, files: files))
        #expect(Reporters.json([], files: [:]).trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || Reporters.json([], files: [:]).contains("[]"))
    }

    @Test func sarifIsValid210() throws {
        let (ds, files) = sample()
        let out = Reporters.sarif(ds, files: files)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "schemagen")
        #expect(driver["version"] as? String == Reporters.toolVersion)
        #expect(Reporters.toolVersion == "0.2.0")
        // No made-up address: SARIF's informationUri is optional and must be absolute.
        #expect(driver["informationUri"] == nil)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        // One SARIF rule per lint rule and per catalog id; ids are unique.
        #expect(rules.count == RuleRegistry.all.count + MessageCatalog.all.count)
        #expect(Set(rules.compactMap { $0["id"] as? String }).count == rules.count)
        for r in rules {
            #expect(r["id"] is String)
            #expect((r["shortDescription"] as? [String: Any])?["text"] is String)
            #expect((r["defaultConfiguration"] as? [String: Any])?["level"] is String)
            #expect((r["help"] as? [String: Any])?["text"] is String)
        }
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let r = results[0]
        #expect(r["ruleId"] as? String == "singular-table-name")
        #expect(r["level"] as? String == "error")
        #expect((r["message"] as? [String: Any])?["text"] as? String == nasty)
        let ruleIndex = try #require(r["ruleIndex"] as? Int)
        #expect(rules[ruleIndex]["id"] as? String == "singular-table-name")
        let physical = try #require(((r["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        let artifact = try #require(physical["artifactLocation"] as? [String: Any])
        #expect(artifact["uri"] as? String == "dir%20with%20space/s,1%3Ax.victor")
        let region = try #require(physical["region"] as? [String: Any])
        // UTF-16 columns: "é" is one code unit.
        #expect(region["startLine"] as? Int == 3 && region["startColumn"] as? Int == 9)
        #expect(region["endLine"] as? Int == 3 && region["endColumn"] as? Int == 18)
        let fixes = try #require(r["fixes"] as? [[String: Any]])
        #expect(fixes.count == 1)
        #expect(r["relatedLocations"] is [[String: Any]])
        // A parse or input error reports its catalog id, indexed into the rules.
        #expect(results[2]["ruleId"] as? String == "input/unreadable-file")
        let index = try #require(results[2]["ruleIndex"] as? Int)
        #expect(rules[index]["id"] as? String == "input/unreadable-file")
    }

    @Test func githubEscapesDataAndProperties() {
        let (ds, files) = sample()
        let lines = Reporters.github(ds, files: files).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3)
        let first = String(lines[0])
        #expect(first.hasPrefix("::error file=dir with space/s%2C1%3Ax.victor,line=3,col=9,endLine=3,endColumn=19,title=schemagen singular-table-name::"))
        #expect(first.contains("newline%0Areturn%0D tab\t percent %25 colon: comma, ünïcødé"))
        #expect(!first.contains("\r"))
        #expect(lines[1].hasPrefix("::warning file="))
        #expect(Reporters.escapeGitHubProperty("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
        #expect(Reporters.escapeGitHubData("a:b,c%d\r\ne") == "a:b,c%25d%0D%0Ae")
    }

    @Test func textHasTheSwiftcShape() {
        let (ds, files) = sample()
        let out = Reporters.text(ds, files: files, color: false)
        #expect(out.contains("dir with space/s,1:x.victor:3:9: error: quote \" backslash \\ newline return  tab"))
        #expect(out.contains("[singular-table-name]\n"))
        #expect(out.contains("  table app_usérs { id: integer primary key }\n"))
        #expect(out.contains("^~~~~~~~~"))
        #expect(out.contains("missing.victor: error: cannot read"))
        #expect(out.hasSuffix("2 errors, 1 warning\n"))
        #expect(!out.contains("\u{1B}["))
        #expect(Reporters.text(ds, files: files, color: true).contains("\u{1B}["))
    }

    @Test func rulesListing() throws {
        let text = Reporters.rules(json: false)
        for r in RuleRegistry.all { #expect(text.contains(r.id)) }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Reporters.rules(json: true).utf8)) as? [[String: Any]])
        #expect(json.count == RuleRegistry.all.count)
        #expect(json.allSatisfy { $0["id"] is String && $0["severity"] is String && $0["category"] is String && $0["description"] is String })
    }
}
