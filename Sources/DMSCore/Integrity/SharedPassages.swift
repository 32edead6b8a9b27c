/// Identical or near-identical passages between the offers of different suppliers, outside the
/// DAO's own text. Each document becomes k-word shingles (hashes of every run of `k` folded words);
/// shingles the DAO contains are dropped; an index from shingle to the suppliers that have it finds
/// the pairs sharing text in one pass over all offers (no whole text is ever compared with another).
/// Shared shingles are then grown back into passages, allowing a few changed words, and a passage
/// counts only when enough of its words are neither the DAO's nor figures.
public enum SharedPassages {
    /// Words per shingle: a shared run of 8 words is rare by chance in French prose.
    public static let shingleWords = 8
    /// A word is the DAO's when a run of 5 words around it is in the DAO (forms filled in keep
    /// their printed words even when the blanks between them break longer runs).
    public static let daoShingleWords = 5
    /// Words that may differ inside one passage (a name, a date, a retyped word).
    public static let maxGap = 3
    /// Words of a passage that must be shared, not from the DAO and not figures.
    public static let minWords = 20
    /// …and distinct among them: the same « conforme » filled in 20 rows of a DAO table is no passage.
    public static let minDistinctWords = 10
    /// Above 3 suppliers, a passage in more than half the offers is common wording (a standard
    /// form the DAO did not include), not a link between two of them.
    public static let commonFromSuppliers = 4

    /// One document's words and shingles.
    public struct Document: Sendable {
        public let text: DocumentText
        public let words: FoldedWords
        let shingles: [UInt64]
        /// Whether each word belongs to the DAO's text.
        let dao: [Bool]
    }

    /// A passage of supplier `a`'s document and where the same text is in supplier `b`'s.
    public struct Passage: Sendable {
        public let a: (document: Int, words: Range<Int>)
        public let b: (document: Int, words: Range<Int>)
        /// Shared words outside the DAO, figures left out.
        public let sharedWords: Int
        /// No word differs.
        public let identical: Bool
    }

    /// The DAO's shingles, both lengths.
    public struct DAOText: Sendable {
        let long: Set<UInt64>
        let short: Set<UInt64>

        public init(_ documents: [DocumentText]) {
            var long = Set<UInt64>()
            var short = Set<UInt64>()
            for document in documents {
                let words = FoldedWords(document.lines)
                long.formUnion(SharedPassages.shingles(words.hashes, k: SharedPassages.shingleWords))
                short.formUnion(SharedPassages.shingles(words.hashes, k: SharedPassages.daoShingleWords))
            }
            self.long = long
            self.short = short
        }
    }

    public static func document(_ text: DocumentText, dao: DAOText) -> Document {
        let words = FoldedWords(text.lines)
        var mask = [Bool](repeating: false, count: words.count)
        let short = Self.shingles(words.hashes, k: Self.daoShingleWords)
        for (position, hash) in short.enumerated() where dao.short.contains(hash) {
            for word in position..<(position + Self.daoShingleWords) { mask[word] = true }
        }
        let long = Self.shingles(words.hashes, k: Self.shingleWords).map { dao.long.contains($0) ? 0 : $0 }
        return Document(text: text, words: words, shingles: long, dao: mask)
    }

    /// Hashes of every run of `k` words (none for a shorter text). Zero is never a shingle's hash
    /// here: it marks a dropped one.
    static func shingles(_ words: [UInt64], k: Int) -> [UInt64] {
        guard words.count >= k else { return [] }
        var result = [UInt64](repeating: 0, count: words.count - k + 1)
        for start in 0..<result.count {
            var hash: UInt64 = 0x9e37_79b9_7f4a_7c15
            for offset in 0..<k {
                hash = (hash ^ words[start + offset]) &* 0x0000_0100_0000_01b3
                hash = (hash << 27) | (hash >> 37)
            }
            result[start] = hash == 0 ? 1 : hash
        }
        return result
    }

    /// Passages shared by each pair of suppliers (`suppliers[i]` is one supplier's documents),
    /// keyed by the pair (lower index first), longest first.
    public static func find(_ suppliers: [[Document]]) -> [Pair: [Passage]] {
        let count = suppliers.count
        guard count >= 2 else { return [:] }
        // Which suppliers have each shingle (the first one, then the others when shared).
        var owner: [UInt64: Int] = [:]
        var sharedBy: [UInt64: [Int]] = [:]
        for (supplier, documents) in suppliers.enumerated() {
            var mine = Set<UInt64>()
            for document in documents {
                for hash in document.shingles where hash != 0 { mine.insert(hash) }
            }
            for hash in mine {
                if let first = owner[hash] {
                    sharedBy[hash, default: [first]].append(supplier)
                } else {
                    owner[hash] = supplier
                }
            }
        }
        var pairs: [Pair: Set<UInt64>] = [:]
        for (hash, owners) in sharedBy {
            if count >= Self.commonFromSuppliers, owners.count >= 3, owners.count * 2 > count { continue }
            for (index, first) in owners.enumerated() {
                for second in owners[(index + 1)...] {
                    pairs[Pair(min(first, second), max(first, second)), default: []].insert(hash)
                }
            }
        }
        var found: [Pair: [Passage]] = [:]
        // Fewer shared shingles than this cannot cover `minWords` words: not worth growing.
        let minimumShingles = max(1, Self.minWords / Self.shingleWords)
        for (pair, shared) in pairs where shared.count >= minimumShingles {
            let passages = Self.passages(suppliers[pair.first], suppliers[pair.second], shared: shared)
            if !passages.isEmpty { found[pair] = passages.sorted { $0.sharedWords > $1.sharedWords } }
        }
        return found
    }

    public struct Pair: Hashable, Sendable {
        public let first: Int
        public let second: Int

        public init(_ first: Int, _ second: Int) {
            self.first = first
            self.second = second
        }
    }

    /// Grows the shared shingles of `a`'s documents into passages and finds each one in `b`.
    static func passages(_ a: [Document], _ b: [Document], shared: Set<UInt64>) -> [Passage] {
        // Where each shared shingle first is in b.
        var inB: [UInt64: (document: Int, position: Int)] = [:]
        for (index, document) in b.enumerated() {
            for (position, hash) in document.shingles.enumerated() where hash != 0 && shared.contains(hash) && inB[hash] == nil {
                inB[hash] = (index, position)
            }
        }
        let k = Self.shingleWords
        var passages: [Passage] = []
        for (index, document) in a.enumerated() {
            let matched = document.shingles.indices.filter { document.shingles[$0] != 0 && shared.contains(document.shingles[$0]) }
            guard !matched.isEmpty else { continue }
            // Clusters of matched shingles whose covered words leave at most `maxGap` words out between them.
            var clusters: [[Int]] = []
            for position in matched {
                if let last = clusters.last?.last, position <= last + k + Self.maxGap {
                    clusters[clusters.count - 1].append(position)
                } else {
                    clusters.append([position])
                }
            }
            for cluster in clusters {
                let span = cluster.first!..<(cluster.last! + k)
                var covered = [Bool](repeating: false, count: span.count)
                for position in cluster {
                    for word in position..<(position + k) { covered[word - span.lowerBound] = true }
                }
                var sharedWords = 0
                var distinct = Set<UInt64>()
                for word in span where covered[word - span.lowerBound] && !document.dao[word] && !document.words.numeric[word] {
                    sharedWords += 1
                    distinct.insert(document.words.hashes[word])
                }
                guard sharedWords >= Self.minWords, distinct.count >= Self.minDistinctWords,
                      let start = inB[document.shingles[cluster.first!]], let end = inB[document.shingles[cluster.last!]] else { continue }
                let bWords = start.document == end.document && end.position >= start.position
                    ? start.position..<(end.position + k) : start.position..<(start.position + k)
                // The DAO's words at either end (a shingle straddling the copied text and the DAO's) are not quoted.
                var lead = 0
                while lead < span.count, document.dao[span.lowerBound + lead] || !covered[lead] { lead += 1 }
                var tail = 0
                while tail < span.count - lead, document.dao[span.upperBound - 1 - tail] || !covered[span.count - 1 - tail] { tail += 1 }
                let aWords = (span.lowerBound + lead)..<(span.upperBound - tail)
                let bTrimmed = bWords.count == span.count ? (bWords.lowerBound + lead)..<(bWords.upperBound - tail) : bWords
                let identical = !covered[lead..<(span.count - tail)].contains(false) && bWords.count == span.count
                passages.append(Passage(a: (index, aWords), b: (start.document, bTrimmed), sharedWords: sharedWords, identical: identical))
            }
        }
        return passages
    }
}
