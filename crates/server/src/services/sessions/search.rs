//! `q` of the session list: every word of it must appear, in any letter
//! case, in the session's title, notes or code, its batch's code or name,
//! its owner's name, or the text of one of its comments.

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, IntoIden, Query};

use crate::entities::{batch, completion, note, user};
use crate::services::users::contains_pattern;

/// More words than this narrow nothing a person would type.
const MAX_WORDS: usize = 8;

/// The condition on [`super::select_rows`] that `q` stands for; blank
/// matches everything.
pub fn matches(q: &str) -> Condition {
    q.split_whitespace()
        .take(MAX_WORDS)
        .fold(Condition::all(), |all, word| all.add(word_matches(word)))
}

fn contains(table: impl IntoIden, column: impl IntoIden, word: &str) -> Expr {
    Expr::expr(Func::lower(Expr::col((table, column)))).like(contains_pattern(word))
}

fn word_matches(word: &str) -> Condition {
    let in_comments = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(note::Entity)
            .and_where(
                Expr::col((note::Entity, note::Column::CompletionId))
                    .equals((completion::Entity, completion::Column::Id)),
            )
            .and_where(contains(note::Entity, note::Column::NoteText, word))
            .take(),
    );
    Condition::any()
        .add(contains(
            completion::Entity,
            completion::Column::Title,
            word,
        ))
        .add(contains(
            completion::Entity,
            completion::Column::Notes,
            word,
        ))
        .add(contains(
            completion::Entity,
            completion::Column::CompletionCode,
            word,
        ))
        .add(contains(batch::Entity, batch::Column::Code, word))
        .add(contains(batch::Entity, batch::Column::Name, word))
        .add(contains(user::Entity, user::Column::Name, word))
        .add(in_comments)
}
