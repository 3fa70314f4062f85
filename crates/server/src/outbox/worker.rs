//! The worker inside every `lectern serve`: it polls the outbox, runs the
//! jobs it claims one after another, and settles each. Stopping finishes
//! the job in hand and gives back the claimed ones it had not started.

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{Job, events, store};
use crate::clock;
use crate::config::Config;
use crate::db::Db;
use crate::entities::outbox;
use crate::mail::Mailer;
use crate::services::auth;
use crate::webhooks::{self, sender::Sender};

/// Jobs claimed at once: few, so a stopping server gives back little and
/// another server shares the rest.
const BATCH: u64 = 8;

/// How often each server looks for sessions that became overdue, and
/// forgets what is no longer needed.
const OVERDUE_SCAN_EVERY: Duration = Duration::from_secs(5 * 60);

/// How long a finished job, or a webhook delivery delivered, stays to be
/// looked at.
const KEEP_DONE: chrono::Duration = chrono::Duration::days(30);

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub poll: Duration,
    pub lease: Duration,
    pub retry: Duration,
    pub max_attempts: i32,
    /// How long after its end an unrecorded session is overdue.
    pub overdue_after: chrono::Duration,
}

impl Settings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            poll: Duration::from_millis(config.outbox_poll_millis.max(10)),
            lease: Duration::from_secs(config.outbox_lease_seconds.max(1)),
            retry: Duration::from_secs(config.outbox_retry_seconds),
            max_attempts: config.outbox_max_attempts.max(1),
            overdue_after: chrono::Duration::hours(
                i64::try_from(config.overdue_hours).unwrap_or(i64::MAX / 3_600_000),
            ),
        }
    }
}

pub struct Worker {
    pub db: Db,
    pub mailer: Option<Mailer>,
    pub webhooks: Sender,
    pub settings: Settings,
}

/// A running worker, to be stopped.
pub struct Handle {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Handle {
    /// Asks the worker to stop and waits until it has.
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "the outbox worker ended abnormally");
        }
    }
}

impl Worker {
    pub fn start(self) -> Handle {
        let stop = CancellationToken::new();
        let task = tokio::spawn(self.run(stop.clone()));
        Handle { stop, task }
    }

    async fn run(self, stop: CancellationToken) {
        // Names this worker's claims in the table, for whoever reads it.
        let name = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        let mut claims: u64 = 0;
        let mut busy = false;
        let mut scanned: Option<Instant> = None;
        loop {
            if scanned.is_none_or(|at| at.elapsed() >= OVERDUE_SCAN_EVERY) {
                scanned = Some(Instant::now());
                let cutoff = clock::now() - self.settings.overdue_after;
                if let Err(err) = events::overdue(&self.db, cutoff).await {
                    tracing::warn!(error = %err, "looking for overdue sessions failed");
                }
                self.tidy().await;
            }
            if !busy {
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(self.settings.poll) => {}
                }
            }
            if stop.is_cancelled() {
                break;
            }
            claims += 1;
            let claim = format!("{name}:{claims}");
            let jobs = match store::claim(&self.db, &claim, self.settings.lease, BATCH).await {
                Ok(jobs) => jobs,
                Err(err) => {
                    tracing::warn!(error = %err, "claiming outbox jobs failed");
                    busy = false;
                    continue;
                }
            };
            // A full batch suggests more are due: ask again at once.
            busy = jobs.len() as u64 == BATCH;
            let mut jobs = jobs.into_iter();
            for job in jobs.by_ref() {
                // The batch's lease began at the claim; each job's at its start.
                match store::renew(&self.db, job.id, &claim, self.settings.lease).await {
                    Ok(true) => self.execute(&claim, job).await,
                    Ok(false) => {}
                    Err(err) => {
                        tracing::warn!(job = job.id, error = %err, "renewing an outbox job's lease failed; its lease will run out");
                    }
                }
                if stop.is_cancelled() {
                    break;
                }
            }
            for job in jobs {
                if let Err(err) = store::release(&self.db, job.id, &claim).await {
                    tracing::warn!(job = job.id, error = %err, "giving back an outbox job failed");
                }
            }
        }
    }

    /// Forgets finished jobs, delivered webhook messages and expired
    /// refresh tokens. Every server does it; a row gone already is not
    /// deleted twice.
    async fn tidy(&self) {
        let now = clock::now();
        if let Err(err) = store::prune(&self.db, now - KEEP_DONE).await {
            tracing::warn!(error = %err, "forgetting finished outbox jobs failed");
        }
        if let Err(err) = webhooks::forget_delivered(&self.db, now - KEEP_DONE).await {
            tracing::warn!(error = %err, "forgetting delivered webhook messages failed");
        }
        if let Err(err) = auth::forget_expired(&self.db, now).await {
            tracing::warn!(error = %err, "forgetting expired refresh tokens failed");
        }
    }

    async fn execute(&self, claim: &str, job: outbox::Model) {
        let outcome = match Job::read(&job.kind, &job.payload) {
            Some(work) => {
                // Within the lease, or another worker may take the job while
                // this one still runs it.
                match tokio::time::timeout(self.settings.lease / 2, self.perform(&job, work)).await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(anyhow::anyhow!("timed out")),
                }
            }
            None => Err(anyhow::anyhow!(
                "this server does not know jobs of this kind"
            )),
        };
        let settled = match outcome {
            Ok(()) => store::done(&self.db, job.id, claim).await,
            Err(err) => {
                let error = format!("{err:#}");
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error, "an outbox job failed");
                let retry_in = store::backoff(self.settings.retry, job.attempts);
                store::failed(
                    &self.db,
                    &job,
                    claim,
                    &error,
                    retry_in,
                    self.settings.max_attempts,
                )
                .await
            }
        };
        if let Err(err) = settled {
            tracing::warn!(job = job.id, error = %err, "settling an outbox job failed");
        }
    }

    async fn perform(&self, row: &outbox::Model, job: Job) -> anyhow::Result<()> {
        match job {
            // Without SMTP nothing is sent, and nothing fails.
            Job::Mail(mail, job) => match &self.mailer {
                Some(mailer) => mailer.deliver(&self.db, row.id, mail, job).await,
                None => Ok(()),
            },
            Job::Webhook(job) => {
                let last = row.attempts >= self.settings.max_attempts;
                self.webhooks
                    .deliver(&self.db, job.delivery_id, row.attempts, last)
                    .await
            }
        }
    }
}
