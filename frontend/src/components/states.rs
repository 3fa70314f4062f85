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

/// A failed load, with a way to try again where another try can help: what
/// is not there, or not the caller's to see, stays so however often it is
/// asked for.
#[component]
pub fn ErrorNote(
    error: ApiError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let (title, hint, retry) = match error.status() {
        // The server answers 404 for what exists but is not the caller's.
        Some(404) => (
            "Not found",
            Some("It may have been deleted, or it is not one you can see."),
            None,
        ),
        Some(403) => ("Not allowed", None, None),
        _ => ("Something went wrong", None, retry),
    };
    view! {
        <div class="state error" role="alert">
            <p class="state-title">{title}</p>
            <p>{error.message()}</p>
            {hint.map(|hint| view! { <p class="muted">{hint}</p> })}
            {retry.map(|retry| view! { <button class="secondary" on:click=move |_| retry.run(())>"Try again"</button> })}
        </div>
    }
}
