//! Credentials blanked out of a request's target before it reaches a log
//! line: a signed link's `sig`, an `access_token` or other token a client
//! put in a query, a calendar feed's secret address. A logged line of a
//! failed request cannot be replayed.

use std::borrow::Cow;

use actix_web::http::Uri;
use percent_encoding::percent_decode_str;

use crate::routes::API_PREFIX;

/// Query parameters whose values are credentials.
const SECRET_PARAMETERS: [&str; 5] = ["sig", "access_token", "refresh_token", "token", "secret"];

/// Whether `routed_path`, the path as the router decoded it, is a calendar
/// feed's secret address. Read from the decoded path, as the router reads
/// it: `/api/v1/c%61lendar/…` is a feed too.
pub fn is_calendar_feed(routed_path: &str) -> bool {
    routed_path
        .strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.starts_with(CALENDAR_FEEDS))
}

/// The path and query of `uri` fit for a log: every credential replaced by
/// `[redacted]`, the whole path when it is a calendar `feed`'s, everything
/// else as it was sent. Most requests carry none, and are logged as they
/// came without a copy.
pub fn redacted_target(uri: &Uri, feed: bool) -> Cow<'_, str> {
    // Names read as the query's parser reads them: `s%69g` is `sig`.
    let secret = |pair: &&str| {
        pair.split_once('=').is_some_and(|(name, _)| {
            let name = percent_decode_str(name).decode_utf8_lossy();
            SECRET_PARAMETERS
                .iter()
                .any(|secret| secret.eq_ignore_ascii_case(&name))
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
        let uri: Uri = target.parse().unwrap();
        let routed = actix_web::test::TestRequest::with_uri(target).to_http_request();
        redacted_target(&uri, is_calendar_feed(routed.match_info().as_str())).into_owned()
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
            redacted("/api/v1/attachments/7/download?user=3&s%69g=c2VjcmV0"),
            "/api/v1/attachments/7/download?user=3&s%69g=[redacted]"
        );
        assert_eq!(
            redacted("/api/v1/calendar/s3cr3t-feed.ics"),
            "/api/v1/calendar/[redacted]"
        );
        assert_eq!(
            redacted("/api/v1/c%61lendar/s3cr3t-feed.ics"),
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
