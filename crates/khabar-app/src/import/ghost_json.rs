//! Ghost's export (Settings → Advanced → Export: JSON with `db[0].data`
//! holding `posts`, `tags`, `posts_tags`, `users`, `posts_authors`) read
//! into the same records as a WordPress export: Ghost's primary tag is the
//! section, its other public tags the tags, an internal tag `#ar` or `#en`
//! the language. Ghost has no translations: each post is a story.

use serde_json::Value;
use sha2::Digest;

use super::ImportError;
use super::wxr::{WpAttachment, WpAuthor, WpPost, WpTerm, Wxr};

/// Ghost's placeholder for the site's address in exported content.
const GHOST_URL: &str = "__GHOST_URL__";

pub(super) fn parse(text: &str) -> Result<Wxr, ImportError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| ImportError::Malformed(format!("JSON: {e}")))?;
    let data = root
        .pointer("/db/0/data")
        .or_else(|| root.get("data"))
        .filter(|d| d.get("posts").is_some())
        .ok_or_else(|| ImportError::Malformed("not a Ghost export (no db[0].data.posts)".into()))?;
    let list = |name: &str| {
        data.get(name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let text_of =
        |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let mut wxr = Wxr::default();
    for user in list("users") {
        wxr.authors.push(WpAuthor {
            id: numeric_id(&text_of(&user, "id")),
            login: text_of(&user, "slug"),
            email: text_of(&user, "email"),
            display_name: text_of(&user, "name"),
        });
    }
    let tags = list("tags");
    let tag = |id: &str| tags.iter().find(|t| text_of(t, "id") == id);
    let links = |table: &str, post_id: &str, column: &str| -> Vec<String> {
        let mut rows: Vec<Value> = list(table)
            .into_iter()
            .filter(|row| text_of(row, "post_id") == post_id)
            .collect();
        rows.sort_by_key(|row| row.get("sort_order").and_then(Value::as_i64).unwrap_or(0));
        rows.iter().map(|row| text_of(row, column)).collect()
    };
    let mut images: Vec<String> = Vec::new();
    for post in list("posts") {
        if text_of(&post, "type") == "page" {
            continue;
        }
        let id = text_of(&post, "id");
        let mut lang = None;
        let mut public: Vec<WpTerm> = Vec::new();
        for tag_id in links("posts_tags", &id, "tag_id") {
            let Some(tag) = tag(&tag_id) else { continue };
            let name = text_of(tag, "name");
            match name.strip_prefix('#') {
                Some(internal) => {
                    let code = internal.strip_prefix("lang-").unwrap_or(internal);
                    if code.len() == 2 {
                        lang = Some(code.to_lowercase());
                    }
                }
                None => public.push(WpTerm {
                    id: numeric_id(&tag_id),
                    slug: text_of(tag, "slug"),
                    name,
                }),
            }
        }
        let mut categories = Vec::new();
        let mut tag_slugs = Vec::new();
        for (place, term) in public.into_iter().enumerate() {
            if place == 0 {
                categories.push(term.slug.clone());
                if !wxr.categories.contains(&term) {
                    wxr.categories.push(term);
                }
            } else {
                tag_slugs.push(term.slug.clone());
                if !wxr.tags.contains(&term) {
                    wxr.tags.push(term);
                }
            }
        }
        let html = text_of(&post, "html").replace(GHOST_URL, "");
        let feature = text_of(&post, "feature_image").replace(GHOST_URL, "");
        for src in std::iter::once(feature.clone()).chain(image_sources(&html)) {
            if src.starts_with("/content/images/") && !images.contains(&src) {
                images.push(src);
            }
        }
        let creator = links("posts_authors", &id, "author_id")
            .first()
            .cloned()
            .or_else(|| {
                post.get("author_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .and_then(|author| {
                let wanted = numeric_id(&author);
                wxr.authors
                    .iter()
                    .find(|a| a.id == wanted)
                    .map(|a| a.login.clone())
            })
            .unwrap_or_default();
        let status = match text_of(&post, "status").as_str() {
            "published" => "publish",
            "scheduled" => "future",
            "draft" => "draft",
            other => other,
        }
        .to_owned();
        let slug = text_of(&post, "slug");
        wxr.posts.push(WpPost {
            id: numeric_id(&id),
            title: text_of(&post, "title"),
            link: format!("/{slug}/"),
            slug,
            content: html,
            excerpt: text_of(&post, "custom_excerpt"),
            date: text_of(&post, "published_at").parse().ok(),
            status,
            creator,
            lang,
            wpml_group: None,
            categories,
            tags: tag_slugs,
            thumbnail_id: feature
                .starts_with("/content/images/")
                .then(|| numeric_id(&feature)),
            comment_status: String::new(),
            comments: Vec::new(),
        });
    }
    for url in images {
        wxr.attachments.push(WpAttachment {
            id: numeric_id(&url),
            url,
            title: String::new(),
            alt: String::new(),
            caption: String::new(),
        });
    }
    Ok(wxr)
}

/// A stable number for one of Ghost's string ids (or an image's path).
fn numeric_id(id: &str) -> i64 {
    let digest = sha2::Sha256::digest(id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes[1..].copy_from_slice(&digest[..7]);
    i64::from_be_bytes(bytes)
}

/// The `src` of each `<img>` in `html`.
fn image_sources(html: &str) -> Vec<String> {
    html.split("<img")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let start = tag.find("src=\"")? + 5;
            let end = tag[start..].find('"')?;
            Some(tag[start..start + end].to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../khabar/tests/fixtures/import/ghost.json");

    #[test]
    fn reads_posts_tags_and_images() {
        let wxr = parse(FIXTURE).unwrap();
        assert_eq!(wxr.posts.len(), 2, "the page is left out");
        let first = &wxr.posts[0];
        assert_eq!(first.lang.as_deref(), Some("ar"));
        assert_eq!(first.status, "publish");
        assert_eq!(first.link, "/qantara-fish-market/");
        assert_eq!(first.categories, ["sea"]);
        assert_eq!(first.tags, ["fishing"]);
        assert_eq!(first.creator, "huda");
        assert!(
            first
                .content
                .contains("src=\"/content/images/2024/04/market.jpg\"")
        );
        assert_eq!(wxr.attachments.len(), 1);
        assert_eq!(first.thumbnail_id, Some(wxr.attachments[0].id));
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
    }
}
