// English noun inflection for schema lint rules (e.g. `singular-table-name`).
//
// Modelled on the Rails ActiveSupport / Python `inflection` rule tables — ordered
// suffix rules, irregular pairs and uncountable words — but implemented with plain
// suffix matching and with many more exceptions, so that singular nouns ending in
// "s" (status, alias, lens, analysis, ...) are recognised as singular.
//
// Only the last component of a compound name is inflected: "user_roles" ->
// "user_role", "UserRoles" -> "UserRole". Separators are "_", "-", " " and ".", and
// a lowercase/digit -> uppercase camel-case boundary.
//
// Known ambiguities (a choice had to be made):
// - "bases" singularizes to "base" (knowledge_bases, databases); "basis" still
//   pluralizes to "bases".
// - "axes" -> "axis" (not "axe"); "ellipses" -> "ellipse"; "analyses" -> "analysis".
// - "media" and "data" are uncountable; pluralize("medium") is "media" and
//   pluralize("datum") is "data".
// - "index" pluralizes to "indices"; both "indices" and "indexes" singularize to "index".
// - "history", "config", "analytics", "staff" are uncountable, so "histories" is
//   still recognised as the plural of "history", but pluralize("history") == "history".
// - Plural forms are returned unchanged by `pluralize` ("users" -> "users").

/// An English noun inflector with Rails-style rule tables.
public struct Inflector: Sendable {
    private let extraUncountables: Set<String>
    private let extraPluralBySingular: [String: String]
    private let extraSingularByPlural: [String: String]

    /// - Parameters:
    ///   - extraUncountables: words (last component, lowercase) treated as uncountable.
    ///   - extraIrregulars: additional singular -> plural pairs; they take precedence over
    ///     the built-in rules and the built-in uncountables.
    public init(extraUncountables: Set<String> = [], extraIrregulars: [String: String] = [:]) {
        self.extraUncountables = Set(extraUncountables.map { $0.lowercased() })
        var plurals: [String: String] = [:]
        var singulars: [String: String] = [:]
        for (singular, plural) in extraIrregulars {
            let s = singular.lowercased()
            let p = plural.lowercased()
            plurals[s] = p
            singulars[p] = s
        }
        self.extraPluralBySingular = plurals
        self.extraSingularByPlural = singulars
    }

    /// The singular form of a lowercase English noun ("analyses" -> "analysis",
    /// "indices" -> "index", "people" -> "person", "status" -> "status",
    /// "metadata" -> "metadata").
    public func singularize(_ word: String) -> String {
        inflectLastComponent(of: word) { singularLower($0) }
    }

    /// The plural form of an English noun ("person" -> "people", "status" -> "statuses").
    /// Words that are already plural, and uncountable words, are returned unchanged.
    public func pluralize(_ word: String) -> String {
        inflectLastComponent(of: word) { pluralLower($0) }
    }

    /// True when the word is a plural noun whose singular differs (uncountables and
    /// singular words ending in s are not plural).
    public func isPlural(_ word: String) -> Bool {
        let lower = Self.lastComponent(of: word).lowercased()
        guard !lower.isEmpty else { return false }
        return singularLower(lower) != lower
    }

    /// True when the word (its last component) has no distinct singular/plural forms.
    public func isUncountable(_ word: String) -> Bool {
        let lower = Self.lastComponent(of: word).lowercased()
        guard !lower.isEmpty else { return false }
        if extraUncountables.contains(lower) || extraUncountables.contains(word.lowercased()) {
            return true
        }
        if extraPluralBySingular[lower] != nil || extraSingularByPlural[lower] != nil {
            return false
        }
        return Tables.isBuiltinUncountable(lower)
    }

    // MARK: - Core (operates on one lowercase component)

    private func singularLower(_ w: String) -> String {
        if w.isEmpty || isUncountable(w) { return w }
        if let s = extraSingularByPlural[w] { return s }
        if extraPluralBySingular[w] != nil { return w }
        for rule in Tables.singularRules {
            if let result = rule.apply(to: w) { return result }
        }
        return w
    }

    private func pluralLower(_ w: String) -> String {
        if w.isEmpty || isUncountable(w) { return w }
        if let p = extraPluralBySingular[w] { return p }
        if extraSingularByPlural[w] != nil { return w }
        // Already plural: leave it alone (Rails behaviour for "people", "users").
        if singularLower(w) != w { return w }
        for rule in Tables.pluralRules {
            if let result = rule.apply(to: w) { return result }
        }
        return w + "s"
    }

    // MARK: - Components and case

    private static func isSeparator(_ c: Character) -> Bool {
        c == "_" || c == "-" || c == " " || c == "."
    }

    /// Index where the last inflectable component of `word` starts.
    private static func lastComponentStart(of word: String) -> String.Index {
        var start = word.startIndex
        var previous: Character?
        var index = word.startIndex
        while index < word.endIndex {
            let c = word[index]
            if isSeparator(c) {
                start = word.index(after: index)
            } else if c.isUppercase, let p = previous, p.isLowercase || p.isNumber {
                start = index
            }
            previous = c
            index = word.index(after: index)
        }
        return start
    }

    private static func lastComponent(of word: String) -> Substring {
        word[lastComponentStart(of: word)...]
    }

    private func inflectLastComponent(of word: String, _ transform: (String) -> String) -> String {
        let start = Self.lastComponentStart(of: word)
        let original = String(word[start...])
        guard !original.isEmpty else { return word }
        let lower = original.lowercased()
        let result = transform(lower)
        if result == lower { return word }
        return String(word[..<start]) + Self.restoreCase(original: original, lower: lower, result: result)
    }

    /// Copies the original characters over the unchanged prefix; upper-cases the
    /// changed tail when the original component was all upper case.
    private static func restoreCase(original: String, lower: String, result: String) -> String {
        if original == lower { return result }
        let originalChars = Array(original)
        let lowerChars = Array(lower)
        let resultChars = Array(result)
        guard originalChars.count == lowerChars.count else { return result }
        var common = 0
        while common < lowerChars.count, common < resultChars.count, lowerChars[common] == resultChars[common] {
            common += 1
        }
        let allUpper = original == original.uppercased()
        let tail = String(resultChars[common...])
        return String(originalChars[..<common]) + (allUpper ? tail.uppercased() : tail)
    }
}

// MARK: - Rule tables

/// One suffix rewrite: `suffix` -> `replacement`, or a whole-word rewrite.
struct InflectionRule: Sendable {
    let suffix: String
    let replacement: String
    let wholeWord: Bool

    func apply(to word: String) -> String? {
        if wholeWord { return word == suffix ? replacement : nil }
        guard word.hasSuffix(suffix) else { return nil }
        return String(word.dropLast(suffix.count)) + replacement
    }
}

private struct NounPair: Sendable {
    let singular: String
    let plural: String
    let wholeWord: Bool
}

private enum Tables {
    /// Parses "a:b c:d" into pairs.
    static func pairs(_ text: String, wholeWord: Bool) -> [NounPair] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { item in
            let parts = item.split(separator: ":")
            guard parts.count == 2 else { return nil }
            return NounPair(singular: String(parts[0]), plural: String(parts[1]), wholeWord: wholeWord)
        }
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    // Uncountable words (matched against the whole last component).
    static let uncountables: Set<String> = Set(words("""
        equipment information rice money species series fish sheep deer moose bison salmon trout swine
        news data metadata media telemetry feedback history analytics physics mathematics economics
        ethics politics logistics genetics linguistics electronics acoustics aerobics athletics
        gymnastics robotics ergonomics semantics informatics config software hardware firmware
        middleware malware spyware staff police aircraft spacecraft hovercraft offspring advice
        knowledge luggage baggage furniture traffic evidence research homework music weather
        electricity wildlife chaos cosmos ethos pathos mythos kudos asbestos corps means headquarters
        whereabouts crossroads gallows billiards measles mumps rabies diabetes herpes scabies shingles
        biceps triceps forceps tennis
        os ios macos gps dns sms aws cms qos vps rss
        """))

    // Uncountable endings of compounds ("userdata", "firmware", "goldfish", "subspecies").
    static let uncountableSuffixes: [String] = words("""
        data ware fish deer sheep information equipment telemetry feedback series species physics
        mathematics analytics informatics economics genetics linguistics electronics robotics
        """)

    static func isBuiltinUncountable(_ lower: String) -> Bool {
        if uncountables.contains(lower) { return true }
        return uncountableSuffixes.contains { lower.hasSuffix($0) }
    }

    // Pairs that also apply to compounds ending in the singular/plural.
    static let suffixPairs: [NounPair] = pairs("""
        person:people child:children woman:women
        knife:knives wife:wives leaf:leaves loaf:loaves thief:thieves sheaf:sheaves shelf:shelves
        self:selves wolf:wolves scarf:scarves wharf:wharves dwarf:dwarves hoof:hooves
        index:indices vertex:vertices matrix:matrices appendix:appendices vortex:vortices cortex:cortices
        syllabus:syllabi radius:radii octopus:octopi cactus:cacti fungus:fungi nucleus:nuclei
        stimulus:stimuli alumnus:alumni hippopotamus:hippopotami bacillus:bacilli terminus:termini
        criterion:criteria phenomenon:phenomena curriculum:curricula stratum:strata erratum:errata
        bacterium:bacteria millennium:millennia addendum:addenda consortium:consortia
        symposium:symposia memorandum:memoranda
        crisis:crises synopsis:synopses diagnosis:diagnoses prognosis:prognoses neurosis:neuroses
        psychosis:psychoses symbiosis:symbioses metamorphosis:metamorphoses mitosis:mitoses
        osmosis:osmoses hypnosis:hypnoses thrombosis:thromboses sclerosis:scleroses
        cirrhosis:cirrhoses fibrosis:fibroses stenosis:stenoses polis:polises
        hero:heroes potato:potatoes tomato:tomatoes echo:echoes veto:vetoes torpedo:torpedoes
        embargo:embargoes volcano:volcanoes mosquito:mosquitoes tornado:tornadoes buffalo:buffaloes
        domino:dominoes
        quiz:quizzes whiz:whizzes
        cache:caches niche:niches avalanche:avalanches headache:headaches toothache:toothaches
        backache:backaches earache:earaches heartache:heartaches stomachache:stomachaches
        moustache:moustaches mustache:mustaches cliche:cliches quiche:quiches tranche:tranches
        creche:creches microfiche:microfiches cloche:cloches brioche:brioches pastiche:pastiches
        epoch:epochs stomach:stomachs monarch:monarchs patriarch:patriarchs matriarch:matriarchs
        oligarch:oligarchs eunuch:eunuchs tech:techs
        """, wholeWord: false)

    static let manCompounds: [NounPair] = words("""
        chair sales fire police gentle business crafts fisher fresh spokes sports work fore country
        noble line middle congress horse sea post door camera repair snow alder handy milk kins
        clergy lay mad hench bats frontiers marks
        """).map { NounPair(singular: $0 + "man", plural: $0 + "men", wholeWord: true) }

    // Pairs that only apply to the whole component.
    static let wholeWordPairs: [NounPair] = pairs("""
        man:men mouse:mice louse:lice dormouse:dormice goose:geese foot:feet tooth:teeth ox:oxen
        life:lives half:halves calf:calves elf:elves
        apex:apices codex:codices helix:helices simplex:simplices locus:loci
        medium:media datum:data
        oasis:oases axis:axes taxi:taxis
        gas:gases canvas:canvases atlas:atlases alias:aliases bias:biases pancreas:pancreases
        iris:irises penis:penises pelvis:pelvises trellis:trellises ibis:ibises mantis:mantises
        clitoris:clitorises hubris:hubrises lens:lenses thermos:thermoses rhinoceros:rhinoceroses
        use:uses fuse:fuses muse:muses ruse:ruses abuse:abuses excuse:excuses refuse:refuses
        reuse:reuses misuse:misuses disuse:disuses overuse:overuses recluse:recluses
        hypotenuse:hypotenuses
        menu:menus guru:gurus emu:emus gnu:gnus tutu:tutus haiku:haikus bayou:bayous caribou:caribous
        zebu:zebus sudoku:sudokus tiramisu:tiramisus sku:skus cpu:cpus gpu:gpus tpu:tpus npu:npus
        vpu:vpus dpu:dpus apu:apus imu:imus mcu:mcus pdu:pdus ecu:ecus iou:ious
        movie:movies cookie:cookies zombie:zombies calorie:calories rookie:rookies smoothie:smoothies
        selfie:selfies hippie:hippies goalie:goalies brownie:brownies prairie:prairies genie:genies
        hoodie:hoodies newbie:newbies freebie:freebies pixie:pixies beanie:beanies birdie:birdies
        sortie:sorties lingerie:lingeries reverie:reveries coterie:coteries menagerie:menageries
        auntie:aunties talkie:talkies junkie:junkies techie:techies foodie:foodies roomie:roomies
        magpie:magpies necktie:neckties bowtie:bowties cutie:cuties veggie:veggies yuppie:yuppies
        collie:collies budgie:budgies kiddie:kiddies groupie:groupies indie:indies boogie:boogies
        hottie:hotties sweetie:sweeties bootie:booties pie:pies tie:ties lie:lies die:dies
        fez:fezzes diocese:dioceses
        """, wholeWord: true) + manCompounds

    // Plural -> singular only (the plural direction uses the regular rules).
    static let singularOnly: [InflectionRule] =
        pairs("corpora:corpus genera:genus formulae:formula antennae:antenna larvae:larva "
            + "vertebrae:vertebra nebulae:nebula alumnae:alumna schemata:schema automata:automaton",
            wholeWord: false).map { InflectionRule(suffix: $0.singular, replacement: $0.plural, wholeWord: false) }
        + [InflectionRule(suffix: "foci", replacement: "focus", wholeWord: true)]

    static let consonants: [String] = "bcdfghjklmnpqrstvwxz".map { String($0) }

    static func rules(_ text: String) -> [InflectionRule] {
        pairs(text, wholeWord: false).map {
            InflectionRule(suffix: $0.singular, replacement: $0.plural, wholeWord: false)
        }
    }

    /// Longer (more specific) suffixes first; order is otherwise preserved.
    static func bySpecificity(_ rules: [InflectionRule]) -> [InflectionRule] {
        rules.enumerated().sorted { a, b in
            if a.element.suffix.count != b.element.suffix.count {
                return a.element.suffix.count > b.element.suffix.count
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    static let singularRules: [InflectionRule] = {
        let allPairs = suffixPairs + wholeWordPairs
        var specific: [InflectionRule] = allPairs.map {
            InflectionRule(suffix: $0.plural, replacement: $0.singular, wholeWord: $0.wholeWord)
        }
        // Singular nouns ending in "s" from the pair tables stay as they are.
        specific += allPairs.filter { $0.singular.hasSuffix("s") }.map {
            InflectionRule(suffix: $0.singular, replacement: $0.singular, wholeWord: $0.wholeWord)
        }
        specific += singularOnly
        let general = rules("""
            sses:ss ss:ss eaus:eau ouses:ouse auses:ause euses:euse uses:us us:us
            yses:ysis eeses:eese eses:esis
            sis:sis xis:xis itis:itis dermis:dermis
            xes:x ches:ch shes:sh zzes:zz tzes:tz
            quies:quy
            """)
            + consonants.map { InflectionRule(suffix: $0 + "ies", replacement: $0 + "y", wholeWord: false) }
            + [InflectionRule(suffix: "s", replacement: "", wholeWord: false)]
        return bySpecificity(specific) + general
    }()

    static let pluralRules: [InflectionRule] = {
        let specific = (suffixPairs + wholeWordPairs).map {
            InflectionRule(suffix: $0.singular, replacement: $0.plural, wholeWord: $0.wholeWord)
        }
        let general = rules("sis:ses xis:xes s:ses x:xes ch:ches sh:shes zz:zzes z:zes quy:quies")
            + consonants.map { InflectionRule(suffix: $0 + "y", replacement: $0 + "ies", wholeWord: false) }
        return bySpecificity(specific) + general
    }()
}
