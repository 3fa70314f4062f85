//! Access tokens that were not minted by us, or not for this, get 401.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, TestApp, assert_problem};

fn claims(sub: i64, overrides: &Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": "lectern", "aud": "lectern-api", "sub": sub.to_string(),
        "role": "super_admin", "branch": null,
        "iat": now, "nbf": now, "exp": now + 600,
    });
    for (key, value) in overrides.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

fn sign(header: &Header, claims: &Value, key: &[u8]) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(key)).unwrap()
}

fn access_header() -> Header {
    Header {
        typ: Some("at+jwt".into()),
        ..Header::new(Algorithm::HS256)
    }
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_all_refused() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let key = JWT_SECRET.as_bytes();
    let now = chrono::Utc::now().timestamp();

    let genuine = sign(&access_header(), &claims(admin.id, &json!({})), key);
    assert_eq!(
        app.get("/me", &genuine).await.status(),
        StatusCode::OK,
        "the baseline token works"
    );

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#),
        URL_SAFE_NO_PAD.encode(claims(admin.id, &json!({})).to_string())
    );
    let kid_injection = sign(
        &Header {
            kid: Some("../../../../dev/null".into()),
            ..access_header()
        },
        &claims(admin.id, &json!({})),
        b"",
    );
    let cases = [
        ("alg none", unsigned),
        (
            "another key",
            sign(
                &access_header(),
                &claims(admin.id, &json!({})),
                b"some-other-secret-of-enough-length!!",
            ),
        ),
        ("kid pointing at an empty key", kid_injection),
        (
            "another algorithm",
            sign(
                &Header {
                    typ: Some("at+jwt".into()),
                    ..Header::new(Algorithm::HS512)
                },
                &claims(admin.id, &json!({})),
                key,
            ),
        ),
        (
            "wrong audience",
            sign(
                &access_header(),
                &claims(admin.id, &json!({"aud": "another-api"})),
                key,
            ),
        ),
        (
            "wrong issuer",
            sign(
                &access_header(),
                &claims(admin.id, &json!({"iss": "someone-else"})),
                key,
            ),
        ),
        (
            "plain JWT type",
            sign(
                &Header::new(Algorithm::HS256),
                &claims(admin.id, &json!({})),
                key,
            ),
        ),
        (
            "expired",
            sign(
                &access_header(),
                &claims(
                    admin.id,
                    &json!({"iat": now - 3600, "nbf": now - 3600, "exp": now - 1800}),
                ),
                key,
            ),
        ),
        (
            "not yet valid",
            sign(
                &access_header(),
                &claims(admin.id, &json!({"nbf": now + 3600})),
                key,
            ),
        ),
        (
            "no expiry",
            sign(
                &access_header(),
                &claims(admin.id, &json!({"exp": null})),
                key,
            ),
        ),
        (
            "a role without its branch",
            sign(
                &access_header(),
                &claims(admin.id, &json!({"role": "faculty"})),
                key,
            ),
        ),
        ("garbage", "not.a.token".into()),
    ];
    for (case, token) in cases {
        let response = app.get("/me", &token).await;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        assert!(
            challenge.is_some_and(|c| c.starts_with("Bearer")),
            "{case}: a Bearer challenge"
        );
        assert_problem(response, StatusCode::UNAUTHORIZED).await;
    }

    let basic = app
        .client
        .get(app.api("/me"))
        .basic_auth("admin", Some("pw"))
        .send()
        .await
        .unwrap();
    assert_problem(basic, StatusCode::UNAUTHORIZED).await;
    let missing = app.client.get(app.api("/me")).send().await.unwrap();
    assert_problem(missing, StatusCode::UNAUTHORIZED).await;
}
