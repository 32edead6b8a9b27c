import Foundation

/// A metadata field of an office or PDF file that can tie two files to one person, one
/// organisation or one machine.
public enum MetadataField: String, Sendable, Hashable, CaseIterable {
    /// DOCX/XLSX `dc:creator`, PDF `Author`.
    case author
    /// DOCX/XLSX `cp:lastModifiedBy`.
    case lastModifiedBy = "last_modified_by"
    /// DOCX/XLSX `docProps/app.xml` `Company`.
    case company
    /// DOCX `docProps/app.xml` `Template` (`Normal.dotm` is everyone's and ignored).
    case template
    /// PDF `Creator`: the program the PDF was made from (a scanner's name is one).
    case creatorTool = "creator_tool"
    /// PDF `Producer`.
    case producer

    /// How the field is named in a French sentence.
    var label: String {
        switch self {
        case .author: "auteur de document"
        case .lastModifiedBy: "dernier rédacteur (enregistré par)"
        case .company: "société dans les propriétés du fichier"
        case .template: "modèle de document"
        case .creatorTool: "logiciel ou appareil de création du PDF"
        case .producer: "producteur du PDF"
        }
    }

    /// Author and last editor name people: the same name in either field is the same person.
    var isPerson: Bool { self == .author || self == .lastModifiedBy }
}

/// What a document's own properties say about who made it, with what, and when.
public struct DocumentMetadata: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        /// DOCX or XLSX: `docProps/core.xml` and `docProps/app.xml`.
        case office
        /// PDF: the document information dictionary, as `pdfinfo` reads it.
        case pdf
    }

    public let documentID: UUID
    public let sha256: String
    public let format: Format
    /// Values as written (trimmed); absent when the file does not give one.
    public let values: [MetadataField: String]
    /// When the file says it was created (DOCX `dcterms:created`, PDF `CreationDate`).
    public let created: Date?

    public init(documentID: UUID, sha256: String, format: Format, values: [MetadataField: String], created: Date?) {
        self.documentID = documentID
        self.sha256 = sha256
        self.format = format
        self.values = values.compactMapValues { value in
            let trimmed = value.trimmingWhitespace()
            return trimmed.isEmpty ? nil : String(trimmed.prefix(300))
        }
        self.created = created
    }

    /// Where in the file the field is, for the evidence.
    func location(_ field: MetadataField) -> String {
        switch (self.format, field) {
        case (.office, .author): "propriétés du fichier : auteur (docProps/core.xml, dc:creator)"
        case (.office, .lastModifiedBy): "propriétés du fichier : enregistré par (docProps/core.xml, cp:lastModifiedBy)"
        case (.office, .company): "propriétés du fichier : société (docProps/app.xml, Company)"
        case (.office, .template): "propriétés du fichier : modèle (docProps/app.xml, Template)"
        case (.office, .creatorTool), (.office, .producer): "propriétés du fichier (docProps/app.xml)"
        case (.pdf, .author): "propriétés du PDF : Author"
        case (.pdf, .creatorTool): "propriétés du PDF : Creator"
        case (.pdf, .producer): "propriétés du PDF : Producer"
        case (.pdf, _): "propriétés du PDF"
        }
    }

    var createdLocation: String {
        self.format == .office ? "propriétés du fichier : créé le (docProps/core.xml, dcterms:created)" : "propriétés du PDF : CreationDate"
    }
}

/// Metadata values compared the way people type them, and the values that say nothing.
public enum MetadataValue {
    /// Lower case, accents and punctuation folded, spaces collapsed: `K. Traoré` = `k traore`.
    public static func normalize(_ value: String) -> String {
        FoldedWords.strings(value).joined(separator: " ")
    }

    /// Values every computer writes by default: they tie nobody to anybody.
    static let generic: Set<String> = [
        "", "utilisateur", "user", "users", "admin", "administrateur", "administrator", "administrateur windows", "microsoft office user",
        "utilisateur de microsoft office", "utilisateur microsoft office", "utilisateur windows", "windows user", "windows", "anonymous", "anonyme",
        "pc", "mon pc", "my pc", "owner", "proprietaire", "unknown", "inconnu", "default", "defaut", "auteur", "author", "client", "guest",
        "invite", "hp", "hp inc", "hewlett packard", "dell", "dell inc", "lenovo", "acer", "asus", "toshiba", "samsung", "sony", "apple",
        "normal", "normal dotm", "normal dot", "normal dotx", "blank", "blank dotx", "sans titre", "untitled", "document", "microsoft",
        "microsoft corporation", "home", "maison", "personal", "personnel", "prive", "particulier", "organisation", "organization", "company",
        "societe", "entreprise", "compte microsoft", "votre nom", "your name", "nom", "name", "test", "x", "xx", "xxx", "na", "n a", "none",
        "null", "nil", "unspecified", "non specifie", "untitled document", "word", "excel", "office", "python docx", "openpyxl",
    ]

    /// Programs and libraries that millions of files name as their maker (`Microsoft® Word 2016`,
    /// `LibreOffice 7.5`, `ReportLab PDF Library`): a PDF made with one of them says nothing about
    /// who made it. A scanner or copier model (`Canon iR-ADV C5535`) is not on this list.
    static let genericSoftware: [String] = [
        "microsoft", "word", "excel", "powerpoint", "office", "libreoffice", "openoffice", "writer", "calc", "acrobat", "adobe", "pdfcreator",
        "ghostscript", "gpl ghostscript", "skia", "quartz", "mac os", "macos", "ios", "pscript", "nitro", "foxit", "wps", "kingsoft", "google",
        "chromium", "chrome", "mozilla", "firefox", "pdftex", "xetex", "luatex", "latex", "camscanner", "ilovepdf", "smallpdf", "abbyy",
        "pdf xchange", "dopdf", "novapdf", "cutepdf", "primopdf", "bullzip", "pdf24", "cairo", "poppler", "qt", "wkhtmltopdf", "itext",
        "pdfsharp", "reportlab", "tcpdf", "fpdf", "dompdf", "mpdf", "pdfkit", "prince", "aspose", "pdfium", "pdf architect", "soda pdf",
        "sejda", "pdfelement", "wondershare", "onlyoffice", "apache fop", "jasperreports", "crystal reports", "print to pdf", "anonymous",
        "unknown", "windows", "win2pdf", "docx4j", "python docx", "openpyxl", "pypdf", "pdfminer", "ghostpdl", "epson scan",
        "adobe scan", "microsoft lens", "office lens", "genius scan", "tiny scanner", "pdf scanner", "evernote", "dropbox", "icloud",
    ]

    /// Whether a normalised value says nothing about who made the file.
    public static func isGeneric(_ normalized: String, field: MetadataField) -> Bool {
        if Self.generic.contains(normalized) { return true }
        let words = normalized.split(separator: " ")
        // Too short to name anyone, or only digits.
        if normalized.count < 3 || words.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return true }
        // `User1`, `utilisateur 2`, `admin-pc`, `PC 01`.
        let defaults: Set<Substring> = ["user", "utilisateur", "admin", "administrateur", "administrator", "pc", "owner", "guest", "invite", "poste"]
        if let first = words.first, defaults.contains(first), words.dropFirst().allSatisfy({ $0.count <= 4 }) { return true }
        if let first = words.first, first.hasPrefix("user") || first.hasPrefix("admin"), first.count <= 8, words.count == 1 { return true }
        if field == .creatorTool || field == .producer {
            // A word that starts like a known program (`pscript5`, `microsoft`), or a known phrase.
            let padded = " \(normalized) "
            return Self.genericSoftware.contains { entry in
                entry.contains(" ") ? padded.contains(" \(entry) ") : words.contains { $0.hasPrefix(entry) }
            }
        }
        return false
    }
}
