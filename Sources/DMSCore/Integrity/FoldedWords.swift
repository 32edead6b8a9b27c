/// The words of a document, folded the cheap way (lower case, Latin accents removed, `&` read as
/// `et`, dotted abbreviations `S.A.R.L.` joined into `sarl`) and hashed, with where each word sits,
/// so that offers can be compared by hashes — never by comparing whole texts — and a shared
/// passage quoted as it was written. Working on Unicode scalars keeps 20 offers of 50 pages well
/// under a second (`TextFolding` folds one Character at a time and is far slower).
public struct FoldedWords: Sendable {
    /// FNV-1a of each folded word: equal words, equal hashes, in every process (no random seed).
    public private(set) var hashes: [UInt64] = []
    /// Whether the word is made of digits only (an amount, a quantity): they do not count as text.
    public private(set) var numeric: [Bool] = []
    /// The line each word is on, and its span in that line's Unicode scalars.
    private(set) var lines: [Int32] = []
    private(set) var starts: [Int32] = []
    private(set) var ends: [Int32] = []

    public var count: Int { self.hashes.count }

    public init(_ lines: [TextLine]) {
        for (index, line) in lines.enumerated() {
            self.append(line.text, line: Int32(index))
        }
    }

    public init(_ text: String) {
        self.append(text, line: 0)
    }

    /// The folded words of a short text (a name, a metadata value), as strings.
    public static func strings(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var singles = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            if current.count == 1, current.first!.properties.isAlphabetic {
                singles.append(contentsOf: current)
            } else {
                if !singles.isEmpty { words.append(String(singles)); singles.removeAll() }
                words.append(String(current))
            }
            current.removeAll()
        }
        for scalar in text.unicodeScalars {
            let folded = Self.fold(scalar)
            switch folded.kind {
            case .letters: current.append(contentsOf: folded.scalars)
            case .and:
                flush()
                if !singles.isEmpty { words.append(String(singles)); singles.removeAll() }
                words.append("et")
            case .separator: flush()
            }
        }
        flush()
        if !singles.isEmpty { words.append(String(singles)) }
        return words
    }

    /// The hash a folded word gets.
    public static func hash(_ word: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in word.unicodeScalars {
            hash = (hash ^ UInt64(scalar.value)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    // MARK: reading

    private mutating func append(_ text: String, line: Int32) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var length = 0
        var digits = true
        var firstScalar: Unicode.Scalar?
        var start: Int32 = 0
        var offset: Int32 = 0
        // A run of single letters (`s.a.r.l`) waiting to become one word.
        var single: (hash: UInt64, start: Int32, end: Int32, count: Int)?

        func emit(_ hash: UInt64, numeric: Bool, start: Int32, end: Int32) {
            self.hashes.append(hash)
            self.numeric.append(numeric)
            self.lines.append(line)
            self.starts.append(start)
            self.ends.append(end)
        }
        func flushSingles() {
            if let run = single { emit(run.hash, numeric: false, start: run.start, end: run.end) }
            single = nil
        }
        func add(_ letter: UInt32) {
            if length == 0 {
                start = offset
                firstScalar = Unicode.Scalar(letter)
            }
            hash = (hash ^ UInt64(letter)) &* 0x0000_0100_0000_01b3
            length += 1
            if letter < 0x30 || letter > 0x39 { digits = false }
        }
        func endWord(at end: Int32) {
            defer {
                hash = 0xcbf2_9ce4_8422_2325
                length = 0
                digits = true
                firstScalar = nil
            }
            guard length > 0 else { return }
            if length == 1, let scalar = firstScalar, scalar.properties.isAlphabetic {
                // Folded letters continue the run's hash exactly as one longer word would.
                var runHash = single?.hash ?? 0xcbf2_9ce4_8422_2325
                runHash = (runHash ^ UInt64(scalar.value)) &* 0x0000_0100_0000_01b3
                single = (runHash, single?.start ?? start, end, (single?.count ?? 0) + 1)
                return
            }
            flushSingles()
            emit(hash, numeric: digits, start: start, end: end)
        }
        for scalar in text.unicodeScalars {
            let folded = Self.fold(scalar)
            switch folded.kind {
            case .letters:
                if folded.first != 0 { add(folded.first) }
                if folded.second != 0 { add(folded.second) }
            case .and:
                endWord(at: offset)
                flushSingles()
                emit(Self.hashOfEt, numeric: false, start: offset, end: offset + 1)
            case .separator:
                endWord(at: offset)
            }
            offset += 1
        }
        endWord(at: offset)
        flushSingles()
    }

    static let hashOfEt = FoldedWords.hash("et")

    /// One scalar folded into at most two letters (`œ` → `oe`), `&`, or a separator.
    struct Folded {
        enum Kind { case letters, and, separator }
        let kind: Kind
        let first: UInt32
        let second: UInt32

        static let separator = Folded(kind: .separator, first: 0, second: 0)
        static let and = Folded(kind: .and, first: 0, second: 0)
        static let nothing = Folded(kind: .letters, first: 0, second: 0)

        static func letter(_ first: UInt32, _ second: UInt32 = 0) -> Folded { Folded(kind: .letters, first: first, second: second) }

        /// The folded letters, for the few callers that want scalars.
        var scalars: [Unicode.Scalar] { [self.first, self.second].filter { $0 != 0 }.compactMap(Unicode.Scalar.init) }
    }

    /// ASCII and Latin-1 by table, other letters lower-cased; anything else separates words.
    /// Allocation-free: it runs once per character of every offer.
    static func fold(_ scalar: Unicode.Scalar) -> Folded {
        let value = scalar.value
        switch value {
        case 0x30...0x39, 0x61...0x7A: return .letter(value)
        case 0x41...0x5A: return .letter(value + 0x20)
        case 0x26: return .and
        case 0x00...0x7F: return .separator
        case 0x0300...0x036F: return .nothing  // a combining accent: part of the letter before, dropped
        default: break
        }
        if value < UInt32(Self.latin.count), Self.latin[Int(value)] != 0 {
            let packed = Self.latin[Int(value)]
            return .letter(packed & 0xFF, packed >> 8)
        }
        guard scalar.properties.isAlphabetic else { return .separator }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return .letter(lower.first?.value ?? value, lower.count > 1 ? lower[lower.index(after: lower.startIndex)].value : 0)
    }

    /// Folded letters of Latin-1 and Latin Extended-A, packed (second letter in the high byte), 0 when not folded here.
    static let latin: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x180)
        let groups: [(String, String)] = [
            ("àáâãäåÀÁÂÃÄÅ", "a"), ("çÇ", "c"), ("èéêëÈÉÊË", "e"), ("ìíîïÌÍÎÏ", "i"), ("ñÑ", "n"), ("òóôõöøÒÓÔÕÖØ", "o"),
            ("ùúûüÙÚÛÜ", "u"), ("ýÿÝŸ", "y"), ("œŒ", "oe"), ("æÆ", "ae"), ("ß", "ss"),
        ]
        for (letters, folded) in groups {
            let scalars = Array(folded.unicodeScalars)
            let packed = scalars[0].value | (scalars.count > 1 ? scalars[1].value << 8 : 0)
            for scalar in letters.unicodeScalars where scalar.value < 0x180 { table[Int(scalar.value)] = packed }
        }
        return table
    }()

    // MARK: quoting

    /// The original text of words `range` (a passage may span lines: joined by spaces).
    public func quote(_ range: Range<Int>, in lines: [TextLine]) -> String {
        guard !range.isEmpty, range.upperBound <= self.count else { return "" }
        let first = Int(self.lines[range.lowerBound])
        let last = Int(self.lines[range.upperBound - 1])
        var parts: [String] = []
        for index in first...last where index < lines.count {
            let scalars = Array(lines[index].text.unicodeScalars)
            let from = index == first ? Int(self.starts[range.lowerBound]) : 0
            let to = index == last ? Int(self.ends[range.upperBound - 1]) : scalars.count
            guard from < to, to <= scalars.count else { continue }
            parts.append(String(String.UnicodeScalarView(scalars[from..<to])))
        }
        return parts.joined(separator: " ")
    }

    /// The line a word is on.
    public func line(of word: Int) -> Int { Int(self.lines[word]) }
}
