//! The short codes people type: branch codes, batch codes and completion codes.
//!
//! They are checked here so the SPA can refuse a bad code before sending it,
//! with the very rules the server applies.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest branch or batch code. A batch code leaves room in a generated
/// completion code (`<BATCH>-<YYYYMMDD>-<XXXX>`) for the 48 characters a code may have.
pub const MAX_SHORT_CODE_LEN: usize = 32;

/// True for `[A-Za-z0-9][A-Za-z0-9-]*` of `min..=max` characters.
fn is_code_shaped(code: &str, min: usize, max: usize) -> bool {
    let mut chars = code.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    starts_well
        && (min..=max).contains(&code.len())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A branch or batch code: 2 to 32 letters, digits or dashes, starting with
/// a letter or digit, kept upper-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortCode(String);

/// Why a string is not a branch or batch code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidShortCode;

impl fmt::Display for InvalidShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("must be 2 to 32 letters, digits or dashes, starting with a letter or digit")
    }
}

impl std::error::Error for InvalidShortCode {}

impl ShortCode {
    /// Any letter case, surrounding whitespace trimmed.
    pub fn parse(raw: &str) -> Result<Self, InvalidShortCode> {
        let code = raw.trim().to_ascii_uppercase();
        if is_code_shaped(&code, 2, MAX_SHORT_CODE_LEN) {
            Ok(Self(code))
        } else {
            Err(InvalidShortCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

parsed_from_text!(ShortCode, InvalidShortCode);

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ShortCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z0-9][A-Za-z0-9-]{1,31}$"))
            .description(Some(
                "A branch or batch code, any case (stored upper-cased)",
            ))
            .examples([serde_json::json!("RUST-101")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ShortCode {}

/// The audit code a session is completed with, always upper-case and
/// matching `^[A-Z0-9][A-Z0-9-]{3,47}$`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompletionCode(String);

/// Why a string is not a completion code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidCompletionCode;

impl fmt::Display for InvalidCompletionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("must be 4 to 48 letters, digits or dashes, starting with a letter or digit")
    }
}

impl std::error::Error for InvalidCompletionCode {}

impl CompletionCode {
    /// Accepts any letter case and stores the code upper-cased, surrounding
    /// whitespace trimmed, as people copy codes from chat messages.
    pub fn parse(raw: &str) -> Result<Self, InvalidCompletionCode> {
        let code = raw.trim().to_ascii_uppercase();
        if is_code_shaped(&code, 4, 48) {
            Ok(Self(code))
        } else {
            Err(InvalidCompletionCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

parsed_from_text!(CompletionCode, InvalidCompletionCode);

impl fmt::Display for CompletionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The schema says what [`CompletionCode::parse`] accepts once trimmed, in
/// either case.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CompletionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z0-9][A-Za-z0-9-]{3,47}$"))
            .description(Some(
                "A completion code: 4 to 48 letters, digits or dashes, any case (stored upper-cased)",
            ))
            .examples([serde_json::json!("RUST-101-20260302-7KQ2")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CompletionCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_codes_are_upper_cased_and_trimmed() {
        let code = CompletionCode::parse("  batch-001-20251219-7kq2 ").unwrap();
        assert_eq!(code.as_str(), "BATCH-001-20251219-7KQ2");
    }

    #[test]
    fn completion_codes_have_bounded_length_and_alphabet() {
        assert!(CompletionCode::parse("ABCD").is_ok());
        assert!(CompletionCode::parse("ABC").is_err());
        assert!(CompletionCode::parse(&"A".repeat(48)).is_ok());
        assert!(CompletionCode::parse(&"A".repeat(49)).is_err());
        assert!(CompletionCode::parse("-ABCD").is_err());
        assert!(CompletionCode::parse("AB CD").is_err());
        assert!(CompletionCode::parse("ABÇD").is_err());
        assert!(CompletionCode::parse("").is_err());
    }

    #[test]
    fn short_codes_allow_two_to_thirty_two_characters() {
        assert_eq!(ShortCode::parse(" pune-2 ").unwrap().as_str(), "PUNE-2");
        assert!(ShortCode::parse("batch-001").is_ok());
        assert!(ShortCode::parse("H").is_err());
        assert!(ShortCode::parse(&"B".repeat(32)).is_ok());
        assert!(ShortCode::parse(&"B".repeat(33)).is_err());
        assert!(ShortCode::parse("a/b").is_err());
    }

    #[test]
    fn completion_codes_deserialize_through_parse() {
        let code: CompletionCode = serde_json::from_str("\"abcd-1\"").unwrap();
        assert_eq!(code.as_str(), "ABCD-1");
        assert!(serde_json::from_str::<CompletionCode>("\"a\"").is_err());
    }
}
