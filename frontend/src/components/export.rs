//! Export buttons: the sessions a filter selects, as CSV, Excel or PDF.

use lectern_api_types::sessions::{CompletionFilter, ExportFormat};
use leptos::prelude::*;

use super::download_button::DownloadButton;
use crate::api;

#[component]
pub fn ExportButtons(
    /// The sessions to export: the page's own filter, so the file holds
    /// what the page shows.
    #[prop(into)]
    filter: Signal<CompletionFilter>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    view! {
        <div class="export-buttons" role="group" aria-labelledby="export-label">
            <span id="export-label" class="muted">"Export"</span>
            {ExportFormat::ALL
                .into_iter()
                .map(|format| {
                    let file = Signal::derive(move || api::sessions::export(&filter.get(), format));
                    view! {
                        <DownloadButton
                            file
                            fallback=format!("lectern-sessions.{}", format.extension())
                            label=format.label()
                            class="secondary small"
                            error
                        />
                    }
                })
                .collect_view()}
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </div>
    }
}
