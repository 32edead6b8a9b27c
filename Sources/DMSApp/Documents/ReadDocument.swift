import DMSCore
import DMSStore
import Foundation
import Logging
import NIOCore

/// A stored document's description and exact bytes.
public struct ReadDocument: Sendable {
    let documents: DocumentRepository

    public func run(_ id: UUID, logger: Logger) async throws -> (Document, ByteBuffer) {
        try await self.documents.content(id: id, logger: logger)
    }
}
