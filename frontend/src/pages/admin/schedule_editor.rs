//! A batch's schedule as the editor holds it: one time on chosen weekdays,
//! each weekday with its own times, or an RFC 5545 rule; and the preview
//! of the sittings it will generate, holidays struck through, before
//! anything is saved.

use chrono::NaiveDate;
use lectern_api_types::batches::{Batch, PreviewSitting, SchedulePreviewRequest, Slot};
use lectern_api_types::schedule::{Weekday, Weekdays};
use lectern_api_types::time::ClockTime;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::FieldErrors;
use crate::components::fields::TextField;
use crate::format;
use crate::session::use_session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    SameTime,
    PerDay,
    Rule,
}

/// One weekday's row in the per-day form.
#[derive(Clone, Copy)]
pub struct DayRow {
    pub day: Weekday,
    pub on: RwSignal<bool>,
    pub start: RwSignal<String>,
    pub end: RwSignal<String>,
}

/// What the schedule part of the form holds.
#[derive(Clone, Copy)]
pub struct ScheduleForm {
    pub mode: RwSignal<Mode>,
    pub days: RwSignal<Weekdays>,
    pub start_time: RwSignal<String>,
    pub end_time: RwSignal<String>,
    pub rows: [DayRow; 7],
    pub rrule: RwSignal<String>,
}

/// The fields a request carries for a schedule: weekdays, times, slots, rule.
pub type ScheduleFields = (
    Option<Weekdays>,
    Option<ClockTime>,
    Option<ClockTime>,
    Option<Vec<Slot>>,
    Option<String>,
);

fn time_of(text: &str, field: &str) -> Result<ClockTime, ApiError> {
    text.parse::<ClockTime>()
        .map_err(|_| ApiError::invalid(field, "enter a time as HH:MM"))
}

impl ScheduleForm {
    pub fn of(batch: Option<&Batch>) -> Self {
        let first = |pick: fn(&Batch) -> ClockTime, default: &str| {
            batch.map_or_else(|| default.to_owned(), |b| pick(b).to_string())
        };
        let start_time = first(|b| b.start_time, "09:00");
        let end_time = first(|b| b.end_time, "10:00");
        let slots = batch.map(|b| b.slots.clone()).unwrap_or_default();
        let differ = slots.iter().any(|slot| {
            (slot.start_time, slot.end_time) != (slots[0].start_time, slots[0].end_time)
        });
        let mode = match batch {
            Some(b) if b.rrule.is_some() => Mode::Rule,
            Some(_) if differ => Mode::PerDay,
            _ => Mode::SameTime,
        };
        let rows = Weekday::ALL.map(|day| {
            let slot = slots.iter().find(|slot| slot.weekday == day);
            DayRow {
                day,
                on: RwSignal::new(slot.is_some()),
                start: RwSignal::new(
                    slot.map_or_else(|| start_time.clone(), |s| s.start_time.to_string()),
                ),
                end: RwSignal::new(
                    slot.map_or_else(|| end_time.clone(), |s| s.end_time.to_string()),
                ),
            }
        });
        Self {
            mode: RwSignal::new(mode),
            days: RwSignal::new(batch.map_or(Weekdays::EMPTY, |b| b.weekdays)),
            start_time: RwSignal::new(start_time),
            end_time: RwSignal::new(end_time),
            rows,
            rrule: RwSignal::new(batch.and_then(|b| b.rrule.clone()).unwrap_or_default()),
        }
    }

    /// The schedule as a request sends it, read with tracking so a preview
    /// follows every change.
    pub fn fields(&self) -> Result<ScheduleFields, ApiError> {
        match self.mode.get() {
            Mode::SameTime => Ok((
                Some(self.days.get()),
                Some(time_of(&self.start_time.get(), "start_time")?),
                Some(time_of(&self.end_time.get(), "end_time")?),
                None,
                None,
            )),
            Mode::PerDay => {
                let mut slots = Vec::new();
                for row in self.rows.iter().filter(|row| row.on.get()) {
                    slots.push(Slot {
                        weekday: row.day,
                        start_time: time_of(&row.start.get(), "slots")?,
                        end_time: time_of(&row.end.get(), "slots")?,
                    });
                }
                Ok((None, None, None, Some(slots), None))
            }
            Mode::Rule => Ok((
                None,
                Some(time_of(&self.start_time.get(), "start_time")?),
                Some(time_of(&self.end_time.get(), "end_time")?),
                None,
                Some(self.rrule.get().trim().to_owned()),
            )),
        }
    }
}

#[component]
pub fn ScheduleEditor(form: ScheduleForm, error: ReadSignal<Option<ApiError>>) -> impl IntoView {
    let mode_choice = move |mode: Mode, id: &'static str, label: &'static str| {
        view! {
            <label class="choice" for=id>
                <input type="radio" id=id name="schedule-mode" prop:checked=move || form.mode.get() == mode
                    on:change=move |_| form.mode.set(mode)/>
                {label}
            </label>
        }
    };
    let times = move || {
        view! {
            <div class="row">
                <TextField id="batch-start-time" label="From" field="start_time" value=form.start_time error kind="time"/>
                <TextField id="batch-end-time" label="Until" field="end_time" value=form.end_time error kind="time"/>
            </div>
        }
    };
    view! {
        <fieldset class="schedule-mode">
            <legend>"Schedule"</legend>
            {mode_choice(Mode::SameTime, "schedule-weekdays", "Same time each day")}
            {mode_choice(Mode::PerDay, "schedule-slots", "Different times per day")}
            {mode_choice(Mode::Rule, "schedule-rule", "Repeat rule")}
        </fieldset>
        {move || match form.mode.get() {
            Mode::SameTime => view! {
                <fieldset class="weekdays">
                    <legend>"Meets on"</legend>
                    {Weekday::ALL.into_iter().map(|day| {
                        let id = format!("day-{}", day.short_name().to_lowercase());
                        let label_for = id.clone();
                        view! {
                            <label class="day" for=label_for>
                                <input id=id type="checkbox" prop:checked=move || form.days.get().contains(day)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.days.update(|d| *d = if on { d.with(day) } else { d.without(day) });
                                    }/>
                                {day.short_name()}
                            </label>
                        }
                    }).collect_view()}
                    <FieldErrors error field="weekdays" id="batch-days-errors"/>
                </fieldset>
                {times()}
            }.into_any(),
            Mode::PerDay => view! {
                <fieldset class="slots">
                    <legend>"Meets on, at"</legend>
                    {form.rows.into_iter().map(|row| {
                        let name = row.day.short_name().to_lowercase();
                        let (check, from, until) = (format!("slot-{name}"), format!("slot-{name}-start"), format!("slot-{name}-end"));
                        let (check_for, from_for, until_for) = (check.clone(), from.clone(), until.clone());
                        view! {
                            <div class="slot">
                                <label class="day" for=check_for>
                                    <input id=check type="checkbox" prop:checked=move || row.on.get()
                                        on:change=move |ev| row.on.set(event_target_checked(&ev))/>
                                    {row.day.short_name()}
                                </label>
                                <label class="visually-hidden" for=from_for>{format!("{} from", row.day.short_name())}</label>
                                <input id=from type="time" disabled=move || !row.on.get()
                                    prop:value=row.start on:input=move |ev| row.start.set(event_target_value(&ev))/>
                                <span aria-hidden="true">"–"</span>
                                <label class="visually-hidden" for=until_for>{format!("{} until", row.day.short_name())}</label>
                                <input id=until type="time" disabled=move || !row.on.get()
                                    prop:value=row.end on:input=move |ev| row.end.set(event_target_value(&ev))/>
                            </div>
                        }
                    }).collect_view()}
                    <FieldErrors error field="slots" id="batch-slots-errors"/>
                </fieldset>
            }.into_any(),
            Mode::Rule => view! {
                <div class="field">
                    <label for="batch-rrule">"Repeat rule (RFC 5545)"</label>
                    <input id="batch-rrule" spellcheck="false" autocomplete="off" aria-describedby="batch-rrule-help batch-rrule-errors"
                        placeholder="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
                        prop:value=form.rrule on:input=move |ev| form.rrule.set(event_target_value(&ev))/>
                    <p class="muted small" id="batch-rrule-help">"For example FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH for Tuesdays and Thursdays every other week."</p>
                    <FieldErrors error field="rrule" id="batch-rrule-errors"/>
                </div>
                {times()}
            }.into_any(),
        }}
    }
}

/// The sittings the schedule in `form` will generate between the dates,
/// asked of the server (which applies the branch's holidays) as the form
/// changes.
#[component]
pub fn SchedulePreviewPanel(
    form: ScheduleForm,
    start_date: RwSignal<String>,
    end_date: RwSignal<String>,
    #[prop(into)] teacher: Signal<Option<i64>>,
    branch_id: Option<i64>,
) -> impl IntoView {
    let session = use_session();
    let preview = LocalResource::new(move || {
        let dates = start_date
            .get()
            .parse::<NaiveDate>()
            .ok()
            .zip(end_date.get().parse::<NaiveDate>().ok());
        let fields = form.fields();
        let faculty_id = teacher.get();
        async move {
            let (Some((start_date, end_date)), Ok((weekdays, start_time, end_time, slots, rrule))) =
                (dates, fields)
            else {
                return None;
            };
            let request = SchedulePreviewRequest {
                branch_id,
                faculty_id,
                start_date,
                end_date,
                weekdays,
                start_time,
                end_time,
                slots,
                rrule,
            };
            Some(api::batches::preview(session, &request).await)
        }
    });
    view! {
        <section class="schedule-preview" aria-labelledby="preview-heading" aria-live="polite">
            <h3 id="preview-heading">"Sittings it will generate"</h3>
            {move || match preview.get().flatten() {
                None => view! { <p class="muted">"Choose the dates and the days to see the sittings."</p> }.into_any(),
                Some(Err(err)) => view! { <p class="muted" id="preview-problem">{problem_text(&err)}</p> }.into_any(),
                Some(Ok(preview)) => {
                    let holidays = preview.sittings.len() - preview.generated;
                    let shown = preview.sittings.len().min(SHOWN);
                    let more = preview.sittings.len() - shown;
                    view! {
                        <p id="preview-count">{count_text(preview.generated, holidays)}</p>
                        <ol class="sittings">
                            {preview.sittings.into_iter().take(SHOWN).map(sitting_item).collect_view()}
                        </ol>
                        {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more")}</p> })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// How many sittings the preview lists; the count covers them all.
const SHOWN: usize = 60;

fn count_text(generated: usize, holidays: usize) -> String {
    let sittings = if generated == 1 {
        "sitting"
    } else {
        "sittings"
    };
    match holidays {
        0 => format!("{generated} {sittings}"),
        1 => format!("{generated} {sittings}; 1 date falls on a holiday"),
        _ => format!("{generated} {sittings}; {holidays} dates fall on holidays"),
    }
}

fn problem_text(err: &ApiError) -> String {
    match err {
        ApiError::Problem(problem) => match &problem.errors {
            Some(errors) if !errors.is_empty() => errors
                .iter()
                .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                .collect::<Vec<_>>()
                .join(". "),
            _ => err.message(),
        },
        ApiError::Network(_) => err.message(),
    }
}

fn sitting_item(sitting: PreviewSitting) -> impl IntoView {
    let when = format!(
        "{} {}, {}–{}",
        sitting.weekday.short_name(),
        format::day_month_year(sitting.date),
        sitting.start_time,
        sitting.end_time
    );
    match sitting.holiday {
        Some(name) => view! {
            <li class="holiday"><s>{when}</s>" "<span class="badge">{format!("Holiday: {name}")}</span></li>
        }
        .into_any(),
        None => view! { <li>{when}</li> }.into_any(),
    }
}
