//! What an article page tells machines about itself: schema.org
//! NewsArticle JSON-LD for search engines, OpenGraph and Twitter card tags
//! for link previews, and a meta description.

use khabar_core::Lang;
use khabar_store::Article;
use serde::Serialize;
use serde_json::json;

use crate::App;
use crate::http::paths::segment;
use crate::public::syndication::rfc3339;

/// Longest meta description; search engines cut at about this length.
const DESCRIPTION_CHARS: usize = 160;

/// The article page's `<head>` metadata, ready for the template.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleMeta {
    description: String,
    image: Option<String>,
    og_locale: String,
    og_locale_alternates: Vec<String>,
    published: String,
    modified: String,
    section: Option<String>,
    tags: Vec<String>,
    author_urls: Vec<String>,
    /// JSON-LD, escaped for a `<script>` element.
    json_ld: minijinja::Value,
}

pub(crate) fn article_meta(app: &App, lang: Lang, article: &Article, url: &str) -> ArticleMeta {
    let summary = &article.summary;
    let description = if summary.standfirst.trim().is_empty() {
        shorten(
            &khabar_text::markdown::plain_text(&article.body),
            DESCRIPTION_CHARS,
        )
    } else {
        summary.standfirst.clone()
    };
    let image = summary
        .hero_image
        .as_deref()
        .map(|image| crate::public::media::absolute(app, image));
    let author_urls: Vec<String> = summary
        .authors
        .iter()
        .map(|author| format!("{}/{lang}/author/{}", app.base_url, segment(&author.slug)))
        .collect();
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "mainEntityOfPage": url,
        "url": url,
        "headline": summary.headline,
        "description": description,
        "datePublished": rfc3339(summary.published_at),
        "dateModified": rfc3339(summary.updated_at),
        "inLanguage": lang.as_str(),
        "isAccessibleForFree": true,
        "author": summary.authors.iter().zip(&author_urls).map(|(author, url)| json!({
            "@type": "Person",
            "name": author.name,
            "url": url,
        })).collect::<Vec<_>>(),
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": app.site().name_in(lang),
            "url": format!("{}/{lang}/", app.base_url),
        },
    });
    if let Some(image) = &image {
        data["image"] = json!([image]);
    }
    if !article.dateline.trim().is_empty() {
        data["dateline"] = json!(article.dateline);
    }
    if let Some(section) = &summary.section {
        data["articleSection"] = json!(section.name);
    }
    if !article.tags.is_empty() {
        data["keywords"] = json!(article.tags.iter().map(|t| &t.name).collect::<Vec<_>>());
    }
    ArticleMeta {
        description,
        image,
        og_locale: og_locale(app, lang),
        og_locale_alternates: article
            .other_editions
            .iter()
            .filter_map(|other| Some(og_locale(app, app.lang(other.lang.as_str())?)))
            .collect(),
        published: rfc3339(summary.published_at),
        modified: rfc3339(summary.updated_at),
        section: summary.section.as_ref().map(|s| s.name.clone()),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        author_urls,
        json_ld: minijinja::Value::from_safe_string(script_safe_json(&data)),
    }
}

/// JSON that cannot end its `<script>` element or open a comment in it.
fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// OpenGraph wants `language_TERRITORY`: the configured locale's region
/// when it has one, else the language's most common one.
fn og_locale(app: &App, lang: Lang) -> String {
    let configured =
        app.site()
            .languages
            .iter()
            .find(|l| l.code == lang)
            .and_then(|l| l.locale.as_deref())
            .and_then(|locale| {
                let region = locale.split('-').skip(1).find(|part| {
                    part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic())
                })?;
                Some(format!("{lang}_{}", region.to_ascii_uppercase()))
            });
    configured.unwrap_or_else(|| match lang.as_str() {
        "ar" => "ar_AR".to_owned(),
        "en" => "en_US".to_owned(),
        other => other.to_owned(),
    })
}

/// At most `limit` characters, cut at a word and marked with an ellipsis.
fn shorten(text: &str, limit: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit - 1).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{at_word}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let text =
            script_safe_json(&json!({"headline": "</script><script>alert(1)</script> & <!--"}));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & <!--"
        );
    }

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("short text", 160), "short text");
        let long = "كلمة ".repeat(60);
        let cut = shorten(&long, 160);
        assert!(
            cut.chars().count() <= 160 && cut.ends_with("كلمة…"),
            "{cut}"
        );
    }
}
