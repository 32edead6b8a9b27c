import Foundation

/// Who publishes the OCDS data and under which prefix: `DMS_OCDS_PREFIX` and
/// `DMS_ORGANISATION_NAME`, checked at start.
public struct OCDSPublisher: Sendable, Hashable {
    /// A placeholder prefix in the registered form; an organisation registers its own
    /// (`ocds-` and six lowercase letters or digits) with the Open Contracting Partnership.
    public static let defaultPrefix = "ocds-dms000"
    public static let defaultOrganisationName = "Organisation acheteuse"

    /// The ocid prefix: every case's `ocid` is `<prefix>-<case id>`.
    public let prefix: String
    /// The buyer and procuring entity named in every release, and the package's publisher.
    public let organisationName: String

    public init(prefix: String = Self.defaultPrefix, organisationName: String = Self.defaultOrganisationName) {
        self.prefix = prefix
        self.organisationName = organisationName
    }

    /// Why the settings cannot be used, in one line naming the variable to set; nil when they can.
    public var problem: String? {
        if !Self.isValidPrefix(self.prefix) {
            return "DMS_OCDS_PREFIX must be ocds- followed by six lowercase letters or digits (e.g. \(Self.defaultPrefix)), got '\(self.prefix.prefix(40))'"
        }
        let name = self.organisationName
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.unicodeScalars.count > 200
            || name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
            return "DMS_ORGANISATION_NAME must be 1 to 200 characters on one line"
        }
        return nil
    }

    /// `^ocds-[a-z0-9]{6}$`, the form of a registered OCDS prefix.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 11, prefix.hasPrefix("ocds-") else { return false }
        return bytes[5...].allSatisfy { (48...57).contains($0) || (97...122).contains($0) }
    }
}
