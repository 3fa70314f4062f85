//! One session: what was scheduled and recorded, its files and its notes.

mod edit_record;
mod files;
mod notes;
mod sittings;

use lectern_api_types::audit::AuditEntity;
use lectern_api_types::schedule::{CompletionStatus, Review};
use lectern_api_types::sessions::{Completion, CompletionDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use self::edit_record::EditRecordDialog;
use self::files::{Files, Uploads};
use self::notes::{CommentDraft, Notes};
use self::sittings::{MakeUpDialog, MoveDialog};
use super::admin::audit;
use super::review::{ReviewActions, ReviewRights};
use super::sessions::{CancelDialog, CompleteDialog, SessionForm};
use crate::api;
use crate::components::badges::StatusBadge;
use crate::components::icons::LockIcon;
use crate::components::loaded;
use crate::format;
use crate::session::use_session;
use crate::{use_changes, use_clock};

/// Which of the page's dialogs is open.
#[derive(Clone, Copy)]
struct Open {
    completing: RwSignal<bool>,
    cancelling: RwSignal<bool>,
    editing: RwSignal<bool>,
    rescheduling: RwSignal<bool>,
    moving: RwSignal<bool>,
    adding: RwSignal<bool>,
}

impl Open {
    fn new() -> Self {
        Self {
            completing: RwSignal::new(false),
            cancelling: RwSignal::new(false),
            editing: RwSignal::new(false),
            rescheduling: RwSignal::new(false),
            moving: RwSignal::new(false),
            adding: RwSignal::new(false),
        }
    }
}

#[component]
pub fn SessionView() -> impl IntoView {
    let params = use_params_map();
    let session = use_session();
    let changes = use_changes();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    });
    let detail = LocalResource::new(move || {
        changes.track();
        let id = id.get();
        async move { api::sessions::one(id).fetch(session).await }
    });
    // The session reloads after every save, an upload's end among them, and
    // its part of the page is drawn again. What someone is in the middle of
    // lives out here instead, so it survives: an open dialog and what is
    // typed in it, a comment being written, and the uploads on their way.
    let open = Open::new();
    let uploads = Uploads::new();
    let draft = CommentDraft::new();
    let current = Signal::derive(move || detail.get().and_then(Result::ok).map(|d| d.completion));
    view! {
        {loaded(detail, "the session", move |detail| view! { <Detail detail open uploads draft/> })}
        <Dialogs open current/>
    }
}

#[component]
fn Detail(
    detail: CompletionDetail,
    open: Open,
    uploads: Uploads,
    draft: CommentDraft,
) -> impl IntoView {
    let c = detail.completion.clone();
    let tz = c.timezone.clone();
    let Open {
        completing,
        cancelling,
        editing,
        rescheduling,
        moving,
        adding,
    } = open;
    let pending = c.status == CompletionStatus::Pending;
    // The server records a sitting only once it has begun.
    let clock = use_clock();
    let scheduled_start = c.scheduled_start;
    let started = Memo::new(move |_| scheduled_start <= clock.now());
    let locked = c.review == Some(Review::Verified);
    let me = use_session().user();
    let admin = me.as_ref().is_some_and(|me| me.role.is_admin());
    // Only an ad-hoc session's title and times are its own to change; a
    // batch's sittings follow the batch.
    let adjustable = pending
        && c.batch_id.is_none()
        && (admin || me.as_ref().is_some_and(|me| me.id == c.user_id));
    // A batch's teacher and its admins arrange its sittings.
    let arranges = admin || me.as_ref().is_some_and(|me| me.id == c.user_id);
    let movable = pending && arranges && c.occurrence_id.is_some();
    let rights = me
        .as_ref()
        .map(|me| ReviewRights::of(&c, me.id, admin))
        .unwrap_or_default();
    let actual = match (c.actual_start, c.actual_end) {
        (Some(start), Some(end)) => Some(format::span(start, end, &tz)),
        _ => None,
    };
    view! {
        <p><a href="/sessions">"← Sessions"</a></p>
        <div class="title-row">
            <h1>{c.title.clone()}</h1>
            <StatusBadge status=c.status review=c.review/>
        </div>
        {locked.then(|| view! {
            <p class="callout locked" role="note"><LockIcon/>" Verified and locked: its times, code, notes and files stay as verified unless an admin reopens it. Comments can still be added."</p>
        })}
        {(c.review == Some(Review::Returned)).then(|| view! {
            <div class="callout returned" role="note">
                <p><strong>"Returned for correction: "</strong>{c.return_reason.clone().unwrap_or_default()}</p>
                <p class="muted">"Correct the record, then resubmit it for review."</p>
            </div>
        })}
        <dl class="facts">
            <div><dt>"Date"</dt><dd>{format::date(c.scheduled_start, &tz)}</dd></div>
            <div><dt>"Scheduled"</dt><dd>{format!("{} {}", format::span(c.scheduled_start, c.scheduled_end, &tz), format::zone(c.scheduled_start, &tz))}</dd></div>
            {actual.map(|actual| view! { <div><dt>"Actual"</dt><dd id="actual-times">{actual}</dd></div> })}
            {c.batch_code.clone().map(|code| view! { <div><dt>"Batch"</dt><dd class="code">{code}</dd></div> })}
            {c.location.clone().map(|place| view! { <div><dt>"Location"</dt><dd>{place}</dd></div> })}
            <div><dt>"Taught by"</dt><dd>{c.user_name.clone()}</dd></div>
            {detail.delivered_by_name.clone().map(|name| view! { <div><dt>"Covered by"</dt><dd id="covered-by">{name}</dd></div> })}
            {c.completion_code.clone().map(|code| view! { <div><dt>"Completion code"</dt><dd class="code">{code}</dd></div> })}
            {c.late_minutes.filter(|late| *late > 0).map(|late| {
                let said = match c.late_reason {
                    Some(reason) => format!("{late} min: {}", reason.label()),
                    None => format!("{late} min"),
                };
                view! { <div><dt>"Started late"</dt><dd class="late-reason">{said}</dd></div> }
            })}
            {c.review.map(|review| view! { <div><dt>"Review"</dt><dd>{review.label()}</dd></div> })}
            {c.verified_at.map(|at| view! { <div><dt>"Verified"</dt><dd>{format::date(at, &tz)}</dd></div> })}
            {c.cancel_reason.clone().map(|reason| view! { <div><dt>"Cancelled because"</dt><dd>{reason}</dd></div> })}
        </dl>
        {c.notes.clone().map(|notes| view! { <section class="card"><h2>"Notes"</h2><p class="prose">{notes}</p></section> })}
        <Show when=move || pending>
            <div class="actions">
                {move || started.get().then(|| view! {
                    <button class="primary" on:click=move |_| completing.set(true)>"Complete"</button>
                })}
                {adjustable.then(|| view! {
                    <button class="secondary" on:click=move |_| rescheduling.set(true)>"Edit session"</button>
                })}
                {movable.then(|| view! {
                    <button class="secondary" on:click=move |_| moving.set(true)>"Move"</button>
                })}
                <button class="secondary" on:click=move |_| cancelling.set(true)>"Cancel"</button>
            </div>
        </Show>
        <div class="actions">
            {rights.edit_record.then(|| view! {
                <button class="secondary" on:click=move |_| editing.set(true)>"Correct the record"</button>
            })}
            <ReviewActions completion=c.clone()/>
            {(arranges && c.batch_id.is_some()).then(|| view! {
                <button class="secondary" on:click=move |_| adding.set(true)>"Add make-up sitting"</button>
            })}
            {admin.then(|| view! {
                <a class="button-link secondary" href=audit::href(AuditEntity::Session, c.id)>"Changes to this session"</a>
            })}
        </div>
        <Files completion_id=c.id attachments=detail.attachments.clone() locked admin timezone=c.timezone.clone() uploads/>
        <Notes completion_id=c.id notes=detail.session_notes timezone=c.timezone draft/>
    }
}

/// The open dialog, drawn from the session as last loaded when it opened.
#[component]
fn Dialogs(open: Open, current: Signal<Option<Completion>>) -> impl IntoView {
    let dialog = move |flag: RwSignal<bool>, draw: fn(Completion, Callback<()>) -> AnyView| {
        move || {
            flag.get()
                .then(|| current.get_untracked())
                .flatten()
                .map(|c| draw(c, Callback::new(move |()| flag.set(false))))
        }
    };
    view! {
        {dialog(open.completing, |c, on_close| view! { <CompleteDialog completion=c on_close/> }.into_any())}
        {dialog(open.moving, |c, on_close| match c.occurrence_id {
            Some(occurrence_id) => view! {
                <MoveDialog occurrence_id timezone=c.timezone.clone() scheduled_start=c.scheduled_start
                    scheduled_end=c.scheduled_end on_close/>
            }.into_any(),
            None => ().into_any(),
        })}
        {dialog(open.adding, |c, on_close| match c.batch_id {
            Some(batch_id) => view! { <MakeUpDialog batch_id timezone=c.timezone on_close/> }.into_any(),
            None => ().into_any(),
        })}
        {dialog(open.editing, |c, on_close| view! { <EditRecordDialog completion=c on_close/> }.into_any())}
        {dialog(open.rescheduling, |c, on_close| view! { <SessionForm existing=Some(c) on_close/> }.into_any())}
        {dialog(open.cancelling, |c, on_close| view! {
            <CancelDialog completion_id=c.id title=format!("Cancel {}", c.title) on_close/>
        }.into_any())}
    }
}
