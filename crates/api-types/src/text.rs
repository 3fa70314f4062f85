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

/// Why typed text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    Blank,
    TooLong(usize),
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Blank => f.write_str("must not be blank"),
            TextError::TooLong(max) => write!(f, "must be at most {max} characters"),
        }
    }
}

impl std::error::Error for TextError {}

/// Text people type that must say something, parsed once: refused when
/// blank or longer than its limit (counted as sent, as the schema's
/// `maxLength` counts), kept trimmed.
macro_rules! required_text {
    ($(#[$doc:meta])* $name:ident, $max:expr, $example:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, TextError> {
                if is_blank(raw) {
                    Err(TextError::Blank)
                } else if raw.chars().count() > $max {
                    Err(TextError::TooLong($max))
                } else {
                    Ok(Self(raw.trim().to_owned()))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        parsed_from_text!($name, TextError);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some(1))
                    .max_length(Some($max))
                    .pattern(Some(SAYS_SOMETHING))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

required_text!(
    /// A person's or a branch's name: at most 120 characters.
    Name,
    120,
    "Asha Rao"
);

required_text!(
    /// What a batch or an ad-hoc session is called: at most 200 characters.
    Title,
    200,
    "Rust Foundations"
);

required_text!(
    /// A comment on a session: at most 10,000 characters.
    NoteText,
    10_000,
    "Two learners missed the lab; catch up on Friday."
);

required_text!(
    /// Why something was done to a session (cancelled, returned, reopened):
    /// at most 2000 characters.
    Reason,
    2000,
    "Public holiday"
);

#[cfg(test)]
mod tests {
    #[test]
    fn reasons_are_trimmed_and_must_say_something() {
        assert_eq!(
            Reason::parse("  Projector broke ").unwrap().as_str(),
            "Projector broke"
        );
        assert!(Reason::parse(" \u{3000}").is_err());
        assert!(Reason::parse(&"é".repeat(Reason::MAX_CHARS)).is_ok());
        assert_eq!(
            Reason::parse(&"x".repeat(Reason::MAX_CHARS + 1)),
            Err(TextError::TooLong(2000))
        );
        assert_eq!(Name::parse(" \t "), Err(TextError::Blank));
        assert_eq!(Name::parse("  Asha Rao ").unwrap().as_str(), "Asha Rao");
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
