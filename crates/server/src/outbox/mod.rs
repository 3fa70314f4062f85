//! Background work. A change leaves its jobs in the `outbox` table inside
//! its own transaction, so a job exists exactly when its cause committed;
//! the worker that runs inside every `lectern serve` claims the due ones
//! (each by one server, however many share the database), runs them,
//! and retries a failure later, up to a limit.

pub mod events;
pub mod store;
pub mod worker;

use serde::{Deserialize, Serialize};

/// An email about one session to one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailJob {
    pub session_id: i64,
    pub to_user_id: i64,
}

/// Which email.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mail {
    /// A record was completed in an admin's branch.
    Completed,
    /// One's own record was returned for correction.
    Returned,
    /// One's own session ended and nothing was recorded.
    Overdue,
}

impl Mail {
    pub const ALL: [Mail; 3] = [Mail::Completed, Mail::Returned, Mail::Overdue];

    pub fn name(self) -> &'static str {
        match self {
            Mail::Completed => "completed",
            Mail::Returned => "returned",
            Mail::Overdue => "overdue",
        }
    }

    /// The `kind` of its jobs.
    fn kind(self) -> String {
        format!("mail.{}", self.name())
    }
}

/// One message to a webhook, already written to its delivery log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookJob {
    pub delivery_id: i64,
}

const WEBHOOK_KIND: &str = "webhook.deliver";

/// One job, as the worker runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    Mail(Mail, MailJob),
    Webhook(WebhookJob),
}

impl Job {
    /// The `kind` column: what the job does.
    pub fn kind(&self) -> String {
        match self {
            Job::Mail(mail, _) => mail.kind(),
            Job::Webhook(_) => WEBHOOK_KIND.to_owned(),
        }
    }

    /// The `payload` column: what it acts on.
    pub fn payload(&self) -> serde_json::Value {
        match self {
            Job::Mail(_, job) => serde_json::json!(job),
            Job::Webhook(job) => serde_json::json!(job),
        }
    }

    /// Every kind this server runs; it claims no others, so a job written
    /// by a newer server waits for one that knows it.
    pub fn kinds() -> Vec<String> {
        Mail::ALL
            .into_iter()
            .map(Mail::kind)
            .chain([WEBHOOK_KIND.to_owned()])
            .collect()
    }

    /// The job a row holds; `None` for a kind this server does not know.
    pub fn read(kind: &str, payload: &str) -> Option<Self> {
        if kind == WEBHOOK_KIND {
            return serde_json::from_str(payload).ok().map(Job::Webhook);
        }
        let mail = Mail::ALL.into_iter().find(|mail| mail.kind() == kind)?;
        serde_json::from_str(payload)
            .ok()
            .map(|job| Job::Mail(mail, job))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reads_back_as_written() {
        for mail in Mail::ALL {
            let job = Job::Mail(
                mail,
                MailJob {
                    session_id: 41,
                    to_user_id: 2,
                },
            );
            let payload = job.payload().to_string();
            assert_eq!(Job::read(&job.kind(), &payload), Some(job));
            assert!(Job::kinds().contains(&job.kind()));
        }
        let webhook = Job::Webhook(WebhookJob { delivery_id: 7 });
        assert_eq!(
            Job::read(&webhook.kind(), &webhook.payload().to_string()),
            Some(webhook)
        );
        assert_eq!(Job::kinds().len(), Mail::ALL.len() + 1);
        assert_eq!(Job::read("mail.unheard_of", "{}"), None);
        assert_eq!(Job::read("webhook.delivery", "{}"), None);
        assert_eq!(Job::read("webhook.deliver", "{}"), None);
    }
}
