import DMSApp
import DMSCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The French pages. Each handler decodes the form, calls the same use case as the JSON API, and
/// renders a page or redirects (post/redirect/get). Forms carry the session's CSRF token in
/// `_csrf` (uploads in the action's query), checked here before anything is done.
struct WebRoutes {
    let app: UseCases
    let pages: WebPages
    let upload: MultipartUpload
    let cookieSecure: Bool

    func register(on router: Router<AppRequestContext>) {
        router.get("/static/dms.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: self.pages.css))
        }
        router.get("/connexion") { request, context in
            self.pages.page("connexion", self.chromeModel(context, title: "Connexion", signedIn: false).merging(["email": ""]) { $1 })
        }
        router.post("/connexion") { request, context -> Response in
            let form = try await FormBody(request)
            do {
                let signedIn = try await self.app.sessions.signIn(email: form["email"], password: form["password"],
                                                                  clientAddress: context.clientAddress, logger: context.logger)
                var response = WebPages.redirect("/")
                response.headers[.setCookie] = AccountRoutes.sessionCookie(signedIn.sessionSecret, maxAge: Int(signedIn.lifetime.components.seconds),
                                                                           request: request, alwaysSecure: self.cookieSecure)
                return response
            } catch {
                let message: String
                let status: HTTPResponse.Status
                switch error {
                case AuthError.tooManyAttempts(let seconds):
                    (message, status) = ("Trop d'essais de connexion : réessayez dans \(max(1, (seconds + 59) / 60)) minute(s).", .tooManyRequests)
                case is AuthError, is ValidationError:
                    (message, status) = ("Adresse e-mail ou mot de passe incorrect.", .unauthorized)
                default: throw error
                }
                var model = self.chromeModel(context, title: "Connexion", signedIn: false)
                model["email"] = form["email"] ?? ""
                model["pageError"] = message
                return self.pages.page("connexion", model, status: status)
            }
        }
        router.post("/deconnexion") { request, context -> Response in
            let form = try await FormBody(request)
            try self.checkCSRF(form["_csrf"], context)
            if let secret = request.cookies[AuthMiddleware.sessionCookie]?.value, !secret.isEmpty {
                try await self.app.sessions.signOut(sessionSecret: secret, logger: context.logger)
            }
            var response = WebPages.redirect("/connexion")
            response.headers[.setCookie] = AccountRoutes.sessionCookie("", maxAge: 0, request: request, alwaysSecure: self.cookieSecure)
            return response
        }

        router.get("/") { request, context in try await self.html(context) { try await self.casesPage(request, context) } }
        router.get("/dossiers/nouveau") { _, context in
            try await self.html(context) {
                var model = self.chromeModel(context, title: "Nouveau dossier")
                model["isDAO"] = true
                return self.pages.page("nouveau", model)
            }
        }
        router.post("/dossiers") { request, context in try await self.html(context) { try await self.createCase(request, context) } }
        router.get("/dossiers/{id}") { request, context in
            try await self.html(context) {
                try await self.casePage(try context.caseID("id"), context, flash: Self.flash(request.uri.queryParameters["ok"].map(String.init)))
            }
        }
        router.get("/dossiers/{id}/similaires") { _, context in
            try await self.html(context) {
                let id = try context.caseID("id")
                let view = try await self.app.readCase.run(id, logger: context.logger)
                let similar = try await self.app.similarCases.run(to: id, logger: context.logger)
                var model = self.chromeModel(context, title: "Décisions proches")
                model["id"] = id.uuidString.lowercased()
                model["title"] = view.detail.case.title
                model["items"] = similar.map { ["caseID": $0.caseID.uuidString.lowercased(), "title": $0.title, "lot": $0.lot ?? "",
                                                "chosenSupplier": $0.chosenSupplier, "decisionReason": $0.decisionReason, "decidedAt": WebFormat.date($0.decidedAt)] }
                return self.pages.page("similaires", model)
            }
        }
        router.post("/dossiers/{id}/documents") { request, context in
            try await self.html(context) {
                let id = try context.caseID("id")
                let query = request.uri.queryParameters
                try self.checkCSRF(query["_csrf"].map(String.init), context)
                let files = try await self.upload.read(request)
                let stored = try await self.app.uploadDocuments.run(files, kind: query["type"].map(String.init), caseID: id,
                                                                    actor: try context.actor(request), logger: context.logger)
                let sealed = stored.filter { if case .sealed = $0 { true } else { false } }.count
                return WebPages.redirect("/dossiers/\(id.uuidString.lowercased())?ok=\(sealed > 0 ? "plis-\(sealed)" : "documents-\(stored.count)")#documents")
            }
        }
        router.post("/dossiers/{id}/analyse") { request, context in
            try await self.action(request, context, anchor: "analyse") { id, _, actor in
                _ = try await self.app.analyzeCase.run(caseID: id, actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/corrections") { request, context in
            try await self.action(request, context, anchor: "analyse", errorKey: "correction") { id, form, actor in
                let field = form["field"] ?? ""
                let value: JSONValue = field == "supplier" ? .string(form["value"] ?? "") : .number(Self.number(form["value"]) ?? -1)
                _ = try await self.app.correctOffer.run(caseID: id, supplierKey: form["supplier_key"] ?? "", field: field, value: value,
                                                        reason: form["reason"], actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/criteres") { request, context in
            try await self.action(request, context, anchor: "criteres", errorKey: "criterion") { id, form, actor in
                let points = Self.number(form.value("points"))
                let weight = Self.number(form.value("weight_percent"))
                if let raw = form.value("criterion_id") {
                    guard let criterion = UUID(uuidString: raw) else { throw AnalysisError.unknownCriterion(UUID()) }
                    if form["action"] == "delete" {
                        _ = try await self.app.editCriteria.delete(caseID: id, criterionID: criterion, reason: form["reason"], actor: actor, logger: context.logger)
                    } else {
                        _ = try await self.app.editCriteria.update(caseID: id, criterionID: criterion, label: form.value("label"), category: form.value("category"),
                                                                   points: points, weightPercent: weight, eliminatory: nil, reason: form["reason"],
                                                                   actor: actor, logger: context.logger)
                    }
                } else {
                    _ = try await self.app.editCriteria.add(caseID: id, label: form.value("label"), category: form.value("category") ?? "technique",
                                                            points: points, weightPercent: weight, eliminatory: false, reason: form["reason"],
                                                            actor: actor, logger: context.logger)
                }
            }
        }
        router.post("/dossiers/{id}/lieu") { request, context in
            try await self.action(request, context, anchor: "faits", errorKey: "place") { id, form, actor in
                _ = try await self.app.updateCase.run(id, place: form["place"], actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/procedure") { request, context in
            try await self.action(request, context, anchor: "procedure", errorKey: "procedure") { id, form, actor in
                let zone = form.value("time_zone") ?? "Africa/Bamako"
                let change = try ProcedureChange(deadlineAt: try WebFormat.instant(form.value("deadline"), zone: zone, field: "deadline_at"),
                                                 openingAt: try WebFormat.instant(form.value("opening"), zone: zone, field: "opening_at"),
                                                 timeZone: zone, budgetAmount: form.value("budget").flatMap(Self.number),
                                                 budgetCurrency: form.value("budget") == nil ? nil : form.value("currency"))
                _ = try await self.app.updateCase.run(id, place: nil, procedure: change, actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/ouverture") { request, context in
            try await self.action(request, context, anchor: "documents", errorKey: "opening") { id, form, actor in
                _ = try await self.app.openOffers.run(id, present: form.all("present"), members: nil, actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/prix") { request, context in
            try await self.action(request, context, anchor: "prix", errorKey: "match") { id, form, actor in
                _ = try await self.app.matchPriceLine.run(caseID: id, lineKey: form["line_key"] ?? "", item: form.value("item"), unit: form.value("unit"),
                                                          reason: form.value("reason"), actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/rapports") { request, context in
            try await self.action(request, context, anchor: "rapports") { id, form, actor in
                _ = try await self.app.issueReport.run(caseID: id, kind: form["kind"], members: nil, actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/comite") { request, context in
            try await self.action(request, context, anchor: "comite", errorKey: "committee") { id, form, actor in
                let lines = (form["members"] ?? "").split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
                    .filter { !$0.isEmpty }
                _ = try await self.app.committee.set(caseID: id, byEmail: lines.map { ($0[0], $0.count > 1 ? $0[1] : nil) }, actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/comite/declaration") { request, context in
            try await self.action(request, context, anchor: "comite") { id, form, actor in
                let noConflict = form["no_conflict"].map { $0 == "true" }
                _ = try await self.app.committee.declare(caseID: id, noConflict: noConflict, note: form.value("note"), actor: actor, logger: context.logger)
            }
        }
        router.post("/dossiers/{id}/decision") { request, context in
            try await self.action(request, context, anchor: "decision", errorKey: "decision") { id, form, actor in
                _ = try await self.app.decideCase.run(id, chosenSupplier: form["chosen_supplier"], decisionReason: form["decision_reason"],
                                                      nextAction: form.value("next_action"), present: form.all("present"), actor: actor, logger: context.logger)
            }
        }
        router.get("/recherche") { request, context in
            try await self.html(context) {
                let query = request.uri.queryParameters
                var model = self.chromeModel(context, title: "Recherche")
                let text = FormQuery(request)["q"] ?? ""
                model["q"] = text
                if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    let search = try MemorySearchQuery(text: text, caseType: nil, from: nil, to: nil, limit: "20", cursor: query["cursor"].map(String.init))
                    let page = try await self.app.searchMemory.run(search, logger: context.logger)
                    model["searched"] = true
                    model["hits"] = page.items.map { ["caseID": $0.caseID.uuidString.lowercased(), "title": $0.title, "caseType": $0.caseType.rawValue,
                                                      "status": WebFormat.status($0.status), "statusKey": $0.status.rawValue,
                                                      "createdAt": WebFormat.date($0.createdAt), "snippet": $0.snippet] }
                    if let next = page.nextCursor { model["nextPage"] = "/recherche?q=\(Self.encode(text))&cursor=\(Self.encode(next))" }
                }
                return self.pages.page("recherche", model)
            }
        }
        self.registerMarket(on: router)
    }

    // MARK: pages

    private func casesPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let status = query["statut"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let type = query["type"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let text = FormQuery(request)["q"] ?? ""
        let list = try CaseListQuery(limit: "50", cursor: query["cursor"].map(String.init), status: status, caseType: type,
                                     text: text.isEmpty ? nil : text)
        let page = try await self.app.listCases.run(list, logger: context.logger)
        var model = self.chromeModel(context, title: "Dossiers")
        model["cases"] = page.items.map(WebModels.caseRow)
        model["hasCases"] = !page.items.isEmpty
        model["filtered"] = status != nil || type != nil || !text.isEmpty
        model["q"] = text
        model["statuses"] = [("", "tous"), ("open", "ouvert"), ("analyzed", "analysé"), ("decided", "décidé")].map {
            ["value": $0.0, "label": $0.1, "selected": $0.0 == (status ?? "")]
        }
        model["types"] = [("", "tous"), ("DAO", "DAO"), ("RFQ", "RFQ")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == (type ?? "")] }
        if let next = page.nextCursor {
            model["nextPage"] = "/?statut=\(status ?? "")&type=\(type ?? "")&q=\(Self.encode(text))&cursor=\(Self.encode(next))"
        }
        if request.uri.queryParameters["ok"] == "cree" { model["flash"] = "Dossier créé." }
        return self.pages.page("dossiers", model)
    }

    private func createCase(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await FormBody(request)
        try self.checkCSRF(form["_csrf"], context)
        do {
            let created = try await self.app.createCase.run(caseType: form["case_type"], title: form["title"], lot: form["lot"],
                                                            actor: try context.actor(request), logger: context.logger)
            return WebPages.redirect("/dossiers/\(created.id.uuidString.lowercased())?ok=cree")
        } catch let error as ValidationError {
            // Nothing typed is lost: the form comes back filled, the message beside the field.
            var model = self.chromeModel(context, title: "Nouveau dossier")
            model["title"] = form["title"] ?? ""
            model["lot"] = form["lot"] ?? ""
            model["isDAO"] = form["case_type"] != "RFQ"
            model["isRFQ"] = form["case_type"] == "RFQ"
            model["errors"] = [error.field: error.message]
            return self.pages.page("nouveau", model, status: .unprocessableContent)
        }
    }

    private func casePage(_ id: UUID, _ context: AppRequestContext, flash: String? = nil, errors: [String: String] = [:],
                          form: [String: String] = [:], status: HTTPResponse.Status = .ok, pageError: String? = nil) async throws -> Response {
        let view = try await self.app.readCase.run(id, logger: context.logger)
        let reports = try await self.app.listReports.run(caseID: id, logger: context.logger)
        let committee = try await self.app.committee.read(caseID: id, logger: context.logger)
        let integrity = view.analysis == nil ? [] : try await self.app.integrity.caseLinks(caseID: id, logger: context.logger)
        var chrome = self.chrome(context, title: view.detail.case.title)
        chrome.flash = flash
        chrome.pageError = pageError
        let principal = try context.actor(Request.empty)
        var model = WebModels.casePage(view, reports: reports, committee: committee, integrity: integrity, principal: principal, chrome: chrome,
                                       errors: errors, form: form)
        if principal.has(.agent), view.detail.case.status != .decided {
            // Pick lists for the place and the price-line match (any close spelling is accepted).
            var seen = Set<String>()
            model["placeNames"] = try await self.app.catalog.names(.place, logger: context.logger).filter { seen.insert($0).inserted }
            if !view.priceLines.isEmpty {
                model["itemNames"] = try await self.app.catalog.names(.item, logger: context.logger)
                model["unitNames"] = try await self.app.catalog.names(.unit, logger: context.logger)
            }
        }
        return self.pages.page("dossier", model, status: status)
    }

    // MARK: helpers

    /// A form on the case page: CSRF, the use case, then back to the page at its section; a
    /// refusal re-renders the page with the French message beside the form and what was typed.
    private func action(_ request: Request, _ context: AppRequestContext, anchor: String, errorKey: String? = nil,
                        _ body: (UUID, FormBody, Principal) async throws -> Void) async throws -> Response {
        try await self.html(context) {
            let id = try context.caseID("id")
            let form = try await FormBody(request)
            try self.checkCSRF(form["_csrf"], context)
            do {
                try await body(id, form, try context.actor(request))
            } catch let error as ValidationError where errorKey != nil {
                let typed = Dictionary(form.pairs.filter { $0.0 != "_csrf" }, uniquingKeysWith: { $1 })
                return try await self.casePage(id, context, errors: [errorKey!: error.description], form: typed, status: .unprocessableContent)
            } catch let error as CatalogError where errorKey != nil {
                let typed = Dictionary(form.pairs.filter { $0.0 != "_csrf" }, uniquingKeysWith: { $1 })
                return try await self.casePage(id, context, errors: [errorKey!: error.description], form: typed, status: .unprocessableContent)
            }
            return WebPages.redirect("/dossiers/\(id.uuidString.lowercased())?ok=\(anchor)#\(anchor)")
        }
    }

    /// Errors on a page become a French page with the right status (403 names the role needed).
    func html(_ context: AppRequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as CancellationError {
            throw error
        } catch {
            guard let mapping = ErrorMapping.from(error) else { throw error }
            var model = self.chromeModel(context, title: "Erreur")
            model["heading"] = switch mapping.status.code {
            case 403: "Action non autorisée"
            case 404: "Introuvable"
            case 409: "Action impossible dans l'état du dossier"
            case 503: "Service momentanément indisponible"
            default: "Demande refusée"
            }
            model["message"] = mapping.message
            // What the user quotes to the operator: the request id, as in the logs.
            model["reference"] = context.id
            model["back"] = "/"
            return self.pages.page("erreur", model, status: mapping.status)
        }
    }

    func checkCSRF(_ sent: String?, _ context: AppRequestContext) throws {
        guard context.authMethod == .session else { return }  // development mode and bearer tokens: no cookie to forge
        guard let sent, let expected = context.csrfToken, AuthMiddleware.constantTimeEqual(sent, expected) else { throw AuthError.csrfTokenMissing }
    }

    func chrome(_ context: AppRequestContext, title: String, signedIn: Bool = true) -> Chrome {
        let name = context.principal?.value ?? (context.authMethod == .development ? "mode développement" : "")
        return Chrome(pageTitle: title, signedIn: signedIn, userName: name, csrf: context.csrfToken ?? (context.authMethod == .development ? "dev" : nil))
    }

    func chromeModel(_ context: AppRequestContext, title: String, signedIn: Bool = true) -> [String: Any] {
        let chrome = self.chrome(context, title: title, signedIn: signedIn)
        var model: [String: Any] = ["pageTitle": chrome.pageTitle, "signedIn": chrome.signedIn, "userName": chrome.userName]
        if let csrf = chrome.csrf { model["csrf"] = csrf }
        return model
    }

    /// The message after a form worked (post/redirect/get carries it as `?ok=`).
    static func flash(_ key: String?) -> String? {
        guard let key else { return nil }
        if key.hasPrefix("documents-") { return "Document(s) déposé(s) : \(key.dropFirst(10))." }
        if key.hasPrefix("plis-") { return "Pli(s) reçu(s) et scellé(s) jusqu'à la séance d'ouverture : \(key.dropFirst(5)). L'empreinte de chaque pli est son reçu." }
        return switch key {
        case "cree": "Dossier créé."
        case "analyse": "Analyse terminée."
        case "criteres": "Critères enregistrés."
        case "rapports": "Document émis et conservé."
        case "comite": "Comité enregistré."
        case "decision": "Décision enregistrée."
        case "faits": "Lieu du dossier enregistré."
        case "prix": "Rapprochement enregistré."
        case "procedure": "Procédure enregistrée."
        case "documents": "Plis ouverts en séance ; le PV d'ouverture est émis (CBA et procès-verbaux)."
        default: nil
        }
    }

    static func number(_ raw: String?) -> Double? {
        guard let raw else { return nil }
        let cleaned = raw.replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
            .replacingOccurrences(of: "FCFA", with: "").replacingOccurrences(of: "jours", with: "")
        return Double(cleaned)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
