//! Archives brought in from another system (docs/import.md). Each format
//! is read into plain records first (`wxr`, `disqus_xml`), then written
//! through the store like any other change, so the events log, the search
//! index and the caches follow. What each record became is remembered
//! (`imported_records`): a second run changes nothing, and a record
//! changed here since it was imported is never overwritten.

pub mod disqus;
mod disqus_xml;
pub mod ghost;
mod ghost_json;
mod html;
pub mod khabar;
pub mod wordpress;
mod wxr;
mod xml;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

use khabar_core::{DisplayName, Email, InvalidInput, Lang, Role, Username};
use khabar_store::{ImportKey, Imported, NewUser, Store, StoreError};
use sha2::Digest;

use crate::media_store::MediaStore;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the export cannot be read: {0}")]
    Malformed(String),
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ImportError {
    /// A stable code for the CLI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Malformed(_) => "malformed_export",
            ImportError::Invalid(e) => e.code,
            ImportError::Store(_) => "internal",
        }
    }
}

/// What a run may do and where it finds the files beside the export.
pub struct Options {
    /// Report what would be done; write nothing.
    pub dry_run: bool,
    /// The folder of the old site's uploads (`wp-content/uploads`).
    pub media_dir: Option<PathBuf>,
    /// The site's languages; the first is the default.
    pub languages: Vec<Lang>,
}

/// Where an import writes.
pub struct Target<'a> {
    pub store: &'a Store,
    pub media: &'a MediaStore,
}

/// How many records of one kind a run created, updated, found unchanged
/// or skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

/// A record left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub entity: &'static str,
    pub external_id: String,
    pub why: String,
}

/// What a run did (or, dry, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub dry_run: bool,
    pub counts: BTreeMap<&'static str, Counts>,
    pub skipped: Vec<Skipped>,
    /// Staff accounts this run made, without a password: whom an
    /// invitation lets in.
    pub new_staff: Vec<i64>,
}

impl Summary {
    pub fn count(&self, entity: &str) -> Counts {
        self.counts.get(entity).copied().unwrap_or_default()
    }

    /// Whether the run changed (or would change) anything.
    pub fn changed_anything(&self) -> bool {
        self.counts.values().any(|c| c.created + c.updated > 0)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (created, updated) = if self.dry_run {
            ("would create", "would update")
        } else {
            ("created", "updated")
        };
        writeln!(
            f,
            "{:<10} {created:>12} {updated:>12} {:>9} {:>7}",
            "", "unchanged", "skipped"
        )?;
        for (entity, c) in &self.counts {
            writeln!(
                f,
                "{entity:<10} {:>12} {:>12} {:>9} {:>7}",
                c.created, c.updated, c.unchanged, c.skipped
            )?;
        }
        for skip in &self.skipped {
            writeln!(
                f,
                "skipped {} {}: {}",
                skip.entity, skip.external_id, skip.why
            )?;
        }
        if self.dry_run {
            writeln!(f, "dry run: nothing was written")?;
        }
        Ok(())
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// One run of an import: its source, the remembered mapping, the summary.
struct Run<'a> {
    target: Target<'a>,
    source: &'static str,
    site: String,
    options: &'a Options,
    summary: Summary,
    /// Ids handed out in a dry run for records not written (negative).
    placeholder: i64,
    /// What this run already made or found, by entity and external id:
    /// a person or a tag met twice is counted once (a dry run too).
    seen: HashMap<(&'static str, String), i64>,
    /// What earlier runs made of this source's records (and this run, as
    /// it writes), by entity and external id.
    imported: HashMap<(String, String), Imported>,
}

/// A comment to place in a thread here.
struct NewThreadComment<'t> {
    external_id: &'t str,
    edition_id: i64,
    author_id: i64,
    parent_id: Option<i64>,
    /// Its HTML in the export.
    html: &'t str,
    status: khabar_core::CommentStatus,
    written_at: Option<jiff::Timestamp>,
}

impl<'a> Run<'a> {
    async fn start(
        target: Target<'a>,
        source: &'static str,
        site: &str,
        options: &'a Options,
    ) -> Result<Self, ImportError> {
        let imported = target.store.imported_from(source, site).await?;
        Ok(Run {
            target,
            source,
            site: site.to_owned(),
            options,
            summary: Summary {
                dry_run: options.dry_run,
                ..Summary::default()
            },
            placeholder: 0,
            seen: HashMap::new(),
            imported,
        })
    }

    fn store(&self) -> &'a Store {
        self.target.store
    }

    fn dry(&self) -> bool {
        self.options.dry_run
    }

    fn default_lang(&self) -> Lang {
        self.options.languages.first().copied().unwrap_or(Lang::EN)
    }

    fn key<'k>(&'k self, entity: &'k str, external_id: &'k str) -> ImportKey<'k> {
        ImportKey {
            source: self.source,
            site: &self.site,
            entity,
            external_id,
        }
    }

    /// What an earlier run (or this one) made of a record.
    fn known(&self, entity: &str, external_id: &str) -> Option<Imported> {
        self.imported
            .get(&(entity.to_owned(), external_id.to_owned()))
            .cloned()
    }

    /// Remembers what a record became (not in a dry run).
    async fn remember(
        &mut self,
        entity: &str,
        external_id: &str,
        local_id: i64,
        content_hash: &str,
        local_revision: i64,
    ) -> Result<(), ImportError> {
        if self.dry() || local_id < 0 {
            return Ok(());
        }
        let imported = Imported {
            local_id,
            content_hash: content_hash.to_owned(),
            local_revision,
        };
        self.store()
            .record_import(self.key(entity, external_id), &imported)
            .await?;
        self.imported
            .insert((entity.to_owned(), external_id.to_owned()), imported);
        Ok(())
    }

    /// An id for a record a dry run does not write.
    fn placeholder(&mut self) -> i64 {
        self.placeholder -= 1;
        self.placeholder
    }

    fn count(&mut self, entity: &'static str, outcome: Outcome) {
        let counts = self.summary.counts.entry(entity).or_default();
        match outcome {
            Outcome::Created => counts.created += 1,
            Outcome::Updated => counts.updated += 1,
            Outcome::Unchanged => counts.unchanged += 1,
        }
    }

    fn skip(
        &mut self,
        entity: &'static str,
        external_id: impl fmt::Display,
        why: impl Into<String>,
    ) {
        self.summary.counts.entry(entity).or_default().skipped += 1;
        self.summary.skipped.push(Skipped {
            entity,
            external_id: external_id.to_string(),
            why: why.into(),
        });
    }

    /// The account of a person of the old site: the one an earlier run
    /// made, else an existing account with their address, else a new one
    /// without a password (nobody can sign in as it until its owner sets
    /// one through "forgot password", which is their invitation).
    async fn person(
        &mut self,
        external_id: &str,
        name: &str,
        email: &str,
        role: Role,
    ) -> Result<i64, ImportError> {
        if let Some(id) = self.seen.get(&("user", external_id.to_owned())) {
            return Ok(*id);
        }
        let wanted: String = name
            .trim()
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let id = self
            .new_person(external_id, &wanted, name, email, role)
            .await?;
        self.seen.insert(("user", external_id.to_owned()), id);
        Ok(id)
    }

    /// [`Run::person`] under the username `wanted` when it is free (else
    /// `wanted_1`, …, or one made from the record).
    async fn new_person(
        &mut self,
        external_id: &str,
        wanted: &str,
        name: &str,
        email: &str,
        role: Role,
    ) -> Result<i64, ImportError> {
        if let Some(known) = self.known("user", external_id) {
            self.count("users", Outcome::Unchanged);
            return Ok(known.local_id);
        }
        let email = Email::parse(email.trim()).ok();
        if let Some(email) = &email
            && let Some((id, _)) = self.store().credentials("", email.as_str()).await?
        {
            self.remember("user", external_id, id, "", 0).await?;
            self.count("users", Outcome::Unchanged);
            return Ok(id);
        }
        self.count("users", Outcome::Created);
        if self.dry() {
            let id = self.placeholder();
            if role.is_staff() {
                self.summary.new_staff.push(id);
            }
            return Ok(id);
        }
        let tag = &content_hash(&[self.source, &self.site, external_id])[..10];
        let email = match email {
            Some(email) => email,
            None => Email::parse(&format!("imported-{tag}@import.invalid"))?,
        };
        let display_name = DisplayName::parse(name.trim())
            .or_else(|_| DisplayName::parse(&format!("imported-{tag}")))?;
        let parse = |text: &str| match role {
            Role::Reader => Username::parse(text),
            _ => Username::parse_for_staff(text),
        };
        let base = parse(wanted).or_else(|_| parse(&format!("imported_{tag}")))?;
        for attempt in 0..20 {
            let username = match attempt {
                0 => base.clone(),
                n => parse(&format!("{}_{n}", base.as_str()))?,
            };
            let created = self
                .store()
                .create_user(NewUser {
                    username: &username,
                    email: &email,
                    display_name: &display_name,
                    password_hash: "!",
                    role,
                    lang: self.default_lang(),
                })
                .await;
            match created {
                Ok(id) => {
                    self.remember("user", external_id, id, "", 0).await?;
                    if role.is_staff() {
                        self.summary.new_staff.push(id);
                    }
                    return Ok(id);
                }
                Err(StoreError::Taken { what: "username" }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Err(StoreError::Taken { what: "username" }.into())
    }
}

impl Run<'_> {
    /// Places a comment at its time and place in a thread, as posted
    /// there: no limits, no pipeline, the body kept as its writer's text
    /// and rendered like any posted comment. `None` when it was skipped.
    async fn comment(&mut self, c: NewThreadComment<'_>) -> Result<Option<i64>, ImportError> {
        let text = html::to_text(c.html);
        self.place_comment(&c, &text, &[]).await
    }

    /// [`Run::comment`] with its text already the reader's words, and the
    /// accounts (here) its @mentions name. Imported comments are history:
    /// they notify no one.
    async fn place_comment(
        &mut self,
        c: &NewThreadComment<'_>,
        text: &str,
        mentions: &[i64],
    ) -> Result<Option<i64>, ImportError> {
        use khabar_core::moderation::{Action, Phase, Verdict};
        let body = match khabar_core::CommentBody::parse(text) {
            Ok(body) => body,
            Err(error) => {
                self.skip("comments", c.external_id, error.to_string());
                return Ok(None);
            }
        };
        let pending = [c.edition_id, c.author_id, c.parent_id.unwrap_or(0)];
        if self.dry() || pending.iter().any(|id| *id < 0) {
            self.count("comments", Outcome::Created);
            return Ok(Some(self.placeholder()));
        }
        let action = match c.status {
            khabar_core::CommentStatus::Pending => Action::Hold,
            khabar_core::CommentStatus::Rejected => Action::Reject,
            _ => Action::Approve,
        };
        let verdict = Verdict {
            action,
            phase: Phase::PreModeration,
            reasons: Vec::new(),
        };
        let posted = self
            .store()
            .post_imported_comment_at(
                khabar_store::NewComment {
                    edition_id: c.edition_id,
                    author_id: c.author_id,
                    body: &body,
                    parent_id: c.parent_id,
                    status: c.status,
                    mentions,
                    verdict: &verdict,
                },
                c.written_at.unwrap_or_else(jiff::Timestamp::now),
            )
            .await;
        let id = match posted {
            Ok(id) => id,
            Err(StoreError::NotFound) => {
                self.skip(
                    "comments",
                    c.external_id,
                    "its story is not published here, or the comment it answers is not shown",
                );
                return Ok(None);
            }
            Err(other) => return Err(other.into()),
        };
        self.remember("comment", c.external_id, id, "", 0).await?;
        self.count("comments", Outcome::Created);
        Ok(Some(id))
    }
}

/// SHA-256 of the parts, hex: what an imported record was.
fn content_hash(parts: &[&str]) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// `%d8%b1` and the like decoded (WordPress keeps non-ASCII slugs and
/// links so); undecodable input is kept as it is.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), std::borrow::Cow::into_owned)
}

/// The form an old address is kept and looked up in: its path decoded,
/// without a trailing slash (`/` alone stays), with `?p=ID` kept.
pub fn legacy_path(url_or_path: &str) -> Option<String> {
    let rest = match url_or_path.find("://") {
        Some(scheme) => {
            let after = &url_or_path[scheme + 3..];
            &after[after.find('/').unwrap_or(after.len())..]
        }
        None => url_or_path,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = percent_decode(path.split('#').next().unwrap_or(""));
    let trimmed = path.trim_end_matches('/');
    let mut kept = if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    };
    if let Some(id) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("p="))
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    {
        kept = format!("{kept}?p={id}");
    }
    (kept != "/").then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_are_kept_decoded() {
        assert_eq!(
            legacy_path("https://old.example.org/2024/03/11/east-quay-opens/").as_deref(),
            Some("/2024/03/11/east-quay-opens")
        );
        assert_eq!(
            legacy_path("https://old.example.org/ar/%d8%b1%d8%b5%d9%8a%d9%81/").as_deref(),
            Some("/ar/رصيف")
        );
        assert_eq!(
            legacy_path("https://old.example.org/?p=12").as_deref(),
            Some("/?p=12")
        );
        assert_eq!(legacy_path("/?p=12&x=1").as_deref(), Some("/?p=12"));
        assert_eq!(legacy_path("https://old.example.org/"), None);
    }

    #[test]
    fn summaries_say_what_was_skipped() {
        let mut summary = Summary::default();
        summary.counts.entry("comments").or_default().skipped = 1;
        summary.skipped.push(Skipped {
            entity: "comments",
            external_id: "7".into(),
            why: "in the trash".into(),
        });
        let text = summary.to_string();
        assert!(text.contains("skipped comments 7: in the trash"), "{text}");
    }
}
