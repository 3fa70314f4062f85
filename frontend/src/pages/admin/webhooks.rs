//! Webhooks, for admins: where Lectern tells other systems what happened,
//! what was sent to each and how it was answered, and a test message to
//! try a receiver.

use lectern_api_types::branches::Branch;
use lectern_api_types::webhooks::{
    DeliveryQuery, NewWebhook, TEST_EVENT, Webhook, WebhookDelivery, WebhookEvent,
};
use leptos::prelude::*;

use super::branch_list;
use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::paging::{Paged, PagedItems};
use crate::components::{FieldErrors, Saver, TextField, loaded};
use crate::session::use_session;
use crate::{format, use_changes};

#[component]
pub fn Webhooks() -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let hooks = LocalResource::new(move || {
        changes.track();
        async move { api::webhooks::list().every(session).await }
    });
    // Whose deliveries are open below the table.
    let open = RwSignal::new(None::<Webhook>);
    view! {
        <h1>"Webhooks"</h1>
        <p class="muted">
            "Lectern sends each webhook a signed POST when a session it hears of changes, following the "
            <a href="https://www.standardwebhooks.com/">"Standard Webhooks"</a>
            " specification, and tries again later when the receiver does not answer with a 2xx."
        </p>
        <NewWebhookForm/>
        <section class="card" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            {loaded(hooks, "the webhooks", move |hooks: Vec<Webhook>| view! { <WebhookList hooks open/> })}
        </section>
        {move || open.get().map(|hook| view! { <Deliveries hook/> })}
    }
}

#[component]
fn NewWebhookForm() -> impl IntoView {
    let session = use_session();
    let super_admin = session
        .user()
        .is_some_and(|me| me.role.is_admin() && me.branch_id.is_none());
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let branch = RwSignal::new(String::new());
    let events = RwSignal::new(vec![WebhookEvent::SessionCompleted]);
    let made = RwSignal::new(None::<String>);
    let saver = Saver::new(Callback::new(move |()| {
        url.set(String::new());
        description.set(String::new());
    }));
    let error = saver.error();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewWebhook {
            url: url.get_untracked().trim().to_owned(),
            events: events.get_untracked(),
            description: Some(description.get_untracked()).filter(|text| !text.trim().is_empty()),
            branch_id: branch.get_untracked().parse().ok(),
        };
        made.set(None);
        let request = async move {
            let created = api::webhooks::create(session, &new).await?;
            made.set(Some(created.secret.clone()));
            Ok::<_, ApiError>(created)
        };
        saver.run(request, |created| {
            format!("Webhook to {} added.", created.webhook.url)
        });
    };
    let toggle = move |event: WebhookEvent, on: bool| {
        events.update(|events| {
            events.retain(|chosen| *chosen != event);
            if on {
                events.push(event);
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="new-webhook-heading">
            <h2 id="new-webhook-heading">"Add a webhook"</h2>
            {move || made.get().map(|secret| view! {
                <div class="callout made-secret" role="status">
                    <p>"The receiver checks each message's signature with this secret. Copy it now: it is not shown again."</p>
                    <code class="token">{secret}</code>
                </div>
            })}
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <TextField id="webhook-url" label="Address (https://…)" field="url" value=url error kind="url"/>
                <fieldset class="choices">
                    <legend>"Send when"</legend>
                    {WebhookEvent::ALL.into_iter().map(|event| {
                        let id = format!("webhook-event-{}", event.as_str().replace('.', "-"));
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input id=id type="checkbox"
                                    prop:checked=move || events.with(|events| events.contains(&event))
                                    on:change=move |ev| toggle(event, event_target_checked(&ev))/>
                                {event.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <FieldErrors error field="events" id="webhook-events-errors"/>
                <div class="row">
                    <div class="field grow">
                        <label for="webhook-description">"What it is for (optional)"</label>
                        <input id="webhook-description" type="text" maxlength="500"
                            prop:value=move || description.get()
                            on:input=move |ev| description.set(event_target_value(&ev))/>
                        <FieldErrors error field="description" id="webhook-description-errors"/>
                    </div>
                    {super_admin.then(|| view! { <BranchChoice branch error/> })}
                </div>
                <div class="actions end">
                    <button type="submit" class="primary" disabled=saver.pending()>"Add webhook"</button>
                </div>
            </form>
        </section>
    }
}

/// A super admin's webhook hears of one branch, or of all of them.
#[component]
fn BranchChoice(branch: RwSignal<String>, error: ReadSignal<Option<ApiError>>) -> impl IntoView {
    let branches = branch_list();
    view! {
        <div class="field">
            <label for="webhook-branch">"Sessions of"</label>
            <select id="webhook-branch" on:change=move |ev| branch.set(event_target_value(&ev))>
                <option value="" selected=move || branch.get().is_empty()>"Every branch"</option>
                {move || {
                    branches
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|choice: Branch| {
                            let value = choice.id.to_string();
                            let selected = value.clone();
                            view! {
                                <option value=value selected=move || branch.get() == selected>{choice.name}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <FieldErrors error field="branch_id" id="webhook-branch-errors"/>
        </div>
    }
}

#[component]
fn WebhookList(hooks: Vec<Webhook>, open: RwSignal<Option<Webhook>>) -> impl IntoView {
    if hooks.is_empty() {
        return view! { <p class="muted no-webhooks">"No webhooks yet."</p> }.into_any();
    }
    let session = use_session();
    let saver = Saver::new(Callback::new(|()| {}));
    let zone = format::viewer_zone();
    let remove = move |hook: Webhook| {
        if window()
            .confirm_with_message(&format!(
                "Remove the webhook to {}? Nothing more is sent to it.",
                hook.url
            ))
            .unwrap_or(false)
        {
            if open.with_untracked(|open| open.as_ref().is_some_and(|o| o.id == hook.id)) {
                open.set(None);
            }
            saver.run(api::webhooks::delete(session, hook.id), move |()| {
                format!("Webhook to {} removed.", hook.url)
            });
        }
    };
    let test = move |hook: Webhook| {
        open.set(Some(hook.clone()));
        saver.run(api::webhooks::send_test(session, hook.id), move |_| {
            format!("A test event is on its way to {}.", hook.url)
        });
    };
    view! {
        <FormError error=saver.error()/>
        <table class="table responsive webhooks">
            <caption class="visually-hidden">"Webhooks"</caption>
            <thead><tr>
                <th scope="col">"Address"</th><th scope="col">"Sent when"</th><th scope="col">"Added"</th>
                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {hooks.into_iter().map(|hook| {
                    let events = hook.events.iter().map(|event| event.label()).collect::<Vec<_>>().join(", ");
                    let (for_log, for_test, for_remove) = (hook.clone(), hook.clone(), hook.clone());
                    view! {
                        <tr>
                            <td data-label="Address">
                                <span class="url">{hook.url.clone()}</span>
                                {hook.description.clone().map(|text| view! { <div class="muted">{text}</div> })}
                                {(!hook.sending).then(|| view! {
                                    <div class="danger-text stopped">"Stopped: the admin who added it no longer reaches this branch. It sends again if they do; to send meanwhile, remove it and add it again."</div>
                                })}
                            </td>
                            <td data-label="Sent when">{events}</td>
                            <td data-label="Added">{format::moment(hook.created_at, &zone)}</td>
                            <td class="row-actions">
                                <button class="secondary small" aria-label=format!("Deliveries to {}", hook.url)
                                    on:click=move |_| open.set(Some(for_log.clone()))>"Deliveries"</button>
                                {hook.sending.then(|| view! {
                                    <button class="secondary small" aria-label=format!("Send a test event to {}", hook.url)
                                        disabled=saver.pending() on:click=move |_| test(for_test.clone())>"Send test event"</button>
                                })}
                                <button class="secondary small danger-text" aria-label=format!("Remove the webhook to {}", hook.url)
                                    on:click=move |_| remove(for_remove.clone())>"Remove"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Deliveries(hook: Webhook) -> impl IntoView {
    let id = hook.id;
    let paged = Paged::new(move || {
        api::webhooks::deliveries(
            id,
            &DeliveryQuery {
                limit: Some(20),
                cursor: None,
            },
        )
    });
    let zone = format::viewer_zone();
    let show = move |items: Vec<WebhookDelivery>| {
        view! {
            <table class="table responsive">
                <caption class="visually-hidden">"Deliveries, newest first"</caption>
                <thead><tr>
                    <th scope="col">"Event"</th><th scope="col">"State"</th><th scope="col">"Attempts"</th>
                    <th scope="col">"Answer"</th><th scope="col">"Last tried"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|delivery| view! { <DeliveryRow delivery zone=zone.clone()/> }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="card deliveries" aria-labelledby="deliveries-heading">
            <div class="title-row">
                <h2 id="deliveries-heading">{format!("Deliveries to {}", hook.url)}</h2>
                <button class="secondary small" on:click=move |_| paged.reload()>"Refresh"</button>
            </div>
            <PagedItems
                paged
                what="the deliveries"
                empty=("Nothing sent yet", "Messages appear here once a session this webhook hears of changes.")
                show
            />
        </section>
    }
}

#[component]
fn DeliveryRow(delivery: WebhookDelivery, zone: String) -> impl IntoView {
    let event = match WebhookEvent::parse(&delivery.event) {
        Some(event) => event.label().to_owned(),
        None if delivery.event == TEST_EVENT => "Test event".to_owned(),
        None => delivery.event.clone(),
    };
    let answer = match (delivery.response_status, &delivery.last_error) {
        (_, Some(error)) => error.clone(),
        (Some(status), None) => format!("HTTP {status}"),
        (None, None) => "Not yet sent".to_owned(),
    };
    let tried = delivery
        .last_attempt_at
        .map_or_else(|| "Not yet".to_owned(), |at| format::moment(at, &zone));
    view! {
        <tr>
            <td data-label="Event">{event}</td>
            <td data-label="State">
                <span class=format!("badge delivery-{}", delivery.state.as_str())>{delivery.state.as_str()}</span>
            </td>
            <td data-label="Attempts">{delivery.attempts}</td>
            <td data-label="Answer">{answer}</td>
            <td data-label="Last tried">{tried}</td>
        </tr>
    }
}
