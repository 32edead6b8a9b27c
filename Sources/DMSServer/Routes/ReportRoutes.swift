import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `GET /api/download/{case_id}/cba` and `GET /api/download/{case_id}/pv?type=ouverture|analyse`:
/// regenerated from the current state on every request, each generation recorded in the memory
/// with the SHA-256 of the bytes handed out.
///
/// The PV names the committee members when given, either `?membres=Awa+Traoré;Moussa+Keïta`
/// (form-encoded, `;` between names) or a JSON body `{"committee": ["Awa Traoré", "Moussa Keïta"]}`.
struct ReportRoutes {
    let cases: CaseRepository
    let analyses: AnalysisRepository
    let reports: ReportRepository
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/download/{case_id}/cba") { request, context -> Response in
            let caseID = try context.caseID("case_id")
            let actor = try request.actor()
            let report = try await self.report(caseID, logger: context.logger)
            let data = try CBAWriter().write(report)
            return try await self.deliver(data, caseID: caseID, event: "cba_generated", extra: [:], actor: actor,
                                          mediaType: CBAWriter.mediaType, filename: "CBA-\(report.shortID).xlsx", logger: context.logger)
        }

        router.get("/api/download/{case_id}/pv") { request, context -> Response in
            let caseID = try context.caseID("case_id")
            let kind = try PVKind(parsing: request.uri.queryParameters["type"].map(String.init))
            let actor = try request.actor()
            let committee = try await self.committee(request)
            let report = try await self.report(caseID, logger: context.logger)
            let data = try PVWriter().write(report, kind: kind, committee: committee)
            return try await self.deliver(data, caseID: caseID, event: "pv_generated", extra: ["pv_type": .string(kind.rawValue)], actor: actor,
                                          mediaType: PVWriter.mediaType, filename: "PV-\(kind.rawValue)-\(report.shortID).docx", logger: context.logger)
        }
    }

    /// The report of the case as it stands now; its head is the hash of the case's last event.
    /// Every change to a case appends an event in its own transaction, so an analysis read
    /// between two reads of the same head belongs to that head: the paper proves its state.
    private func report(_ caseID: UUID, logger: Logger) async throws -> CaseReport {
        var detail = try await self.cases.detail(id: caseID, logger: logger)
        for _ in 0..<3 {
            let analysis = try await self.analyses.analysis(caseID: caseID, logger: logger)
            let after = try await self.cases.detail(id: caseID, logger: logger)
            if after.events.last?.hash == detail.events.last?.hash {
                let head = after.events.last?.hash ?? String(repeating: "0", count: 64)
                return CaseReport(detail: after, analysis: analysis, headHash: head, generatedAt: Date())
            }
            detail = after
        }
        throw ReportError.caseChanging
    }

    /// Records the generation, then answers with the file: a 2xx means the event is committed.
    private func deliver(_ data: Data, caseID: UUID, event: String, extra: [String: JSONValue], actor: ActorName,
                         mediaType: String, filename: String, logger: Logger) async throws -> Response {
        var hasher = ContentHasher()
        data.withUnsafeBytes { hasher.update($0) }
        let payload = extra.merging(["sha256": .string(hasher.finalize()), "size": .number(Double(data.count)), "filename": .string(filename)]) { $1 }
        try await self.reports.recordGenerated(caseID: caseID, type: event, payload: payload, actor: actor, logger: logger)
        let headers: HTTPFields = [
            .contentType: mediaType,
            .contentDisposition: "attachment; filename=\"\(filename)\"",
            .contentLength: String(data.count),
            .cacheControl: "no-store",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Committee members from `?membres=` or, when the request carries JSON, `{"committee": […]}`.
    private func committee(_ request: Request) async throws -> [String] {
        if JSONRequest.isJSON(request.headers[.contentType]) {
            let body = try await self.json.decode(PVCommitteeRequest.self, from: request)
            return try CommitteeMembers.validate(body.committee ?? [], field: "committee")
        }
        return try CommitteeMembers.parse(query: Self.formValue("membres", in: request.uri.query))
    }

    /// A query value decoded as HTML forms encode it (`+` is a space, `%2B` a plus), which
    /// `queryParameters` does not do.
    static func formValue(_ name: String, in query: String?) -> String? {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == Substring(name) else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
        return nil
    }
}

struct PVCommitteeRequest: Decodable, Sendable {
    let committee: [String]?
}
