//! Lectern's single-page app: Leptos rendered in the browser, talking to
//! the API with the types of `lectern-api-types`.

// Leptos components receive their props by value, used or not.
#![allow(clippy::needless_pass_by_value)]

mod api;
mod components;
mod download;
mod filters;
mod format;
mod pages;
mod session;
mod tabs;
mod upload;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::pages::admin::{
    AdminSessions, AuditLog, Batches, Branches, Holidays, Outbox, Staff, Webhooks,
};
use crate::pages::{
    ChangePassword, Dashboard, Home, Login, NotFound, SessionView, Settings, Shell,
    sessions::MySessions,
};
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
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=Home/>
                    <Route path=path!("dashboard") view=Dashboard/>
                    <Route path=path!("sessions") view=MySessions/>
                    <Route path=path!("sessions/:id") view=SessionView/>
                    <Route path=path!("admin/sessions") view=AdminSessions/>
                    <Route path=path!("admin/batches") view=Batches/>
                    <Route path=path!("admin/staff") view=Staff/>
                    <Route path=path!("admin/audit") view=AuditLog/>
                    <Route path=path!("admin/branches") view=Branches/>
                    <Route path=path!("admin/branches/:id/holidays") view=Holidays/>
                    <Route path=path!("admin/outbox") view=Outbox/>
                    <Route path=path!("admin/webhooks") view=Webhooks/>
                    <Route path=path!("account/settings") view=Settings/>
                    <Route path=path!("account/password") view=|| view! { <ChangePassword/> }/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
