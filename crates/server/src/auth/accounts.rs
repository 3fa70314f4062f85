//! The accounts behind access tokens, as they stand now.
//!
//! A token vouches for who signed in, not for what they may still do: an
//! account deactivated, deleted, demoted or moved to another branch must
//! stop acting as it was at once, not when its token expires. Every request
//! reads the account through this short cache. The server that makes a
//! change forgets its entry at once; every other server reads it again
//! within the cache's lifetime (`LECTERN_ACCOUNT_CACHE_SECONDS`, 30 by
//! default, so well inside the 60 seconds a cluster is allowed).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lectern_api_types::Role;
use sea_orm::{ConnectionTrait, EntityTrait as _, QuerySelect as _};

use crate::domain::AuthUser;
use crate::entities::user;

/// What an account may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Account {
    role: Role,
    branch_id: Option<i64>,
    active: bool,
    must_change_password: bool,
}

/// A signed-in account as it stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Current {
    pub user: AuthUser,
    /// An admin set the password; the account must choose its own first.
    pub must_change_password: bool,
}

/// Why a verified token no longer stands for anyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountError {
    Gone,
    Deactivated,
}

#[derive(Debug)]
pub struct Accounts {
    lifetime: Duration,
    cached: Mutex<Cache>,
}

#[derive(Debug, Default)]
struct Cache {
    entries: HashMap<i64, (Option<Account>, Instant)>,
    /// Counts `forget`s. A read that began before one may hold the account
    /// as it was before the change, so it is used once and not kept.
    forgotten: u64,
}

impl Accounts {
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            cached: Mutex::new(Cache::default()),
        }
    }

    /// The caller that account `id` is now.
    pub async fn current<C: ConnectionTrait>(
        &self,
        db: &C,
        id: i64,
    ) -> Result<Current, CurrentError> {
        let account = match self.recall(id) {
            Some(account) => account,
            None => {
                let before = self.lock().forgotten;
                let loaded = load(db, id).await?;
                self.remember(id, loaded, before);
                loaded
            }
        };
        let account = account.ok_or(CurrentError::Account(AccountError::Gone))?;
        if !account.active {
            return Err(CurrentError::Account(AccountError::Deactivated));
        }
        let user = AuthUser::new(id, account.role, account.branch_id)
            .ok_or(CurrentError::Account(AccountError::Gone))?;
        Ok(Current {
            user,
            must_change_password: account.must_change_password,
        })
    }

    /// Drops what this server knows of `id`, after a change to the account.
    pub fn forget(&self, id: i64) {
        let mut cached = self.lock();
        cached.entries.remove(&id);
        cached.forgotten += 1;
    }

    fn recall(&self, id: i64) -> Option<Option<Account>> {
        let mut cached = self.lock();
        match cached.entries.get(&id) {
            Some((account, at)) if at.elapsed() < self.lifetime => Some(*account),
            Some(_) => {
                cached.entries.remove(&id);
                None
            }
            None => None,
        }
    }

    /// Keeps `account` as read after `forgotten` forgets, unless another
    /// came meanwhile: that change may have committed after the read.
    fn remember(&self, id: i64, account: Option<Account>, forgotten: u64) {
        let mut cached = self.lock();
        if cached.forgotten != forgotten {
            return;
        }
        // Entries expire as they are read; a sweep now and then keeps
        // accounts that stopped calling from piling up.
        if cached.entries.len() >= 10_000 {
            let lifetime = self.lifetime;
            cached.entries.retain(|_, (_, at)| at.elapsed() < lifetime);
        }
        cached.entries.insert(id, (account, Instant::now()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The map holds copies only; a panic elsewhere cannot leave it torn.
        self.cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why [`Accounts::current`] failed.
#[derive(Debug)]
pub enum CurrentError {
    Account(AccountError),
    Database(sea_orm::DbErr),
}

impl From<sea_orm::DbErr> for CurrentError {
    fn from(err: sea_orm::DbErr) -> Self {
        CurrentError::Database(err)
    }
}

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Account>, sea_orm::DbErr> {
    let found = user::Entity::find_by_id(id)
        .select_only()
        .columns([
            user::Column::Role,
            user::Column::BranchId,
            user::Column::Active,
            user::Column::MustChangePassword,
        ])
        .into_tuple::<(Role, Option<i64>, bool, bool)>()
        .one(db)
        .await?;
    Ok(
        found.map(|(role, branch_id, active, must_change_password)| Account {
            role,
            branch_id,
            active,
            must_change_password,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faculty(active: bool) -> Option<Account> {
        Some(Account {
            role: Role::Faculty,
            branch_id: Some(1),
            active,
            must_change_password: false,
        })
    }

    #[test]
    fn entries_are_recalled_until_they_expire_or_are_forgotten() {
        let accounts = Accounts::new(Duration::from_millis(50));
        accounts.remember(7, faculty(true), 0);
        assert_eq!(accounts.recall(7), Some(faculty(true)));
        accounts.forget(7);
        assert_eq!(accounts.recall(7), None);

        accounts.remember(7, None, 1);
        assert_eq!(
            accounts.recall(7),
            Some(None),
            "a deleted account is remembered as gone"
        );
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(accounts.recall(7), None);
    }

    #[test]
    fn a_read_overtaken_by_a_change_is_not_kept() {
        let accounts = Accounts::new(Duration::from_secs(30));
        let before = accounts.lock().forgotten;
        // The account is deactivated and forgotten while the read that
        // saw it active is still on its way back.
        accounts.forget(7);
        accounts.remember(7, faculty(true), before);
        assert_eq!(accounts.recall(7), None);
    }
}
