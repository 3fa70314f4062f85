//! The frame of every signed-in page: navigation, who is signed in, and
//! the way out.

use lectern_api_types::Role;
use lectern_api_types::sessions::CompletionFilter;
use lectern_api_types::time::DateOrInstant;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::components::Loading;
use crate::components::icons::VideoIcon;
use crate::pages::ChangePassword;
use crate::session::{AuthState, use_session};
use crate::{filters, format, use_notice};

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let notice = use_notice();
    let menu_open = RwSignal::new(false);
    let location = use_location();
    move || match session.state() {
        AuthState::Restoring => {
            view! { <main class="page"><Loading what="your session"/></main> }.into_any()
        }
        // Back to this page after signing in again: a link from an email,
        // or a page whose sign-in ran out.
        AuthState::SignedOut { come_back } => {
            let login = if come_back {
                login_then_back(
                    &location.pathname.get_untracked(),
                    &location.search.get_untracked(),
                )
            } else {
                "/login".into()
            };
            view! { <Redirect path=login/> }.into_any()
        }
        AuthState::SignedIn { user, .. } => {
            let admin = user.role.is_admin();
            let super_admin = user.role == Role::SuperAdmin;
            // The list opens on what has happened, not on sittings weeks ahead.
            let all_sessions = filters::list_href(&CompletionFilter {
                to: Some(DateOrInstant::Date(format::today())),
                ..CompletionFilter::default()
            });
            let must_change = user.password_change_required;
            view! {
                <header class="topbar">
                    <a class="brand" href="/">"Lectern"</a>
                    <button
                        class="icon-button menu-toggle"
                        aria-label="Menu"
                        aria-controls="main-menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        "☰"
                    </button>
                    <div id="main-menu" class="menu" class:open=move || menu_open.get()>
                        <nav class="nav" aria-label="Main" on:click=move |_| menu_open.set(false)>
                            <Show when=move || admin>
                                <A href="/dashboard">"Dashboard"</A>
                            </Show>
                            <A href="/sessions"><VideoIcon/>" Sessions"</A>
                            <Show when=move || !admin>
                                <A href="/dashboard">"My month"</A>
                            </Show>
                            <Show when=move || admin>
                                <A href=all_sessions.clone()>"All sessions"</A>
                                <A href="/admin/batches">"Batches"</A>
                                <A href="/admin/staff">"Staff"</A>
                                <A href="/admin/branches">"Branches"</A>
                                <A href="/admin/audit">"Audit log"</A>
                                <A href="/admin/webhooks">"Webhooks"</A>
                            </Show>
                            <Show when=move || super_admin>
                                <A href="/admin/outbox">"Outbox"</A>
                            </Show>
                        </nav>
                        <div class="account">
                            <div class="who">
                                <span>{user.name.clone()}</span>
                                <span class="muted">{user.role.label()}</span>
                            </div>
                            <A href="/account/settings">"Settings"</A>
                            <A href="/account/password">"Change password"</A>
                            <button class="secondary sign-out" on:click=move |_| session.sign_out(move |err| notice.show(format!("Not signed out: {}", err.message())))>"Sign out"</button>
                        </div>
                    </div>
                </header>
                <main class="page" id="main">
                    {if must_change {
                        view! { <ChangePassword forced=true/> }.into_any()
                    } else {
                        view! { <Outlet/> }.into_any()
                    }}
                </main>
                <div class="notice" role="status" aria-live="polite">
                    {move || notice.message().map(|message| view! { <p>{message}</p> })}
                </div>
            }
            .into_any()
        }
    }
}

/// Where `/` leads: admins oversee, so they land on the dashboard; staff
/// land on the sessions they teach.
#[component]
pub fn Home() -> impl IntoView {
    let admin = use_session()
        .user()
        .is_some_and(|user| user.role.is_admin());
    let path = if admin { "/dashboard" } else { "/sessions" };
    // Replacing `/`, so Back does not land on it and bounce forward again.
    let options = NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    };
    view! { <Redirect path options/> }
}

/// The sign-in page, told to come back to `path` (with its `search`).
fn login_then_back(path: &str, search: &str) -> String {
    if path == "/" {
        return "/login".into();
    }
    let back = format!("{path}{search}");
    format!(
        "/login?next={}",
        String::from(js_sys::encode_uri_component(&back))
    )
}
