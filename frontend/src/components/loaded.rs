//! Data a section loads, drawn once it has come. The first load shows a
//! spinner; a reload (after a save, or a new period) keeps the content on
//! screen until the new answer replaces it (`<Transition>`), so nothing
//! jumps; a failure shows what went wrong with a way to try again
//! (`<ErrorBoundary>`), and is cleared by the next good answer.

use std::sync::Arc;

use leptos::error::Errors;
use leptos::prelude::*;

use super::{ErrorNote, Loading};
use crate::api::ApiError;

pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    what: &'static str,
    show: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let show = Arc::new(show);
    let failed = move |errors: ArcRwSignal<Errors>| {
        let error = move || {
            errors.with(|errors| {
                errors.iter().next().map(|(_, error)| {
                    error
                        .downcast_ref::<ApiError>()
                        .cloned()
                        .unwrap_or_else(|| ApiError::Network(error.to_string()))
                })
            })
        };
        move || {
            error().map(|error| {
                view! { <ErrorNote error retry=Callback::new(move |()| resource.refetch())/> }
            })
        }
    };
    view! {
        <Transition fallback=move || view! { <Loading what/> }>
            <ErrorBoundary fallback=failed>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move { resource.await.map(|value| show(value)) })
                }}
            </ErrorBoundary>
        </Transition>
    }
}
