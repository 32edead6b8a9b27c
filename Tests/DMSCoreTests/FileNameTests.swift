import DMSCore
import Foundation
import Testing

@Suite("File names are for display only")
struct FileNameTests {
    @Test("path parts, control characters and leading dots are removed", arguments: [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\awa\\offre.pdf", "offre.pdf"),
        ("offre\u{0}\u{7}.pdf", "offre.pdf"),
        ("..", "document.pdf"),
        (".htaccess", "htaccess"),
        ("", "document.pdf"),
        ("   ", "document.pdf"),
        ("Offre « Société Générale » 🇲🇱.pdf", "Offre « Société Générale » 🇲🇱.pdf"),
    ])
    func sanitize(raw: String, expected: String) {
        #expect(FileName.sanitize(raw, fallbackExtension: "pdf") == expected)
    }

    @Test("names are NFC-normalised")
    func nfc() {
        let decomposed = "Se\u{301}gou.pdf"
        #expect(FileName.sanitize(decomposed, fallbackExtension: "pdf") == "S\u{E9}gou.pdf")
    }

    @Test("long names are cut to 255 bytes on a character boundary, keeping the extension")
    func long() {
        let name = FileName.sanitize(String(repeating: "é", count: 300) + ".docx", fallbackExtension: "docx")
        #expect(name.utf8.count <= 255)
        #expect(name.hasSuffix("é.docx"))
    }

    @Test("missing names get a generic one with the real extension")
    func missing() {
        #expect(FileName.sanitize(nil, fallbackExtension: "xlsx") == "document.xlsx")
    }
}

@Suite("File names that are one huge grapheme")
struct FileNameClusterTests {
    @Test("a single cluster over 255 bytes is cut scalar by scalar, never to nothing", arguments: [
        "a" + String(repeating: "\u{301}", count: 200),
        String(repeating: "👩\u{200D}", count: 40) + ".pdf",
    ])
    func cluster(raw: String) {
        let name = FileName.sanitize(raw, fallbackExtension: "pdf")
        #expect(!name.isEmpty && name.utf8.count <= 255)
    }
}
