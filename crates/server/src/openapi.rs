//! The OpenAPI document: route paths come from the handlers' `#[utoipa::path]`
//! attributes as they are registered; this module adds what is shared.

use lectern_api_types::Problem;
use lectern_api_types::audit::AuditEntity;
use lectern_api_types::sessions::{ExportFormat, OccurrenceFilter, SessionSort};
use lectern_api_types::stats::GroupBy;
use lectern_api_types::time::DateOrInstant;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi as OpenApiDoc, Ref, RefOr};
use utoipa::{Modify, OpenApi, ToResponse};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lectern API",
        description = "Session tracking for training institutes: schedules, completions, \
                       notes and attachments. Every error is an RFC 9457 problem \
                       (`application/problem+json`).",
        license(name = "MIT OR Apache-2.0"),
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Signing in, refreshing and signing out"),
        (name = "branches", description = "The sites of the institute, each in its own timezone"),
        (name = "users", description = "Staff accounts"),
        (name = "batches", description = "Recurring templates that generate sessions: weekdays, per-day slots or an RFC 5545 rule"),
        (name = "holidays", description = "Days a branch holds no class; adding one cancels the pending sittings on it"),
        (name = "sessions", description = "Scheduled and ad-hoc sessions: complete, cancel, edit"),
        (name = "review", description = "Verifying completed records, returning them for correction, reopening them"),
        (name = "notes", description = "Typed remarks on a session"),
        (name = "attachments", description = "Recordings and documents kept with a session"),
        (name = "audit", description = "The append-only record of changes"),
        (name = "stats", description = "Figures over a period: completions, punctuality, review"),
        (name = "outbox", description = "Background jobs (email) and the emails each person wants"),
        (name = "tokens", description = "API tokens for scripts, sent as `Bearer lct_…`"),
        (name = "calendar", description = "Secret iCalendar feed addresses of one's sessions or a branch's"),
        (name = "webhooks", description = "Signed messages to other systems when sessions change (Standard Webhooks)"),
    ),
    components(
        // Types only query parameters name, which no body pulls in.
        schemas(Problem, DateOrInstant, AuditEntity, OccurrenceFilter, SessionSort, ExportFormat, GroupBy),
        responses(
            BadRequest, Unauthorized, Forbidden, ForbiddenOrOwnRecord, NotFound, Conflict, RequestTimeout,
            PayloadTooLarge, RangeNotSatisfiable, UnsupportedMediaType, Unprocessable,
            TooManyRequests
        )
    ),
    security(("bearer" = []), ("api_token" = [])),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        scheme.description =
            Some("An access token from `POST /api/v1/auth/login` or `/auth/refresh`.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("lct_…".into());
        scheme.description = Some(
            "An API token from `POST /api/v1/me/tokens`, accepted wherever an access token \
             is. A `read` token is refused every change (403); neither kind manages tokens \
             or the password."
                .into(),
        );
        components.add_security_scheme("api_token", SecurityScheme::Http(scheme));
    }
}

/// The request could not be read: malformed JSON or an unparsable path parameter.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:malformed-request", "title": "Malformed request", "status": 400,
                     "detail": "The body is not valid JSON: EOF while parsing an object"})
)]
pub struct BadRequest(pub Problem);

/// No access token, or one that is expired, forged or meant for another audience.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:unauthorized", "title": "Authentication required", "status": 401,
                     "detail": "The access token has expired; refresh it."})
)]
pub struct Unauthorized(pub Problem);

/// The caller sees the object but its role may not do this (`forbidden`), or
/// an admin set the account's password and it must choose its own first
/// (`password-change-required`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:forbidden", "title": "Not allowed", "status": 403,
                     "detail": "Branch admins cannot create super admins."})
)]
pub struct Forbidden(pub Problem);

/// The role may not review records (`forbidden`), or the caller owns or
/// recorded this session (`separation-of-duties`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:separation-of-duties", "title": "Separation of duties", "status": 403,
                     "detail": "Someone other than the session's owner and whoever recorded it must review it."})
)]
pub struct ForbiddenOrOwnRecord(pub Problem);

/// No such object, or it is outside the caller's scope: the two look the same.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:not-found", "title": "Not found", "status": 404,
                     "detail": "No such user."})
)]
pub struct NotFound(pub Problem);

/// A unique value is taken, the object is still in use, the state does not allow the change
/// (`invalid-transition`), the record is verified and locked (`locked`), or it changed since it
/// was read (`stale-version`).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:duplicate", "title": "Already exists", "status": 409,
                     "detail": "asha@lectern.test is already in use.",
                     "errors": {"email": ["asha@lectern.test is already in use."]}})
)]
pub struct Conflict(pub Problem);

/// The client stopped sending its body for longer than the server waits.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:request-timeout", "title": "Request timeout", "status": 408,
                     "detail": "The request body stopped arriving."})
)]
pub struct RequestTimeout(pub Problem);

/// The body is larger than the route accepts.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:payload-too-large", "title": "Too large", "status": 413,
                     "detail": "A file may be at most 100 MB."})
)]
pub struct PayloadTooLarge(pub Problem);

/// The requested byte range lies outside the file; `Content-Range` gives its size.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Content-Range" = String, description = "bytes */<size of the file>")),
    example = json!({"type": "urn:lectern:problem:range-not-satisfiable", "title": "Range not satisfiable",
                     "status": 416, "detail": "The requested range is outside the file's 1048576 bytes."})
)]
pub struct RangeNotSatisfiable(pub Problem);

/// The body is not of a type the route accepts.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:unsupported-media-type", "title": "Unsupported media type",
                     "status": 415, "detail": "Send the body as application/json."})
)]
pub struct UnsupportedMediaType(pub Problem);

/// Some fields are not acceptable; `errors` names each with its messages.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:validation", "title": "Validation failed", "status": 422,
                     "detail": "Some fields are not valid.",
                     "errors": {"password": ["must be at least 10 characters"]}})
)]
pub struct Unprocessable(pub Problem);

/// Too many sign-in attempts; `Retry-After` says how many seconds to wait.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds until another attempt is accepted")),
    example = json!({"type": "urn:lectern:problem:rate-limited", "title": "Too many attempts", "status": 429,
                     "detail": "Too many attempts; try again in 90 seconds."})
)]
pub struct TooManyRequests(pub Problem);

/// The whole document, routes included, as the server serves it.
pub fn document() -> OpenApiDoc {
    let mut document = crate::routes::collect_openapi();
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.put,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            declare_common_failures(operation);
        }
    }
    document
}

/// Declares the failures that come from what an operation takes rather than
/// from what it does, so no handler can forget one: a path parameter that
/// names nothing (404) or is not a number (400), a query that does not
/// validate (422), a body that is malformed, too large, of the wrong type or
/// too slow to arrive, and a missing token (401) or a password still to be
/// changed (403) on every route that needs a token.
fn declare_common_failures(operation: &mut Operation) {
    let parameters = operation.parameters.iter().flatten();
    let mut has_path = false;
    let mut has_query = false;
    for parameter in parameters {
        if let RefOr::T(parameter) = parameter {
            match parameter.parameter_in {
                ParameterIn::Path => has_path = true,
                ParameterIn::Query => has_query = true,
                _ => {}
            }
        }
    }
    let body_types: Vec<String> = match &operation.request_body {
        Some(RefOr::T(body)) => body.content.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let is_public = operation.security.as_ref().is_some_and(|requirements| {
        requirements
            .iter()
            .all(|r| *r == SecurityRequirement::default())
    });

    let mut failures: Vec<(u16, &str)> = Vec::new();
    if has_path || has_query || !body_types.is_empty() {
        failures.push((400, "BadRequest"));
    }
    if !is_public {
        // 403 too: an account whose password an admin set must choose its
        // own before anything else.
        failures.extend([(401, "Unauthorized"), (403, "Forbidden")]);
    }
    if has_path {
        failures.push((404, "NotFound"));
    }
    if !body_types.is_empty() {
        failures.extend([
            (408, "RequestTimeout"),
            (413, "PayloadTooLarge"),
            (415, "UnsupportedMediaType"),
        ]);
    }
    if has_query || body_types.iter().any(|t| t == "application/json") {
        failures.push((422, "Unprocessable"));
    }
    for (status, response) in failures {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
    }
}

/// The document as `/api/v1/openapi.json` sends it, written once at start.
/// Only these bytes are kept: each worker held a copy of the document
/// itself, and those copies were most of an idle server's heap
/// (docs/benchmarks.md, table 6).
#[derive(Clone, Debug)]
pub struct Served(pub bytes::Bytes);

impl Served {
    pub fn new(document: &OpenApiDoc) -> serde_json::Result<Self> {
        serde_json::to_vec(document).map(|json| Self(json.into()))
    }
}

/// The document as committed in `openapi/openapi.json`: pretty, with a
/// trailing newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every string the document holds under `key`, at any depth.
    fn strings_under(key: &str, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                if let Some(Value::String(text)) = fields.get(key) {
                    found.push(text.clone());
                }
                fields.values().for_each(|v| strings_under(key, v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| strings_under(key, v, found)),
            _ => {}
        }
    }

    /// Text that must say something has one pattern, the one the server's
    /// own blank check is tested against; every other pattern is a whole format.
    #[test]
    fn every_unanchored_pattern_is_the_servers_blank_check() {
        let document: Value = serde_json::from_str(&super::document_json()).unwrap();
        let mut found = Vec::new();
        strings_under("pattern", &document, &mut found);
        assert!(
            found
                .iter()
                .any(|p| p == lectern_api_types::text::SAYS_SOMETHING)
        );
        for pattern in found {
            assert!(
                (pattern.starts_with('^') && pattern.ends_with('$'))
                    || pattern == lectern_api_types::text::SAYS_SOMETHING,
                "{pattern}"
            );
        }
    }

    #[test]
    fn every_reference_in_the_document_resolves() {
        let document: Value = serde_json::from_str(&super::document_json()).unwrap();
        let mut found = Vec::new();
        strings_under("$ref", &document, &mut found);
        assert!(!found.is_empty());
        for target in found {
            let pointer = target.strip_prefix('#').expect("a local reference");
            assert!(
                document.pointer(pointer).is_some(),
                "{target} is referenced but not defined"
            );
        }
    }
}
