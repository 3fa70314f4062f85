//! Answers go out in the coding the client prefers and decode to what an
//! uncompressed answer says; what is short goes out as it is.

use std::io::Read as _;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, VARY};
use serde_json::Value;

use crate::helpers::TestApp;
use crate::oversight::dataset;

/// What Chromium and Firefox send.
const BROWSER: &str = "gzip, deflate, br, zstd";

struct Answer {
    status: StatusCode,
    coding: Option<String>,
    vary: String,
    sent: usize,
    body: Vec<u8>,
}

/// `sent` decoded by the `Content-Encoding` it came with.
pub fn decoded(coding: Option<&str>, sent: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    match coding {
        Some("zstd") => {
            zstd::stream::copy_decode(sent, &mut body).expect("a body marked zstd is zstd");
        }
        Some("br") => {
            brotli::Decompressor::new(sent, 4096)
                .read_to_end(&mut body)
                .expect("a body marked br is brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(sent)
                .read_to_end(&mut body)
                .expect("a body marked gzip is gzip");
        }
        None | Some("identity") => body.extend_from_slice(sent),
        Some(other) => panic!("an unexpected coding {other}"),
    }
    body
}

/// `url` asked for with `accept`, its body decoded by the coding it came in.
async fn fetch(app: &TestApp, url: &str, token: Option<&str>, accept: Option<&str>) -> Answer {
    let mut request = app.client.get(app.url(url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let coding = Some(header(CONTENT_ENCODING)).filter(|coding| !coding.is_empty());
    let vary = header(VARY);
    let sent = response.bytes().await.unwrap().to_vec();
    let body = decoded(coding.as_deref(), &sent);
    Answer {
        status,
        coding,
        vary,
        sent: sent.len(),
        body,
    }
}

#[tokio::test]
async fn a_page_of_sessions_comes_in_the_coding_the_client_prefers() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let url = "/api/v1/completions?limit=20";
    let plain = fetch(&app, url, Some(&admin), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.coding, None);
    assert!(
        plain.sent > 1024,
        "a page worth compressing: {}",
        plain.sent
    );
    let page: Value = serde_json::from_slice(&plain.body).unwrap();

    for (accept, expected) in [
        (BROWSER, "zstd"),
        ("gzip, deflate, br", "gzip"),
        ("br", "br"),
        ("zstd;q=0, GZIP", "gzip"),
    ] {
        let answer = fetch(&app, url, Some(&admin), Some(accept)).await;
        assert_eq!(answer.status, StatusCode::OK, "{accept}");
        assert_eq!(answer.coding.as_deref(), Some(expected), "{accept}");
        assert!(
            answer.vary.to_lowercase().contains("accept-encoding"),
            "{accept}: {}",
            answer.vary
        );
        assert!(answer.sent * 2 < plain.sent, "{accept}: {}", answer.sent);
        let decoded: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(decoded, page, "{accept}");
    }

    // A client that accepts none of ours gets the page as it is, and a
    // cache is still told the answer depends on the header.
    let answer = fetch(&app, url, Some(&admin), Some("deflate, compress")).await;
    assert_eq!(answer.coding, None);
    assert!(answer.vary.to_lowercase().contains("accept-encoding"));
    assert_eq!(serde_json::from_slice::<Value>(&answer.body).unwrap(), page);
}

#[tokio::test]
async fn a_short_answer_goes_out_as_it_is() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let answer = fetch(
        &app,
        "/api/v1/completions/999999",
        Some(&admin),
        Some(BROWSER),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.coding, None);
    let problem: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(problem["status"], 404);
}

#[tokio::test]
async fn an_export_streams_compressed() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let url = "/api/v1/completions/export?format=csv&sort=scheduled_start";
    let plain = fetch(&app, url, Some(&admin), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    let answer = fetch(&app, url, Some(&admin), Some(BROWSER)).await;
    assert_eq!(answer.coding.as_deref(), Some("zstd"));
    assert_eq!(
        String::from_utf8(answer.body).unwrap(),
        String::from_utf8(plain.body).unwrap()
    );
}

#[tokio::test]
async fn a_large_finished_answer_is_compressed_too() {
    // Swagger UI's script is well over what is compressed on the request's
    // thread, so it goes through the encoder that works off it.
    let app = TestApp::spawn().await;
    let url = "/api/docs/swagger-ui-bundle.js";
    let plain = fetch(&app, url, None, None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.sent > 256 * 1024, "{}", plain.sent);
    let answer = fetch(&app, url, None, Some("br")).await;
    assert_eq!(answer.coding.as_deref(), Some("br"));
    assert!(answer.sent * 2 < plain.sent, "{}", answer.sent);
    assert!(answer.body == plain.body, "the script decodes to itself");
}
