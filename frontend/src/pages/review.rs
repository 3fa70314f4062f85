//! Review of a completed record, as the signed-in person may take part in
//! it: admins verify, return or reopen; owners fix and resubmit.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::schedule::{CompletionStatus, Review};
use lectern_api_types::sessions::{Completion, ReopenRequest, ReturnRequest, VerifyRequest};
use lectern_api_types::text::Reason;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::session::use_session;
use crate::{format, use_changes, use_notice};

/// What the signed-in person may do to this record's review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewRights {
    pub verify_or_return: bool,
    pub reopen: bool,
    pub resubmit: bool,
    /// Fix actual times, code and notes.
    pub edit_record: bool,
}

impl ReviewRights {
    /// As the server decides: admins review what they neither own nor
    /// recorded; owners resubmit; a verified record is locked.
    pub fn of(completion: &Completion, me: i64, admin: bool) -> Self {
        let mine = completion.user_id == me;
        let reviewer = admin && !mine && completion.recorded_by != Some(me);
        let completed = completion.status == CompletionStatus::Completed;
        let review = completion.review;
        Self {
            verify_or_return: reviewer && completed && review == Some(Review::Unreviewed),
            reopen: reviewer && review == Some(Review::Verified),
            resubmit: mine && review == Some(Review::Returned),
            edit_record: (mine || admin) && completed && review != Some(Review::Verified),
        }
    }
}

/// Review buttons for one record, with the dialogs they open.
#[component]
pub fn ReviewActions(completion: Completion, #[prop(optional)] compact: bool) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let notice = use_notice();
    let me = session.user();
    let rights = me
        .as_ref()
        .map(|me| ReviewRights::of(&completion, me.id, me.role.is_admin()))
        .unwrap_or_default();
    let dialog = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<ApiError>);
    let id = completion.id;
    let resubmit = move |_| {
        spawn_local(async move {
            match api::sessions::resubmit(session, id).await {
                Ok(_) => {
                    notice.show("Resubmitted for review.".into());
                    changes.bump();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let class = if compact {
        "secondary small"
    } else {
        "secondary"
    };
    let primary = if compact { "primary small" } else { "primary" };
    let title = completion.title.clone();
    let target = completion;
    view! {
        {rights.verify_or_return.then(|| view! {
            <button class=primary on:click=move |_| dialog.set(Some("verify"))>"Verify"</button>
            <button class=class on:click=move |_| dialog.set(Some("return"))>"Return"</button>
        })}
        {rights.reopen.then(|| view! {
            <button class=class on:click=move |_| dialog.set(Some("reopen"))>"Reopen"</button>
        })}
        {rights.resubmit.then(|| view! {
            <button class=primary on:click=resubmit>"Resubmit for review"</button>
        })}
        {move || error.get().map(|error| view! { <p class="field-error" role="alert">{error.message()}</p> })}
        {move || {
            let close = Callback::new(move |()| dialog.set(None));
            match dialog.get() {
                Some("verify") => view! { <VerifyDialog completion=target.clone() on_close=close/> }.into_any(),
                Some("return") => view! {
                    <ReasonDialog
                        completion_id=id
                        action="return"
                        title=format!("Return {title} for correction")
                        label="What should be corrected?"
                        submit="Return"
                        done="Returned to its owner."
                        on_close=close
                    />
                }
                .into_any(),
                Some("reopen") => view! {
                    <ReasonDialog
                        completion_id=id
                        action="reopen"
                        title=format!("Reopen {title}")
                        label="Why undo the verification?"
                        submit="Reopen"
                        done="Reopened: the record can be corrected and reviewed again."
                        on_close=close
                    />
                }
                .into_any(),
                _ => ().into_any(),
            }
        }}
    }
}

/// Asks for the code the class was given. It is never filled in: the admin
/// types what they received, and the server compares.
#[component]
pub fn VerifyDialog(completion: Completion, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let code = RwSignal::new(String::new());
    let id = completion.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let completion_code: CompletionCode =
            match api::typed(&code.get_untracked(), "completion_code") {
                Ok(code) => code,
                Err(err) => return saver.refuse(err),
            };
        let body = VerifyRequest { completion_code };
        saver.run(
            async move { api::sessions::verify(session, id, &body).await },
            |_| "Code verified; the record is locked.".into(),
        );
    };
    view! {
        <Dialog title=format!("Verify {}", completion.title) on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("{} · {}", completion.user_name, format::date(completion.scheduled_start, &completion.timezone))}</p>
                <div class="field">
                    <label for="verify-code">"Completion code as given to you"</label>
                    <input id="verify-code" type="text" autocomplete="off" spellcheck="false" required aria-describedby="verify-code-errors"
                        prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                    <FieldErrors error field="completion_code" id="verify-code-errors"/>
                </div>
                <SaveButtons saver label="Verify"/>
            </form>
        </Dialog>
    }
}

/// A review step that needs a reason: return for correction, or reopen.
#[component]
fn ReasonDialog(
    completion_id: i64,
    action: &'static str,
    title: String,
    label: &'static str,
    submit: &'static str,
    done: &'static str,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let reason = RwSignal::new(String::new());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason: Reason = match api::typed(&reason.get_untracked(), "reason") {
            Ok(reason) => reason,
            Err(err) => return saver.refuse(err),
        };
        let request = async move {
            if action == "return" {
                let request = ReturnRequest { reason };
                api::sessions::return_for_correction(session, completion_id, &request).await
            } else {
                api::sessions::reopen(session, completion_id, &ReopenRequest { reason }).await
            }
        };
        saver.run(request, move |_| done.into());
    };
    let field = format!("{action}-reason");
    let errors = format!("{action}-reason-errors");
    view! {
        <Dialog title on_close>
            <form class="form" on:submit=send novalidate>
                <FormError error/>
                <div class="field">
                    <label for=field.clone()>{label}</label>
                    <textarea id=field rows="3" required aria-describedby=errors.clone()
                        prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="reason" id=errors/>
                </div>
                <SaveButtons saver label=submit/>
            </form>
        </Dialog>
    }
}
