import Testing
import SchemaEmit

/// The renderer on its own: code-model values in, exact text out.
@Suite struct SwiftRendererTests {
    @Test func stringLiteralsEscapeEveryCharacterThatCouldEndOrChangeThem() {
        #expect(SwiftRenderer.render(.string("plain SQL")) == #""plain SQL""#)
        #expect(SwiftRenderer.render(.string("a\"b\\c\n\r\t\0")) == #""a\"b\\c\n\r\t\0""#)
        #expect(SwiftRenderer.render(.string("\u{1}\u{1B}\u{7F}\u{85}\u{2028}\u{2029}")) == #""\u{1}\u{1B}\u{7F}\u{85}\u{2028}\u{2029}""#)
        // No interpolation can be formed: the backslash is escaped.
        #expect(SwiftRenderer.render(.string("\\(x)")) == #""\\(x)""#)
        // Other non-ASCII text is copied as is.
        #expect(SwiftRenderer.render(.string("café — ✓")) == #""café — ✓""#)
    }

    @Test func multilineLiteralsKeepTheValueExactly() {
        let v = SwiftVariable(isStatic: true, name: "sql", initializer: .multilineString("A \"\"\" B\n\n  C\\\r\nD\n"))
        #expect(SwiftRenderer.render(SwiftDeclaration(.variable(v))) == #"""
            static let sql = """
                A \"\"\" B

                  C\\\r
                D

                """

            """#)
        let empty = SwiftVariable(name: "e", initializer: .multilineString(""))
        #expect(SwiftRenderer.render(SwiftDeclaration(.variable(empty))) == "let e = \"\"\"\n\n    \"\"\"\n")
    }

    @Test func commentsCannotBeEndedByUserText() {
        let doc = "one\rstruct A {}\r\ntwo\u{2028}three\u{2029}four\u{85}five\u{B}six\u{C}seven\nNUL\u{0}ESC\u{1B} */ end  "
        let d = SwiftDeclaration(doc: doc, .enumCase(name: "x", rawValue: nil))
        #expect(SwiftRenderer.render(d) == """
            /// one
            /// struct A {}
            /// two
            /// three
            /// four
            /// five
            /// six
            /// seven
            /// NUL\u{FFFD}ESC\u{FFFD} * / end
            case x

            """)
        #expect(SwiftRenderer.render(SwiftDeclaration(doc: "a\n\nb", .enumCase(name: "x", rawValue: nil))) == "/// a\n///\n/// b\ncase x\n")
        // Non-ASCII text that is neither a control character nor a line break stays as it is.
        #expect(SwiftRenderer.render(SwiftDeclaration(doc: "`?1`…`?2` © é → \t* /", .enumCase(name: "x", rawValue: nil)))
                == "/// `?1`…`?2` © é → \t* /\ncase x\n")
        #expect(SwiftRenderer.render(SwiftDeclaration(doc: "é\u{85}x", .enumCase(name: "x", rawValue: nil))) == "/// é\n/// x\ncase x\n")
    }

    @Test func keywordsAreEscapedWhereSwiftNeedsIt() {
        let f = SwiftFunction(access: .public, .function("fetch"), parameters: [
            SwiftParameter(label: "self", name: "p0", type: .named("Int64")),
            SwiftParameter(label: "inout", name: "p1", type: .named("String")),
            SwiftParameter("default", .optional(.named("Int64")), defaultValue: .nil),
        ], throwsClause: .typed(.named("DatabaseError")), returnType: .named("Bool"), body: [
            .return(.call(.identifier("lookup"), [SwiftArgument("self", .identifier("p0")), SwiftArgument("inout", .identifier("p1")),
                                                  SwiftArgument("class", .identifier("row").dot("class"))])),
        ])
        #expect(SwiftRenderer.render(SwiftDeclaration(.function(f))) == """
            public func fetch(self p0: Int64, `inout` p1: String, `default`: Int64? = nil) throws(DatabaseError) -> Bool {
                return lookup(self: p0, `inout`: p1, class: row.`class`)
            }

            """)
        #expect(SwiftRenderer.render(.identifier("row").dot("Type")) == "row.`Type`")
        #expect(SwiftRenderer.render(.implicitMember("default")) == ".`default`")
    }

    @Test func typesMembersAndBlankLines() {
        let s = SwiftTypeDeclaration(access: .public, name: "Row", conformances: ["Sendable", "Hashable"], members: [
            SwiftDeclaration(.variable(SwiftVariable(access: .public, isMutable: true, name: "a", type: .named("Int64")))),
            SwiftDeclaration(.variable(SwiftVariable(access: .public, isMutable: true, name: "b", type: .optional(.array(.named("String")))))),
            SwiftDeclaration(.enum(SwiftTypeDeclaration(name: "Key", conformances: ["String"], members: [
                SwiftDeclaration(.enumCase(name: "a", rawValue: nil)),
                SwiftDeclaration(.enumCase(name: "b", rawValue: .string("b_b"))),
            ]))),
            SwiftDeclaration(attributes: ["discardableResult"], .function(SwiftFunction(
                .initializer, parameters: [SwiftParameter("a", .named("Int64")), SwiftParameter(label: nil, name: "b", type: .named("Int"))],
                wrapsParameters: true, body: [.assignment(SwiftExpression.selfReference.dot("a"), .identifier("a"))]))),
        ])
        #expect(SwiftRenderer.render(SwiftDeclaration(.struct(s))) == """
            public struct Row: Sendable, Hashable {
                public var a: Int64
                public var b: [String]?

                enum Key: String {
                    case a
                    case b = "b_b"
                }

                @discardableResult
                init(
                    a: Int64,
                    _ b: Int
                ) {
                    self.a = a
                }
            }

            """)
    }

    @Test func statementsClosuresAndInlineBlocks() {
        let s = SwiftExpression.identifier("s")
        let body: [SwiftStatement] = [
            .variable(SwiftVariable(isMutable: true, name: "rows", type: .array(.named("T")), initializer: .array([]))),
            .while(.try(s.call("step")), [.expression(SwiftExpression.identifier("rows").call("append", [SwiftArgument(nil, .integer(1))]))]),
            .guard(.optionalBinding("x", .try(.call("f", []))), else: [.throw(.call("E", [SwiftArgument("message", .string("a long message that does not fit on the line of the guard statement at all"))]))]),
            .if(.expression(.binary(.optionalChain(.identifier("x")).dot("isNaN"), "==", .bool(true))), then: [.return(.nil)]),
            .switch(.identifier("target"), [SwiftSwitchCase(.implicitMember("a"), [.return(.ternary(.bool(true), .integer(-1), .double(0.5)))])]),
        ]
        let call = SwiftExpression.try(.identifier("db").call("withStatement", [SwiftArgument(nil, .string("SELECT 1"))],
            trailingClosure: SwiftClosure(parameters: ["s"], throwsClause: .typed(.named("E")), returnType: .named("T"), body: body)))
        #expect(SwiftRenderer.render(.expression(call)) == """
            try db.withStatement("SELECT 1") { s throws(E) -> T in
                var rows: [T] = []
                while try s.step() { rows.append(1) }
                guard let x = try f() else {
                    throw E(message: "a long message that does not fit on the line of the guard statement at all")
                }
                if x?.isNaN == true { return nil }
                switch target {
                case .a:
                    return true ? -1 : 0.5
                }
            }

            """)
        let getter = SwiftVariable(access: .public, isMutable: true, name: "dao", type: .named("DAO"),
                                   getter: [.expression(.call(.type(.named("DAO")), [SwiftArgument("db", .selfReference)]))])
        #expect(SwiftRenderer.render(SwiftDeclaration(.variable(getter))) == "public var dao: DAO { DAO(db: self) }\n")
    }

    @Test func fileLayout() {
        let file = SwiftFile(header: ["Generated from a\rb.victor."], imports: ["Foundation"], declarations: [
            SwiftDeclaration(.extension(SwiftExtension(extendedType: "Database", members: []))),
        ])
        #expect(SwiftRenderer.render(file) == "// Generated from a\n// b.victor.\n\nimport Foundation\n\nextension Database {\n}\n")
    }
}
