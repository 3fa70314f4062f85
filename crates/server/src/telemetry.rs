//! Structured logs through `tracing`: readable lines for people, JSON for
//! collectors. `RUST_LOG` overrides the default levels.

use std::borrow::Cow;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::header;
use actix_web::{Error, HttpMessage as _, web};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::routes::API_PREFIX;
use crate::state::AppState;

const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm_migration=warn";

pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    // A second initialisation (tests calling in twice) keeps the first.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// The span every request's log lines carry: the fields tracing-actix-web
/// records, with two changes. Credentials in the target are blanked (a
/// signed link's `sig`, an `access_token` or other token a client put in a
/// query, a calendar feed's secret address), so a log line of a failed
/// request cannot be replayed. And the client address is read past trusted
/// proxies only, as the rate limits read it.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let target = redacted_target(request.uri());
        let client = request
            .app_data::<web::Data<AppState>>()
            .map(|state| state.config.trusted_proxies.client_of(request.request()));
        let user_agent = request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.target = %target,
            http.client_ip = client.map(tracing::field::display),
            http.user_agent = user_agent,
            request_id = request_id.map(tracing::field::display),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    /// Fills in the route, status and error only when the request failed.
    /// They are read by nothing but the error event logged right after this
    /// (request lines are not logged), and the JSON format re-parses and
    /// re-writes a span's fields on every `record`: recorded on every
    /// request, they took a fifth of the server's time on `/healthz`
    /// (docs/benchmarks.md).
    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let response = match outcome {
            Ok(response) if response.response().error().is_none() => return,
            Ok(response) => Some(response),
            Err(_) => None,
        };
        if let Some(route) = response.and_then(|response| response.request().match_pattern()) {
            span.record("http.route", route);
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Query parameters whose values are credentials.
const SECRET_PARAMETERS: [&str; 5] = ["sig", "access_token", "refresh_token", "token", "secret"];

/// The path and query of `uri` fit for a log: every credential replaced by
/// `[redacted]`, everything else as it was sent. Most requests carry none,
/// and are logged as they came without a copy.
fn redacted_target(uri: &Uri) -> Cow<'_, str> {
    let feed = uri
        .path()
        .strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.starts_with(CALENDAR_FEEDS));
    let secret = |pair: &&str| {
        pair.split_once('=').is_some_and(|(name, _)| {
            SECRET_PARAMETERS
                .iter()
                .any(|secret| secret.eq_ignore_ascii_case(name))
        })
    };
    let query = uri.query().unwrap_or_default();
    if !feed && !query.split('&').any(|pair| secret(&pair)) {
        return Cow::Borrowed(uri.path_and_query().map_or("", |whole| whole.as_str()));
    }
    let path = if feed {
        Cow::Owned(format!("{API_PREFIX}{CALENDAR_FEEDS}[redacted]"))
    } else {
        Cow::Borrowed(uri.path())
    };
    if query.is_empty() {
        return path;
    }
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if secret(&pair) => Cow::Owned(format!("{name}=[redacted]")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    Cow::Owned(format!("{path}?{}", pairs.join("&")))
}

/// Where calendar feeds are served under the API: the rest is the secret.
const CALENDAR_FEEDS: &str = "/calendar/";

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(target: &str) -> String {
        redacted_target(&target.parse().unwrap()).into_owned()
    }

    #[test]
    fn credentials_in_a_target_are_blanked() {
        assert_eq!(
            redacted("/api/v1/attachments/7/download?user=3&expires=99&sig=c2VjcmV0"),
            "/api/v1/attachments/7/download?user=3&expires=99&sig=[redacted]"
        );
        assert_eq!(
            redacted("/api/v1/me?Access_Token=eyJhbGci&x=1"),
            "/api/v1/me?Access_Token=[redacted]&x=1"
        );
        assert_eq!(
            redacted("/api/v1/calendar/s3cr3t-feed.ics"),
            "/api/v1/calendar/[redacted]"
        );
    }

    #[test]
    fn other_targets_are_kept_as_sent() {
        assert_eq!(
            redacted("/api/v1/completions?q=sig%3D1&limit=20"),
            "/api/v1/completions?q=sig%3D1&limit=20"
        );
        assert_eq!(redacted("/healthz"), "/healthz");
    }
}
