import Foundation

/// A CBA or PV as the committee issued it: a numbered version per case and kind, with the hash of
/// its exact bytes and the memory head of the state it describes.
public struct IssuedReport: Sendable, Hashable {
    public let id: UUID
    public let caseID: UUID
    public let kind: ReportKind
    public let version: Int
    public let filename: String
    public let mediaType: MediaType
    public let size: Int
    public let sha256: String
    public let memoryHead: String
    public let issuedBy: String
    public let issuedAt: Timestamp

    public init(id: UUID, caseID: UUID, kind: ReportKind, version: Int, filename: String, mediaType: MediaType, size: Int,
                sha256: String, memoryHead: String, issuedBy: String, issuedAt: Timestamp) {
        self.id = id
        self.caseID = caseID
        self.kind = kind
        self.version = version
        self.filename = filename
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
        self.memoryHead = memoryHead
        self.issuedBy = issuedBy
        self.issuedAt = issuedAt
    }
}

/// Everything a report is rendered from, read in one consistent snapshot.
public struct ReportSnapshot: Sendable, Hashable {
    public let detail: CaseDetail
    public let analysis: CaseAnalysis?
    /// The hash of the case's last event other than report events: the state a report describes.
    /// Issuing a report appends an event, but does not change what the next report says.
    public let stateHead: String
    /// When that state was reached (the time of that event).
    public let stateAt: Timestamp
    /// The case's committee with each member's declaration.
    public let committee: [CommitteeMember]
    /// The offers' price lines with their market references (as of the state's day).
    public let priceLines: [OfferPriceLine]
    /// The memory's latest sealed checkpoint when the report was rendered (printed beside the
    /// case's head, so a paper copy also anchors the global chain).
    public let checkpoint: Checkpoint?
    /// What links offers of different suppliers, as the current analysis found it (the CBA's `Indices`).
    public let integrity: [IntegrityLink]

    public init(detail: CaseDetail, analysis: CaseAnalysis?, committee: [CommitteeMember] = [], priceLines: [OfferPriceLine] = [],
                checkpoint: Checkpoint? = nil, integrity: [IntegrityLink] = []) {
        self.detail = detail
        self.analysis = analysis
        self.committee = committee
        self.priceLines = priceLines
        self.checkpoint = checkpoint
        self.integrity = integrity
        let state = detail.stateEvent
        self.stateHead = state?.hash ?? HashChain.genesis
        self.stateAt = state?.at ?? detail.case.createdAt
    }
}
