//! Signed download links, for `<video src>` and `<a href>`, which cannot
//! send a bearer header. A link names one attachment and an expiry, signed
//! with a key derived from the server secret, so any server that shares the
//! secret accepts it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long a link works.
pub const LINK_SECONDS: i64 = 10 * 60;

pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner { .. }")
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length.
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"))
}

impl LinkSigner {
    /// A key of its own, so a link signature can never pass as a token's.
    pub fn new(secret: &[u8]) -> Self {
        let mut derive = mac(secret);
        derive.update(b"lectern attachment links v1");
        Self {
            key: derive.finalize().into_bytes().to_vec(),
        }
    }

    fn message(completion_id: i64, attachment_id: i64, expires: i64) -> String {
        format!("{completion_id}:{attachment_id}:{expires}")
    }

    pub fn sign(&self, completion_id: i64, attachment_id: i64, expires: i64) -> String {
        let mut signer = mac(&self.key);
        signer.update(Self::message(completion_id, attachment_id, expires).as_bytes());
        URL_SAFE_NO_PAD.encode(signer.finalize().into_bytes())
    }

    /// Whether `signature` was made for this attachment and has not expired.
    pub fn verify(
        &self,
        completion_id: i64,
        attachment_id: i64,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut checker = mac(&self.key);
        checker.update(Self::message(completion_id, attachment_id, expires).as_bytes());
        expires > now && checker.verify_slice(&signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_for_its_attachment_until_it_expires() {
        let signer = LinkSigner::new(b"secret");
        let signature = signer.sign(1, 2, 1_000);
        assert!(signer.verify(1, 2, 1_000, &signature, 999));
        assert!(!signer.verify(1, 2, 1_000, &signature, 1_000), "expired");
        assert!(
            !signer.verify(1, 3, 1_000, &signature, 999),
            "another attachment"
        );
        assert!(
            !signer.verify(1, 2, 2_000, &signature, 999),
            "a stretched expiry"
        );
        assert!(!signer.verify(1, 2, 1_000, "garbage!", 999));
        assert!(
            !LinkSigner::new(b"other").verify(1, 2, 1_000, &signature, 999),
            "another server secret"
        );
    }
}
