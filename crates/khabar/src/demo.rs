//! `serve --demo`: fills an empty instance with original bilingual stories
//! (written for khabar; every place and person in them is invented) so that
//! a newcomer sees a live site at once.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use jiff::{SignedDuration, Timestamp};
use khabar_core::{EditionContent, EditionInput, HeroImage, Lang, Slug};
use khabar_store::{AuthorProfile, Named, NewStory, Store};
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
    image: String,
    hours_ago: i64,
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

/// Seeds the demo into `store` and copies its images under `media_dir`.
/// Returns the number of stories written.
pub async fn seed(store: &Store, media_dir: &Path) -> anyhow::Result<usize> {
    let demo: Demo = toml::from_str(DEMO).context("the embedded demo content is malformed")?;

    let image_dir = media_dir.join("demo");
    std::fs::create_dir_all(&image_dir)
        .with_context(|| format!("creating {}", image_dir.display()))?;
    for name in DemoImages::iter() {
        if let Some(file) = DemoImages::get(&name) {
            std::fs::write(image_dir.join(name.as_ref()), file.data)
                .with_context(|| format!("writing demo image {name}"))?;
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
    for story in &demo.stories {
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
        let image = HeroImage::parse(&format!("/media/demo/{}", story.image))?;
        let story_id = store
            .create_story(NewStory {
                section_id: Some(section_id),
                tag_ids: &tag_ids,
                hero_image: Some(&image),
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
        }
    }
    Ok(demo.stories.len())
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
        for story in &demo.stories {
            assert!(
                DemoImages::get(&story.image).is_some(),
                "missing image {}",
                story.image
            );
        }
    }
}
