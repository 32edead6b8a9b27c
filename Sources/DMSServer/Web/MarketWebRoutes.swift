import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// The market pages: statistics with a chart, the field survey form (phone-sized), and the
/// validation queue. Same use cases as `/api/market/…`.
extension WebRoutes {
    func registerMarket(on router: Router<AppRequestContext>) {
        router.get("/marche") { request, context in try await self.html(context) { try await self.statsPage(request, context) } }
        router.get("/marche/releve") { request, context in
            try await self.html(context) {
                var model = try await self.surveyModel(context, form: [:])
                if request.uri.queryParameters["ok"] != nil { model["flash"] = "Relevé enregistré : il est proposé, un administrateur le validera." }
                return self.pages.page("releve", model)
            }
        }
        router.post("/marche/releve") { request, context in
            try await self.html(context) {
                let form = try await FormBody(request)
                try self.checkCSRF(form["_csrf"], context)
                do {
                    _ = try await self.app.market.propose(
                        item: form["item"], unit: form["unit"], unitPrice: form["unit_price"], currency: nil, place: form["place"],
                        vendor: form.value("vendor"), observedOn: form["observed_on"], note: form.value("note"),
                        actor: try context.actor(request), logger: context.logger)
                    return WebPages.redirect("/marche/releve?ok=1")
                } catch let error as ValidationError {
                    return try await self.surveyError(context, form, field: error.field, message: error.message, suggestions: [])
                } catch let error as CatalogError {
                    var suggestions: [String] = []
                    if case .unknownName(_, _, _, let names) = error { suggestions = names }
                    if case .ambiguousName(_, _, _, let names) = error { suggestions = names }
                    return try await self.surveyError(context, form, field: error.field ?? "item", message: error.description, suggestions: suggestions)
                }
            }
        }
        router.get("/marche/validation") { request, context in try await self.html(context) { try await self.queuePage(request, context) } }
        router.post("/marche/validation") { request, context in
            try await self.html(context) {
                let form = try await FormBody(request)
                try self.checkCSRF(form["_csrf"], context)
                let actor = try context.actor(request)
                let ids = form.all("ids")
                do {
                    let review = form["action"] == "reject" ? try SignalReview.reject(reason: form.value("reason")) : SignalReview.validate
                    let done = try await self.app.market.review(ids: ids, review, actor: actor, logger: context.logger)
                    let verb = form["action"] == "reject" ? "rejeté(s)" : "validé(s)"
                    return WebPages.redirect("/marche/validation?ok=\(done.count)-\(verb == "rejeté(s)" ? "rejetes" : "valides")")
                } catch let error as ValidationError {
                    return try await self.queuePage(request, context, pageError: error.message, status: .unprocessableContent)
                }
            }
        }
    }

    private func statsPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = FormQuery(request)
        let item = query["article"]
        let place = query["lieu"]
        let group = query["par"]
        var model = self.chromeModel(context, title: "Prix du marché")
        model["article"] = item ?? ""
        model["lieu"] = place ?? ""
        model["groups"] = [("month", "mois"), ("quarter", "trimestre"), ("year", "année")].map {
            ["value": $0.0, "label": $0.1, "selected": $0.0 == (group ?? "month")]
        }
        try await self.addDatalists(&model, context)
        do {
            let stats = try await self.app.market.stats(item: item, place: place, from: query["de"], to: query["a"], group: group,
                                                        logger: context.logger)
            model["de"] = stats.query.from
            model["a"] = stats.query.to
            model["rows"] = stats.rows.map { row -> [String: Any] in
                ["item": row.item.name, "period": row.period, "count": row.count,
                 "min": WebFormat.grouped(row.min), "max": WebFormat.grouped(row.max), "mean": WebFormat.grouped(row.mean),
                 "median": WebFormat.grouped(row.median), "unit": MarketWebFormat.unit(row.unit), "currency": row.currency == "XOF" ? "FCFA" : row.currency]
            }
            model["hasRows"] = !stats.rows.isEmpty
            let items = Set(stats.rows.map(\.item.id))
            if items.count == 1, let first = stats.rows.first {
                model["chart"] = PriceChart.svg(stats.rows.filter { $0.currency == first.currency }, unit: MarketWebFormat.unit(first.unit))
                model["chartTitle"] = "\(first.item.name)" + (first.place.map { " — \($0.name)" } ?? "")
            }
        } catch let error as CatalogError {
            model["pageError"] = error.description
        } catch let error as ValidationError {
            model["pageError"] = error.message
        }
        return self.pages.page("marche", model)
    }

    private func surveyModel(_ context: AppRequestContext, form: [String: String]) async throws -> [String: Any] {
        var model = self.chromeModel(context, title: "Relevé de prix")
        for key in ["item", "unit", "unit_price", "place", "vendor", "observed_on", "note"] { model[key] = form[key] ?? "" }
        if (model["observed_on"] as? String)?.isEmpty ?? true { model["observed_on"] = Today.iso() }
        model["today"] = Today.iso()
        try await self.addDatalists(&model, context)
        return model
    }

    private func surveyError(_ context: AppRequestContext, _ form: FormBody, field: String, message: String, suggestions: [String]) async throws -> Response {
        let typed = Dictionary(form.pairs.filter { $0.0 != "_csrf" }, uniquingKeysWith: { $1 })
        var model = try await self.surveyModel(context, form: typed)
        model["errors"] = [field: message]
        model["suggestions"] = suggestions
        model["pageError"] = "Le relevé n'a pas été enregistré : corrigez le champ signalé."
        return self.pages.page("releve", model, status: .unprocessableContent)
    }

    private func queuePage(_ request: Request, _ context: AppRequestContext, pageError: String? = nil,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let query = FormQuery(request)
        let statusFilter = query["statut"] ?? "proposed"
        let offset = query["depuis"]
        let page = try await self.app.market.list(status: statusFilter, item: nil, place: nil, limit: "50", offset: offset, logger: context.logger)
        var model = self.chromeModel(context, title: "Validation des relevés")
        let principal = try context.actor(Request.empty)
        model["canReview"] = principal.has(.admin) && statusFilter == "proposed"
        model["statuses"] = SignalStatus.allCases.map { ["value": $0.rawValue, "label": $0.french, "selected": $0.rawValue == statusFilter] }
        model["total"] = page.total
        model["signals"] = page.signals.map { signal -> [String: Any] in
            let currency = signal.currency == "XOF" ? "FCFA" : signal.currency
            var row: [String: Any] = [
                "id": signal.id.uuidString.lowercased(), "item": signal.item.name, "unit": signal.unit.name,
                "price": WebFormat.grouped(signal.unitPrice) + "\u{202F}" + currency,
                "base": WebFormat.grouped(signal.baseUnitPrice) + "\u{202F}" + currency + "/" + MarketWebFormat.unit(signal.baseUnit),
                "place": signal.place.name, "observedOn": MarketWebFormat.day(signal.observedOn),
                "source": signal.source.french + (signal.sourceDetail.map { " — \($0)" } ?? ""),
                "proposedBy": signal.proposedBy, "status": signal.status.french,
            ]
            // Absent, not empty: a section over an empty string would still show.
            if let vendor = signal.vendor { row["vendor"] = vendor.name }
            if let caseID = signal.caseID { row["caseID"] = caseID.uuidString.lowercased() }
            if let reason = signal.reason { row["reason"] = reason }
            if let note = signal.note { row["note"] = note }
            return row
        }
        model["hasSignals"] = !page.signals.isEmpty
        let next = page.query.offset + page.signals.count
        if next < page.total, !page.signals.isEmpty { model["nextPage"] = "/marche/validation?statut=\(statusFilter)&depuis=\(next)" }
        if let ok = query["ok"] {
            let parts = ok.split(separator: "-")
            if parts.count == 2 { model["flash"] = "\(parts[0]) relevé(s) \(parts[1] == "rejetes" ? "rejeté(s), motif conservé" : "validé(s)")." }
        }
        if let pageError { model["pageError"] = pageError }
        return self.pages.page("validation", model, status: status)
    }

    /// Names to pick from while typing (the server still accepts any spelling close enough).
    private func addDatalists(_ model: inout [String: Any], _ context: AppRequestContext) async throws {
        model["itemNames"] = try await self.app.catalog.names(.item, logger: context.logger)
        model["unitNames"] = try await self.app.catalog.names(.unit, logger: context.logger)
        // Place names repeat (Ségou the région, cercle, commune): each once in the list.
        var seen = Set<String>()
        model["placeNames"] = try await self.app.catalog.names(.place, logger: context.logger).filter { seen.insert($0).inserted }
    }
}

enum MarketWebFormat {
    static func unit(_ unit: BaseUnit) -> String {
        switch unit {
        case .piece: "pièce"
        case .m2: "m²"
        case .m3: "m³"
        default: unit.rawValue
        }
    }

    /// `2026-11-02` → `2 novembre 2026`.
    static func day(_ iso: String) -> String {
        guard let date = CalendarDate(parsing: iso) else { return iso }
        return "\(date.day)\u{00A0}\(WebFormat.months[date.month - 1]) \(date.year)"
    }
}
