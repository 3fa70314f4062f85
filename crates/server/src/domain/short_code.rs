//! Branch and batch codes.

use std::fmt;

use lectern_api_types::codes::validate_short_code;

/// A validated, upper-cased branch or batch code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShortCode(String);

impl ShortCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let code = raw.trim().to_ascii_uppercase();
        validate_short_code(&code).ok().map(|()| Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_cased() {
        assert_eq!(ShortCode::parse("pune-2").unwrap().as_str(), "PUNE-2");
        assert!(ShortCode::parse("p").is_none());
    }
}
