//! What every request handler shares, built once at start-up.

use std::sync::Arc;

use crate::auth::rotation::Rotation;
use crate::auth::{AccessTokens, Accounts, LoginLimiter};
use crate::config::Config;
use crate::db::{Db, Reads};
use crate::services::attachments::links::LinkSigner;
use crate::storage::Storage;

#[derive(Debug)]
pub struct AppState {
    pub db: Db,
    /// The same database for the hottest reads, on their fastest path.
    pub reads: Reads,
    pub tokens: AccessTokens,
    /// The accounts behind tokens, read through a short cache.
    pub accounts: Accounts,
    pub links: LinkSigner,
    pub rotation: Rotation,
    pub storage: Arc<dyn Storage>,
    pub login_limiter: LoginLimiter,
    pub config: Config,
}
