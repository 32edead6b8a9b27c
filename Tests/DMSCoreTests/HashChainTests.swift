import DMSCore
import Testing

@Suite("Hash chain")
struct HashChainTests {
    func chain(_ bodies: [String]) -> [ChainedEvent] {
        var previous = HashChain.genesis
        return bodies.enumerated().map { index, body in
            let hash = HashChain.link(previous: previous, canonical: body)
            defer { previous = hash }
            return ChainedEvent(id: Int64(index + 1), seq: index + 1, prevHash: previous, hash: hash, canonical: body)
        }
    }

    @Test("SHA-256 of previous hash then canonical text, in lowercase hex")
    func knownVector() {
        // printf '%s' "$(printf '0%.0s' $(seq 64))"'{"a": 1}' | sha256sum
        #expect(HashChain.link(previous: HashChain.genesis, canonical: #"{"a": 1}"#)
            == "9d27932a33fa894b472945299c9ee10151537e3db754278107054f135c9ac310")
        let once = HashChain.link(previous: HashChain.genesis, canonical: "x")
        #expect(once.count == 64 && once.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(once != HashChain.link(previous: HashChain.genesis, canonical: "y"))
    }

    @Test("an intact chain verifies and reports its head")
    func intact() throws {
        var verifier = ChainVerifier()
        let events = self.chain(["a", "b", "c"])
        for event in events { try verifier.append(event) }
        #expect(verifier.count == 3 && verifier.head == events[2].hash)
    }

    @Test("altered content, a broken link and a gap are each named at the first bad event")
    func breaks() {
        var events = self.chain(["a", "b", "c", "d"])
        let altered = events[2]
        events[2] = ChainedEvent(id: altered.id, seq: altered.seq, prevHash: altered.prevHash, hash: altered.hash, canonical: "C")
        #expect(self.firstBreak(events)?.eventID == 3)

        var relinked = self.chain(["a", "b", "c"])
        relinked[1] = ChainedEvent(id: 2, seq: 2, prevHash: HashChain.genesis, hash: relinked[1].hash, canonical: "b")
        #expect(self.firstBreak(relinked)?.reason == .previousHashMismatch(expected: relinked[0].hash))

        var gap = self.chain(["a", "b", "c"])
        gap.remove(at: 1)
        #expect(self.firstBreak(gap)?.reason == .sequenceGap(expected: 2))
    }

    private func firstBreak(_ events: [ChainedEvent]) -> ChainBreak? {
        var verifier = ChainVerifier()
        do {
            for event in events { try verifier.append(event) }
            return nil
        } catch {
            return error
        }
    }
}
