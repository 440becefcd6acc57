//! The newsroom's use cases: writing, revising, publishing and restoring
//! stories, uploading images, keeping sections, and giving people roles. The rules of
//! `khabar_core::newsroom` are checked here, so every surface (the API
//! today, the editor's screens next) obeys the same ones.

use jiff::Timestamp;
use khabar_core::newsroom::{
    self, may_edit, may_keep_sections, may_manage_people, may_publish, may_write,
};
use khabar_core::text;
use khabar_core::{
    EditionContent, EditionStatus, HeroImage, InvalidInput, Lang, Role, SiteOverrides, Slug,
};
use khabar_store::{
    Account, AuthorProfile, EditionDraft, MediaRecord, MediaText, MediaVariant, Named, NewMedia,
    NewStory, NewsroomEdition, NewsroomFilter, Page, Revision, StoreError, StoryRecord,
    UserSummary,
};
use sha2::Digest;

use crate::Context;
use crate::error::{Failure, Kind};
use crate::media::{self, MediaError};

#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    #[error("your role does not allow that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(
        "this was changed by someone else since you opened it; reload to see their version — your text is still in your editor"
    )]
    Conflict,
    #[error("{0} is already taken")]
    Taken(&'static str),
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("{0}")]
    Media(MediaError),
    #[error("store: {0}")]
    Store(StoreError),
}

/// The largest menu position a section may be given.
const MAX_POSITION: i64 = 1_000_000;

/// Uploads go to this folder of the media folder.
const UPLOADS: &str = "uploads";
/// The site icon's files go to this one (`media::site_icons`).
pub const ICONS: &str = "icons";

/// Images processed at once: each may take a few hundred MiB.
static IMAGE_WORK: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

impl Failure for NewsroomError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            NewsroomError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            NewsroomError::Forbidden => Kind::Forbidden,
            NewsroomError::NotFound => Kind::NotFound,
            NewsroomError::Conflict | NewsroomError::Taken(_) => Kind::Conflict,
            NewsroomError::Invalid(_) => Kind::Invalid,
            NewsroomError::Media(e) => e.kind(),
            NewsroomError::Store(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            NewsroomError::Forbidden => "forbidden",
            NewsroomError::NotFound => "not_found",
            NewsroomError::Conflict => "edit_conflict",
            NewsroomError::Taken(_) => "already_taken",
            NewsroomError::Invalid(e) => e.code,
            NewsroomError::Media(e) => e.code(),
            NewsroomError::Store(_) => "internal",
        }
    }
}

impl From<StoreError> for NewsroomError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => NewsroomError::NotFound,
            StoreError::Conflict => NewsroomError::Conflict,
            StoreError::Taken { what } => NewsroomError::Taken(what),
            StoreError::Invalid(e) => NewsroomError::Invalid(e),
            other => NewsroomError::Store(other),
        }
    }
}

type Result<T, E = NewsroomError> = std::result::Result<T, E>;

/// A new story: where it goes and its first edition.
pub struct StoryDraft {
    pub section_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub hero_image: Option<HeroImage>,
    pub lang: Lang,
    pub content: EditionContent,
    /// The byline; empty: the writer's own author profiles.
    pub author_ids: Vec<i64>,
}

/// One account at work in the newsroom.
pub struct Newsroom<'a> {
    ctx: &'a Context,
    account: &'a Account,
    role: Role,
}

impl<'a> Newsroom<'a> {
    pub fn new(ctx: &'a Context, account: &'a Account) -> Newsroom<'a> {
        let role = account.role;
        Newsroom { ctx, account, role }
    }

    fn require(&self, allowed: bool) -> Result<()> {
        if allowed {
            Ok(())
        } else {
            Err(NewsroomError::Forbidden)
        }
    }

    /// The byline to save: as asked, except that an author always stands
    /// in the byline of what they write.
    /// Editors and admins set it as they like. An author must stand in it,
    /// may add only themselves, and may drop nobody already in `current`.
    async fn byline(&self, asked: Vec<i64>, current: &[i64]) -> Result<Vec<i64>> {
        let own = self.ctx.store.bylines_of(self.account.id).await?;
        if asked.is_empty() {
            return Ok(match (current.is_empty(), own.is_empty()) {
                (false, _) => current.to_vec(),
                (true, false) => own,
                (true, true) => vec![self.own_byline().await?],
            });
        }
        if self.role == Role::Author {
            let stands_in = asked.iter().any(|id| own.contains(id));
            let adds_others = asked
                .iter()
                .any(|id| !own.contains(id) && !current.contains(id));
            let drops_someone = current.iter().any(|id| !asked.contains(id));
            self.require(stands_in && !adds_others && !drops_someone)?;
        }
        Ok(asked)
    }

    /// A byline for an account that has none yet, named as the account
    /// is in every language of the site: the writer is the default byline,
    /// so nothing goes out unsigned because nobody made them a profile.
    async fn own_byline(&self) -> Result<i64> {
        let account = self.account;
        let name = if text::is_visible(&account.display_name) {
            account.display_name.as_str()
        } else {
            account.username.as_str()
        };
        let profiles: Vec<AuthorProfile> = self
            .ctx
            .languages()
            .into_iter()
            .map(|lang| {
                Ok(AuthorProfile {
                    lang,
                    name: newsroom::label("names", name)?,
                    bio: String::new(),
                })
            })
            .collect::<Result<_>>()?;
        let fallback = format!("author-{}", account.id);
        let slug = Slug::from_headline(&account.username).or_else(|_| Slug::parse(&fallback))?;
        let store = &self.ctx.store;
        match store
            .create_author(&slug, &profiles, Some(account.id))
            .await
        {
            // Another byline has the name's slug: the account's id makes it
            // its own.
            Err(StoreError::Taken { .. }) => {
                let slug = Slug::parse(&format!("{}-{}", slug.as_str(), account.id))?;
                Ok(store
                    .create_author(&slug, &profiles, Some(account.id))
                    .await?)
            }
            other => Ok(other?),
        }
    }

    /// Whether the account writes as one of `author_ids`.
    async fn is_own(&self, author_ids: &[i64]) -> Result<bool> {
        let own = self.ctx.store.bylines_of(self.account.id).await?;
        Ok(author_ids.iter().any(|id| own.contains(id)))
    }

    /// An edition this account may change.
    async fn editable(&self, edition_id: i64) -> Result<EditionDraft> {
        self.require(may_write(self.role))?;
        let edition = self.ctx.store.edition_draft(edition_id).await?;
        let own = self.is_own(&edition.author_ids).await?;
        self.require(may_edit(
            self.role,
            own,
            edition.status != EditionStatus::Draft,
        ))?;
        Ok(edition)
    }

    pub async fn create_story(&self, draft: StoryDraft) -> Result<StoryRecord> {
        self.require(may_write(self.role))?;
        self.site_language(draft.lang)?;
        let author_ids = self.byline(draft.author_ids, &[]).await?;
        let store = &self.ctx.store;
        let story_id = store
            .create_story(NewStory {
                section_id: draft.section_id,
                tag_ids: &draft.tag_ids,
                hero_image: draft.hero_image.as_ref(),
            })
            .await
            .map_err(|e| unknown_reference(e, "section_id"))?;
        let edition = store
            .create_edition(
                story_id,
                draft.lang,
                &draft.content,
                &author_ids,
                Some(self.account.id),
            )
            .await;
        if let Err(error) = edition {
            // No story without an edition: take back the empty one.
            store.delete_empty_story(story_id).await?;
            return Err(unknown_reference(error, "author_ids"));
        }
        Ok(store.story_record(story_id).await?)
    }

    fn site_language(&self, lang: Lang) -> Result<()> {
        match self.ctx.site().dir_of(lang) {
            Some(_) => Ok(()),
            None => {
                Err(
                    InvalidInput::new("lang", "unknown_language", "not a language of this site")
                        .into(),
                )
            }
        }
    }

    /// Adds an edition in another language to a story; an author only to
    /// a story they already write for.
    pub async fn add_edition(
        &self,
        story_id: i64,
        lang: Lang,
        content: &EditionContent,
        author_ids: Vec<i64>,
    ) -> Result<EditionDraft> {
        self.require(may_write(self.role))?;
        self.site_language(lang)?;
        let store = &self.ctx.store;
        let story = store.story_record(story_id).await?;
        if self.role == Role::Author {
            let bylines: Vec<i64> = story
                .editions
                .iter()
                .flat_map(|e| e.author_ids.iter().copied())
                .collect();
            self.require(self.is_own(&bylines).await?)?;
        }
        if story.editions.iter().any(|e| e.lang == lang) {
            return Err(NewsroomError::Taken(
                "this story's edition in that language",
            ));
        }
        let author_ids = self.byline(author_ids, &[]).await?;
        let id = store
            .create_edition(story_id, lang, content, &author_ids, Some(self.account.id))
            .await
            .map_err(|e| unknown_reference(e, "author_ids"))?;
        // A new edition is a translation of where the others stand.
        store.sync_edition(id).await?;
        Ok(store.edition_draft(id).await?)
    }

    /// Marks an edition as brought in line with its siblings as they stand
    /// (its translation updated): it is behind none of them, and none of
    /// them is behind it, until one changes again.
    pub async fn mark_synced(&self, edition_id: i64) -> Result<EditionDraft> {
        self.editable(edition_id).await?;
        self.ctx.store.sync_edition(edition_id).await?;
        Ok(self.ctx.store.edition_draft(edition_id).await?)
    }

    /// Section, tags and hero image: the story's, shared by its editions.
    /// An author may change them while every edition is a draft; editors
    /// and admins always.
    pub async fn update_story(
        &self,
        story_id: i64,
        section_id: Option<i64>,
        tag_ids: Vec<i64>,
        hero_image: Option<HeroImage>,
    ) -> Result<StoryRecord> {
        self.require(may_write(self.role))?;
        let store = &self.ctx.store;
        let story = store.story_record(story_id).await?;
        let bylines: Vec<i64> = story
            .editions
            .iter()
            .flat_map(|e| e.author_ids.iter().copied())
            .collect();
        let mine = self.is_own(&bylines).await?;
        let past_draft = story
            .editions
            .iter()
            .any(|e| e.status != EditionStatus::Draft);
        self.require(may_edit(self.role, mine, past_draft))?;
        store
            .update_story(
                story_id,
                NewStory {
                    section_id,
                    tag_ids: &tag_ids,
                    hero_image: hero_image.as_ref(),
                },
                Some(self.account.id),
            )
            .await
            .map_err(|e| unknown_reference(e, "section_id"))?;
        Ok(store.story_record(story_id).await?)
    }

    pub async fn story(&self, story_id: i64) -> Result<StoryRecord> {
        self.require(may_write(self.role))?;
        Ok(self.ctx.store.story_record(story_id).await?)
    }

    /// Saves over `revision`; a save from an older revision is refused and
    /// changes nothing, so neither editor's text is lost.
    pub async fn update_edition(
        &self,
        edition_id: i64,
        revision: i64,
        content: &EditionContent,
        author_ids: Option<Vec<i64>>,
    ) -> Result<EditionDraft> {
        let edition = self.editable(edition_id).await?;
        let author_ids = match author_ids {
            Some(ids) => self.byline(ids, &edition.author_ids).await?,
            None => edition.author_ids,
        };
        let store = &self.ctx.store;
        let editor = Some(self.account.id);
        let saved = if self.role == Role::Author {
            store
                .update_draft(edition_id, revision, content, &author_ids, editor)
                .await
        } else {
            store
                .update_edition(edition_id, revision, content, &author_ids, editor)
                .await
        };
        saved.map_err(|e| unknown_reference(e, "author_ids"))?;
        Ok(self.ctx.store.edition_draft(edition_id).await?)
    }

    /// Publishes now, or schedules for `at` when it is in the future.
    pub async fn publish(&self, edition_id: i64, at: Option<Timestamp>) -> Result<EditionDraft> {
        self.require(may_publish(self.role))?;
        let store = &self.ctx.store;
        store.edition_draft(edition_id).await?;
        match at {
            Some(at) if at <= Timestamp::now() => return Err(not_in_future()),
            Some(at) => {
                store
                    .schedule_edition(edition_id, at, Some(self.account.id))
                    .await?;
            }
            _ => {
                store
                    .publish_edition(edition_id, Timestamp::now(), Some(self.account.id))
                    .await?;
            }
        }
        Ok(store.edition_draft(edition_id).await?)
    }

    /// Publishes (or schedules for `at`) several editions of one story in
    /// one transaction: a refusal of any of them publishes none. Returns
    /// them as they stand after.
    pub async fn publish_together(
        &self,
        story_id: i64,
        edition_ids: &[i64],
        at: Option<Timestamp>,
    ) -> Result<Vec<EditionDraft>> {
        self.require(may_publish(self.role))?;
        if edition_ids.is_empty() {
            return Err(InvalidInput::new(
                "edition_id",
                "no_edition_chosen",
                "choose at least one edition to publish",
            )
            .into());
        }
        let story = self.ctx.store.story_record(story_id).await?;
        // Only this story's editions; their statuses are checked in the
        // store's transaction, where nothing can change them meanwhile.
        let ours = |id: &i64| story.editions.iter().any(|e| e.id == *id);
        if !edition_ids.iter().all(ours) {
            return Err(NewsroomError::NotFound);
        }
        let store = &self.ctx.store;
        let actor = Some(self.account.id);
        match at {
            Some(at) if at <= Timestamp::now() => return Err(not_in_future()),
            Some(at) => store.schedule_editions(edition_ids, at, actor).await?,
            None => {
                store
                    .publish_editions(edition_ids, Timestamp::now(), actor)
                    .await?;
            }
        }
        let mut done = Vec::with_capacity(edition_ids.len());
        for id in edition_ids {
            done.push(store.edition_draft(*id).await?);
        }
        Ok(done)
    }

    pub async fn unpublish(&self, edition_id: i64) -> Result<EditionDraft> {
        self.require(may_publish(self.role))?;
        let store = &self.ctx.store;
        store
            .unpublish_edition(edition_id, Some(self.account.id))
            .await?;
        Ok(store.edition_draft(edition_id).await?)
    }

    /// Every saved version, newest first.
    pub async fn revisions(&self, edition_id: i64) -> Result<Vec<Revision>> {
        self.require(may_write(self.role))?;
        self.ctx.store.edition_draft(edition_id).await?;
        Ok(self.ctx.store.revisions(edition_id).await?)
    }

    /// Makes an old revision's text the newest one.
    pub async fn restore(
        &self,
        edition_id: i64,
        revision: i64,
        current_revision: i64,
    ) -> Result<EditionDraft> {
        let edition = self.editable(edition_id).await?;
        // An author's restore keeps today's byline: an old one could drop
        // a co-author.
        let author = self.role == Role::Author;
        self.ctx
            .store
            .restore_revision(
                edition_id,
                revision,
                current_revision,
                Some(self.account.id),
                author.then_some(edition.author_ids.as_slice()),
                author,
            )
            .await?;
        Ok(self.ctx.store.edition_draft(edition_id).await?)
    }

    /// Stores an uploaded image, made safe, with its variants and texts.
    pub async fn upload_media(
        &self,
        upload: Vec<u8>,
        texts: Vec<(Lang, MediaText)>,
    ) -> Result<MediaRecord> {
        self.require(may_write(self.role))?;
        let texts = texts
            .into_iter()
            .map(|(lang, t)| {
                let alt = text::line("alt", &t.alt, newsroom::MAX_LABEL_CHARS)?;
                let caption = text::line("caption", &t.caption, newsroom::MAX_LABEL_CHARS)?;
                Ok((lang, MediaText { alt, caption }))
            })
            .collect::<Result<Vec<_>>>()?;
        save_image(
            &self.ctx.media,
            &self.ctx.store,
            upload,
            &texts,
            Some(self.account.id),
        )
        .await
    }

    pub async fn create_section(&self, slug: &Slug, names: &[Named]) -> Result<i64> {
        self.require(may_keep_sections(self.role))?;
        let names = checked_names(names)?;
        Ok(self
            .ctx
            .store
            .create_section_as(slug, 100, &names, Some(self.account.id))
            .await?)
    }

    /// Gives section `id` these names (replacing all it had) and, when
    /// given, a place in the menu; whoever may create sections may.
    pub async fn rename_section(
        &self,
        id: i64,
        names: &[Named],
        position: Option<i64>,
    ) -> Result<()> {
        self.require(may_keep_sections(self.role))?;
        let names = checked_names(names)?;
        if position.is_some_and(|p| !(0..=MAX_POSITION).contains(&p)) {
            return Err(InvalidInput::new(
                "position",
                "out_of_range",
                "a position is a whole number from 0 to 1000000",
            )
            .into());
        }
        Ok(self
            .ctx
            .store
            .rename_section(id, &names, position, Some(self.account.id))
            .await?)
    }

    pub async fn create_tag(&self, slug: &Slug, names: &[Named]) -> Result<i64> {
        self.require(may_keep_sections(self.role))?;
        let names = checked_names(names)?;
        Ok(self.ctx.store.create_tag(slug, &names).await?)
    }

    /// A byline, maybe an account's: that account may then write as it.
    pub async fn create_author(
        &self,
        slug: &Slug,
        profiles: &[AuthorProfile],
        user_id: Option<i64>,
    ) -> Result<i64> {
        self.require(may_keep_sections(self.role))?;
        named_somehow(profiles.len())?;
        let profiles = profiles
            .iter()
            .map(|p| {
                Ok(AuthorProfile {
                    lang: p.lang,
                    name: newsroom::label("names", &p.name)?,
                    bio: newsroom::bio(&p.bio)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(self
            .ctx
            .store
            .create_author(slug, &profiles, user_id)
            .await?)
    }

    /// Lays `overrides` over the configuration file's site settings, on
    /// this node at once and on the others as they read the log.
    pub async fn update_site_settings(&self, overrides: &SiteOverrides) -> Result<()> {
        self.require(may_manage_people(self.role))?;
        self.ctx.settings.file().with(overrides)?;
        self.ctx
            .store
            .save_site_overrides(overrides, self.account.id)
            .await?;
        Ok(self.ctx.reload_site().await?)
    }

    /// Makes the site's icon files from one source image (admins), in the
    /// media folder every node serves uploads from, and names them in the
    /// store: every node reloads the settings and drops its cached pages,
    /// which link the icons by their new names.
    pub async fn set_site_icon(&self, upload: Vec<u8>) -> Result<()> {
        self.require(may_manage_people(self.role))?;
        let (stem, files) = image_work(move || {
            let stem = hex::encode(&sha2::Sha256::digest(&upload)[..8]);
            let files = media::site_icons(&upload, &stem)?;
            Ok((stem, files))
        })
        .await?;
        media::save_files(&self.ctx.media, ICONS, files)
            .await
            .map_err(NewsroomError::Media)?;
        self.ctx
            .store
            .save_site_icon(Some(&stem), self.account.id)
            .await?;
        Ok(self.ctx.reload_site().await?)
    }

    /// Goes back to the theme's icons (admins). The files stay: a page
    /// cached elsewhere may still link them.
    pub async fn remove_site_icon(&self) -> Result<()> {
        self.require(may_manage_people(self.role))?;
        self.ctx.store.save_site_icon(None, self.account.id).await?;
        Ok(self.ctx.reload_site().await?)
    }

    /// Editions in every status for the newsroom's lists.
    pub async fn editions(
        &self,
        filter: &NewsroomFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<NewsroomEdition>> {
        self.require(may_write(self.role))?;
        Ok(self
            .ctx
            .store
            .newsroom_editions(filter, page, per_page)
            .await?)
    }

    /// The story list: a page of `per_page` stories, each with its
    /// editions that `filter` lets through.
    pub async fn story_list(
        &self,
        filter: &NewsroomFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<NewsroomEdition>> {
        self.require(may_write(self.role))?;
        Ok(self
            .ctx
            .store
            .newsroom_stories(filter, page, per_page)
            .await?)
    }

    /// Everyone with an account, for those who manage people.
    pub async fn users(&self, page: u32, per_page: u32) -> Result<Page<UserSummary>> {
        self.require(may_manage_people(self.role))?;
        Ok(self.ctx.store.list_users(page, per_page).await?)
    }

    /// Gives someone else a role; nobody changes their own.
    pub async fn set_role(&self, user_id: i64, role: Role) -> Result<()> {
        self.require(may_manage_people(self.role) && user_id != self.account.id)?;
        Ok(self.ctx.store.set_role(user_id, role).await?)
    }
}

/// Stores an image made safe, with its variants and `texts`, in the media
/// folder and the media library: uploads and imports alike.
pub(crate) async fn save_image(
    media_store: &crate::media_store::MediaStore,
    store: &khabar_store::Store,
    upload: Vec<u8>,
    texts: &[(Lang, MediaText)],
    uploaded_by: Option<i64>,
) -> Result<MediaRecord> {
    let (stem, processed) = image_work(move || {
        let stem = hex::encode(&sha2::Sha256::digest(&upload)[..8]);
        Ok((stem, media::process(&upload)?))
    })
    .await?;
    let (content_type, width, height) =
        (processed.content_type(), processed.width, processed.height);
    let bytes = processed.bytes.len() as u64;
    let (name, variants, files) = processed.into_files(&stem);
    let path = format!("{UPLOADS}/{name}");
    media::save_files(media_store, UPLOADS, files)
        .await
        .map_err(NewsroomError::Media)?;
    let variants: Vec<MediaVariant> = variants
        .into_iter()
        .map(|(width, file)| MediaVariant {
            width,
            path: format!("{UPLOADS}/{file}"),
        })
        .collect();
    let id = store
        .create_media(NewMedia {
            path: &path,
            content_type,
            width,
            height,
            bytes,
            variants: &variants,
            uploaded_by,
            texts,
        })
        .await?;
    Ok(store.media(id).await?)
}

/// Decoding and encoding images is CPU and memory work: off the async
/// threads, and a few at a time.
async fn image_work<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, MediaError> + Send + 'static,
) -> Result<T> {
    let failed =
        |e: &dyn std::fmt::Display| NewsroomError::Media(MediaError::Unreadable(e.to_string()));
    let _turn = IMAGE_WORK.acquire().await.map_err(|e| failed(&e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| failed(&e))?
        .map_err(NewsroomError::Media)
}

/// A past time is a mistake (a time zone, a typo), not a wish to publish
/// at once: an embargo must not break on it.
fn not_in_future() -> NewsroomError {
    InvalidInput::new(
        "at",
        "not_in_future",
        "a schedule time must be in the future; leave it out to publish now",
    )
    .into()
}

/// Names checked as `khabar_core::newsroom::label`s, at least one.
fn checked_names(names: &[Named]) -> Result<Vec<Named>> {
    named_somehow(names.len())?;
    names
        .iter()
        .map(|n| {
            Ok(Named {
                lang: n.lang,
                name: newsroom::label("names", &n.name)?,
            })
        })
        .collect()
}

/// Sections, tags and authors need a name in at least one language.
fn named_somehow(names: usize) -> Result<()> {
    if names == 0 {
        return Err(
            InvalidInput::new("names", "required", "a name in at least one language").into(),
        );
    }
    Ok(())
}

/// A section, tag or author id that does not exist breaks a foreign key;
/// that is the caller's mistake (about `field`), not the server's.
fn unknown_reference(error: StoreError, field: &'static str) -> NewsroomError {
    match error {
        StoreError::Database(ref e)
            if e.as_database_error()
                .is_some_and(|d| d.is_foreign_key_violation()) =>
        {
            InvalidInput::new(field, "unknown_reference", "no such section, tag or author").into()
        }
        other => other.into(),
    }
}
