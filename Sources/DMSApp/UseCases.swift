import CoreMetrics
import DMSCore
import DMSDocuments
import DMSStore

/// Every operation DMS offers, built once over one database. The JSON API and the web pages call
/// these and nothing else: a route decodes its input, calls one use case, encodes the result.
public struct UseCases: Sendable {
    public let createCase: CreateCase
    public let listCases: ListCases
    public let readCase: ReadCase
    public let decideCase: DecideCase
    public let updateCase: UpdateCase
    public let matchPriceLine: MatchPriceLine
    public let uploadDocuments: UploadDocuments
    public let openOffers: OpenOffers
    public let readDocument: ReadDocument
    public let analyzeCase: AnalyzeCase
    public let correctOffer: CorrectOffer
    public let editCriteria: EditCriteria
    public let analysisHistory: AnalysisHistory
    public let integrity: ReadIntegrity
    public let renderReport: RenderReport
    public let issueReport: IssueReport
    public let listReports: ListReports
    public let readReport: ReadReport
    public let searchMemory: SearchMemory
    public let similarCases: SimilarCases
    public let memoryHead: ReadMemoryHead
    public let exportMemory: ExportMemory
    public let checkpoints: Checkpoints
    public let idempotency: Idempotency
    public let archive: ExportArchive
    public let checkHealth: CheckHealth
    public let memoryProgress: ReadMemoryProgress
    public let users: ManageUsers
    public let tokens: ManageTokens
    public let sessions: Sessions
    public let authenticate: Authenticate
    public let committee: ManageCommittee
    public let catalog: ManageCatalog
    public let market: MarketSignals
    public let ocds: PublishOCDS

    /// `metrics`: where uploads and analyses are measured (the server's registry; nowhere by default).
    /// `sealKey`: the server's key that seals offers before their opening session (`DMS_SEAL_KEY`).
    public init(database: Database, settings: AppSettings = AppSettings(), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                sealKey: SealKey? = nil) {
        let cases = CaseRepository(database: database)
        let procedures = ProcedureRepository(database: database, sealKey: sealKey)
        let analyses = AnalysisRepository(database: database)
        let reports = ReportRepository(database: database)
        let memory = MemoryRepository(database: database)
        let documents = DocumentRepository(database: database, sealKey: sealKey)
        let pricing = PricingRepository(database: database)
        let readCase = ReadCase(cases: cases, analyses: analyses, pricing: pricing)
        let renderer = ReportRenderer()
        self.createCase = CreateCase(cases: cases)
        self.listCases = ListCases(cases: cases)
        self.readCase = readCase
        self.decideCase = DecideCase(cases: cases, read: readCase, quorum: settings.quorum)
        self.updateCase = UpdateCase(cases: cases, procedures: procedures, read: readCase)
        self.matchPriceLine = MatchPriceLine(pricing: pricing, read: readCase)
        self.uploadDocuments = UploadDocuments(documents: documents, sniffer: MediaSniffer(),
                                               uploadedBytes: Counter(label: UploadDocuments.uploadedBytesMetric, factory: metrics))
        self.readDocument = ReadDocument(documents: documents, procedures: procedures)
        self.analyzeCase = AnalyzeCase(analyses: analyses, procedures: procedures, extractor: TextExtractor(), metadata: MetadataReader(),
                                       duration: CoreMetrics.Timer(label: AnalyzeCase.durationMetric, factory: metrics))
        self.correctOffer = CorrectOffer(analyses: analyses)
        self.editCriteria = EditCriteria(analyses: analyses)
        self.analysisHistory = AnalysisHistory(analyses: analyses)
        self.integrity = ReadIntegrity(integrity: IntegrityRepository(database: database))
        self.renderReport = RenderReport(reports: reports, cases: cases, renderer: renderer)
        self.issueReport = IssueReport(reports: reports, renderer: renderer)
        self.openOffers = OpenOffers(procedures: procedures, issue: self.issueReport, read: readCase, quorum: settings.quorum)
        self.listReports = ListReports(reports: reports)
        self.readReport = ReadReport(reports: reports)
        self.searchMemory = SearchMemory(memory: memory)
        self.similarCases = SimilarCases(memory: memory, cases: cases)
        self.memoryHead = ReadMemoryHead(memory: memory)
        self.exportMemory = ExportMemory(memory: memory)
        self.checkpoints = Checkpoints(checkpoints: CheckpointRepository(database: database))
        self.idempotency = Idempotency(keys: IdempotencyRepository(database: database))
        self.archive = ExportArchive(archives: ArchiveRepository(database: database))
        self.checkHealth = CheckHealth(probe: HealthProbe(database: database))
        self.memoryProgress = ReadMemoryProgress(probe: MemoryProgressProbe(database: database))
        let accounts = AccountRepository(database: database)
        let passwords = Passwords(cost: settings.bcryptCost)
        self.users = ManageUsers(accounts: accounts, passwords: passwords)
        self.tokens = ManageTokens(accounts: accounts)
        self.sessions = Sessions(accounts: accounts, passwords: passwords, lifetime: settings.sessionLifetime)
        self.authenticate = Authenticate(accounts: accounts)
        self.committee = ManageCommittee(committees: CommitteeRepository(database: database), accounts: accounts)
        self.catalog = ManageCatalog(catalog: CatalogRepository(database: database))
        self.market = MarketSignals(market: MarketRepository(database: database))
        self.ocds = PublishOCDS(ocds: OCDSRepository(database: database), publisher: settings.ocds)
    }
}

/// The organisation's settings the use cases apply.
public struct AppSettings: Sendable, Hashable {
    /// Voting members present for a committee decision, the president among them.
    public var quorum: Int
    public var sessionLifetime: Duration
    public var bcryptCost: UInt8
    /// `DMS_OCDS_PREFIX` and `DMS_ORGANISATION_NAME`: who publishes the OCDS releases.
    public var ocds: OCDSPublisher

    public init(quorum: Int = Quorum.defaultSize, sessionLifetime: Duration = .seconds(12 * 3600), bcryptCost: UInt8 = 12,
                ocds: OCDSPublisher = OCDSPublisher()) {
        self.quorum = quorum
        self.sessionLifetime = sessionLifetime
        self.bcryptCost = bcryptCost
        self.ocds = ocds
    }
}
