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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_alone_is_blank() {
        assert!(not_blank(" \t\u{3000}").is_err());
        assert!(not_blank(" a ").is_ok());
    }
}
