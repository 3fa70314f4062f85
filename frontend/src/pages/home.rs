use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::session::{AuthState, use_session};

/// The signed-in landing page; signed-out visitors go to the login form.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    move || match session.state() {
        AuthState::Restoring => {
            view! { <p class="loading" aria-live="polite">"Loading…"</p> }.into_any()
        }
        AuthState::SignedOut => view! { <Redirect path="/login"/> }.into_any(),
        AuthState::SignedIn { user, .. } => view! {
            <header class="topbar">
                <span class="brand">"Lectern"</span>
                <span class="who">{user.name.clone()}" · "{user.role.label()}</span>
                <button class="secondary" on:click=move |_| session.sign_out()>"Sign out"</button>
            </header>
            <main class="page">
                <h1>{format!("Welcome, {}", user.name)}</h1>
                <p class="muted">"Your sessions will appear here."</p>
            </main>
        }
        .into_any(),
    }
}
