//! Lectern's single-page app: Leptos rendered in the browser, talking to
//! the API with the types of `lectern-api-types`.

mod api;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{Home, Login, NotFound};
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::restore();
    provide_context(session);
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login/>
                <Route path=path!("/") view=Home/>
            </Routes>
        </Router>
    }
}
