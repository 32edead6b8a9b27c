import DMSApp
import DMSCore
import Foundation

/// What every page's header needs.
struct Chrome {
    var pageTitle: String
    var signedIn: Bool
    var userName: String
    var csrf: String?
    var flash: String?
    var pageError: String?
}

/// View models: the use cases' results in French words, ready for the templates (which format
/// nothing themselves).
enum WebModels {
    static func caseRow(_ record: Case) -> [String: Any] {
        ["id": record.id.uuidString.lowercased(), "title": record.title, "caseType": record.caseType.rawValue, "lot": record.lot ?? "—",
         "status": WebFormat.status(record.status), "statusKey": record.status.rawValue, "createdAt": WebFormat.date(record.createdAt)]
    }

    static func eventLabel(_ type: String) -> String {
        switch EventType(rawValue: type) {
        case .caseCreated: "Dossier créé"
        case .documentUploaded: "Document déposé"
        case .analysisRun: "Analyse"
        case .offerCorrected: "Valeur corrigée"
        case .decisionRecorded: "Décision enregistrée"
        case .reportIssued: "Document émis"
        case .committeeSet: "Comité désigné"
        case .declarationRecorded: "Déclaration d'intérêts"
        case .criterionChanged: "Critère modifié"
        case .casePlaceSet: "Lieu du dossier"
        case .priceLineMatched: "Ligne de prix rapprochée du catalogue"
        case .marketSignalsProposed: "Prix proposés à la mémoire du marché"
        case .procedureSet: "Procédure : date limite, séance, budget"
        case .offerSealed: "Pli reçu scellé"
        case .offersOpened: "Séance d'ouverture des plis"
        case .cbaGenerated, .pvGenerated: "Document généré"
        case nil: type
        }
    }

    /// The procedure in words, and the form's values in the case's own time zone.
    static func procedureModel(_ procedure: CaseProcedure, sealed: Int) -> [String: Any] {
        let zone = TimeZone(identifier: procedure.timeZone) ?? TimeZone(identifier: "UTC")!
        func local(_ timestamp: Timestamp?) -> (text: String, input: String) {
            guard let timestamp, let date = WebFormat.parse(timestamp) else { return ("non fixée", "") }
            let text = DateFormatter()
            text.locale = Locale(identifier: "fr_FR")
            text.timeZone = zone
            text.dateFormat = "d MMMM yyyy 'à' HH'h'mm"
            let input = DateFormatter()
            input.locale = Locale(identifier: "en_US_POSIX")
            input.timeZone = zone
            input.dateFormat = "yyyy-MM-dd'T'HH:mm"
            return ("\(text.string(from: date)) (\(procedure.timeZone))", input.string(from: date))
        }
        let deadline = local(procedure.deadlineAt)
        let opening = local(procedure.openingAt)
        let state: String
        if let opened = procedure.openedAt {
            state = "ouverts en séance le \(WebFormat.date(opened))"
        } else if procedure.deadlineAt != nil {
            state = "scellés jusqu'à la séance d'ouverture (\(sealed) reçu\(sealed > 1 ? "s" : ""))"
        } else {
            state = "pas de date limite : les offres sont lisibles dès leur dépôt"
        }
        return ["deadline": deadline.text, "deadlineInput": deadline.input, "opening": opening.text, "openingInput": opening.input,
                "zone": procedure.timeZone, "state": state,
                "budget": procedure.budget.map { "\(WebFormat.grouped(Decimal($0.amount)))\(WebFormat.narrowSpace)\($0.currency == "XOF" ? "FCFA" : $0.currency)" } ?? "non précisé",
                "budgetInput": procedure.budget.map { WebFormat.number(Decimal($0.amount)) } ?? ""]
    }

    static func kindLabel(_ kind: DocumentKind) -> String {
        switch kind {
        case .dao: "DAO"
        case .offer: "offre"
        case .cbaTemplate: "modèle de CBA"
        case .pvTemplate: "modèle de PV"
        }
    }

    static func reportLabel(_ kind: ReportKind) -> String {
        switch kind {
        case .cba: "Tableau comparatif (CBA)"
        case .pvOuverture: "PV d'ouverture"
        case .pvAnalyse: "PV d'analyse"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f Mo", Double(bytes) / 1_048_576).replacingOccurrences(of: ".", with: ",")
            : "\(max(1, bytes / 1024)) Ko"
    }

    /// One fact of every supplier: the person's value when corrected, else the extracted one.
    static func cell<V>(_ extracted: Extracted<V>, _ field: OfferField?, _ offer: StoredOffer, _ names: [UUID: String],
                        show: (V) -> String, corrected: (JSONValue) -> String?) -> [String: Any] {
        if let field, let correction = offer.corrections.last(where: { $0.field == field }), let value = corrected(correction.value) {
            let read = extracted.value.map(show) ?? "REVUE MANUELLE"
            return ["css": "corrected", "value": value, "word": "corrigé par \(correction.correctedBy)",
                    "source": "« \(correction.reason) » (\(WebFormat.date(correction.correctedAt))) — valeur lue : \(read)"]
        }
        guard let value = extracted.value, let source = extracted.source else {
            return ["css": "conf-manual", "value": Extracted<V>.manualReview, "word": ""]
        }
        let high = extracted.confidence == .high
        var where_ = "\(names[source.documentID] ?? "document"), \(source.location) : « \(source.snippet) »"
        if !extracted.candidates.isEmpty {
            where_ += " — autres valeurs lues : " + extracted.candidates.map { show($0.value) }.joined(separator: " ; ")
        }
        return ["css": high ? "conf-high" : "conf-low", "value": show(value), "word": high ? "sûr" : "à vérifier", "source": where_]
    }

    static func correctedText(_ value: JSONValue) -> String? { CorrectedValue.text(value) }

    static func correctedDays(_ value: JSONValue) -> String? { CorrectedValue.days(value).map(WebFormat.days) }

    static func correctedMoney(_ value: JSONValue) -> String? { CorrectedValue.money(value).map(WebFormat.amount) }

    /// The case page.
    static func casePage(_ view: CaseView, reports: [IssuedReport], committee: [CommitteeMember], integrity: [IntegrityLink] = [],
                         principal: Principal, chrome: Chrome, errors: [String: String] = [:], form: [String: String] = [:]) -> [String: Any] {
        let detail = view.detail
        let record = detail.case
        let decided = record.status == .decided
        var names: [UUID: String] = [:]
        for document in detail.documents { names[document.id] = document.filename }
        let offers = view.analysis?.offers ?? []
        func supplierName(_ offer: StoredOffer) -> String {
            offer.corrections.last { $0.field == .supplier }.flatMap { self.correctedText($0.value) } ?? offer.facts.supplier.value ?? "REVUE MANUELLE — \(offer.key)"
        }
        let rows: [[String: Any]] = [
            ["label": "Fournisseur", "cells": offers.map { cell($0.facts.supplier, .supplier, $0, names, show: { $0 }, corrected: correctedText) }],
            ["label": "Montant total", "cells": offers.map { cell($0.facts.totalAmount, .totalAmount, $0, names, show: WebFormat.amount, corrected: correctedMoney) }],
            ["label": "Délai de livraison", "cells": offers.map { cell($0.facts.deliveryDays, .deliveryDays, $0, names, show: WebFormat.days, corrected: correctedDays) }],
            ["label": "Validité de l'offre", "cells": offers.map { cell($0.facts.validityDays, .validityDays, $0, names, show: WebFormat.days, corrected: correctedDays) }],
            ["label": "Parties repérées", "cells": offers.map { offer -> [String: Any] in
                let parts = offer.facts.parts.sorted().map { ReportFormat.part($0) }
                return parts.isEmpty ? ["css": "conf-low", "value": "aucune", "word": "à vérifier"]
                    : ["css": "", "value": parts.joined(separator: ", "), "word": ""]
            }],
        ]
        let criteria: [[String: Any]] = (view.analysis?.criteria ?? []).map { criterion in
            var source = criterion.source.map { "\(names[$0.documentID] ?? "DAO"), \($0.location)" } ?? "ajouté au dossier"
            if let edit = criterion.edit { source = "\(edit.action == .add ? "ajouté" : "corrigé") par \(edit.by) : \(edit.reason) — " + source }
            return ["id": criterion.id.uuidString.lowercased(), "label": criterion.label, "category": ReportFormat.category(criterion.category),
                    "points": criterion.points.map(WebFormat.number) ?? "—", "weight": criterion.weightPercent.map { "\(WebFormat.number($0)) %" } ?? "—",
                    "eliminatory": criterion.eliminatory ? "oui" : "non", "source": source, "css": criterion.edit == nil ? "" : "corrected"]
        }
        let present = Set(detail.decision?.present ?? [])
        let members: [[String: Any]] = committee.map { member in
            let declaration = member.declaration.map { $0.noConflict ? "aucun conflit (\(WebFormat.date($0.declaredAt)))" : "conflit déclaré : ne prend pas part" }
                ?? "pas encore déclarée"
            return ["userID": member.userID.uuidString.lowercased(), "name": member.name, "function": member.function.label,
                    "declaration": declaration, "presence": decided ? (present.contains(member.userID) ? "présent" : "absent") : "—"]
        }
        let me = committee.first { $0.userID == principal.userID }
        var model: [String: Any] = [
            "pageTitle": chrome.pageTitle, "signedIn": chrome.signedIn, "userName": chrome.userName, "csrf": chrome.csrf ?? "",
            "id": record.id.uuidString.lowercased(), "title": record.title, "caseType": record.caseType == .dao ? "DAO — appel d'offres" : "RFQ — demande de cotation",
            "lot": record.lot ?? "—", "status": WebFormat.status(record.status), "statusKey": record.status.rawValue,
            "createdAt": WebFormat.date(record.createdAt), "decided": decided,
            "documents": detail.documents.map { ["id": $0.id.uuidString.lowercased(), "filename": $0.filename, "kind": kindLabel($0.kind), "size": size($0.size),
                                                 "uploaded": "\(WebFormat.date($0.uploadedAt)) par \($0.uploadedBy)", "sha256": $0.sha256, "late": $0.late] },
            "sealed": detail.sealedOffers.map { ["received": WebFormat.date($0.receivedAt), "size": size($0.size), "sha256": $0.sealedSHA256, "late": $0.late,
                                                 "state": $0.documentID == nil ? "scellé" : "ouvert en séance"] },
            "hasSealed": !detail.sealedOffers.isEmpty,
            "procedure": procedureModel(detail.procedure, sealed: detail.sealedOffers.count),
            "canSetProcedure": principal.has(.agent) && !decided && detail.procedure.openedAt == nil,
            "canOpen": principal.has(.comite) && !decided && detail.procedure.sealsOffers,
            "hasDocuments": !detail.documents.isEmpty,
            "canWork": principal.has(.agent) && !decided,
            "suppliers": offers.map(supplierName), "rows": rows, "hasOffers": !offers.isEmpty,
            "offerKeys": offers.map { ["key": $0.key, "name": supplierName($0)] },
            "criteria": criteria, "hasCriteria": !criteria.isEmpty,
            "reports": reports.map { ["id": $0.id.uuidString.lowercased(), "label": reportLabel($0.kind), "version": $0.version, "issuedAt": WebFormat.date($0.issuedAt),
                                      "issuedBy": $0.issuedBy, "sha256": $0.sha256] },
            "hasReports": !reports.isEmpty,
            "members": members, "hasMembers": !members.isEmpty,
            "canDeclare": me != nil && me?.declaration == nil && !decided,
            "canSetCommittee": (principal.has(.agent) || principal.has(.admin)) && !decided,
            "canDecide": principal.has(.comite) && !decided,
            "head": detail.events.last?.hash ?? HashChain.genesis,
            "events": detail.events.reversed().map { ["label": eventLabel($0.type), "at": WebFormat.date($0.at), "actor": $0.actor, "hash": $0.hash] },
            "errors": errors, "form": form,
        ]
        // Absent, not empty: a section over an empty string still shows, and hides « non précisé ».
        if let place = detail.place { model["place"] = place.path.joined(separator: " › ") }
        model["canSetPlace"] = principal.has(.agent) && !decided
        let supplierNames = Dictionary(offers.map { ($0.key, supplierName($0)) }, uniquingKeysWith: { first, _ in first })
        model["priceLines"] = view.priceLines.map { priced -> [String: Any] in
            let line = priced.line
            let currency = (line.currency ?? "XOF") == "XOF" ? "FCFA" : (line.currency ?? "")
            let check: String = switch line.arithmetic {
            case .ok: ""
            case .mismatch: "quantité × prix unitaire ≠ montant : à vérifier"
            case .incomplete: "figures incomplètes"
            }
            let item: String
            if let match = priced.match {
                item = match.item.map { "\($0.name) — confirmé par \(match.matchedBy)" + (match.unit.map { ", \($0.name)" } ?? "") } ?? "hors catalogue (\(match.matchedBy))"
            } else {
                item = priced.suggestion.map { "\($0.name) — rapprochement automatique, à confirmer" } ?? "non rapprochée"
            }
            return [
                "key": priced.key, "supplier": supplierNames[priced.supplierKey] ?? priced.supplierKey, "designation": line.designation,
                "unit": line.unit ?? "—", "quantity": line.quantity.map(WebFormat.grouped) ?? "—",
                "unitPrice": line.unitPrice.map { "\(WebFormat.grouped($0))\(WebFormat.narrowSpace)\(currency)" } ?? "—",
                "total": line.lineTotal.map { "\(WebFormat.grouped($0))\(WebFormat.narrowSpace)\(currency)" } ?? "—",
                "css": line.confidence == .high ? "conf-high" : "conf-low", "check": check, "item": item,
                "reference": priced.referenceText(WebFormat.grouped),
                "source": "\(names[line.source.documentID] ?? "offre"), \(line.source.location)",
                "itemValue": priced.item?.name ?? "", "unitValue": priced.match?.unit?.name ?? priced.unit?.ref.name ?? "",
            ]
        }
        model["hasPriceLines"] = !view.priceLines.isEmpty
        // What links offers of different suppliers, in the analysis' order (by kind, then names).
        model["integrity"] = integrity.map { link -> [String: Any] in
            let names = Dictionary(link.suppliers.map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
            return ["kind": link.kind.label, "note": link.note, "evidence": link.evidenceLines(names: names)]
        }
        model["hasIntegrity"] = !integrity.isEmpty
        model["integrityLegend"] = IntegrityLink.legend
        if let analysis = view.analysis {
            model["analysis"] = ["run": analysis.run, "runAt": WebFormat.date(analysis.runAt), "runBy": analysis.runBy, "warnings": analysis.warnings]
        }
        if let decision = detail.decision {
            model["decision"] = ["chosenSupplier": decision.chosenSupplier, "reason": decision.decisionReason, "nextAction": decision.nextAction ?? "—",
                                 "decidedAt": WebFormat.date(decision.decidedAt), "decidedBy": decision.decidedBy]
        }
        if let flash = chrome.flash { model["flash"] = flash }
        if let pageError = chrome.pageError { model["pageError"] = pageError }
        return model
    }
}
