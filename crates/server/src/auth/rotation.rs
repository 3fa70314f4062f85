//! The refresh token that replaces a spent one. It is derived from the
//! spent token with a key of the server's own (HMAC-SHA256), so it is as
//! unguessable as a random one, yet the server can name it again when the
//! same client presents the spent token twice in a moment (two tabs
//! refreshing at once) without ever storing a token in the clear.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use sha2::{Digest as _, Sha256};

use super::secret::{derive_key, hmac};

pub struct Rotation {
    key: Vec<u8>,
}

impl std::fmt::Debug for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rotation { .. }")
    }
}

impl Rotation {
    /// A key of its own, so a successor can never pass as a link's or a
    /// token's signature.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: derive_key(secret, "lectern refresh rotation v1"),
        }
    }

    /// The refresh token that replaces `spent`.
    pub fn successor(&self, spent: &str) -> String {
        let mut successor = hmac(&self.key);
        successor.update(spent.as_bytes());
        URL_SAFE_NO_PAD.encode(successor.finalize().into_bytes())
    }
}

/// Who presents a refresh token, as far as a server can tell: its address
/// and user agent, hashed, so two tabs of one browser are one client.
pub fn client_fingerprint(address: &str, user_agent: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(address.as_bytes());
    hash.update(b"\n");
    hash.update(user_agent.as_bytes());
    format!("{:x}", hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_successor_is_the_same_for_one_token_and_differs_between_tokens_and_keys() {
        let rotation = Rotation::new(b"secret");
        assert_eq!(rotation.successor("a"), rotation.successor("a"));
        assert_ne!(rotation.successor("a"), rotation.successor("b"));
        assert_ne!(
            rotation.successor("a"),
            Rotation::new(b"other").successor("a")
        );
        // 256 bits, like a random token.
        assert_eq!(rotation.successor("a").len(), 43);
    }

    #[test]
    fn a_client_is_its_address_and_its_user_agent() {
        let phone = client_fingerprint("10.0.0.7", "Firefox");
        assert_eq!(phone, client_fingerprint("10.0.0.7", "Firefox"));
        assert_ne!(phone, client_fingerprint("10.0.0.8", "Firefox"));
        assert_ne!(phone, client_fingerprint("10.0.0.7", "Chromium"));
    }
}
