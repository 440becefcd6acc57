//! Moderation decisions in words, in the moderator's language: the
//! pipeline's and moderators' reasons, audit-log entries as sentences for
//! the log page and a reader's history, and the log as CSV.

use fluent_bundle::{FluentArgs, FluentValue};
use jiff::Timestamp;
use khabar_core::Lang;
use khabar_core::moderation::{Phase, PolicySettings, Reason, ScopeSettings};
use khabar_store::LogEntry;
use serde::Serialize;

use crate::App;

fn say(app: &App, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    app.i18n.message(lang, key, Some(&fluent))
}

fn number(text: &str) -> FluentValue<'static> {
    text.trim()
        .parse::<i64>()
        .map(FluentValue::from)
        .unwrap_or_else(|_| FluentValue::from(text.trim().to_owned()))
}

/// What the pipeline did for this reason: banned words and failed checks
/// reject, staff approve, a suspect word holds or (on a comment that was
/// published and flagged) flags, every other hold; moderators' own
/// reasons come with their rejections.
fn action_of(reason: &Reason, flagged: bool) -> &'static str {
    match Phase::of_reason(&reason.code) {
        Some(Phase::Checks | Phase::BannedWords) | None => "reject",
        Some(Phase::Staff) => "approve",
        Some(Phase::SuspectWords) if flagged => "flag",
        Some(_) => "hold",
    }
}

/// One reason as a sentence with its phase, e.g. "held: two links
/// (phase: links)", "rejected: banned word «…»". `flagged` says whether
/// the comment was published and flagged rather than held.
pub(crate) fn reason_in_words(app: &App, lang: Lang, reason: &Reason, flagged: bool) -> String {
    let detail = reason.detail.as_str();
    // Details are as the pipeline writes them: "term (lang)", "1/3",
    // "1200 > 1000", "> 5", a count or a scope.
    let (left, right) = detail.split_once('/').unwrap_or((detail, ""));
    let args: Vec<(&str, FluentValue<'_>)> = match reason.code.as_str() {
        "banned_word" | "suspect_word" => {
            let word = detail.rsplit_once(" (").map_or(detail, |(word, _)| word);
            vec![("word", FluentValue::from(word))]
        }
        "link" => vec![("count", number(detail))],
        // The detail counts the other comments with this text.
        "repeated_text" => vec![(
            "count",
            FluentValue::from(detail.trim().parse::<i64>().unwrap_or(0) + 1),
        )],
        "new_commenter" => vec![("approved", number(left)), ("needed", number(right))],
        "rejection_rate" => vec![("rejected", number(left)), ("recent", number(right))],
        "too_long" => {
            let (chars, max) = detail.split_once('>').unwrap_or((detail, ""));
            vec![("chars", number(chars)), ("max", number(max))]
        }
        "too_many_links" => vec![("max", number(detail.trim_start_matches('>')))],
        "pre_moderated" => vec![("scope", FluentValue::from(detail))],
        _ => Vec::new(),
    };
    let phase = Phase::of_reason(&reason.code);
    // The pipeline's reasons have sentences; moderators' have labels.
    let why = match phase {
        Some(_) => say(app, lang, &format!("mod-why-{}", reason.code), &args),
        None => say(app, lang, &format!("mod-reason-{}", reason.code), &[]),
    };
    let action = say(
        app,
        lang,
        &format!("mod-verdict-{}", action_of(reason, flagged)),
        &[],
    );
    match phase {
        Some(phase) => say(
            app,
            lang,
            "mod-decision-phase",
            &[
                ("action", action.into()),
                ("reason", why.into()),
                ("phase", phase_in_words(app, lang, phase.as_str()).into()),
            ],
        ),
        None => say(
            app,
            lang,
            "mod-decision",
            &[("action", action.into()), ("reason", why.into())],
        ),
    }
}

fn phase_in_words(app: &App, lang: Lang, phase: &str) -> String {
    app.i18n.message(lang, &format!("mod-phase-{phase}"), None)
}

/// The phase an automatic decision names. Pre-moderation only ever holds:
/// approvals logged under it before the pipeline named `passed` were
/// approvals nothing held.
fn logged_phase(entry: &LogEntry) -> Option<&str> {
    match entry.phase.as_deref() {
        Some("pre_moderation") if entry.action == "approve" => Some(Phase::Passed.as_str()),
        other => other,
    }
}

/// An audit-log entry in words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogLine {
    pub id: i64,
    pub at: Timestamp,
    /// The moderator; none for the pipeline.
    pub actor: Option<String>,
    /// "Automatic, links" for the pipeline.
    pub automatic: Option<String>,
    /// The phase that decided, in words (automatic decisions only).
    pub phase: Option<String>,
    pub action: String,
    /// The action in words ("held", "banned"…).
    pub did: String,
    pub comment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub excerpt: Option<String>,
    pub excerpt_dir: &'static str,
    pub headline: Option<String>,
    pub story_lang: Option<String>,
    pub story_url: Option<String>,
    pub reasons: Vec<String>,
    /// The message, note or change in words.
    pub message: String,
}

/// Entries as sentences in `lang`.
pub(crate) fn log_lines(app: &App, lang: Lang, entries: Vec<LogEntry>) -> Vec<LogLine> {
    entries
        .into_iter()
        .map(|entry| log_line(app, lang, entry))
        .collect()
}

fn log_line(app: &App, lang: Lang, entry: LogEntry) -> LogLine {
    let automatic = entry.actor.is_none() && entry.phase.is_some();
    let phase = logged_phase(&entry)
        .filter(|_| automatic)
        .map(|p| phase_in_words(app, lang, p));
    let flagged = entry.action == "flag";
    let mut reasons: Vec<String> = entry
        .reasons
        .iter()
        .map(|reason| reason_in_words(app, lang, reason, flagged))
        .collect();
    if automatic && entry.action == "approve" && reasons.is_empty() {
        reasons.push(say(app, lang, "mod-why-passed", &[]));
    }
    let message = message_in_words(app, lang, &entry);
    LogLine {
        id: entry.id,
        at: entry.at,
        automatic: phase.as_ref().map(|p| {
            say(
                app,
                lang,
                "mod-log-automatic",
                &[("phase", p.clone().into())],
            )
        }),
        phase,
        actor: entry.actor,
        did: say(app, lang, &format!("mod-log-action-{}", entry.action), &[]),
        action: entry.action,
        comment_id: entry.comment_id,
        user_id: entry.user_id,
        username: entry.username,
        excerpt_dir: entry
            .excerpt
            .as_deref()
            .map_or("auto", |e| khabar_text::detect_direction(e).as_str()),
        excerpt: entry.excerpt.filter(|e| !e.is_empty()),
        story_url: entry
            .story_lang
            .as_ref()
            .zip(entry.slug.as_ref())
            .map(|(l, slug)| format!("/{l}/story/{}", crate::http::paths::segment(slug))),
        headline: entry.headline,
        story_lang: entry.story_lang.map(|lang| lang.to_string()),
        reasons,
        message,
    }
}

/// The message of an entry in words: settings and policy changes are
/// stored as data, suspensions as the time they end.
fn message_in_words(app: &App, lang: Lang, entry: &LogEntry) -> String {
    let text = entry.message.as_str();
    match entry.action.as_str() {
        "settings_updated" => {
            // "story 12: {…}", as the store writes it.
            let Some((scope, json)) = text.split_once(": ") else {
                return text.to_owned();
            };
            let Ok(settings) = serde_json::from_str::<ScopeSettings>(json) else {
                return text.to_owned();
            };
            let choice = |value: Option<bool>| match value {
                Some(true) => "yes",
                Some(false) => "no",
                None => "inherit",
            };
            let (scope_name, id) = scope.split_once(' ').unwrap_or((scope, ""));
            let said = say(
                app,
                lang,
                "mod-msg-settings",
                &[
                    ("scope", FluentValue::from(scope_name)),
                    ("id", number(id)),
                    ("premod", FluentValue::from(choice(settings.pre_moderated))),
                    ("closed", FluentValue::from(choice(settings.closed))),
                ],
            );
            match settings.message.filter(|m| !m.trim().is_empty()) {
                Some(message) => say(
                    app,
                    lang,
                    "mod-msg-settings-message",
                    &[("settings", said.into()), ("message", message.into())],
                ),
                None => said,
            }
        }
        "policy_updated" => match serde_json::from_str::<PolicySettings>(text) {
            Ok(policy) => say(
                app,
                lang,
                "mod-msg-policy",
                &[
                    (
                        "suspect",
                        FluentValue::from(match policy.suspect_action {
                            khabar_core::moderation::SuspectAction::Hold => "hold",
                            khabar_core::moderation::SuspectAction::Flag => "flag",
                        }),
                    ),
                    (
                        "links",
                        FluentValue::from(if policy.hold_links { "yes" } else { "no" }),
                    ),
                    (
                        "approvals",
                        FluentValue::from(policy.new_commenter_approvals),
                    ),
                    ("percent", FluentValue::from(policy.rejection_rate_percent)),
                    ("min", FluentValue::from(policy.rejection_rate_min_comments)),
                ],
            ),
            Err(_) => text.to_owned(),
        },
        "suspend" => match text.parse::<Timestamp>() {
            Ok(until) => say(
                app,
                lang,
                "mod-msg-until",
                &[("date", app.i18n.date_time(lang, until).into())],
            ),
            Err(_) => text.to_owned(),
        },
        "ban" if !text.is_empty() => {
            // "3 comments rejected".
            let count = text.split_whitespace().next().unwrap_or("0");
            say(
                app,
                lang,
                "mod-msg-ban-rejected",
                &[("count", number(count))],
            )
        }
        "word_list_updated" => {
            // "ar banned (3 terms)".
            let mut words = text.split_whitespace();
            let (Some(list_lang), Some(list), Some(count)) =
                (words.next(), words.next(), words.next())
            else {
                return text.to_owned();
            };
            let language = Lang::parse(list_lang)
                .map(|l| app.i18n.message(lang, &format!("mod-lang-{l}"), None))
                .unwrap_or_else(|_| list_lang.to_owned());
            say(
                app,
                lang,
                "mod-msg-word-list",
                &[
                    ("language", language.into()),
                    ("list", FluentValue::from(list)),
                    ("count", number(count.trim_start_matches('('))),
                ],
            )
        }
        "limit_sections" => {
            let ids = text.trim_matches(['[', ']']).trim();
            if ids.is_empty() {
                say(app, lang, "mod-msg-all-sections", &[])
            } else {
                say(
                    app,
                    lang,
                    "mod-msg-sections",
                    &[("ids", FluentValue::from(ids))],
                )
            }
        }
        _ => text.to_owned(),
    }
}

/// The log as CSV (RFC 4180, every field quoted), with a byte-order mark
/// so that spreadsheet apps read it as UTF-8.
pub(crate) fn log_csv(app: &App, lang: Lang, lines: &[LogLine]) -> String {
    let header: Vec<String> = [
        "time",
        "moderator",
        "phase",
        "action",
        "reader",
        "comment",
        "story",
        "excerpt",
        "reasons",
        "message",
    ]
    .iter()
    .map(|column| app.i18n.message(lang, &format!("mod-csv-{column}"), None))
    .collect();
    let mut out = String::from("\u{feff}");
    csv_row(&mut out, header.iter().map(String::as_str));
    for line in lines {
        let moderator = line
            .actor
            .clone()
            .unwrap_or_else(|| app.i18n.message(lang, "mod-log-pipeline", None));
        let comment = line.comment_id.map(|id| id.to_string()).unwrap_or_default();
        let reasons = line.reasons.join("; ");
        csv_row(
            &mut out,
            [
                line.at.to_string().as_str(),
                &moderator,
                line.phase.as_deref().unwrap_or(""),
                &line.did,
                line.username.as_deref().unwrap_or(""),
                &comment,
                line.headline.as_deref().unwrap_or(""),
                line.excerpt.as_deref().unwrap_or(""),
                &reasons,
                &line.message,
            ],
        );
    }
    out
}

/// Appends one record: each field quoted, quotes doubled, CRLF after.
/// Fields a spreadsheet would run as a formula get a leading `'`.
fn csv_row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            out.push('\'');
        }
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::csv_row;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        csv_row(&mut out, ["a \"b\", c", "سطر\nثانٍ", "=1+1", ""]);
        assert_eq!(out, "\"a \"\"b\"\", c\",\"سطر\nثانٍ\",\"'=1+1\",\"\"\r\n");
    }
}
