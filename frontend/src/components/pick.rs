//! Type-ahead pick lists over the API: what is typed is asked of the server
//! (`q`), so every account and batch is within reach, not only a first page.

use lectern_api_types::Page;
use lectern_api_types::batches::{Batch, BatchQuery};
use lectern_api_types::users::{User, UserQuery};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use super::FieldErrors;
use crate::api::{self, ApiError, Fetch};
use crate::session::use_session;

/// What a pick list offers.
pub trait Pickable: Clone + DeserializeOwned + Send + Sync + 'static {
    /// The first few matching `q`.
    fn search(q: &str) -> Fetch<Page<Self>>;
    /// One, by id.
    fn one(id: i64) -> Fetch<Self>;
    fn id(&self) -> i64;
    /// How it is offered and, once picked, shown.
    fn label(&self) -> String;
}

impl Pickable for User {
    fn search(q: &str) -> Fetch<Page<Self>> {
        api::staff::list(&UserQuery {
            active: Some(true),
            q: Some(q.to_owned()),
            limit: Some(10),
            ..UserQuery::default()
        })
    }

    fn one(id: i64) -> Fetch<Self> {
        api::staff::one(id)
    }

    fn id(&self) -> i64 {
        self.id
    }

    fn label(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

impl Pickable for Batch {
    fn search(q: &str) -> Fetch<Page<Self>> {
        api::batches::list(&BatchQuery {
            q: Some(q.to_owned()),
            limit: Some(10),
            ..BatchQuery::default()
        })
    }

    fn one(id: i64) -> Fetch<Self> {
        api::batches::one(id)
    }

    fn id(&self) -> i64 {
        self.id
    }

    fn label(&self) -> String {
        format!("{} · {}", self.code, self.name)
    }
}

/// Picks one by typing part of its name: `value` holds the picked id as
/// text (empty while what is typed names none), and `picked` the item.
#[component]
pub fn TypeAhead<T: Pickable>(
    id: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(optional)] picked: Option<RwSignal<Option<T>>>,
    #[prop(into)] placeholder: String,
    /// The API's messages for this field, when it is one of a form's.
    #[prop(optional)]
    error: Option<(ReadSignal<Option<ApiError>>, &'static str)>,
) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<T>::new());
    let picked = picked.unwrap_or_else(|| RwSignal::new(None));
    // Answers to earlier keystrokes may come last; only the latest counts.
    let asked = StoredValue::new(0_u64);
    let ask = move |typed: String| {
        asked.update_value(|n| *n += 1);
        let ask = asked.get_value();
        spawn_local(async move {
            if let Ok(page) = T::search(typed.trim()).fetch(session).await
                && asked.try_get_value() == Some(ask)
            {
                found.set(page.items);
            }
        });
    };
    let choose = move |item: Option<T>| {
        value.set(
            item.as_ref()
                .map(|item| item.id().to_string())
                .unwrap_or_default(),
        );
        picked.set(item);
    };
    // An id set from outside (a URL's filter) is shown by its name.
    Effect::new(move || {
        let Ok(wanted) = value.get().parse::<i64>() else {
            return;
        };
        if picked.with_untracked(|p| p.as_ref().map(T::id)) == Some(wanted) {
            return;
        }
        spawn_local(async move {
            if let Ok(item) = T::one(wanted).fetch(session).await
                && value.try_get_untracked().as_deref() == Some(wanted.to_string().as_str())
            {
                text.set(item.label());
                choose(Some(item));
            }
        });
    });
    let search = move |typed: String| {
        text.set(typed.clone());
        let item =
            found.with_untracked(|all| all.iter().find(|item| item.label() == typed).cloned());
        let done = item.is_some();
        choose(item);
        if !done {
            ask(typed);
        }
    };
    let choices = format!("{id}-choices");
    let errors = format!("{id}-errors");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="search"
                list=choices.clone()
                autocomplete="off"
                placeholder=placeholder
                aria-describedby=errors.clone()
                prop:value=text
                on:input=move |ev| search(event_target_value(&ev))
                on:focus=move |_| {
                    if found.with_untracked(Vec::is_empty) {
                        ask(String::new());
                    }
                }
            />
            <datalist id=choices>
                <For each=move || found.get() key=T::id let:item>
                    <option value=item.label()></option>
                </For>
            </datalist>
            {error.map(|(error, field)| view! { <FieldErrors error field id=errors/> })}
        </div>
    }
}
