import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Documents: deposit, store, serve")
struct DocumentTests {
    /// A PDF of about `megabytes` MB: valid header and trailer around random bytes.
    static func bigPDF(megabytes: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var middle = Data(count: megabytes << 20)
        middle.withUnsafeMutableBytes { bytes in
            for index in stride(from: 0, to: bytes.count, by: 8) {
                withUnsafeBytes(of: generator.next() as UInt64) { word in
                    bytes[index..<min(index + 8, bytes.count)].copyBytes(from: word.prefix(min(8, bytes.count - index)))
                }
            }
        }
        return Data("%PDF-1.4\n%".utf8) + middle + Data("\n%%EOF\n".utf8)
    }

    @Test("PDF, DOCX and XLSX round-trip byte for byte with their SHA-256, type from content")
    func roundTrip() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            for (data, kind, type) in [(SampleFiles.pdf(), "offer", "application/pdf"),
                                       (try SampleFiles.docx(), "dao", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                                       (try SampleFiles.xlsx(), "cba_template", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")] {
                let response = try await client.upload(MultipartBody(file: data, filename: "fichier.bin"), case: id, kind: kind)
                #expect(response.status == .created, "\(response.text)")
                let body = try response.object()
                #expect(body["media_type"] as? String == type)
                #expect(body["kind"] as? String == kind)
                #expect(body["size"] as? Int == data.count)
                #expect(body["case_id"] as? String == id)
                let sha = try #require(body["sha256"] as? String)
                #expect(sha == SHA256Hex.of(data))
                let download = try await client.send(.get, "/api/documents/\(try #require(body["id"] as? String))")
                #expect(download.status == .ok)
                #expect(Data(buffer: download.body) == data)
                #expect(download.headers[.contentType] == type)
                #expect(download.headers[.eTag] == "\"\(sha)\"")
            }
            let detail = try await client.send(.get, "/api/cases/\(id)").object()
            #expect((detail["documents"] as? [[String: Any]])?.count == 3)
            let events = try #require(detail["events"] as? [[String: Any]])
            #expect(events.filter { $0["type"] as? String == "document_uploaded" }.count == 3)
        }
    }

    @Test("the shared French fixtures are accepted with the right types")
    func sharedFixtures() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase(title: "Fourniture de ciment et de fer à béton — Mopti")["id"] as? String)
            var body = MultipartBody()
            for name in ["offre_finale_v2.docx", "scan_0003.docx", "scan_0004.pdf", "document_recu_14h32.pdf", "IMG_20261102_0931.pdf"] {
                body.add(try SharedFixtures.data(name), filename: name)
            }
            let offers = try await client.upload(body, case: id, kind: "offer")
            #expect(offers.status == .created, "\(offers.text)")
            let documents = try #require(try offers.object()["documents"] as? [[String: Any]])
            #expect(documents.map { $0["filename"] as? String } == ["offre_finale_v2.docx", "scan_0003.docx", "scan_0004.pdf", "document_recu_14h32.pdf", "IMG_20261102_0931.pdf"])
            let dao = try await client.upload(MultipartBody(file: try SharedFixtures.data("dossier_AO_2026-017.docx"), filename: "dossier_AO_2026-017.docx"), case: id, kind: "dao")
            #expect(dao.status == .created)
        }
    }

    @Test("the same bytes twice in one case give the existing document (200), not a copy")
    func duplicate() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            let data = SampleFiles.pdf()
            let first = try await client.upload(MultipartBody(file: data, filename: "a.pdf"), case: id)
            let second = try await client.upload(MultipartBody(file: data, filename: "b.pdf"), case: id)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(try first.object()["id"] as? String == second.object()["id"] as? String)
            #expect(try second.object()["filename"] as? String == "a.pdf")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 1)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM events WHERE type = 'document_uploaded'") == 1)
            // Another case may hold the same bytes.
            let other = try #require(try await client.createCase()["id"] as? String)
            #expect(try await client.upload(MultipartBody(file: data, filename: "a.pdf"), case: other).status == .created)
        }
    }

    @Test("names are for display: path traversal removed, accents and emoji kept, RFC 5987 on download")
    func names() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let traversal = try await client.upload(MultipartBody(file: SampleFiles.pdf("a"), filename: "../../etc/passwd"), case: id)
            #expect(try traversal.object()["filename"] as? String == "passwd")
            let name = "Offre « Société Générale » 🇲🇱.pdf"
            let accented = try await client.upload(MultipartBody(file: SampleFiles.pdf("b"), filename: name), case: id)
            #expect(try accented.object()["filename"] as? String == name)
            let download = try await client.send(.get, "/api/documents/\(try #require(try accented.object()["id"] as? String))")
            let disposition = try #require(download.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"Offre _ Soci_t_ G_n_rale _ __.pdf\"; filename*=UTF-8''Offre%20%C2%AB%20Soci%C3%A9t%C3%A9"))
        }
    }

    @Test("refused files: executable renamed .pdf, image, Word 97, encrypted, empty, ZIP bomb", arguments: [
        ("exe", 415, "unsupported_media_type"), ("png", 415, "unsupported_media_type"), ("doc", 415, "unsupported_media_type"),
        ("encrypted", 422, "encrypted_document"), ("empty", 422, "empty_file"), ("bomb", 422, "archive_limits"),
        ("zip", 415, "unsupported_media_type"), ("truncated", 422, "corrupt_document"),
    ])
    func refused(sample: String, status: Int, code: String) async throws {
        let data: Data = switch sample {
        case "exe": Data([0x4D, 0x5A, 0x90, 0x00]) + Data(count: 4096)
        case "png": Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 64)
        case "doc": SampleFiles.ole()
        case "encrypted": SampleFiles.ole(encrypted: true)
        case "empty": Data()
        case "bomb": try SampleFiles.zipBomb(megabytes: 50)
        case "zip": try SampleFiles.zip([("a.txt", "x")])
        default: SampleFiles.pdf().prefix(100)
        }
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            let response = try await client.upload(MultipartBody(file: data, filename: "offre.pdf"), case: id)
            #expect(response.status.code == status, "\(response.text)")
            #expect(response.errorCode == code)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 0)
        }
    }

    @Test("a 10 MB offer is stored; a 30 MB one is refused with 413 before or while reading")
    func sizes() async throws {
        try await withTestApp(.live) { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            let ten = Self.bigPDF(megabytes: 10)
            let stored = try await client.upload(MultipartBody(file: ten, filename: "gros.pdf"), case: id)
            #expect(stored.status == .created)
            #expect(try stored.object()["sha256"] as? String == SHA256Hex.of(ten))
            let thirty = try await client.upload(MultipartBody(file: Self.bigPDF(megabytes: 30), filename: "trop.pdf"), case: id)
            #expect(thirty.status == .contentTooLarge)
            #expect(thirty.errorCode == "payload_too_large")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 1)
        }
    }

    @Test("the upload limit is configurable and also enforced while streaming")
    func configurableLimit() async throws {
        try await withTestApp(configure: { $0.maxUploadBytes = 1 << 20 }) { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let response = try await client.upload(MultipartBody(file: Self.bigPDF(megabytes: 2), filename: "x.pdf"), case: id)
            #expect(response.status == .contentTooLarge)
            #expect(try await client.upload(MultipartBody(file: SampleFiles.pdf(), filename: "x.pdf"), case: id).status == .created)
        }
    }

    @Test("unknown case 404, decided case 409, unknown kind 422, several files only for offers")
    func rules() async throws {
        try await withTestApp { client, _ in
            let pdf = MultipartBody(file: SampleFiles.pdf(), filename: "a.pdf")
            #expect(try await client.upload(pdf, case: UUID().uuidString).status == .notFound)
            #expect(try await client.upload(pdf, case: "not-a-uuid").status == .notFound)
            let id = try #require(try await client.createCase()["id"] as? String)
            let unknownKind = try await client.upload(pdf, case: id, kind: "contract")
            #expect(unknownKind.status == .unprocessableContent && unknownKind.errorField == "kind")
            var two = MultipartBody(file: SampleFiles.pdf("1"), filename: "1.pdf")
            two.add(SampleFiles.pdf("2"), filename: "2.pdf")
            #expect(try await client.upload(two, case: id, kind: "dao").errorField == "file")
            #expect(try await client.upload(two, case: id, kind: "offer").status == .created)
            try await client.send(.post, "/api/decide/\(id)", json: #"{"chosen_supplier":"Ets A","decision_reason":"Conforme"}"#)
            let late = try await client.upload(MultipartBody(file: SampleFiles.pdf("3"), filename: "3.pdf"), case: id)
            #expect(late.status == .conflict)
        }
    }

    @Test("malformed uploads: not multipart 415, no file field 422, truncated body 400")
    func malformed() async throws {
        try await withTestApp { client, _ in
            let id = try #require(try await client.createCase()["id"] as? String)
            let json = try await client.send(.post, "/api/upload/\(id)/offer", json: "{}")
            #expect(json.status == .unsupportedMediaType)
            let noFile = try await client.upload(MultipartBody(file: Data("x".utf8), filename: nil, field: "comment"), case: id)
            #expect(noFile.status == .unprocessableContent && noFile.errorField == "file")
            var truncated = MultipartBody(file: SampleFiles.pdf(), filename: "a.pdf").buffer
            truncated.moveWriterIndex(to: truncated.writerIndex - 40)
            let response = try await client.execute(uri: "/api/upload/\(id)/offer", method: .post, headers: MultipartBody().headers, body: truncated)
            #expect(response.status == .badRequest)
        }
    }

    @Test("concurrent uploads of different files to one case all land, each with its event")
    func concurrent() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await client.upload(MultipartBody(file: SampleFiles.pdf("offre \(index)"), filename: "\(index).pdf"), case: id).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 8))
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 8)
            let events = try await client.send(.get, "/api/cases/\(id)").object()["events"] as? [[String: Any]]
            #expect(events?.map { $0["seq"] as? Int } == Array(1...9).map(Optional.some))
        }
    }

    @Test("downloads: unknown id 404, If-None-Match 304")
    func download() async throws {
        try await withTestApp { client, _ in
            #expect(try await client.send(.get, "/api/documents/\(UUID().uuidString)").status == .notFound)
            #expect(try await client.send(.get, "/api/documents/nope").status == .notFound)
            let id = try #require(try await client.createCase()["id"] as? String)
            let stored = try await client.upload(MultipartBody(file: SampleFiles.pdf(), filename: "a.pdf"), case: id).object()
            let sha = try #require(stored["sha256"] as? String)
            let cached = try await client.send(.get, "/api/documents/\(try #require(stored["id"] as? String))", headers: [.ifNoneMatch: "\"\(sha)\""])
            #expect(cached.status == .notModified)
        }
    }
}

@Suite("Upload size in files")
struct UploadFileCountTests {
    @Test("more than 50 files in one upload is 422 naming file, and nothing is stored")
    func tooManyFiles() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase()["id"] as? String)
            var body = MultipartBody()
            for index in 0..<51 { body.add(SampleFiles.pdf("offre \(index)"), filename: "\(index).pdf") }
            let response = try await client.upload(body, case: id)
            #expect(response.status == .unprocessableContent && response.errorField == "file")
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 0)
        }
    }
}
