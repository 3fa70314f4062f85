//! Lectern's single-page app: Leptos rendered in the browser, talking to
//! the API with the types of `lectern-api-types`.

// Leptos components receive their props by value, used or not.
#![allow(clippy::needless_pass_by_value)]

mod api;
mod components;
mod download;
mod filters;
mod format;
mod lazy_pages;
mod pages;
mod session;
mod tabs;
mod upload;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::lazy_pages::{
    AdminSessionsRoute, AuditRoute, BatchesRoute, BranchesRoute, DashboardRoute, HolidaysRoute,
    OutboxRoute, SessionRoute, SessionsRoute, SettingsRoute, StaffRoute, WebhooksRoute,
};
use crate::pages::{ChangePassword, Home, Login, NotFound, Shell};
use crate::session::Session;

/// Bumped after every change, so every list showing sessions reloads.
#[derive(Clone, Copy)]
pub struct Changes(RwSignal<u64>);

impl Changes {
    pub fn track(&self) -> u64 {
        self.0.get()
    }

    pub fn bump(&self) {
        self.0.update(|n| *n += 1);
    }
}

pub fn use_changes() -> Changes {
    expect_context::<Changes>()
}

/// The time as pages judge it (started, overdue): read again every minute
/// and whenever the page comes back into view, so a phone left on a list
/// before a class offers to record it once it has begun.
#[derive(Clone, Copy)]
pub struct Clock(RwSignal<chrono::DateTime<chrono::Utc>>);

impl Clock {
    fn start() -> Self {
        let now = RwSignal::new(format::now());
        set_interval(
            move || now.set(format::now()),
            std::time::Duration::from_secs(60),
        );
        // Dispatched at the document, it reaches the window on its way up.
        window_event_listener_untyped("visibilitychange", move |_| now.set(format::now()));
        Self(now)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.get()
    }
}

pub fn use_clock() -> Clock {
    expect_context::<Clock>()
}

/// A short message about what just happened, read out by screen readers.
#[derive(Clone, Copy)]
pub struct Notice(RwSignal<Option<String>>);

impl Notice {
    pub fn show(&self, message: String) {
        let notice = self.0;
        notice.set(Some(message.clone()));
        set_timeout(
            move || {
                if notice.get_untracked().as_deref() == Some(message.as_str()) {
                    notice.set(None);
                }
            },
            std::time::Duration::from_secs(6),
        );
    }

    pub fn message(&self) -> Option<String> {
        self.0.get()
    }
}

pub fn use_notice() -> Notice {
    expect_context::<Notice>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::restore());
    provide_context(Changes(RwSignal::new(0)));
    provide_context(Notice(RwSignal::new(None)));
    provide_context(Clock::start());
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=Home/>
                    <Route path=path!("dashboard") view={Lazy::<DashboardRoute>::new()}/>
                    <Route path=path!("sessions") view={Lazy::<SessionsRoute>::new()}/>
                    <Route path=path!("sessions/:id") view={Lazy::<SessionRoute>::new()}/>
                    <Route path=path!("admin/sessions") view={Lazy::<AdminSessionsRoute>::new()}/>
                    <Route path=path!("admin/batches") view={Lazy::<BatchesRoute>::new()}/>
                    <Route path=path!("admin/staff") view={Lazy::<StaffRoute>::new()}/>
                    <Route path=path!("admin/audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("admin/branches") view={Lazy::<BranchesRoute>::new()}/>
                    <Route path=path!("admin/branches/:id/holidays") view={Lazy::<HolidaysRoute>::new()}/>
                    <Route path=path!("admin/outbox") view={Lazy::<OutboxRoute>::new()}/>
                    <Route path=path!("admin/webhooks") view={Lazy::<WebhooksRoute>::new()}/>
                    <Route path=path!("account/settings") view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=path!("account/password") view=|| view! { <ChangePassword/> }/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
