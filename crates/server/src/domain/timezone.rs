//! The IANA timezone of a branch.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;

/// A timezone from the IANA database; every local time of a branch's
/// batches is read in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchTimezone(Tz);

impl BranchTimezone {
    pub fn parse(name: &str) -> Option<Self> {
        Tz::from_str(name.trim()).ok().map(Self)
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Display for BranchTimezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_parse_and_others_do_not() {
        assert_eq!(
            BranchTimezone::parse("Asia/Kolkata").unwrap().name(),
            "Asia/Kolkata"
        );
        assert!(BranchTimezone::parse("Mars/Olympus").is_none());
        assert!(BranchTimezone::parse("").is_none());
    }
}
