import DMSApp
import DMSCore
import Foundation
import Hummingbird

/// Couche B: catalogs, market signals and their validation, statistics.
struct MarketRoutes {
    let app: UseCases
    let json: JSONRequest

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/catalog/{kind}") { request, context -> CatalogListDTO in
            let query = request.uri.queryParameters
            let entries = try await app.catalog.search(try context.catalogKind(), query: query["q"].map(String.init),
                                                       limit: query["limit"].map(String.init), logger: context.logger)
            return CatalogListDTO(items: entries.map(CatalogEntryDTO.init))
        }

        router.get("/api/catalog/{kind}/{id}") { _, context -> CatalogEntryDTO in
            let kind = try context.catalogKind()
            return CatalogEntryDTO(try await app.catalog.entry(kind, id: try context.catalogID(kind), logger: context.logger))
        }

        router.post("/api/catalog/{kind}") { request, context -> EditedResponse<CatalogEntryDTO> in
            let kind = try context.catalogKind()
            let body = try await json.decode(CreateCatalogEntryRequest.self, from: request)
            let entry = try await app.catalog.create(try body.entry(kind), actor: try context.actor(request), logger: context.logger)
            return EditedResponse(status: .created, headers: [.location: "/api/catalog/\(kind.pathSegment)/\(entry.id.uuidString.lowercased())"],
                                  response: CatalogEntryDTO(entry))
        }

        router.post("/api/catalog/{kind}/{id}/aliases") { request, context -> CatalogEntryDTO in
            let kind = try context.catalogKind()
            let id = try context.catalogID(kind)
            let body = try await json.decode(AliasesRequest.self, from: request)
            return CatalogEntryDTO(try await app.catalog.addAliases(kind, id: id, aliases: body.aliases, actor: try context.actor(request),
                                                                    logger: context.logger))
        }

        router.post("/api/market/signals") { request, context -> EditedResponse<SignalDTO> in
            let body = try await json.decode(ProposeSignalRequest.self, from: request)
            let signal = try await app.market.propose(item: body.item, unit: body.unit, unitPrice: body.unitPrice?.text, currency: body.currency,
                                                      place: body.place, vendor: body.vendor, observedOn: body.observedOn, note: body.note,
                                                      actor: try context.actor(request), logger: context.logger)
            return EditedResponse(status: .created, headers: [.location: "/api/market/signals/\(signal.id.uuidString.lowercased())"],
                                  response: SignalDTO(signal))
        }

        router.get("/api/market/signals") { request, context -> SignalPageDTO in
            let query = request.uri.queryParameters
            let page = try await app.market.list(status: query["status"].map(String.init), item: query["item"].map(String.init),
                                                 place: query["place"].map(String.init), limit: query["limit"].map(String.init),
                                                 offset: query["offset"].map(String.init), logger: context.logger)
            let next = page.query.offset + page.signals.count
            return SignalPageDTO(items: page.signals.map(SignalDTO.init), total: page.total, limit: page.query.limit, offset: page.query.offset,
                                 nextOffset: next < page.total && !page.signals.isEmpty ? next : nil)
        }

        router.get("/api/market/signals/{id}") { _, context -> SignalDTO in
            SignalDTO(try await app.market.read(id: try context.signalID(), logger: context.logger))
        }

        router.post("/api/market/signals/{id}/validate") { request, context -> SignalDTO in
            let id = try context.signalID()
            let signals = try await app.market.review(ids: [id.uuidString], .validate, actor: try context.actor(request), logger: context.logger)
            return SignalDTO(signals[0])
        }

        router.post("/api/market/signals/{id}/reject") { request, context -> SignalDTO in
            let id = try context.signalID()
            let body = try await json.decode(RejectRequest.self, from: request)
            let signals = try await app.market.review(ids: [id.uuidString], try SignalReview.reject(reason: body.reason),
                                                      actor: try context.actor(request), logger: context.logger)
            return SignalDTO(signals[0])
        }

        router.post("/api/market/signals/validate") { request, context -> SignalListDTO in
            let body = try await json.decode(BulkIDsRequest.self, from: request)
            let signals = try await app.market.review(ids: body.ids, .validate, actor: try context.actor(request), logger: context.logger)
            return SignalListDTO(items: signals.map(SignalDTO.init))
        }

        router.post("/api/cases/{id}/price-lines/{line_key}/match") { request, context -> CaseDetailDTO in
            let id = try context.caseID("id")
            let body = try await json.decode(MatchPriceLineRequest.self, from: request)
            return CaseDetailDTO(try await app.matchPriceLine.run(caseID: id, lineKey: context.parameters.get("line_key") ?? "", item: body.item,
                                                                  unit: body.unit, reason: body.reason, actor: try context.actor(request),
                                                                  logger: context.logger))
        }

        router.get("/api/market/stats") { request, context -> StatsDTO in
            let query = request.uri.queryParameters
            let stats = try await app.market.stats(item: query["item"].map(String.init), place: query["place"].map(String.init),
                                                   from: query["from"].map(String.init), to: query["to"].map(String.init),
                                                   group: query["group"].map(String.init), logger: context.logger)
            return StatsDTO(rows: stats.rows.map(StatsRowDTO.init), from: stats.query.from, to: stats.query.to, group: stats.query.group.rawValue)
        }
    }
}

extension RequestContext {
    /// `items`, `units`, `places`, `vendors`; anything else names no catalog: 404.
    func catalogKind() throws -> CatalogKind {
        guard let raw = self.parameters.get("kind"), let kind = CatalogKind(pathSegment: raw) else { throw APIError.unknownResource("catalogue") }
        return kind
    }

    func catalogID(_ kind: CatalogKind) throws -> UUID {
        guard let raw = self.parameters.get("id"), let id = UUID(uuidString: raw) else { throw CatalogError.notFound(kind: kind, id: UUID()) }
        return id
    }

    func signalID() throws -> UUID {
        guard let raw = self.parameters.get("id"), let id = UUID(uuidString: raw) else { throw MarketError.signalNotFound(UUID()) }
        return id
    }
}
