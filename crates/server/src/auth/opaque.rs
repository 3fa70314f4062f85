//! Bearer secrets the server hands out and later recognises (refresh
//! tokens, API tokens): 256 random bits, kept only as their SHA-256. A fast
//! hash is enough to make a leaked table useless for a secret nobody can
//! guess; a password's slow hash guards guessable ones.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A new secret: 32 random bytes, URL-safe base64 (43 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of `secret`: its SHA-256, in hex.
pub fn stored_hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_is_the_hex_sha256_of_the_secret() {
        // FIPS 180-2's example.
        assert_eq!(
            stored_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_carry_256_bits() {
        let secret = new_secret();
        assert_eq!(secret.len(), 43);
        assert_ne!(secret, new_secret());
    }
}
