//! The OpenAPI document: route paths come from the handlers' `#[utoipa::path]`
//! attributes as they are registered; this module adds what is shared.

use lectern_api_types::Problem;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
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
        (name = "batches", description = "Recurring templates that generate sessions"),
        (name = "sessions", description = "Scheduled and ad-hoc sessions: complete, cancel, verify"),
        (name = "notes", description = "Typed remarks on a session"),
        (name = "attachments", description = "Recordings and documents kept with a session"),
        (name = "audit", description = "The append-only record of changes"),
    ),
    components(responses(
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
        RangeNotSatisfiable, UnsupportedMediaType, Unprocessable, TooManyRequests
    )),
    security(("bearer" = [])),
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

/// The caller sees the object but its role may not do this.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:forbidden", "title": "Not allowed", "status": 403,
                     "detail": "Branch admins cannot create super admins."})
)]
pub struct Forbidden(pub Problem);

/// No such object, or it is outside the caller's scope: the two look the same.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:not-found", "title": "Not found", "status": 404,
                     "detail": "No such user."})
)]
pub struct NotFound(pub Problem);

/// A unique value is taken, the object is still in use, or the state does not allow the change.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lectern:problem:duplicate", "title": "Already exists", "status": 409,
                     "detail": "asha@lectern.test is already in use.",
                     "errors": {"email": ["asha@lectern.test is already in use."]}})
)]
pub struct Conflict(pub Problem);

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
    crate::routes::collect_openapi()
}

/// The document as committed in `openapi/openapi.json`: pretty, with a
/// trailing newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
