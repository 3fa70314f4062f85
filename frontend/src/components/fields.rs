//! Field-level messages from the API, shown beside their fields.

use leptos::prelude::*;

use crate::api::ApiError;

/// The messages the last failed submission reported for `field`.
#[component]
pub fn FieldErrors(
    error: ReadSignal<Option<ApiError>>,
    field: &'static str,
    #[prop(into)] id: String,
) -> impl IntoView {
    let messages = move || {
        error.with(|e| {
            e.as_ref()
                .map(|e| e.field_errors(field))
                .unwrap_or_default()
        })
    };
    view! {
        <div id=id class="field-errors" aria-live="polite">
            <For each=messages key=|message| message.clone() let:message>
                <p class="field-error">{message}</p>
            </For>
        </div>
    }
}

/// A form-wide message for failures that name no field.
#[component]
pub fn FormError(error: ReadSignal<Option<ApiError>>) -> impl IntoView {
    let general = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| !e.is_about_fields())
                .map(ApiError::message)
        })
    };
    view! {
        <Show when=move || general().is_some()>
            <p class="alert" role="alert">{general}</p>
        </Show>
    }
}

/// A required text input with its label and the API's messages for
/// `field` beside it, described by them for screen readers.
#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: String,
    /// The field's name in the API's problem document.
    field: &'static str,
    value: RwSignal<String>,
    error: ReadSignal<Option<ApiError>>,
    #[prop(default = "text")] kind: &'static str,
    /// The wrapper's classes, to size the field in a row.
    #[prop(default = "field")]
    class: &'static str,
    /// The `<datalist>` offering choices.
    #[prop(optional)]
    list: Option<&'static str>,
) -> impl IntoView {
    let errors = format!("{id}-errors");
    view! {
        <div class=class>
            <label for=id>{label}</label>
            <input id=id type=kind required list=list aria-describedby=errors.clone()
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            <FieldErrors error field id=errors/>
        </div>
    }
}
