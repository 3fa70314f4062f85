use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::session::{AuthState, use_session};

/// The sign-in form. Field errors from the API appear beside their fields.
#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);

    Effect::new({
        let navigate = navigate.clone();
        move || {
            if matches!(session.state(), AuthState::SignedIn { .. }) {
                navigate(
                    "/",
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let (email, password) = (email.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match api::login(email, password).await {
                Ok(tokens) => session.signed_in(tokens),
                Err(err) => error.set(Some(err)),
            }
            pending.set(false);
        });
    };

    let field_errors = move |field: &'static str| {
        move || {
            error.with(|e| {
                e.as_ref()
                    .map(|e| e.field_errors(field))
                    .unwrap_or_default()
            })
        }
    };
    let general = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.status() != Some(422))
                .map(ApiError::message)
        })
    };

    view! {
        <main class="auth-page">
            <form class="card auth-card" on:submit=submit novalidate>
                <h1 class="brand">"Lectern"</h1>
                <p class="muted">"Sign in to record and review your sessions."</p>
                <Show when=move || general().is_some()>
                    <p class="alert" role="alert">{general}</p>
                </Show>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input
                        id="email"
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        prop:value=email
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                    <FieldErrors errors=Signal::derive(field_errors("email"))/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    <FieldErrors errors=Signal::derive(field_errors("password"))/>
                </div>
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}

#[component]
fn FieldErrors(errors: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <For each=move || errors.get() key=|message| message.clone() let:message>
            <p class="field-error">{message}</p>
        </For>
    }
}
