import Foundation
import Hummingbird

/// The API's own description: `/api/openapi.json` (OpenAPI 3.1, kept in the repository and
/// checked against the real routes by a test) and a readable French page at `/api/docs`.
struct APIDocsRoutes {
    let openAPI: ByteBuffer

    /// Loaded once at start: a missing description is a packaging error, caught before serving.
    static func load() throws -> APIDocsRoutes {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw DocsMissing()
        }
        return APIDocsRoutes(openAPI: ByteBuffer(data: try Data(contentsOf: url)))
    }

    struct DocsMissing: Error, CustomStringConvertible {
        var description: String { "openapi.json is missing from the dms_DMSServer resource bundle" }
    }

    /// Every documented operation, for 405 answers.
    func routeTable() throws -> RouteTable {
        try RouteTable(openAPI: Data(buffer: self.openAPI), extra: ["/api/openapi.json": ["GET"], "/api/docs": ["GET"]])
    }

    func register(on router: Router<AppRequestContext>) {
        let document = self.openAPI
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document))
        }
        router.get("/api/docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.page)))
        }
    }

    /// A self-contained page (no CDN: users may be offline) that lists the operations.
    static let page = """
        <!doctype html>
        <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>DMS — API</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
        h1{font-size:1.5rem}code{background:#f2f4f7;padding:.1rem .3rem;border-radius:3px}
        .op{border:1px solid #d0d7de;border-radius:6px;margin:.8rem 0;padding:.6rem .8rem}
        .m{font-weight:700;display:inline-block;min-width:4.5rem}.get{color:#0969da}.post{color:#1a7f37}.patch{color:#9a6700}
        .st{color:#57606a;font-size:.9rem}
        </style></head><body>
        <h1>DMS — Decision Memory System : API</h1>
        <p>Description complète au format OpenAPI 3.1 : <a href="/api/openapi.json"><code>/api/openapi.json</code></a>.
        Les erreurs ont toujours la forme <code>{"error": {"code", "message", "field"?, "request_id"}}</code> ;
        <code>request_id</code> est aussi dans l'en-tête <code>X-Request-Id</code> de chaque réponse.</p>
        <div id="ops">Chargement…</div>
        <script>
        fetch('/api/openapi.json').then(r => r.json()).then(doc => {
          const root = document.getElementById('ops'); root.textContent = '';
          for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
            const div = document.createElement('div'); div.className = 'op';
            const head = document.createElement('div');
            const m = document.createElement('span'); m.className = 'm ' + method; m.textContent = method.toUpperCase();
            const p = document.createElement('code'); p.textContent = path;
            head.append(m, p); div.append(head);
            const summary = document.createElement('div'); summary.textContent = op.summary || ''; div.append(summary);
            const st = document.createElement('div'); st.className = 'st';
            st.textContent = 'Réponses : ' + Object.keys(op.responses || {}).join(', '); div.append(st);
            root.append(div);
          }
        }).catch(() => { document.getElementById('ops').textContent = 'Description indisponible.'; });
        </script></body></html>
        """
}
