//! Composing the messages khabar sends, in the recipient's language, from
//! the theme's `email.html` and UI strings. Sending is the mail worker's job.

use std::sync::Arc;

use fluent_bundle::FluentArgs;
use khabar_app::{Composed, EmailKind, Letters};
use khabar_core::{Lang, SiteSettings};
use khabar_store::EmailBatch;
use minijinja::{Environment, context};

use crate::I18n;

/// The theme's letters: `email.html` and the `email-*` UI strings.
pub(crate) struct ThemeLetters {
    pub i18n: Arc<I18n>,
    pub templates: Arc<Environment<'static>>,
}

/// Each kind has `email-{key}-subject`, `-intro` and `-action` strings.
fn key(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::VerifyEmail => "verify",
        EmailKind::ResetPassword => "reset",
        EmailKind::SignUpAttempt => "signup-attempt",
        EmailKind::WebhookDisabled => "webhook-disabled",
        EmailKind::Invitation => "invitation",
    }
}

/// Account messages may reach someone who did not ask for them; an
/// admin's notice about the site is not one of those.
fn footer_key(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::WebhookDisabled => "email-webhook-disabled-footer",
        _ => "email-footer",
    }
}

fn dir(site: &SiteSettings, lang: Lang) -> &'static str {
    site.dir_of(lang).map(|d| d.as_str()).unwrap_or("auto")
}

impl Letters for ThemeLetters {
    fn account_link(
        &self,
        site: &SiteSettings,
        lang: Lang,
        kind: EmailKind,
        name: &str,
        link: &str,
    ) -> Result<Composed, String> {
        self.compose(site, lang, kind, name, link)
            .map_err(|e| e.to_string())
    }

    fn notifications(
        &self,
        site: &SiteSettings,
        base_url: &str,
        lang: Lang,
        batch: &EmailBatch,
    ) -> Result<Composed, String> {
        self.compose_notifications(site, base_url, lang, batch)
            .map_err(|e| e.to_string())
    }
}

/// One notification in an email.
#[derive(serde::Serialize)]
struct EmailItem {
    line: String,
    /// The comment as typed, for the text part.
    text: String,
    /// The comment as pages show it, for the HTML part.
    html: String,
    dir: &'static str,
}

impl ThemeLetters {
    fn compose(
        &self,
        site_settings: &SiteSettings,
        lang: Lang,
        kind: EmailKind,
        name: &str,
        link: &str,
    ) -> Result<Composed, minijinja::Error> {
        let site = site_settings.name_in(lang).to_owned();
        let mut args = FluentArgs::new();
        args.set("site", site.clone());
        args.set("name", name.to_owned());
        let text = |suffix: &str| {
            self.i18n
                .message(lang, &format!("email-{}-{suffix}", key(kind)), Some(&args))
        };
        Letter {
            lang,
            dir: dir(site_settings, lang),
            site: &site,
            subject: &text("subject"),
            intro: &text("intro"),
            items: &[],
            action: &text("action"),
            link,
            footer: &self.i18n.message(lang, footer_key(kind), Some(&args)),
            unsubscribe: None,
        }
        .compose(&self.templates)
    }

    /// A message about new replies and mentions (one, or a day's digest), with
    /// the one-click unsubscribe link.
    fn compose_notifications(
        &self,
        site_settings: &SiteSettings,
        base_url: &str,
        lang: Lang,
        batch: &EmailBatch,
    ) -> Result<Composed, minijinja::Error> {
        let site = site_settings.name_in(lang).to_owned();
        let mut args = FluentArgs::new();
        args.set("site", site.clone());
        args.set("name", batch.display_name.clone());
        args.set("count", batch.items.len() as i64);
        // Each item: what happened, and the comment in the words its author
        // typed (rendered as pages render it for the HTML part).
        let items: Vec<EmailItem> = batch
            .items
            .iter()
            .map(|item| {
                let mut line = FluentArgs::new();
                let deleted = self.i18n.message(lang, "deleted-account", None);
                line.set("name", item.actor_name.clone().unwrap_or(deleted));
                line.set("story", item.headline.clone());
                let rendered =
                    khabar_text::comment::render_comment(&item.body, &[], |_| String::new());
                EmailItem {
                    line: self.i18n.message(
                        lang,
                        &format!("email-notification-{}", item.kind),
                        Some(&line),
                    ),
                    text: item.body.clone(),
                    html: rendered.html,
                    dir: rendered.dir.as_str(),
                }
            })
            .collect();
        let link = match batch.items.first() {
            Some(first) => format!("{}/{}/comment/{}", base_url, first.lang, first.comment_id),
            None => format!("{}/{lang}/notifications", base_url),
        };
        let unsubscribe = format!("{}/{lang}/unsubscribe/{}", base_url, batch.unsubscribe_key);
        let text = |key: &str| self.i18n.message(lang, key, Some(&args));
        Letter {
            lang,
            dir: dir(site_settings, lang),
            site: &site,
            subject: &text("email-notifications-subject"),
            intro: &text("email-notifications-intro"),
            items: &items,
            action: &text("email-notifications-action"),
            link: &link,
            footer: &text("email-notifications-footer"),
            unsubscribe: Some(&unsubscribe),
        }
        .compose(&self.templates)
    }
}

/// One message as both parts say it: the HTML from `email.html`, the text
/// laid out the same way.
struct Letter<'a> {
    lang: Lang,
    dir: &'static str,
    site: &'a str,
    subject: &'a str,
    intro: &'a str,
    items: &'a [EmailItem],
    action: &'a str,
    link: &'a str,
    footer: &'a str,
    unsubscribe: Option<&'a str>,
}

impl Letter<'_> {
    fn compose(&self, templates: &Environment<'static>) -> Result<Composed, minijinja::Error> {
        // Mail clients show Fluent's bidi isolation marks in subjects as boxes.
        let subject = self.subject.replace(['\u{2068}', '\u{2069}'], "");
        let html_body = templates.get_template("email.html")?.render(context! {
            lang => self.lang.as_str(),
            dir => self.dir,
            site_name => self.site,
            subject => &subject,
            intro => self.intro,
            items => self.items,
            action => self.action,
            link => self.link,
            footer => self.footer,
            unsubscribe => self.unsubscribe,
        })?;
        let listed: String = self
            .items
            .iter()
            .map(|i| {
                let quoted: String = i.text.lines().map(|l| format!("  {l}\n")).collect();
                format!("• {}\n{quoted}\n", i.line)
            })
            .collect();
        let listed = if listed.is_empty() {
            listed
        } else {
            listed + "\n"
        };
        let unsubscribe = self
            .unsubscribe
            .map(|u| format!("{u}\n"))
            .unwrap_or_default();
        let (intro, action, link, footer, site) =
            (self.intro, self.action, self.link, self.footer, self.site);
        let text_body =
            format!("{intro}\n\n{listed}{action}:\n{link}\n\n{footer}\n{unsubscribe}\n— {site}\n");
        Ok(Composed {
            subject,
            text_body,
            html_body,
        })
    }
}
