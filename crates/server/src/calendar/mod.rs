//! Sessions as an iCalendar feed (RFC 5545): one VEVENT per session, in
//! its branch's local time with a TZID and that zone's VTIMEZONE, under a
//! UID that stays the same however the session changes, so a calendar
//! application updates its copy instead of adding another.

pub mod timezone;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, CalendarDateTime, Component as _, Event, EventLike as _, EventStatus};
use lectern_api_types::schedule::CompletionStatus;

use crate::services::sessions::SessionRow;

/// How far back a feed reaches.
pub const DAYS_BACK: i64 = 30;
/// How far ahead a feed reaches.
pub const DAYS_AHEAD: i64 = 180;

/// The span of a feed asked for at `now`.
pub fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(DAYS_BACK),
        now + Duration::days(DAYS_AHEAD),
    )
}

/// What a feed is of, for its name and its events' titles.
pub struct Feed<'a> {
    /// The calendar's name, as applications show it.
    pub name: &'a str,
    /// Whose sessions these are not always the reader's own: a branch
    /// feed names the teacher in each title.
    pub names_teachers: bool,
    /// The domain of every UID, fixed per installation.
    pub uid_domain: &'a str,
    /// Where a session opens in the web app, when the server knows its
    /// public address.
    pub app_url: Option<&'a str>,
}

impl Feed<'_> {
    /// The feed of `rows` (in any order) over `window`.
    pub fn render(&self, rows: &[SessionRow], window: (DateTime<Utc>, DateTime<Utc>)) -> String {
        let mut calendar = Calendar::empty();
        calendar
            .append_property(("VERSION", "2.0"))
            .append_property(("PRODID", "-//Lectern//Sessions//EN"))
            .append_property(("CALSCALE", "GREGORIAN"))
            .append_property(("METHOD", "PUBLISH"))
            .name(self.name)
            // How often applications that honour it should look again.
            .append_property(("REFRESH-INTERVAL;VALUE=DURATION", "PT1H"))
            .append_property(("X-PUBLISHED-TTL", "PT1H"));
        for row in rows {
            if let Some(event) = self.event(row) {
                calendar.push(event);
            }
        }
        let mut text = calendar.done().to_string();
        // The crate stamps every component it writes with a DTSTAMP and a
        // UID, which a VTIMEZONE must not have: the zones go in as text,
        // before the first event (or the end), where RFC 5545 expects them.
        let zones: BTreeSet<&str> = rows.iter().map(|row| row.timezone.as_str()).collect();
        let definitions: String = zones
            .into_iter()
            .filter_map(|zone| zone.parse::<chrono_tz::Tz>().ok())
            .map(|tz| {
                timezone::vtimezone(
                    tz,
                    window.0 - Duration::days(1),
                    window.1 + Duration::days(1),
                )
            })
            .collect();
        let at = text
            .find("\r\nBEGIN:VEVENT\r\n")
            .or_else(|| text.rfind("\r\nEND:VCALENDAR"))
            .map_or(0, |at| at + 2);
        text.insert_str(at, &definitions);
        text
    }

    fn event(&self, row: &SessionRow) -> Option<Event> {
        let tz: chrono_tz::Tz = row.timezone.parse().ok()?;
        let local = |at: DateTime<Utc>| CalendarDateTime::WithTimezone {
            date_time: at.with_timezone(&tz).naive_local(),
            tzid: tz.name().to_owned(),
        };
        let title = row
            .title
            .as_deref()
            .or(row.batch_name.as_deref())
            .unwrap_or("Session");
        let summary = match (&row.batch_code, self.names_teachers) {
            (Some(code), true) => format!("{title} ({code}) · {}", row.user_name),
            (None, true) => format!("{title} · {}", row.user_name),
            (Some(code), false) => format!("{title} ({code})"),
            (None, false) => title.to_owned(),
        };
        let mut event = Event::new();
        event
            .uid(&format!("session-{}@{}", row.id, self.uid_domain))
            .summary(&plain(&summary))
            .starts(local(row.scheduled_start))
            .ends(local(row.scheduled_end))
            .timestamp(row.updated_at)
            .last_modified(row.updated_at)
            .sequence(u32::try_from(row.version).unwrap_or_default())
            .status(if row.status == CompletionStatus::Cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            })
            .description(&plain(&describe(row)));
        if let Some(room) = row.room() {
            event.location(&plain(room));
        }
        if let Some(app) = self.app_url {
            event.url(&format!(
                "{}/sessions/{}",
                app.trim_end_matches('/'),
                row.id
            ));
        }
        Some(event.done())
    }
}

/// `text` as RFC 5545 lets a TEXT value hold it: the crate escapes line
/// feeds but passes a carriage return or another control character
/// through, which strict readers refuse and lenient ones take for a line
/// break, so a reason typed with one could end an event and forge another.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// What the event's notes say: where the session stands.
fn describe(row: &SessionRow) -> String {
    match row.status {
        CompletionStatus::Pending => "Not yet recorded.".to_owned(),
        CompletionStatus::Completed => match &row.completion_code {
            Some(code) => format!("Recorded as held (code {code})."),
            None => "Recorded as held.".to_owned(),
        },
        CompletionStatus::Cancelled => match &row.cancel_reason {
            Some(reason) => format!("Cancelled: {reason}"),
            None => "Cancelled.".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn text_keeps_its_lines_and_loses_other_control_characters() {
        assert_eq!(
            plain("Room\r\nEND:VEVENT\rBEGIN:VEVENT\u{7}\tnow\u{1b}"),
            "Room\nEND:VEVENT\nBEGIN:VEVENT\tnow"
        );
        assert_eq!(plain("Hall B, floor 2"), "Hall B, floor 2");
    }
}
