@testable import DMSCore
import Foundation
import Testing

@Suite("Integrity: what links offers of different suppliers")
struct IntegrityTests {
    static func text(_ lines: [String], id: UUID = UUID()) -> DocumentText {
        DocumentText(documentID: id, sha256: String(repeating: "a", count: 64),
                     lines: lines.enumerated().map { TextLine($0.element, at: .paragraph($0.offset + 1)) })
    }

    static func metadata(_ document: DocumentText, author: String? = nil, editor: String? = nil, company: String? = nil,
                         created: String? = nil, format: DocumentMetadata.Format = .office) -> DocumentMetadata {
        var values: [MetadataField: String] = [:]
        values[.author] = author
        values[.lastModifiedBy] = editor
        values[.company] = company
        return DocumentMetadata(documentID: document.documentID, sha256: document.sha256, format: format, values: values,
                                created: created.flatMap { ISO8601DateFormatter().date(from: $0) })
    }

    static func offer(_ name: String, _ documents: [DocumentText], metadata: [DocumentMetadata] = [], total: Decimal? = nil,
                      prices: [(String, Decimal)] = []) -> IntegrityOffer {
        let document = documents[0]
        let source = SourceRef(documentID: document.documentID, sha256: document.sha256, location: .paragraph(1), snippet: "Montant total")
        let lines = prices.enumerated().map { index, price in
            PriceLine(designation: price.0, unit: "u", quantity: 1, unitPrice: price.1, lineTotal: price.1, currency: "XOF", confidence: .high,
                      arithmetic: .ok, source: SourceRef(documentID: document.documentID, sha256: document.sha256, location: .paragraph(index + 10),
                                                         snippet: "\(price.0) | \(price.1)"))
        }
        return IntegrityOffer(party: .init(key: SupplierName.key(name), name: name), documents: documents, metadata: metadata, priceLines: lines,
                              total: total.map { Extracted(Money(amount: $0, tax: .ttc), .high, source) } ?? .missing)
    }

    // MARK: metadata values

    @Test("generic metadata values tie nobody to anybody; a person's name does")
    func genericValues() {
        for value in ["Utilisateur", "Admin", "Microsoft Office User", "anonymous", "", "User", "Windows User", "PC", "user1", "Utilisateur 2",
                      "Administrateur", "Propriétaire", "Normal.dotm", "HP Inc."] {
            #expect(MetadataValue.isGeneric(MetadataValue.normalize(value), field: .author), "\(value)")
        }
        for value in ["K. Traoré", "Moussa Diarra", "Ets Sanogo & Frères"] {
            #expect(!MetadataValue.isGeneric(MetadataValue.normalize(value), field: .author), "\(value)")
        }
        #expect(MetadataValue.normalize("K. TRAORÉ") == MetadataValue.normalize("k traore"))
        // Office programs and PDF libraries name millions of files; a copier's model is a fact.
        for tool in ["Microsoft® Word pour Microsoft 365", "LibreOffice 7.5", "ReportLab PDF Library - (opensource)", "PScript5.dll Version 5.2.2",
                     "Acrobat PDFMaker 17 pour Word", "GPL Ghostscript 9.55"] {
            #expect(MetadataValue.isGeneric(MetadataValue.normalize(tool), field: .producer), "\(tool)")
        }
        #expect(!MetadataValue.isGeneric(MetadataValue.normalize("Canon iR-ADV C5535 PDF"), field: .creatorTool))
    }

    // MARK: contacts

    static func keys(_ line: String, _ kind: ContactValue.Kind) -> [String] {
        ContactExtractor.values(in: line).filter { $0.kind == kind }.map(\.key)
    }

    @Test("phone numbers: one value however written, with or without +223; amounts and dates are not phones")
    func phones() {
        for line in ["Tél : +223 76 12 34 56", "Tel. 76.12.34.56", "Contact : 00223 76-12-34-56", "Cel: 76123456", "BP 1234 Bamako – 76 12 34 56",
                     "Téléphone (+223) 76 12 34 56"] {
            #expect(Self.keys(line, .phone) == ["76123456"], "\(line)")
        }
        #expect(ContactExtractor.values(in: "Tél : +223 76 12 34 56").first?.display == "+223 76 12 34 56")
        #expect(Self.keys("Tél. +221 77 123 45 67 / 33 821 00 00", .phone) == ["771234567", "338210000"])
        for line in ["Montant total : 12 500 000 FCFA", "Total général | 45 600 000", "Date : 12/03/2026", "Quantité 12500000",
                     "Ciment CPA 42.5 | 200 | 4 500 | 900 000", "Référence AO-2026-017-12345678"] {
            #expect(Self.keys(line, .phone).isEmpty, "\(line)")
        }
    }

    @Test("e-mail addresses, IBAN and RIB (the same account either way), NIF and RCCM, normalised")
    func identifiers() {
        #expect(Self.keys("Email : K.Traore@Gmail.com.", .email) == ["k.traore@gmail.com"])
        let iban = "IBAN : ML18 ML01 6012 0102 0401 0000 4567"
        let rib = "RIB : ML016 01201 020401000045 67"
        #expect(Self.keys(iban, .bankAccount) == ["ML0160120102040100004567"])
        #expect(Self.keys(rib, .bankAccount) == ["ML0160120102040100004567"])
        #expect(Self.keys("Compte bancaire n° ML016-01201-020401000045-67 (BDM-SA)", .bankAccount) == ["ML0160120102040100004567"])
        // A wrong check digit is no IBAN.
        #expect(Self.keys("ML19 ML01 6012 0102 0401 0000 4567", .bankAccount).isEmpty)
        #expect(ContactExtractor.ibanValid("SN42SN0120100152000123456789"))
        for line in ["NIF : 084123456M", "N° NIF 084 123 456 M", "NIF: 084123456M RCCM: MA.BKO.2015.B.1234"] {
            #expect(Self.keys(line, .taxNumber) == ["084123456M"], "\(line)")
        }
        for line in ["RCCM : MA.BKO.2015.B.1234", "R.C.C.M N° MA-BKO-2015-B-1234", "NIF: 084123456M RCCM: MA.BKO.2015.B.1234 Tél 76 12 34 56",
                     "Registre du Commerce et du Crédit Mobilier : MA BKO 2015 B 1234"] {
            #expect(Self.keys(line, .registryNumber) == ["MABKO2015B1234"], "\(line)")
        }
        #expect(Self.keys("IFU : 00012345A", .taxNumber) == ["00012345A"])
        #expect(Self.keys("NINEA 004512345 2G3", .taxNumber) == ["0045123452G3"])
    }

    // MARK: words and shingles

    @Test("folded words: accents, case, `&` and dotted abbreviations do not change a word's hash")
    func foldedWords() {
        #expect(FoldedWords("Électricité Générale").hashes == FoldedWords("ELECTRICITE generale").hashes)
        #expect(FoldedWords("Koné & Fils S.A.R.L.").hashes == FoldedWords("kone et fils sarl").hashes)
        #expect(FoldedWords.strings("Œuvre S.A.R.L. & Cie") == ["oeuvre", "sarl", "et", "cie"])
        let lines = [TextLine("Nous livrerons le ciment", at: .paragraph(1)), TextLine("dans quinze jours.", at: .paragraph(2))]
        let words = FoldedWords(lines)
        #expect(words.quote(2..<6, in: lines) == "le ciment dans quinze")
    }

    static let copied = "Notre entreprise dispose d'un parc de six camions bennes et d'un magasin couvert de quatre cents mètres carrés situé "
        + "à Sébénikoro, ce qui nous permet de livrer les fournitures sur tous les chantiers du district dans les délais convenus."

    @Test("a paragraph copied between two offers is found and quoted; the DAO's text copied into both is not")
    func sharedText() {
        let dao = Self.text(["Les soumissionnaires décrivent leurs moyens logistiques, leurs magasins et leurs délais de livraison sur les chantiers du district en précisant les véhicules disponibles."])
        let a = Self.text(["Offre de Ets Sanogo", Self.copied, dao.lines[0].text])
        let b = Self.text(["Offre de Bâti-Sahel", "Présentation.", Self.copied.replacingOccurrences(of: "quatre cents", with: "cinq cents"), dao.lines[0].text])
        let c = Self.text(["Offre de Kalanso", "Nous disposons de deux camions et livrons sous dix jours.", dao.lines[0].text])
        let daoText = SharedPassages.DAOText([dao])
        let found = SharedPassages.find([[a], [b], [c]].map { $0.map { SharedPassages.document($0, dao: daoText) } })
        #expect(Set(found.keys) == [SharedPassages.Pair(0, 1)])
        let passage = try! #require(found[SharedPassages.Pair(0, 1)]?.first)
        #expect(!passage.identical && passage.sharedWords >= 30)
        #expect(SharedPassages.document(a, dao: daoText).words.quote(passage.a.words, in: a.lines).contains("parc de six camions"))
        // With the paragraph in the DAO, nothing is shared outside it.
        let both = SharedPassages.DAOText([dao, Self.text([Self.copied])])
        #expect(SharedPassages.find([[a], [b]].map { $0.map { SharedPassages.document($0, dao: both) } }).isEmpty)
    }

    // MARK: the scan

    @Test("two offers typed by one author with one phone: three links with evidence; a third, independent offer has none")
    func scan() throws {
        let dao = Self.text(["Dossier d'appel d'offres n° 2026-017", "Contact de l'acheteur : Tél. +223 20 22 33 44, achats@ong-sahel.org",
                             "Les soumissionnaires décrivent leurs moyens logistiques, leurs magasins et leurs délais de livraison sur les chantiers du district en précisant les véhicules disponibles."])
        let daoMeta = Self.metadata(dao, author: "Service des achats", created: "2013-12-23T23:15:00Z")
        let a = Self.text(["Soumissionnaire : Ets Sanogo", "Tél : 76 12 34 56", Self.copied, "Écrire à achats@ong-sahel.org ou au +223 20 22 33 44"])
        let b = Self.text(["Soumissionnaire : Bâti-Sahel SARL", "Tel. +223 76.12.34.56", Self.copied])
        let b2 = Self.text(["Offre financière de Bâti-Sahel", "Montant total : 12 450 000 FCFA TTC"])
        let c = Self.text(["Soumissionnaire : Kalanso Distribution", "Tél : 66 98 76 54", "Nous livrons sous dix jours avec nos propres camions."])
        let offers = [
            Self.offer("Ets Sanogo", [a], metadata: [Self.metadata(a, author: "K. Traoré", editor: "Utilisateur", company: "Service des achats",
                                                                   created: "2013-12-23T23:15:00Z")]),
            Self.offer("Bâti-Sahel SARL", [b, b2], metadata: [Self.metadata(b, author: "k. traore", editor: "Admin"),
                                                              Self.metadata(b2, author: "Service des achats")]),
            Self.offer("Kalanso Distribution", [c], metadata: [Self.metadata(c, author: "Awa Diallo", created: "2026-03-01T10:00:00Z")]),
        ]
        let links = IntegrityScan.links(dao: [dao], daoMetadata: [daoMeta], offers: offers, filenames: [a.documentID: "offre_sanogo.docx"])
        #expect(links.map(\.kind) == [.sameMetadata, .sharedContact, .sharedText], "\(links.map(\.note))")
        for link in links {
            // Alphabetical pair; the independent offer appears in none.
            #expect(link.suppliers.map(\.name) == ["Bâti-Sahel SARL", "Ets Sanogo"])
            #expect(Set(link.evidence.map(\.supplierKey)) == ["bati sahel", "sanogo"])
            #expect(link.evidence.allSatisfy { !$0.location.isEmpty && !$0.snippet.isEmpty })
        }
        #expect(links[0].note == "Les offres de Bâti-Sahel SARL et Ets Sanogo ont le même auteur de document : “k. traore”")
        #expect(links[0].evidence.map(\.location) == Array(repeating: "propriétés du fichier : auteur (docProps/core.xml, dc:creator)", count: 2))
        #expect(links[1].subject == "phone" && links[1].value == "+223 76 12 34 56")
        #expect(links[1].evidence.map(\.location) == ["§2", "§2"])
        #expect(links[2].note.contains("parc de six camions bennes"))
        #expect(links[0].evidence.first { $0.supplierKey == "sanogo" }?.filename == "offre_sanogo.docx")
    }

    @Test("a supplier's own files are never linked together, whatever they share")
    func ownFiles() {
        let first = Self.text(["Soumissionnaire : Ets Sanogo", "Tél : 76 12 34 56", Self.copied])
        let second = Self.text(["Offre financière Ets Sanogo", "Tél : 76 12 34 56", Self.copied])
        let offers = [Self.offer("Ets Sanogo", [first, second], metadata: [Self.metadata(first, author: "K. Traoré"), Self.metadata(second, author: "K. Traoré")]),
                      Self.offer("Kalanso", [Self.text(["Soumissionnaire : Kalanso"])])]
        #expect(IntegrityScan.links(dao: [], daoMetadata: [], offers: offers, filenames: [:]).isEmpty)
    }

    @Test("prices: the same unit price on most lines, and totals within 1 %; farther totals say nothing")
    func prices() {
        let lines: [(String, Decimal)] = [("Ciment CPA 42.5", 4500), ("Fer à béton HA 10", 6200), ("Sable de rivière", 15000), ("Gravier concassé", 18000)]
        var other = lines
        other[3].1 = 17500
        let offers = [Self.offer("Ets Sanogo", [Self.text(["a"])], total: 12_500_000, prices: lines),
                      Self.offer("Bâti-Sahel", [Self.text(["b"])], total: 12_450_000, prices: other),
                      Self.offer("Kalanso", [Self.text(["c"])], total: 11_000_000, prices: [("Ciment CPA 42.5", 4700), ("Sable de rivière", 16000)])]
        let links = IntegrityScan.links(dao: [], daoMetadata: [], offers: offers, filenames: [:])
        #expect(links.map(\.subject) == ["unit_prices", "total_amount"])
        #expect(links[0].note.hasPrefix("Les offres de Bâti-Sahel et Ets Sanogo ont le même prix unitaire sur 3 des 4 lignes"))
        #expect(links[0].evidence.count == 6)
        #expect(links[1].value == "0,40 %" && links[1].note.contains("12\u{00A0}500\u{00A0}000\u{00A0}FCFA"))
    }

    @Test("another supplier's name inside an offer's file; common words and the writer's own name are not names")
    func names() {
        let a = Self.text(["Soumissionnaire : Ets Sanogo", "Copie : Bâti-Sahel SARL, service commercial"])
        let b = Self.text(["Soumissionnaire : Bâti-Sahel"])
        let c = Self.text(["Soumissionnaire : Mali", "Livraison partout au Mali"])
        let links = IntegrityScan.links(dao: [], daoMetadata: [], offers: [Self.offer("Ets Sanogo", [a]), Self.offer("Bâti-Sahel", [b]), Self.offer("Mali", [c])],
                                        filenames: [a.documentID: "offre.docx"])
        #expect(links.count == 1)
        #expect(links.first?.kind == .namesOtherSupplier)
        #expect(links.first?.note == "Le fichier « offre.docx » de l'offre de Ets Sanogo contient le nom de Bâti-Sahel")
        #expect(links.first?.evidence.first?.location == "§2")
    }

    @Test("creation times minutes apart are a link, unless the DAO's file has the same time (its form, filled in)")
    func creationTimes() {
        let (a, b) = (Self.text(["a"]), Self.text(["b"]))
        func scan(dao: String?) -> [IntegrityLink] {
            let daoDocument = Self.text(["DAO"])
            return IntegrityScan.links(dao: [daoDocument], daoMetadata: dao.map { [Self.metadata(daoDocument, created: $0)] } ?? [],
                                       offers: [Self.offer("Ets Sanogo", [a], metadata: [Self.metadata(a, created: "2026-03-01T10:22:00Z", format: .pdf)]),
                                                Self.offer("Kalanso", [b], metadata: [Self.metadata(b, created: "2026-03-01T10:25:30Z", format: .pdf)])],
                                       filenames: [:])
        }
        #expect(scan(dao: nil).map(\.note) == ["Des fichiers des offres de Ets Sanogo et Kalanso ont été créés à 3 minutes d'intervalle "
                                               + "(01/03/2026 à 10:22 UTC et 01/03/2026 à 10:25 UTC)"])
        #expect(scan(dao: "2026-03-01T10:20:00Z").isEmpty)
    }

    /// 20 offers of 10 pages by default, so that the suite's timing tests keep their cores;
    /// `DMS_INTEGRITY_PAGES=50` for the full size (an optimised build does 20 × 50 pages in about half a second).
    @Test("20 offers are compared by shingle hashes, not text against text")
    func performance() {
        let pages = Int(ProcessInfo.processInfo.environment["DMS_INTEGRITY_PAGES"] ?? "") ?? 10
        let vocabulary = (0..<3000).map { "mot\($0)" }
        var generator = SystemRandomNumberGenerator()
        func page() -> [String] {
            (0..<40).map { _ in (0..<12).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ") }
        }
        let offers = (0..<20).map { index in
            Self.offer("Fournisseur numéro \(index)", [Self.text((0..<pages).flatMap { _ in page() } + (index < 2 ? [Self.copied] : []))])
        }
        let dao = Self.text((0..<20).flatMap { _ in page() })
        let start = ContinuousClock.now
        let links = IntegrityScan.links(dao: [dao], daoMetadata: [], offers: offers, filenames: [:])
        let elapsed = ContinuousClock.now - start
        print("integrity scan: 20 offers × \(pages) pages (\(20 * pages * 40 * 12) words) in \(elapsed)")
        #expect(links.map(\.kind) == [.sharedText])
        #if DEBUG
        // Unoptimised code on shared cores: a bound that still catches a quadratic comparison.
        #expect(elapsed < .seconds(Double(pages) * 0.8 + 5))
        #else
        #expect(elapsed < .seconds(2))
        #endif
    }
}
