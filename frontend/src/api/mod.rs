//! Lectern's API as the app calls it. Each endpoint is declared once, in
//! the module of what it serves, with the request and response types of
//! `lectern-api-types`; pages call those functions and never spell a path.
//! Every call that needs a token gets the session's, renews it once when it
//! has expired, and reports failures as the server's problem documents so
//! forms can show each message beside its field.

pub mod audit;
pub mod auth;
pub mod batches;
pub mod branches;
pub mod files;
pub mod holidays;
pub mod me;
pub mod notes;
pub mod outbox;
mod route;
pub mod sessions;
pub mod staff;
pub mod stats;
mod transport;
pub mod webhooks;

use lectern_api_types::Problem;

pub use self::route::{Fetch, FileBody};
pub use self::transport::API;

/// Why a call failed: the server said no, or it could not be reached.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    Problem(Problem),
    Network(String),
}

impl ApiError {
    /// A sentence for the person at the screen.
    pub fn message(&self) -> String {
        match self {
            ApiError::Problem(problem) => problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
            ApiError::Network(_) => {
                "Lectern cannot be reached. Check your connection and try again.".into()
            }
        }
    }

    pub fn field_errors(&self, field: &str) -> Vec<String> {
        match self {
            ApiError::Problem(problem) => problem.field_errors(field).to_vec(),
            ApiError::Network(_) => Vec::new(),
        }
    }

    /// Whether the message belongs beside fields rather than above the form.
    /// `version` is no form's field: a record changed meanwhile is told
    /// above the form, or the Save button would only stop turning.
    pub fn is_about_fields(&self) -> bool {
        matches!(self, ApiError::Problem(problem) if problem.errors.as_ref().is_some_and(|errors| errors.keys().any(|field| field != "version")))
    }

    /// The HTTP status the server answered with; none when it was not reached.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(problem) => Some(problem.status),
            ApiError::Network(_) => None,
        }
    }

    /// Whether what was sent was changed by someone else meanwhile.
    pub fn is_stale(&self) -> bool {
        matches!(self, ApiError::Problem(problem) if problem.kind == "urn:lectern:problem:stale-version")
    }

    /// A validation failure on one field, for checks the page makes itself.
    pub fn invalid(field: &str, message: &str) -> Self {
        ApiError::Problem(Problem {
            kind: "urn:lectern:problem:validation".into(),
            title: "Validation failed".into(),
            status: 422,
            detail: Some("Some fields are not valid.".into()),
            errors: Some([(field.to_owned(), vec![message.to_owned()])].into()),
        })
    }

    pub(crate) fn problem(status: u16, title: &str, detail: Option<String>) -> Self {
        ApiError::Problem(Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status,
            detail,
            errors: None,
        })
    }
}

// Leptos's <ErrorBoundary> takes any error; these let a failed load be
// thrown into one and read back out of it.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// What a person typed into `field`, parsed as the request type takes it,
/// so the page refuses it with the server's own message before sending.
pub fn typed<T>(text: &str, field: &str) -> Result<T, ApiError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|err: T::Err| ApiError::invalid(field, &err.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::route::Route;

    /// Every route the app calls, module by module.
    fn every_route() -> Vec<Route> {
        [
            super::audit::ROUTES,
            super::auth::ROUTES,
            super::batches::ROUTES,
            super::branches::ROUTES,
            super::files::ROUTES,
            super::holidays::ROUTES,
            super::me::ROUTES,
            super::notes::ROUTES,
            super::outbox::ROUTES,
            super::sessions::ROUTES,
            super::staff::ROUTES,
            super::stats::ROUTES,
            super::webhooks::ROUTES,
        ]
        .concat()
    }

    #[test]
    fn every_route_the_app_calls_is_one_the_server_documents() {
        let spec: Value =
            serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
        let routes = every_route();
        assert!(routes.len() > 30, "only {} routes found", routes.len());
        for route in routes {
            let path = format!("{}{}", super::API, route.template);
            let method = route.verb.method().as_str().to_lowercase();
            assert!(
                spec["paths"][&path][&method].is_object(),
                "{} {path} is not in openapi/openapi.json",
                method.to_uppercase()
            );
        }
    }

    #[test]
    fn no_route_is_declared_twice() {
        let mut seen = std::collections::HashSet::new();
        for route in every_route() {
            assert!(
                seen.insert((route.verb, route.template)),
                "{:?} {} is declared twice",
                route.verb,
                route.template
            );
        }
    }
}
