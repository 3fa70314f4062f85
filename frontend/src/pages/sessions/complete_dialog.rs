//! Recording a session as held: actual times prefilled from the schedule,
//! a completion code typed or generated, notes, and why it began late when
//! the start typed is more than five minutes after the scheduled one, and
//! the colleague who taught it when it was not its own teacher.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::schedule::LateReason;
use lectern_api_types::sessions::{CodeRequest, CompleteRequest, Completion, ON_TIME_MINUTES};
use lectern_api_types::time::{ClockTime, TimeInput};
use lectern_api_types::users::ColleagueQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::format;
use crate::session::use_session;

#[component]
pub fn CompleteDialog(completion: Completion, on_close: Callback<()>) -> impl IntoView {
    let title = format!("Complete {}", completion.title);
    let Completion {
        id: completion_id,
        branch_id,
        // The session's own teacher, who needs no substitute entry.
        user_id: owner_id,
        timezone,
        scheduled_start,
        scheduled_end,
        ..
    } = completion;
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let start = RwSignal::new(format::time(scheduled_start, &timezone));
    let end = RwSignal::new(format::time(scheduled_end, &timezone));
    let code = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let late_reason = RwSignal::new(None::<LateReason>);
    let substitute = RwSignal::new(None::<i64>);
    let colleagues = LocalResource::new(move || async move {
        api::staff::colleagues(&ColleagueQuery {
            branch_id: Some(branch_id),
            limit: Some(100),
            ..ColleagueQuery::default()
        })
        .fetch(session)
        .await
        .map(|page| {
            page.items
                .into_iter()
                .filter(|colleague| colleague.id != owner_id)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let generating = RwSignal::new(false);
    // Late by the clock the times are typed on; the server decides for good.
    let scheduled = format::time(scheduled_start, &timezone)
        .parse::<ClockTime>()
        .ok();
    let late = move || {
        start
            .with(|typed| typed.parse::<ClockTime>().ok())
            .zip(scheduled)
            .is_some_and(|(typed, scheduled)| {
                (typed.time() - scheduled.time()).num_minutes() > i64::from(ON_TIME_MINUTES)
            })
    };

    let generate = move |_| {
        generating.set(true);
        spawn_local(async move {
            let request = CodeRequest {
                completion_id: Some(completion_id),
            };
            match api::sessions::suggest_code(session, &request).await {
                Ok(suggestion) => code.set(suggestion.completion_code),
                Err(err) => saver.refuse(err),
            }
            generating.set(false);
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |value: String, field: &str| {
            value
                .parse::<TimeInput>()
                .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
        };
        let times = parse(start.get_untracked(), "actual_start_time")
            .and_then(|s| parse(end.get_untracked(), "actual_end_time").map(|e| (s, e)));
        let (actual_start_time, actual_end_time) = match times {
            Ok(times) => times,
            Err(err) => return saver.refuse(err),
        };
        let typed = code.get_untracked();
        let completion_code = match typed.trim() {
            "" => None,
            typed => match CompletionCode::parse(typed) {
                Ok(code) => Some(code),
                Err(err) => {
                    return saver.refuse(ApiError::invalid("completion_code", &err.to_string()));
                }
            },
        };
        let body = CompleteRequest {
            actual_start_time,
            actual_end_time,
            completion_code,
            notes: Some(notes.get_untracked()).filter(|n| !n.trim().is_empty()),
            late_reason: late_reason.get_untracked().filter(|_| late()),
            delivered_by: substitute.get_untracked(),
        };
        saver.run(
            async move { api::sessions::complete(session, completion_id, &body).await },
            |done: &Completion| {
                format!(
                    "Session completed with code {}.",
                    done.completion_code.clone().unwrap_or_default()
                )
            },
        );
    };

    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("Times are in {} ({}).", timezone, format::zone(scheduled_start, &timezone))}</p>
                <div class="row">
                    <div class="field">
                        <label for="actual-start">"Actual start"</label>
                        <input id="actual-start" type="time" required aria-describedby="actual-start-errors"
                            prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/>
                        <FieldErrors error field="actual_start_time" id="actual-start-errors"/>
                    </div>
                    <div class="field">
                        <label for="actual-end">"Actual end"</label>
                        <input id="actual-end" type="time" required aria-describedby="actual-end-errors"
                            prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/>
                        <FieldErrors error field="actual_end_time" id="actual-end-errors"/>
                    </div>
                </div>
                <Show when=late>
                    <div class="field">
                        <label for="late-reason">"Why it began late"</label>
                        <select id="late-reason" aria-describedby="late-reason-errors"
                            on:change=move |ev| {
                                let chosen = event_target_value(&ev);
                                late_reason.set(LateReason::ALL.into_iter().find(|reason| reason.as_str() == chosen));
                            }>
                            <option value="" selected=move || late_reason.get().is_none()>"Not given"</option>
                            {LateReason::ALL.into_iter().map(|reason| view! {
                                <option value=reason.as_str() selected=move || late_reason.get() == Some(reason)>{reason.label()}</option>
                            }).collect_view()}
                        </select>
                        <FieldErrors error field="late_reason" id="late-reason-errors"/>
                    </div>
                </Show>
                <div class="field">
                    <label for="delivered-by">"Taught by"</label>
                    <select id="delivered-by" aria-describedby="delivered-by-errors"
                        on:change=move |ev| substitute.set(event_target_value(&ev).parse::<i64>().ok())>
                        <option value="" selected=move || substitute.get().is_none()>"Its own teacher"</option>
                        {move || colleagues.get().unwrap_or_default().into_iter().map(|colleague| {
                            let id = colleague.id;
                            view! {
                                <option value=id.to_string() selected=move || substitute.get() == Some(id)>
                                    {format!("{} (covering)", colleague.name)}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    <FieldErrors error field="delivered_by" id="delivered-by-errors"/>
                </div>
                <div class="field">
                    <label for="completion-code">"Completion code"</label>
                    <div class="with-button">
                        <input id="completion-code" type="text" autocomplete="off" spellcheck="false"
                            placeholder="Leave empty to have one made" aria-describedby="completion-code-errors"
                            prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                        <button type="button" class="secondary" on:click=generate disabled=generating>
                            {move || if generating.get() { "Generating…" } else { "Generate" }}
                        </button>
                    </div>
                    <FieldErrors error field="completion_code" id="completion-code-errors"/>
                </div>
                <div class="field">
                    <label for="session-notes">"Notes"</label>
                    <textarea id="session-notes" rows="4" aria-describedby="session-notes-errors"
                        prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="notes" id="session-notes-errors"/>
                </div>
                <SaveButtons saver label="Confirm" busy="Saving…"/>
            </form>
        </Dialog>
    }
}
