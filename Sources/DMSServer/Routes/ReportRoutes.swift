import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird

/// Reports. A download (`GET /api/download/{case_id}/cba`, `…/pv?type=ouverture|analyse`) renders
/// the current state and writes nothing; its HEAD renders nothing. Issuing (`POST
/// /api/cases/{id}/reports`) keeps the bytes as a numbered version with a `report_issued` event;
/// `GET /api/reports/{id}` returns exactly those bytes.
///
/// A PV names the committee members when given: `?membres=Awa+Traoré;Moussa+Keïta` on a download
/// (form-encoded, `;` between names), `"members": [...]` when issuing.
struct ReportRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/download/{case_id}/cba") { request, context -> Response in
            try await self.download(.cba, request: request, context: context)
        }
        router.head("/api/download/{case_id}/cba") { _, context -> Response in
            try await self.head(.cba, context: context)
        }
        router.get("/api/download/{case_id}/pv") { request, context -> Response in
            let kind = ReportKind(pv: try PVKind(parsing: request.uri.queryParameters["type"].map(String.init)))
            return try await self.download(kind, request: request, context: context)
        }
        router.head("/api/download/{case_id}/pv") { request, context -> Response in
            try await self.head(ReportKind(pv: try PVKind(parsing: request.uri.queryParameters["type"].map(String.init))), context: context)
        }

        router.post("/api/cases/{id}/reports") { request, context -> EditedResponse<IssuedReportDTO> in
            let caseID = try context.caseID("id")
            let body = try await json.decode(IssueReportRequest.self, from: request)
            let issued = try await app.issueReport.run(caseID: caseID, kind: body.kind, members: body.members,
                                                       actor: try context.actor(request), logger: context.logger)
            return EditedResponse(status: .created, headers: [.location: "/api/reports/\(issued.id.uuidString.lowercased())"],
                                  response: IssuedReportDTO(issued))
        }

        router.get("/api/cases/{id}/reports") { _, context -> IssuedReportListDTO in
            let reports = try await app.listReports.run(caseID: try context.caseID("id"), logger: context.logger)
            return IssuedReportListDTO(items: reports.map(IssuedReportDTO.init))
        }

        router.get("/api/reports/{id}") { request, context -> Response in
            guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw) else { throw ReportError.notFound(UUID()) }
            let (report, content) = try await app.readReport.run(id, logger: context.logger)
            return FileResponse.immutable(content, mediaType: report.mediaType, filename: report.filename, sha256: report.sha256, request: request)
        }
    }

    private func download(_ kind: ReportKind, request: Request, context: AppRequestContext) async throws -> Response {
        let caseID = try context.caseID("case_id")
        let members = try CommitteeMembers.parse(query: FormBody(query: request.uri.query ?? "")["membres"])
        let rendered = try await app.renderReport.run(caseID: caseID, kind: kind, members: members, logger: context.logger)
        return FileResponse.current(rendered.content, mediaType: rendered.mediaType, filename: rendered.filename)
    }

    private func head(_ kind: ReportKind, context: AppRequestContext) async throws -> Response {
        let (mediaType, filename) = try await app.renderReport.head(caseID: try context.caseID("case_id"), kind: kind, logger: context.logger)
        return FileResponse.current(nil, mediaType: mediaType, filename: filename)
    }
}
