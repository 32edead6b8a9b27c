import DMSCore
import DMSStore
import Foundation
import Logging

/// The catalogs: anyone signed in looks up; admins add entries and aliases.
public struct ManageCatalog: Sendable {
    let catalog: CatalogRepository

    public func search(_ kind: CatalogKind, query: String?, limit: String?, logger: Logger) async throws -> [CatalogEntry] {
        let query = try TextField(maxLength: 200, multiline: false).validateOptional(query, field: "q")
        let limit = try SignalQuery.integer(limit, field: "limit", range: 1...100) ?? 20
        return try await self.catalog.search(kind, query: query, limit: limit, logger: logger)
    }

    /// Every entry's own name (up to 2 000), for the pages' pick lists.
    public func names(_ kind: CatalogKind, logger: Logger) async throws -> [String] {
        try await self.catalog.search(kind, query: nil, limit: 2_000, logger: logger).map(\.name)
    }

    public func entry(_ kind: CatalogKind, id: UUID, logger: Logger) async throws -> CatalogEntry {
        try await self.catalog.entry(kind, id: id, logger: logger)
    }

    public func create(_ new: @autoclosure () throws(ValidationError) -> NewCatalogEntry, actor: Principal, logger: Logger) async throws -> CatalogEntry {
        try AccessPolicy.check(.manageCatalog, actor)
        return try await self.catalog.create(try new(), actor: actor, logger: logger)
    }

    public func addAliases(_ kind: CatalogKind, id: UUID, aliases: [String]?, actor: Principal, logger: Logger) async throws -> CatalogEntry {
        try AccessPolicy.check(.manageCatalog, actor)
        guard let aliases, !aliases.isEmpty, aliases.count <= 50 else {
            throw ValidationError(field: "aliases", message: "de 1 à 50 noms attendus")
        }
        var checked: [String] = []
        for (index, alias) in aliases.enumerated() {
            checked.append(try NewCatalogEntry.nameField.validate(alias, field: "aliases.\(index)"))
        }
        return try await self.catalog.addAliases(kind, id: id, checked, actor: actor, logger: logger)
    }
}
