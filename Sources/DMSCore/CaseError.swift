import Foundation

/// What can go wrong with a case, in the domain's words. The server maps each to an HTTP status.
public enum CaseError: Error, Sendable, Hashable {
    case notFound(UUID)
    case alreadyDecided(UUID)
}
