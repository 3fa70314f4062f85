//! A modal dialog on the platform's `<dialog>`: it makes the page behind it
//! inert, so Tab stays inside, and Escape closes it. However it closes,
//! focus goes back to whatever opened it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast as _;

/// Marks the element to focus again when the dialog goes away.
const RETURN_FOCUS: &str = "data-return-focus";

#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    if let Some(opener) = document().active_element() {
        let _ = opener.set_attribute(RETURN_FOCUS, "");
    }
    Effect::new(move || {
        if let Some(dialog) = node.get().filter(|dialog| !dialog.open()) {
            let _ = dialog.show_modal();
        }
    });
    on_cleanup(|| {
        // While the modal dialog is open the page behind it is inert and
        // cannot take the focus; this runs before the element leaves the
        // page, so it is closed first.
        let open = document().query_selector("dialog[open]").ok().flatten();
        if let Some(dialog) = open.and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
            dialog.close();
        }
        let opener = document()
            .query_selector(&format!("[{RETURN_FOCUS}]"))
            .ok()
            .flatten();
        if let Some(opener) = opener {
            let _ = opener.remove_attribute(RETURN_FOCUS);
            if let Some(opener) = opener.dyn_ref::<web_sys::HtmlElement>() {
                let _ = opener.focus();
            }
        }
    });
    view! {
        <dialog
            node_ref=node
            class="dialog"
            aria-labelledby="dialog-title"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <div class="dialog-head">
                <h2 id="dialog-title">{title}</h2>
                <button type="button" class="icon-button" aria-label="Close" on:click=move |_| on_close.run(())>"×"</button>
            </div>
            {children()}
        </dialog>
    }
}
