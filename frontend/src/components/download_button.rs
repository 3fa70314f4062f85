//! A button that downloads a file from the API: busy while the file is
//! fetched, and saying why when it cannot be had.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{Fetch, FileBody};
use crate::download::download;
use crate::session::use_session;
use crate::use_notice;

#[component]
pub fn DownloadButton(
    /// What to download, read when the button is pressed.
    #[prop(into)]
    file: Signal<Fetch<FileBody>>,
    /// The name to save under when the server names no file.
    #[prop(into)]
    fallback: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] class: Option<String>,
    /// Where a failure is told; without it the button tells it beside itself.
    #[prop(optional)]
    error: Option<RwSignal<Option<String>>>,
    /// Told when the file has been handed to the browser.
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let session = use_session();
    let notice = use_notice();
    let busy = RwSignal::new(false);
    let own_error = error.is_none();
    let error = error.unwrap_or_else(|| RwSignal::new(None));
    let fallback = StoredValue::new(fallback);
    let start = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let file = file.get_untracked();
        spawn_local(async move {
            match download(session, &file, &fallback.get_value()).await {
                Ok(name) => {
                    notice.show(format!("{name} downloaded."));
                    if let Some(done) = on_done {
                        done.run(());
                    }
                }
                Err(err) => error.set(Some(err.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <button
            type="button"
            class=class.unwrap_or_else(|| "secondary".into())
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=start
        >
            {move || busy.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
            {label}
        </button>
        {own_error.then(|| view! {
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        })}
    }
}
