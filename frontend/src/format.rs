//! Dates and times as people read them: in the session's branch timezone,
//! formatted by the browser's `Intl` so no timezone data ships in the wasm.

use chrono::{DateTime, NaiveDate, Utc};
use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

fn formatter(
    locale: Option<&str>,
    timezone: &str,
    fields: &[(&str, &str)],
) -> Intl::DateTimeFormat {
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeZone".into(), &timezone.into());
    for (key, value) in fields {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    let locales = match locale {
        Some(locale) => Array::of1(&locale.into()),
        None => Array::new(),
    };
    Intl::DateTimeFormat::new(&locales, &options)
}

fn format_with(
    at: DateTime<Utc>,
    locale: Option<&str>,
    timezone: &str,
    fields: &[(&str, &str)],
) -> String {
    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    formatter(locale, timezone, fields)
        .format()
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// `Mon, 2 Mar 2026` in the viewer's language.
pub fn date(at: DateTime<Utc>, timezone: &str) -> String {
    format_with(
        at,
        None,
        timezone,
        &[
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
        ],
    )
}

/// A calendar date with the `fields` asked for, in the viewer's language;
/// read at noon UTC so no timezone moves it to another day.
fn calendar(date: NaiveDate, fields: &[(&str, &str)]) -> String {
    let noon = date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    format_with(noon, None, "UTC", fields)
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
        Some("en-GB"),
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
    format_with(
        at,
        Some("en-CA"),
        timezone,
        &[
            ("year", "numeric"),
            ("month", "2-digit"),
            ("day", "2-digit"),
        ],
    )
}

/// A short name of the timezone (`GMT+5:30`, `BST`), shown beside times.
pub fn zone(at: DateTime<Utc>, timezone: &str) -> String {
    let full = format_with(
        at,
        Some("en-GB"),
        timezone,
        &[("hour", "numeric"), ("timeZoneName", "short")],
    );
    full.rsplit(' ').next().unwrap_or_default().to_owned()
}

/// Minutes the actual start was after the scheduled one (negative: early).
pub fn minutes_late(scheduled: DateTime<Utc>, actual: DateTime<Utc>) -> i64 {
    (actual - scheduled).num_minutes()
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
