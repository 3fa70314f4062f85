//! "Subscribe in your calendar": the secret address of one's sessions as
//! an iCalendar feed (and for a branch admin, the branch's), to add to
//! Google Calendar, Outlook or Apple Calendar.

use lectern_api_types::Role;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::Saver;
use crate::components::fields::FormError;
use crate::session::use_session;

/// Which feed an address is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Feed {
    Mine,
    Branch(i64),
}

#[component]
pub fn Subscribe() -> impl IntoView {
    let session = use_session();
    let branch = session
        .user()
        .filter(|me| me.role == Role::BranchAdmin)
        .and_then(|me| me.branch_id);
    let address = RwSignal::new(None::<(Feed, String)>);
    let copied = RwSignal::new(false);
    let saver = Saver::new(Callback::new(|()| {}));
    let error = saver.error();
    let get = move |feed: Feed| {
        copied.set(false);
        let request = async move {
            let made = match feed {
                Feed::Mine => api::me::new_calendar(session).await?,
                Feed::Branch(id) => api::branches::new_calendar(session, id).await?,
            };
            address.set(Some((feed, made.url.clone())));
            Ok::<_, ApiError>(made)
        };
        saver.run(request, |_| {
            "A new calendar address is ready; any earlier one has stopped working.".into()
        });
    };
    let copy = move |url: String| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&url);
        copied.set(true);
    };
    view! {
        <details class="card subscribe">
            <summary>"Subscribe in your calendar"</summary>
            <p>
                "See your sessions in Google Calendar, Outlook or Apple Calendar, from 30 days back to 180 ahead, "
                "updated as they change. Add the address as a calendar \"from URL\" (or \"subscribe\")."
            </p>
            <p class="muted">
                "The address is a key: anyone who has it sees what it lists. "
                "Getting a new one stops the previous one working."
            </p>
            <FormError error/>
            <div class="actions">
                <button type="button" class="secondary" disabled=saver.pending()
                    on:click=move |_| get(Feed::Mine)>"Get my calendar address"</button>
                {branch.map(|id| view! {
                    <button type="button" class="secondary" disabled=saver.pending()
                        on:click=move |_| get(Feed::Branch(id))>"Get the branch's calendar address"</button>
                })}
            </div>
            {move || address.get().map(|(feed, url)| {
                let label = match feed {
                    Feed::Mine => "Your calendar address",
                    Feed::Branch(_) => "The branch's calendar address",
                };
                let webcal = url.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
                let for_copy = url.clone();
                view! {
                    <div class="field calendar-address">
                        <label for="calendar-url">{label}</label>
                        <div class="row">
                            <input id="calendar-url" class="grow" type="text" readonly prop:value=url
                                on:focus=move |ev| {
                                    if let Some(input) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlInputElement>(
                                        &event_target::<web_sys::EventTarget>(&ev),
                                    ) {
                                        input.select();
                                    }
                                }/>
                            <button type="button" class="secondary" on:click=move |_| copy(for_copy.clone())>
                                {move || if copied.get() { "Copied" } else { "Copy" }}
                            </button>
                            <a class="button-link" href=webcal>"Open in calendar app"</a>
                        </div>
                    </div>
                }
            })}
        </details>
    }
}
