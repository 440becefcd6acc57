//! The newsroom on the wire: stories, editions, revisions, sections,
//! media and the site's settings.

use std::collections::BTreeMap;

use jiff::Timestamp;
use khabar_core::{Dir, FeedContent, Lang, SiteOverrides, SiteSettings};
use khabar_store::{
    EditionDraft, MediaRecord, NewsroomEdition, Revision, SectionRecord, StoryRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An edition in any status, in full.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EditionDraft)]
pub(crate) struct Edition {
    pub(crate) id: i64,
    pub(crate) story_id: i64,
    pub(crate) lang: String,
    pub(crate) slug: String,
    pub(crate) headline: String,
    pub(crate) standfirst: String,
    /// Markdown.
    pub(crate) body: String,
    pub(crate) dateline: String,
    pub(crate) hero_caption: String,
    pub(crate) hero_credit: String,
    #[schema(value_type = super::sets::CommentModeName)]
    pub(crate) comment_mode: String,
    #[schema(value_type = super::sets::EditionStatusName)]
    pub(crate) status: String,
    /// Send it back with the next save: a stale number is refused.
    pub(crate) revision: i64,
    pub(crate) scheduled_at: Option<Timestamp>,
    pub(crate) published_at: Option<Timestamp>,
    pub(crate) updated_at: Timestamp,
    /// The byline, in order.
    pub(crate) author_ids: Vec<i64>,
}

impl From<EditionDraft> for Edition {
    fn from(e: EditionDraft) -> Self {
        Edition {
            id: e.id,
            story_id: e.story_id,
            lang: e.lang.to_string(),
            slug: e.slug,
            headline: e.headline,
            standfirst: e.standfirst,
            body: e.body,
            dateline: e.dateline,
            hero_caption: e.hero_caption,
            hero_credit: e.hero_credit,
            comment_mode: e.comment_mode.to_string(),
            status: e.status.to_string(),
            revision: e.revision,
            scheduled_at: e.scheduled_at,
            published_at: e.published_at,
            updated_at: e.updated_at,
            author_ids: e.author_ids,
        }
    }
}

/// A story with every edition in full.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Story {
    pub(crate) id: i64,
    pub(crate) section_id: Option<i64>,
    pub(crate) tag_ids: Vec<i64>,
    /// A /media/… path or an https:// address.
    pub(crate) hero_image: Option<String>,
    pub(crate) editions: Vec<Edition>,
}

impl From<StoryRecord> for Story {
    fn from(s: StoryRecord) -> Self {
        Story {
            id: s.id,
            section_id: s.section_id,
            tag_ids: s.tag_ids,
            hero_image: s.hero_image,
            editions: s.editions.into_iter().map(Edition::from).collect(),
        }
    }
}

/// Another edition's revisions since this one's text last changed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BehindBy {
    pub(crate) lang: String,
    pub(crate) revisions: i64,
}

/// An edition on the newsroom's list, with its story's translation status.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StoryListItem {
    pub(crate) id: i64,
    pub(crate) story_id: i64,
    pub(crate) lang: String,
    pub(crate) slug: String,
    pub(crate) headline: String,
    #[schema(value_type = super::sets::EditionStatusName)]
    pub(crate) status: String,
    pub(crate) revision: i64,
    pub(crate) scheduled_at: Option<Timestamp>,
    pub(crate) published_at: Option<Timestamp>,
    pub(crate) updated_at: Timestamp,
    pub(crate) section_id: Option<i64>,
    /// Languages the story has an edition in (this one included).
    pub(crate) story_languages: Vec<String>,
    /// Other editions that saved revisions after this one's last text.
    pub(crate) behind: Vec<BehindBy>,
}

impl From<NewsroomEdition> for StoryListItem {
    fn from(e: NewsroomEdition) -> Self {
        let r = e.record;
        StoryListItem {
            id: r.id,
            story_id: r.story_id,
            lang: r.lang.to_string(),
            slug: r.slug,
            headline: r.headline,
            status: r.status.to_string(),
            revision: r.revision,
            scheduled_at: r.scheduled_at,
            published_at: r.published_at,
            updated_at: r.updated_at,
            section_id: e.section_id,
            story_languages: e.story_languages.iter().map(|l| l.to_string()).collect(),
            behind: e
                .behind
                .into_iter()
                .map(|b| BehindBy {
                    lang: b.lang.to_string(),
                    revisions: b.revisions,
                })
                .collect(),
        }
    }
}

/// A page of the newsroom's list, most recently changed first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StoryPage {
    pub(crate) items: Vec<StoryListItem>,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
}

impl From<khabar_store::Page<NewsroomEdition>> for StoryPage {
    fn from(page: khabar_store::Page<NewsroomEdition>) -> Self {
        StoryPage {
            items: page.items.into_iter().map(StoryListItem::from).collect(),
            page: page.page,
            has_more: page.has_more,
        }
    }
}

/// One saved version of an edition.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RevisionItem {
    pub(crate) revision: i64,
    pub(crate) editor_id: Option<i64>,
    pub(crate) saved_at: Timestamp,
    pub(crate) slug: String,
    pub(crate) headline: String,
    pub(crate) standfirst: String,
    pub(crate) body: String,
    pub(crate) dateline: String,
    pub(crate) hero_caption: String,
    pub(crate) hero_credit: String,
    #[schema(value_type = super::sets::CommentModeName)]
    pub(crate) comment_mode: String,
    pub(crate) author_ids: Vec<i64>,
}

/// Every saved version, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Revisions {
    pub(crate) revisions: Vec<RevisionItem>,
}

impl From<Vec<Revision>> for Revisions {
    fn from(revisions: Vec<Revision>) -> Self {
        Revisions {
            revisions: revisions
                .into_iter()
                .map(|r| RevisionItem {
                    revision: r.revision,
                    editor_id: r.editor_id,
                    saved_at: r.saved_at,
                    slug: r.slug,
                    headline: r.headline,
                    standfirst: r.standfirst,
                    body: r.body,
                    dateline: r.dateline,
                    hero_caption: r.hero_caption,
                    hero_credit: r.hero_credit,
                    comment_mode: r.comment_mode.to_string(),
                    author_ids: r.author_ids,
                })
                .collect(),
        }
    }
}

/// A section with its names in every language.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Section {
    pub(crate) id: i64,
    pub(crate) slug: String,
    pub(crate) position: i64,
    /// By language code.
    pub(crate) names: BTreeMap<String, String>,
}

impl From<SectionRecord> for Section {
    fn from(s: SectionRecord) -> Self {
        Section {
            id: s.id,
            slug: s.slug.to_string(),
            position: s.position,
            names: s
                .names
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

/// Sections in menu order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Sections {
    pub(crate) sections: Vec<Section>,
}

/// A narrower copy of an image, under /media/.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MediaSize {
    pub(crate) width: u32,
    pub(crate) path: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MediaWords {
    pub(crate) alt: String,
    pub(crate) caption: String,
}

/// An image of the media library.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Media {
    pub(crate) id: i64,
    /// Under /media/.
    pub(crate) path: String,
    pub(crate) content_type: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bytes: u64,
    pub(crate) variants: Vec<MediaSize>,
    /// Alt text and caption by language code.
    pub(crate) texts: BTreeMap<String, MediaWords>,
    pub(crate) created_at: Timestamp,
}

impl From<MediaRecord> for Media {
    fn from(m: MediaRecord) -> Self {
        Media {
            id: m.id,
            path: m.path,
            content_type: m.content_type,
            width: m.width,
            height: m.height,
            bytes: m.bytes,
            variants: m
                .variants
                .into_iter()
                .map(|v| MediaSize {
                    width: v.width,
                    path: v.path,
                })
                .collect(),
            texts: m
                .texts
                .into_iter()
                .map(|(lang, t)| {
                    let words = MediaWords {
                        alt: t.alt,
                        caption: t.caption,
                    };
                    (lang.to_string(), words)
                })
                .collect(),
            created_at: m.created_at,
        }
    }
}

/// Someone's new role.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RoleChanged {
    pub(crate) username: String,
    #[schema(value_type = super::sets::RoleName)]
    pub(crate) role: String,
}

/// Whether feeds carry each story's whole text or its standfirst.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FeedText {
    Full,
    Summary,
}

impl From<FeedContent> for FeedText {
    fn from(f: FeedContent) -> Self {
        match f {
            FeedContent::Full => FeedText::Full,
            FeedContent::Summary => FeedText::Summary,
        }
    }
}

impl From<FeedText> for FeedContent {
    fn from(f: FeedText) -> Self {
        match f {
            FeedText::Full => FeedContent::Full,
            FeedText::Summary => FeedContent::Summary,
        }
    }
}

/// One language of the site and its writing direction.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SiteLanguage {
    pub(crate) code: String,
    /// rtl or ltr
    pub(crate) dir: String,
    /// The BCP 47 locale for dates and numbers, when it is more than the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub(crate) locale: Option<String>,
}

/// The site's settings.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SiteFields {
    /// Public address; when null, the address the server listens on.
    pub(crate) base_url: Option<String>,
    /// The site's name by language code.
    pub(crate) name: BTreeMap<String, String>,
    pub(crate) languages: Vec<SiteLanguage>,
    pub(crate) default_language: String,
    /// IANA name, e.g. Asia/Beirut.
    pub(crate) time_zone: String,
    pub(crate) comment_edit_minutes: u32,
    /// Threads close this many days after publication; null: never.
    pub(crate) comments_close_after_days: Option<u32>,
    pub(crate) comment_max_chars: u32,
    pub(crate) comment_max_links: u32,
    pub(crate) comments_per_minute: u32,
    pub(crate) feed_content: FeedText,
}

impl From<&SiteSettings> for SiteFields {
    fn from(s: &SiteSettings) -> Self {
        SiteFields {
            base_url: s.base_url.clone(),
            name: s
                .name
                .iter()
                .map(|(l, n)| (l.to_string(), n.clone()))
                .collect(),
            languages: s
                .languages
                .iter()
                .map(|l| SiteLanguage {
                    code: l.code.to_string(),
                    dir: match l.dir {
                        Dir::Rtl => "rtl",
                        Dir::Ltr => "ltr",
                    }
                    .to_owned(),
                    locale: l.locale.clone(),
                })
                .collect(),
            default_language: s.default_language.to_string(),
            time_zone: s.time_zone.clone(),
            comment_edit_minutes: s.comment_edit_minutes,
            comments_close_after_days: s.comments_close_after_days,
            comment_max_chars: s.comment_max_chars,
            comment_max_links: s.comment_max_links,
            comments_per_minute: s.comments_per_minute,
            feed_content: s.feed_content.into(),
        }
    }
}

/// What admins changed over the configuration file; a key left out takes
/// the file's value.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SiteOverrides)]
pub(crate) struct Overrides {
    /// The site's name by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) name: BTreeMap<Lang, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, nullable = false)]
    pub(crate) default_language: Option<Lang>,
    /// IANA name, e.g. Asia/Beirut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub(crate) time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0, maximum = 1440)]
    pub(crate) comment_edit_minutes: Option<u32>,
    /// 0: threads never close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0, maximum = 3650)]
    pub(crate) comments_close_after_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 100, maximum = 5000)]
    pub(crate) comment_max_chars: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0, maximum = 50)]
    pub(crate) comment_max_links: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1, maximum = 60)]
    pub(crate) comments_per_minute: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub(crate) feed_content: Option<FeedText>,
}

impl From<Overrides> for SiteOverrides {
    fn from(o: Overrides) -> Self {
        SiteOverrides {
            name: o.name,
            default_language: o.default_language,
            time_zone: o.time_zone,
            comment_edit_minutes: o.comment_edit_minutes,
            comments_close_after_days: o.comments_close_after_days,
            comment_max_chars: o.comment_max_chars,
            comment_max_links: o.comment_max_links,
            comments_per_minute: o.comments_per_minute,
            feed_content: o.feed_content.map(FeedContent::from),
        }
    }
}

impl From<SiteOverrides> for Overrides {
    fn from(o: SiteOverrides) -> Self {
        Overrides {
            name: o.name,
            default_language: o.default_language,
            time_zone: o.time_zone,
            comment_edit_minutes: o.comment_edit_minutes,
            comments_close_after_days: o.comments_close_after_days,
            comment_max_chars: o.comment_max_chars,
            comment_max_links: o.comment_max_links,
            comments_per_minute: o.comments_per_minute,
            feed_content: o.feed_content.map(FeedText::from),
        }
    }
}

/// The settings in force, what admins changed, and the file's values.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SiteSettingsAnswer {
    pub(crate) settings: SiteFields,
    pub(crate) overrides: Overrides,
    pub(crate) file: SiteFields,
}

/// The settings in force after a change, and what admins changed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SiteSettingsUpdated {
    pub(crate) settings: SiteFields,
    pub(crate) overrides: Overrides,
}

/// An upload, as `multipart/form-data`: the image in `file` and, for each
/// language of the site, `alt_{lang}` and `caption_{lang}`. The handler
/// reads the parts one by one (no serde type reads a multipart body), so
/// this type only describes them.
#[derive(ToSchema)]
#[allow(
    dead_code,
    reason = "describes a multipart form the handler reads by hand"
)]
pub(crate) struct MediaUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(required = false, nullable = false)]
    alt_ar: Option<String>,
    #[schema(required = false, nullable = false)]
    caption_ar: Option<String>,
    #[schema(required = false, nullable = false)]
    alt_en: Option<String>,
    #[schema(required = false, nullable = false)]
    caption_en: Option<String>,
}
