//! "Sessions": what the signed-in person teaches, in three tabs.

mod cancel_dialog;
mod complete_dialog;
mod completed;
mod history;
mod upcoming;

pub use cancel_dialog::CancelDialog;
pub use complete_dialog::CompleteDialog;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use self::completed::Completed;
use self::history::History;
use self::upcoming::Upcoming;

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

#[component]
pub fn MySessions() -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let current = Memo::new(move |_| {
        let key = query.with(|q| q.get("tab")).unwrap_or_default();
        Tab::ALL
            .into_iter()
            .find(|tab| tab.key() == key)
            .unwrap_or(Tab::Upcoming)
    });
    let select = move |tab: Tab| {
        navigate.with_value(|navigate| {
            navigate(&format!("/sessions?tab={}", tab.key()), Default::default());
        });
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
    view! {
        <h1>"Sessions"</h1>
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
                Tab::Upcoming => view! { <Upcoming/> }.into_any(),
                Tab::Completed => view! { <Completed/> }.into_any(),
                Tab::History => view! { <History/> }.into_any(),
            }}
        </section>
    }
}
