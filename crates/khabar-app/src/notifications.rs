//! The mail khabar sends: one-use account links, and email about replies
//! and mentions by each reader's preference (at once, as a daily digest, or
//! never). What a message says comes from the theme ([`Letters`], given by
//! the web layer); delivering the outbox is the mail worker's job.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use khabar_core::secret::Secret;
use khabar_core::{Lang, SiteSettings};
use khabar_store::{EmailBatch, NewEmail, StoreError};
use tokio::sync::watch;

use crate::Context;

/// How often due notification emails are gathered.
const NOTIFY_EVERY: Duration = Duration::from_secs(2);

/// What an account link is for; each has its own wording.
#[derive(Debug, Clone, Copy)]
pub enum EmailKind {
    VerifyEmail,
    ResetPassword,
    /// Someone tried to sign up with an address that has an account; the
    /// link is the sign-in page, which also offers a new password.
    SignUpAttempt,
    /// To an admin: a webhook endpoint kept failing and was switched off;
    /// the name is its address, the link the webhooks screen.
    WebhookDisabled,
    /// To a staff account an import made, which has no password yet: the
    /// link chooses one (a password-reset link that lasts a week).
    Invitation,
}

/// A composed message, owned, ready for the outbox.
pub struct Composed {
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
}

impl Composed {
    pub fn to_new_email<'a>(&'a self, recipient: &'a str, lang: &'a Lang) -> NewEmail<'a> {
        NewEmail {
            recipient,
            lang: lang.as_str(),
            subject: &self.subject,
            text_body: &self.text_body,
            html_body: &self.html_body,
        }
    }
}

/// Writes messages in the recipient's language; the theme's templates and
/// strings do it, so they live with the web layer.
pub trait Letters: Send + Sync {
    /// A message carrying a one-use `link` for an account.
    fn account_link(
        &self,
        site: &SiteSettings,
        lang: Lang,
        kind: EmailKind,
        name: &str,
        link: &str,
    ) -> Result<Composed, String>;

    /// New replies and mentions (one, or a day's digest) in `lang`, with
    /// the one-click unsubscribe link.
    fn notifications(
        &self,
        site: &SiteSettings,
        base_url: &str,
        lang: Lang,
        batch: &EmailBatch,
    ) -> Result<Composed, String>;
}

impl Context {
    /// Composes an account link's message and puts it in the outbox.
    pub(crate) async fn send_account_link(
        &self,
        recipient: &str,
        lang: Lang,
        kind: EmailKind,
        name: &str,
        link: &str,
    ) -> Result<(), NotificationError> {
        let message = self
            .letters
            .account_link(&self.site(), lang, kind, name, link)
            .map_err(NotificationError::Compose)?;
        self.store
            .enqueue_email(message.to_new_email(recipient, &lang))
            .await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("the message did not render: {0}")]
    Compose(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Puts due notification emails in the outbox until `stop` fires. Rows are
/// claimed in the store, so several nodes may run this.
pub async fn run(ctx: Arc<Context>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(NOTIFY_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = send_due(&ctx, Timestamp::now()).await {
            tracing::warn!(%error, "notification emails failed");
        }
    }
}

/// One pass: claims what is due at `now` and queues one message per reader.
pub async fn send_due(ctx: &Context, now: Timestamp) -> Result<usize, StoreError> {
    let new_key = || Secret::generate("").map(|s| s.token).unwrap_or_default();
    let batches = ctx.store.claim_notification_emails(now, new_key).await?;
    let site = ctx.site();
    let mut queued = 0;
    for batch in &batches {
        let lang = ctx.served_lang(batch.lang);
        match ctx.letters.notifications(&site, &ctx.base_url, lang, batch) {
            Ok(message) => {
                ctx.store
                    .enqueue_email(message.to_new_email(&batch.email, &lang))
                    .await?;
                queued += 1;
            }
            Err(error) => {
                tracing::warn!(%error, user = batch.user_id, "notification email did not render");
            }
        }
    }
    Ok(queued)
}
