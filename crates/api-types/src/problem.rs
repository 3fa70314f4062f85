//! RFC 9457 problem details, the body of every error response.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An error as the API reports it (`application/problem+json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "type": "urn:lectern:problem:validation",
        "title": "Validation failed",
        "status": 422,
        "detail": "Some fields are not valid.",
        "errors": {"email": ["must be a valid email address"]}
    }))
)]
pub struct Problem {
    /// A stable identifier of the kind of problem, `urn:lectern:problem:<kind>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem; the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for a human.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For validation problems: each invalid field and what is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

impl Problem {
    /// The messages reported for one field, if any.
    pub fn field_errors(&self, field: &str) -> &[String] {
        self.errors
            .as_ref()
            .and_then(|errors| errors.get(field))
            .map_or(&[], Vec::as_slice)
    }
}
