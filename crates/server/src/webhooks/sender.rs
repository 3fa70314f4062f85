//! Sends one delivery: signed, with a short timeout, to an address the
//! target rule allows, and records what came back.

use std::time::Duration;

use lectern_api_types::webhooks::DeliveryState;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use super::target::{self, TargetError};
use super::{maker_reaches, signing};
use crate::clock;
use crate::db::Db;
use crate::entities::{user, webhook, webhook_delivery};

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a stopped webhook's delivery was not sent; no attempt would change it.
const STOPPED: &str = "not sent: the admin who made this webhook no longer reaches its branch";

/// The most of an error kept in the delivery log.
const MAX_ERROR_CHARS: usize = 500;

pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

/// What one attempt came to.
struct Attempt {
    status: Option<u16>,
    error: Option<String>,
}

impl Sender {
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .dns_resolver(target::GuardedResolver { allow_private })
            // A redirect could lead where the rule would not let the
            // webhook point; the receiver gives its final address instead.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .user_agent(concat!("Lectern-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// Makes attempt number `attempt` of delivery `id`; `last` when no
    /// other will follow. An error leaves the job to be tried again.
    pub async fn deliver(&self, db: &Db, id: i64, attempt: i32, last: bool) -> anyhow::Result<()> {
        // Gone with its webhook: nothing left to send.
        let Some(delivery) = webhook_delivery::Entity::find_by_id(id).one(db).await? else {
            return Ok(());
        };
        let Some(hook) = webhook::Entity::find_by_id(delivery.webhook_id)
            .one(db)
            .await?
        else {
            return Ok(());
        };
        // Its maker may have lost the branch since the change left it.
        let maker = user::Entity::find_by_id(hook.created_by).one(db).await?;
        if !maker_reaches(maker.as_ref(), &hook) {
            // Settled, not failed as a job: no other attempt would change it.
            let stopped = Attempt {
                status: None,
                error: Some(STOPPED.to_owned()),
            };
            return record(db, id, attempt, DeliveryState::Failed, &stopped).await;
        }
        let outcome = self.send(&hook, &delivery).await;
        let state = match (&outcome.error, last) {
            (None, _) => DeliveryState::Delivered,
            (Some(_), true) => DeliveryState::Failed,
            (Some(_), false) => DeliveryState::Pending,
        };
        record(db, id, attempt, state, &outcome).await?;
        match outcome.error {
            None => Ok(()),
            Some(error) => Err(anyhow::anyhow!(error)),
        }
    }

    async fn send(&self, hook: &webhook::Model, delivery: &webhook_delivery::Model) -> Attempt {
        let failed = |error: String| Attempt {
            status: None,
            error: Some(error.chars().take(MAX_ERROR_CHARS).collect()),
        };
        let url = match target::parse(&hook.url) {
            Ok(url) => url,
            Err(err) => return failed(format!("the URL {err}")),
        };
        // A name is checked by the client's resolver as it connects; an
        // address written in the URL is checked here, without a lookup.
        if let Some(ip) = target::literal(&url)
            && !self.allow_private
            && !target::is_public(ip)
        {
            return failed(format!("the URL {}", TargetError::Private(ip)));
        }
        let timestamp = clock::now().timestamp();
        let Some(signature) = signing::signature(
            &hook.secret,
            &delivery.message_id,
            timestamp,
            delivery.payload.as_bytes(),
        ) else {
            return failed("the webhook's secret is not one Lectern made".into());
        };
        let sent = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header("webhook-id", &delivery.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Attempt {
                status: Some(response.status().as_u16()),
                error: None,
            },
            Ok(response) => Attempt {
                status: Some(response.status().as_u16()),
                error: Some(format!("answered {}", response.status())),
            },
            // The URL can hold the receiver's own secret (a token in its
            // path or query), and this text is logged and shown to every
            // super admin in the outbox.
            Err(err) => failed(describe(&err.without_url())),
        }
    }
}

/// Writes attempt number `attempt` of delivery `id` to its log.
async fn record(
    db: &Db,
    id: i64,
    attempt: i32,
    state: DeliveryState,
    outcome: &Attempt,
) -> anyhow::Result<()> {
    let now = clock::now();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(state))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempt))
        .col_expr(
            webhook_delivery::Column::ResponseStatus,
            Expr::value(outcome.status.map(i32::from)),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(outcome.error.clone()),
        )
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// An error with its causes, which is where reqwest says what went wrong.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return format!("no answer within {} seconds", TIMEOUT.as_secs());
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
