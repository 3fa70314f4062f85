//! Webhooks, for admins.

use lectern_api_types::Page;
use lectern_api_types::webhooks::{
    CreatedWebhook, DeliveryQuery, NewWebhook, Webhook, WebhookDelivery,
};

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/webhooks";
    CREATE = Post "/webhooks";
    DELETE = Delete "/webhooks/{id}";
    DELIVERIES = Get "/webhooks/{id}/deliveries";
    TEST = Post "/webhooks/{id}/test";
}

pub fn list() -> Fetch<Page<Webhook>> {
    LIST.at(&[]).param("limit", "100").get()
}

/// A new webhook, with its signing secret: the only time it is shown.
pub async fn create(session: Session, new: &NewWebhook) -> Result<CreatedWebhook, ApiError> {
    CREATE.at(&[]).send(session, new).await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    DELETE.at(&[id]).run(session).await
}

pub fn deliveries(id: i64, query: &DeliveryQuery) -> Fetch<Page<WebhookDelivery>> {
    DELIVERIES.at(&[id]).query(query).get()
}

/// Sends the webhook a `webhook.test` message.
pub async fn send_test(session: Session, id: i64) -> Result<WebhookDelivery, ApiError> {
    TEST.at(&[id]).send(session, &serde_json::json!({})).await
}
