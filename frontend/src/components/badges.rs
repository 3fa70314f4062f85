//! Small labels for states and types.

use lectern_api_types::schedule::{CompletionStatus, NoteType};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: CompletionStatus, verified: bool) -> impl IntoView {
    let (class, label) = match (status, verified) {
        (CompletionStatus::Completed, true) => ("badge verified", "Verified"),
        (CompletionStatus::Completed, false) => ("badge completed", "Completed"),
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
