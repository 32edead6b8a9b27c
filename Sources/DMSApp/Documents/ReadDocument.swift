import DMSCore
import DMSStore
import Foundation
import Logging
import NIOCore

/// A stored document's description and exact bytes.
public struct ReadDocument: Sendable {
    let documents: DocumentRepository
    let procedures: ProcedureRepository

    /// A sealed offer's id is known (its receipt) but its bytes are not readable: 409, not 404.
    public func run(_ id: UUID, logger: Logger) async throws -> (Document, ByteBuffer) {
        do {
            return try await self.documents.content(id: id, logger: logger)
        } catch DocumentError.notFound {
            if try await self.procedures.isSealedOffer(id, logger: logger) { throw ProcedureError.sealed }
            throw DocumentError.notFound(id)
        }
    }
}
