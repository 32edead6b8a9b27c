/// The two kinds of purchase a committee runs.
public enum CaseType: String, Sendable, CaseIterable {
    /// Dossier d'appel d'offres: a formal tender.
    case dao = "DAO"
    /// Demande de cotation: a request for quotations.
    case rfq = "RFQ"
}
