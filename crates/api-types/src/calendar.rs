//! Calendar feeds: a secret address a calendar application subscribes
//! to, listing sessions as iCalendar events.

use serde::{Deserialize, Serialize};

/// `POST /me/calendar` and `POST /branches/{id}/calendar`: the feed's
/// address, which works without signing in. Asking again gives a new
/// address and the old one stops working.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "url": "https://lectern.example.org/api/v1/calendar/Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy.ics"
    }))
)]
pub struct CalendarFeed {
    pub url: String,
}
