//! The signed-in person's settings: which emails they get, and the API
//! tokens their scripts use.

use lectern_api_types::api_tokens::{ApiToken, NewApiToken, TokenScope};
use lectern_api_types::outbox::NotificationSettings;
use lectern_api_types::text::Name;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::{FieldErrors, Saver, TextField, loaded};
use crate::session::use_session;
use crate::{filters, format, use_changes};

#[component]
pub fn Settings() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <Notifications/>
        <Tokens/>
        <p><a href="/account/password">"Change your password"</a></p>
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let admin = session.user().is_some_and(|me| me.role.is_admin());
    let current = LocalResource::new(move || {
        changes.track();
        async move { api::me::notifications().fetch(session).await }
    });
    view! {
        <section class="card" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">"Email"</h2>
            {loaded(current, "your email choices", move |now: NotificationSettings| {
                view! { <NotificationForm now admin/> }
            })}
        </section>
    }
}

#[component]
fn NotificationForm(now: NotificationSettings, admin: bool) -> impl IntoView {
    let session = use_session();
    let completed = RwSignal::new(now.completed);
    let returned = RwSignal::new(now.returned);
    let overdue = RwSignal::new(now.overdue);
    // The form stays on the page after saving.
    let saver = Saver::new(Callback::new(|()| {}));
    let error = saver.error();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = NotificationSettings {
            completed: completed.get_untracked(),
            returned: returned.get_untracked(),
            overdue: overdue.get_untracked(),
        };
        saver.run(
            async move { api::me::set_notifications(session, &wanted).await },
            |_| "Email choices saved.".into(),
        );
    };
    let choice = move |id: &'static str, value: RwSignal<bool>, words: &'static str| {
        view! {
            <label class="check" for=id>
                <input id=id type="checkbox" prop:checked=move || value.get()
                    on:change=move |ev| value.set(event_target_checked(&ev))/>
                {words}
            </label>
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <FormError error/>
            <fieldset class="choices">
                <legend>"Email me when"</legend>
                {admin.then(|| choice("notify-completed", completed, "a session in my branch is recorded, for review"))}
                {choice("notify-returned", returned, "a record of mine is returned for correction")}
                {choice("notify-overdue", overdue, "a session of mine has ended and nothing is recorded")}
            </fieldset>
            <div class="actions end">
                <button type="submit" class="primary" disabled=saver.pending()>"Save email choices"</button>
            </div>
        </form>
    }
}

/// How long a new token lasts, as offered.
const LIFETIMES: [(&str, &str); 4] = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "A year"),
    ("", "Until revoked"),
];

#[component]
fn Tokens() -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let tokens = LocalResource::new(move || {
        changes.track();
        async move { api::me::tokens().every(session).await }
    });
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new(TokenScope::Read);
    let lifetime = RwSignal::new("90".to_owned());
    let made = RwSignal::new(None::<(String, String)>);
    let saver = Saver::new(Callback::new(move |()| name.set(String::new())));
    let error = saver.error();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = match api::typed::<Name>(&name.get_untracked(), "name") {
            Ok(name) => name,
            Err(err) => return saver.refuse(err),
        };
        let new = NewApiToken {
            name,
            scope: scope.get_untracked(),
            expires_in_days: lifetime.get_untracked().parse().ok(),
        };
        made.set(None);
        let request = async move {
            let created = api::me::create_token(session, &new).await?;
            made.set(Some((created.name.clone(), created.token.clone())));
            Ok::<_, ApiError>(created)
        };
        saver.run(request, |created| format!("Token {} made.", created.name));
    };
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="muted">
                "Scripts send a token as " <code>"Authorization: Bearer lct_…"</code>
                " and act as you: a read token only reads; a write token changes what you may change. "
                "Tokens cannot make tokens or change your password."
            </p>
            {move || made.get().map(|(name, token)| view! {
                <div class="callout made-token" role="status">
                    <p>{format!("Your new token {name}. Copy it now: it is not shown again.")}</p>
                    <code class="token">{token}</code>
                </div>
            })}
            {loaded(tokens, "your tokens", move |tokens: Vec<ApiToken>| view! { <TokenList tokens/> })}
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="row">
                    <TextField id="token-name" label="What it is for" field="name" value=name error class="field grow"/>
                    <div class="field">
                        <label for="token-scope">"May"</label>
                        <select id="token-scope" on:change=move |ev| {
                            scope.set(filters::wire(&event_target_value(&ev)).unwrap_or(TokenScope::Read));
                        }>
                            {TokenScope::ALL.into_iter().map(|choice| view! {
                                <option value=choice.as_str() selected=move || scope.get() == choice>{choice.label()}</option>
                            }).collect_view()}
                        </select>
                        <FieldErrors error field="scope" id="token-scope-errors"/>
                    </div>
                    <div class="field">
                        <label for="token-lifetime">"Works for"</label>
                        <select id="token-lifetime" on:change=move |ev| lifetime.set(event_target_value(&ev))>
                            {LIFETIMES.into_iter().map(|(days, words)| view! {
                                <option value=days selected=move || lifetime.get() == days>{words}</option>
                            }).collect_view()}
                        </select>
                        <FieldErrors error field="expires_in_days" id="token-lifetime-errors"/>
                    </div>
                </div>
                <div class="actions end">
                    <button type="submit" class="primary" disabled=saver.pending()>"Make token"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn TokenList(tokens: Vec<ApiToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="muted no-tokens">"No tokens yet."</p> }.into_any();
    }
    let session = use_session();
    let zone = format::viewer_zone();
    let saver = Saver::new(Callback::new(|()| {}));
    let revoke = move |id: i64, name: String| {
        if window()
            .confirm_with_message(&format!("Revoke {name}? Scripts using it stop working."))
            .unwrap_or(false)
        {
            saver.run(api::me::revoke_token(session, id), move |()| {
                format!("Token {name} revoked.")
            });
        }
    };
    view! {
        <FormError error=saver.error()/>
        <table class="table responsive tokens">
            <caption class="visually-hidden">"Your API tokens"</caption>
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"May"</th><th scope="col">"Made"</th>
                <th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {tokens.into_iter().map(|token| {
                    let when = |at: Option<chrono::DateTime<chrono::Utc>>, never: &'static str| {
                        at.map_or_else(|| never.to_owned(), |at| format::moment(at, &zone))
                    };
                    let name = token.name.clone();
                    view! {
                        <tr>
                            <td data-label="Name">{token.name.clone()}</td>
                            <td data-label="May">{token.scope.label()}</td>
                            <td data-label="Made">{format::moment(token.created_at, &zone)}</td>
                            <td data-label="Expires">{when(token.expires_at, "Never")}</td>
                            <td data-label="Last used">{when(token.last_used_at, "Not yet")}</td>
                            <td class="row-actions">
                                <button class="secondary small danger-text" aria-label=format!("Revoke {}", token.name)
                                    on:click=move |_| revoke(token.id, name.clone())>"Revoke"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
