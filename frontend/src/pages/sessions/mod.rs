//! "Sessions": what the signed-in person teaches, in three tabs. Admins
//! switch every tab between their own sessions and their branch's; they
//! start on the branch's, where what needs them is.

mod cancel_dialog;
mod complete_dialog;
mod completed;
mod history;
mod session_form;
mod subscribe;
mod upcoming;

pub use cancel_dialog::CancelDialog;
pub use complete_dialog::CompleteDialog;
pub use session_form::SessionForm;

use lectern_api_types::sessions::CompletionFilter;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use self::completed::Completed;
use self::history::History;
use self::subscribe::Subscribe;
use self::upcoming::Upcoming;
use crate::filters;
use crate::session::use_session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Upcoming,
    Completed,
    History,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Upcoming, Tab::Completed, Tab::History];

    fn key(self) -> &'static str {
        match self {
            Tab::Upcoming => "upcoming",
            Tab::Completed => "completed",
            Tab::History => "history",
        }
    }

    /// The label, and the words a phone leaves out.
    fn label(self) -> (&'static str, &'static str) {
        match self {
            Tab::Upcoming => ("Upcoming", " Sessions"),
            Tab::Completed => ("Completed", " Sessions"),
            Tab::History => ("History", ""),
        }
    }
}

/// Whose sessions a tab shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The signed-in person's own.
    Mine,
    /// Everyone's the caller may see: an admin's branch, or every branch.
    Everyone,
}

impl Scope {
    fn key(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::Everyone => "branch",
        }
    }

    /// The filter every list of the tab starts from. `admin` is the
    /// signed-in admin's id: staff need no filter, since the server shows
    /// them their own sessions and those they covered for a colleague.
    pub fn filter(self, admin: Option<i64>) -> CompletionFilter {
        CompletionFilter {
            user_id: admin.filter(|_| self == Scope::Mine),
            ..CompletionFilter::default()
        }
    }
}

/// The signed-in admin's id, for [`Scope::filter`]; `None` for staff.
pub fn admin_id() -> Option<i64> {
    use_session()
        .user()
        .filter(|user| user.role.is_admin())
        .map(|user| user.id)
}

#[component]
pub fn MySessions() -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let me = use_session().user();
    let admin = me.as_ref().is_some_and(|me| me.role.is_admin());
    let super_admin = admin && me.as_ref().is_some_and(|me| me.branch_id.is_none());
    let current = Memo::new(move |_| {
        let key = query.with(|q| q.get("tab")).unwrap_or_default();
        Tab::ALL
            .into_iter()
            .find(|tab| tab.key() == key)
            .unwrap_or(Tab::Upcoming)
    });
    let scope = Memo::new(move |_| match query.with(|q| q.get("scope")).as_deref() {
        _ if !admin => Scope::Mine,
        Some("mine") => Scope::Mine,
        _ => Scope::Everyone,
    });
    let go = move |tab: Tab, scope: Scope| {
        let mut pairs = vec![("tab", tab.key().to_owned())];
        if admin {
            pairs.push(("scope", scope.key().to_owned()));
        }
        navigate.with_value(|navigate| {
            navigate(
                &format!("/sessions{}", filters::encode(&pairs)),
                Default::default(),
            );
        });
    };
    let select = move |tab: Tab| {
        go(tab, scope.get_untracked());
        // Keyboard users land on the tab they moved to.
        let button = document().get_element_by_id(&format!("tab-{}", tab.key()));
        if let Some(button) =
            button.and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok())
        {
            let _ = button.focus();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let index = Tab::ALL
            .iter()
            .position(|tab| *tab == current.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (index + 1) % Tab::ALL.len(),
            "ArrowLeft" => (index + Tab::ALL.len() - 1) % Tab::ALL.len(),
            "Home" => 0,
            "End" => Tab::ALL.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        select(Tab::ALL[next]);
    };
    let adding = RwSignal::new(false);
    let everyone = if super_admin {
        "All branches"
    } else {
        "Branch"
    };
    view! {
        <div class="title-row">
            <h1>"Sessions"</h1>
            {admin.then(|| view! {
                <div class="segmented" role="group" aria-label="Whose sessions">
                    {[(Scope::Mine, "My sessions"), (Scope::Everyone, everyone)]
                        .into_iter()
                        .map(|(choice, label)| view! {
                            <button
                                id=format!("scope-{}", choice.key())
                                type="button"
                                aria-pressed=move || (scope.get() == choice).to_string()
                                on:click=move |_| go(current.get_untracked(), choice)
                            >
                                {label}
                            </button>
                        })
                        .collect_view()}
                </div>
            })}
            <button class="primary" on:click=move |_| adding.set(true)>"New session"</button>
        </div>
        <div class="tabs" role="tablist" aria-label="Your sessions" on:keydown=on_key>
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    let selected = move || current.get() == tab;
                    view! {
                        <button
                            id=format!("tab-{}", tab.key())
                            role="tab"
                            class="tab"
                            aria-selected=move || selected().to_string()
                            aria-controls="tab-panel"
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| select(tab)
                        >
                            {tab.label().0}
                            <span class="wide-only">{tab.label().1}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <section id="tab-panel" role="tabpanel" aria-labelledby=move || format!("tab-{}", current.get().key())>
            {move || match current.get() {
                Tab::Upcoming => view! { <Upcoming scope/> }.into_any(),
                Tab::Completed => view! { <Completed scope/> }.into_any(),
                Tab::History => view! { <History scope/> }.into_any(),
            }}
        </section>
        <Subscribe/>
        {move || adding.get().then(|| view! {
            <SessionForm existing=None on_close=Callback::new(move |()| adding.set(false))/>
        })}
    }
}
