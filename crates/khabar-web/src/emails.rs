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
    let site = app.site.name_in(lang).to_owned();
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
    let dir = app.site.dir_of(lang).map(|d| d.as_str()).unwrap_or("auto");
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
