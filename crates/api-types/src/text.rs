//! Rules for free text that people type.

use validator::ValidationError;

/// Names and titles must say something: whitespace alone is refused, since
/// it is trimmed away before storing.
pub fn not_blank(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// Required text of at most `max` characters. The limit counts what was
/// sent, spaces around it included, as the schema's `maxLength` does; only
/// the check for something to say looks past them.
pub fn says_something_within(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max
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
        assert!(not_blank(" a ").is_ok());
    }
}
