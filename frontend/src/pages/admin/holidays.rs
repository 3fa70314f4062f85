//! A branch's holidays: the days no class is held. Adding one cancels the
//! branch's pending sittings on it; a year's public holidays come in at
//! once from an `.ics` file.

use chrono::NaiveDate;
use lectern_api_types::holidays::{HolidayQuery, NewHoliday};
use lectern_api_types::text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast as _;

use crate::api::{self, ApiError};
use crate::components::fields::{FormError, TextField};
use crate::components::paging::{Paged, PagedItems};
use crate::components::{FieldErrors, SaveButtons, Saver};
use crate::format;
use crate::session::use_session;

#[component]
pub fn Holidays() -> impl IntoView {
    let params = use_params_map();
    let branch_id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    });
    let paged = Paged::new(move || {
        api::holidays::list(
            branch_id.get(),
            &HolidayQuery {
                limit: Some(100),
                ..HolidayQuery::default()
            },
        )
    });
    let session = use_session();
    let date = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let saver = Saver::new(Callback::new(move |()| {
        date.set(String::new());
        name.set(String::new());
    }));
    let error = saver.error();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = date
            .get_untracked()
            .parse::<NaiveDate>()
            .map_err(|_| ApiError::invalid("date", "choose a date"))
            .and_then(|date| {
                Ok(NewHoliday {
                    date,
                    name: api::typed::<Title>(&name.get_untracked(), "name")?,
                })
            });
        let new = match new {
            Ok(new) => new,
            Err(err) => return saver.refuse(err),
        };
        let branch = branch_id.get_untracked();
        saver.run(
            async move { api::holidays::create(session, branch, &new).await },
            |added| {
                format!(
                    "{} added; pending sittings on {} are cancelled.",
                    added.name,
                    format::day_month_year(added.date)
                )
            },
        );
    };
    let importer = Saver::new(Callback::new(|()| {}));
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let branch = branch_id.get_untracked();
        importer.run(
            async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|text| text.as_string())
                    .ok_or_else(|| ApiError::invalid("file", "could not be read"))?;
                api::holidays::import(session, branch, text).await
            },
            |done| {
                format!(
                    "Holidays added: {}; already there: {}; pending sittings cancelled: {}.",
                    done.added.len(),
                    done.already_there,
                    done.cancelled_sessions
                )
            },
        );
    };
    let remove = move |id: i64| {
        let branch = branch_id.get_untracked();
        saver.run(api::holidays::delete(session, branch, id), |()| {
            "Holiday removed. If its day is still to come, the sittings it cancelled are pending again.".into()
        });
    };
    let import_error = importer.error();
    view! {
        <p><a href="/admin/branches">"← Branches"</a></p>
        <h1>"Holidays"</h1>
        <p class="muted">"No sitting is made on a holiday. Adding one cancels the pending sittings already on that day; completed ones stay as they are."</p>
        <form class="form inline-form" on:submit=add novalidate>
            <FormError error/>
            <div class="row">
                <TextField id="holiday-date" label="Date" field="date" value=date error kind="date"/>
                <TextField id="holiday-name" label="Name" field="name" value=name error class="field grow"/>
            </div>
            <SaveButtons saver label="Add holiday" busy="Adding…"/>
        </form>
        <div class="field">
            <label for="holiday-import">"Import a calendar file (.ics)"</label>
            <input id="holiday-import" type="file" accept=".ics,text/calendar" aria-describedby="holiday-import-errors"
                on:change=import/>
            <FormError error=import_error/>
            <FieldErrors error=import_error field="file" id="holiday-import-errors"/>
        </div>
        <PagedItems paged what="holidays" empty=("No holidays yet", "Add the days the branch is closed, or import a calendar file.") show=move |items| view! {
            <table class="table responsive">
                <caption class="visually-hidden">"Holidays"</caption>
                <thead><tr>
                    <th scope="col">"Date"</th><th scope="col">"Name"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|holiday| {
                        let id = holiday.id;
                        view! {
                            <tr>
                                <td data-label="Date">{format::day_month_year(holiday.date)}</td>
                                <td data-label="Name">{holiday.name.clone()}</td>
                                <td class="row-actions">
                                    <button class="secondary small" aria-label=format!("Remove {}", holiday.name)
                                        on:click=move |_| remove(id)>"Remove"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }/>
    }
}
