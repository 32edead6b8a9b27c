import CoreMetrics
import DMSCore
import DMSDocuments
import DMSStore
import Foundation
import Logging

/// The "Analyser" button: read every DAO and offer document of a case, extract criteria and
/// offer facts, find what links offers of different suppliers (the integrity facts, from the same
/// text and the files' properties), store the result (replacing the previous one), and return it.
public struct AnalyzeCase: Sendable {
    let analyses: AnalysisRepository
    let procedures: ProcedureRepository
    let extractor: TextExtractor
    let metadata: MetadataReader
    /// How long each completed analysis took: reading the documents, extracting, storing.
    let duration: CoreMetrics.Timer

    public static let durationMetric = "dms_analysis_duration_seconds"

    public func run(caseID: UUID, actor: Principal, logger: Logger) async throws -> CaseAnalysis {
        try AccessPolicy.check(.analyzeCase, actor)
        // Offers are read only after the committee's opening session (when the case has a deadline).
        if try await self.procedures.sealsOffers(caseID: caseID, logger: logger) == true { throw ProcedureError.sealed }
        let start = ContinuousClock.now
        let (status, documents) = try await self.analyses.inputs(caseID: caseID, logger: logger)
        guard status != .decided else { throw CaseError.alreadyDecided(caseID) }
        var dao: [DocumentText] = []
        var offers: [DocumentText] = []
        var unreadable: [UUID: String] = [:]
        var properties: [UUID: DocumentMetadata] = [:]
        for (document, content) in documents {
            let data = Data(buffer: content)
            properties[document.id] = await self.metadata.metadata(of: data, mediaType: document.mediaType, documentID: document.id,
                                                                   sha256: document.sha256)
            // One bad file never blocks the case: it is reported, the others are read.
            do {
                let text = try await self.extractor.text(of: data, mediaType: document.mediaType,
                                                         documentID: document.id, sha256: document.sha256)
                if document.kind == .dao { dao.append(text) } else { offers.append(text) }
            } catch let error as CancellationError {
                throw error
            } catch {
                logger.warning("analysis: document unreadable", metadata: ["document": "\(document.id)", "error": "\(error)"])
                unreadable[document.id] = Self.describe(error)
            }
        }
        let inputs = documents.map { AnalysisInput(documentID: $0.0.id, kind: $0.0.kind, filename: $0.0.filename, sha256: $0.0.sha256) }
        let result = AnalysisResult.analyze(dao: dao, offers: offers, inputs: inputs, unreadable: unreadable)
        let scanStart = ContinuousClock.now
        let links = IntegrityScan.links(result: result, dao: dao, offers: offers, metadata: properties)
        logger.debug("analysis: integrity links", metadata: ["links": "\(links.count)", "duration": "\(ContinuousClock.now - scanStart)"])
        try await self.analyses.save(result, integrity: links, caseID: caseID, actor: actor, logger: logger)
        guard let stored = try await self.analyses.analysis(caseID: caseID, logger: logger) else { throw AnalysisError.noAnalysis }
        let elapsed = (ContinuousClock.now - start).components
        self.duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        return stored
    }

    /// Why a file could not be read, in the user's words.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DocumentError.encrypted: "document protégé par mot de passe"
        case DocumentError.corrupt(let why): "document endommagé : \(why)"
        case DocumentError.archiveTooLarge(let why): "archive hors limites : \(why)"
        case DocumentError.unsupported(let what): "format non pris en charge (\(what))"
        default: "lecture impossible (\(String(describing: error).prefix(200)))"
        }
    }
}
