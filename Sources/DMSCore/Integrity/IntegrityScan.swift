import Foundation

/// One supplier's offer as the integrity scan sees it: its documents' text and properties, its
/// price lines and total.
public struct IntegrityOffer: Sendable {
    public let party: IntegrityLink.Party
    public let documents: [DocumentText]
    public let metadata: [DocumentMetadata]
    public let priceLines: [PriceLine]
    public let total: Extracted<Money>

    public init(party: IntegrityLink.Party, documents: [DocumentText], metadata: [DocumentMetadata], priceLines: [PriceLine] = [],
                total: Extracted<Money> = .missing) {
        self.party = party
        self.documents = documents
        self.metadata = metadata
        self.priceLines = priceLines
        self.total = total
    }
}

/// The links between the offers of different suppliers in one case (pure: what the files say).
/// A supplier's own files are never paired with each other, and what the DAO's own file holds —
/// its text, its contacts, its properties — is never a link: suppliers type into the buyer's forms.
/// Offers whose supplier could not be read are left out (they may be another part of a named
/// offer). Links come out by kind, then by the suppliers' names: never by anything that ranks.
public enum IntegrityScan {
    /// Creation times closer than this are reported.
    public static let createdWithin: TimeInterval = 5 * 60
    /// Totals closer than this fraction of the larger one are reported.
    public static let totalsWithin: Decimal = Decimal(string: "0.01")!
    /// Identical unit prices on at least this many lines, and on at least half the lines both
    /// offers price under the same designation.
    public static let minIdenticalPrices = 3
    /// Evidence kept per side of a link: enough to check it, not every occurrence.
    static let evidencePerSide = 3

    /// The links of an analysis: its offers (named ones only), their documents and properties.
    public static func links(result: AnalysisResult, dao: [DocumentText], offers: [DocumentText],
                             metadata: [UUID: DocumentMetadata]) -> [IntegrityLink] {
        let daoIDs = Set(result.inputs.filter { $0.kind == .dao }.map(\.documentID))
        let scanned = result.offers.compactMap { offer -> IntegrityOffer? in
            guard let name = offer.facts.supplier.value else { return nil }
            let ids = offer.facts.documentIDs
            return IntegrityOffer(party: .init(key: offer.key, name: name), documents: offers.filter { ids.contains($0.documentID) },
                                  metadata: ids.compactMap { metadata[$0] }, priceLines: result.priceLines[offer.key] ?? [],
                                  total: offer.facts.totalAmount)
        }
        var filenames: [UUID: String] = [:]
        for input in result.inputs { filenames[input.documentID] = input.filename }
        return Self.links(dao: dao, daoMetadata: daoIDs.compactMap { metadata[$0] }, offers: scanned, filenames: filenames)
    }

    public static func links(dao: [DocumentText], daoMetadata: [DocumentMetadata], offers: [IntegrityOffer],
                             filenames: [UUID: String]) -> [IntegrityLink] {
        let offers = offers.sorted { (TextFolding.fold($0.party.name), $0.party.key) < (TextFolding.fold($1.party.name), $1.party.key) }
        guard offers.count >= 2 else { return [] }
        let scan = Scan(dao: dao, daoMetadata: daoMetadata, offers: offers, filenames: filenames)
        var links: [IntegrityLink] = []
        let passages = SharedPassages.find(scan.shingled)
        for first in offers.indices {
            for second in offers.indices where second > first {
                links += scan.metadataLinks(first, second)
                links += scan.contactLinks(first, second)
                if let found = passages[SharedPassages.Pair(first, second)] { links.append(scan.textLink(first, second, found)) }
                links += scan.priceLinks(first, second)
                links += scan.nameLinks(mentioning: first, in: second) + scan.nameLinks(mentioning: second, in: first)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: IntegrityLink.Kind.allCases.enumerated().map { ($1, $0) })
        return links.enumerated().sorted { lhs, rhs in
            let (l, r) = (lhs.element, rhs.element)
            if l.kind != r.kind { return order[l.kind]! < order[r.kind]! }
            let (lNames, rNames) = (l.suppliers.map { TextFolding.fold($0.name) }, r.suppliers.map { TextFolding.fold($0.name) })
            if lNames != rNames { return lNames.lexicographicallyPrecedes(rNames) }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}

/// Everything read once per case, then compared pair by pair.
private struct Scan {
    let offers: [IntegrityOffer]
    let filenames: [UUID: String]
    let shingled: [[SharedPassages.Document]]
    let daoWords: [FoldedWords]
    /// Per offer: metadata values that tie files together, by comparison key.
    let metadata: [[String: [MetadataEntry]]]
    let created: [[CreatedEntry]]
    /// Per offer: contact values by `kind:key`, with where they were read.
    let contacts: [[String: [ContactEntry]]]

    struct MetadataEntry {
        let field: MetadataField
        let document: DocumentMetadata
        let value: String
    }

    struct CreatedEntry {
        let document: DocumentMetadata
        let at: Date
    }

    struct ContactEntry {
        let value: ContactValue
        let document: DocumentText
        let line: Int
    }

    init(dao: [DocumentText], daoMetadata: [DocumentMetadata], offers: [IntegrityOffer], filenames: [UUID: String]) {
        self.offers = offers
        self.filenames = filenames
        let daoText = SharedPassages.DAOText(dao)
        self.shingled = offers.map { $0.documents.map { SharedPassages.document($0, dao: daoText) } }
        self.daoWords = dao.map { FoldedWords($0.lines) }

        // Values the DAO's own file carries are the buyer's, inherited by whoever typed into it.
        let daoValues = Set(daoMetadata.flatMap { $0.values.values.map(MetadataValue.normalize) })
        let daoTimes = daoMetadata.compactMap(\.created)
        self.metadata = offers.map { offer in
            var values: [String: [MetadataEntry]] = [:]
            for document in offer.metadata {
                for field in MetadataField.allCases {
                    guard let value = document.values[field] else { continue }
                    let normalized = MetadataValue.normalize(value)
                    guard !MetadataValue.isGeneric(normalized, field: field), !daoValues.contains(normalized) else { continue }
                    values["\(field.isPerson ? "person" : field.rawValue)|\(normalized)", default: []].append(MetadataEntry(field: field, document: document, value: value))
                }
            }
            return values
        }
        let oldest = Date(timeIntervalSince1970: 788_918_400)  // 1995: earlier dates are a clock never set
        self.created = offers.map { offer in
            offer.metadata.compactMap { document -> CreatedEntry? in
                guard let at = document.created, at > oldest,
                      !daoTimes.contains(where: { abs($0.timeIntervalSince(at)) <= IntegrityScan.createdWithin }) else { return nil }
                return CreatedEntry(document: document, at: at)
            }
        }

        var daoContacts = Set<String>()
        for document in dao {
            for line in document.lines {
                for value in ContactExtractor.values(in: line.text) { daoContacts.insert("\(value.kind.rawValue):\(value.key)") }
            }
        }
        self.contacts = offers.map { offer in
            var found: [String: [ContactEntry]] = [:]
            for document in offer.documents {
                for (index, line) in document.lines.enumerated() {
                    for value in ContactExtractor.values(in: line.text) {
                        let key = "\(value.kind.rawValue):\(value.key)"
                        if !daoContacts.contains(key) { found[key, default: []].append(ContactEntry(value: value, document: document, line: index)) }
                    }
                }
            }
            return found
        }
    }

    func filename(_ id: UUID) -> String { self.filenames[id] ?? id.uuidString.lowercased() }

    func parties(_ first: Int, _ second: Int) -> [IntegrityLink.Party] { [self.offers[first].party, self.offers[second].party] }

    func names(_ first: Int, _ second: Int) -> String { "\(self.offers[first].party.name) et \(self.offers[second].party.name)" }

    /// Evidence from offer `offer`'s document `id`.
    func evidence(_ offer: Int, id: UUID, sha256: String, location: String, snippet: String) -> IntegrityLink.Evidence {
        IntegrityLink.Evidence(documentID: id, sha256: sha256, filename: self.filename(id), supplierKey: self.offers[offer].party.key,
                               location: location, snippet: snippet)
    }

    /// Evidence of a line of a document.
    func evidence(_ offer: Int, _ document: DocumentText, line: Int) -> IntegrityLink.Evidence {
        let text = document.lines[line]
        return self.evidence(offer, id: document.documentID, sha256: document.sha256, location: text.location.description, snippet: text.text)
    }

    /// Evidence of what a value (a total, a price line) was read from.
    func evidence(_ offer: Int, _ source: SourceRef) -> IntegrityLink.Evidence {
        self.evidence(offer, id: source.documentID, sha256: source.sha256, location: source.location.description, snippet: source.snippet)
    }

    // MARK: metadata

    func metadataLinks(_ first: Int, _ second: Int) -> [IntegrityLink] {
        var links: [IntegrityLink] = []
        for key in self.metadata[first].keys.sorted() {
            guard let mine = self.metadata[first][key], let theirs = self.metadata[second][key] else { continue }
            // Named after the field both offers have it in (the author first); a name that is one
            // offer's author and the other's last editor is « the same person ».
            let common = Set(mine.map(\.field)).intersection(theirs.map(\.field))
            let field = MetadataField.allCases.first { common.contains($0) }
            let value = (mine.first { $0.field == field } ?? mine[0]).value
            let subject = field?.rawValue ?? "person"
            let what = field?.label ?? "nom de personne dans les propriétés des fichiers (auteur chez l'un, enregistré par chez l'autre)"
            let evidence = [(first, mine), (second, theirs)].flatMap { offer, entries in
                entries.prefix(IntegrityScan.evidencePerSide).map { entry in
                    self.evidence(offer, id: entry.document.documentID, sha256: entry.document.sha256, location: entry.document.location(entry.field),
                                  snippet: entry.value)
                }
            }
            let article = what.hasPrefix("société") ? "la même" : "le même"
            links.append(IntegrityLink(kind: .sameMetadata, subject: subject, suppliers: self.parties(first, second), value: value, evidence: evidence,
                                       note: "Les offres de \(self.names(first, second)) ont \(article) \(what) : “\(value)”"))
        }
        var closest: (mine: CreatedEntry, theirs: CreatedEntry, gap: TimeInterval)?
        for mine in self.created[first] {
            for theirs in self.created[second] {
                let gap = abs(mine.at.timeIntervalSince(theirs.at))
                if gap <= IntegrityScan.createdWithin, gap < closest?.gap ?? .infinity { closest = (mine, theirs, gap) }
            }
        }
        if let closest {
            let (mine, at, theirs, other) = (closest.mine.document, closest.mine.at, closest.theirs.document, closest.theirs.at)
            let minutes = Int((abs(at.timeIntervalSince(other)) / 60).rounded(.down))
            let gap = minutes == 0 ? "moins d'une minute" : "\(minutes) minute\(minutes > 1 ? "s" : "")"
            let evidence = [(first, mine, at), (second, theirs, other)].map { offer, document, date in
                self.evidence(offer, id: document.documentID, sha256: document.sha256, location: document.createdLocation, snippet: ReportFormat.date(date))
            }
            let (mineAt, theirsAt) = (ReportFormat.date(at), ReportFormat.date(other))
            let when = mineAt == theirsAt ? "tous deux le \(mineAt)" : "\(mineAt) et \(theirsAt)"
            links.append(IntegrityLink(kind: .sameMetadata, subject: "created_at", suppliers: self.parties(first, second), value: gap, evidence: evidence,
                                       note: "Des fichiers des offres de \(self.names(first, second)) ont été créés à \(gap) d'intervalle (\(when))"))
        }
        return links
    }

    // MARK: contacts

    func contactLinks(_ first: Int, _ second: Int) -> [IntegrityLink] {
        self.contacts[first].keys.sorted().compactMap { key in
            guard let mine = self.contacts[first][key], let theirs = self.contacts[second][key] else { return nil }
            // Shown in its fullest form either offer wrote (with the country code, the whole IBAN).
            let value = (mine + theirs).map(\.value).reduce(mine[0].value) { $1.display.count > $0.display.count ? $1 : $0 }
            let evidence = [(first, mine), (second, theirs)].flatMap { offer, found in
                found.prefix(IntegrityScan.evidencePerSide).map { self.evidence(offer, $0.document, line: $0.line) }
            }
            return IntegrityLink(kind: .sharedContact, subject: value.kind.rawValue, suppliers: self.parties(first, second), value: value.display,
                                 evidence: evidence, note: "Les offres de \(self.names(first, second)) donnent \(value.kind.sameLabel) : \(value.display)")
        }
    }

    // MARK: text

    func textLink(_ first: Int, _ second: Int, _ passages: [SharedPassages.Passage]) -> IntegrityLink {
        var evidence: [IntegrityLink.Evidence] = []
        for passage in passages.prefix(IntegrityScan.evidencePerSide) {
            for (offer, side) in [(first, passage.a), (second, passage.b)] {
                let document = self.shingled[offer][side.document]
                let words = document.words
                let lines = document.text.lines
                let from = lines[words.line(of: side.words.lowerBound)].location
                let to = lines[words.line(of: side.words.upperBound - 1)].location
                evidence.append(self.evidence(offer, id: document.text.documentID, sha256: document.text.sha256,
                                              location: from == to ? from.description : "\(from) à \(to)", snippet: words.quote(side.words, in: lines)))
            }
        }
        let longest = passages[0]
        let quote = Self.clip(self.shingled[first][longest.a.document].words.quote(longest.a.words, in: self.shingled[first][longest.a.document].text.lines))
        let kind = longest.identical ? "identique" : "presque identique"
        let count = passages.count == 1
            ? "un passage \(kind) de \(longest.sharedWords) mots absent du DAO"
            : "\(passages.count) passages identiques ou presque, absents du DAO (le plus long : \(longest.sharedWords) mots)"
        return IntegrityLink(kind: .sharedText, subject: "passage", suppliers: self.parties(first, second), value: quote, evidence: evidence,
                             note: "Les offres de \(self.names(first, second)) contiennent \(count) : “\(quote)”")
    }

    static func clip(_ text: String, to length: Int = 240) -> String {
        text.count <= length ? text : String(text.prefix(length)).trimmingWhitespace() + "…"
    }

    // MARK: prices

    func priceLinks(_ first: Int, _ second: Int) -> [IntegrityLink] {
        var links: [IntegrityLink] = []
        // The first priced line of each designation (folded), with its place in the schedule.
        func byDesignation(_ lines: [PriceLine]) -> [String: (line: PriceLine, position: Int)] {
            var map: [String: (line: PriceLine, position: Int)] = [:]
            for (position, line) in lines.enumerated() where line.unitPrice != nil {
                let key = FoldedWords.strings(line.designation).joined(separator: " ")
                if map[key] == nil { map[key] = (line, position) }
            }
            return map
        }
        let mine = byDesignation(self.offers[first].priceLines)
        let theirs = byDesignation(self.offers[second].priceLines)
        let common = mine.keys.filter { theirs[$0] != nil }.sorted()
        let identical = common.filter {
            mine[$0]!.line.unitPrice == theirs[$0]!.line.unitPrice && (mine[$0]!.line.currency ?? "XOF") == (theirs[$0]!.line.currency ?? "XOF")
        }
        if identical.count >= IntegrityScan.minIdenticalPrices, identical.count * 2 >= common.count {
            // In the order of the first offer's schedule.
            let shown = identical.sorted { mine[$0]!.position < mine[$1]!.position }
            var evidence: [IntegrityLink.Evidence] = []
            for key in shown.prefix(IntegrityScan.evidencePerSide) {
                for (offer, line) in [(first, mine[key]!.line), (second, theirs[key]!.line)] {
                    evidence.append(self.evidence(offer, line.source))
                }
            }
            let example = mine[shown[0]]!.line
            let price = ReportFormat.amount(NSDecimalNumber(decimal: example.unitPrice!).doubleValue, currency: example.currency ?? "XOF")
            links.append(IntegrityLink(kind: .similarPrices, subject: "unit_prices", suppliers: self.parties(first, second),
                                       value: "\(identical.count)/\(common.count)", evidence: evidence,
                                       note: "Les offres de \(self.names(first, second)) ont le même prix unitaire sur \(identical.count) des \(common.count) "
                                           + "lignes de même désignation (par exemple « \(example.designation) » : \(price))"))
        }
        let (a, b) = (self.offers[first].total, self.offers[second].total)
        if let x = a.value, let y = b.value, let xSource = a.source, let ySource = b.source, x.currency == y.currency,
           x.tax == nil || y.tax == nil || x.tax == y.tax, x.amount > 0, y.amount > 0 {
            let larger = max(x.amount, y.amount)
            let difference = abs(x.amount - y.amount)
            if difference <= larger * IntegrityScan.totalsWithin {
                let show = { (money: Money) in ReportFormat.amount(NSDecimalNumber(decimal: money.amount).doubleValue, currency: money.currency) }
                let percent = NSDecimalNumber(decimal: difference / larger * 100).doubleValue
                let value = difference == 0 ? "0 %" : String(format: "%.2f %%", percent).replacingOccurrences(of: ".", with: ",")
                let note = difference == 0
                    ? "Les offres de \(self.names(first, second)) ont le même montant total : \(show(x))"
                    : "Les montants totaux des offres de \(self.names(first, second)) sont à moins de 1 % l'un de l'autre (écart de \(value)) : "
                        + "\(show(x)) et \(show(y))"
                let evidence = [self.evidence(first, xSource), self.evidence(second, ySource)]
                links.append(IntegrityLink(kind: .similarPrices, subject: "total_amount", suppliers: self.parties(first, second), value: value,
                                           evidence: evidence, note: note))
            }
        }
        return links
    }

    // MARK: names

    /// Names too common to tell one company from another when they are the whole name.
    static let commonNames: Set<String> = [
        "mali", "sahel", "bamako", "afrique", "africa", "commerce", "services", "service", "general", "generale", "distribution", "fournitures",
        "fourniture", "construction", "constructions", "transport", "transports", "import", "export", "international", "negoce", "travaux",
        "batiment", "equipement", "equipements", "informatique", "consulting", "conseil", "prestations", "entreprise", "societe", "groupe",
        "traore", "diallo", "kone", "coulibaly", "keita", "toure", "diarra", "cisse", "sidibe", "sangare", "dembele", "konate", "camara",
        "sylla", "maiga", "doumbia", "sacko", "kante", "fofana", "diakite", "kouyate", "sow", "barry", "bagayoko", "samake", "ouattara",
        "ouedraogo", "sawadogo", "ndiaye", "diop", "fall", "sarr", "faye", "gueye", "mbaye", "niang", "ba", "bah", "sy", "tall", "dia",
        "kaba", "bamba", "yattara", "tounkara", "guindo", "dolo", "togo", "kassogue", "berthe", "dicko", "haidara",
    ]

    /// Occurrences of `named`'s name in the files of offer `offer`.
    func nameLinks(mentioning named: Int, in offer: Int) -> [IntegrityLink] {
        let name = self.offers[named].party.name
        let words = FoldedWords.strings(name).filter { !SupplierName.legalForms.contains($0) }
        guard !words.isEmpty else { return [] }
        if words.count == 1 && (words[0].count < 5 || Self.commonNames.contains(words[0]) || words[0].allSatisfy(\.isNumber)) { return [] }
        // Part of the writer's own name (`Koné` inside `Koné et Frères`): no telling them apart.
        let own = FoldedWords.strings(self.offers[offer].party.name)
        if Self.find(words.map(FoldedWords.hash), in: own.map(FoldedWords.hash)) != nil { return [] }
        let hashes = words.map(FoldedWords.hash)
        if self.daoWords.contains(where: { Self.find(hashes, in: $0.hashes) != nil }) { return [] }
        var evidence: [IntegrityLink.Evidence] = []
        var files: [String] = []
        for document in self.shingled[offer] {
            var from = 0
            while let position = Self.find(hashes, in: document.words.hashes, from: from) {
                let line = document.words.line(of: position)
                if evidence.count < IntegrityScan.evidencePerSide { evidence.append(self.evidence(offer, document.text, line: line)) }
                let file = self.filename(document.text.documentID)
                if !files.contains(file) { files.append(file) }
                from = position + hashes.count
            }
        }
        guard !evidence.isEmpty else { return [] }
        let writer = self.offers[offer].party.name
        let note = files.count == 1
            ? "Le fichier « \(files[0]) » de l'offre de \(writer) contient le nom de \(name)"
            : "Des fichiers de l'offre de \(writer) (« \(files.joined(separator: " », « ")) ») contiennent le nom de \(name)"
        let parties = [offer, named].sorted().map { self.offers[$0].party }
        return [IntegrityLink(kind: .namesOtherSupplier, subject: "name", suppliers: parties, value: name, evidence: evidence, note: note)]
    }

    /// The first position of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt64], in haystack: [UInt64], from: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var position = from
        while position <= haystack.count - needle.count {
            if haystack[position] == needle[0] {
                var index = 1
                while index < needle.count, haystack[position + index] == needle[index] { index += 1 }
                if index == needle.count { return position }
            }
            position += 1
        }
        return nil
    }
}
