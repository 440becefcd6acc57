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
        // Mail clients show Fluent's bidi isolation marks in subjects as boxes.
        let subject = text("subject").replace(['\u{2068}', '\u{2069}'], "");
        let intro = text("intro");
        let action = text("action");
        let footer = self.i18n.message(lang, "email-footer", Some(&args));
        let dir = dir(site_settings, lang);
        let html_body = self
            .templates
            .get_template("email.html")?
            .render(context! {
                lang => lang.as_str(),
                dir => dir,
                site_name => site,
                subject => &subject,
                intro => &intro,
                action => &action,
                link => link,
                footer => &footer,
            })?;
        let text_body = format!("{intro}\n\n{action}:\n{link}\n\n{footer}\n\n— {site}\n");
        Ok(Composed {
            subject,
            text_body,
            html_body,
        })
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
        let subject = self
            .i18n
            .message(lang, "email-notifications-subject", Some(&args))
            .replace(['\u{2068}', '\u{2069}'], "");
        let intro = self
            .i18n
            .message(lang, "email-notifications-intro", Some(&args));
        let action = self
            .i18n
            .message(lang, "email-notifications-action", Some(&args));
        let footer = self
            .i18n
            .message(lang, "email-notifications-footer", Some(&args));
        let dir = dir(site_settings, lang);
        let html_body = self
            .templates
            .get_template("email.html")?
            .render(context! {
                lang => lang.as_str(),
                dir => dir,
                site_name => site,
                subject => &subject,
                intro => &intro,
                items => &items,
                action => &action,
                link => &link,
                footer => &footer,
                unsubscribe => &unsubscribe,
            })?;
        let listed: String = items
            .iter()
            .map(|i| {
                let quoted: String = i.text.lines().map(|l| format!("  {l}\n")).collect();
                format!("• {}\n{quoted}\n", i.line)
            })
            .collect();
        let text_body = format!(
            "{intro}\n\n{listed}\n{action}:\n{link}\n\n{footer}\n{unsubscribe}\n\n— {site}\n"
        );
        Ok(Composed {
            subject,
            text_body,
            html_body,
        })
    }
}
