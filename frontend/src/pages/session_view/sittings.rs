//! Moving one sitting of a batch, and adding a make-up sitting to it.

use chrono::{DateTime, NaiveDate, Utc};
use lectern_api_types::batches::{NewSitting, RescheduleRequest};
use lectern_api_types::sessions::Completion;
use lectern_api_types::time::ClockTime;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::{FormError, TextField};
use crate::components::{Dialog, SaveButtons, Saver};
use crate::format;
use crate::session::use_session;

/// The date and times typed into a sitting's form.
fn typed(
    date: &RwSignal<String>,
    start: &RwSignal<String>,
    end: &RwSignal<String>,
) -> Result<(NaiveDate, ClockTime, ClockTime), ApiError> {
    let time = |text: String, field: &str| {
        text.parse::<ClockTime>()
            .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
    };
    Ok((
        date.get_untracked()
            .parse::<NaiveDate>()
            .map_err(|_| ApiError::invalid("date", "choose a date"))?,
        time(start.get_untracked(), "start_time")?,
        time(end.get_untracked(), "end_time")?,
    ))
}

fn said(done: &Completion, what: &str) -> String {
    let tz = &done.timezone;
    format!(
        "{what} {}, {}.",
        format::date(done.scheduled_start, tz),
        format::span(done.scheduled_start, done.scheduled_end, tz)
    )
}

#[component]
fn SittingFields(
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    location: RwSignal<String>,
    error: ReadSignal<Option<ApiError>>,
) -> impl IntoView {
    view! {
        <TextField id="sitting-date" label="Date" field="date" value=date error kind="date"/>
        <div class="row">
            <TextField id="sitting-start" label="From" field="start_time" value=start error kind="time"/>
            <TextField id="sitting-end" label="Until" field="end_time" value=end error kind="time"/>
        </div>
        <TextField id="sitting-location" label="Room (if not the usual one)" field="location" value=location error/>
    }
}

fn optional(text: String) -> Option<String> {
    Some(text).filter(|text| !text.trim().is_empty())
}

/// Moves a pending sitting to another day, time or room; later edits of
/// the batch keep the move.
#[component]
pub fn MoveDialog(
    occurrence_id: i64,
    #[prop(into)] timezone: String,
    scheduled_start: DateTime<Utc>,
    scheduled_end: DateTime<Utc>,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let date = RwSignal::new(format::day_key(scheduled_start, &timezone));
    let start = RwSignal::new(format::time(scheduled_start, &timezone));
    let end = RwSignal::new(format::time(scheduled_end, &timezone));
    let location = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (date, start_time, end_time) = match typed(&date, &start, &end) {
            Ok(fields) => fields,
            Err(err) => return saver.refuse(err),
        };
        let request = RescheduleRequest {
            date: Some(date),
            start_time,
            end_time,
            location: optional(location.get_untracked()),
        };
        saver.run(
            async move { api::sessions::reschedule(session, occurrence_id, &request).await },
            |done| said(done, "Moved to"),
        );
    };
    view! {
        <Dialog title="Move this sitting" on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("Times are in {timezone}. Later changes to the batch keep this move.")}</p>
                <SittingFields date start end location error/>
                <SaveButtons saver label="Move" busy="Moving…"/>
            </form>
        </Dialog>
    }
}

/// Adds a make-up sitting to a batch: one more pending session.
#[component]
pub fn MakeUpDialog(
    batch_id: i64,
    #[prop(into)] timezone: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let date = RwSignal::new(String::new());
    let start = RwSignal::new("09:00".to_owned());
    let end = RwSignal::new("10:00".to_owned());
    let location = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (date, start_time, end_time) = match typed(&date, &start, &end) {
            Ok(fields) => fields,
            Err(err) => return saver.refuse(err),
        };
        let new = NewSitting {
            date,
            start_time,
            end_time,
            location: optional(location.get_untracked()),
        };
        saver.run(
            async move { api::batches::add_sitting(session, batch_id, &new).await },
            |done| said(done, "Make-up sitting added:"),
        );
    };
    view! {
        <Dialog title="Add a make-up sitting" on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("Times are in {timezone}.")}</p>
                <SittingFields date start end location error/>
                <SaveButtons saver label="Add sitting" busy="Adding…"/>
            </form>
        </Dialog>
    }
}
