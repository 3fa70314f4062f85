//! The signed-in person's own settings: which emails they get, their API
//! tokens and their calendar feed.

use lectern_api_types::Page;
use lectern_api_types::api_tokens::{ApiToken, CreatedApiToken, NewApiToken};
use lectern_api_types::calendar::CalendarFeed;
use lectern_api_types::outbox::NotificationSettings;

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    NOTIFICATIONS = Get "/me/notifications";
    SET_NOTIFICATIONS = Put "/me/notifications";
    TOKENS = Get "/me/tokens";
    CREATE_TOKEN = Post "/me/tokens";
    REVOKE_TOKEN = Delete "/me/tokens/{id}";
    CALENDAR = Post "/me/calendar";
}

pub fn notifications() -> Fetch<NotificationSettings> {
    NOTIFICATIONS.at(&[]).get()
}

pub async fn set_notifications(
    session: Session,
    wanted: &NotificationSettings,
) -> Result<NotificationSettings, ApiError> {
    SET_NOTIFICATIONS.at(&[]).send(session, wanted).await
}

pub fn tokens() -> Fetch<Page<ApiToken>> {
    TOKENS.at(&[]).param("limit", "100").get()
}

/// A new token, with its secret: the only time it is shown.
pub async fn create_token(
    session: Session,
    new: &NewApiToken,
) -> Result<CreatedApiToken, ApiError> {
    CREATE_TOKEN.at(&[]).send(session, new).await
}

pub async fn revoke_token(session: Session, id: i64) -> Result<(), ApiError> {
    REVOKE_TOKEN.at(&[id]).run(session).await
}

/// A new address of one's calendar feed; the previous one stops working.
pub async fn new_calendar(session: Session) -> Result<CalendarFeed, ApiError> {
    CALENDAR.at(&[]).send(session, &serde_json::json!({})).await
}
