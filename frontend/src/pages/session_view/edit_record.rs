//! Correcting a completed record that is not verified: its actual times,
//! code and notes, sent with the version they were read at.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::{Completion, CompletionPatch};
use lectern_api_types::time::TimeInput;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::format;
use crate::session::use_session;

#[component]
pub fn EditRecordDialog(completion: Completion, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let tz = completion.timezone.clone();
    let local = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| format::time(at, &tz)).unwrap_or_default()
    };
    let start = RwSignal::new(local(completion.actual_start));
    let end = RwSignal::new(local(completion.actual_end));
    let code = RwSignal::new(completion.completion_code.clone().unwrap_or_default());
    let notes = RwSignal::new(completion.notes.clone().unwrap_or_default());
    let (id, version) = (completion.id, completion.version);
    let before = completion.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let time = |value: String, field: &str| {
            value
                .parse::<TimeInput>()
                .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
        };
        let parsed = time(start.get_untracked(), "actual_start_time").and_then(|start| {
            let end = time(end.get_untracked(), "actual_end_time")?;
            let code = CompletionCode::parse(&code.get_untracked())
                .map_err(|err| ApiError::invalid("completion_code", &err.to_string()))?;
            Ok((start, end, code))
        });
        let (actual_start_time, actual_end_time, completion_code) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => return saver.refuse(err),
        };
        let typed_notes = notes.get_untracked();
        let notes = Some(typed_notes.trim().to_owned()).filter(|n| !n.is_empty());
        let patch = CompletionPatch {
            version,
            actual_start_time: Some(actual_start_time),
            actual_end_time: Some(actual_end_time),
            completion_code: Some(completion_code)
                .filter(|code| before.completion_code.as_deref() != Some(code.as_str())),
            notes: (notes != before.notes).then_some(notes),
            ..CompletionPatch::default()
        };
        saver.run(
            async move { api::sessions::update(session, id, &patch).await },
            |_| "Record corrected.".into(),
        );
    };

    view! {
        <Dialog title=format!("Correct {}", completion.title) on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("Times are in {}.", completion.timezone)}</p>
                <div class="row">
                    <div class="field">
                        <label for="edit-start">"Actual start"</label>
                        <input id="edit-start" type="time" required aria-describedby="edit-start-errors"
                            prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/>
                        <FieldErrors error field="actual_start_time" id="edit-start-errors"/>
                    </div>
                    <div class="field">
                        <label for="edit-end">"Actual end"</label>
                        <input id="edit-end" type="time" required aria-describedby="edit-end-errors"
                            prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/>
                        <FieldErrors error field="actual_end_time" id="edit-end-errors"/>
                    </div>
                </div>
                <div class="field">
                    <label for="edit-code">"Completion code"</label>
                    <input id="edit-code" type="text" autocomplete="off" spellcheck="false" aria-describedby="edit-code-errors"
                        prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                    <FieldErrors error field="completion_code" id="edit-code-errors"/>
                </div>
                <div class="field">
                    <label for="edit-notes">"Notes"</label>
                    <textarea id="edit-notes" rows="4" aria-describedby="edit-notes-errors"
                        prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="notes" id="edit-notes-errors"/>
                </div>
                <SaveButtons saver busy="Saving…"/>
            </form>
        </Dialog>
    }
}
