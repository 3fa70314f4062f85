use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::components::FieldErrors;
use crate::components::fields::{FormError, focus_first_invalid, form_of_focus};
use crate::session::{AuthState, use_session};

/// The sign-in form. Field errors from the API appear beside their fields.
#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<ApiError>);
    let pending = RwSignal::new(false);

    let query = use_query_map();
    Effect::new(move || {
        if matches!(session.state(), AuthState::SignedIn { .. }) {
            // Back where the sign-in ran out; otherwise `/`, which knows
            // where each role starts: admins on the dashboard.
            let next = query
                .with_untracked(|q| q.get("next"))
                .filter(|next| is_ours(next));
            navigate(
                next.as_deref().unwrap_or("/"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let form = form_of_focus();
        pending.set(true);
        set_error.set(None);
        let (email, password) = (email.get_untracked(), password.get_untracked());
        leptos::task::spawn_local(async move {
            match api::auth::login(email, password).await {
                Ok(tokens) => session.signed_in(tokens),
                Err(err) => {
                    focus_first_invalid(&err, form);
                    set_error.set(Some(err));
                }
            }
            pending.set(false);
        });
    };

    view! {
        <main class="auth-page">
            <form class="card auth-card" on:submit=submit novalidate>
                <h1 class="brand">"Lectern"</h1>
                <p class="muted">"Sign in to record and review your sessions."</p>
                <FormError error=error/>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="username" required
                        aria-describedby="email-errors"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    <FieldErrors error=error field="email" id="email-errors"/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password" autocomplete="current-password" required
                        aria-describedby="password-errors"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    <FieldErrors error=error field="password" id="password-errors"/>
                </div>
                <button type="submit" class="primary wide" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}

/// Whether `next` is a page of this app: a path, not another site
/// (`//elsewhere`, `https://…`) a crafted link could send someone to.
fn is_ours(next: &str) -> bool {
    // Browsers drop tabs and newlines from addresses and read `\` as `/`,
    // so `/\t/elsewhere` is `//elsewhere` to them.
    let plain = !next.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\');
    plain && next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/login")
}

#[cfg(test)]
mod tests {
    use super::is_ours;

    #[test]
    fn only_our_own_pages_are_returned_to() {
        assert!(is_ours("/sessions/42"));
        assert!(is_ours("/admin/sessions?status=pending"));
        for elsewhere in [
            "//evil.test/x",
            "https://evil.test",
            "/\\evil.test",
            "/\t/evil.test",
            "/\n/evil.test",
            "evil",
            "",
            "/login?next=/",
        ] {
            assert!(!is_ours(elsewhere), "{elsewhere}");
        }
    }
}
