//! An ad-hoc session, held outside any batch (a make-up, an extra revision
//! class): made here, and changed here while it is still to be held. Times
//! are typed as the branch's clocks show them.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use lectern_api_types::sessions::{Completion, CompletionPatch, NewCompletion};
use lectern_api_types::text::Title;
use lectern_api_types::users::User;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::{FormError, TextField};
use crate::components::pick::TypeAhead;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::format;
use crate::pages::admin::branch_list;
use crate::session::use_session;

/// The instants a date and two `HH:MM` clock times stand for in `timezone`.
fn span(
    date: &str,
    start: &str,
    end: &str,
    timezone: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let date = date
        .parse::<NaiveDate>()
        .map_err(|_| ApiError::invalid("scheduled_start", "choose a date"))?;
    let clock = |text: &str, field: &str| {
        NaiveTime::parse_from_str(text, "%H:%M")
            .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
    };
    let (start, end) = (
        clock(start, "scheduled_start")?,
        clock(end, "scheduled_end")?,
    );
    let at = |time, field| {
        format::instant_at(date, time, timezone).ok_or_else(|| {
            ApiError::invalid(field, "this time does not exist in the branch's timezone")
        })
    };
    Ok((at(start, "scheduled_start")?, at(end, "scheduled_end")?))
}

#[component]
pub fn SessionForm(
    /// The session to change; `None` makes a new one.
    existing: Option<Completion>,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let me = session.user();
    let admin = me.as_ref().is_some_and(|me| me.role.is_admin());
    let shown = |at: fn(&Completion) -> String| existing.as_ref().map(at).unwrap_or_default();
    let title = RwSignal::new(shown(|c| c.title.clone()));
    let date = RwSignal::new(existing.as_ref().map_or_else(
        || format::today().to_string(),
        |c| format::day_key(c.scheduled_start, &c.timezone),
    ));
    let start = RwSignal::new(shown(|c| format::time(c.scheduled_start, &c.timezone)));
    let end = RwSignal::new(shown(|c| format::time(c.scheduled_end, &c.timezone)));
    let notes = RwSignal::new(shown(|c| c.notes.clone().unwrap_or_default()));
    // Admins name who teaches it; everyone else teaches their own.
    let owner = RwSignal::new(None::<User>);
    let owner_id = RwSignal::new(String::new());
    let branches = branch_list();
    let fixed_zone = existing.as_ref().map(|c| c.timezone.clone());
    let timezone = Signal::derive(move || {
        if let Some(zone) = &fixed_zone {
            return Some(zone.clone());
        }
        let branch_id = owner
            .get()
            .or_else(|| me.clone())
            .and_then(|user| user.branch_id)?;
        branches
            .get()
            .and_then(Result::ok)?
            .into_iter()
            .find(|branch| branch.id == branch_id)
            .map(|branch| branch.timezone)
    });
    let editing = existing.as_ref().map(|c| (c.id, c.version));
    let heading = if editing.is_some() {
        "Edit session"
    } else {
        "New session"
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = (|| {
            let title = api::typed::<Title>(&title.get_untracked(), "title")?;
            let zone = timezone
                .get_untracked()
                .ok_or_else(|| ApiError::invalid("user_id", "choose who teaches it"))?;
            let (from, to) = span(
                &date.get_untracked(),
                &start.get_untracked(),
                &end.get_untracked(),
                &zone,
            )?;
            Ok::<_, ApiError>((title, from, to))
        })();
        let (title, scheduled_start, scheduled_end) = match typed {
            Ok(typed) => typed,
            Err(err) => return saver.refuse(err),
        };
        let notes = Some(notes.get_untracked().trim().to_owned()).filter(|n| !n.is_empty());
        let user_id = owner.get_untracked().map(|user| user.id);
        let request = async move {
            match editing {
                Some((id, version)) => {
                    let patch = CompletionPatch {
                        version,
                        title: Some(title),
                        scheduled_start: Some(scheduled_start),
                        scheduled_end: Some(scheduled_end),
                        notes: Some(notes),
                        ..CompletionPatch::default()
                    };
                    api::sessions::update(session, id, &patch).await
                }
                None => {
                    let new = NewCompletion {
                        title,
                        scheduled_start,
                        scheduled_end,
                        user_id,
                        notes,
                    };
                    api::sessions::create(session, &new).await
                }
            }
        };
        let said = if editing.is_some() { "saved" } else { "added" };
        saver.run(request, move |saved: &Completion| {
            format!("{} {said}.", saved.title)
        });
    };

    view! {
        <Dialog title=heading on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <TextField id="session-title" label="Title" field="title" value=title error/>
                {(admin && editing.is_none()).then(|| view! {
                    <TypeAhead id="session-owner" label="Taught by" value=owner_id picked=owner
                        placeholder="Type a name or email" error=(error, "user_id")/>
                })}
                <p class="muted">
                    {move || match timezone.get() {
                        Some(zone) => format!("Times are in {zone}."),
                        None => "Times are in the teacher's branch's timezone.".into(),
                    }}
                </p>
                <div class="row">
                    <div class="field">
                        <label for="session-date">"Date"</label>
                        <input id="session-date" type="date" required aria-describedby="session-start-errors"
                            prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    <TextField id="session-start" label="Start" field="scheduled_start" value=start error kind="time"/>
                    <TextField id="session-end" label="End" field="scheduled_end" value=end error kind="time"/>
                </div>
                <div class="field">
                    <label for="session-plan">"Notes"</label>
                    <textarea id="session-plan" rows="3" aria-describedby="session-plan-errors"
                        prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="notes" id="session-plan-errors"/>
                </div>
                <SaveButtons saver/>
            </form>
        </Dialog>
    }
}
