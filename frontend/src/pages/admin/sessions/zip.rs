//! "Download all files": every file of the sessions the filters select, in
//! one ZIP. It can be large, so what it holds is shown first and the
//! download waits for a confirmation.

use lectern_api_types::sessions::{AttachmentTotals, CompletionFilter};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::download_button::DownloadButton;
use crate::session::use_session;

#[component]
pub fn ZipAll(filter: Memo<CompletionFilter>) -> impl IntoView {
    let session = use_session();
    let totals = RwSignal::new(None::<AttachmentTotals>);
    let asking = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // Totals answer for one filter: another filter asks again.
    Effect::new(move || {
        filter.track();
        totals.set(None);
        error.set(None);
    });
    let ask = move |_| {
        asking.set(true);
        error.set(None);
        let wanted = api::files::list_totals(&filter.get_untracked());
        spawn_local(async move {
            match wanted.fetch(session).await {
                Ok(answer) => totals.set(Some(answer)),
                Err(err) => error.set(Some(err.message())),
            }
            asking.set(false);
        });
    };
    let close = Callback::new(move |()| totals.set(None));
    let zip = Signal::derive(move || api::files::list_zip(&filter.get()));

    view! {
        <div class="zip-download">
            <button
                type="button"
                class="secondary"
                disabled=move || asking.get()
                aria-busy=move || asking.get().to_string()
                aria-expanded=move || totals.with(Option::is_some).to_string()
                aria-controls="zip-confirm"
                on:click=ask
            >
                {move || asking.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                "Download all files"
            </button>
            <div id="zip-confirm" role="status" aria-live="polite">
                {move || totals.get().map(|totals| {
                    if totals.files == 0 {
                        return view! { <p class="muted">"No files belong to these sessions."</p> }.into_any();
                    }
                    view! {
                        <div class="callout zip-confirm">
                            <p class="zip-totals">{describe(&totals)}</p>
                            <div class="actions">
                                <DownloadButton
                                    file=zip
                                    fallback="lectern-files.zip"
                                    label="Download ZIP"
                                    class="primary zip-all"
                                    on_done=close
                                />
                                <button type="button" class="secondary" on:click=move |_| close.run(())>"Cancel"</button>
                            </div>
                        </div>
                    }
                    .into_any()
                })}
            </div>
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </div>
    }
}

/// `12 files from 5 sessions, 48.3 MB`.
fn describe(totals: &AttachmentTotals) -> String {
    let count = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    format!(
        "{} from {}, {}",
        count(totals.files, "file", "files"),
        count(totals.sessions, "session", "sessions"),
        megabytes(totals.bytes)
    )
}

/// Sizes in MB throughout, so totals compare at a glance.
fn megabytes(bytes: i64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if bytes > 0 && mb < 0.1 {
        "under 0.1 MB".into()
    } else {
        format!("{mb:.1} MB")
    }
}
