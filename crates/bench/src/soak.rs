//! `lectern-bench soak`: minutes of mixed traffic as staff and admins make
//! it (lists, sessions opened, sessions completed, notes, small uploads
//! and their downloads) while the server's memory is sampled.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::auth::TokenResponse;
use lectern_api_types::sessions::{Attachment, Completion};
use rand::Rng as _;
use reqwest::multipart::{Form, Part};
use tokio::sync::Mutex as AsyncMutex;

/// A small PDF: the upload path's sniffing, hashing, fsync and rename at a
/// size a phone sends every day.
const UPLOAD_BYTES: usize = 256 * 1024;

#[derive(Default, serde::Serialize)]
pub struct Report {
    /// Requests by kind, then by status (`"error"` when no answer came).
    pub requests: BTreeMap<&'static str, BTreeMap<String, u64>>,
    pub server_errors: u64,
    pub transport_errors: u64,
    /// (seconds since the start, resident set in KiB), every five seconds.
    pub rss_kib: Vec<(u64, u64)>,
    pub seconds: f64,
}

/// A session's id and scheduled span.
type Sitting = (i64, DateTime<Utc>, DateTime<Utc>);

struct Shared {
    client: reqwest::Client,
    base: String,
    token: String,
    /// Past sessions still pending, for the completions.
    pending: AsyncMutex<Vec<Sitting>>,
    /// Files uploaded during the soak, for the downloads.
    uploaded: Mutex<Vec<(i64, i64)>>,
    max_id: i64,
    report: Mutex<Report>,
}

impl Shared {
    fn count(&self, kind: &'static str, outcome: Result<u16, ()>) {
        let mut report = self.report.lock().expect("the report lock");
        let status = match outcome {
            Ok(status) => {
                if status >= 500 {
                    report.server_errors += 1;
                }
                status.to_string()
            }
            Err(()) => {
                report.transport_errors += 1;
                "error".into()
            }
        };
        *report
            .requests
            .entry(kind)
            .or_default()
            .entry(status)
            .or_default() += 1;
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }
}

#[derive(clap::Args)]
pub struct Plan {
    /// The server's base URL
    #[arg(long = "url")]
    pub base: String,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub password: String,
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    #[arg(long)]
    pub seconds: u64,
    /// The largest session id; sessions are drawn from 1 to it.
    #[arg(long)]
    pub max_id: i64,
    /// The server's process, whose memory is sampled.
    #[arg(long)]
    pub pid: Option<u32>,
}

pub async fn run(plan: Plan) -> anyhow::Result<Report> {
    let Plan {
        base,
        email,
        password,
        clients,
        seconds,
        max_id,
        pid,
    } = plan;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let login: TokenResponse = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let shared = Arc::new(Shared {
        client,
        base,
        token: login.access_token,
        pending: AsyncMutex::new(Vec::new()),
        uploaded: Mutex::new(Vec::new()),
        max_id,
        report: Mutex::new(Report::default()),
    });

    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let sampler = pid.map(|pid| {
        let shared = shared.clone();
        tokio::spawn(async move {
            while Instant::now() < until {
                if let Some(kib) = resident_kib(pid) {
                    let at = started.elapsed().as_secs();
                    shared
                        .report
                        .lock()
                        .expect("the report lock")
                        .rss_kib
                        .push((at, kib));
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        })
    });
    let mut workers = Vec::new();
    for _ in 0..clients {
        let shared = shared.clone();
        workers.push(tokio::spawn(async move {
            while Instant::now() < until {
                step(&shared).await;
            }
        }));
    }
    for worker in workers {
        worker.await?;
    }
    if let Some(sampler) = sampler {
        sampler.await?;
    }
    let mut report = std::mem::take(&mut *shared.report.lock().expect("the report lock"));
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// One request, drawn with the weights of a working day: mostly reading.
async fn step(shared: &Shared) {
    let roll = rand::rng().random_range(0..100);
    match roll {
        0..45 => list(shared).await,
        45..75 => get(shared).await,
        75..85 => complete(shared).await,
        85..93 => note(shared).await,
        93..97 => upload(shared).await,
        _ => download(shared).await,
    }
}

async fn list(shared: &Shared) {
    let status = [
        "",
        "&status=completed",
        "&status=pending",
        "&status=cancelled",
    ][rand::rng().random_range(0..4)];
    let outcome = read(
        shared
            .client
            .get(shared.url(&format!("/completions?limit=20{status}")))
            .bearer_auth(&shared.token),
    )
    .await;
    shared.count("list", outcome);
}

async fn get(shared: &Shared) {
    let id = rand::rng().random_range(1..=shared.max_id);
    let outcome = read(
        shared
            .client
            .get(shared.url(&format!("/completions/{id}")))
            .bearer_auth(&shared.token),
    )
    .await;
    shared.count("get", outcome);
}

/// Sends `request` and reads its body, which is part of the request's cost.
async fn read(request: reqwest::RequestBuilder) -> Result<u16, ()> {
    let response = request.send().await.map_err(drop)?;
    let code = response.status().as_u16();
    response.bytes().await.map_err(drop)?;
    Ok(code)
}

/// Completes a past pending session with its scheduled times, refilling
/// the queue from the list of pending sessions when it runs dry.
async fn complete(shared: &Shared) {
    let next = {
        let mut pending = shared.pending.lock().await;
        if pending.is_empty() {
            let to = Utc::now().date_naive().pred_opt().unwrap_or_default();
            let page = shared
                .client
                .get(shared.url(&format!("/completions?status=pending&to={to}&limit=100")))
                .bearer_auth(&shared.token)
                .send()
                .await;
            let page = match page {
                Ok(response) => {
                    let status = response.status().as_u16();
                    shared.count("list", Ok(status));
                    response.json::<Page<Completion>>().await.ok()
                }
                Err(_) => {
                    shared.count("list", Err(()));
                    None
                }
            };
            pending.extend(
                page.into_iter()
                    .flat_map(|page| page.items)
                    .map(|s| (s.id, s.scheduled_start, s.scheduled_end)),
            );
        }
        pending.pop()
    };
    let Some((id, start, end)) = next else {
        return;
    };
    let outcome = read(
        shared
            .client
            .post(shared.url(&format!("/completions/{id}/complete")))
            .bearer_auth(&shared.token)
            .json(&serde_json::json!({
                "actual_start_time": start,
                "actual_end_time": end,
                "notes": "Held as planned; recorded during the soak."
            })),
    )
    .await;
    shared.count("complete", outcome);
}

async fn note(shared: &Shared) {
    let id = rand::rng().random_range(1..=shared.max_id);
    let outcome = read(
        shared
            .client
            .post(shared.url(&format!("/completions/{id}/notes")))
            .bearer_auth(&shared.token)
            .json(&serde_json::json!({
                "note_type": "follow_up",
                "note_text": "Learners asked for the slides again; shared them."
            })),
    )
    .await;
    shared.count("note", outcome);
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(UPLOAD_BYTES, 0);
    rand::rng().fill(&mut bytes[9..]);
    bytes
}

async fn upload(shared: &Shared) {
    let id = rand::rng().random_range(1..=shared.max_id);
    let part = Part::bytes(pdf())
        .file_name("handout.pdf")
        .mime_str("application/pdf")
        .expect("a valid MIME type");
    let response = shared
        .client
        .post(shared.url(&format!("/completions/{id}/attachments")))
        .bearer_auth(&shared.token)
        .multipart(Form::new().part("file", part))
        .send()
        .await;
    let outcome = match response {
        Ok(response) => {
            let status = response.status().as_u16();
            if let Ok(attachment) = response.json::<Attachment>().await {
                shared
                    .uploaded
                    .lock()
                    .expect("the upload list lock")
                    .push((attachment.completion_id, attachment.id));
            }
            Ok(status)
        }
        Err(_) => Err(()),
    };
    shared.count("upload", outcome);
}

async fn download(shared: &Shared) {
    let file = {
        let uploaded = shared.uploaded.lock().expect("the upload list lock");
        if uploaded.is_empty() {
            None
        } else {
            Some(uploaded[rand::rng().random_range(0..uploaded.len())])
        }
    };
    let Some((session, attachment)) = file else {
        return get(shared).await;
    };
    let outcome = read(
        shared
            .client
            .get(shared.url(&format!(
                "/completions/{session}/attachments/{attachment}/content"
            )))
            .bearer_auth(&shared.token),
    )
    .await;
    shared.count("download", outcome);
}

/// The resident set of a process, from `/proc/<pid>/status`.
pub fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}
