import DMSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A corpus of hand-written hostile requests: each must get its documented 4xx, the server must
/// keep answering, and nothing may be stored.
@Suite("Hostile request corpus")
struct HostileCorpusTests {
    struct Probe {
        let method: HTTPRequest.Method
        let path: String
        let body: ByteBuffer?
        let contentType: String?
        let expected: Set<Int>
    }

    static let controls: [String] = (0x01...0x1F).map { String(format: "\\u%04x", $0) } + ["\\u007f", "\\u0085", "\\u009f", "\\u0000"]

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static func corpus(caseID: String) -> [Probe] {
        var probes: [Probe] = []
        func post(_ path: String, _ body: String, _ expected: Set<Int>) {
            probes.append(Probe(method: .post, path: path, body: json(body), contentType: "application/json", expected: expected))
        }
        // Titles: every control character, blank, wrong types, over-long.
        for control in Self.controls {
            post("/api/cases", #"{"case_type":"DAO","title":"a\#(control)b"}"#, [422])
            // In the middle: at the ends, white-space controls are trimmed like spaces.
            post("/api/cases", #"{"case_type":"RFQ","title":"x","lot":"l\#(control)m"}"#, [422])
            post("/api/decide/\(caseID)", #"{"chosen_supplier":"s\#(control)t","decision_reason":"r"}"#, [422])
        }
        for title in [#""""#, #""   ""#, "12", "true", "null", "[]", "{}", "1e400", #""\#(String(repeating: "é", count: 301))""#,
                      #""\#(String(repeating: "a", count: 5000))""#] {
            post("/api/cases", #"{"case_type":"DAO","title":\#(title)}"#, [400, 422])
        }
        for type in [#""""#, #""dao""#, #""Dao""#, #""XYZ""#, #""DAO ""#, "1", "null", "[]", "{}", #""' OR 1=1 --""#, #""DAO\u0000""#,
                     #""RFQ; DROP TABLE cases""#] {
            post("/api/cases", #"{"case_type":\#(type),"title":"x"}"#, [422])
        }
        for lot in ["5", "true", "[]", "{}", #""\#(String(repeating: "l", count: 101))""#] {
            post("/api/cases", #"{"case_type":"DAO","title":"x","lot":\#(lot)}"#, [422])
        }
        // Malformed JSON and framing.
        // (Foundation's JSONDecoder accepts a trailing comma, `{"title":"x",}`: lenient, not listed here.)
        for body in ["{", "}", "[", "nul", "tru", #"{"a":}"#, "{'case_type':'DAO'}",
                     #"{"case_type":"DAO","title":"x"} trailing"#, " ", #"{"case_type":"DAO","title":"x\"#,
                     String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
                     String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000),
                     #"{"case_type":"DAO","title":"\ud800"}"#] {
            post("/api/cases", body, [400, 422])
        }
        probes.append(Probe(method: .post, path: "/api/cases", body: ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), contentType: "application/json", expected: [400, 422]))
        probes.append(Probe(method: .post, path: "/api/cases", body: nil, contentType: "application/json", expected: [400]))
        for type in ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "json", "application/jsonx"] {
            probes.append(Probe(method: .post, path: "/api/cases", body: json(#"{"case_type":"DAO","title":"x"}"#), contentType: type, expected: [415]))
        }
        // Decisions: missing or wrong fields.
        for body in [#"{}"#, #"{"chosen_supplier":""}"#, #"{"chosen_supplier":"s","decision_reason":"  "}"#, #"{"chosen_supplier":1,"decision_reason":"r"}"#,
                     #"{"chosen_supplier":"s","decision_reason":["r"]}"#, #"{"chosen_supplier":"s","decision_reason":"r","next_action":7}"#,
                     #"{"chosen_supplier":"\#(String(repeating: "s", count: 301))","decision_reason":"r"}"#,
                     #"{"chosen_supplier":"s","decision_reason":"\#(String(repeating: "r", count: 5001))"}"#,
                     #"{"chosen_supplier":null,"decision_reason":"r"}"#, #"{"chosen_supplier":"s","decision_reason":null}"#,
                     #"{"chosen_supplier":"s","decision_reason":"r","next_action":"\#(String(repeating: "n", count: 1001))"}"#] {
            post("/api/decide/\(caseID)", body, [422])
        }
        // Hostile ids everywhere an id goes.
        let ids = ["..%2F..%2Fetc%2Fpasswd", "..", "%00", "1", "-1", "0x41", "'%20OR%20'1'='1", "%27%3B%20DROP%20TABLE%20cases%3B--",
                   "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
                   String(repeating: "a", count: 2000), "%E2%80%AE", "null", "undefined", "%20", "%09", "{id}", "*", "%25"]
        for id in ids {
            probes.append(Probe(method: .get, path: "/api/cases/\(id)", body: nil, contentType: nil, expected: [404]))
            probes.append(Probe(method: .get, path: "/api/documents/\(id)", body: nil, contentType: nil, expected: [404]))
            post("/api/decide/\(id)", #"{"chosen_supplier":"s","decision_reason":"r"}"#, [404])
            post("/api/analyze/\(id)", "{}", [404])
            probes.append(Probe(method: .get, path: "/api/download/\(id)/cba", body: nil, contentType: nil, expected: [404]))
        }
        // Query parameters.
        for query in ["limit=0", "limit=-5", "limit=201", "limit=abc", "limit=1e9", "limit=99999999999999999999", "status=OPEN", "status=closed",
                      "case_type=dao", "cursor=%00", "cursor=%27", "cursor=" + String(repeating: "A", count: 500), "q=" + String(repeating: "x", count: 201),
                      "q=%00"] {
            probes.append(Probe(method: .get, path: "/api/cases?\(query)", body: nil, contentType: nil, expected: [422]))
        }
        for query in ["", "q=", "q=%20", "q=x&limit=0", "q=x&limit=101", "q=x&from=2026-13-01", "q=x&to=hier", "q=x&case_type=X",
                      "q=" + String(repeating: "y", count: 201), "q=a%01b"] {
            probes.append(Probe(method: .get, path: "/api/memory/search?\(query)", body: nil, contentType: nil, expected: [422]))
        }
        for type in ["", "ouvert", "analyses", "%00", "analyse%27", "ouverture%00"] {
            probes.append(Probe(method: .get, path: "/api/download/\(caseID)/pv?type=\(type)", body: nil, contentType: nil, expected: [422]))
        }
        for kind in ["DAO", "offers", "..", "%2e%2e", "cba", "template", "%00"] {
            probes.append(Probe(method: .post, path: "/api/upload/\(caseID)/\(kind)", body: MultipartBody(file: SampleFiles.pdf(), filename: "a.pdf").buffer,
                                contentType: MultipartBody().headers[.contentType], expected: [404, 422]))
        }
        return probes
    }

    @Test("every hostile request gets its documented 4xx, the server stays up, and nothing is stored")
    func corpus() async throws {
        try await withTestApp { client, config in
            let id = try #require(try await client.createCase(title: "Cible")["id"] as? String)
            let probes = Self.corpus(caseID: id)
            #expect(probes.count >= 300)
            for probe in probes {
                var headers: HTTPFields = [:]
                if let type = probe.contentType { headers[.contentType] = type }
                let response = try await client.execute(uri: probe.path, method: probe.method, headers: headers, body: probe.body)
                #expect(probe.expected.contains(Int(response.status.code)), "\(probe.method) \(probe.path.prefix(120)) → \(response.status.code) \(response.text.prefix(200))")
                #expect(response.errorCode != nil, "\(probe.path.prefix(80)) has no JSON error")
            }
            #expect(try await client.send(.get, "/api/health").status == .ok)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM cases") == 1)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM decisions") == 0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM documents") == 0)
            #expect(try await TestDatabase.integer(config, "SELECT count(*) FROM events") == 1)
        }
    }
}
