import Foundation

/// A way to reach or identify a company, read in an offer: normalised so that two spellings of
/// one number are one value (`+223 76 12 34 56` = `76.12.34.56`; an IBAN and the RIB inside it).
public struct ContactValue: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case phone
        case email
        /// IBAN or RIB: compared on the national account (the IBAN without its country and check digits).
        case bankAccount = "bank_account"
        /// NIF, NINEA, IFU, numéro de compte contribuable.
        case taxNumber = "tax_number"
        /// RCCM (registre du commerce et du crédit mobilier).
        case registryNumber = "registry_number"

        /// « le même numéro de téléphone », « la même adresse e-mail »…
        var sameLabel: String {
            switch self {
            case .phone: "le même numéro de téléphone"
            case .email: "la même adresse e-mail"
            case .bankAccount: "le même compte bancaire (IBAN/RIB)"
            case .taxNumber: "le même numéro d'identification fiscale (NIF)"
            case .registryNumber: "le même numéro RCCM (registre du commerce)"
            }
        }
    }

    public let kind: Kind
    /// What two values must share to be the same: `76123456`, `ml0160120102040100004567`.
    public let key: String
    /// As shown: `+223 76 12 34 56`, `ML13 ML01 6012 0102 0401 0000 4567`.
    public let display: String

    public init(kind: Kind, key: String, display: String) {
        self.kind = kind
        self.key = key
        self.display = display
    }
}

/// Reads phone numbers (West African formats: `+223 76 12 34 56`, `00221 77 123 45 67`,
/// `Tél. : 76-12-34-56`), e-mail addresses, IBAN/RIB, tax numbers (NIF, NINEA, IFU) and RCCM
/// numbers from a line of text. Conservative: a number is a phone only with a country code, a
/// phone label just before it, or the 2-by-2 grouping phones are written in — never an amount.
public enum ContactExtractor {
    public static func values(in line: String) -> [ContactValue] {
        var found: [ContactValue] = []
        let scalars = Array(line.unicodeScalars)
        var digits = 0
        var at = false
        for scalar in scalars {
            if (0x30...0x39).contains(scalar.value) { digits += 1 } else if scalar == "@" { at = true }
        }
        if at { found += Self.emails(line) }
        guard digits >= 5 else { return found }
        if digits >= 8 { found += Self.phones(scalars) }
        // Splitting a line into tokens costs: only lines with a label or an IBAN's first letters.
        if Self.mayHoldLabel(scalars) { found += Self.labelled(line) }
        var seen = Set<String>()
        return found.filter { seen.insert("\($0.kind.rawValue):\($0.key)").inserted }
    }

    /// FNV-1a hashes of the label words, as `mayHoldLabel` reads them (ASCII letters, lower case).
    static let labelHashes: Set<UInt64> = Set(["nif", "ninea", "ifu", "ncc", "rccm", "rc", "registre", "rib", "iban", "compte"].map(FoldedWords.hash))

    /// Whether the line has a label word (`NIF`, `R.C.C.M`, `RIB`, `compte`…) or something that
    /// starts like an IBAN (`ML13`), read without allocating: most lines of an offer have neither.
    static func mayHoldLabel(_ scalars: [Unicode.Scalar]) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var length = 0
        for (index, scalar) in scalars.enumerated() {
            var value = scalar.value
            if (0x41...0x5A).contains(value) {
                // Two capitals and two digits at a word's start: maybe an IBAN.
                if index + 3 < scalars.count, index == 0 || !scalars[index - 1].properties.isAlphabetic,
                   (0x41...0x5A).contains(scalars[index + 1].value), Self.isDigit(scalars[index + 2]), Self.isDigit(scalars[index + 3]) {
                    return true
                }
                value += 0x20
            }
            if (0x61...0x7A).contains(value) {
                hash = (hash ^ UInt64(value)) &* 0x0000_0100_0000_01b3
                length += 1
            } else if value == 0x2E, length > 0 {
                continue  // `R.C.C.M`, `N.I.F`: the dots between letters do not end the word
            } else {
                if length > 0, Self.labelHashes.contains(hash) { return true }
                hash = 0xcbf2_9ce4_8422_2325
                length = 0
            }
        }
        return length > 0 && Self.labelHashes.contains(hash)
    }

    // MARK: e-mail

    static let emailPattern = try! NSRegularExpression(pattern: #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#)

    static func emails(_ line: String) -> [ContactValue] {
        Self.emailPattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap { match in
            guard let range = Range(match.range, in: line) else { return nil }
            let address = line[range].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
            return ContactValue(kind: .email, key: address, display: address)
        }
    }

    // MARK: phones

    /// ECOWAS and neighbours' country codes, whose national numbers are compared without them.
    static let westAfricanCodes: Set<String> = ["220", "221", "222", "223", "224", "225", "226", "227", "228", "229", "231", "232", "233", "234",
                                                "235", "236", "237", "238", "241", "242", "245"]
    static let phoneLabels: Set<String> = ["tel", "tels", "telephone", "telephones", "cel", "cell", "cellulaire", "mobile", "mob", "portable",
                                           "gsm", "fax", "telfax", "whatsapp", "contact", "contacts", "phone"]
    static let currencyWords: Set<String> = ["f", "fcfa", "cfa", "xof", "eur", "euro", "euros", "francs", "franc", "frs", "fr", "usd", "gnf", "ht", "ttc"]

    static func phones(_ scalars: [Unicode.Scalar]) -> [ContactValue] {
        var values: [ContactValue] = []
        var index = 0
        var previousEnd = 0
        while index < scalars.count {
            guard Self.isDigit(scalars[index]) || scalars[index] == "+" || scalars[index] == "(" else { index += 1; continue }
            // A run of digits and the characters phone numbers are written with.
            var end = index
            while end < scalars.count, Self.isPhoneCharacter(scalars[end]) { end += 1 }
            // Inside a word (`CPA42`, a reference `ML016`): not a phone.
            let glued = index > 0 && (scalars[index - 1].properties.isAlphabetic || Self.isDigit(scalars[index - 1]))
            if !glued {
                for piece in Self.pieces(scalars, index..<end) {
                    let before = String(String.UnicodeScalarView(scalars[max(previousEnd, piece.lowerBound - 32)..<piece.lowerBound]))
                    let after = String(String.UnicodeScalarView(scalars[piece.upperBound..<min(scalars.count, piece.upperBound + 8)]))
                    if let phone = Self.phone(String(String.UnicodeScalarView(scalars[piece])), before: before, after: after) { values.append(phone) }
                    previousEnd = piece.upperBound
                }
            }
            index = max(end, index + 1)
        }
        return values
    }

    /// A run split where one number ends and another starts: `/`, ` - `, two spaces or more.
    static func pieces(_ scalars: [Unicode.Scalar], _ run: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = run.lowerBound
        var index = run.lowerBound
        func close(_ end: Int) {
            var from = start
            var to = end
            while from < to, !Self.isDigit(scalars[from]), scalars[from] != "+" { from += 1 }
            while to > from, !Self.isDigit(scalars[to - 1]) { to -= 1 }
            if from < to { pieces.append(from..<to) }
        }
        while index < run.upperBound {
            let scalar = scalars[index]
            let spaceBefore = index > run.lowerBound && scalars[index - 1] == " "
            let spaceAfter = index + 1 < run.upperBound && scalars[index + 1] == " "
            if scalar == "/" || (scalar == "-" && spaceBefore && spaceAfter) || (scalar == " " && spaceAfter) {
                close(index)
                start = index + 1
            }
            index += 1
        }
        close(run.upperBound)
        return pieces
    }

    static func phone(_ text: String, before: String, after: String) -> ContactValue? {
        let international = text.hasPrefix("+") || text.hasPrefix("00")
        var digits = String(text.unicodeScalars.filter(Self.isDigit).map(Character.init))
        if text.hasPrefix("00") { digits.removeFirst(2) }
        let groups = text.split(whereSeparator: { !$0.isNumber }).map(\.count)
        // An amount (`12 500 000 FCFA`) is never a phone.
        if let next = FoldedWords.strings(after).first, Self.currencyWords.contains(next) { return nil }
        var code: String?
        if international {
            guard (10...15).contains(digits.count) else { return nil }
            if let prefix = Self.westAfricanCodes.first(where: { digits.hasPrefix($0) }) {
                code = prefix
                digits.removeFirst(3)
            }
        } else {
            let labelled = FoldedWords.strings(before).contains { Self.phoneLabels.contains($0) }
            let phoneShaped = [[2, 2, 2, 2], [2, 2, 2, 2, 2], [2, 3, 2, 2], [3, 2, 2, 2, 2], [3, 2, 2, 2]].contains(groups)
            guard labelled || phoneShaped else { return nil }
            if digits.count >= 11, let prefix = Self.westAfricanCodes.first(where: { digits.hasPrefix($0) }), (8...10).contains(digits.count - 3) {
                code = prefix
                digits.removeFirst(3)
            }
            guard (8...10).contains(digits.count) else { return nil }
        }
        guard (8...12).contains(digits.count) || code == nil else { return nil }
        let national = Self.pairs(digits)
        return ContactValue(kind: .phone, key: (code == nil && international ? "+" : "") + digits,
                            display: code.map { "+\($0) \(national)" } ?? (international ? "+\(digits)" : national))
    }

    /// `76123456` → `76 12 34 56`.
    static func pairs(_ digits: String) -> String {
        var groups: [String] = []
        var rest = Substring(digits)
        if rest.count % 2 == 1 {
            groups.append(String(rest.prefix(3)))
            rest = rest.dropFirst(3)
        }
        while !rest.isEmpty {
            groups.append(String(rest.prefix(2)))
            rest = rest.dropFirst(2)
        }
        return groups.joined(separator: " ")
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }

    /// Digits and what phone numbers are written with: spaces, `.`, `-`, `(`, `)`, `+`, `/`.
    static func isPhoneCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x20, 0x2E, 0x2D, 0x28, 0x29, 0x2B, 0x2F, 0xA0, 0x202F: true
        default: false
        }
    }

    // MARK: labelled numbers: IBAN/RIB, NIF, RCCM

    /// A token of the line: as written (punctuation around it removed) and folded.
    struct Token {
        let text: String
        let folded: String
        var hasDigit: Bool { self.text.unicodeScalars.contains(where: ContactExtractor.isDigit) }
        var isLetters: Bool { !self.text.isEmpty && self.text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic } }
        var alphanumerics: String { String(self.text.unicodeScalars.filter { $0.properties.isAlphabetic || ContactExtractor.isDigit($0) }.map(Character.init)).uppercased() }
    }

    static func tokens(_ line: String) -> [Token] {
        line.split(whereSeparator: { $0.isWhitespace || ":;,()[]«»\"|".contains($0) }).compactMap { raw in
            let text = String(raw).trimmingCharacters(in: CharacterSet(charactersIn: "-–—'’"))
            guard !text.isEmpty else { return nil }
            return Token(text: text, folded: FoldedWords.strings(text).joined())
        }
    }

    /// Words between a label and its value: `N°`, `de`, `du`, `et du crédit mobilier`…
    static let fillers: Set<String> = ["n", "no", "n0", "numero", "num", "de", "du", "des", "d", "et", "credit", "mobilier", "l", "le", "la", "a",
                                       "bancaire", "fiscal", "fiscale", "identifiant", "identification", "immatriculation", "nationale", "national"]

    enum Label { case tax, registry, bank, iban }

    /// Words that start another field: a value never runs into them.
    static let stops: Set<String> = ["nif", "ninea", "ifu", "ncc", "rccm", "rc", "rib", "iban", "tel", "telephone", "bp", "fax", "email", "mail",
                                     "cel", "compte", "registre", "capital", "adresse", "sis", "site", "bic", "swift", "banque", "agence"]

    /// Whether a value may go on with this token.
    static func continues(_ token: Token) -> Bool { !Self.stops.contains(token.folded) }

    /// The label a token starts, and how many tokens it takes.
    static func label(_ tokens: [Token], at index: Int) -> (Label, Int)? {
        let word = tokens[index].folded
        let next = index + 1 < tokens.count ? tokens[index + 1].folded : ""
        let following = index + 2 < tokens.count ? tokens[index + 2].folded : ""
        switch word {
        case "nif", "ninea", "ifu", "ncc": return (.tax, 1)
        case "identification" where next == "fiscale": return (.tax, 2)
        case "compte" where next == "contribuable": return (.tax, 2)
        case "rccm", "rc": return (.registry, 1)
        case "registre" where [next, following].contains("commerce") || next == "commerce": return (.registry, next == "commerce" ? 2 : 3)
        case "rib": return (.bank, 1)
        case "iban": return (.iban, 1)
        case "compte" where next == "bancaire" || ["n", "no", "numero"].contains(next): return (.bank, 2)
        case "n", "no", "numero":
            // One `where` would guard only the last pattern of the list: checked here for all three.
            if next == "compte" { return (.bank, 2) }
            if next == "de" && following == "compte" { return (.bank, 3) }
            return nil
        default: return nil
        }
    }

    static func labelled(_ line: String) -> [ContactValue] {
        let tokens = Self.tokens(line)
        var values: [ContactValue] = []
        var index = 0
        while index < tokens.count {
            // An IBAN anywhere: two letters, two check digits, then the account, checked by its own key.
            if let iban = Self.iban(tokens, from: index, labelled: index > 0 && tokens[index - 1].folded == "iban") {
                values.append(iban.value)
                index = iban.next
                continue
            }
            guard let (label, width) = Self.label(tokens, at: index) else { index += 1; continue }
            var start = index + width
            while start < tokens.count, Self.fillers.contains(tokens[start].folded), !tokens[start].hasDigit { start += 1 }
            let value: (ContactValue, Int)? = switch label {
            case .tax: Self.taxNumber(tokens, from: start)
            case .registry: Self.registryNumber(tokens, from: start)
            case .bank, .iban: Self.bankAccount(tokens, from: start)
            }
            if let (found, next) = value {
                values.append(found)
                index = next
            } else {
                index += width
            }
        }
        return values
    }

    /// `084123456 M`, `00012345A`, `4 084 123 456`: digits, and single letters beside them.
    static func taxNumber(_ tokens: [Token], from start: Int) -> (ContactValue, Int)? {
        var parts: [Token] = []
        var index = start
        while index < tokens.count, parts.count < 5 {
            let token = tokens[index]
            guard Self.continues(token), token.hasDigit || (token.isLetters && token.text.count <= 2 && !parts.isEmpty) else { break }
            parts.append(token)
            index += 1
        }
        let value = parts.map(\.alphanumerics).joined()
        guard value.unicodeScalars.filter(Self.isDigit).count >= 5, value.count <= 20 else { return nil }
        return (ContactValue(kind: .taxNumber, key: value, display: parts.map(\.text).joined(separator: " ")), index)
    }

    /// OHADA registry numbers: `MA.BKO.2015.B.1234`, `ML-BKO-2019-B-12345`, `Bamako 2015 B 1234`.
    static func registryNumber(_ tokens: [Token], from start: Int) -> (ContactValue, Int)? {
        var parts: [Token] = []
        var index = start
        var digitsSeen = false
        while index < tokens.count, parts.count < 8 {
            let token = tokens[index]
            guard Self.continues(token) else { break }
            if token.hasDigit {
                digitsSeen = true
            } else if token.isLetters, token.text.count <= 4 || (!digitsSeen && parts.isEmpty && token.text.count <= 12) {
                // A country, town or form code (`MA`, `BKO`, `B`), or the town written out first.
            } else {
                break
            }
            parts.append(token)
            index += 1
        }
        let value = parts.map(\.alphanumerics).joined()
        guard value.unicodeScalars.filter(Self.isDigit).count >= 4, value.count <= 30 else { return nil }
        return (ContactValue(kind: .registryNumber, key: value, display: parts.map(\.text).joined(separator: " ")), index)
    }

    /// A RIB (`ML016 01201 020401000045 67`) or an IBAN after a bank label.
    static func bankAccount(_ tokens: [Token], from start: Int) -> (ContactValue, Int)? {
        if let iban = Self.iban(tokens, from: start, labelled: true) { return (iban.value, iban.next) }
        var parts: [Token] = []
        var index = start
        while index < tokens.count, parts.count < 8, tokens[index].hasDigit, Self.continues(tokens[index]) {
            parts.append(tokens[index])
            index += 1
        }
        let value = parts.map(\.alphanumerics).joined()
        guard value.unicodeScalars.filter(Self.isDigit).count >= 10, value.count <= 34 else { return nil }
        return (ContactValue(kind: .bankAccount, key: value, display: parts.map(\.text).joined(separator: " ")), index)
    }

    /// IBAN lengths of the countries DMS's users bank in (UEMOA, CEMAC, neighbours, Europe).
    static let ibanLengths: [String: Int] = [
        "ML": 28, "SN": 28, "BF": 28, "NE": 28, "CI": 28, "BJ": 28, "TG": 28, "GW": 25, "CM": 27, "GA": 27, "TD": 27, "CF": 27, "CG": 27,
        "GQ": 27, "MR": 27, "MA": 28, "TN": 24, "DZ": 26, "FR": 27, "BE": 16, "DE": 22, "CH": 21, "LU": 20, "ES": 24, "IT": 27, "GB": 22, "NL": 18,
    ]

    static func iban(_ tokens: [Token], from start: Int, labelled: Bool) -> (value: ContactValue, next: Int)? {
        guard start < tokens.count else { return nil }
        let first = tokens[start].alphanumerics
        let head = Array(first.unicodeScalars)
        guard head.count >= 4, head[0].properties.isAlphabetic, head[1].properties.isAlphabetic, Self.isDigit(head[2]), Self.isDigit(head[3]),
              head[0].isASCII, head[1].isASCII else { return nil }
        let country = String(String.UnicodeScalarView(head[0..<2]))
        var text = ""
        var ends: [(length: Int, next: Int)] = []
        var index = start
        while index < tokens.count, text.count < 34 {
            let part = tokens[index].alphanumerics
            guard !part.isEmpty, index == start || Self.continues(tokens[index]), tokens[index].hasDigit || part.count <= 4 else { break }
            text += part
            index += 1
            ends.append((text.count, index))
        }
        let wanted = Self.ibanLengths[country]
        for end in ends.reversed() where end.length >= 15 && end.length <= 34 {
            guard wanted == nil ? labelled : end.length == wanted else { continue }
            let candidate = String(text.prefix(end.length))
            guard Self.ibanValid(candidate) else { continue }
            let bban = String(candidate.dropFirst(4))
            var grouped: [String] = []
            var rest = Substring(candidate)
            while !rest.isEmpty {
                grouped.append(String(rest.prefix(4)))
                rest = rest.dropFirst(4)
            }
            return (ContactValue(kind: .bankAccount, key: bban, display: grouped.joined(separator: " ")), end.next)
        }
        return nil
    }

    /// ISO 13616: the country and check digits moved to the end, letters as numbers, modulo 97 is 1.
    static func ibanValid(_ iban: String) -> Bool {
        let scalars = Array(iban.unicodeScalars)
        guard scalars.count >= 5 else { return false }
        var remainder = 0
        for scalar in scalars[4...] + scalars[..<4] {
            let value: Int
            if Self.isDigit(scalar) {
                value = Int(scalar.value - 0x30)
            } else if (0x41...0x5A).contains(scalar.value) {
                value = Int(scalar.value - 0x41 + 10)
            } else {
                return false
            }
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
        }
        return remainder == 1
    }
}
