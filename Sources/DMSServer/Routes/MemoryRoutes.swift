import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird

/// The memory: its head, search, export for auditors, and similar past decisions.
struct MemoryRoutes {
    let app: UseCases

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/memory/head") { _, context -> MemoryHeadDTO in
            let head = try await app.memoryHead.run(logger: context.logger)
            return MemoryHeadDTO(events: head.events, chains: head.chains, head: head.head)
        }

        router.get("/api/memory/search") { request, context -> PageDTO<SearchHitDTO> in
            let query = request.uri.queryParameters
            let search = try MemorySearchQuery(
                text: query["q"].map(String.init), caseType: query["case_type"].map(String.init), from: query["from"].map(String.init),
                to: query["to"].map(String.init), limit: query["limit"].map(String.init), cursor: query["cursor"].map(String.init))
            let page = try await app.searchMemory.run(search, logger: context.logger)
            return PageDTO(items: page.items.map(SearchHitDTO.init), nextCursor: page.nextCursor)
        }

        router.get("/api/memory/export") { request, context -> Response in
            let query = request.uri.queryParameters
            let from = try MemorySearchQuery.date(query["from"].map(String.init), field: "from")
            let to = try MemorySearchQuery.date(query["to"].map(String.init), field: "to")
            let export = self.app.exportMemory
            let logger = context.logger
            let body = ResponseBody { writer in
                try await export.run(from: from, to: to, logger: logger) { line in try await writer.write(line) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"dms-memory.jsonl\""], body: body)
        }

        router.get("/api/memory/checkpoints") { request, context -> PageDTO<CheckpointDTO> in
            let query = request.uri.queryParameters
            let limit = try PageParameters.limit(query["limit"].map(String.init))
            let before = try PageParameters.sequence(query["cursor"].map(String.init), field: "cursor")
            let page = try await app.checkpoints.list(limit: limit, before: before, logger: context.logger)
            return PageDTO(items: page.items.map(CheckpointDTO.init), nextCursor: page.next.map(String.init))
        }

        // The auditor's archive (docs/ARCHIVE.md): read before the first byte, then streamed.
        router.get("/api/cases/{id}/archive") { _, context -> Response in
            let archive = self.app.archive
            let plan = try await archive.prepare(caseID: try context.caseID("id"), logger: context.logger)
            let logger = context.logger
            let body = ResponseBody { writer in
                try await archive.write(plan, logger: logger) { bytes in try await writer.write(bytes) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/zip",
                                                   .contentDisposition: "attachment; filename=\"\(plan.filename)\""], body: body)
        }

        router.get("/api/cases/{id}/similar") { _, context -> SimilarCasesDTO in
            let similar = try await app.similarCases.run(to: try context.caseID("id"), logger: context.logger)
            return SimilarCasesDTO(items: similar.map(SimilarCaseDTO.init))
        }
    }
}

struct MemoryHeadDTO: ResponseEncodable, Sendable {
    let events: Int
    let chains: Int
    let head: String
}

struct SearchHitDTO: Encodable, Sendable {
    let caseID: String
    let title: String
    let caseType: String
    let status: String
    let createdAt: String
    let snippet: String

    enum CodingKeys: String, CodingKey {
        case title, status, snippet
        case caseID = "case_id"
        case caseType = "case_type"
        case createdAt = "created_at"
    }

    init(_ hit: SearchHit) {
        self.caseID = hit.caseID.uuidString.lowercased()
        self.title = hit.title
        self.caseType = hit.caseType.rawValue
        self.status = hit.status.rawValue
        self.createdAt = hit.createdAt.iso8601
        self.snippet = hit.snippet
    }
}

struct SimilarCaseDTO: Encodable, Sendable {
    let caseID: String
    let title: String
    let lot: String?
    let chosenSupplier: String
    let decisionReason: String
    let decidedAt: String

    enum CodingKeys: String, CodingKey {
        case title, lot
        case caseID = "case_id"
        case chosenSupplier = "chosen_supplier"
        case decisionReason = "decision_reason"
        case decidedAt = "decided_at"
    }

    init(_ similar: SimilarCase) {
        self.caseID = similar.caseID.uuidString.lowercased()
        self.title = similar.title
        self.lot = similar.lot
        self.chosenSupplier = similar.chosenSupplier
        self.decisionReason = similar.decisionReason
        self.decidedAt = similar.decidedAt.iso8601
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.caseID, forKey: .caseID)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.lot, forKey: .lot)
        try container.encode(self.chosenSupplier, forKey: .chosenSupplier)
        try container.encode(self.decisionReason, forKey: .decisionReason)
        try container.encode(self.decidedAt, forKey: .decidedAt)
    }
}

struct SimilarCasesDTO: ResponseEncodable, Sendable {
    let items: [SimilarCaseDTO]
}

struct CheckpointDTO: Encodable, Sendable {
    let seq: Int64
    let prevHash: String
    let hash: String
    let sealedAt: String
    let heads: Int
    let sealedBy: String

    enum CodingKeys: String, CodingKey {
        case seq, hash, heads
        case prevHash = "prev_hash"
        case sealedAt = "sealed_at"
        case sealedBy = "sealed_by"
    }

    init(_ checkpoint: Checkpoint) {
        self.seq = checkpoint.seq
        self.prevHash = checkpoint.prevHash
        self.hash = checkpoint.hash
        self.sealedAt = checkpoint.sealedAt
        self.heads = checkpoint.headCount
        self.sealedBy = checkpoint.sealedBy
    }
}

/// `limit` (1–200, default 50) and integer cursors of the simple paginated lists.
enum PageParameters {
    static func limit(_ raw: String?) throws -> Int {
        guard let raw else { return 50 }
        guard let value = Int(raw), (1...200).contains(value) else {
            throw ValidationError(field: "limit", message: "doit être un entier entre 1 et 200")
        }
        return value
    }

    static func sequence(_ raw: String?, field: String) throws -> Int64? {
        guard let raw else { return nil }
        guard let value = Int64(raw), value >= 1 else { throw ValidationError(field: field, message: "curseur invalide") }
        return value
    }
}
