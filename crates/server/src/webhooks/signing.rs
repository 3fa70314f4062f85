//! Standard Webhooks signatures: the secret is `whsec_` and the base64 of
//! the HMAC key; a message is signed as `v1,` and the base64 of
//! HMAC-SHA256 over `"{id}.{timestamp}.{body}"`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;

const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: 24 random bytes, as Standard Webhooks libraries
/// take them.
pub fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::rng().fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// A new `webhook-id`: unique to one message, kept across its attempts.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("msg_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The `webhook-signature` header of one attempt; `None` when the stored
/// secret is not one this module made.
pub fn signature(secret: &str, message_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_specifications_example() {
        // The example of the Standard Webhooks specification.
        assert_eq!(
            signature(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#,
            )
            .as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn new_secrets_sign_and_a_foreign_one_does_not() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        assert!(signature(&secret, "msg_1", 1, b"{}").is_some());
        assert_ne!(
            signature(&secret, "msg_1", 1, b"{}"),
            signature(&new_secret(), "msg_1", 1, b"{}")
        );
        assert_eq!(signature("not a secret", "msg_1", 1, b"{}"), None);
        assert_ne!(new_message_id(), new_message_id());
    }
}
