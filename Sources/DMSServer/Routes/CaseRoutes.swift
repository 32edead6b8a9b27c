import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird

/// Couche A cases: create, list (keyset pages, newest first), read one with its memory.
struct CaseRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/cases") { request, context -> CreatedCaseJSON in
            let body = try await json.decode(CreateCaseRequest.self, from: request)
            let created = try await app.createCase.run(caseType: body.caseType, title: body.title, lot: body.lot,
                                                       actor: try context.actor(request), logger: context.logger)
            return CreatedCaseJSON(record: created)
        }

        router.get("/api/cases") { request, context -> CasePageJSON in
            let query = request.uri.queryParameters
            let listQuery = try CaseListQuery(
                limit: query["limit"].map(String.init), cursor: query["cursor"].map(String.init),
                status: query["status"].map(String.init), caseType: query["case_type"].map(String.init),
                text: query["q"].map(String.init))
            return CasePageJSON(page: try await app.listCases.run(listQuery, logger: context.logger))
        }

        router.get("/api/cases/{id}") { _, context -> CaseDetailDTO in
            CaseDetailDTO(try await app.readCase.run(try context.caseID("id"), logger: context.logger))
        }

        router.patch("/api/cases/{id}") { request, context -> CaseDetailDTO in
            let id = try context.caseID("id")
            let body = try await json.decode(UpdateCaseRequest.self, from: request)
            return CaseDetailDTO(try await app.updateCase.run(id, place: body.place, procedure: try body.procedure(), actor: try context.actor(request),
                                                              logger: context.logger))
        }

        // The opening session: every sealed offer opened at once, then the PV d'ouverture issued.
        router.post("/api/cases/{id}/opening") { request, context -> OpeningDTO in
            let id = try context.caseID("id")
            let body = try await json.decode(OpeningRequest.self, from: request)
            let result = try await app.openOffers.run(id, present: body.present, members: body.members, actor: try context.actor(request), logger: context.logger)
            return OpeningDTO(offers: result.offers.map(OpenedOfferDTO.init), report: IssuedReportDTO(result.report), case: CaseDetailDTO(result.view))
        }
    }
}

extension RequestContext {
    /// A case id from the path; anything that is not a UUID cannot name a case: 404.
    func caseID(_ name: String) throws -> UUID {
        guard let raw = self.parameters.get(name), let id = UUID(uuidString: raw) else { throw APIError.unknownCase }
        return id
    }
}

extension Request {
    static let actorHeader = HTTPField.Name("X-DMS-Actor")!

    /// Development mode only: the name a client gives in `X-DMS-Actor` (ignored once auth is on).
    func developmentActor() throws -> Principal {
        let values = self.headers[values: Self.actorHeader]
        guard values.count <= 1 else { throw ValidationError(field: "X-DMS-Actor", message: "un seul en-tête X-DMS-Actor attendu") }
        // Bytes that are not UTF-8 arrive as U+FFFD: refused rather than stored garbled forever.
        guard !(values.first ?? "").unicodeScalars.contains("\u{FFFD}") else {
            throw ValidationError(field: "X-DMS-Actor", message: "doit être du texte UTF-8")
        }
        return try Principal(values.first)
    }
}
