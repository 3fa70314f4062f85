//! A session's notes and comments: typed, signed, and editable by their
//! author (or an admin).

use lectern_api_types::schedule::NoteType;
use lectern_api_types::sessions::{NewNote, NotePatch, SessionNote};
use leptos::prelude::*;

use crate::api;
use crate::components::badges::NoteBadge;
use crate::components::fields::FormError;
use crate::components::{Empty, FieldErrors, SaveButtons, Saver};
use crate::session::use_session;
use crate::{filters, format};

#[component]
fn TypeSelect(#[prop(into)] id: String, value: RwSignal<NoteType>) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| value.set(filters::wire(&event_target_value(&ev)).unwrap_or_default())>
            {NoteType::ALL
                .into_iter()
                .map(|t| view! { <option value=t.as_str() selected=move || value.get() == t>{t.label()}</option> })
                .collect_view()}
        </select>
    }
}

/// A comment being written, and one being corrected, kept by the page
/// rather than by the comments' section, which is drawn again each time the
/// session reloads.
#[derive(Clone, Copy)]
pub(super) struct CommentDraft {
    text: RwSignal<String>,
    note_type: RwSignal<NoteType>,
    /// The comment being corrected, one at a time, and what its form holds.
    editing: RwSignal<Option<i64>>,
    edited_text: RwSignal<String>,
    edited_type: RwSignal<NoteType>,
}

impl CommentDraft {
    pub(super) fn new() -> Self {
        Self {
            text: RwSignal::new(String::new()),
            note_type: RwSignal::new(NoteType::General),
            editing: RwSignal::new(None),
            edited_text: RwSignal::new(String::new()),
            edited_type: RwSignal::new(NoteType::General),
        }
    }
}

#[component]
pub fn Notes(
    completion_id: i64,
    notes: Vec<SessionNote>,
    #[prop(into)] timezone: String,
    draft: CommentDraft,
) -> impl IntoView {
    let session = use_session();
    let CommentDraft {
        text, note_type, ..
    } = draft;
    // The form stays for the next comment: "closing" it empties the box.
    let saver = Saver::new(Callback::new(move |()| text.set(String::new())));
    let error = saver.error();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note_text = match api::typed(&text.get_untracked(), "note_text") {
            Ok(note_text) => note_text,
            Err(err) => return saver.refuse(err),
        };
        let body = NewNote {
            note_text,
            note_type: note_type.get_untracked(),
        };
        saver.run(
            async move { api::notes::create(session, completion_id, &body).await },
            |note| format!("{} comment added.", note.note_type.label()),
        );
    };
    let has_notes = !notes.is_empty();
    view! {
        <section class="card" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Comments"</h2>
            {if has_notes {
                view! { <ul class="notes">{notes.into_iter().map(|note| view! { <NoteItem note timezone=timezone.clone() draft/> }).collect_view()}</ul> }.into_any()
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
                    <button type="submit" class="primary" disabled=saver.pending()>"Add comment"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn NoteItem(note: SessionNote, timezone: String, draft: CommentDraft) -> impl IntoView {
    let session = use_session();
    let me = session.user();
    let may_change = me
        .as_ref()
        .is_some_and(|me| me.id == note.author_id || me.role.is_admin());
    let CommentDraft {
        editing,
        edited_text: text,
        edited_type: note_type,
        ..
    } = draft;
    let (completion_id, note_id) = (note.completion_id, note.id);
    let is_editing = move || editing.get() == Some(note_id);
    let saver = Saver::new(Callback::new(move |()| editing.set(None)));
    let error = saver.error();
    let start_editing = {
        let (written, written_type) = (note.note_text.clone(), note.note_type);
        move |_| {
            text.set(written.clone());
            note_type.set(written_type);
            editing.set(Some(note_id));
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note_text = match api::typed(&text.get_untracked(), "note_text") {
            Ok(note_text) => note_text,
            Err(err) => return saver.refuse(err),
        };
        let body = NotePatch {
            note_text: Some(note_text),
            note_type: Some(note_type.get_untracked()),
        };
        saver.run(
            async move { api::notes::update(session, completion_id, note_id, &body).await },
            |_| "Comment saved.".into(),
        );
    };
    let remove = move |_| {
        if window()
            .confirm_with_message("Delete this comment?")
            .unwrap_or(false)
        {
            saver.run(api::notes::delete(session, completion_id, note_id), |()| {
                "Comment deleted.".into()
            });
        }
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
                when=is_editing
                fallback={
                    let text = note.note_text;
                    move || view! { <p class="prose">{text.clone()}</p> }
                }
            >
                <form class="form" on:submit=save novalidate>
                    <FormError error/>
                    <label class="visually-hidden" for=edit_id.clone()>"Edit comment"</label>
                    <textarea id=edit_id.clone() rows="2" aria-describedby=format!("{edit_id}-errors")
                        prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <FieldErrors error field="note_text" id=format!("{edit_id}-errors")/>
                    <label class="visually-hidden" for=format!("{edit_id}-type")>"Type"</label>
                    <TypeSelect id=format!("{edit_id}-type") value=note_type/>
                    <SaveButtons saver/>
                </form>
            </Show>
            <Show when=move || may_change && !is_editing()>
                <div class="actions">
                    <button class="link" on:click=start_editing.clone()>"Edit"</button>
                    <button class="link danger-text" on:click=remove>"Delete"</button>
                </div>
            </Show>
        </li>
    }
}
