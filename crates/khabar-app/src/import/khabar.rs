//! `khabar import khabar FILE`: another khabar instance's export
//! (docs/export.md), read a line at a time and written in that one pass —
//! every record's parents come before it.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use jiff::Timestamp;
use khabar_core::{
    CommentMode, CommentStatus, EditionContent, EditionInput, EditionStatus, HeroImage, Lang, Role,
    Slug,
};
use khabar_store::{
    AuthorProfile, Breaking, EXPORT_FORMAT_VERSION, ExportRecord, ExportedAuthor, ExportedComment,
    ExportedContent, ExportedEdition, ExportedFront, ExportedLegacyPath, ExportedMedia,
    ExportedPage, ExportedSettings, ExportedStory, ExportedTerm, ExportedUser, FrontPick,
    FrontPlan, MediaText, Named, NewMedia, NewStory, StoreError,
};

use super::{ImportError, NewThreadComment, Options, Outcome, Run, Summary, Target, content_hash};

/// The text a deleted comment is placed with before it is deleted again
/// (deleted comments keep no text; replies need them in place).
const DELETED_PLACEHOLDER: &str = "[deleted]";

/// Imports the export `reader` gives, `size` bytes long;
/// `progress(done, total)` follows the bytes read.
pub async fn import(
    target: Target<'_>,
    reader: impl BufRead,
    size: u64,
    options: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, ImportError> {
    let mut lines = reader.lines();
    let first = lines
        .next()
        .ok_or_else(|| ImportError::Malformed("the file is empty".into()))?
        .map_err(|error| ImportError::Malformed(error.to_string()))?;
    let mut read = first.len() as u64 + 1;
    let ExportRecord::KhabarExport(header) = parse(&first, 1)? else {
        return Err(ImportError::Malformed(
            "the first line is not a khabar_export line: not a khabar export".into(),
        ));
    };
    if header.version != EXPORT_FORMAT_VERSION {
        return Err(ImportError::Malformed(format!(
            "format version {} (this khabar reads version {EXPORT_FORMAT_VERSION})",
            header.version
        )));
    }
    let site = if header.site.is_empty() {
        "khabar"
    } else {
        header.site.as_str()
    };
    let mut import = Import {
        run: Run::start(target, "khabar", site, options).await?,
        deleted: Vec::new(),
        read: BTreeMap::new(),
    };
    let mut number = 1;
    let mut ended = None;
    for line in lines {
        let line = line.map_err(|error| ImportError::Malformed(error.to_string()))?;
        read += line.len() as u64 + 1;
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        if ended.is_some() {
            return Err(ImportError::Malformed(format!(
                "line {number}: records after the end line"
            )));
        }
        let record = parse(&line, number)?;
        *import.read.entry(record.kind().to_owned()).or_default() += 1;
        match record {
            ExportRecord::KhabarExport(_) => {
                return Err(ImportError::Malformed(format!(
                    "line {number}: a second khabar_export line"
                )));
            }
            ExportRecord::Settings(settings) => import.settings(&settings).await?,
            ExportRecord::User(user) => import.user(&user).await?,
            ExportRecord::Section(term) => import.term(&term, true).await?,
            ExportRecord::Tag(term) => import.term(&term, false).await?,
            ExportRecord::Author(author) => import.author(&author).await?,
            ExportRecord::Media(media) => import.media(&media).await?,
            ExportRecord::Story(story) => import.story(&story).await?,
            ExportRecord::Edition(edition) => import.edition(&edition).await?,
            ExportRecord::Comment(comment) => import.comment(&comment).await?,
            ExportRecord::Front(front) => import.front(&front).await?,
            ExportRecord::Page(page) => import.page(&page).await?,
            ExportRecord::LegacyPath(path) => import.legacy_path(&path).await?,
            ExportRecord::End(end) => ended = Some(end),
        }
        progress(read.min(size), size);
    }
    // Deleted comments go once their replies are in.
    for id in std::mem::take(&mut import.deleted) {
        import.run.store().delete_comment(id).await?;
    }
    let Some(end) = ended else {
        return Err(ImportError::Malformed(
            "the export ends early (no end line): import what it holds again from a whole export"
                .into(),
        ));
    };
    import.read.remove("khabar_export");
    import.read.remove("end");
    let mut written = end.counts;
    written.remove("khabar_export");
    if written != import.read {
        return Err(ImportError::Malformed(format!(
            "the end line counts {written:?} but the file holds {:?}",
            import.read
        )));
    }
    Ok(import.run.summary)
}

fn parse(line: &str, number: usize) -> Result<ExportRecord, ImportError> {
    serde_json::from_str(line)
        .map_err(|error| ImportError::Malformed(format!("line {number}: {error}")))
}

struct Import<'a> {
    run: Run<'a>,
    /// Comments deleted there, placed here and deleted at the end.
    deleted: Vec<i64>,
    /// Records read, by kind, to check against the end line.
    read: BTreeMap<String, u64>,
}

impl Import<'_> {
    /// The id here of the record `external` of `entity` (a placeholder in
    /// a dry run), if it was brought in.
    fn local(&self, entity: &'static str, external: i64) -> Option<i64> {
        let external = external.to_string();
        self.run
            .seen
            .get(&(entity, external.clone()))
            .copied()
            .or_else(|| self.run.known(entity, &external).map(|k| k.local_id))
    }

    /// Remembers what a record became, also in a dry run.
    async fn made(
        &mut self,
        entity: &'static str,
        external: i64,
        id: i64,
        hash: &str,
        revision: i64,
    ) -> Result<(), ImportError> {
        self.run.seen.insert((entity, external.to_string()), id);
        self.run
            .remember(entity, &external.to_string(), id, hash, revision)
            .await
    }

    fn languages(&self, codes: impl Iterator<Item = String>) -> Vec<Lang> {
        codes
            .filter_map(|code| Lang::parse(&code).ok())
            .filter(|lang| self.run.options.languages.contains(lang))
            .collect()
    }

    async fn settings(&mut self, settings: &ExportedSettings) -> Result<(), ImportError> {
        if self.run.known("settings", "site").is_some() {
            self.run.count("settings", Outcome::Unchanged);
            return Ok(());
        }
        let stored = if self.run.dry() {
            self.run.store().site_overrides().await? == Default::default()
        } else {
            self.run
                .store()
                .import_site_settings(&settings.overrides, settings.icon.as_deref())
                .await?
        };
        if stored {
            self.run.count("settings", Outcome::Created);
            self.run.remember("settings", "site", 1, "", 0).await?;
        } else {
            self.run.skip(
                "settings",
                "site",
                "admins here changed the settings: theirs are kept",
            );
        }
        Ok(())
    }

    async fn user(&mut self, user: &ExportedUser) -> Result<(), ImportError> {
        if let Some(id) = self.local("user", user.id) {
            self.run.count("users", Outcome::Unchanged);
            self.run.seen.insert(("user", user.id.to_string()), id);
            return Ok(());
        }
        let role = Role::try_from(user.role.clone()).unwrap_or(Role::Reader);
        let external = format!("{}", user.id);
        let created_before = self.run.summary.count("users").created;
        let lang = Lang::parse(&user.lang).unwrap_or(self.run.default_lang());
        let id = if user.deleted_at.is_some() {
            // A deleted account keeps its place under its comments and
            // nothing else: made and deleted again here.
            let id = self
                .run
                .new_person(&external, "deleted", "deleted", "", Role::Reader)
                .await?;
            if id > 0 {
                self.run.store().delete_account(id).await?;
            }
            id
        } else {
            let id = self
                .run
                .new_person(
                    &external,
                    &user.username,
                    &user.display_name,
                    &user.email,
                    role,
                )
                .await?;
            if id > 0 && self.run.summary.count("users").created > created_before {
                self.run
                    .store()
                    .keep_account_details(id, lang, user.created_at, user.email_verified_at)
                    .await?;
            }
            id
        };
        self.run.seen.insert(("user", external), id);
        Ok(())
    }

    async fn term(&mut self, term: &ExportedTerm, section: bool) -> Result<(), ImportError> {
        let (entity, kind) = if section {
            ("section", "sections")
        } else {
            ("tag", "tags")
        };
        if let Some(id) = self.local(entity, term.id) {
            self.run.count(kind, Outcome::Unchanged);
            self.run.seen.insert((entity, term.id.to_string()), id);
            return Ok(());
        }
        let slug = match Slug::parse(&term.slug) {
            Ok(slug) => slug,
            Err(error) => {
                self.run.skip(kind, term.id, error.to_string());
                return Ok(());
            }
        };
        let names: Vec<Named> = self
            .languages(term.names.keys().cloned())
            .into_iter()
            .filter_map(|lang| {
                let name = term.names.get(lang.as_str())?.clone();
                Some(Named { lang, name })
            })
            .collect();
        let store = self.run.store();
        let existing = if section {
            store
                .section_records()
                .await?
                .into_iter()
                .find(|s| s.slug == term.slug)
                .map(|s| s.id)
        } else {
            store
                .tag_records()
                .await?
                .into_iter()
                .find(|t| t.slug == term.slug)
                .map(|t| t.id)
        };
        let id = match existing {
            // One of that slug is here already: its stories go in it.
            Some(id) => {
                self.run.count(kind, Outcome::Unchanged);
                id
            }
            None if self.run.dry() => {
                self.run.count(kind, Outcome::Created);
                self.run.placeholder()
            }
            None => {
                self.run.count(kind, Outcome::Created);
                if section {
                    store
                        .create_section(&slug, term.position.unwrap_or(100), &names)
                        .await?
                } else {
                    store.create_tag(&slug, &names).await?
                }
            }
        };
        self.made(entity, term.id, id, "", 0).await
    }

    async fn author(&mut self, author: &ExportedAuthor) -> Result<(), ImportError> {
        if let Some(id) = self.local("author", author.id) {
            self.run.count("authors", Outcome::Unchanged);
            self.run.seen.insert(("author", author.id.to_string()), id);
            return Ok(());
        }
        let account = author.user.and_then(|user| self.local("user", user));
        let profiles: Vec<AuthorProfile> = self
            .languages(author.profiles.keys().cloned())
            .into_iter()
            .filter_map(|lang| {
                let profile = author.profiles.get(lang.as_str())?;
                Some(AuthorProfile {
                    lang,
                    name: profile.name.clone(),
                    bio: profile.bio.clone(),
                })
            })
            .collect();
        let slug = match Slug::parse(&author.slug) {
            Ok(slug) => slug,
            Err(error) => {
                self.run.skip("authors", author.id, error.to_string());
                return Ok(());
            }
        };
        self.run.count("authors", Outcome::Created);
        if self.run.dry() || account.is_some_and(|id| id < 0) {
            let id = self.run.placeholder();
            return self.made("author", author.id, id, "", 0).await;
        }
        let store = self.run.store();
        let id = match store.create_author(&slug, &profiles, account).await {
            Err(StoreError::Taken { .. }) => {
                let slug = Slug::parse(&format!("{}-{}", slug.as_str(), author.id))?;
                store.create_author(&slug, &profiles, account).await?
            }
            other => other?,
        };
        self.made("author", author.id, id, "", 0).await
    }

    /// A media file: its record, and its files copied from `--media` (the
    /// other instance's media folder) under the same names.
    async fn media(&mut self, media: &ExportedMedia) -> Result<(), ImportError> {
        if let Some(id) = self.local("media", media.id) {
            self.run.count("media", Outcome::Unchanged);
            self.run.seen.insert(("media", media.id.to_string()), id);
            return Ok(());
        }
        let Some(dir) = self.run.options.media_dir.clone() else {
            self.run.skip(
                "media",
                media.id,
                format!("{}: no --media folder given", media.path),
            );
            return Ok(());
        };
        let names = std::iter::once(media.path.as_str())
            .chain(media.variants.iter().map(|v| v.path.as_str()));
        let mut files = Vec::new();
        for name in names {
            match read_beside(&dir, name).await {
                Ok(bytes) => files.push((name.to_owned(), bytes)),
                Err(why) => {
                    self.run.skip("media", media.id, why);
                    return Ok(());
                }
            }
        }
        self.run.count("media", Outcome::Created);
        if self.run.dry() {
            let id = self.run.placeholder();
            return self.made("media", media.id, id, "", 0).await;
        }
        for (name, bytes) in files {
            self.run
                .target
                .media
                .put(&name, bytes)
                .await
                .map_err(|e| ImportError::Malformed(format!("{name}: {e}")))?;
        }
        let texts: Vec<(Lang, MediaText)> = self
            .languages(media.texts.keys().cloned())
            .into_iter()
            .filter_map(|lang| {
                let text = media.texts.get(lang.as_str())?;
                Some((
                    lang,
                    MediaText {
                        alt: text.alt.clone(),
                        caption: text.caption.clone(),
                    },
                ))
            })
            .collect();
        let uploaded_by = media.uploaded_by.and_then(|u| self.local("user", u));
        let id = self
            .run
            .store()
            .create_media(NewMedia {
                path: &media.path,
                content_type: &media.content_type,
                width: media.width,
                height: media.height,
                bytes: media.bytes,
                variants: &media.variants,
                uploaded_by: uploaded_by.filter(|id| *id > 0),
                texts: &texts,
            })
            .await?;
        self.made("media", media.id, id, "", 0).await
    }

    async fn story(&mut self, story: &ExportedStory) -> Result<(), ImportError> {
        if let Some(id) = self.local("story", story.id) {
            self.run.count("stories", Outcome::Unchanged);
            self.run.seen.insert(("story", story.id.to_string()), id);
            return Ok(());
        }
        let section_id = story.section.and_then(|s| self.local("section", s));
        let tag_ids: Vec<i64> = story
            .tags
            .iter()
            .filter_map(|t| self.local("tag", *t))
            .collect();
        let hero = story
            .hero_image
            .as_deref()
            .and_then(|h| HeroImage::parse(h).ok());
        self.run.count("stories", Outcome::Created);
        let pending = section_id.is_some_and(|id| id < 0) || tag_ids.iter().any(|id| *id < 0);
        if self.run.dry() || pending {
            let id = self.run.placeholder();
            return self.made("story", story.id, id, "", 0).await;
        }
        let store = self.run.store();
        let id = store
            .create_story(NewStory {
                section_id,
                tag_ids: &tag_ids,
                hero_image: hero.as_ref(),
            })
            .await?;
        store.keep_story_time(id, story.created_at).await?;
        self.made("story", story.id, id, "", 0).await
    }

    /// The content of a revision here: its bylines mapped, validated.
    fn content(&self, content: &ExportedContent) -> Result<(EditionContent, Vec<i64>), String> {
        let input = EditionInput {
            slug: Some(content.slug.clone()),
            headline: content.headline.clone(),
            standfirst: content.standfirst.clone(),
            body: content.body.clone(),
            dateline: content.dateline.clone(),
            hero_caption: content.hero_caption.clone(),
            hero_credit: content.hero_credit.clone(),
            comment_mode: CommentMode::parse(&content.comment_mode).map_err(|e| e.to_string())?,
        };
        let parsed = EditionContent::parse(input).map_err(|e| e.to_string())?;
        let authors = content
            .authors
            .iter()
            .filter_map(|a| self.local("author", *a))
            .filter(|id| *id > 0)
            .collect();
        Ok((parsed, authors))
    }

    async fn edition(&mut self, edition: &ExportedEdition) -> Result<(), ImportError> {
        // Read counts move on without the edition changing.
        let hash = content_hash(&[&serde_json::to_string(&ExportedEdition {
            reads: Vec::new(),
            ..edition.clone()
        })
        .unwrap_or_default()]);
        let external = edition.id.to_string();
        let Some(story_id) = self.local("story", edition.story) else {
            self.run
                .skip("editions", edition.id, "its story was not imported");
            return Ok(());
        };
        let lang = match Lang::parse(&edition.lang) {
            Ok(lang) if self.run.options.languages.contains(&lang) => lang,
            _ => {
                self.run.skip(
                    "editions",
                    edition.id,
                    format!("its language {} is not one of the site's", edition.lang),
                );
                return Ok(());
            }
        };
        let status = EditionStatus::parse(&edition.status)?;
        let (now, authors) = match self.content(&edition.content) {
            Ok(content) => content,
            Err(why) => {
                self.run.skip("editions", edition.id, why);
                return Ok(());
            }
        };
        if let Some(known) = self.run.known("edition", &external) {
            self.run.seen.insert(("edition", external), known.local_id);
            return self
                .update_edition(edition, known, &hash, &now, &authors)
                .await;
        }
        self.run.count("editions", Outcome::Created);
        if self.run.dry() || story_id < 0 {
            let id = self.run.placeholder();
            return self.made("edition", edition.id, id, "", 0).await;
        }
        // Its history as it was written, then the edition as it is now.
        let mut history = Vec::with_capacity(edition.revisions.len() + 1);
        for revision in &edition.revisions {
            match self.content(&revision.content) {
                Ok((content, authors)) => {
                    let editor = revision.editor.and_then(|e| self.local("user", e));
                    history.push((content, authors, editor, Some(revision.saved_at)));
                }
                Err(why) => {
                    self.run.skip(
                        "revisions",
                        format!("{}/{}", edition.id, revision.revision),
                        why,
                    );
                }
            }
        }
        if history
            .last()
            .is_none_or(|(content, bylines, _, _)| *content != now || *bylines != authors)
        {
            history.push((now, authors, None, None));
        }
        let store = self.run.store();
        let mut revisions = history.into_iter();
        let Some((first, bylines, editor, saved)) = revisions.next() else {
            return Ok(());
        };
        let id = match store
            .create_edition(story_id, lang, &first, &bylines, editor)
            .await
        {
            Ok(id) => id,
            Err(StoreError::Taken { what }) => {
                self.run.skip(
                    "editions",
                    edition.id,
                    format!("{what} is already taken here"),
                );
                return Ok(());
            }
            Err(other) => return Err(other.into()),
        };
        let mut revision = 1;
        let mut times = vec![(revision, saved.unwrap_or(edition.updated_at))];
        for (content, bylines, editor, saved) in revisions {
            revision = store
                .update_edition(id, revision, &content, &bylines, editor)
                .await?;
            times.push((revision, saved.unwrap_or(edition.updated_at)));
        }
        let published = edition.published_at.unwrap_or(edition.updated_at);
        match status {
            EditionStatus::Published => store.publish_edition(id, published, None).await?,
            EditionStatus::Unpublished => {
                store.publish_edition(id, published, None).await?;
                store.unpublish_edition(id, None).await?;
            }
            EditionStatus::Scheduled => match edition.scheduled_at {
                Some(at) if at > Timestamp::now() => store.schedule_edition(id, at, None).await?,
                at => {
                    let at = at.unwrap_or(published);
                    store.publish_edition(id, at, None).await?;
                }
            },
            EditionStatus::Draft | EditionStatus::Embedded => {}
        }
        store
            .keep_edition_times(id, edition.created_at, edition.updated_at, &times)
            .await?;
        for day in &edition.reads {
            let reads = u64::try_from(day.reads).unwrap_or_default();
            store
                .add_reads(&std::iter::once((id, reads)).collect(), day.day)
                .await?;
        }
        self.made("edition", edition.id, id, &hash, revision).await
    }

    /// An edition imported before: updated when it changed there and not
    /// here, else kept as it is.
    async fn update_edition(
        &mut self,
        edition: &ExportedEdition,
        known: khabar_store::Imported,
        hash: &str,
        content: &EditionContent,
        authors: &[i64],
    ) -> Result<(), ImportError> {
        if known.content_hash == hash {
            self.run.count("editions", Outcome::Unchanged);
            return Ok(());
        }
        let draft = match self.run.store().edition_draft(known.local_id).await {
            Ok(draft) => draft,
            Err(StoreError::NotFound) => {
                self.run
                    .skip("editions", edition.id, "deleted here since it was imported");
                return Ok(());
            }
            Err(other) => return Err(other.into()),
        };
        if draft.revision != known.local_revision {
            self.run.skip(
                "editions",
                edition.id,
                format!(
                    "changed here since it was imported (revision {} now, {} imported): kept as it is",
                    draft.revision, known.local_revision
                ),
            );
            return Ok(());
        }
        self.run.count("editions", Outcome::Updated);
        if self.run.dry() {
            return Ok(());
        }
        let revision = self
            .run
            .store()
            .update_edition(known.local_id, draft.revision, content, authors, None)
            .await?;
        self.made("edition", edition.id, known.local_id, hash, revision)
            .await
    }

    async fn comment(&mut self, comment: &ExportedComment) -> Result<(), ImportError> {
        let external = comment.id.to_string();
        if let Some(id) = self.local("comment", comment.id) {
            self.run.count("comments", Outcome::Unchanged);
            self.run.seen.insert(("comment", external), id);
            return Ok(());
        }
        let (Some(edition_id), Some(author_id)) = (
            self.local("edition", comment.edition),
            self.local("user", comment.author),
        ) else {
            self.run.skip(
                "comments",
                comment.id,
                "its edition or its author was not imported",
            );
            return Ok(());
        };
        let parent_id = match comment.parent {
            None => None,
            Some(parent) => match self.local("comment", parent) {
                Some(id) => Some(id),
                None => {
                    self.run.skip(
                        "comments",
                        comment.id,
                        "the comment it answers was not imported",
                    );
                    return Ok(());
                }
            },
        };
        let mentions: Vec<i64> = comment
            .mentions
            .iter()
            .filter_map(|user| self.local("user", *user))
            .filter(|id| *id > 0)
            .collect();
        let status = CommentStatus::parse(&comment.status)?;
        let deleted = status == CommentStatus::Deleted;
        let (status, text) = if deleted {
            (CommentStatus::Visible, DELETED_PLACEHOLDER)
        } else {
            (status, comment.body.as_str())
        };
        let placed = self
            .run
            .place_comment(
                &NewThreadComment {
                    external_id: &external,
                    edition_id,
                    author_id,
                    parent_id,
                    html: "",
                    status,
                    written_at: Some(comment.created_at),
                },
                text,
                &mentions,
            )
            .await?;
        let Some(id) = placed else { return Ok(()) };
        self.run.seen.insert(("comment", external), id);
        if id > 0 {
            self.run
                .store()
                .keep_comment_marks(id, comment.edited_at, comment.featured)
                .await?;
            if deleted {
                self.deleted.push(id);
            }
        }
        Ok(())
    }

    /// A front page as editors arranged it there, unless editors here
    /// arranged theirs.
    async fn front(&mut self, front: &ExportedFront) -> Result<(), ImportError> {
        let Ok(lang) = Lang::parse(&front.lang) else {
            self.run
                .skip("fronts", &front.lang, "not one of the site's languages");
            return Ok(());
        };
        let picks = front
            .picks
            .iter()
            .filter_map(|pick| {
                Some(FrontPick {
                    edition_id: self.local("edition", pick.edition)?,
                    pinned_until: pick.pinned_until,
                })
            })
            .collect();
        let breaking = front.breaking.as_ref().map(|b| Breaking {
            text: b.text.clone(),
            edition_id: b.edition.and_then(|e| self.local("edition", e)),
            expires_at: b.expires_at,
        });
        let plan = FrontPlan { picks, breaking };
        let here = self.run.store().front_plan(lang).await?;
        if here == plan {
            self.run.count("fronts", Outcome::Unchanged);
        } else if here != FrontPlan::default() {
            self.run.skip(
                "fronts",
                &front.lang,
                "arranged here already: the front page here is kept",
            );
        } else {
            self.run.count("fronts", Outcome::Created);
            let pending = plan.picks.iter().any(|p| p.edition_id < 0);
            if !self.run.dry() && !pending {
                self.run.store().save_front_plan(lang, &plan, None).await?;
            }
        }
        Ok(())
    }

    async fn page(&mut self, page: &ExportedPage) -> Result<(), ImportError> {
        let Ok(lang) = Lang::parse(&page.lang) else {
            self.run
                .skip("pages", &page.page, "not in one of the site's languages");
            return Ok(());
        };
        let external = format!("{}/{}", page.page, page.lang);
        let here = self.run.store().static_page(&page.page, lang).await?;
        match here {
            Some(here) if here.title == page.title && here.body == page.body => {
                self.run.count("pages", Outcome::Unchanged);
            }
            Some(_) => self.run.skip(
                "pages",
                external,
                "written here already: the page here is kept",
            ),
            None => {
                self.run.count("pages", Outcome::Created);
                if !self.run.dry() {
                    self.run
                        .store()
                        .save_static_page(&page.page, lang, &page.title, &page.body, None)
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn legacy_path(&mut self, path: &ExportedLegacyPath) -> Result<(), ImportError> {
        let Some(edition_id) = self.local("edition", path.edition) else {
            self.run
                .skip("paths", &path.path, "its edition was not imported");
            return Ok(());
        };
        if self.run.store().legacy_edition(&path.path).await?.is_some() {
            self.run.count("paths", Outcome::Unchanged);
            return Ok(());
        }
        self.run.count("paths", Outcome::Created);
        if !self.run.dry() && edition_id > 0 {
            self.run
                .store()
                .add_legacy_path(&path.path, edition_id)
                .await?;
        }
        Ok(())
    }
}

/// A file of the other instance's media folder, refusing names that would
/// leave it.
async fn read_beside(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    if name
        .split('/')
        .any(|part| part.is_empty() || part == ".." || part == ".")
    {
        return Err(format!("{name}: not a name under the media folder"));
    }
    let path = dir.join(name);
    tokio::fs::read(&path)
        .await
        .map_err(|error| format!("{}: {error}", path.display()))
}
