//! Generated completion codes: `<BATCHCODE>-<YYYYMMDD>-<XXXX>`.

use chrono::{Datelike as _, NaiveDate};
use lectern_api_types::codes::CompletionCode;
use rand::Rng;

/// Crockford's base32: no I, L, O or U, so a code read aloud or copied by
/// hand cannot be mistaken.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh code for a session of `prefix` (a batch code, or `ADHOC`) on
/// `date`. Twenty bits of randomness per day and batch; the unique index
/// catches the rare collision and the caller draws again.
pub fn generate(prefix: &str, date: NaiveDate, rng: &mut impl Rng) -> CompletionCode {
    let suffix: String = (0..4)
        .map(|_| char::from(CROCKFORD[rng.random_range(0..CROCKFORD.len())]))
        .collect();
    // Digits only, whatever the year: chrono's `%Y` signs a year past 9999,
    // and a session stored before the API kept dates inside 9999 may fall
    // on one in its branch's time zone.
    let day = format!(
        "{:04}{:02}{:02}",
        date.year().unsigned_abs(),
        date.month(),
        date.day()
    );
    CompletionCode::parse(&format!("{prefix}-{day}-{suffix}")).unwrap_or_else(|_| {
        // A prefix too long to fit still yields a valid code.
        CompletionCode::parse(&format!("S-{day}-{suffix}"))
            .unwrap_or_else(|_| unreachable!("the fallback code is always valid"))
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn codes_follow_the_documented_shape() {
        let mut rng = StdRng::seed_from_u64(7);
        let date = NaiveDate::from_ymd_opt(2025, 12, 19).unwrap();
        let code = generate("BATCH-001", date, &mut rng);
        let text = code.as_str();
        assert!(text.starts_with("BATCH-001-20251219-"), "{text}");
        let suffix = &text["BATCH-001-20251219-".len()..];
        assert_eq!(suffix.len(), 4);
        assert!(suffix.bytes().all(|b| CROCKFORD.contains(&b)), "{suffix}");
    }

    #[test]
    fn a_day_past_the_year_9999_still_makes_a_code() {
        let mut rng = StdRng::seed_from_u64(3);
        let date = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        let code = generate("ADHOC", date, &mut rng);
        assert!(code.as_str().starts_with("ADHOC-100000101-"), "{code}");
    }

    #[test]
    fn codes_differ_from_draw_to_draw() {
        let mut rng = StdRng::seed_from_u64(1);
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let codes: std::collections::HashSet<_> =
            (0..50).map(|_| generate("X1", date, &mut rng)).collect();
        assert!(codes.len() > 45);
    }
}
