//! The HTTP error type: every failure of every route becomes an RFC 9457
//! `application/problem+json` body here and nowhere else.

use std::time::Duration;

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use lectern_api_types::Problem;

use crate::services::error::{ConflictKind, FieldErrors, ServiceError};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read at all.
    #[error("{0}")]
    Malformed(String),
    /// 401: no credentials, or ones that do not check out.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// 403: nobody reviews a session they own or recorded.
    #[error("{0}")]
    SeparationOfDuties(String),
    /// 403: an admin set the password, and its owner has not chosen one yet.
    #[error(
        "An admin set this account's password: choose your own with POST /api/v1/me/password first."
    )]
    PasswordChangeRequired,
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, but not for this method.
    #[error("This route answers {}.", .0.iter().map(Method::as_str).collect::<Vec<_>>().join(", "))]
    MethodNotAllowed(Vec<Method>),
    #[error("{detail}")]
    Conflict {
        kind: ConflictKind,
        detail: String,
        field: Option<&'static str>,
    },
    /// 408: the client stopped sending its request.
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 416: the requested range lies outside a file of `size` bytes.
    #[error("The requested range is outside the file's {size} bytes.")]
    RangeNotSatisfiable { size: u64 },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: readable, but some fields are not acceptable.
    #[error("validation failed")]
    Invalid(FieldErrors),
    #[error("too many attempts")]
    RateLimited { retry_after: Duration },
    #[error("{0}")]
    Unavailable(&'static str),
    /// 500: a bug or an outage. The cause goes to the log, never to the client.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound(what) => ApiError::NotFound(format!("No such {what}.")),
            ServiceError::Forbidden(detail) => ApiError::Forbidden(detail),
            ServiceError::SeparationOfDuties(detail) => ApiError::SeparationOfDuties(detail),
            ServiceError::Conflict {
                kind,
                detail,
                field,
            } => ApiError::Conflict {
                kind,
                detail,
                field,
            },
            ServiceError::Invalid(errors) => ApiError::Invalid(errors),
            ServiceError::Busy => {
                ApiError::Unavailable("Other changes to the same data got in the way; try again.")
            }
            ServiceError::LockTimeout => ApiError::Unavailable(
                "The database is too busy with other changes to take this one now; try again shortly.",
            ),
            ServiceError::Database(err) => ApiError::Internal(err.into()),
            ServiceError::Internal(err) => ApiError::Internal(err),
        }
    }
}

impl ApiError {
    /// A 422 on one field.
    pub fn invalid(field: &str, message: &str) -> Self {
        ApiError::Invalid(FieldErrors::single(field, message))
    }

    /// The stable `type` of the problem and its fixed title.
    fn kind_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Malformed(_) => ("malformed-request", "Malformed request"),
            ApiError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::SeparationOfDuties(_) => ("separation-of-duties", "Separation of duties"),
            ApiError::PasswordChangeRequired => {
                ("password-change-required", "Password change required")
            }
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict { kind, .. } => match kind {
                ConflictKind::Duplicate => ("duplicate", "Already exists"),
                ConflictKind::InUse => ("in-use", "Still in use"),
                ConflictKind::InvalidTransition => {
                    ("invalid-transition", "Invalid state transition")
                }
                ConflictKind::StaleVersion => ("stale-version", "Edited by someone else"),
                ConflictKind::Locked => ("locked", "Record locked"),
            },
            ApiError::RequestTimeout(_) => ("request-timeout", "Request timeout"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Too large"),
            ApiError::RangeNotSatisfiable { .. } => {
                ("range-not-satisfiable", "Range not satisfiable")
            }
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Invalid(_) => ("validation", "Validation failed"),
            ApiError::RateLimited { .. } => ("rate-limited", "Too many attempts"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Invalid(_) => "Some fields are not valid.".into(),
            ApiError::RateLimited { retry_after } => format!(
                "Too many attempts; try again in {} seconds.",
                retry_after.as_secs().max(1)
            ),
            ApiError::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
            other => other.to_string(),
        }
    }

    pub fn problem(&self) -> Problem {
        let (kind, title) = self.kind_and_title();
        let errors = match self {
            ApiError::Invalid(errors) => Some(errors.clone().into_map()),
            ApiError::Conflict {
                field: Some(field),
                detail,
                ..
            } => Some(FieldErrors::single(field, detail.clone()).into_map()),
            _ => None,
        };
        Problem {
            kind: format!("urn:lectern:problem:{kind}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: Some(self.detail()),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_)
            | ApiError::SeparationOfDuties(_)
            | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::Unauthorized(detail) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer error=\"invalid_token\", error_description=\"{detail}\""),
                ));
            }
            ApiError::MethodNotAllowed(allowed) => {
                let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                response.insert_header((header::ALLOW, names.join(", ")));
            }
            ApiError::RangeNotSatisfiable { size } => {
                response.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::RateLimited { retry_after } => {
                response.insert_header((
                    header::RETRY_AFTER,
                    retry_after.as_secs().max(1).to_string(),
                ));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

/// A problem body for a bare status, for the responses actix makes itself
/// (unmatched routes, wrong methods) that carry no error of ours.
pub fn problem_for_status(status: StatusCode) -> Problem {
    let reason = status.canonical_reason().unwrap_or("Error");
    let kind = reason.to_ascii_lowercase().replace(' ', "-");
    Problem {
        kind: format!("urn:lectern:problem:{kind}"),
        title: reason.into(),
        status: status.as_u16(),
        detail: None,
        errors: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_keep_their_cause_out_of_the_body() {
        let err = ApiError::Internal(anyhow::anyhow!("password=hunter2 connection refused"));
        let body = serde_json::to_string(&err.problem()).unwrap();
        assert!(!body.contains("hunter2"));
        assert_eq!(err.problem().status, 500);
    }

    #[test]
    fn conflicts_on_a_field_report_it_under_errors() {
        let err = ApiError::from(ServiceError::duplicate("email", "is already in use"));
        let problem = err.problem();
        assert_eq!(problem.status, 409);
        assert_eq!(problem.kind, "urn:lectern:problem:duplicate");
        assert_eq!(problem.field_errors("email"), ["is already in use"]);
    }

    #[test]
    fn a_conflict_the_database_broke_is_worth_retrying() {
        let response = ApiError::from(ServiceError::Busy).error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
    }

    #[test]
    fn bare_statuses_get_a_problem_type_named_after_them() {
        let problem = problem_for_status(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(problem.kind, "urn:lectern:problem:method-not-allowed");
        assert_eq!(problem.status, 405);
    }
}
