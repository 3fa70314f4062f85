//! Batches: the recurring timetable sessions are generated from.

use chrono::NaiveDate;
use lectern_api_types::batches::{Batch, BatchPatch, BatchQuery, NewBatch};
use lectern_api_types::codes::ShortCode;
use lectern_api_types::text::Title;
use lectern_api_types::users::User;
use leptos::prelude::*;

use super::schedule_editor::{ScheduleEditor, ScheduleForm, SchedulePreviewPanel};
use super::staff_list;
use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::paging::{Paged, PagedItems};
use crate::components::pick::TypeAhead;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver, TextField};
use crate::session::use_session;

#[component]
pub fn Batches() -> impl IntoView {
    let paged = Paged::new(|| {
        api::batches::list(&BatchQuery {
            limit: Some(50),
            ..BatchQuery::default()
        })
    });
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
            empty=("No batches yet", "A batch meets on set weekdays or by a repeat rule; its sessions are made for you.")
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
                                        <td data-label="Days">{days_text(&batch)}</td>
                                        <td data-label="Time">{times_text(&batch)}</td>
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

/// The days a batch meets, as its schedule says them.
fn days_text(batch: &Batch) -> String {
    match &batch.rrule {
        Some(rule) => format!("{} ({rule})", batch.weekdays),
        None => batch.weekdays.to_string(),
    }
}

/// Its times: one span, or each day's when they differ.
fn times_text(batch: &Batch) -> String {
    let first = (batch.start_time, batch.end_time);
    if batch
        .slots
        .iter()
        .all(|slot| (slot.start_time, slot.end_time) == first)
    {
        format!("{}–{}", batch.start_time, batch.end_time)
    } else {
        batch
            .slots
            .iter()
            .map(|slot| {
                format!(
                    "{} {}–{}",
                    slot.weekday.short_name(),
                    slot.start_time,
                    slot.end_time
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn date_value(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[component]
fn BatchDialog(batch: Option<Batch>, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
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
    let schedule = ScheduleForm::of(batch.as_ref());
    let branch_id = batch.as_ref().map(|b| b.branch_id);
    let location = RwSignal::new(
        batch
            .as_ref()
            .and_then(|b| b.location.clone())
            .unwrap_or_default(),
    );
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
        saver.run(api::batches::delete(session, id), |()| {
            "Batch deleted.".into()
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse_date = |text: String, field: &str| {
            text.parse::<NaiveDate>()
                .map_err(|_| ApiError::invalid(field, "choose a date"))
        };
        let fields = (|| {
            Ok::<_, ApiError>((
                teacher
                    .get_untracked()
                    .parse::<i64>()
                    .map_err(|_| ApiError::invalid("faculty_id", "choose who teaches it"))?,
                parse_date(start_date.get_untracked(), "start_date")?,
                parse_date(end_date.get_untracked(), "end_date")?,
                untrack(|| schedule.fields())?,
                api::typed::<ShortCode>(&code.get_untracked(), "code")?,
                api::typed::<Title>(&name.get_untracked(), "name")?,
            ))
        })();
        let (faculty_id, start, end, (weekdays, start_time, end_time, slots, rrule), code, name) =
            match fields {
                Ok(fields) => fields,
                Err(err) => return saver.refuse(err),
            };
        let location_text = Some(location.get_untracked()).filter(|l| !l.trim().is_empty());
        let existing = existing.clone();
        let request = async move {
            match existing {
                Some(batch) => {
                    // Leaving a rule for weekdays says so; any other form
                    // replaces what the batch had.
                    let rrule = match rrule {
                        Some(rule) => Some(Some(rule)),
                        None if batch.rrule.is_some() && slots.is_none() => Some(None),
                        None => None,
                    };
                    let patch = BatchPatch {
                        code: Some(code),
                        name: Some(name),
                        faculty_id: Some(faculty_id),
                        start_date: Some(start),
                        end_date: Some(end),
                        weekdays,
                        start_time,
                        end_time,
                        slots,
                        rrule,
                        location: Some(location_text),
                    };
                    api::batches::update(session, batch.id, &patch).await
                }
                None => {
                    let new = NewBatch {
                        code,
                        name,
                        branch_id: None,
                        faculty_id,
                        start_date: start,
                        end_date: end,
                        weekdays,
                        start_time,
                        end_time,
                        slots,
                        rrule,
                        location: location_text,
                    };
                    api::batches::create(session, &new).await
                }
            }
        };
        saver.run(request, |saved: &Batch| {
            format!("Batch {} saved; its sessions follow it.", saved.code)
        });
    };

    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="row">
                    <TextField id="batch-code" label="Code" field="code" value=code error class="field narrow"/>
                    <TextField id="batch-name" label="Name" field="name" value=name error class="field grow"/>
                </div>
                <TypeAhead<User> id="batch-teacher" label="Taught by" value=teacher
                    placeholder="Type a name or email" error=(error, "faculty_id")/>
                <ScheduleEditor form=schedule error/>
                <div class="row">
                    <TextField id="batch-start-date" label="First day" field="start_date" value=start_date error kind="date"/>
                    <TextField id="batch-end-date" label="Last day" field="end_date" value=end_date error kind="date"/>
                </div>
                <SchedulePreviewPanel form=schedule start_date end_date branch_id
                    teacher=Signal::derive(move || teacher.get().parse::<i64>().ok())/>
                <div class="field">
                    <label for="batch-location">"Location"</label>
                    <input id="batch-location" maxlength="200" aria-describedby="batch-location-errors"
                        prop:value=location on:input=move |ev| location.set(event_target_value(&ev))/>
                    <FieldErrors error field="location" id="batch-location-errors"/>
                </div>
                <SaveButtons saver>
                    {deletable.map(|id| view! {
                        <button type="button" class="secondary danger-text" on:click=move |_| remove(id)>"Delete batch"</button>
                    })}
                </SaveButtons>
            </form>
        </Dialog>
    }
}
