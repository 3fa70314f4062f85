//! Session filters as URLs. The session list reads its filters from its
//! query string and every figure links to the list with the filter it
//! counts; both, and the API's queries, are spelled by
//! `CompletionFilter::to_pairs` so a link and the call behind it agree.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::CompletionFilter;
use leptos_router::params::ParamsMap;
use serde::de::DeserializeOwned;

/// Where the filtered session list lives.
pub const LIST: &str = "/admin/sessions";

/// `?a=1&b=x`, each value encoded; empty without pairs.
pub fn encode(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{key}={}",
                String::from(js_sys::encode_uri_component(value))
            )
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The session list showing what `filter` selects.
pub fn list_href(filter: &CompletionFilter) -> String {
    format!("{LIST}{}", encode(&filter.to_pairs()))
}

/// The filter a query string carries. What does not parse is left out, as
/// a hand-edited URL should show the list rather than an error.
pub fn from_query(query: &ParamsMap) -> CompletionFilter {
    let text = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
    fn parsed<T: std::str::FromStr>(text: Option<String>) -> Option<T> {
        text.and_then(|value| value.trim().parse().ok())
    }
    let flag = |key: &str| match text(key).as_deref().map(str::trim) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    CompletionFilter {
        status: text("status").and_then(|value| wire(&value)),
        user_id: parsed(text("user_id")),
        branch_id: parsed(text("branch_id")),
        batch_id: parsed(text("batch_id")),
        from: parsed(text("from")),
        to: parsed(text("to")),
        review: text("review").and_then(|value| wire(&value)),
        code: text("code").and_then(|value| CompletionCode::parse(&value).ok()),
        late: flag("late"),
        overdue: flag("overdue"),
        has_attachments: flag("has_attachments"),
        note_type: text("note_type").and_then(|value| wire(&value)),
        q: text("q").map(|value| value.trim().to_owned()),
        sort: text("sort").and_then(|value| wire(&value)),
    }
}

/// An enum from the name it has on the wire, as the server reads it.
pub fn wire<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).ok()
}
