//! Small labels for states and types.

use lectern_api_types::schedule::{CompletionStatus, NoteType, Review};
use leptos::prelude::*;

use super::icons::LockIcon;

/// Where a session stands, review included; a verified record shows its lock.
#[component]
pub fn StatusBadge(status: CompletionStatus, review: Option<Review>) -> impl IntoView {
    let (class, label) = match (status, review) {
        (CompletionStatus::Completed, Some(Review::Verified)) => {
            return view! { <span class="badge verified"><LockIcon/>" Verified"</span> }.into_any();
        }
        (CompletionStatus::Completed, Some(Review::Returned)) => ("badge returned", "Returned"),
        (CompletionStatus::Completed, _) => ("badge completed", "Completed"),
        (CompletionStatus::Pending, _) => ("badge pending", "Pending"),
        (CompletionStatus::Cancelled, _) => ("badge cancelled", "Cancelled"),
    };
    view! { <span class=class>{label}</span> }.into_any()
}

#[component]
pub fn NoteBadge(note_type: NoteType) -> impl IntoView {
    let class = match note_type {
        NoteType::General => "badge note-general",
        NoteType::FollowUp => "badge note-follow-up",
        NoteType::Issue => "badge note-issue",
        NoteType::Achievement => "badge note-achievement",
    };
    view! { <span class=class>{note_type.label()}</span> }
}
