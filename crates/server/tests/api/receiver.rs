//! A real HTTP server on loopback that webhooks are delivered to: it keeps
//! every request it is sent and answers with the statuses it is told to.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac as _};
use serde_json::Value;
use sha2::Sha256;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Delivered {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Checks the signature as a receiver following Standard Webhooks
    /// does, with nothing of Lectern's code: HMAC-SHA256 of
    /// `id.timestamp.body` under the base64 key after `whsec_`.
    pub fn signed_with(&self, secret: &str) -> bool {
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
            .expect("a base64 key");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.", self.id, self.timestamp).as_bytes());
        mac.update(&self.body);
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|given| given == expected)
    }
}

#[derive(Default)]
struct Shared {
    received: Vec<Delivered>,
    /// Statuses to answer with, in turn; 200 once they run out.
    answers: VecDeque<u16>,
    /// How long each answer takes.
    delay: Duration,
}

pub struct Receiver {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
    handle: ServerHandle,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Arc<Mutex<Shared>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, delay) = {
        let mut shared = shared.lock().unwrap();
        shared.received.push(Delivered {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            content_type: header("content-type"),
            body: body.to_vec(),
        });
        (shared.answers.pop_front().unwrap_or(200), shared.delay)
    };
    tokio::time::sleep(delay).await;
    HttpResponse::build(StatusCode::from_u16(status).unwrap()).finish()
}

impl Receiver {
    pub async fn start() -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let data = web::Data::new(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("a loopback port");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/lectern"),
            shared,
            handle,
        }
    }

    /// The next requests are answered with `statuses`, in turn.
    pub fn answer_with(&self, statuses: &[u16]) {
        self.shared.lock().unwrap().answers.extend(statuses);
    }

    /// Each request from now on is answered `delay` after it arrived.
    pub fn answer_after(&self, delay: Duration) {
        self.shared.lock().unwrap().delay = delay;
    }

    pub fn received(&self) -> Vec<Delivered> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Waits until at least `count` requests have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivered> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{} of {count} webhook requests arrived",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}
