//! Batches: the recurring timetable sessions are generated from.

use chrono::NaiveDate;
use lectern_api_types::batches::{Batch, BatchPatch, BatchQuery, NewBatch};
use lectern_api_types::codes::ShortCode;
use lectern_api_types::schedule::{Weekday, Weekdays};
use lectern_api_types::text::Title;
use lectern_api_types::time::ClockTime;
use lectern_api_types::users::User;
use leptos::prelude::*;

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
            Err(err) => return saver.refuse(err),
        };
        let location_text = Some(location.get_untracked()).filter(|l| !l.trim().is_empty());
        let existing = existing.clone();
        let request = async move {
            match existing {
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
                        weekdays: days.get_untracked(),
                        start_time: from,
                        end_time: until,
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
                    <TextField id="batch-start-time" label="From" field="start_time" value=start_time error kind="time"/>
                    <TextField id="batch-end-time" label="Until" field="end_time" value=end_time error kind="time"/>
                </div>
                <div class="row">
                    <TextField id="batch-start-date" label="First day" field="start_date" value=start_date error kind="date"/>
                    <TextField id="batch-end-date" label="Last day" field="end_date" value=end_date error kind="date"/>
                </div>
                <div class="field">
                    <label for="batch-location">"Location"</label>
                    <input id="batch-location" prop:value=location on:input=move |ev| location.set(event_target_value(&ev))/>
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
