//! Access tokens: HS256 JWTs of fifteen minutes, checked strictly.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lectern_api_types::Role;
use serde::{Deserialize, Serialize};

use crate::domain::AuthUser;

pub const ISSUER: &str = "lectern";
pub const AUDIENCE: &str = "lectern-api";
/// RFC 9068's media type for access tokens, so a token minted for some other
/// purpose with the same key can never pass as one.
pub const TOKEN_TYPE: &str = "at+jwt";
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    role: Role,
    branch: Option<i64>,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Why a token was refused; all of them answer 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

/// Seconds a token is still taken after its `exp`, as `Validation` allows.
const LEEWAY_SECONDS: i64 = 30;

/// How many verified tokens are remembered: more than the staff signed in
/// within a token's fifteen minutes at an institute of hundreds.
const VERIFIED_CAPACITY: usize = 1024;

/// Signs and checks access tokens with one HMAC key; built once at start-up.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens that passed every check, each with its user and its `exp`.
    /// A client sends the same token with every request for fifteen
    /// minutes; checking it again (base64, HMAC, JSON) was 5% of a read
    /// (docs/benchmarks.md). The key is the whole token, signature
    /// included, so only the very string that was verified is found.
    verified: Mutex<HashMap<Box<str>, (AuthUser, i64)>>,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessTokens { .. }")
    }
}

impl AccessTokens {
    pub fn new(secret: &[u8]) -> Self {
        // The algorithm is pinned: a token naming any other, `none`
        // included, fails before its signature is looked at.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS.unsigned_abs();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Mutex::default(),
        }
    }

    /// A token for `user`, valid from `now` for [`ACCESS_TOKEN_SECONDS`].
    pub fn issue(&self, user: &AuthUser, now: DateTime<Utc>) -> anyhow::Result<String> {
        let iat = now.timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.id().to_string(),
            role: user.role(),
            branch: user.branch_id(),
            iat,
            nbf: iat,
            exp: iat + ACCESS_TOKEN_SECONDS,
        };
        let header = Header {
            typ: Some(TOKEN_TYPE.into()),
            ..Header::new(Algorithm::HS256)
        };
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    pub fn verify(&self, token: &str) -> Result<AuthUser, TokenError> {
        if let Some(user) = self.remembered(token, Utc::now().timestamp()) {
            return Ok(user);
        }
        let (user, expires) = self.check(token)?;
        let mut verified = self
            .verified
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forgetting them all at once keeps this simple; the next request
        // of each client checks its token again.
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(token.into(), (user, expires));
        Ok(user)
    }

    /// The user of `token` if it was verified before and has not expired
    /// by `now`; an expired one is forgotten and checked again, to be
    /// refused as expired.
    fn remembered(&self, token: &str, now: i64) -> Option<AuthUser> {
        let mut verified = self
            .verified
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let &(user, expires) = verified.get(token)?;
        if now > expires + LEEWAY_SECONDS {
            verified.remove(token);
            return None;
        }
        Some(user)
    }

    /// Every check of `token`: its type, algorithm, signature and claims.
    fn check(&self, token: &str) -> Result<(AuthUser, i64), TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.typ.as_deref() != Some(TOKEN_TYPE) {
            return Err(TokenError::Invalid);
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let claims = data.claims;
        let id = claims.sub.parse().map_err(|_| TokenError::Invalid)?;
        let user = AuthUser::new(id, claims.role, claims.branch).ok_or(TokenError::Invalid)?;
        Ok((user, claims.exp))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::Duration;

    use super::*;

    fn keys() -> AccessTokens {
        AccessTokens::new(&[7u8; 48])
    }

    fn faculty() -> AuthUser {
        AuthUser::new(42, Role::Faculty, Some(3)).unwrap()
    }

    #[test]
    fn an_issued_token_verifies_to_its_user() {
        let token = keys().issue(&faculty(), Utc::now()).unwrap();
        assert_eq!(keys().verify(&token), Ok(faculty()));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let token = keys()
            .issue(&faculty(), Utc::now() - Duration::hours(1))
            .unwrap();
        assert_eq!(keys().verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn tokens_not_yet_valid_are_refused() {
        let token = keys()
            .issue(&faculty(), Utc::now() + Duration::hours(1))
            .unwrap();
        assert_eq!(keys().verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn another_key_or_a_tampered_payload_fails() {
        let token = keys().issue(&faculty(), Utc::now()).unwrap();
        assert_eq!(
            AccessTokens::new(&[8u8; 48]).verify(&token),
            Err(TokenError::Invalid)
        );

        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        parts[1] = URL_SAFE_NO_PAD.encode(payload.replace("faculty", "super_admin"));
        assert_eq!(keys().verify(&parts.join(".")), Err(TokenError::Invalid));
    }

    #[test]
    fn a_remembered_token_is_forgotten_once_it_expires() {
        let keys = keys();
        let now = Utc::now();
        let token = keys.issue(&faculty(), now).unwrap();
        assert_eq!(keys.verify(&token), Ok(faculty()));
        let expires = now.timestamp() + ACCESS_TOKEN_SECONDS;
        assert_eq!(keys.remembered(&token, expires), Some(faculty()));
        assert_eq!(keys.remembered(&token, expires + LEEWAY_SECONDS + 1), None);
        assert_eq!(
            keys.remembered(&token, now.timestamp()),
            None,
            "an expired token is forgotten"
        );
    }

    #[test]
    fn only_the_verified_string_itself_is_remembered() {
        let keys = keys();
        let token = keys.issue(&faculty(), Utc::now()).unwrap();
        assert_eq!(keys.verify(&token), Ok(faculty()));
        // A character inside the signature, where all six bits count.
        let at = token.len() - 10;
        let other = if &token[at..=at] == "A" { "Q" } else { "A" };
        let forged = format!("{}{other}{}", &token[..at], &token[at + 1..]);
        assert_eq!(keys.verify(&forged), Err(TokenError::Invalid));
        assert_eq!(keys.verify(&token), Ok(faculty()));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#);
        let now = Utc::now().timestamp();
        let payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"iss":"lectern","aud":"lectern-api","sub":"1","role":"super_admin","branch":null,"iat":{now},"nbf":{now},"exp":{}}}"#,
            now + 600
        ));
        assert_eq!(
            keys().verify(&format!("{header}.{payload}.")),
            Err(TokenError::Invalid)
        );
    }
}
