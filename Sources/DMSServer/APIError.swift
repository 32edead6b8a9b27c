import DMSApp
import DMSCore
import DMSStore
import HTTPTypes
import Hummingbird

/// Errors that are about HTTP itself (the body, the media type), not the domain.
enum APIError: Error, Sendable {
    case malformedJSON(String)
    case malformedMultipart(String)
    case unsupportedMediaType(expected: String)
    case bodyTooLarge(limit: Int)
    case unknownCase
    /// A path segment that names nothing (`/api/catalog/colours`): what it should have named.
    case unknownResource(String)
    /// A known path with a method it does not serve; the methods it does.
    case methodNotAllowed(allow: [String])
    /// `GET /metrics` while `DMS_METRICS_TOKEN` is not set.
    case metricsDisabled
    /// `GET /metrics` without the metrics token, or with another one.
    case metricsTokenRequired
}

/// The one JSON shape every error takes: `{"error": {"code", "message", "field"?, "request_id"}}`.
struct ErrorBody: Encodable, Sendable {
    struct Detail: Encodable, Sendable {
        let code: String
        let message: String
        let field: String?
        /// Catalog names close to one that was refused.
        let suggestions: [String]?
        /// The request's id, as in `X-Request-Id` and the log: what a user quotes to the operator.
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case code, message, field, suggestions
            case requestID = "request_id"
        }
    }

    let error: Detail
}

/// Maps any error to a status and a French message. Unknown errors become a 500 whose details
/// stay in the log, never in the response.
struct ErrorMapping {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var field: String? = nil
    var headers: HTTPFields = [:]
    var suggestions: [String]? = nil

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:],
         suggestions: [String]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
        self.suggestions = suggestions
    }

    static func from(_ error: any Error) -> ErrorMapping? {
        switch error {
        case let error as ValidationError:
            return .init(status: .unprocessableContent, code: "validation_failed", message: error.description, field: error.field)
        case let error as CaseError:
            switch error {
            case .notFound:
                return .init(status: .notFound, code: "not_found", message: "dossier introuvable")
            case .alreadyDecided:
                return .init(status: .conflict, code: "already_decided", message: "ce dossier a déjà été décidé par le comité ; la décision est définitive")
            }
        case let error as APIError:
            switch error {
            case .malformedJSON(let detail):
                return .init(status: .badRequest, code: "malformed_json", message: "corps JSON illisible : \(detail)")
            case .unsupportedMediaType(let expected):
                return .init(status: .unsupportedMediaType, code: "unsupported_media_type", message: "type de contenu non pris en charge : attendu \(expected)")
            case .bodyTooLarge(let limit):
                return .init(status: .contentTooLarge, code: "payload_too_large", message: "corps de requête trop volumineux (au plus \(limit) octets)")
            case .malformedMultipart(let detail):
                return .init(status: .badRequest, code: "malformed_multipart", message: detail)
            case .unknownCase:
                return .init(status: .notFound, code: "not_found", message: "dossier introuvable")
            case .unknownResource(let what):
                return .init(status: .notFound, code: "not_found", message: "\(what) introuvable")
            case .methodNotAllowed(let allow):
                return .init(status: .methodNotAllowed, code: "method_not_allowed",
                             message: "méthode non autorisée sur cette ressource : \(allow.joined(separator: ", "))",
                             headers: [.allow: allow.joined(separator: ", ")])
            case .metricsDisabled:
                return .init(status: .notFound, code: "not_found", message: "métriques désactivées sur ce serveur (DMS_METRICS_TOKEN n'est pas défini)")
            case .metricsTokenRequired:
                return .init(status: .unauthorized, code: "unauthenticated", message: "jeton de métriques requis : Authorization: Bearer <DMS_METRICS_TOKEN>",
                             headers: [.wwwAuthenticate: "Bearer realm=\"dms-metrics\""])
            }
        case let error as DocumentError:
            return Self.map(error)
        case let error as ProcedureError:
            switch error {
            case .sealed:
                return .init(status: .conflict, code: "offers_sealed",
                             message: "plis non encore ouverts : les offres restent scellées jusqu'à la séance d'ouverture du comité")
            case .notSealed:
                return .init(status: .conflict, code: "not_sealed", message: "ce dossier n'a pas de date limite : ses offres ne sont pas scellées, il n'y a pas de plis à ouvrir")
            case .alreadyOpened:
                return .init(status: .conflict, code: "already_opened", message: "la séance d'ouverture a déjà eu lieu : la date limite et la séance ne changent plus")
            case .deadlineNotPassed(let deadline):
                return .init(status: .unprocessableContent, code: "deadline_not_passed",
                             message: "la date limite de dépôt (\(deadline.iso8601)) n'est pas encore passée : les plis ne s'ouvrent qu'après")
            case .thresholdRequires(let caseType, let label):
                return .init(status: .unprocessableContent, code: "threshold_requires", message: "ce montant relève d'une autre procédure : \(caseType) (\(label)) ; le seuil décide de la procédure, jamais l'inverse",
                             field: "budget.amount")
            case .openingBeforeDeadline:
                return .init(status: .unprocessableContent, code: "validation_failed", message: "la séance d'ouverture ne peut précéder la date limite de dépôt", field: "opening_at")
            case .sealingUnavailable(let why):
                return .init(status: .serviceUnavailable, code: "sealing_unavailable", message: "scellement des offres indisponible : \(why)")
            }
        case let error as AnalysisError:
            switch error {
            case .unknownSupplier:
                return .init(status: .notFound, code: "not_found", message: "fournisseur inconnu dans l'analyse de ce dossier")
            case .unknownRun:
                return .init(status: .notFound, code: "not_found", message: "aucune analyse de ce numéro pour ce dossier")
            case .unknownCriterion:
                return .init(status: .notFound, code: "not_found", message: "critère introuvable dans l'analyse de ce dossier")
            case .unknownPriceLine:
                return .init(status: .notFound, code: "not_found", message: "ligne de prix introuvable dans l'analyse de ce dossier")
            case .noAnalysis:
                return .init(status: .conflict, code: "not_analyzed", message: "ce dossier n'a pas encore été analysé")
            }
        case let error as ReportError:
            switch error {
            case .tooManySuppliers(let count, let limit):
                return .init(status: .unprocessableContent, code: "too_many_suppliers",
                             message: "le tableau comparatif (CBA) présente au plus \(limit) fournisseurs en colonnes ; ce dossier en compte \(count)")
            case .notFound:
                return .init(status: .notFound, code: "not_found", message: "document émis introuvable")
            case .stale:
                return .init(status: .conflict, code: "case_changed", message: "le dossier a changé pendant l'émission : émettez à nouveau")
            case .writeFailed:
                return nil
            }
        case let error as DatabaseError:
            // A value the database refused that the domain let through is still the client's
            // input: a 4xx (and a warning in the log, since a rule belongs in the domain too).
            switch error {
            case .unavailable:
                return .init(status: .serviceUnavailable, code: "database_unavailable", message: "base de données indisponible ; réessayez dans quelques secondes")
            case .deadlineExceeded(.notCommitted):
                return .init(status: .serviceUnavailable, code: "database_unavailable",
                             message: "la base de données n'a pas répondu à temps ; rien n'a été enregistré : réessayez")
            case .deadlineExceeded(.uncertain):
                return .init(status: .serviceUnavailable, code: "database_unavailable",
                             message: "la base de données n'a pas répondu à temps ; si la requête écrivait, état incertain : réessayez avec la même clé (en-tête Idempotency-Key)")
            case .invalidValue:
                return .init(status: .unprocessableContent, code: "invalid_value", message: "valeur refusée par la base de données (format ou plage invalide)")
            case .conflict:
                return .init(status: .conflict, code: "conflict", message: "conflit avec une écriture concurrente : réessayez")
            case .constraintViolation(let constraint):
                return .init(status: .unprocessableContent, code: "constraint_violation", message: "valeur refusée par la base de données (\(constraint))")
            case .unexpected:
                return nil
            }
        case let error as AuthError:
            return Self.map(error)
        case let error as AccountError:
            switch error {
            case .emailTaken:
                return .init(status: .conflict, code: "email_taken", message: "un compte existe déjà avec cette adresse e-mail", field: "email")
            case .unknownUser:
                return .init(status: .notFound, code: "not_found", message: "aucun compte avec cette adresse e-mail")
            case .unknownToken:
                return .init(status: .notFound, code: "not_found", message: "jeton introuvable parmi les vôtres")
            }
        case let error as CommitteeError:
            switch error {
            case .notAMember:
                return .init(status: .forbidden, code: "not_a_member", message: "vous n'êtes pas membre du comité de ce dossier")
            case .alreadyDeclared:
                return .init(status: .conflict, code: "already_declared", message: "votre déclaration pour ce dossier est déjà enregistrée ; elle ne se modifie pas")
            }
        case let error as CatalogError:
            switch error {
            case .unknownName(_, let field, _, let suggestions):
                return .init(status: .unprocessableContent, code: "unknown_name", message: error.description, field: field, suggestions: suggestions)
            case .ambiguousName(_, let field, _, let candidates):
                return .init(status: .unprocessableContent, code: "ambiguous_name", message: error.description, field: field, suggestions: candidates)
            case .incompatibleUnit:
                return .init(status: .unprocessableContent, code: "incompatible_unit", message: error.description, field: error.field)
            case .notFound:
                return .init(status: .notFound, code: "not_found", message: error.description)
            case .nameTaken:
                return .init(status: .conflict, code: "name_taken", message: error.description, field: "name")
            }
        case let error as MarketError:
            switch error {
            case .signalNotFound:
                return .init(status: .notFound, code: "not_found", message: "relevé de prix introuvable")
            case .alreadyReviewed(let id, let status):
                return .init(status: .conflict, code: "already_reviewed",
                             message: "le relevé \(id.uuidString.lowercased()) est déjà \(status.french) : une revue ne se refait pas")
            }
        case let error as IdempotencyError:
            switch error {
            case .keyReused:
                return .init(status: .unprocessableContent, code: "idempotency_key_reused",
                             message: "cette clé Idempotency-Key a déjà servi pour une autre requête : une nouvelle écriture demande une nouvelle clé", field: "Idempotency-Key")
            case .inProgress:
                return .init(status: .conflict, code: "idempotency_in_progress",
                             message: "une requête avec la même clé Idempotency-Key est en cours ou a déjà été enregistrée : relisez la ressource avant de réessayer")
            }
        case let error as RateLimitError:
            return .init(status: .tooManyRequests, code: "rate_limited",
                         message: "trop de requêtes : réessayez dans \(error.retryAfter) s", headers: [.retryAfter: "\(error.retryAfter)"])
        case let error as ExportArchive.Failure:
            switch error {
            case .tooLarge(let bytes):
                return .init(status: .unprocessableContent, code: "archive_too_large",
                             message: "les fichiers du dossier (\(bytes) octets) dépassent ce qu'une archive zip sans ZIP64 contient (4 Gio)")
            case .missingResource(let name):
                return .init(status: .internalServerError, code: "internal_error", message: "ressource manquante dans cette installation : \(name)")
            }
        case let error as HTTPError:
            return .init(status: error.status, code: Self.code(for: error.status), message: error.body ?? Self.message(for: error.status))
        case let error as any HTTPResponseError:
            return .init(status: error.status, code: Self.code(for: error.status), message: Self.message(for: error.status))
        default:
            return nil
        }
    }

    static func map(_ error: AuthError) -> ErrorMapping {
        switch error {
        case .unauthenticated:
            return .init(status: .unauthorized, code: "unauthenticated",
                         message: "identification requise : jeton (Authorization: Bearer …) ou session (POST /api/session)",
                         headers: [.wwwAuthenticate: "Bearer realm=\"dms\""])
        case .invalidCredentials:
            return .init(status: .unauthorized, code: "invalid_credentials", message: "adresse e-mail ou mot de passe incorrect")
        case .forbidden(let needed):
            let roles = needed.map(\.rawValue).joined(separator: " ou ")
            return .init(status: .forbidden, code: "forbidden", message: "action réservée au rôle \(roles)")
        case .tooManyAttempts(let seconds):
            return .init(status: .tooManyRequests, code: "too_many_attempts",
                         message: "trop d'essais de connexion : réessayez dans \(max(1, (seconds + 59) / 60)) minute(s)",
                         headers: [.retryAfter: String(seconds)])
        case .sessionRequired:
            return .init(status: .forbidden, code: "session_required",
                         message: "un jeton ne crée pas d'autre jeton : connectez-vous (POST /api/session) ou utilisez dms token create")
        case .csrfTokenMissing:
            return .init(status: .forbidden, code: "csrf_token_missing",
                         message: "jeton anti-falsification (X-CSRF-Token) absent ou incorrect pour cette session")
        }
    }

    static func map(_ error: DocumentError) -> ErrorMapping {
        let accepted = "PDF, Word (.docx) ou Excel (.xlsx)"
        switch error {
        case .empty:
            return .init(status: .unprocessableContent, code: "empty_file", message: "fichier vide", field: "file")
        case .tooLarge(let limit):
            return .init(status: .contentTooLarge, code: "payload_too_large", message: "fichier trop volumineux : au plus \(limit >> 20) Mo")
        case .unsupported(let what):
            return .init(status: .unsupportedMediaType, code: "unsupported_media_type", message: "format non pris en charge (\(what)) : formats acceptés \(accepted)")
        case .legacyOffice:
            return .init(status: .unsupportedMediaType, code: "unsupported_media_type",
                         message: "format Word/Excel 97-2003 (.doc/.xls) non pris en charge : enregistrez-le en .docx ou .xlsx ; formats acceptés \(accepted)")
        case .encrypted:
            return .init(status: .unprocessableContent, code: "encrypted_document", message: "document protégé par mot de passe : déposez une version non chiffrée", field: "file")
        case .corrupt(let why):
            return .init(status: .unprocessableContent, code: "corrupt_document", message: "document illisible : \(why)", field: "file")
        case .archiveTooLarge(let why):
            return .init(status: .unprocessableContent, code: "archive_limits", message: "document refusé sans être décompressé : \(why)", field: "file")
        case .notFound:
            return .init(status: .notFound, code: "not_found", message: "document introuvable")
        case .concurrentUpload:
            return .init(status: .conflict, code: "concurrent_upload", message: "le même fichier est en cours de dépôt dans ce dossier : réessayez")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "request_timeout"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 503: "service_unavailable"
        default: status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "ressource introuvable"
        case 405: "méthode non autorisée"
        case 413: "corps de requête trop volumineux"
        default: status.reasonPhrase
        }
    }
}
