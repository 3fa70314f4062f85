//! Email addresses as account names.

use std::fmt;

use validator::ValidateEmail;

/// A syntactically valid email address, trimmed and lower-cased so that
/// `Asha@X.org` and `asha@x.org` are one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Self> {
        let email = raw.trim().to_lowercase();
        (email.len() <= 254 && email.validate_email()).then_some(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse(" Asha@Example.ORG ").unwrap().as_str(),
            "asha@example.org"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        assert!(Email::parse("asha").is_none());
        assert!(Email::parse("asha@").is_none());
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(250))).is_none());
    }
}
