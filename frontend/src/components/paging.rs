//! Keyset-paged lists: the first page loads, and reloads whenever the query
//! or any session changes; "Load more" appends the next.

use lectern_api_types::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiError};
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
    path: Memo<String>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

fn with_cursor(path: &str, cursor: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!(
        "{path}{separator}cursor={}",
        String::from(js_sys::encode_uri_component(cursor))
    )
}

impl<T: Clone + DeserializeOwned + Send + Sync + 'static> Paged<T> {
    /// Lists what `path` (an API path with its filters) answers.
    pub fn new(path: impl Fn() -> String + Send + Sync + 'static) -> Self {
        let paged = Self {
            items: RwSignal::new(Vec::new()),
            load: RwSignal::new(Load::Loading),
            cursor: RwSignal::new(None),
            path: Memo::new(move |_| path()),
        };
        let changes = use_changes();
        Effect::new(move || {
            changes.track();
            paged.path.track();
            paged.fetch(false);
        });
        paged
    }

    fn fetch(self, more: bool) {
        let session = use_session();
        let path = self.path.get_untracked();
        let path = match (more, self.cursor.get_untracked()) {
            (true, Some(cursor)) => with_cursor(&path, &cursor),
            _ => path,
        };
        self.load.set(Load::Loading);
        spawn_local(async move {
            match api::get::<Page<T>>(session, &path).await {
                Ok(page) => {
                    if more {
                        self.items.update(|items| items.extend(page.items));
                    } else {
                        self.items.set(page.items);
                    }
                    self.cursor.set(page.next_cursor);
                    self.load.set(Load::Ready);
                }
                Err(err) => self.load.set(Load::Failed(err)),
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

/// The footer of a paged list: loading, failure, or "Load more".
#[component]
pub fn PageFooter<T: Clone + DeserializeOwned + Send + Sync + 'static>(
    paged: Paged<T>,
) -> impl IntoView {
    move || {
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
