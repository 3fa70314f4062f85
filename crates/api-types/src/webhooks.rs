//! Webhooks: Lectern tells another system what happened, by an HTTP POST
//! signed as the Standard Webhooks specification says.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// What a webhook can be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEvent {
    /// A session was recorded as held.
    #[serde(rename = "session.completed")]
    SessionCompleted,
    #[serde(rename = "session.cancelled")]
    SessionCancelled,
    /// An admin verified a record.
    #[serde(rename = "session.verified")]
    SessionVerified,
    /// An admin returned a record for correction.
    #[serde(rename = "session.returned")]
    SessionReturned,
    /// A file was attached to a session.
    #[serde(rename = "attachment.created")]
    AttachmentCreated,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 5] = [
        WebhookEvent::SessionCompleted,
        WebhookEvent::SessionCancelled,
        WebhookEvent::SessionVerified,
        WebhookEvent::SessionReturned,
        WebhookEvent::AttachmentCreated,
    ];

    /// The `type` of its deliveries.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::SessionCompleted => "session.completed",
            WebhookEvent::SessionCancelled => "session.cancelled",
            WebhookEvent::SessionVerified => "session.verified",
            WebhookEvent::SessionReturned => "session.returned",
            WebhookEvent::AttachmentCreated => "attachment.created",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == name)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::SessionCompleted => "Session completed",
            WebhookEvent::SessionCancelled => "Session cancelled",
            WebhookEvent::SessionVerified => "Record verified",
            WebhookEvent::SessionReturned => "Record returned",
            WebhookEvent::AttachmentCreated => "File attached",
        }
    }
}

/// The `type` of the delivery that "send test event" makes; no webhook
/// subscribes to it, every webhook can be sent it.
pub const TEST_EVENT: &str = "webhook.test";

/// `POST /webhooks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "url": "https://hooks.example.org/lectern",
        "events": ["session.completed", "session.returned"],
        "description": "Attendance sync"
    }))
)]
pub struct NewWebhook {
    /// An `http` or `https` URL whose host resolves to public addresses
    /// only (unless the server allows private ones).
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: String,
    /// At least one.
    #[validate(length(min = 1, message = "must name at least one event"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Vec<WebhookEvent>,
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub description: Option<String>,
    /// The branch whose sessions it hears of. A branch admin's webhook is
    /// always their branch's; a super admin's hears of every branch when
    /// this is absent.
    pub branch_id: Option<i64>,
}

/// A webhook as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 4, "url": "https://hooks.example.org/lectern",
        "events": ["session.completed", "session.returned"],
        "description": "Attendance sync", "branch_id": 1, "created_at": "2026-03-01T08:00:00Z",
        "sending": true
    }))
)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub description: Option<String>,
    /// `null`: every branch.
    pub branch_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// `false` while the admin who made it is deactivated or deleted, or no
    /// longer an admin of its branch: it sends on their authority, so
    /// nothing is sent until they reach the branch again (or another admin
    /// removes it and adds it again).
    pub sending: bool,
}

/// A webhook just made, with the secret that signs its deliveries: shown
/// this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 4, "url": "https://hooks.example.org/lectern",
        "events": ["session.completed"], "description": null, "branch_id": 1,
        "created_at": "2026-03-01T08:00:00Z", "sending": true,
        "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    }))
)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_` and the base64 of the HMAC key, as Standard Webhooks
    /// libraries take it; it cannot be shown again.
    pub secret: String,
}

/// Where one delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(9))"
    )
)]
pub enum DeliveryState {
    /// Not yet answered with a 2xx; tried again later.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "delivered"))]
    Delivered,
    /// Given up after the last attempt.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One message to a webhook and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 31, "event": "session.completed", "message_id": "msg_2bX9kQmT0aLr7pW4sV1cYe",
        "state": "delivered", "attempts": 2, "response_status": 204, "last_error": null,
        "created_at": "2026-03-02T09:14:00Z", "last_attempt_at": "2026-03-02T09:14:31Z"
    }))
)]
pub struct WebhookDelivery {
    pub id: i64,
    /// The message's `type`: an event, or `webhook.test`.
    pub event: String,
    /// Its `webhook-id` header, the same on every attempt, for the
    /// receiver to drop a message it already has.
    pub message_id: String,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The HTTP status of the last answer, if one came.
    pub response_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
}

/// `GET /webhooks/{id}/deliveries`: newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DeliveryQuery {
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
