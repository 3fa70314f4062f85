//! Calendar feeds: a secret address per person (their own sessions) and,
//! for admins, per branch (the branch's), each replaced by asking again.
//! The address is the only credential, so a feed also ends when its owner
//! is deactivated or no longer reaches the branch.

use chrono::{DateTime, Utc};
use lectern_api_types::calendar::CalendarFeed;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};

use super::sessions::{SessionRow, select_rows};
use super::{ServiceError, ServiceResult};
use crate::auth::opaque;
use crate::calendar::{self, Feed};
use crate::clock;
use crate::db::{Db, begin_write};
use crate::domain::AuthUser;
use crate::entities::{branch, calendar_feed, completion, user};

/// The most events one feed lists: a branch's busiest half-year fits.
const MAX_EVENTS: u64 = 20_000;

/// Where feeds are fetched: `{api}/calendar/{token}.ics`.
fn address(api_base: &str, token: &str) -> String {
    format!("{}/calendar/{token}.ics", api_base.trim_end_matches('/'))
}

/// A new feed for `caller` (of `branch_id`'s sessions, or their own),
/// replacing the one they had.
async fn replace(
    db: &Db,
    caller: &AuthUser,
    branch_id: Option<i64>,
    api_base: &str,
) -> ServiceResult<CalendarFeed> {
    let token = opaque::new_secret();
    let now = clock::now();
    let txn = begin_write(db).await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(caller.id()))
        .filter(match branch_id {
            Some(branch_id) => calendar_feed::Column::BranchId.eq(branch_id),
            None => calendar_feed::Column::BranchId.is_null(),
        })
        .exec(&txn)
        .await?;
    calendar_feed::ActiveModel {
        user_id: Set(caller.id()),
        branch_id: Set(branch_id),
        token_hash: Set(opaque::stored_hash(&token)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CalendarFeed {
        url: address(api_base, &token),
    })
}

/// The caller's own feed.
pub async fn create_personal(
    db: &Db,
    caller: &AuthUser,
    api_base: &str,
) -> ServiceResult<CalendarFeed> {
    replace(db, caller, None, api_base).await
}

/// A branch's feed, for its admins and super admins.
pub async fn create_for_branch(
    db: &Db,
    caller: &AuthUser,
    branch_id: i64,
    api_base: &str,
) -> ServiceResult<CalendarFeed> {
    if !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only admins subscribe to a branch's calendar.",
        ));
    }
    let exists = branch::Entity::find_by_id(branch_id)
        .one(db)
        .await?
        .is_some();
    if !exists || !caller.sees_branch(branch_id) {
        return Err(ServiceError::NotFound("branch"));
    }
    replace(db, caller, Some(branch_id), api_base).await
}

/// The feed behind `token` as iCalendar text, if the token is a current
/// feed's and its owner still reaches what it lists.
pub async fn render(
    db: &Db,
    token: &str,
    uid_domain: &str,
    app_url: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<String> {
    let missing = || ServiceError::NotFound("calendar feed");
    let feed = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(opaque::stored_hash(token)))
        .one(db)
        .await?
        .ok_or_else(missing)?;
    let owner = user::Entity::find_by_id(feed.user_id)
        .one(db)
        .await?
        .filter(|owner| owner.active)
        .ok_or_else(missing)?;
    let window = calendar::window(now);
    let mut rows = select_rows()
        .filter(completion::Column::ScheduledStart.gte(window.0))
        .filter(completion::Column::ScheduledStart.lt(window.1));
    let name = match feed.branch_id {
        None => {
            rows = rows.filter(completion::Column::UserId.eq(owner.id));
            format!("Lectern: {}", owner.name)
        }
        Some(branch_id) => {
            // The rule that let the owner make the feed, on the account as
            // it is now.
            let reaches = AuthUser::new(owner.id, owner.role, owner.branch_id)
                .is_some_and(|now| now.is_admin() && now.sees_branch(branch_id));
            let branch = branch::Entity::find_by_id(branch_id)
                .one(db)
                .await?
                .filter(|_| reaches)
                .ok_or_else(missing)?;
            rows = rows.filter(completion::Column::BranchId.eq(branch_id));
            format!("Lectern: {}", branch.name)
        }
    };
    let rows: Vec<SessionRow> = rows
        .order_by_asc(completion::Column::ScheduledStart)
        .order_by_asc(completion::Column::Id)
        .limit(MAX_EVENTS)
        .into_model()
        .all(db)
        .await?;
    Ok(Feed {
        name: &name,
        names_teachers: feed.branch_id.is_some(),
        uid_domain,
        app_url,
    }
    .render(&rows, window))
}
