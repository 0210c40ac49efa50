import Testing
@testable import SchemaLint

private let inflector = Inflector()

/// (plural, singular) pairs that must round-trip in both directions.
private let regularPairs: [(String, String)] = [
    ("outcomes", "outcome"), ("values", "value"), ("stages", "stage"), ("metrics", "metric"),
    ("checkpoints", "checkpoint"), ("sessions", "session"), ("signatures", "signature"),
    ("executions", "execution"), ("patterns", "pattern"), ("applications", "application"),
    ("weights", "weight"), ("elements", "element"), ("styles", "style"), ("params", "param"),
    ("runs", "run"), ("uses", "use"), ("stats", "stat"), ("boxes", "box"), ("wishes", "wish"),
    ("matches", "match"), ("buses", "bus"), ("queries", "query"), ("days", "day"),
    ("leaves", "leaf"), ("knives", "knife"), ("wolves", "wolf"), ("heroes", "hero"),
    ("potatoes", "potato"), ("quizzes", "quiz"), ("statuses", "status"), ("aliases", "alias"),
    ("classes", "class"), ("addresses", "address"), ("viruses", "virus"),
    ("responses", "response"), ("caches", "cache"), ("houses", "house"), ("horses", "horse"),
]

private let irregularPairs: [(String, String)] = [
    ("people", "person"), ("men", "man"), ("children", "child"), ("mice", "mouse"),
    ("geese", "goose"), ("feet", "foot"), ("teeth", "tooth"), ("oxen", "ox"),
    ("women", "woman"), ("salespeople", "salesperson"), ("grandchildren", "grandchild"),
]

private let classicalPairs: [(String, String)] = [
    ("indices", "index"), ("vertices", "vertex"), ("matrices", "matrix"), ("analyses", "analysis"),
    ("crises", "crisis"), ("theses", "thesis"), ("diagnoses", "diagnosis"),
    ("criteria", "criterion"), ("phenomena", "phenomenon"), ("curricula", "curriculum"),
    ("syllabi", "syllabus"), ("radii", "radius"), ("octopi", "octopus"), ("axes", "axis"),
]

private let uncountableWords: [String] = [
    "metadata", "data", "series", "news", "species", "equipment", "information", "rice", "money",
    "fish", "sheep", "deer", "telemetry", "feedback", "history", "analytics", "physics",
    "mathematics", "config", "software", "hardware", "staff", "media",
]

private let singularEndingInS: [String] = [
    "status", "class", "analysis", "alias", "bus", "gas", "bonus", "campus", "census", "corpus",
    "lens", "process", "access", "address", "business", "canvas", "virus", "axis", "basis",
    "thesis", "crisis", "series", "species", "news", "glass", "boss", "chaos", "atlas", "iris",
]

private let singularWords: [String] = [
    "q", "id", "use", "run", "stat", "value", "config", "call", "version", "snapshot", "metric",
    "transition", "param", "learner", "pattern", "outcome", "session", "metadata", "element",
    "style", "stage",
]

private let roundTripWords: [String] = [
    "outcome", "value", "stage", "metric", "checkpoint", "session", "signature", "execution",
    "pattern", "application", "weight", "element", "style", "param", "run", "use", "stat", "box",
    "wish", "match", "bus", "query", "day", "leaf", "knife", "wolf", "hero", "potato", "quiz",
    "status", "alias", "class", "address", "virus", "response", "cache", "house", "horse",
    "person", "man", "child", "mouse", "goose", "foot", "tooth", "ox", "index", "vertex", "matrix",
    "analysis", "crisis", "thesis", "diagnosis", "criterion", "phenomenon", "curriculum",
    "syllabus", "radius", "octopus", "gas", "bonus", "campus", "census", "lens", "process",
    "access", "business", "canvas", "axis", "glass", "boss", "atlas", "iris", "epoch", "menu",
    "sku", "api", "category", "user", "table", "entity", "policy", "key", "photo", "schema",
    "version", "snapshot", "transition", "learner", "call", "invoice", "price", "device",
    "archive", "movie", "cookie", "shoe", "database", "phase", "license", "niche", "buzz",
    "waltz", "half", "life", "wife", "chef", "roof", "belief", "cafe", "tax", "prefix",
]

@Suite("Inflector")
struct InflectorTests {
    @Test("regular nouns", arguments: regularPairs)
    func regular(plural: String, singular: String) {
        #expect(inflector.singularize(plural) == singular)
        #expect(inflector.pluralize(singular) == plural)
        #expect(inflector.isPlural(plural))
        #expect(!inflector.isPlural(singular))
    }

    @Test("irregular nouns", arguments: irregularPairs)
    func irregular(plural: String, singular: String) {
        #expect(inflector.singularize(plural) == singular)
        #expect(inflector.pluralize(singular) == plural)
        #expect(inflector.isPlural(plural))
        #expect(!inflector.isPlural(singular))
    }

    @Test("Latin and Greek nouns", arguments: classicalPairs)
    func classical(plural: String, singular: String) {
        #expect(inflector.singularize(plural) == singular)
        #expect(inflector.pluralize(singular) == plural)
        #expect(inflector.isPlural(plural))
        #expect(!inflector.isPlural(singular))
    }

    @Test("bases is ambiguous: singularizes to base, basis pluralizes to bases")
    func basesAmbiguity() {
        #expect(inflector.singularize("bases") == "base")
        #expect(inflector.pluralize("basis") == "bases")
        #expect(inflector.pluralize("base") == "bases")
        #expect(inflector.singularize("basis") == "basis")
        #expect(inflector.isPlural("bases"))
        #expect(!inflector.isPlural("basis"))
        #expect(inflector.singularize("databases") == "database")
        #expect(inflector.singularize("knowledge_bases") == "knowledge_base")
    }

    @Test("media and data are uncountable")
    func mediaAndData() {
        #expect(inflector.singularize("media") == "media")
        #expect(inflector.singularize("data") == "data")
        #expect(inflector.isUncountable("media"))
        #expect(inflector.pluralize("medium") == "media")
    }

    @Test("uncountables", arguments: uncountableWords)
    func uncountable(word: String) {
        #expect(inflector.isUncountable(word))
        #expect(!inflector.isPlural(word))
        #expect(inflector.singularize(word) == word)
        #expect(inflector.pluralize(word) == word)
    }

    @Test("singular words ending in s", arguments: singularEndingInS)
    func singularS(word: String) {
        #expect(!inflector.isPlural(word))
        #expect(inflector.singularize(word) == word)
    }

    @Test("singular words", arguments: singularWords)
    func singularWord(word: String) {
        #expect(!inflector.isPlural(word))
        #expect(inflector.singularize(word) == word)
    }

    @Test("round trip singularize(pluralize(w)) == w", arguments: roundTripWords)
    func roundTrip(word: String) {
        let plural = inflector.pluralize(word)
        #expect(plural != word)
        #expect(inflector.singularize(plural) == word)
        #expect(inflector.isPlural(plural))
        #expect(!inflector.isPlural(word))
        #expect(inflector.pluralize(plural) == plural)
    }

    @Test func commonSchemaNames() {
        let cases: [(String, String)] = [
            ("invoices", "invoice"), ("prices", "price"), ("devices", "device"),
            ("services", "service"), ("archives", "archive"), ("objectives", "objective"),
            ("movies", "movie"), ("cookies", "cookie"), ("shoes", "shoe"), ("apis", "api"),
            ("kpis", "kpi"), ("skus", "sku"), ("menus", "menu"), ("epochs", "epoch"),
            ("schemas", "schema"), ("quotas", "quota"), ("photos", "photo"), ("ties", "tie"),
            ("properties", "property"), ("indexes", "index"), ("taxes", "tax"),
            ("bureaus", "bureau"), ("abuses", "abuse"), ("causes", "cause"), ("lenses", "lens"),
            ("gases", "gas"), ("irises", "iris"), ("bonuses", "bonus"), ("campuses", "campus"),
            ("censuses", "census"), ("processes", "process"), ("specimens", "specimen"),
            ("histories", "history"), ("foci", "focus"), ("formulae", "formula"),
        ]
        for (plural, singular) in cases {
            #expect(inflector.singularize(plural) == singular, "\(plural)")
            #expect(inflector.isPlural(plural), "\(plural)")
        }
        #expect(!inflector.isPlural("specimen"))
        #expect(!inflector.isPlural("human"))
        #expect(inflector.pluralize("human") == "humans")
    }

    @Test func compoundsAndCase() {
        #expect(inflector.singularize("user_roles") == "user_role")
        #expect(inflector.singularize("model_indices") == "model_index")
        #expect(inflector.singularize("user_metadata") == "user_metadata")
        #expect(inflector.isPlural("order_items"))
        #expect(!inflector.isPlural("order_status"))
        #expect(!inflector.isPlural("user_metadata"))
        #expect(inflector.pluralize("order_status") == "order_statuses")
        #expect(inflector.pluralize("sales_person") == "sales_people")
        #expect(inflector.singularize("UserRoles") == "UserRole")
        #expect(inflector.singularize("People") == "Person")
        #expect(inflector.singularize("USERS") == "USER")
        #expect(inflector.pluralize("Child") == "Children")
        #expect(inflector.singularize("") == "")
        #expect(inflector.pluralize("") == "")
        #expect(!inflector.isPlural(""))
        #expect(inflector.singularize("user_") == "user_")
    }

    @Test func extraUncountables() {
        let custom = Inflector(extraUncountables: ["telemetries", "Sheepdogs"])
        #expect(custom.isUncountable("telemetries"))
        #expect(!custom.isPlural("telemetries"))
        #expect(custom.singularize("telemetries") == "telemetries")
        #expect(custom.pluralize("sheepdogs") == "sheepdogs")
        #expect(!inflector.isUncountable("telemetries"))
        #expect(inflector.singularize("telemetries") == "telemetry")
    }

    @Test func extraIrregulars() {
        let custom = Inflector(extraIrregulars: ["cactus": "cactuses", "foo": "fooz", "datum": "data"])
        #expect(custom.pluralize("cactus") == "cactuses")
        #expect(custom.singularize("cactuses") == "cactus")
        #expect(custom.pluralize("foo") == "fooz")
        #expect(custom.singularize("fooz") == "foo")
        #expect(custom.isPlural("fooz"))
        #expect(!custom.isPlural("foo"))
        #expect(custom.pluralize("fooz") == "fooz")
        #expect(custom.singularize("my_fooz") == "my_foo")
        #expect(custom.singularize("data") == "datum")
        #expect(!custom.isUncountable("data"))
        #expect(inflector.pluralize("foo") == "foos")
        #expect(inflector.pluralize("cactus") == "cacti")
    }

    @Test func sendable() {
        let shared: any Sendable = inflector
        #expect(shared is Inflector)
    }
}
