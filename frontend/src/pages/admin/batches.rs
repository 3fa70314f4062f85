//! Batches: the recurring timetable sessions are generated from.

use chrono::NaiveDate;
use lectern_api_types::batches::{Batch, BatchPatch, NewBatch};
use lectern_api_types::codes::ShortCode;
use lectern_api_types::schedule::{Weekday, Weekdays};
use lectern_api_types::text::Title;
use lectern_api_types::time::ClockTime;
use lectern_api_types::users::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::staff_list;
use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::paging::{Paged, PagedItems};
use crate::components::pick::TypeAhead;
use crate::components::{Dialog, FieldErrors};
use crate::session::use_session;
use crate::{use_changes, use_notice};

#[component]
pub fn Batches() -> impl IntoView {
    let paged = Paged::<Batch>::new(|| "/batches?limit=50".into());
    let editing = RwSignal::new(None::<Option<Batch>>);
    let staff = staff_list();
    let name_of = move |id: i64| {
        staff
            .get()
            .and_then(Result::ok)
            .and_then(|all| all.into_iter().find(|u| u.id == id).map(|u| u.name))
            .unwrap_or_else(|| format!("#{id}"))
    };
    view! {
        <div class="title-row">
            <h1>"Batches"</h1>
            <button class="primary" on:click=move |_| editing.set(Some(None))>"New batch"</button>
        </div>
        <PagedItems
            paged
            what="batches"
            empty=("No batches yet", "A batch meets on set weekdays; its sessions are made for you.")
            show=move |items| view! {
                    <table class="table responsive">
                        <caption class="visually-hidden">"Batches"</caption>
                        <thead><tr>
                            <th scope="col">"Code"</th><th scope="col">"Name"</th><th scope="col">"Taught by"</th>
                            <th scope="col">"Days"</th><th scope="col">"Time"</th><th scope="col">"Dates"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|batch| {
                                let edit = batch.clone();
                                view! {
                                    <tr>
                                        <td data-label="Code" class="code">{batch.code.clone()}</td>
                                        <td data-label="Name">{batch.name.clone()}</td>
                                        <td data-label="Taught by">{move || name_of(batch.faculty_id)}</td>
                                        <td data-label="Days">{batch.weekdays.to_string()}</td>
                                        <td data-label="Time">{format!("{}–{}", batch.start_time, batch.end_time)}</td>
                                        <td data-label="Dates">{format!("{} – {}", batch.start_date, batch.end_date)}</td>
                                        <td class="row-actions"><button class="secondary small" on:click=move |_| editing.set(Some(Some(edit.clone())))>"Edit"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
            }
        />
        {move || editing.get().map(|batch| view! { <BatchDialog batch on_close=Callback::new(move |()| editing.set(None))/> })}
    }
}

fn date_value(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[component]
fn BatchDialog(batch: Option<Batch>, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let notice = use_notice();
    let existing = batch.clone();
    let code = RwSignal::new(batch.as_ref().map(|b| b.code.clone()).unwrap_or_default());
    let name = RwSignal::new(batch.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let teacher = RwSignal::new(
        batch
            .as_ref()
            .map(|b| b.faculty_id.to_string())
            .unwrap_or_default(),
    );
    let start_date = RwSignal::new(
        batch
            .as_ref()
            .map(|b| date_value(b.start_date))
            .unwrap_or_default(),
    );
    let end_date = RwSignal::new(
        batch
            .as_ref()
            .map(|b| date_value(b.end_date))
            .unwrap_or_default(),
    );
    let days = RwSignal::new(
        batch
            .as_ref()
            .map(|b| b.weekdays)
            .unwrap_or(Weekdays::EMPTY),
    );
    let start_time = RwSignal::new(
        batch
            .as_ref()
            .map(|b| b.start_time.to_string())
            .unwrap_or_else(|| "09:00".into()),
    );
    let end_time = RwSignal::new(
        batch
            .as_ref()
            .map(|b| b.end_time.to_string())
            .unwrap_or_else(|| "10:00".into()),
    );
    let location = RwSignal::new(
        batch
            .as_ref()
            .and_then(|b| b.location.clone())
            .unwrap_or_default(),
    );
    let (error, set_error) = signal(None::<ApiError>);
    let title = if batch.is_some() {
        "Edit batch"
    } else {
        "New batch"
    };
    let deletable = batch.as_ref().map(|b| b.id);
    let remove = move |id: i64| {
        if !window()
            .confirm_with_message("Delete this batch and its pending sessions?")
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match api::delete(session, &format!("/batches/{id}")).await {
                Ok(()) => {
                    notice.show("Batch deleted.".into());
                    changes.bump();
                    on_close.run(());
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_error.set(None);
        let parse_date = |text: String, field: &str| {
            text.parse::<NaiveDate>()
                .map_err(|_| ApiError::invalid(field, "choose a date"))
        };
        let parse_time = |text: String, field: &str| {
            text.parse::<ClockTime>()
                .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
        };
        let fields = (|| {
            Ok::<_, ApiError>((
                teacher
                    .get_untracked()
                    .parse::<i64>()
                    .map_err(|_| ApiError::invalid("faculty_id", "choose who teaches it"))?,
                parse_date(start_date.get_untracked(), "start_date")?,
                parse_date(end_date.get_untracked(), "end_date")?,
                parse_time(start_time.get_untracked(), "start_time")?,
                parse_time(end_time.get_untracked(), "end_time")?,
                api::typed::<ShortCode>(&code.get_untracked(), "code")?,
                api::typed::<Title>(&name.get_untracked(), "name")?,
            ))
        })();
        let (faculty_id, start, end, from, until, code, name) = match fields {
            Ok(fields) => fields,
            Err(err) => return set_error.set(Some(err)),
        };
        let location_text = Some(location.get_untracked()).filter(|l| !l.trim().is_empty());
        let existing = existing.clone();
        spawn_local(async move {
            let result = match existing {
                Some(batch) => {
                    let patch = BatchPatch {
                        code: Some(code),
                        name: Some(name),
                        faculty_id: Some(faculty_id),
                        start_date: Some(start),
                        end_date: Some(end),
                        weekdays: Some(days.get_untracked()),
                        start_time: Some(from),
                        end_time: Some(until),
                        location: Some(location_text),
                    };
                    api::patch::<_, Batch>(session, &format!("/batches/{}", batch.id), &patch).await
                }
                None => {
                    let new = NewBatch {
                        code,
                        name,
                        branch_id: None,
                        faculty_id,
                        start_date: start,
                        end_date: end,
                        weekdays: days.get_untracked(),
                        start_time: from,
                        end_time: until,
                        location: location_text,
                    };
                    api::post::<_, Batch>(session, "/batches", &new).await
                }
            };
            match result {
                Ok(saved) => {
                    notice.show(format!(
                        "Batch {} saved; its sessions follow it.",
                        saved.code
                    ));
                    changes.bump();
                    on_close.run(());
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="row">
                    <div class="field narrow">
                        <label for="batch-code">"Code"</label>
                        <input id="batch-code" required aria-describedby="batch-code-errors" prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                        <FieldErrors error field="code" id="batch-code-errors"/>
                    </div>
                    <div class="field grow">
                        <label for="batch-name">"Name"</label>
                        <input id="batch-name" required aria-describedby="batch-name-errors" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                        <FieldErrors error field="name" id="batch-name-errors"/>
                    </div>
                </div>
                <TypeAhead<User> id="batch-teacher" label="Taught by" value=teacher
                    placeholder="Type a name or email" error=(error, "faculty_id")/>
                <fieldset class="weekdays">
                    <legend>"Meets on"</legend>
                    {Weekday::ALL.into_iter().map(|day| {
                        let id = format!("day-{}", day.short_name().to_lowercase());
                        let label_for = id.clone();
                        view! {
                            <label class="day" for=label_for>
                                <input id=id type="checkbox" prop:checked=move || days.get().contains(day)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        days.update(|d| *d = if on { d.with(day) } else { d.without(day) });
                                    }/>
                                {day.short_name()}
                            </label>
                        }
                    }).collect_view()}
                    <FieldErrors error field="weekdays" id="batch-days-errors"/>
                </fieldset>
                <div class="row">
                    <div class="field">
                        <label for="batch-start-time">"From"</label>
                        <input id="batch-start-time" type="time" prop:value=start_time on:input=move |ev| start_time.set(event_target_value(&ev))/>
                        <FieldErrors error field="start_time" id="batch-start-time-errors"/>
                    </div>
                    <div class="field">
                        <label for="batch-end-time">"Until"</label>
                        <input id="batch-end-time" type="time" prop:value=end_time on:input=move |ev| end_time.set(event_target_value(&ev))/>
                        <FieldErrors error field="end_time" id="batch-end-time-errors"/>
                    </div>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="batch-start-date">"First day"</label>
                        <input id="batch-start-date" type="date" prop:value=start_date on:input=move |ev| start_date.set(event_target_value(&ev))/>
                        <FieldErrors error field="start_date" id="batch-start-date-errors"/>
                    </div>
                    <div class="field">
                        <label for="batch-end-date">"Last day"</label>
                        <input id="batch-end-date" type="date" prop:value=end_date on:input=move |ev| end_date.set(event_target_value(&ev))/>
                        <FieldErrors error field="end_date" id="batch-end-date-errors"/>
                    </div>
                </div>
                <div class="field">
                    <label for="batch-location">"Location"</label>
                    <input id="batch-location" prop:value=location on:input=move |ev| location.set(event_target_value(&ev))/>
                </div>
                <div class="actions end">
                    {deletable.map(|id| view! {
                        <button type="button" class="secondary danger-text" on:click=move |_| remove(id)>"Delete batch"</button>
                    })}
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>"Back"</button>
                    <button type="submit" class="primary">"Save"</button>
                </div>
            </form>
        </Dialog>
    }
}
