//! Keyset-paged lists: the first page loads, and reloads whenever the query
//! or any session changes; "Load more" appends the next. Answers are applied
//! only if no later request was made meanwhile, so a slow answer to an old
//! filter cannot overwrite the list of the new one, and a failed answer to a
//! new filter does not leave the old one's rows standing.

use lectern_api_types::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api::{ApiError, Fetch};
use crate::session::use_session;
use crate::use_changes;

#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    Loading,
    Ready,
    Failed(ApiError),
}

pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub load: RwSignal<Load>,
    cursor: RwSignal<Option<String>>,
    list: Memo<Fetch<Page<T>>>,
    /// Counts requests; an answer whose number is no longer the last is stale.
    generation: StoredValue<u64>,
    /// The list `items` came from. When the answer to another (a new
    /// filter) fails, the old rows go: shown beside the failure they would
    /// pass for the new filter's.
    shown: StoredValue<Option<Fetch<Page<T>>>>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + DeserializeOwned + Send + Sync + 'static> Paged<T> {
    /// Lists what `list` (an API list with its filters) answers.
    pub fn new(list: impl Fn() -> Fetch<Page<T>> + Send + Sync + 'static) -> Self {
        let paged = Self {
            items: RwSignal::new(Vec::new()),
            load: RwSignal::new(Load::Loading),
            cursor: RwSignal::new(None),
            list: Memo::new(move |_| list()),
            generation: StoredValue::new(0),
            shown: StoredValue::new(None),
        };
        let changes = use_changes();
        Effect::new(move || {
            changes.track();
            paged.list.track();
            paged.fetch(false);
        });
        paged
    }

    fn fetch(self, more: bool) {
        let session = use_session();
        let asked = self.list.get_untracked();
        let list = match (more, self.cursor.get_untracked()) {
            (true, Some(cursor)) => asked.after(&cursor),
            _ => asked.clone(),
        };
        self.generation.update_value(|n| *n += 1);
        let generation = self.generation.get_value();
        self.load.set(Load::Loading);
        spawn_local(async move {
            let answer = list.fetch(session).await;
            // Also stale when the list has gone from the page meanwhile:
            // its values are disposed, and reading them would panic.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match answer {
                Ok(page) => {
                    if more {
                        self.items.update(|items| items.extend(page.items));
                    } else {
                        self.items.set(page.items);
                    }
                    self.shown.set_value(Some(asked));
                    self.cursor.set(page.next_cursor);
                    self.load.set(Load::Ready);
                }
                Err(err) => {
                    if self
                        .shown
                        .with_value(|shown| shown.as_ref() != Some(&asked))
                    {
                        self.items.set(Vec::new());
                        self.cursor.set(None);
                    }
                    self.load.set(Load::Failed(err));
                }
            }
        });
    }

    pub fn load_more(self) {
        self.fetch(true);
    }

    pub fn reload(self) {
        self.fetch(false);
    }

    pub fn has_more(self) -> bool {
        self.cursor.with(Option::is_some)
    }
}

/// The footer of a paged list: loading, failure, or "Load more". Nothing
/// while the list is empty: the list's own state says it then, once.
#[component]
pub fn PageFooter<T: Clone + DeserializeOwned + Send + Sync + 'static>(
    paged: Paged<T>,
) -> impl IntoView {
    move || {
        if paged.items.with(Vec::is_empty) {
            return ().into_any();
        }
        match paged.load.get() {
        Load::Loading => view! { <super::Loading what="more"/> }.into_any(),
        Load::Failed(error) => view! { <super::ErrorNote error=error retry=Callback::new(move |()| paged.reload())/> }.into_any(),
        Load::Ready if paged.has_more() => view! {
            <div class="more"><button class="secondary" on:click=move |_| paged.load_more()>"Load more"</button></div>
        }
        .into_any(),
        Load::Ready => ().into_any(),
    }
    }
}

/// A paged list as a page shows it: loading, a failure with a retry, an
/// empty state, or the items as `show` draws them; then the footer.
#[component]
pub fn PagedItems<T, F, V>(
    paged: Paged<T>,
    /// What loads, as in "Loading batches…".
    what: &'static str,
    /// The empty state: its title and a hint of what to do.
    empty: (&'static str, &'static str),
    show: F,
) -> impl IntoView
where
    T: Clone + DeserializeOwned + Send + Sync + 'static,
    F: Fn(Vec<T>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <super::Loading what/> }.into_any(),
                Load::Failed(error) if items.is_empty() => view! {
                    <super::ErrorNote error retry=Callback::new(move |()| paged.reload())/>
                }
                .into_any(),
                _ if items.is_empty() => view! { <super::Empty title=empty.0 hint=empty.1/> }.into_any(),
                _ => show(items).into_view().into_any(),
            }
        }}
        <PageFooter paged/>
    }
}
