//! Choosing the dashboard's period and, for super admins, its branch. Each
//! choice navigates to a new URL, so back and forward walk through them.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::Scope;
use super::period::{Period, Preset};
use crate::pages::admin::branch_list;

const CUSTOM: &str = "custom";

#[component]
pub fn Picker(scope: Memo<Scope>, today: NaiveDate, super_admin: bool) -> impl IntoView {
    let navigate = StoredValue::new_local(use_navigate());
    let go = move |period: Period, branch_id: Option<i64>| {
        navigate
            .with_value(|navigate| navigate(&Scope::href(period, branch_id), Default::default()));
    };
    // "Custom" is picked before its dates are typed; until they are, the
    // URL still holds a preset's.
    let typing = RwSignal::new(false);
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<&'static str>);
    Effect::new(move || {
        let period = scope.get().period;
        from.set(period.from.to_string());
        to.set(period.to.to_string());
        typing.set(false);
        error.set(None);
    });
    let choice = move || {
        if typing.get() {
            CUSTOM
        } else {
            scope.get().period.preset(today).map_or(CUSTOM, Preset::key)
        }
    };
    let on_period = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        match Preset::ALL.into_iter().find(|preset| preset.key() == key) {
            Some(preset) => go(preset.period(today), scope.get_untracked().branch_id),
            None => typing.set(true),
        }
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let date = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        match (date(from.get_untracked()), date(to.get_untracked())) {
            (Some(from), Some(to)) if from <= to => {
                go(Period { from, to }, scope.get_untracked().branch_id);
            }
            (Some(_), Some(_)) => error.set(Some("The period must end on or after its first day.")),
            _ => error.set(Some("Give both the first and the last day.")),
        }
    };

    view! {
        <form class="filters card period-picker" aria-label="Period" on:submit=apply>
            <div class="field">
                <label for="period">"Period"</label>
                <select id="period" on:change=on_period>
                    {Preset::ALL
                        .into_iter()
                        .map(|preset| view! {
                            <option value=preset.key() selected=move || choice() == preset.key()>{preset.label()}</option>
                        })
                        .collect_view()}
                    <option value=CUSTOM selected=move || choice() == CUSTOM>"Custom dates"</option>
                </select>
            </div>
            <Show when=move || choice() == CUSTOM>
                <div class="field">
                    <label for="period-from">"From"</label>
                    <input id="period-from" type="date" required prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="period-to">"To"</label>
                    <input id="period-to" type="date" required prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <div class="field period-apply">
                    <button type="submit" class="primary">"Show"</button>
                </div>
            </Show>
            {super_admin.then(|| view! { <BranchPicker scope go/> })}
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </form>
    }
}

#[component]
fn BranchPicker(
    scope: Memo<Scope>,
    go: impl Fn(Period, Option<i64>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let branches = branch_list();
    let on_change = move |ev: leptos::ev::Event| {
        go(
            scope.get_untracked().period,
            event_target_value(&ev).parse().ok(),
        );
    };
    view! {
        <div class="field">
            <label for="branch">"Branch"</label>
            <select id="branch" on:change=on_change>
                <option value="" selected=move || scope.get().branch_id.is_none()>"Every branch"</option>
                {move || {
                    branches
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|branch| {
                            let id = branch.id;
                            view! {
                                <option value=id.to_string() selected=move || scope.get().branch_id == Some(id)>{branch.name}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
