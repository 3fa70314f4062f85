//! Loading, empty and error states, designed rather than left blank.

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="state loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </div>
    }
}

#[component]
pub fn Empty(#[prop(into)] title: String, #[prop(into)] hint: String) -> impl IntoView {
    view! {
        <div class="state empty">
            <p class="state-title">{title}</p>
            <p class="muted">{hint}</p>
        </div>
    }
}

/// A failed load, with a way to try again.
#[component]
pub fn ErrorNote(
    error: ApiError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="state error" role="alert">
            <p class="state-title">"Something went wrong"</p>
            <p>{error.message()}</p>
            {retry.map(|retry| view! { <button class="secondary" on:click=move |_| retry.run(())>"Try again"</button> })}
        </div>
    }
}
