//! Composing the messages khabar sends, in the recipient's language, from
//! the theme's `email.html` and UI strings. Sending is the mail worker's job.

use fluent_bundle::FluentArgs;
use khabar_core::Lang;
use khabar_store::NewEmail;
use minijinja::context;

use crate::App;

/// What a message is for; each has `email-{key}-subject`, `-intro` and
/// `-action` strings.
#[derive(Debug, Clone, Copy)]
pub enum EmailKind {
    VerifyEmail,
    ResetPassword,
}

impl EmailKind {
    fn key(self) -> &'static str {
        match self {
            EmailKind::VerifyEmail => "verify",
            EmailKind::ResetPassword => "reset",
        }
    }
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

pub fn compose(
    app: &App,
    lang: Lang,
    kind: EmailKind,
    name: &str,
    link: &str,
) -> Result<Composed, minijinja::Error> {
    let site = app.site().name_in(lang).to_owned();
    let mut args = FluentArgs::new();
    args.set("site", site.clone());
    args.set("name", name.to_owned());
    let text = |suffix: &str| {
        app.i18n
            .message(lang, &format!("email-{}-{suffix}", kind.key()), Some(&args))
    };
    // Mail clients show Fluent's bidi isolation marks in subjects as boxes.
    let subject = text("subject").replace(['\u{2068}', '\u{2069}'], "");
    let intro = text("intro");
    let action = text("action");
    let footer = app.i18n.message(lang, "email-footer", Some(&args));
    let dir = app.dir(lang);
    let html_body = app.templates.get_template("email.html")?.render(context! {
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

/// A message about new replies and mentions (one, or a day's digest), with
/// the one-click unsubscribe link.
pub fn compose_notifications(
    app: &App,
    batch: &khabar_store::EmailBatch,
) -> Result<(Composed, Lang), minijinja::Error> {
    let lang = Lang::parse(&batch.lang)
        .ok()
        .filter(|l| app.site().dir_of(*l).is_some())
        .unwrap_or(app.site().default_language);
    let site = app.site().name_in(lang).to_owned();
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
            let deleted = app.i18n.message(lang, "deleted-account", None);
            line.set("name", item.actor_name.clone().unwrap_or(deleted));
            line.set("story", item.headline.clone());
            let rendered = khabar_text::comment::render_comment(&item.body, &[], |_| String::new());
            EmailItem {
                line: app.i18n.message(
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
        Some(first) => format!(
            "{}/{}/comment/{}",
            app.base_url, first.lang, first.comment_id
        ),
        None => format!("{}/{lang}/notifications", app.base_url),
    };
    let unsubscribe = format!(
        "{}/{lang}/unsubscribe/{}",
        app.base_url, batch.unsubscribe_key
    );
    let subject = app
        .i18n
        .message(lang, "email-notifications-subject", Some(&args))
        .replace(['\u{2068}', '\u{2069}'], "");
    let intro = app
        .i18n
        .message(lang, "email-notifications-intro", Some(&args));
    let action = app
        .i18n
        .message(lang, "email-notifications-action", Some(&args));
    let footer = app
        .i18n
        .message(lang, "email-notifications-footer", Some(&args));
    let dir = app.dir(lang);
    let html_body = app.templates.get_template("email.html")?.render(context! {
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
    let text_body =
        format!("{intro}\n\n{listed}\n{action}:\n{link}\n\n{footer}\n{unsubscribe}\n\n— {site}\n");
    Ok((
        Composed {
            subject,
            text_body,
            html_body,
        },
        lang,
    ))
}
