//! Request extractors that parse and validate in one step, and report
//! failures as problems naming the field at fault.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpRequest};
use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde::de::value::{self, MapDeserializer, SeqDeserializer};
use validator::Validate;

use crate::error::ApiError;
use crate::routes::methods::MethodTable;
use crate::services::error::FieldErrors;
use crate::state::AppState;
use crate::url_text::UrlText;

/// Bodies above this are refused with 413 before they are read whole.
/// Sized for the longest valid body: 10,000 characters of notes, each
/// written as a 12-byte surrogate-pair escape, plus the other fields.
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

/// A JSON body, deserialised and then validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = SmallBody::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as application/json.".into(),
                ));
            }
            let SmallBody(bytes) = body.await?;
            let value = match read_json::<T>(&bytes)? {
                Ok(value) => value,
                // The fields that did parse are checked too, so one answer
                // names everything the body got wrong.
                Err((mut errors, rest)) => {
                    if let Some(Err(more)) = rest.map(|rest| rest.validate()) {
                        errors.extend(more.into());
                    }
                    return Err(ApiError::Invalid(errors));
                }
            };
            value
                .validate()
                .map_err(|err| ApiError::Invalid(err.into()))?;
            Ok(ValidJson(value))
        })
    }
}

/// A small body (at most [`JSON_LIMIT_BYTES`]), read whole: 413 past the
/// limit (before reading, when `Content-Length` says so), 408 when the client
/// stops sending for longer than the configured body timeout.
#[derive(Debug)]
pub struct SmallBody(pub Bytes);

impl FromRequest for SmallBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let patience = req
            .app_data::<web::Data<AppState>>()
            .map_or(Duration::from_secs(60), |state| state.config.body_timeout());
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let read = tokio::time::timeout(patience, body).await.map_err(|_| {
                ApiError::RequestTimeout("The request body stopped arriving.".into())
            })?;
            read.map(SmallBody)
                .map_err(|err| match err.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => ApiError::PayloadTooLarge(format!(
                        "A JSON body may be at most {} KiB.",
                        JSON_LIMIT_BYTES / 1024
                    )),
                    _ => ApiError::Malformed(format!("The body could not be read: {err}")),
                })
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(content_type) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(content_type) = content_type.to_str() else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Syntax errors are 400; well-formed JSON of the wrong shape is 422 with
/// the offending fields named.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    read_json(bytes)?.map_err(|(errors, _)| ApiError::Invalid(errors))
}

/// A body as `T`, or every field it gets wrong with `T` read from the rest
/// when that was possible. Only a body that is not JSON at all is an error.
type Fields<T> = Result<T, (FieldErrors, Option<T>)>;

fn read_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<Fields<T>, ApiError> {
    // serde reads a struct from an array of its fields in order too; no
    // body of ours is an array, so `[...]` is refused rather than guessed at.
    if bytes.trim_ascii_start().first() == Some(&b'[') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut document = serde_json::Value::deserialize(&mut deserializer).map_err(|err| {
        ApiError::Malformed(format!(
            "The body is not valid JSON: {}",
            without_position(&err)
        ))
    })?;
    deserializer
        .end()
        .map_err(|_| ApiError::Malformed("The body has data after its JSON value.".into()))?;
    integral_numbers_as_integers(&mut document);
    let errors = without_nul_characters(&mut document);
    Ok(read_fields(document, errors))
}

/// Why text holding U+0000 is refused.
pub const NUL_MESSAGE: &str = "must not contain the character U+0000";

/// Secrets that are hashed, never stored as text: they may hold U+0000,
/// and a password chosen with one before it was refused still signs in.
const HASHED_SECRETS: [&str; 4] = [
    "password",
    "current_password",
    "new_password",
    "refresh_token",
];

/// Text never holds U+0000: PostgreSQL cannot store it, and the same body
/// must get the same answer on every database. Each top-level field with
/// such text anywhere in it is named and taken out, so the rest of the body
/// is still read and its own mistakes named in the same answer.
fn without_nul_characters(document: &mut serde_json::Value) -> FieldErrors {
    let mut errors = FieldErrors::default();
    match document {
        serde_json::Value::Object(fields) => fields.retain(|name, value| {
            let holds = !HASHED_SECRETS.contains(&name.as_str()) && holds_nul(value);
            if holds {
                errors.add(name, NUL_MESSAGE);
            }
            !holds
        }),
        other if holds_nul(other) => errors.add("body", NUL_MESSAGE),
        _ => {}
    }
    errors
}

fn holds_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// serde stops at the first field it cannot read. To name them all, a
/// field that fails is noted and left out, and the rest read again; it ends
/// when the rest reads, or when what is left cannot say more (a required
/// field already named, an error below the top level).
fn read_fields<T: DeserializeOwned>(
    mut document: serde_json::Value,
    mut errors: FieldErrors,
) -> Fields<T> {
    loop {
        let err = match serde_path_to_error::deserialize::<_, T>(document.clone()) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(rest) => return Err((errors, Some(rest))),
            Err(err) => err,
        };
        let (field, message) = field_error(&err.path().to_string(), &without_position(err.inner()));
        if errors.has(&field) {
            return Err((errors, None));
        }
        errors.add(&field, message);
        let removed = document
            .as_object_mut()
            .and_then(|fields| fields.remove(&field));
        if removed.is_none() {
            return Err((errors, None));
        }
    }
}

/// JSON Schema, and so the OpenAPI document, counts `3.0` as the integer 3;
/// serde would refuse it for an `i64`. Rewriting integral numbers first
/// makes the server accept exactly what the document promises.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            // i64::MAX is not representable; the bound below it is 2^63.
            let in_range =
                (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float);
            if float.fract() == 0.0 && in_range {
                #[allow(clippy::cast_possible_truncation)]
                let integer = float as i64;
                *value = Value::from(integer);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

/// serde reports a missing field against its parent; name the field itself.
/// List positions are dropped (`weekdays[2]` is reported on `weekdays`), so
/// a form can show the message beside the field it has.
fn field_error(path: &str, message: &str) -> (String, String) {
    let path = without_indices(path);
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let field = if path == "." {
            missing.to_owned()
        } else {
            format!("{path}.{missing}")
        };
        return (field, "is required".into());
    }
    let field = if path == "." { "body".into() } else { path };
    (field, message.to_owned())
}

fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Query parameters, deserialised and validated; bad ones are 422 by name.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ValidQuery))
    }
}

pub fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<T, ApiError> {
    // A URL carries U+0000 only as `%00`: most queries are not read twice.
    if query.contains("%00")
        && let Some((name, _)) =
            form_urlencoded::parse(query.as_bytes()).find(|(_, value)| value.contains('\0'))
    {
        return Err(ApiError::invalid(&name, NUL_MESSAGE));
    }
    let pairs =
        form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name, UrlText(value)));
    let value: T = serde_path_to_error::deserialize(MapDeserializer::<_, value::Error>::new(pairs))
        .map_err(|err| {
            let (field, message) = field_error(&err.path().to_string(), &err.inner().to_string());
            ApiError::Invalid(FieldErrors::single(&field, message))
        })?;
    value
        .validate()
        .map_err(|err| ApiError::Invalid(err.into()))?;
    Ok(value)
}

/// The path's parameters in order: one (`/users/{id}`) as itself, several
/// as a tuple. One that does not parse (`/users/abc`) is reported, not
/// passed on as an empty 404; unless the path is another route's that does
/// not serve this method (`PATCH /completions/export` reaches `PATCH
/// /completions/{id}`), which is 405 like any method a path does not serve.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for PathParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let mut segments: Vec<UrlText<'_>> = req
            .match_info()
            .iter()
            .map(|(_, text)| UrlText(Cow::Borrowed(text)))
            .collect();
        let parsed = if segments.len() == 1 {
            T::deserialize(segments.remove(0))
        } else {
            T::deserialize(SeqDeserializer::<_, value::Error>::new(
                segments.into_iter(),
            ))
        };
        std::future::ready(parsed.map(PathParams).map_err(|err| {
            let table = req.app_data::<web::Data<MethodTable>>();
            match table.and_then(|table| table.allowed(req.match_info().as_str())) {
                Some(allowed) if !allowed.contains(req.method()) => {
                    ApiError::MethodNotAllowed(allowed.to_vec())
                }
                _ => ApiError::Malformed(format!("A path parameter is not valid: {err}")),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    struct Body {
        #[validate(length(min = 2, message = "is too short"))]
        name: String,
        count: u32,
    }

    fn invalid_fields(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Invalid(errors) => errors.into_map().into_keys().collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_are_malformed() {
        assert!(matches!(
            parse_json::<Body>(b"{\"name\": "),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            parse_json::<Body>(br#"{"name": "ab", "count": 1} {}"#),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn wrong_types_and_missing_fields_name_the_field() {
        let err = parse_json::<Body>(br#"{"name": "ab", "count": "many"}"#).unwrap_err();
        assert_eq!(invalid_fields(err), ["count"]);
        let err = parse_json::<Body>(br#"{"name": "ab"}"#).unwrap_err();
        assert_eq!(invalid_fields(err), ["count"]);
    }

    #[test]
    fn list_positions_are_reported_on_the_list() {
        #[derive(Debug, Deserialize, Validate)]
        struct Days {
            #[expect(dead_code, reason = "only its parsing is tested")]
            days: Vec<u8>,
        }
        let err = parse_json::<Days>(br#"{"days": [1, "x"]}"#).unwrap_err();
        assert_eq!(invalid_fields(err), ["days"]);
    }

    #[test]
    fn query_values_are_checked_by_name() {
        let err = parse_query::<Body>("name=ab&count=-1").unwrap_err();
        assert_eq!(invalid_fields(err), ["count"]);
        let err = parse_query::<Body>("name=a&count=1").unwrap_err();
        assert_eq!(invalid_fields(err), ["name"]);
        let body = parse_query::<Body>("name=abc&count=3").unwrap();
        assert_eq!(body.count, 3);
    }
}
