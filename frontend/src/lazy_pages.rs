//! The pages a visit may never open, split out of the app's main wasm
//! file: each group arrives the first time one of its pages is opened, so
//! the sign-in page does not wait for the admin screens (issue 14).
//! `cargo xtask` runs the splitter that cuts the files apart.
//!
//! A group that fails to arrive (a phone that lost its network, a new
//! deployment that replaced the files) shows a note and is fetched again
//! on the next visit to the page. Leptos's own `#[lazy_route]` would
//! abort the whole app instead.

// The split macro declares the import and export that join the files.
#![allow(unsafe_code)]

use leptos::prelude::*;
use leptos_router::LazyRoute;
use wasm_split_helpers::{SplitLoaderError, wasm_split};

use crate::pages::admin::{
    AdminSessions, AuditLog, Batches, Branches, Holidays, Outbox, Staff, Webhooks,
};
use crate::pages::{Dashboard, SessionView, Settings, sessions::MySessions};

/// For each group, a wasm file of its own: each page a route type for
/// `Lazy`, a function whose body goes into the group's file, and one that
/// fetches the file without showing the page.
macro_rules! lazy_pages {
    ($($group:ident { $($route:ident: $page:ident, $show:ident, $fetch:ident;)* })*) => {$($(
        pub struct $route;

        #[wasm_split($group, fallible, preload($fetch))]
        fn $show() -> Result<AnyView, SplitLoaderError> {
            Ok($page().into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $show().await.unwrap_or_else(|_| Unloaded().into_any())
            }

            // The router waits for this before it leaves the old page, so
            // a slow network keeps that page up rather than a blank one.
            async fn preload() {
                // A failure shows once the page is chosen, which tries again.
                let _ = $fetch().await;
            }
        }
    )*)*};
}

lazy_pages! {
    lectern_sessions {
        SessionsRoute: MySessions, show_sessions, fetch_sessions;
        SessionRoute: SessionView, show_session, fetch_session;
    }
    lectern_dashboard {
        DashboardRoute: Dashboard, show_dashboard, fetch_dashboard;
    }
    lectern_admin {
        AdminSessionsRoute: AdminSessions, show_admin_sessions, fetch_admin_sessions;
        BatchesRoute: Batches, show_batches, fetch_batches;
        StaffRoute: Staff, show_staff, fetch_staff;
        AuditRoute: AuditLog, show_audit, fetch_audit;
        BranchesRoute: Branches, show_branches, fetch_branches;
        HolidaysRoute: Holidays, show_holidays, fetch_holidays;
        OutboxRoute: Outbox, show_outbox, fetch_outbox;
        WebhooksRoute: Webhooks, show_webhooks, fetch_webhooks;
    }
    lectern_settings {
        SettingsRoute: Settings, show_settings, fetch_settings;
    }
}

/// What a page whose code did not arrive shows. Reloading also picks up a
/// new deployment, whose files have new names.
#[component]
fn Unloaded() -> impl IntoView {
    view! {
        <div class="state error" role="alert">
            <p class="state-title">"This page could not be loaded"</p>
            <p>"Check your connection, then try again."</p>
            <button class="secondary" on:click=|_| {
                let _ = window().location().reload();
            }>"Try again"</button>
        </div>
    }
}
