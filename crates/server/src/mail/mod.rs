//! Email: what the outbox's mail jobs send, over SMTP with `lettre`, from
//! templates kept in `templates/mail/` (a subject, a plain-text part and an
//! HTML part each, rendered by `minijinja`, which escapes the HTML).
//!
//! A job is rendered when it runs, from the session and the person as they
//! are then: an email never names someone by an old address, and a person
//! who turned the email off meanwhile gets none.

mod render;

use std::time::Duration;

use lectern_api_types::Role;
use lectern_api_types::schedule::{CompletionStatus, Review};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use crate::config::Config;
use crate::db::Db;
use crate::entities::{completion, user};
use crate::outbox::{Mail, MailJob};
use crate::services::sessions::{SessionRow, select_rows, to_completions};

/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends Lectern's emails; there is none without `smtp_url`.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: Option<String>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|err| anyhow::anyhow!("LECTERN_SMTP_URL is not usable: {err}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = config
            .mail_from
            .parse()
            .map_err(|err| anyhow::anyhow!("LECTERN_MAIL_FROM is not an address: {err}"))?;
        Ok(Some(Self {
            transport,
            from,
            public_url: config
                .public_url
                .as_ref()
                .map(|url| url.trim_end_matches('/').to_owned()),
        }))
    }

    /// Sends the email `job` of outbox job `job_id`. Nothing is sent, and
    /// the job is done, when its person or session is gone, the person no
    /// longer wants it, or what it tells of is no longer so. The Message-ID
    /// comes from the job, so a retry after an unconfirmed send can be
    /// recognised by the receiver.
    pub async fn deliver(
        &self,
        db: &Db,
        job_id: i64,
        mail: Mail,
        job: MailJob,
    ) -> anyhow::Result<()> {
        let Some(person) = user::Entity::find_by_id(job.to_user_id).one(db).await? else {
            return Ok(());
        };
        let wanted = match mail {
            Mail::Completed => person.notify_completed,
            Mail::Returned => person.notify_returned,
            Mail::Overdue => person.notify_overdue,
        };
        if !person.active || !wanted {
            return Ok(());
        }
        let Some(row) = select_rows()
            .filter(completion::Column::Id.eq(job.session_id))
            .into_model::<SessionRow>()
            .one(db)
            .await?
        else {
            return Ok(());
        };
        if !still_so(mail, &person, &row) {
            return Ok(());
        }
        let timezone = row.timezone()?;
        let reason = row.return_reason.clone();
        let Some(session) = to_completions(db, vec![row]).await?.pop() else {
            return Ok(());
        };
        let link = self
            .public_url
            .as_ref()
            .map(|base| format!("{base}/sessions/{}", session.id));
        let rendered = render::render(
            mail,
            &render::Context::new(&person.name, &session, timezone, reason, link),
        )?;
        let to = Mailbox::new(Some(person.name.clone()), person.email.parse()?);
        let domain = self.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(format!("<outbox-{job_id}@{domain}>")))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Whether what `mail` tells `person` of `row` is still so. A job waits for
/// a worker, and through retries up to an hour while the mail server is
/// down: the record may have been reviewed, returned or resubmitted, the
/// session recorded, the person moved to another branch or role, since it
/// was written. Sent then, it would ask for what was done, show an empty
/// reason, or show a branch's records (their codes among them) to someone
/// who no longer reviews them.
fn still_so(mail: Mail, person: &user::Model, row: &SessionRow) -> bool {
    match mail {
        Mail::Completed => {
            person.role == Role::BranchAdmin
                && person.branch_id == Some(row.branch_id)
                && row.status == CompletionStatus::Completed
                && !matches!(row.review, Some(Review::Verified | Review::Returned))
        }
        Mail::Returned => row.user_id == person.id && row.review == Some(Review::Returned),
        Mail::Overdue => row.user_id == person.id && row.status == CompletionStatus::Pending,
    }
}
