//! Authentication: password hashes, access tokens, the `AuthUser`
//! extractor, the login rate limit and the signing secret.

pub mod accounts;
pub mod extractor;
pub mod opaque;
pub mod password;
pub mod rate_limit;
pub mod rotation;
pub mod secret;
pub mod tokens;

pub use accounts::Accounts;
pub use rate_limit::LoginLimiter;
pub use tokens::AccessTokens;
