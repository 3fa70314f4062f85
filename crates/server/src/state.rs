//! What every request handler shares, built once at start-up.

use sea_orm::DatabaseConnection;

use crate::auth::{AccessTokens, LoginLimiter};
use crate::config::Config;

#[derive(Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub tokens: AccessTokens,
    pub login_limiter: LoginLimiter,
    pub config: Config,
}
