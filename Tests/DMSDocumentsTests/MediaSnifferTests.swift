import DMSCore
import DMSDocuments
import DMSTestSupport
import Foundation
import Testing

@Suite("What a file is, from its bytes")
struct MediaSnifferTests {
    let sniffer = MediaSniffer()

    @Test("PDF, DOCX and XLSX are recognised from their content")
    func recognised() throws {
        #expect(try sniffer.mediaType(of: SampleFiles.pdf()) == .pdf)
        #expect(try sniffer.mediaType(of: try SampleFiles.docx()) == .docx)
        #expect(try sniffer.mediaType(of: try SampleFiles.xlsx()) == .xlsx)
    }

    @Test("an executable, an image, text and a plain ZIP are unsupported, whatever their name")
    func unsupported() throws {
        let inputs: [Data] = [Data([0x4D, 0x5A, 0x90, 0x00]) + Data(count: 100), Data([0x89, 0x50, 0x4E, 0x47]), Data("hello".utf8),
                              try SampleFiles.zip([("readme.txt", "hello")])]
        for data in inputs {
            #expect {
                try sniffer.mediaType(of: data)
            } throws: { error in
                if case .unsupported = error as? DocumentError { return true }
                return false
            }
        }
    }

    @Test("Word 97-2003 is refused explicitly; a password-protected Office file is called encrypted")
    func ole() {
        #expect(throws: DocumentError.legacyOffice) { try sniffer.mediaType(of: SampleFiles.ole()) }
        #expect(throws: DocumentError.encrypted) { try sniffer.mediaType(of: SampleFiles.ole(encrypted: true)) }
    }

    @Test("an empty file, a truncated PDF and an encrypted PDF are refused")
    func pdfProblems() {
        #expect(throws: DocumentError.empty) { try sniffer.mediaType(of: Data()) }
        let truncated = SampleFiles.pdf().prefix(200)
        #expect { try sniffer.mediaType(of: truncated) } throws: { error in
            if case .corrupt = error as? DocumentError { return true }
            return false
        }
        var encrypted = SampleFiles.pdf()
        encrypted.replaceSubrange(encrypted.count - 30..<encrypted.count - 30, with: Data(" /Encrypt 6 0 R ".utf8))
        #expect(throws: DocumentError.encrypted) { try sniffer.mediaType(of: encrypted) }
    }

    @Test("a ZIP bomb is refused from its directory, before anything is inflated")
    func zipBomb() throws {
        let bomb = try SampleFiles.zipBomb(megabytes: 50)
        #expect(bomb.count < 1 << 20)
        #expect { try sniffer.mediaType(of: bomb) } throws: { error in
            if case .archiveTooLarge = error as? DocumentError { return true }
            return false
        }
    }

    @Test("archive limits: too many entries, and a part over its budget")
    func limits() throws {
        let many = try SampleFiles.zip((0..<30).map { ("f\($0).xml", "x") })
        #expect { try MediaSniffer(limits: ArchiveLimits(maxEntries: 10)).mediaType(of: many) } throws: { error in
            if case .archiveTooLarge = error as? DocumentError { return true }
            return false
        }
        let docx = try SampleFiles.docx()
        #expect { try MediaSniffer(limits: ArchiveLimits(maxPartBytes: 100)).mediaType(of: docx) } throws: { error in
            if case .archiveTooLarge = error as? DocumentError { return true }
            return false
        }
    }

    @Test("a corrupt ZIP is refused as corrupt")
    func corruptZip() throws {
        var docx = try SampleFiles.docx()
        docx = docx.prefix(docx.count / 2)
        #expect { try sniffer.mediaType(of: docx) } throws: { error in
            if case .corrupt = error as? DocumentError { return true }
            return false
        }
    }
}
