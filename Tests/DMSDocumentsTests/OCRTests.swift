import DMSCore
import DMSDocuments
import DMSTestSupport
import Foundation
import Testing

/// Tesseract is optional: `scripts/test` installs it when it can; without it these tests are skipped.
let tesseractInstalled = TextExtractor().ocrAvailable

@Suite("Scanned PDFs read by OCR")
struct OCRTests {
    @Test("the shared scanned fixture is OCR'd: supplier and total low, with page and snippet, never high",
          .enabled(if: tesseractInstalled, "tesseract-ocr not installed (apt-get install tesseract-ocr tesseract-ocr-fra)"))
    func scannedFixture() async throws {
        let data = try SharedFixtures.data("IMG_20261102_0931.pdf")
        let clock = ContinuousClock()
        let start = clock.now
        let text = try await TextExtractor().text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        let elapsed = clock.now - start
        // Measured, not asserted: under a parallel test run the machine's cores are shared.
        print("OCR of IMG_20261102_0931.pdf (1 page, pdftotext + pdftoppm + tesseract): \(elapsed)")
        #expect(text.source == .ocr && !text.isEmpty && text.warnings.isEmpty, "\(text.warnings)")
        let facts = OfferExtractor.extract(text)
        #expect(facts.supplier.value?.contains("BARA KA") == true, "\(text.lines.map(\.text))")
        #expect(facts.totalAmount.value?.amount == 12_900_000, "\(text.lines.map(\.text))")
        for extracted in [facts.supplier.confidence, facts.totalAmount.confidence, facts.deliveryDays.confidence, facts.validityDays.confidence] {
            #expect(extracted != .high)
        }
        #expect(facts.supplier.confidence == .low && facts.totalAmount.confidence == .low)
        #expect(facts.totalAmount.source?.location == .page(1) && facts.totalAmount.source?.snippet.contains("12 900 000") == true)
        #expect(facts.supplier.source?.location == .page(1))
    }

    @Test("a page over its time budget (1 ms) is skipped with a warning",
          .enabled(if: tesseractInstalled, "tesseract-ocr not installed"))
    func tinyBudget() async throws {
        let data = try SharedFixtures.data("IMG_20261102_0931.pdf")
        let clock = ContinuousClock()
        let start = clock.now
        let text = try await TextExtractor(ocrPageBudget: .milliseconds(1)).text(of: data, mediaType: .pdf, documentID: UUID(), sha256: "x")
        // Pages queue for a core (`OCRSlots`): under a parallel test run this waits for others' pages.
        #expect(clock.now - start < .seconds(60))
        #expect(text.isEmpty)
        #expect(text.warnings.contains { $0.hasPrefix("page 1 : OCR au-delà de") }, "\(text.warnings)")
    }

    @Test("a tool that hangs is stopped at the page's budget")
    func hangingTool() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dms-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // `exec`: Foundation's Process sees a child end only when every process holding its
        // descriptors has ended, so a shell's own child would outlive it; tesseract does not fork.
        let script = folder.appendingPathComponent("tesseract")
        try Data("#!/bin/sh\nexec sleep 600\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let extractor = TextExtractor(tesseract: script.path, ocrPageBudget: .seconds(3))
        let clock = ContinuousClock()
        let start = clock.now
        let text = try await extractor.text(of: SampleFiles.pdf(pages: [[]]), mediaType: .pdf, documentID: UUID(), sha256: "x")
        // Far below the tool's 600 s, with room for a loaded machine and pages queued before it.
        #expect(clock.now - start < .seconds(90))
        #expect(text.isEmpty && text.warnings == ["page 1 : OCR au-delà de 3 s, page ignorée"])
    }

    @Test("pages beyond the cap are not OCR'd, with a warning", .enabled(if: tesseractInstalled, "tesseract-ocr not installed"))
    func pageCap() async throws {
        let text = try await TextExtractor(ocrMaxPages: 1).text(of: SampleFiles.pdf(pages: [[], [], []]), mediaType: .pdf, documentID: UUID(), sha256: "x")
        #expect(text.warnings == ["OCR limité à 1 page(s) : pages 2 à 3 non lues"])
    }
}
