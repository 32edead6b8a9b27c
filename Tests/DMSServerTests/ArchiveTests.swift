import DMSStore
import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 19: checkpoints over HTTP, and the auditor's archive that proves itself offline.
@Suite("Checkpoints and the auditor's archive")
struct ArchiveTests {
    static func seal(_ config: DatabaseConfig) async throws -> Int64? {
        try await withDatabase(config) { database in
            try await CheckpointRepository(database: database).seal(wait: true, by: .cli, logger: TestDatabase.logger)?.seq
        }
    }

    @Test("GET /api/memory/checkpoints: newest first, paginated, bad parameters are 422")
    func listCheckpoints() async throws {
        try await withTestApp { client, config in
            let empty = try await client.send(.get, "/api/memory/checkpoints").object()
            #expect((empty["items"] as? [Any])?.isEmpty == true)
            _ = try await client.createCase(title: "Ciment")
            #expect(try await Self.seal(config) == 1)
            _ = try await client.createCase(title: "Gasoil")
            #expect(try await Self.seal(config) == 2)
            let first = try await client.send(.get, "/api/memory/checkpoints?limit=1").object()
            let items = try #require(first["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["seq"] as? Int == 2 && items[0]["heads"] as? Int == 1)
            #expect(items[0]["sealed_by"] as? String == "cli")
            #expect((items[0]["sealed_at"] as? String)?.hasSuffix("Z") == true)
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.send(.get, "/api/memory/checkpoints?limit=1&cursor=\(cursor)").object()
            let older = try #require(second["items"] as? [[String: Any]])
            #expect(older.first?["seq"] as? Int == 1 && older.first?["prev_hash"] as? String == String(repeating: "0", count: 64))
            #expect(items[0]["prev_hash"] as? String == older.first?["hash"] as? String)
            #expect(second["next_cursor"] is NSNull || second["next_cursor"] == nil)
            for bad in ["limit=0", "limit=201", "limit=x", "cursor=abc", "cursor=0"] {
                let response = try await client.send(.get, "/api/memory/checkpoints?\(bad)")
                #expect(response.status == .unprocessableContent, "\(bad): \(response.status)")
            }
        }
    }

    @Test("the service seals on its own every DMS_CHECKPOINT_SECONDS")
    func periodicSealer() async throws {
        try await withTestApp(configure: { $0.checkpointSeconds = 1 }) { client, _ in
            _ = try await client.createCase(title: "Ciment")
            // Polls the API (the sealer's first turn is one second after start); gives up after 30 s.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            var sealed: [[String: Any]] = []
            while sealed.isEmpty, clock.now < deadline {
                sealed = try await client.send(.get, "/api/memory/checkpoints").object()["items"] as? [[String: Any]] ?? []
                if sealed.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(sealed.first?["sealed_by"] as? String == "service")
        }
    }

    /// A case with a DAO, two offers, an analysis, an issued CBA and a decision, sealed.
    static func auditedCase(_ client: any TestClientProtocol, _ config: DatabaseConfig) async throws -> (id: String, offer: Data) {
        let id = try await AnalysisTests.fixtureCase(client)
        #expect(try await client.send(.post, "/api/analyze/\(id)").status == .ok)
        #expect(try await client.send(.post, "/api/cases/\(id)/reports", json: #"{"kind":"cba"}"#).status == .created)
        _ = try await Self.seal(config)
        let offer = try SharedFixtures.data("document_recu_14h32.pdf")
        return (id, offer)
    }

    @Test("the archive holds every file as deposited, the events, the checkpoints and a manifest that matches")
    func archiveContents() async throws {
        try await withTestApp { client, config in
            let (id, _) = try await Self.auditedCase(client, config)
            let response = try await client.execute(uri: "/api/cases/\(id)/archive", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/zip")
            #expect(response.headers[.contentDisposition]?.contains("DMS-archive-\(id.prefix(8)).zip") == true)
            let zip = try OfficePackage(Data(buffer: response.body))
            let detail = try await client.send(.get, "/api/cases/\(id)").object()
            let documents = try #require(detail["documents"] as? [[String: Any]])
            #expect(documents.count >= 2)
            for document in documents {
                let path = "documents/\(document["id"] as? String ?? "")/\(document["filename"] as? String ?? "")"
                let bytes = try #require(zip.parts[path], "\(path) missing")
                #expect(SHA256Hex.of(bytes) == document["sha256"] as? String)
                let download = try await client.execute(uri: "/api/documents/\(document["id"] as? String ?? "")", method: .get, headers: [:], body: nil)
                #expect(Data(buffer: download.body) == bytes, "as deposited, byte for byte")
            }
            #expect(zip.parts.keys.contains { $0.hasPrefix("reports/cba-v1/CBA-") })
            let events = String(decoding: try #require(zip.parts["events.jsonl"]), as: UTF8.self).split(separator: "\n")
            #expect(events.count == (detail["events"] as? [Any])?.count)
            let checkpoints = String(decoding: try #require(zip.parts["checkpoints.jsonl"]), as: UTF8.self).split(separator: "\n")
            #expect(checkpoints.count == 1)
            let manifest = String(decoding: try #require(zip.parts["MANIFEST.sha256"]), as: UTF8.self).split(separator: "\n")
            #expect(manifest.count == zip.parts.count - 1, "every entry but the manifest itself")
            for line in manifest {
                let hash = String(line.prefix(64))
                let path = String(line.dropFirst(66))
                #expect(SHA256Hex.of(try #require(zip.parts[path], "\(path)")) == hash, "\(path)")
            }
            #expect(manifest.map { String($0.dropFirst(66)) } == manifest.map { String($0.dropFirst(66)) }.sorted())
            #expect(zip.parts["LISEZMOI.txt"] != nil && zip.parts["verifier.py"] != nil && zip.parts["case.json"] != nil)
            // The same state, the same bytes.
            let again = try await client.execute(uri: "/api/cases/\(id)/archive", method: .get, headers: [:], body: nil)
            #expect(again.body == response.body)
            // Unknown or malformed case ids.
            #expect(try await client.execute(uri: "/api/cases/\(UUID().uuidString)/archive", method: .get, headers: [:], body: nil).status == .notFound)
            #expect(try await client.execute(uri: "/api/cases/nope/archive", method: .get, headers: [:], body: nil).status == .notFound)
        }
    }

    @Test("the CBA issued after a seal prints the latest checkpoint beside the case head")
    func reportPrintsCheckpoint() async throws {
        try await withTestApp { client, config in
            let (id, _) = try await ReportTests.analysed(client)
            _ = try await Self.seal(config)
            let latest = try #require((try await client.send(.get, "/api/memory/checkpoints").object()["items"] as? [[String: Any]])?.first)
            let hash = try #require(latest["hash"] as? String)
            let cba = try await client.execute(uri: "/api/download/\(id)/cba", method: .get, headers: [:], body: nil)
            let book = try Workbook(Data(buffer: cba.body))
            let summary = try book.grid("Synthèse").flatMap { $0 }.joined(separator: "\n")
            #expect(summary.contains("Dernier point de contrôle de la mémoire"))
            #expect(summary.contains("n° 1 : \(hash)"))
            let pv = try await client.execute(uri: "/api/download/\(id)/pv?type=analyse", method: .get, headers: [:], body: nil)
            #expect(try WordDocument(Data(buffer: pv.body)).paragraphs.joined(separator: "\n").contains(hash))
        }
    }

    @Test("verifier.py, run offline on the archive: OK; one flipped byte in a document, an event or a manifest line names it")
    func offlineVerifier() async throws {
        guard let python = Python.path else {
            print("ArchiveTests.offlineVerifier: SKIPPED (python3 not found)")
            return
        }
        try await withTestApp { client, config in
            let (id, offer) = try await Self.auditedCase(client, config)
            let response = try await client.execute(uri: "/api/cases/\(id)/archive", method: .get, headers: [:], body: nil)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-archive-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let good = Data(buffer: response.body)
            let archive = folder.appendingPathComponent("archive.zip")
            try good.write(to: archive)
            let zip = try OfficePackage(good)
            let verifier = folder.appendingPathComponent("verifier.py")
            try #require(zip.parts["verifier.py"]).write(to: verifier)

            let ok = try Python.run(python, [verifier.path, archive.path])
            #expect(ok.status == 0 && ok.output.hasPrefix("OK"), "\(ok.output)")

            // One byte of the PDF offer changed inside the zip (entries are stored, so its bytes are there as is).
            let path = try #require(zip.parts.first { $0.value == offer }?.key)
            var flipped = good
            let range = try #require(flipped.range(of: offer))
            flipped[range.lowerBound + offer.count / 2] ^= 0x01
            try flipped.write(to: archive)
            let pdf = try Python.run(python, [verifier.path, archive.path])
            #expect(pdf.status == 1 && pdf.output.contains(path), "\(pdf.output)")

            // Unzipped, as an auditor would: an event's payload, then a manifest line.
            let extracted = folder.appendingPathComponent("extracted")
            for (name, data) in zip.parts {
                let url = extracted.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            let inside = try Python.run(python, [extracted.appendingPathComponent("verifier.py").path])
            #expect(inside.status == 0 && inside.output.hasPrefix("OK"), "no argument: the folder it sits in; \(inside.output)")
            for (entry, from, to) in [("events.jsonl", "\"case_created\"", "\"case_createt\""), ("MANIFEST.sha256", "  case.json", "  case.jsom")] {
                let url = extracted.appendingPathComponent(entry)
                let original = try Data(contentsOf: url)
                try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: from, with: to).utf8).write(to: url)
                let result = try Python.run(python, [verifier.path, extracted.path])
                #expect(result.status == 1 && result.output.contains(entry), "\(entry): \(result.output)")
                try original.write(to: url)
            }
        }
    }
}

/// python3 for the offline checks (the verifier needs nothing else).
enum Python {
    static var path: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ python: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProcess(python, arguments)
    }
}
