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
