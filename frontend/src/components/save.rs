//! What every dialog's Save does once its request is built: one request at
//! a time; then either the server's objection beside the fields, or a
//! notice of what happened, every list refreshed, and the dialog closed.

use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;

use web_sys::Element;

use super::fields::{focus_first_invalid, form_of_focus};
use crate::api::ApiError;
use crate::{Changes, Notice, use_changes, use_notice};

#[derive(Clone, Copy)]
pub struct Saver {
    error: RwSignal<Option<ApiError>>,
    pending: RwSignal<bool>,
    changes: Changes,
    notice: Notice,
    on_close: Callback<()>,
}

impl Saver {
    /// For a dialog that `on_close` closes; made where the dialog is built,
    /// which is where the page's context is.
    pub fn new(on_close: Callback<()>) -> Self {
        Self {
            error: RwSignal::new(None),
            pending: RwSignal::new(false),
            changes: use_changes(),
            notice: use_notice(),
            on_close,
        }
    }

    /// The last failure, for `FormError` and `FieldErrors`.
    pub fn error(self) -> ReadSignal<Option<ApiError>> {
        self.error.read_only()
    }

    /// Whether a request is on its way, for the Save button.
    pub fn pending(self) -> Signal<bool> {
        self.pending.into()
    }

    /// Shows a problem the page found before sending anything.
    pub fn refuse(self, error: ApiError) {
        self.fail(error, form_of_focus());
    }

    /// Shows `error`, and takes the focus to the first field it names in
    /// `form`, the one that was submitted.
    fn fail(self, error: ApiError, form: Option<Element>) {
        focus_first_invalid(&error, form);
        self.error.set(Some(error));
    }

    /// Sends `request` unless one is already on its way; `said` words the
    /// notice from what the server answered.
    pub fn run<T: 'static>(
        self,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        said: impl FnOnce(&T) -> String + 'static,
    ) {
        self.send(Box::pin(
            async move { request.await.map(|saved| said(&saved)) },
        ));
    }

    /// The body of every [`Saver::run`], over the answer already worded:
    /// one copy in the wasm, not one per dialog's request and answer types.
    fn send(self, request: Pin<Box<dyn Future<Output = Result<String, ApiError>>>>) {
        if self.pending.get_untracked() {
            return;
        }
        // Before the submit button is disabled, which takes the focus away.
        let form = form_of_focus();
        self.pending.set(true);
        self.error.set(None);
        spawn_local(async move {
            let answer = request.await;
            self.pending.set(false);
            match answer {
                Ok(said) => {
                    self.notice.show(said);
                    self.changes.bump();
                    self.on_close.run(());
                }
                Err(error) => {
                    // Changed meanwhile: the page behind the dialog shows
                    // it as it now is, and the dialog opened again starts
                    // from there.
                    if error.is_stale() {
                        self.changes.bump();
                    }
                    self.fail(error, form);
                }
            }
        });
    }
}

/// A dialog's Back and submit buttons, after any of its own (`children`);
/// the submit one is disabled while the request is out, and says `busy`
/// then when given.
#[component]
pub fn SaveButtons(
    saver: Saver,
    #[prop(optional)] children: Option<Children>,
    #[prop(default = "Save")] label: &'static str,
    #[prop(optional)] busy: Option<&'static str>,
    #[prop(default = "primary")] class: &'static str,
) -> impl IntoView {
    let pending = saver.pending();
    view! {
        <div class="actions end">
            {children.map(|children| children())}
            <button type="button" class="secondary" on:click=move |_| saver.on_close.run(())>"Back"</button>
            <button type="submit" class=class disabled=pending>
                {move || match busy {
                    Some(busy) if pending.get() => busy,
                    _ => label,
                }}
            </button>
        </div>
    }
}
