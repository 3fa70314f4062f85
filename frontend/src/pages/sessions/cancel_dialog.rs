//! Recording that a session was not held, and why.

use lectern_api_types::sessions::CancelRequest;
use lectern_api_types::text::Reason;
use leptos::prelude::*;

use crate::api;
use crate::components::fields::FormError;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::session::use_session;

#[component]
pub fn CancelDialog(
    completion_id: i64,
    #[prop(into)] title: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason: Reason = match api::typed(&reason.get_untracked(), "reason") {
            Ok(reason) => reason,
            Err(err) => return saver.refuse(err),
        };
        let body = CancelRequest { reason };
        saver.run(
            async move { api::sessions::cancel(session, completion_id, &body).await },
            |_| "Session cancelled.".into(),
        );
    };
    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="field">
                    <label for="cancel-reason">"Why was it not held?"</label>
                    <textarea id="cancel-reason" rows="3" required aria-describedby="cancel-reason-errors"
                        prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="reason" id="cancel-reason-errors"/>
                </div>
                <SaveButtons saver label="Cancel session" busy="Cancelling…" class="danger"/>
            </form>
        </Dialog>
    }
}
