//! The login rate limit, per account and per client address.
//!
//! Kept in memory: each server limits what reaches it, which bounds password
//! guessing per process without a shared store. Every attempt counts, not
//! only failures, so the limit also caps the CPU that hashing can be made
//! to burn.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The window the configured attempt counts apply to.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

pub struct LoginLimiter {
    by_account: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginLimiter { .. }")
    }
}

/// `attempts` in any [`WINDOW`], refilled evenly across it.
fn quota(attempts: u32) -> Quota {
    let attempts = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(WINDOW / attempts.get())
        .unwrap_or_else(|| Quota::per_second(attempts))
        .allow_burst(attempts)
}

impl LoginLimiter {
    pub fn new(per_account: u32, per_address: u32) -> Self {
        Self {
            by_account: RateLimiter::keyed(quota(per_account)),
            by_address: RateLimiter::keyed(quota(per_address)),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(wait)` when either limit is spent. The address is checked first
    /// so one address guessing many accounts is stopped without using up
    /// those accounts' own allowances.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), Duration> {
        let now = self.clock.now();
        self.by_address
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(now))?;
        self.by_account
            .check_key(&account.to_owned())
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// Forgets keys whose allowance is full again, so memory tracks recent
    /// attempts, not every address ever seen.
    pub fn forget_idle(&self) {
        self.by_account.retain_recent();
        self.by_address.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const AWAY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_account_gets_its_allowance_then_waits() {
        let limiter = LoginLimiter::new(3, 100);
        for _ in 0..3 {
            assert!(limiter.check("a@x.test", HOME).is_ok());
        }
        let wait = limiter.check("a@x.test", AWAY).unwrap_err();
        assert!(
            wait > Duration::from_secs(60) && wait <= WINDOW / 3,
            "{wait:?}"
        );
        assert!(limiter.check("b@x.test", HOME).is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limiter = LoginLimiter::new(100, 2);
        assert!(limiter.check("a@x.test", HOME).is_ok());
        assert!(limiter.check("b@x.test", HOME).is_ok());
        assert!(limiter.check("c@x.test", HOME).is_err());
        assert!(limiter.check("c@x.test", AWAY).is_ok());
    }
}
