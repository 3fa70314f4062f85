//! The audit log for admins: every change in their scope, newest first,
//! narrowed to one kind of object or one object. The filter lives in the
//! URL, so a session's page can link to its own history.

use lectern_api_types::audit::{AuditEntity, AuditEntry, AuditQuery};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::Select;
use crate::api;
use crate::components::paging::{Paged, PagedItems};
use crate::{filters, format};

const ENTITIES: [(AuditEntity, &str); 8] = [
    (AuditEntity::Session, "Sessions"),
    (AuditEntity::Note, "Comments"),
    (AuditEntity::Attachment, "Files"),
    (AuditEntity::Batch, "Batches"),
    (AuditEntity::Holiday, "Holidays"),
    (AuditEntity::User, "Accounts"),
    (AuditEntity::Branch, "Branches"),
    (AuditEntity::Webhook, "Webhooks"),
];

/// Where the log of one object lives.
pub fn href(entity: AuditEntity, id: i64) -> String {
    format!("/admin/audit?entity={}&entity_id={id}", entity.as_str())
}

#[component]
pub fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let entity = Memo::new(move |_| {
        query
            .with(|q| q.get("entity"))
            .and_then(|e| filters::wire::<AuditEntity>(&e))
    });
    let entity_id = Memo::new(move |_| {
        query
            .with(|q| q.get("entity_id"))
            .and_then(|id| id.trim().parse::<i64>().ok())
    });
    let paged = Paged::<AuditEntry>::new(move || {
        api::audit::list(&AuditQuery {
            entity: entity.get(),
            entity_id: entity_id.get(),
            limit: Some(50),
            cursor: None,
        })
    });
    let kind = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    // The form follows the URL, also when back or forward changes it.
    Effect::new(move || {
        kind.set(
            entity
                .get()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
        );
        id.set(entity_id.get().map(|id| id.to_string()).unwrap_or_default());
    });
    let go = move |pairs: Vec<(&str, String)>| {
        let href = format!("/admin/audit{}", filters::encode(&pairs));
        navigate.with_value(|navigate| navigate(&href, Default::default()));
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut pairs = Vec::new();
        let kind = kind.get_untracked();
        if !kind.is_empty() {
            pairs.push(("entity", kind));
        }
        let id = id.get_untracked().trim().to_owned();
        if !id.is_empty() {
            pairs.push(("entity_id", id));
        }
        go(pairs);
    };
    let options: Signal<Vec<(String, String)>> = Signal::derive(|| {
        ENTITIES
            .iter()
            .map(|(entity, label)| (entity.as_str().to_owned(), (*label).to_owned()))
            .collect()
    });
    let zone = format::viewer_zone();
    view! {
        <h1>"Audit log"</h1>
        <form class="filters" on:submit=apply>
            <Select id="audit-entity" label="Kind" value=kind options any="Everything"/>
            <div class="field">
                <label for="audit-entity-id">"Id"</label>
                <input id="audit-entity-id" type="number" min="1" inputmode="numeric"
                    prop:value=move || id.get()
                    on:input=move |ev| id.set(event_target_value(&ev))
                    on:change=move |ev| id.set(event_target_value(&ev))/>
            </div>
            <div class="actions">
                <button type="submit" class="primary">"Show"</button>
                <button type="button" class="secondary" on:click=move |_| go(Vec::new())>"Clear"</button>
            </div>
        </form>
        <PagedItems
            paged
            what="the audit log"
            empty=("Nothing recorded", "Changes in your scope appear here as they are made.")
            show=move |items| view! {
                    <table class="table responsive audit">
                        <caption class="visually-hidden">"Changes, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                            <th scope="col">"Object"</th><th scope="col">"Details"</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|entry| view! { <AuditRow entry zone=zone.clone()/> }).collect_view()}
                        </tbody>
                    </table>
            }
        />
    }
}

#[component]
fn AuditRow(entry: AuditEntry, zone: String) -> impl IntoView {
    let object = format!("{} #{}", entry.entity, entry.entity_id);
    let object = if entry.entity == AuditEntity::Session.as_str() {
        view! { <a href=format!("/sessions/{}", entry.entity_id)>{object}</a> }.into_any()
    } else {
        view! { <span>{object}</span> }.into_any()
    };
    let details = match &entry.details {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    view! {
        <tr>
            <td data-label="When">
                {format::moment(entry.created_at, &zone)}
            </td>
            <td data-label="Who">
                {entry.actor_name.clone().unwrap_or_else(|| {
                    if entry.actor_id.is_some() { "A removed account".into() } else { "Command line".into() }
                })}
            </td>
            <td data-label="What">{entry.action.replace('_', " ")}</td>
            <td data-label="Object">{object}</td>
            <td data-label="Details"><code class="details">{details}</code></td>
        </tr>
    }
}
