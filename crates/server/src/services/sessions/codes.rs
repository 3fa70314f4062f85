//! Completion codes: suggestions for the form, and the server's own when
//! a session is completed without one.

use chrono::NaiveDate;
use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::{CodeRequest, CodeSuggestion};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};

use super::{SessionRow, find_visible};
use crate::clock;
use crate::db::Db;
use crate::domain::completion_code;
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::{branch, completion};
use crate::services::{ServiceError, ServiceResult};

/// Draws before giving up; with 20 random bits per prefix and day, eight
/// collisions in a row mean something is wrong, not bad luck.
pub const ATTEMPTS: usize = 8;

/// Ad-hoc sessions have no batch code to start theirs with.
pub const AD_HOC_PREFIX: &str = "ADHOC";

/// The prefix and date a session's generated code carries.
pub fn prefix_and_date(row: &SessionRow) -> ServiceResult<(String, NaiveDate)> {
    let prefix = row
        .batch_code
        .clone()
        .unwrap_or_else(|| AD_HOC_PREFIX.to_owned());
    Ok((prefix, row.local_date()?))
}

/// A code unused at the time of asking. Nothing is reserved: completing
/// with it can still lose to a session that took it meanwhile (409), and the
/// form simply asks again.
pub async fn suggest(
    db: &Db,
    caller: &AuthUser,
    request: CodeRequest,
) -> ServiceResult<CodeSuggestion> {
    let (prefix, date) = match request.completion_id {
        Some(id) => prefix_and_date(&find_visible(db, caller, id).await?)?,
        None => (AD_HOC_PREFIX.to_owned(), today(db, caller).await?),
    };
    for _ in 0..ATTEMPTS {
        let code = completion_code::generate(&prefix, date, &mut rand::rng());
        if !is_taken(db, &code).await? {
            return Ok(CodeSuggestion {
                completion_code: code.to_string(),
            });
        }
    }
    Err(ServiceError::Internal(anyhow::anyhow!(
        "no free completion code for {prefix} on {date}"
    )))
}

async fn is_taken(db: &Db, code: &CompletionCode) -> ServiceResult<bool> {
    let uses = completion::Entity::find()
        .filter(completion::Column::CompletionCode.eq(code.as_str()))
        .count(db)
        .await?;
    Ok(uses > 0)
}

/// Today in the caller's branch, or in UTC for super admins.
async fn today(db: &Db, caller: &AuthUser) -> ServiceResult<NaiveDate> {
    let now = clock::now();
    let Some(branch_id) = caller.branch_id() else {
        return Ok(now.date_naive());
    };
    let timezone = branch::Entity::find_by_id(branch_id)
        .one(db)
        .await?
        .and_then(|branch| BranchTimezone::parse(&branch.timezone));
    Ok(timezone.map_or_else(
        || now.date_naive(),
        |tz| now.with_timezone(&tz.tz()).date_naive(),
    ))
}
