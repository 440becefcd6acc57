//! `serve --demo`: fills an empty instance with original bilingual stories
//! (written for khabar; every place and person in them is invented) so that
//! a newcomer sees a live site at once.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, bail};
use jiff::{SignedDuration, Timestamp};
use khabar_app::media_store::MediaStore;
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::{
    CommentBody, DisplayName, EditionContent, EditionInput, Email, HeroImage, Lang, Role, Slug,
    Username,
};
use khabar_store::{AuthorProfile, CommentStatus, Named, NewComment, NewStory, NewUser, Store};
use rust_embed::RustEmbed;
use serde::Deserialize;

const DEMO: &str = include_str!("../demo/demo.toml");

#[derive(RustEmbed)]
#[folder = "demo/images/"]
struct DemoImages;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    sections: Vec<DemoSection>,
    tags: Vec<DemoTag>,
    authors: Vec<DemoAuthor>,
    stories: Vec<DemoStory>,
    readers: Vec<DemoReader>,
    comments: Vec<DemoComment>,
    front: DemoFront,
    pages: Vec<DemoPage>,
}

/// The front page as an editor arranged it: stories by their place in
/// `stories`, the first leads; and a breaking-news banner.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFront {
    picks: Vec<usize>,
    breaking: DemoBreaking,
}

/// A banner linking story `story`, shown for `hours` from the seeding.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoBreaking {
    story: usize,
    hours: i64,
    ar: String,
    en: String,
}

/// One of the site's own pages (about, contact…) in both languages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPage {
    page: String,
    ar: DemoPageText,
    en: DemoPageText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPageText {
    title: String,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoReader {
    username: String,
    display_name: String,
}

/// A comment under `story` (its place in `stories`), in the edition of
/// `lang`, answering `reply_to` (an earlier comment's place in `comments`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoComment {
    story: usize,
    lang: Lang,
    author: String,
    reply_to: Option<usize>,
    /// How long before the seeding it was written.
    minutes_ago: i64,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSection {
    slug: String,
    position: i64,
    name: BTreeMap<Lang, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTag {
    slug: String,
    name: BTreeMap<Lang, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAuthor {
    slug: String,
    name: BTreeMap<Lang, String>,
    bio: BTreeMap<Lang, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoStory {
    section: String,
    tags: Vec<String>,
    /// None: a story without a picture (shown as a text card).
    image: Option<String>,
    hours_ago: i64,
    /// Reads the seeding counts for it today ("most read").
    reads: u64,
    ar: Option<DemoEdition>,
    en: Option<DemoEdition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEdition {
    slug: String,
    headline: String,
    standfirst: String,
    dateline: String,
    authors: Vec<String>,
    caption: String,
    credit: String,
    body: String,
}

fn named(names: &BTreeMap<Lang, String>) -> Vec<Named> {
    names
        .iter()
        .map(|(lang, name)| Named {
            lang: *lang,
            name: name.clone(),
        })
        .collect()
}

/// Seeds the demo into `store` and copies its images into `media`'s
/// `demo/`. Returns the number of stories written.
pub async fn seed(store: &Store, media: &MediaStore) -> anyhow::Result<usize> {
    let demo: Demo = toml::from_str(DEMO).context("the embedded demo content is malformed")?;

    for name in DemoImages::iter() {
        if let Some(file) = DemoImages::get(&name) {
            media
                .put(&format!("demo/{name}"), file.data.into_owned())
                .await
                .with_context(|| format!("writing demo image {name} to {media}"))?;
        }
    }

    let mut sections = HashMap::new();
    for section in &demo.sections {
        let id = store
            .create_section(
                &Slug::parse(&section.slug)?,
                section.position,
                &named(&section.name),
            )
            .await?;
        sections.insert(section.slug.as_str(), id);
    }
    let mut tags = HashMap::new();
    for tag in &demo.tags {
        tags.insert(
            tag.slug.as_str(),
            store
                .create_tag(&Slug::parse(&tag.slug)?, &named(&tag.name))
                .await?,
        );
    }
    let mut authors = HashMap::new();
    for author in &demo.authors {
        let profiles: Vec<AuthorProfile> = author
            .name
            .iter()
            .map(|(lang, name)| AuthorProfile {
                lang: *lang,
                name: name.clone(),
                bio: author.bio.get(lang).cloned().unwrap_or_default(),
            })
            .collect();
        let id = store
            .create_author(&Slug::parse(&author.slug)?, &profiles, None)
            .await?;
        authors.insert(author.slug.as_str(), id);
    }

    let now = Timestamp::now();
    let mut editions: HashMap<(usize, Lang), i64> = HashMap::new();
    for (place, story) in demo.stories.iter().enumerate() {
        let Some(&section_id) = sections.get(story.section.as_str()) else {
            bail!("demo story names unknown section {}", story.section);
        };
        let tag_ids: Vec<i64> = story
            .tags
            .iter()
            .map(|t| {
                let id = tags.get(t.as_str()).copied();
                id.with_context(|| format!("demo story names unknown tag {t}"))
            })
            .collect::<anyhow::Result<_>>()?;
        let image = match &story.image {
            Some(image) => Some(HeroImage::parse(&format!("/media/demo/{image}"))?),
            None => None,
        };
        let story_id = store
            .create_story(NewStory {
                section_id: Some(section_id),
                tag_ids: &tag_ids,
                hero_image: image.as_ref(),
            })
            .await?;
        let published_at = now - SignedDuration::from_hours(story.hours_ago);
        for (lang, edition) in [(Lang::AR, &story.ar), (Lang::EN, &story.en)] {
            let Some(edition) = edition else { continue };
            let content = EditionContent::parse(EditionInput {
                slug: Some(edition.slug.clone()),
                headline: edition.headline.clone(),
                standfirst: edition.standfirst.clone(),
                body: edition.body.clone(),
                dateline: edition.dateline.clone(),
                hero_caption: edition.caption.clone(),
                hero_credit: edition.credit.clone(),
                ..Default::default()
            })
            .with_context(|| format!("demo edition {}", edition.slug))?;
            let byline: Vec<i64> = edition
                .authors
                .iter()
                .map(|a| {
                    let id = authors.get(a.as_str()).copied();
                    id.with_context(|| format!("demo edition names unknown author {a}"))
                })
                .collect::<anyhow::Result<_>>()?;
            let edition_id = store
                .create_edition(story_id, lang, &content, &byline, None)
                .await?;
            store
                .publish_edition(edition_id, published_at, None)
                .await?;
            editions.insert((place, lang), edition_id);
        }
    }
    seed_discussion(store, &demo, &editions).await?;
    seed_front(store, &demo, &editions, now).await?;
    Ok(demo.stories.len())
}

/// Today's reads, each language's front page as the demo's editor
/// arranged it, and the site's own pages.
async fn seed_front(
    store: &Store,
    demo: &Demo,
    editions: &HashMap<(usize, Lang), i64>,
    now: Timestamp,
) -> anyhow::Result<()> {
    let mut reads = khabar_store::Reads::new();
    for ((place, _), id) in editions {
        reads.insert(*id, demo.stories[*place].reads);
    }
    store.add_reads(&reads, khabar_store::read_day(now)).await?;
    let breaking = &demo.front.breaking;
    for (lang, text) in [(Lang::AR, &breaking.ar), (Lang::EN, &breaking.en)] {
        let plan = khabar_store::FrontPlan {
            picks: demo
                .front
                .picks
                .iter()
                .filter_map(|place| editions.get(&(*place, lang)))
                .map(|id| khabar_store::FrontPick {
                    edition_id: *id,
                    pinned_until: None,
                })
                .collect(),
            breaking: Some(khabar_store::Breaking {
                text: text.clone(),
                edition_id: editions.get(&(breaking.story, lang)).copied(),
                expires_at: now + SignedDuration::from_hours(breaking.hours),
            }),
        };
        store.save_front_plan(lang, &plan, None).await?;
    }
    for page in &demo.pages {
        for (lang, text) in [(Lang::AR, &page.ar), (Lang::EN, &page.en)] {
            store
                .save_static_page(&page.page, lang, &text.title, &text.body, None)
                .await?;
        }
    }
    Ok(())
}

/// The demo's readers and their comments, each approved, mentions linked
/// and notified as if posted through the site.
async fn seed_discussion(
    store: &Store,
    demo: &Demo,
    editions: &HashMap<(usize, Lang), i64>,
) -> anyhow::Result<()> {
    let mut readers: Vec<(&DemoReader, i64)> = Vec::new();
    for (n, reader) in demo.readers.iter().enumerate() {
        let username = Username::parse(&reader.username)?;
        let id = store
            .create_user(NewUser {
                username: &username,
                email: &Email::parse(&format!("reader{n}@demo.invalid"))?,
                display_name: &DisplayName::parse(&reader.display_name)?,
                // No Argon2 string: nobody can sign in as a demo reader.
                password_hash: "!",
                role: Role::Reader,
                lang: Lang::AR,
            })
            .await?;
        readers.push((reader, id));
    }
    let approved = Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    };
    let mut posted: Vec<i64> = Vec::new();
    for comment in &demo.comments {
        let edition_id = *editions
            .get(&(comment.story, comment.lang))
            .with_context(|| {
                format!(
                    "demo comment on a missing edition of story {}",
                    comment.story
                )
            })?;
        let (_, author_id) = readers
            .iter()
            .find(|(r, _)| r.username == comment.author)
            .with_context(|| format!("demo comment by unknown reader {}", comment.author))?;
        let mentions: Vec<i64> = khabar_text::comment::mention_candidates(&comment.body)
            .iter()
            .filter_map(|forms| {
                forms.iter().find_map(|name| {
                    readers
                        .iter()
                        .find(|(r, _)| &r.username == name || &r.display_name == name)
                        .map(|(_, id)| *id)
                })
            })
            .collect();
        let parent_id = match comment.reply_to {
            Some(place) => Some(
                *posted
                    .get(place)
                    .context("a demo reply before its comment")?,
            ),
            None => None,
        };
        let written = Timestamp::now() - SignedDuration::from_mins(comment.minutes_ago);
        let id = store
            .post_comment_at(
                NewComment {
                    edition_id,
                    author_id: *author_id,
                    body: &CommentBody::parse(&comment.body)?,
                    parent_id,
                    status: CommentStatus::Visible,
                    mentions: &mentions,
                    verdict: &approved,
                },
                written,
            )
            .await?;
        posted.push(id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_content_is_complete() {
        let demo: Demo = toml::from_str(DEMO).expect("demo.toml parses");
        assert!(demo.stories.len() >= 8);
        assert!(demo.sections.len() >= 3);
        let arabic_only = demo
            .stories
            .iter()
            .filter(|s| s.ar.is_some() && s.en.is_none())
            .count();
        let both = demo
            .stories
            .iter()
            .filter(|s| s.ar.is_some() && s.en.is_some())
            .count();
        assert_eq!(arabic_only, 1);
        assert_eq!(both, demo.stories.len() - 1);
        for image in demo.stories.iter().filter_map(|s| s.image.as_ref()) {
            assert!(DemoImages::get(image).is_some(), "missing image {image}");
        }
        assert!(
            demo.stories.iter().any(|s| s.image.is_none()),
            "a text card"
        );
        for place in demo.front.picks.iter().chain([&demo.front.breaking.story]) {
            assert!(*place < demo.stories.len(), "front page story {place}");
        }
        let pages: Vec<&str> = demo.pages.iter().map(|p| p.page.as_str()).collect();
        assert_eq!(pages, khabar_app::front::STATIC_PAGES);
    }
}
