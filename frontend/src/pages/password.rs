//! Changing one's own password. When an admin set it, the app shows
//! nothing else until the person has chosen their own.

use lectern_api_types::auth::{PasswordChange, RefreshTokenDelivery};
use lectern_api_types::users::Password;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::{FieldErrors, Saver};
use crate::session::use_session;

#[component]
pub fn ChangePassword(#[prop(optional)] forced: bool) -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeated = RwSignal::new(String::new());
    // The page stays; what "closing" it leaves is empty fields.
    let saver = Saver::new(Callback::new(move |()| {
        for field in [current, new, repeated] {
            field.set(String::new());
        }
    }));
    let error = saver.error();
    let pending = saver.pending();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_password: Password = match api::typed(&new.get_untracked(), "new_password") {
            Ok(password) => password,
            Err(err) => return saver.refuse(err),
        };
        if new_password.expose() != repeated.get_untracked() {
            return saver.refuse(ApiError::invalid(
                "repeated_password",
                "does not match the new password",
            ));
        }
        let body = PasswordChange {
            current_password: current.get_untracked(),
            new_password,
            refresh_token_delivery: RefreshTokenDelivery::Cookie,
        };
        let request = async move {
            // The change ends every session, this one's included: carry on
            // with the tokens it answers.
            let tokens = api::auth::change_password(session, &body).await?;
            session.signed_in(tokens);
            Ok(())
        };
        saver.run(request, |()| {
            "Password changed; your other devices are signed out.".into()
        });
    };

    view! {
        <h1>"Change password"</h1>
        {forced.then(|| view! {
            <p class="callout" role="note">"An admin set your password. Choose your own to continue."</p>
        })}
        <form class="form card narrow" on:submit=submit novalidate>
            <FormError error/>
            <div class="field">
                <label for="current-password">{if forced { "Password you were given" } else { "Current password" }}</label>
                <input id="current-password" type="password" autocomplete="current-password" required
                    aria-describedby="current-password-errors"
                    prop:value=current on:input=move |ev| current.set(event_target_value(&ev))/>
                <FieldErrors error field="current_password" id="current-password-errors"/>
            </div>
            <div class="field">
                <label for="new-password">"New password"</label>
                <input id="new-password" type="password" autocomplete="new-password" required
                    aria-describedby="new-password-hint new-password-errors"
                    prop:value=new on:input=move |ev| new.set(event_target_value(&ev))/>
                <p id="new-password-hint" class="muted">"At least 10 characters; common passwords are refused."</p>
                <FieldErrors error field="new_password" id="new-password-errors"/>
            </div>
            <div class="field">
                <label for="repeated-password">"New password again"</label>
                <input id="repeated-password" type="password" autocomplete="new-password" required
                    aria-describedby="repeated-password-errors"
                    prop:value=repeated on:input=move |ev| repeated.set(event_target_value(&ev))/>
                <FieldErrors error field="repeated_password" id="repeated-password-errors"/>
            </div>
            <div class="actions end">
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { "Saving…" } else { "Change password" }}
                </button>
            </div>
        </form>
    }
}
