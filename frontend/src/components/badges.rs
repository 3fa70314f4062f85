//! Small labels for states and types.

use lectern_api_types::schedule::{CompletionStatus, NoteType, Review};
use leptos::prelude::*;

/// Where a session stands, review included; a verified record shows its lock.
#[component]
pub fn StatusBadge(status: CompletionStatus, review: Option<Review>) -> impl IntoView {
    let (class, label) = match (status, review) {
        (CompletionStatus::Completed, Some(Review::Verified)) => ("badge verified", "🔒 Verified"),
        (CompletionStatus::Completed, Some(Review::Returned)) => ("badge returned", "Returned"),
        (CompletionStatus::Completed, _) => ("badge completed", "Completed"),
        (CompletionStatus::Pending, _) => ("badge pending", "Pending"),
        (CompletionStatus::Cancelled, _) => ("badge cancelled", "Cancelled"),
    };
    view! { <span class=class>{label}</span> }
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
