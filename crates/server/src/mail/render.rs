//! The templates of `templates/mail/`, filled in.

use std::sync::LazyLock;

use lectern_api_types::sessions::Completion;
use minijinja::Environment;
use serde::Serialize;

use crate::domain::timezone::BranchTimezone;
use crate::outbox::Mail;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Named by what they hold: minijinja escapes the `.html` ones.
    for (name, source) in [
        (
            "completed.subject",
            include_str!("../../templates/mail/completed.subject"),
        ),
        (
            "completed.txt",
            include_str!("../../templates/mail/completed.txt"),
        ),
        (
            "completed.html",
            include_str!("../../templates/mail/completed.html"),
        ),
        (
            "returned.subject",
            include_str!("../../templates/mail/returned.subject"),
        ),
        (
            "returned.txt",
            include_str!("../../templates/mail/returned.txt"),
        ),
        (
            "returned.html",
            include_str!("../../templates/mail/returned.html"),
        ),
        (
            "overdue.subject",
            include_str!("../../templates/mail/overdue.subject"),
        ),
        (
            "overdue.txt",
            include_str!("../../templates/mail/overdue.txt"),
        ),
        (
            "overdue.html",
            include_str!("../../templates/mail/overdue.html"),
        ),
    ] {
        env.add_template(name, source)
            .unwrap_or_else(|err| panic!("mail template {name}: {err}"));
    }
    env
});

/// What every template may use, times already in the branch's clock.
#[derive(Serialize)]
pub struct Context<'a> {
    recipient: &'a str,
    session: &'a Completion,
    /// The session's day, as `Mon 2 Mar 2026`.
    date: String,
    /// Its scheduled span, as `09:00–10:00 (Asia/Kolkata)`.
    scheduled: String,
    /// When it was held, if it was recorded.
    held: String,
    reason: Option<String>,
    link: Option<String>,
}

impl<'a> Context<'a> {
    pub fn new(
        recipient: &'a str,
        session: &'a Completion,
        timezone: BranchTimezone,
        reason: Option<String>,
        link: Option<String>,
    ) -> Self {
        let tz = timezone.tz();
        let start = session.scheduled_start.with_timezone(&tz);
        let end = session.scheduled_end.with_timezone(&tz);
        let held = match (session.actual_start, session.actual_end) {
            (Some(from), Some(to)) => format!(
                "{}–{}",
                from.with_timezone(&tz).format("%H:%M"),
                to.with_timezone(&tz).format("%H:%M")
            ),
            _ => String::new(),
        };
        Self {
            recipient,
            session,
            date: start.format("%a %-d %b %Y").to_string(),
            scheduled: format!(
                "{}–{} ({})",
                start.format("%H:%M"),
                end.format("%H:%M"),
                timezone.name()
            ),
            held,
            reason,
            link,
        }
    }
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(mail: Mail, context: &Context<'_>) -> Result<Rendered, minijinja::Error> {
    let part = |suffix: &str| {
        TEMPLATES
            .get_template(&format!("{}.{suffix}", mail.name()))
            .and_then(|template| template.render(context))
    };
    Ok(Rendered {
        // One line, whatever a title holds.
        subject: part("subject")?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        text: part("txt")?,
        html: part("html")?,
    })
}
