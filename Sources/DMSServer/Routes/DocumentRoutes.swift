import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird

/// Depositing files in a case and reading them back. What a file is comes from its bytes; its
/// name is kept for display only.
struct DocumentRoutes {
    let app: UseCases
    let upload: MultipartUpload

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/upload/{case_id}/{kind}") { request, context -> Response in
            let caseID = try context.caseID("case_id")
            let kind = context.parameters.get("kind")
            _ = try UploadDocuments.kind(kind)  // refused before the body is read
            let actor = try context.actor(request)
            let files = try await upload.read(request)
            let outcomes = try await app.uploadDocuments.run(files, kind: kind, caseID: caseID, actor: actor, logger: context.logger)
            let sealed = outcomes.compactMap { if case .sealed(let offer) = $0 { offer } else { nil } }
            let stored = outcomes.compactMap { if case .stored(let document) = $0 { document } else { nil } }
            if !sealed.isEmpty {
                // Offers sealed until the opening session: their receipts, nothing that names the supplier.
                return try EditedResponse(status: .created, response: SealedUploadDTO(documents: stored.map { DocumentDTO($0.document) },
                                                                                       sealedOffers: sealed.map(SealedOfferDTO.init)))
                    .response(from: request, context: context)
            }
            let status: HTTPResponse.Status = stored.contains(where: \.created) ? .created : .ok
            if stored.count == 1 {
                return try EditedResponse(status: status, response: DocumentDTO(stored[0].document)).response(from: request, context: context)
            }
            return try EditedResponse(status: status, response: DocumentListDTO(documents: stored.map { DocumentDTO($0.document) }))
                .response(from: request, context: context)
        }

        router.get("/api/documents/{id}") { request, context -> Response in
            guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw) else { throw DocumentError.notFound(UUID()) }
            let (document, content) = try await app.readDocument.run(id, logger: context.logger)
            return FileResponse.immutable(content, mediaType: document.mediaType, filename: document.filename, sha256: document.sha256, request: request)
        }
    }
}

struct SealedUploadDTO: ResponseEncodable, Sendable {
    let documents: [DocumentDTO]
    let sealedOffers: [SealedOfferDTO]

    enum CodingKeys: String, CodingKey {
        case documents
        case sealedOffers = "sealed_offers"
    }
}
