//! Dates, times and numbers as people read them, in one language for the
//! whole page: the app's text is English, so its dates are too, whatever
//! the browser's own locale (a French browser would otherwise show "lun. 2
//! mars" inside English sentences). Times are in the session's branch
//! timezone, formatted by the browser's `Intl` so no timezone data ships in
//! the wasm. A translation replaces this module and the words around it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// The language of every date on the page.
const LOCALE: &str = "en-GB";

fn formatter(locale: &str, timezone: &str, fields: &[(&str, &str)]) -> Intl::DateTimeFormat {
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeZone".into(), &timezone.into());
    for (key, value) in fields {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    Intl::DateTimeFormat::new(&Array::of1(&locale.into()), &options)
}

fn format_with(at: DateTime<Utc>, locale: &str, timezone: &str, fields: &[(&str, &str)]) -> String {
    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    formatter(locale, timezone, fields)
        .format()
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// `Mon, 2 Mar 2026`.
pub fn date(at: DateTime<Utc>, timezone: &str) -> String {
    format_with(
        at,
        LOCALE,
        timezone,
        &[
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
        ],
    )
}

/// A calendar date with the `fields` asked for; read at noon UTC so no timezone moves it to another day.
fn calendar(date: NaiveDate, fields: &[(&str, &str)]) -> String {
    let noon = date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    format_with(noon, LOCALE, "UTC", fields)
}

/// `2 Mar`.
pub fn day_month(date: NaiveDate) -> String {
    calendar(date, &[("day", "numeric"), ("month", "short")])
}

/// `2 Mar 2026`.
pub fn day_month_year(date: NaiveDate) -> String {
    calendar(
        date,
        &[("day", "numeric"), ("month", "short"), ("year", "numeric")],
    )
}

/// `09:30`, 24-hour.
pub fn time(at: DateTime<Utc>, timezone: &str) -> String {
    format_with(
        at,
        LOCALE,
        timezone,
        &[
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    )
}

/// `09:30–11:00`.
pub fn span(start: DateTime<Utc>, end: DateTime<Utc>, timezone: &str) -> String {
    format!("{}–{}", time(start, timezone), time(end, timezone))
}

/// `2026-03-02`, for grouping and sorting by local day.
pub fn day_key(at: DateTime<Utc>, timezone: &str) -> String {
    wall_clock(at, timezone)
        .map(|clock| clock.date().to_string())
        .unwrap_or_default()
}

/// How a wall clock in `timezone` reads at `at`, to the minute.
fn wall_clock(at: DateTime<Utc>, timezone: &str) -> Option<NaiveDateTime> {
    // Sweden's format is ISO 8601's: "2026-03-02 09:30".
    let text = format_with(
        at,
        "sv-SE",
        timezone,
        &[
            ("year", "numeric"),
            ("month", "2-digit"),
            ("day", "2-digit"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    );
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M").ok()
}

/// The instant at which clocks in `timezone` show `time` on `date`, found
/// with the browser's timezone data: read the wall time as if it were UTC,
/// see how the zone's clock differs there, and correct; a second pass
/// settles a guess that fell across a daylight-saving change.
pub fn instant_at(date: NaiveDate, time: NaiveTime, timezone: &str) -> Option<DateTime<Utc>> {
    let wanted = date.and_time(time);
    let mut at = wanted.and_utc();
    for _ in 0..2 {
        at += wanted - wall_clock(at, timezone)?;
    }
    Some(at)
}

/// A short name of the timezone (`GMT+5:30`, `BST`), shown beside times.
pub fn zone(at: DateTime<Utc>, timezone: &str) -> String {
    let full = format_with(
        at,
        LOCALE,
        timezone,
        &[("hour", "numeric"), ("timeZoneName", "short")],
    );
    full.rsplit(' ').next().unwrap_or_default().to_owned()
}

/// Minutes the actual start was after the scheduled one (negative: early).
pub fn minutes_late(scheduled: DateTime<Utc>, actual: DateTime<Utc>) -> i64 {
    (actual - scheduled).num_minutes()
}

/// A day and time, as `Mon 2 Mar 2026 09:30`.
pub fn moment(at: DateTime<Utc>, timezone: &str) -> String {
    format!("{} {}", date(at, timezone), time(at, timezone))
}

/// The viewer's own timezone, for times that belong to no branch.
pub fn viewer_zone() -> String {
    let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Milliseconds since the epoch, now, from the browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// Today's date where the viewer is, from the browser's clock.
pub fn today() -> NaiveDate {
    let now = Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// `12.4 MB`.
pub fn bytes(size: i64) -> String {
    let size = size as f64;
    if size < 1024.0 {
        format!("{size} B")
    } else if size < 1024.0 * 1024.0 {
        format!("{:.0} KB", size / 1024.0)
    } else {
        format!("{:.1} MB", size / (1024.0 * 1024.0))
    }
}

/// `83%`; a dash when there is nothing to divide.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".into(), |rate| format!("{:.0}%", rate * 100.0))
}

/// How long ago `since` was, as a lateness: `25 min late`, `3 h late`,
/// `2 days late`.
pub fn late_by(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0..60 => format!("{minutes} min late"),
        60..2880 => format!("{} h late", minutes / 60),
        _ => format!("{} days late", minutes / 1440),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _};

    use super::*;

    #[test]
    fn lateness_reads_in_the_largest_whole_unit() {
        let end = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let late = |minutes| late_by(end, end + Duration::minutes(minutes));
        assert_eq!(late(0), "0 min late");
        assert_eq!(late(59), "59 min late");
        assert_eq!(late(60), "1 h late");
        assert_eq!(late(47 * 60 + 59), "47 h late");
        assert_eq!(late(48 * 60), "2 days late");
        assert_eq!(late(-5), "0 min late");
    }

    #[test]
    fn rates_are_whole_percentages() {
        assert_eq!(percent(Some(0.834)), "83%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(None), "—");
    }
}
