//! A session's notes and comments: typed, signed, and editable by their
//! author (or an admin).

use lectern_api_types::schedule::NoteType;
use lectern_api_types::sessions::{NewNote, NotePatch, SessionNote};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::badges::NoteBadge;
use crate::components::fields::FormError;
use crate::components::{Empty, FieldErrors};
use crate::session::use_session;
use crate::{format, use_changes};

fn type_from(value: &str) -> NoteType {
    NoteType::ALL
        .into_iter()
        .find(|t| {
            serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref()
                == Some(value)
        })
        .unwrap_or_default()
}

fn type_value(note_type: NoteType) -> String {
    serde_json::to_value(note_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
fn TypeSelect(id: &'static str, value: RwSignal<NoteType>) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| value.set(type_from(&event_target_value(&ev)))>
            {NoteType::ALL
                .into_iter()
                .map(|t| view! { <option value=type_value(t) selected=move || value.get() == t>{t.label()}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn Notes(
    completion_id: i64,
    notes: Vec<SessionNote>,
    #[prop(into)] timezone: String,
) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let text = RwSignal::new(String::new());
    let note_type = RwSignal::new(NoteType::General);
    let (error, set_error) = signal(None::<ApiError>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let note_text = match api::typed(&text.get_untracked(), "note_text") {
            Ok(note_text) => note_text,
            Err(err) => return set_error.set(Some(err)),
        };
        pending.set(true);
        set_error.set(None);
        let body = NewNote {
            note_text,
            note_type: note_type.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, SessionNote>(
                session,
                &format!("/completions/{completion_id}/notes"),
                &body,
            )
            .await
            {
                Ok(_) => {
                    text.set(String::new());
                    changes.bump();
                }
                Err(err) => set_error.set(Some(err)),
            }
            pending.set(false);
        });
    };
    let has_notes = !notes.is_empty();
    view! {
        <section class="card" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Comments"</h2>
            {if has_notes {
                view! { <ul class="notes">{notes.into_iter().map(|note| view! { <NoteItem note timezone=timezone.clone()/> }).collect_view()}</ul> }.into_any()
            } else {
                view! { <Empty title="No comments yet" hint="Follow-ups, issues and achievements go here."/> }.into_any()
            }}
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="row">
                    <div class="field narrow">
                        <label for="note-type">"Type"</label>
                        <TypeSelect id="note-type" value=note_type/>
                    </div>
                    <div class="field grow">
                        <label for="note-text">"Comment"</label>
                        <textarea id="note-text" rows="2" required aria-describedby="note-text-errors"
                            prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        <FieldErrors error field="note_text" id="note-text-errors"/>
                    </div>
                </div>
                <div class="actions end">
                    <button type="submit" class="primary" disabled=pending>"Add comment"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn NoteItem(note: SessionNote, timezone: String) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let me = session.user();
    let may_change = me
        .as_ref()
        .is_some_and(|me| me.id == note.author_id || me.role.is_admin());
    let editing = RwSignal::new(false);
    let text = RwSignal::new(note.note_text.clone());
    let note_type = RwSignal::new(note.note_type);
    let (error, set_error) = signal(None::<ApiError>);
    let path = format!("/completions/{}/notes/{}", note.completion_id, note.id);
    let save = {
        let path = path.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let path = path.clone();
            let note_text = match api::typed(&text.get_untracked(), "note_text") {
                Ok(note_text) => note_text,
                Err(err) => return set_error.set(Some(err)),
            };
            let body = NotePatch {
                note_text: Some(note_text),
                note_type: Some(note_type.get_untracked()),
            };
            spawn_local(async move {
                match api::patch::<_, SessionNote>(session, &path, &body).await {
                    Ok(_) => {
                        editing.set(false);
                        changes.bump();
                    }
                    Err(err) => set_error.set(Some(err)),
                }
            });
        }
    };
    let remove = move |_| {
        if !window()
            .confirm_with_message("Delete this comment?")
            .unwrap_or(false)
        {
            return;
        }
        let path = path.clone();
        spawn_local(async move {
            match api::delete(session, &path).await {
                Ok(()) => changes.bump(),
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    let when = format!(
        "{} {}",
        format::date(note.created_at, &timezone),
        format::time(note.created_at, &timezone)
    );
    let edit_id = format!("edit-note-{}", note.id);
    view! {
        <li class="note">
            <div class="note-head">
                <NoteBadge note_type=note.note_type/>
                <span class="author">{note.author_name.clone()}</span>
                <span class="muted">{when}</span>
                {note.edited_at.map(|_| view! { <span class="muted">"(edited)"</span> })}
            </div>
            <Show
                when=move || editing.get()
                fallback={
                    let text = note.note_text;
                    move || view! { <p class="prose">{text.clone()}</p> }
                }
            >
                <form class="form" on:submit=save.clone()>
                    <FormError error/>
                    <label class="visually-hidden" for=edit_id.clone()>"Edit comment"</label>
                    <textarea id=edit_id.clone() rows="2" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <div class="actions">
                        <TypeSelect id="edit-note-type" value=note_type/>
                        <button type="submit" class="primary">"Save"</button>
                        <button type="button" class="secondary" on:click=move |_| editing.set(false)>"Back"</button>
                    </div>
                </form>
            </Show>
            <Show when=move || may_change && !editing.get()>
                <div class="actions">
                    <button class="link" on:click=move |_| editing.set(true)>"Edit"</button>
                    <button class="link danger-text" on:click=remove.clone()>"Delete"</button>
                </div>
            </Show>
        </li>
    }
}
