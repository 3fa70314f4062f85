//! Field-level messages from the API, shown beside their fields.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast as _;
use web_sys::{Element, HtmlElement};

use crate::api::ApiError;

/// The messages the last failed submission reported for `field`. Every
/// control these messages describe (`aria-describedby` naming `id`) is
/// marked `aria-invalid` while there are any, wherever its page drew it, so
/// screen readers say so and [`focus_first_invalid`] can find it.
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
    let described = format!("[aria-describedby~='{id}']");
    Effect::new(move || {
        let invalid = error.with(|e| {
            e.as_ref()
                .is_some_and(|e| !e.field_errors(field).is_empty())
        });
        let Ok(controls) = document().query_selector_all(&described) else {
            return;
        };
        for control in (0..controls.length()).filter_map(|i| controls.item(i)) {
            let Ok(control) = control.dyn_into::<Element>() else {
                continue;
            };
            // Failing to set an attribute leaves the field as it was drawn.
            let _ = if invalid {
                control.set_attribute("aria-invalid", "true")
            } else {
                control.remove_attribute("aria-invalid")
            };
        }
    });
    view! {
        <div id=id class="field-errors" aria-live="polite">
            <For each=messages key=|message| message.clone() let:message>
                <p class="field-error">{message}</p>
            </For>
        </div>
    }
}

/// The form the focus is in: the one being submitted, while its submit
/// button or a field of it still has the focus.
pub fn form_of_focus() -> Option<Element> {
    document()
        .active_element()
        .and_then(|focused| focused.closest("form").ok().flatten())
}

/// When `error` is about fields, moves the focus to the first field it
/// marked in `form` (or, without one, in the open dialog), once its
/// messages are drawn: a keyboard or screen-reader user lands on what to
/// correct rather than on Save. Another form's standing error is left alone.
pub fn focus_first_invalid(error: &ApiError, form: Option<Element>) {
    const INVALID: &str = "[aria-invalid='true']";
    if !error.is_about_fields() {
        return;
    }
    request_animation_frame(move || {
        let first = match form {
            Some(form) => form.query_selector(INVALID),
            None => document().query_selector(&format!("dialog[open] {INVALID}")),
        };
        if let Some(field) = first
            .ok()
            .flatten()
            .and_then(|field| field.dyn_into::<HtmlElement>().ok())
        {
            // A field that cannot take the focus leaves it where it is.
            let _ = field.focus();
        }
    });
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
