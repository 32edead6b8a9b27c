import DMSDocuments
import DMSStore

extension UseCases {
    /// Tools the use cases run: missing is a start-up error, not a 500 on the first analysis.
    public static func checkRequirements() throws {
        do {
            try TextExtractor().checkAvailable()
        } catch {
            throw ConfigError("pdftotext (poppler-utils) is missing: apt-get install poppler-utils")
        }
    }
}
