//! Log lines written during a request end with that request's fields
//! (`request::Request::fields`): appended to the JSON object as top-level
//! keys, or to the text line as `name=value` pairs.

use std::fmt::{self, Write as _};

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::request;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Json,
    Text,
}

/// A line format `F` that names the current request, if there is one.
pub struct WithRequest<F> {
    inner: F,
    style: Style,
}

impl<F> WithRequest<F> {
    /// `inner` writes one JSON object per line.
    pub fn json(inner: F) -> Self {
        Self {
            inner,
            style: Style::Json,
        }
    }

    /// `inner` writes one line of text.
    pub fn text(inner: F) -> Self {
        Self {
            inner,
            style: Style::Text,
        }
    }
}

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let Some(request) = request::current() else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        writer.write_str(&with_fields(self.style, &line, &request.fields()))
    }
}

/// `line` as `inner` wrote it, with `fields` added before its end.
fn with_fields(style: Style, line: &str, fields: &[(&str, std::borrow::Cow<'_, str>)]) -> String {
    let body = line.strip_suffix('\n').unwrap_or(line);
    let mut out = String::with_capacity(line.len() + 256);
    match (style, body.strip_suffix('}')) {
        (Style::Json, Some(open)) => {
            out.push_str(open);
            for (name, value) in fields {
                let _ = write!(out, ",{}:{}", json_string(name), json_string(value));
            }
            out.push('}');
        }
        // Not the object the JSON format always writes: kept as it is.
        (Style::Json, None) => out.push_str(body),
        (Style::Text, _) => {
            out.push_str(body);
            for (name, value) in fields {
                if value.is_empty() || value.contains(|c: char| c.is_whitespace() || c == '"') {
                    let _ = write!(out, " {name}={value:?}");
                } else {
                    let _ = write!(out, " {name}={value}");
                }
            }
        }
    }
    out.push('\n');
    out
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::{Value, json};

    use super::*;

    fn fields() -> Vec<(&'static str, Cow<'static, str>)> {
        vec![
            ("request_id", Cow::Borrowed("0f9c")),
            ("http.target", Cow::Borrowed("/api/v1/me?q=\"x\"")),
            ("http.user_agent", Cow::Borrowed("Mozilla/5.0 (X11)")),
        ]
    }

    #[test]
    fn a_json_line_gets_the_request_as_top_level_keys() {
        let line = "{\"level\":\"WARN\",\"message\":\"readiness check failed\"}\n";
        let written = with_fields(Style::Json, line, &fields());
        assert!(written.ends_with("}\n"), "{written}");
        let parsed: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(
            parsed,
            json!({
                "level": "WARN",
                "message": "readiness check failed",
                "request_id": "0f9c",
                "http.target": "/api/v1/me?q=\"x\"",
                "http.user_agent": "Mozilla/5.0 (X11)",
            })
        );
    }

    #[test]
    fn a_text_line_gets_the_request_as_pairs_quoted_where_needed() {
        let line = "2026-12-07T00:00:00Z  WARN lectern: readiness check failed\n";
        assert_eq!(
            with_fields(Style::Text, line, &fields()),
            "2026-12-07T00:00:00Z  WARN lectern: readiness check failed request_id=0f9c \
             http.target=\"/api/v1/me?q=\\\"x\\\"\" http.user_agent=\"Mozilla/5.0 (X11)\"\n"
        );
    }
}
