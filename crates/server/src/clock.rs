//! The current instant, as Lectern stores it.

use chrono::{DateTime, SubsecRound as _, Utc};

/// Now, to the whole second: MySQL's `DATETIME` keeps no fractions, so
/// every database stores and returns exactly the same value.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}
