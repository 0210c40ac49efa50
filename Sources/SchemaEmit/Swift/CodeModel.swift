/// A structured representation of the Swift the generator writes (after swift-openapi-generator's
/// `StructuredSwiftRepresentation`, much smaller): declarations, statements and expressions as
/// values. Translators build these from the resolved `Schema`; `SwiftRenderer` alone turns them into
/// text, so indentation, line breaks, keyword escaping, comment sanitising and string-literal
/// escaping happen in exactly one place.
///
/// Names held here are plain identifiers (`default`, not `` `default` ``); the renderer adds
/// backticks where Swift needs them. Text held here (doc comments, string literals) is raw user
/// text; the renderer escapes it.

/// One generated Swift file.
public struct SwiftFile: Sendable, Hashable {
    /// `//` comment lines at the top (the generated-file header).
    public var header: [String]
    public var imports: [String]
    public var declarations: [SwiftDeclaration]

    public init(header: [String] = [], imports: [String] = [], declarations: [SwiftDeclaration] = []) {
        self.header = header
        self.imports = imports
        self.declarations = declarations
    }
}

public enum SwiftAccess: String, Sendable, Hashable {
    case `public`, `internal`, `fileprivate`, `private`
}

/// A type as written in a declaration or an expression.
public indirect enum SwiftType: Sendable, Hashable {
    /// A (possibly dotted) type name: `Int64`, `Foundation.Date`; `Self` is the keyword.
    case named(String)
    case optional(SwiftType)
    case array(SwiftType)
    /// `Sequence<T>`.
    case generic(String, [SwiftType])
    /// `some P`.
    case some(SwiftType)
    /// `borrowing T` (a parameter ownership modifier).
    case borrowing(SwiftType)
    /// `any P`.
    case existential(SwiftType)
}

/// What a function or closure throws.
public enum SwiftThrows: Sendable, Hashable {
    /// `throws`
    case untyped
    /// `throws(E)`
    case typed(SwiftType)
}

/// A declaration: a doc comment and attributes around one kind of declaration.
public struct SwiftDeclaration: Sendable, Hashable {
    /// Doc-comment text (any characters: the renderer normalises every line terminator and control
    /// character, so the text can never end the comment).
    public var doc: String?
    /// Attribute names without `@`: `discardableResult`.
    public var attributes: [String]
    public var kind: Kind

    public indirect enum Kind: Sendable, Hashable {
        case `struct`(SwiftTypeDeclaration)
        case `enum`(SwiftTypeDeclaration)
        case `extension`(SwiftExtension)
        case variable(SwiftVariable)
        case function(SwiftFunction)
        /// `case name` or `case name = "raw"`.
        case enumCase(name: String, rawValue: SwiftExpression?)
        /// `public typealias Name = Type`.
        case typeAlias(access: SwiftAccess?, name: String, type: SwiftType)
    }

    public init(doc: String? = nil, attributes: [String] = [], _ kind: Kind) {
        self.doc = doc
        self.attributes = attributes
        self.kind = kind
    }
}

/// A struct or enum.
public struct SwiftTypeDeclaration: Sendable, Hashable {
    public var access: SwiftAccess?
    public var name: String
    /// `<DB: DatabaseReading & Sendable>`; empty for a non-generic type.
    public var genericParameters: [SwiftTypeConstraint]
    public var conformances: [String]
    public var members: [SwiftDeclaration]

    public init(access: SwiftAccess? = nil, name: String, genericParameters: [SwiftTypeConstraint] = [],
                conformances: [String] = [], members: [SwiftDeclaration] = []) {
        self.access = access
        self.name = name
        self.genericParameters = genericParameters
        self.conformances = conformances
        self.members = members
    }
}

/// `Name: P & Q`: a generic parameter with its constraints, or one requirement of a `where` clause.
public struct SwiftTypeConstraint: Sendable, Hashable {
    /// A type or generic parameter name (`DB`), or `Self` (written as the keyword).
    public var name: String
    /// Protocol (or class) names, joined with `&`; empty writes the bare name.
    public var conformsTo: [String]

    public init(_ name: String, conformsTo: [String] = []) {
        self.name = name
        self.conformsTo = conformsTo
    }
}

public struct SwiftExtension: Sendable, Hashable {
    public var extendedType: String
    /// `where Self: Sendable`; empty for none.
    public var whereClause: [SwiftTypeConstraint]
    public var members: [SwiftDeclaration]

    public init(extendedType: String, whereClause: [SwiftTypeConstraint] = [], members: [SwiftDeclaration]) {
        self.extendedType = extendedType
        self.whereClause = whereClause
        self.members = members
    }
}

/// `let`/`var`, stored (with an optional initializer) or computed (a getter body).
public struct SwiftVariable: Sendable, Hashable {
    public var access: SwiftAccess?
    public var isStatic: Bool
    public var isMutable: Bool
    public var name: String
    public var type: SwiftType?
    public var initializer: SwiftExpression?
    /// A computed property's getter.
    public var getter: [SwiftStatement]?

    public init(access: SwiftAccess? = nil, isStatic: Bool = false, isMutable: Bool = false, name: String,
                type: SwiftType? = nil, initializer: SwiftExpression? = nil, getter: [SwiftStatement]? = nil) {
        self.access = access
        self.isStatic = isStatic
        self.isMutable = isMutable
        self.name = name
        self.type = type
        self.initializer = initializer
        self.getter = getter
    }
}

public struct SwiftParameter: Sendable, Hashable {
    /// The argument label; nil writes `_`.
    public var label: String?
    /// The name inside the body (written only when it differs from the label).
    public var name: String
    public var type: SwiftType
    public var defaultValue: SwiftExpression?

    public init(label: String?, name: String, type: SwiftType, defaultValue: SwiftExpression? = nil) {
        self.label = label
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }

    /// A parameter whose label and name are the same.
    public init(_ name: String, _ type: SwiftType, defaultValue: SwiftExpression? = nil) {
        self.init(label: name, name: name, type: type, defaultValue: defaultValue)
    }
}

public struct SwiftFunction: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case function(String)
        case initializer
    }
    public var access: SwiftAccess?
    public var isStatic: Bool
    public var kind: Kind
    public var parameters: [SwiftParameter]
    /// Write one parameter per line.
    public var wrapsParameters: Bool
    public var throwsClause: SwiftThrows?
    public var returnType: SwiftType?
    public var body: [SwiftStatement]

    public init(access: SwiftAccess? = nil, isStatic: Bool = false, _ kind: Kind, parameters: [SwiftParameter] = [],
                wrapsParameters: Bool = false, throwsClause: SwiftThrows? = nil, returnType: SwiftType? = nil,
                body: [SwiftStatement]) {
        self.access = access
        self.isStatic = isStatic
        self.kind = kind
        self.parameters = parameters
        self.wrapsParameters = wrapsParameters
        self.throwsClause = throwsClause
        self.returnType = returnType
        self.body = body
    }
}

/// A statement inside a function, closure or getter body.
public indirect enum SwiftStatement: Sendable, Hashable {
    case expression(SwiftExpression)
    /// A local `let`/`var`.
    case variable(SwiftVariable)
    /// `target = value`
    case assignment(SwiftExpression, SwiftExpression)
    case `return`(SwiftExpression?)
    case `throw`(SwiftExpression)
    case `if`(SwiftCondition, then: [SwiftStatement])
    case `guard`(SwiftCondition, else: [SwiftStatement])
    case `while`(SwiftExpression, [SwiftStatement])
    case `for`(variable: String, in: SwiftExpression, [SwiftStatement])
    case `switch`(SwiftExpression, [SwiftSwitchCase])
}

public enum SwiftCondition: Sendable, Hashable {
    case expression(SwiftExpression)
    /// `let name = value`
    case optionalBinding(String, SwiftExpression)
}

public struct SwiftSwitchCase: Sendable, Hashable {
    /// The case pattern, e.g. `.implicitMember("primaryKey")`.
    public var pattern: SwiftExpression
    public var body: [SwiftStatement]

    public init(_ pattern: SwiftExpression, _ body: [SwiftStatement]) {
        self.pattern = pattern
        self.body = body
    }
}

public struct SwiftArgument: Sendable, Hashable {
    public var label: String?
    public var value: SwiftExpression

    public init(_ label: String?, _ value: SwiftExpression) {
        self.label = label
        self.value = value
    }
}

public struct SwiftClosure: Sendable, Hashable {
    /// Parameter names (`_` allowed), written before `in`.
    public var parameters: [String]
    public var throwsClause: SwiftThrows?
    public var returnType: SwiftType?
    public var body: [SwiftStatement]

    public init(parameters: [String], throwsClause: SwiftThrows? = nil, returnType: SwiftType? = nil, body: [SwiftStatement]) {
        self.parameters = parameters
        self.throwsClause = throwsClause
        self.returnType = returnType
        self.body = body
    }
}

public indirect enum SwiftExpression: Sendable, Hashable {
    /// A name in scope (backticked by the renderer when it is a keyword).
    case identifier(String)
    /// `self`
    case selfReference
    case `nil`
    case bool(Bool)
    case integer(Int64)
    /// A floating-point literal, already in Swift spelling (`0.5`).
    case double(Double)
    /// A one-line string literal (also a valid `StaticString`); the renderer escapes every character.
    case string(String)
    /// A multi-line string literal (`"""`), one source line per line of the value.
    case multilineString(String)
    /// `base.name`
    case member(SwiftExpression, String)
    /// `.name`
    case implicitMember(String)
    /// `T.self`
    case metatype(SwiftType)
    /// A type used as a value: `Statement`, `Int64` (in `Int64.min`, `T(…)`).
    case type(SwiftType)
    /// `f(a, label: b) { closure }`
    case call(SwiftExpression, [SwiftArgument], trailingClosure: SwiftClosure? = nil)
    case closure(SwiftClosure)
    case `try`(SwiftExpression)
    /// `lhs op rhs`
    case binary(SwiftExpression, String, SwiftExpression)
    /// `-x`
    case prefix(String, SwiftExpression)
    /// `x?` (optional chaining)
    case optionalChain(SwiftExpression)
    /// `c ? a : b`
    case ternary(SwiftExpression, SwiftExpression, SwiftExpression)
    /// `[a, b]`, `[]`
    case array([SwiftExpression])
}

// MARK: Building conveniences

extension SwiftExpression {
    public static func call(_ name: String, _ arguments: [SwiftArgument] = []) -> SwiftExpression {
        .call(.identifier(name), arguments)
    }

    public func dot(_ name: String) -> SwiftExpression { .member(self, name) }

    public func call(_ name: String, _ arguments: [SwiftArgument] = [], trailingClosure: SwiftClosure? = nil) -> SwiftExpression {
        .call(.member(self, name), arguments, trailingClosure: trailingClosure)
    }
}

extension SwiftStatement {
    public static func `try`(_ e: SwiftExpression) -> SwiftStatement { .expression(.try(e)) }
}
