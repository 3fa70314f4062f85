//! `q` of the session list, answered by each database's own full-text
//! index over the sessions' search documents ([`documents`]): every word
//! of `q` must begin a word of the session's title, notes or code, its
//! batch's code or name, its owner's name or one of its comments.
//!
//! Words are letters and digits; anything else separates them, so a code
//! typed whole (`PUNE-RUST-LAB-1`) finds its session and nothing in `q`
//! reaches the query language of an index.

pub mod documents;

use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, Query, SelectStatement};
use sea_orm::{Condition, DbBackend};

use crate::entities::{completion, search_document};
use crate::services::sql::custom;
use crate::services::users::contains_pattern;

/// More words than this narrow nothing a person would type.
const MAX_WORDS: usize = 8;

/// InnoDB indexes no word shorter than this (`innodb_ft_min_token_size`).
const MYSQL_MIN_WORD: usize = 3;

/// InnoDB's default stopwords, which its index leaves out.
const MYSQL_STOPWORDS: [&str; 35] = [
    "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how",
    "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what",
    "when", "where", "who", "will", "with", "und", "www",
];

/// The words of `q`, lower-cased, as the indexes split text.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// The condition on sessions that `q` stands for; `None` when it has no
/// words, which matches everything.
pub fn matches(backend: DbBackend, q: &str) -> Option<Condition> {
    let words = words(q);
    if words.is_empty() {
        return None;
    }
    let id = Expr::col((completion::Entity, completion::Column::Id));
    let found = match backend {
        // `ANY(ARRAY(…))` is planned once, on the GIN index, before the
        // list's order and limit: as `IN (…)` the generic plan of a prepared
        // statement walks the list in order and parses every document it
        // meets (seconds at 1,000,000 sessions for a word nobody wrote).
        DbBackend::Postgres => custom(
            backend,
            "{} = ANY(ARRAY {})",
            vec![id, Expr::SubQuery(None, Box::new(postgres(&words).into()))],
        ),
        DbBackend::MySql => id.in_subquery(mysql(&words)),
        _ => id.in_subquery(sqlite(&words)),
    };
    Some(Condition::all().add(found))
}

/// FTS5: every word as a quoted prefix.
fn sqlite(words: &[String]) -> SelectStatement {
    let query = words
        .iter()
        .map(|word| format!("\"{word}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ");
    Query::select()
        .column(Alias::new("rowid"))
        .from(Alias::new("session_search_fts"))
        .and_where(custom(
            DbBackend::Sqlite,
            "session_search_fts MATCH {}",
            vec![Expr::val(query)],
        ))
        .take()
}

fn documents() -> SelectStatement {
    Query::select()
        .column(search_document::Column::CompletionId)
        .from(search_document::Entity)
        .take()
}

/// The `simple` tsvector, which lower-cases and keeps every word.
fn postgres(words: &[String]) -> SelectStatement {
    let query = words
        .iter()
        .map(|word| format!("{word}:*"))
        .collect::<Vec<_>>()
        .join(" & ");
    documents()
        .and_where(custom(
            DbBackend::Postgres,
            "to_tsvector('simple', document) @@ to_tsquery('simple', {})",
            vec![Expr::val(query)],
        ))
        .take()
}

/// InnoDB's index in boolean mode, every word required as a prefix; the
/// words it does not index (too short, or stopwords) are looked for in the
/// documents the others leave.
fn mysql(words: &[String]) -> SelectStatement {
    let (unindexed, indexed): (Vec<&String>, Vec<&String>) = words.iter().partition(|word| {
        word.chars().count() < MYSQL_MIN_WORD || MYSQL_STOPWORDS.contains(&word.as_str())
    });
    let mut select = documents();
    if !indexed.is_empty() {
        let query = indexed
            .iter()
            .map(|word| format!("+{word}*"))
            .collect::<Vec<_>>()
            .join(" ");
        select.and_where(custom(
            DbBackend::MySql,
            "MATCH (document) AGAINST ({} IN BOOLEAN MODE)",
            vec![Expr::val(query)],
        ));
    }
    for word in unindexed {
        select.and_where(Expr::col(search_document::Column::Document).like(contains_pattern(word)));
    }
    select
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};

    use super::*;

    #[test]
    fn words_are_letters_and_digits_whatever_separates_them() {
        assert_eq!(words("PUNE-RUST-lab-1"), ["pune", "rust", "lab", "1"]);
        assert_eq!(words("  Zoë  \"Łukasiewicz\"*:& "), ["zoë", "łukasiewicz"]);
        assert!(words("-- %% '\"").is_empty());
        assert_eq!(words("a b c d e f g h i j").len(), MAX_WORDS);
    }

    #[test]
    fn postgres_reads_the_index_once_before_the_list() {
        let condition = matches(DbBackend::Postgres, "zyzzyva").unwrap();
        let sql = Query::select()
            .expr(Expr::val(1))
            .from(completion::Entity)
            .cond_where(condition)
            .to_string(PostgresQueryBuilder);
        assert!(
            sql.contains("\"session_completions\".\"id\" = ANY(ARRAY (SELECT \"completion_id\" FROM \"session_search\""),
            "{sql}"
        );
    }

    #[test]
    fn each_database_gets_its_own_query_language() {
        let words = words("Lab-1 the rust");
        assert_eq!(
            sqlite(&words).to_string(SqliteQueryBuilder),
            "SELECT \"rowid\" FROM \"session_search_fts\" WHERE session_search_fts MATCH \
             '\"lab\"* AND \"1\"* AND \"the\"* AND \"rust\"*'"
        );
        assert_eq!(
            postgres(&words).to_string(PostgresQueryBuilder),
            "SELECT \"completion_id\" FROM \"session_search\" WHERE to_tsvector('simple', document) \
             @@ to_tsquery('simple', 'lab:* & 1:* & the:* & rust:*')"
        );
        assert_eq!(
            mysql(&words).to_string(MysqlQueryBuilder),
            "SELECT `completion_id` FROM `session_search` WHERE (MATCH (document) AGAINST \
             ('+lab* +rust*' IN BOOLEAN MODE)) AND `document` LIKE '%1%' ESCAPE '\\\\' \
             AND `document` LIKE '%the%' ESCAPE '\\\\'"
        );
    }
}
