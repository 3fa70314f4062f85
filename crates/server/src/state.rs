//! What every request handler shares, built once at start-up.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::{AccessTokens, LoginLimiter};
use crate::config::Config;
use crate::services::attachments::links::LinkSigner;
use crate::storage::Storage;

#[derive(Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub tokens: AccessTokens,
    pub links: LinkSigner,
    pub storage: Arc<dyn Storage>,
    pub login_limiter: LoginLimiter,
    pub config: Config,
}
