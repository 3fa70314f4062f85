//! Slow clients are cut off: headers that trickle in, bodies that stop.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::attachments::{Setup, png, setup_with};
use crate::helpers::TestApp;

async fn connect(app: &TestApp) -> TcpStream {
    let address = app.address.trim_start_matches("http://");
    TcpStream::connect(address).await.unwrap()
}

/// Reads until the server closes the connection, or `limit` passes.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buffer),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => panic!("the server kept the connection open for {limit:?}"),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn headers_that_trickle_in_are_cut_off() {
    let app = TestApp::spawn_with(|config| config.header_timeout_seconds = 1).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: lectern\r\n")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if stream.write_all(b"X-Slow: a\r\n").await.is_err() {
                break;
            }
        }
        stream
    });
    let mut stream = trickle.await.unwrap();
    let (response, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 408"),
        "{response}"
    );
}

#[tokio::test]
async fn a_json_body_that_stops_arriving_gets_408() {
    let app = TestApp::spawn_with(|config| config.body_timeout_seconds = 1).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: lectern\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
        .await
        .unwrap();
    let (response, waited) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains("urn:lectern:problem:request-timeout"),
        "{response}"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn an_upload_that_stops_arriving_gets_408_and_leaves_nothing() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup_with(|config| config.body_timeout_seconds = 1).await;
    let mut stream = connect(&app).await;
    let boundary = "lectern-boundary";
    let head = format!(
        "POST /api/v1/completions/{}/attachments HTTP/1.1\r\nHost: lectern\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.png\"\r\nContent-Type: image/png\r\n\r\n",
        session.id
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&png(100_000)).await.unwrap();
    let (response, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    let temporaries = std::fs::read_dir(app.config.upload_dir())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(
        temporaries, 0,
        "the stalled upload's temporary file is gone"
    );
}

/// A form stalled outside its file's bytes is cut off too: before its
/// first part, or after a whole file without the closing boundary (a
/// request that waited for ever, its 100 MB temporary file kept on disk).
#[tokio::test]
async fn an_upload_that_stops_between_its_parts_gets_408_and_leaves_nothing() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup_with(|config| config.body_timeout_seconds = 1).await;
    let boundary = "lectern-boundary";
    let head = format!(
        "POST /api/v1/completions/{}/attachments HTTP/1.1\r\nHost: lectern\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n",
        session.id
    );
    let file_part = |bytes: &[u8]| {
        let mut part = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"board.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        part.extend_from_slice(bytes);
        part.extend_from_slice(b"\r\n");
        part
    };
    for (stalls, sent) in [
        ("before its first part", b"a preamble\r\n".to_vec()),
        ("after its whole file", file_part(&png(100_000))),
    ] {
        let mut stream = connect(&app).await;
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&sent).await.unwrap();
        let (response, waited) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        assert!(response.starts_with("HTTP/1.1 408"), "{stalls}: {response}");
        assert!(waited < Duration::from_secs(5), "{stalls}: {waited:?}");
        let temporaries = std::fs::read_dir(app.config.upload_dir())
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(temporaries, 0, "{stalls}: a temporary file was left");
    }
}
