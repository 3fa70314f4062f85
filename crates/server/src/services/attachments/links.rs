//! Signed download links, for `<video src>` and `<a href>`, which cannot
//! send a bearer header. A link names one attachment, whom it was made for
//! and an expiry, signed
//! with a key derived from the server secret, so any server that shares the
//! secret accepts it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;

use crate::auth::secret::{derive_key, hmac};

/// How long a link works.
pub const LINK_SECONDS: i64 = 10 * 60;

/// What a link opens, for whom (its downloads are recorded as theirs), and
/// until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub completion_id: i64,
    pub attachment_id: i64,
    pub user_id: i64,
    /// Unix seconds.
    pub expires: i64,
}

pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner { .. }")
    }
}

impl LinkSigner {
    /// A key of its own, so a link signature can never pass as a token's.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: derive_key(secret, "lectern attachment links v1"),
        }
    }

    fn message(link: &Link) -> String {
        format!(
            "{}:{}:{}:{}",
            link.completion_id, link.attachment_id, link.user_id, link.expires
        )
    }

    pub fn sign(&self, link: &Link) -> String {
        let mut signer = hmac(&self.key);
        signer.update(Self::message(link).as_bytes());
        URL_SAFE_NO_PAD.encode(signer.finalize().into_bytes())
    }

    /// Whether `signature` was made for this link and it has not expired.
    pub fn verify(&self, link: &Link, signature: &str, now: i64) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut checker = hmac(&self.key);
        checker.update(Self::message(link).as_bytes());
        link.expires > now && checker.verify_slice(&signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: Link = Link {
        completion_id: 1,
        attachment_id: 2,
        user_id: 7,
        expires: 1_000,
    };

    #[test]
    fn a_link_works_for_its_attachment_and_person_until_it_expires() {
        let signer = LinkSigner::new(b"secret");
        let signature = signer.sign(&LINK);
        assert!(signer.verify(&LINK, &signature, 999));
        assert!(!signer.verify(&LINK, &signature, 1_000), "expired");
        let other = |link: Link| signer.verify(&link, &signature, 999);
        assert!(
            !other(Link {
                attachment_id: 3,
                ..LINK
            }),
            "another attachment"
        );
        assert!(
            !other(Link {
                expires: 2_000,
                ..LINK
            }),
            "a stretched expiry"
        );
        assert!(
            !other(Link { user_id: 8, ..LINK }),
            "counted for someone else"
        );
        assert!(!signer.verify(&LINK, "garbage!", 999));
        assert!(
            !LinkSigner::new(b"other").verify(&LINK, &signature, 999),
            "another server secret"
        );
    }
}
