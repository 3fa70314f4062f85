//! Rules for free text that people type.

use validator::ValidationError;

/// The schema's `pattern` for text that must say something: one character
/// that is not white space. Not `\S`, because the readers of our schema
/// disagree on white space at the edges: ECMAScript's `\s` (what JSON Schema
/// patterns mean) counts U+FEFF and not U+0085, Rust the reverse, Python's
/// `str.isspace` also U+001C–U+001F. Text of any of these alone is blank to
/// the server, and the pattern lists them all, so both say the same.
pub const SAYS_SOMETHING: &str = r"[^\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}' | '\u{feff}')
}

fn is_blank(text: &str) -> bool {
    text.chars().all(is_space)
}

/// Names and titles must say something: white space alone is refused, since
/// it is trimmed away before storing.
pub fn not_blank(text: &str) -> Result<(), ValidationError> {
    if is_blank(text) {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// Required text of at most `max` characters. The limit counts what was
/// sent, spaces around it included, as the schema's `maxLength` does; only
/// the check for something to say looks past them.
pub fn says_something_within(text: &str, max: usize) -> bool {
    !is_blank(text) && text.chars().count() <= max
}

/// The longest reason kept for a cancellation, a return or a reopening.
pub const MAX_REASON_CHARS: usize = 2000;

/// Why something was done to a session: it must say something, in at most
/// [`MAX_REASON_CHARS`] characters as sent, and is kept trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

/// Why a string is not a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidReason;

impl std::fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is required (at most {MAX_REASON_CHARS} characters)")
    }
}

impl std::error::Error for InvalidReason {}

impl Reason {
    pub fn parse(raw: &str) -> Result<Self, InvalidReason> {
        if says_something_within(raw, MAX_REASON_CHARS) {
            Ok(Self(raw.trim().to_owned()))
        } else {
            Err(InvalidReason)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reason {
    type Error = InvalidReason;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Reason> for String {
    fn from(reason: Reason) -> Self {
        reason.0
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Reason {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(MAX_REASON_CHARS))
            .pattern(Some(SAYS_SOMETHING))
            .examples([serde_json::json!("Public holiday")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Reason {}

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_are_trimmed_and_must_say_something() {
        assert_eq!(
            Reason::parse("  Projector broke ").unwrap().as_str(),
            "Projector broke"
        );
        assert!(Reason::parse(" \u{3000}").is_err());
        assert!(Reason::parse(&"x".repeat(MAX_REASON_CHARS)).is_ok());
        assert!(Reason::parse(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        let reason: Reason = serde_json::from_str("\" ok \"").unwrap();
        assert_eq!(reason.as_str(), "ok");
        assert!(serde_json::from_str::<Reason>("\"  \"").is_err());
    }

    use super::*;

    #[test]
    fn the_limit_counts_the_text_as_sent() {
        assert!(says_something_within("é", 1));
        assert!(!says_something_within("\né", 1));
        assert!(!says_something_within("   ", 5));
    }

    #[test]
    fn whitespace_alone_is_blank() {
        assert!(not_blank(" \t\u{3000}").is_err());
        assert!(not_blank("\u{85}").is_err());
        assert!(not_blank("\u{feff}\u{1f}").is_err());
        assert!(not_blank(" a ").is_ok());
    }

    #[test]
    fn the_schema_pattern_and_the_server_agree_on_every_character() {
        let pattern = regex::Regex::new(SAYS_SOMETHING).unwrap();
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(
                pattern.is_match(c.encode_utf8(&mut [0; 4])),
                !is_space(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }
}
