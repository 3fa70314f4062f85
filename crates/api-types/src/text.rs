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

#[cfg(test)]
mod tests {
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
