//! WordPress' export format (WXR 1.2, an RSS document with `wp:` elements)
//! read into plain records: authors, categories, tags, posts with their
//! comments and translation groups (Polylang and WPML), attachments.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use super::ImportError;
use super::xml::{self, Element};

#[derive(Debug, Default)]
pub(super) struct Wxr {
    /// The site's address (`wp:base_site_url`, else the channel's link).
    pub(super) site: String,
    pub(super) authors: Vec<WpAuthor>,
    pub(super) categories: Vec<WpTerm>,
    pub(super) tags: Vec<WpTerm>,
    /// Polylang's `term_translations`: language -> term id, per group.
    pub(super) term_groups: Vec<BTreeMap<String, i64>>,
    /// Polylang's `post_translations`: language -> post id, per group.
    pub(super) post_groups: Vec<BTreeMap<String, i64>>,
    /// Posts (`post_type` post), in the export's order.
    pub(super) posts: Vec<WpPost>,
    pub(super) attachments: Vec<WpAttachment>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WpAuthor {
    pub(super) id: i64,
    pub(super) login: String,
    pub(super) email: String,
    pub(super) display_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WpTerm {
    pub(super) id: i64,
    pub(super) slug: String,
    pub(super) name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WpPost {
    pub(super) id: i64,
    pub(super) title: String,
    /// The public address on the old site.
    pub(super) link: String,
    pub(super) slug: String,
    /// HTML, as WordPress stores it.
    pub(super) content: String,
    pub(super) excerpt: String,
    pub(super) date: Option<Timestamp>,
    /// publish | future | draft | pending | private | trash …
    pub(super) status: String,
    /// The author's login.
    pub(super) creator: String,
    /// Polylang's language, or WPML's (`_wpml_import_language_code`).
    pub(super) lang: Option<String>,
    /// WPML's translation group, or the original a WPML duplicate copies.
    pub(super) wpml_group: Option<String>,
    pub(super) categories: Vec<String>,
    pub(super) tags: Vec<String>,
    pub(super) thumbnail_id: Option<i64>,
    /// open | closed
    pub(super) comment_status: String,
    pub(super) comments: Vec<WpComment>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WpComment {
    pub(super) id: i64,
    pub(super) parent: Option<i64>,
    pub(super) author: String,
    pub(super) email: String,
    pub(super) date: Option<Timestamp>,
    /// HTML.
    pub(super) content: String,
    /// `1`, `0` (held), `spam`, `trash`.
    pub(super) approved: String,
    /// The commenter's WordPress user, 0 for a guest.
    pub(super) user_id: i64,
    /// Empty for a comment; `pingback`, `trackback`…
    pub(super) kind: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WpAttachment {
    pub(super) id: i64,
    /// `wp:attachment_url`.
    pub(super) url: String,
    pub(super) title: String,
    pub(super) alt: String,
    pub(super) caption: String,
}

/// Reads an export.
pub(super) fn parse(text: &str) -> Result<Wxr, ImportError> {
    let root = xml::parse(text)?;
    let channel = root
        .child("channel")
        .filter(|_| root.name == "rss")
        .ok_or_else(|| ImportError::Malformed("not a WordPress export (no rss/channel)".into()))?;
    let mut site = channel.text_of("wp:base_blog_url").to_owned();
    if site.is_empty() {
        site = channel.text_of("link").to_owned();
    }
    let mut wxr = Wxr {
        site: site.trim_end_matches('/').to_owned(),
        ..Wxr::default()
    };
    for author in channel.all("wp:author") {
        wxr.authors.push(WpAuthor {
            id: number(author.text_of("wp:author_id")).unwrap_or(0),
            login: author.text_of("wp:author_login").to_owned(),
            email: author.text_of("wp:author_email").to_owned(),
            display_name: author.text_of("wp:author_display_name").to_owned(),
        });
    }
    for category in channel.all("wp:category") {
        if let Some(id) = number(category.text_of("wp:term_id")) {
            wxr.categories.push(WpTerm {
                id,
                slug: category.text_of("wp:category_nicename").to_owned(),
                name: category.text_of("wp:cat_name").to_owned(),
            });
        }
    }
    for tag in channel.all("wp:tag") {
        if let Some(id) = number(tag.text_of("wp:term_id")) {
            wxr.tags.push(WpTerm {
                id,
                slug: tag.text_of("wp:tag_slug").to_owned(),
                name: tag.text_of("wp:tag_name").to_owned(),
            });
        }
    }
    for term in channel.all("wp:term") {
        let groups = match term.text_of("wp:term_taxonomy") {
            "term_translations" => &mut wxr.term_groups,
            "post_translations" => &mut wxr.post_groups,
            _ => continue,
        };
        let group = php_language_map(term.text_of("wp:term_description"));
        if !group.is_empty() {
            groups.push(group);
        }
    }
    for item in channel.all("item") {
        match item.text_of("wp:post_type") {
            "post" => wxr.posts.push(post(item)),
            "attachment" => wxr.attachments.push(attachment(item)),
            _ => {}
        }
    }
    Ok(wxr)
}

fn number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// `2024-03-05 09:15:00` (UTC); WordPress writes zeros for "not yet".
fn gmt_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    format!("{}Z", text.replacen(' ', "T", 1)).parse().ok()
}

fn meta(item: &Element, key: &str) -> Option<String> {
    item.all("wp:postmeta")
        .find(|m| m.text_of("wp:meta_key") == key)
        .map(|m| m.text_of("wp:meta_value").to_owned())
        .filter(|v| !v.is_empty())
}

fn terms(item: &Element, domain: &str) -> Vec<String> {
    item.all("category")
        .filter(|c| c.attr("domain") == Some(domain))
        .filter_map(|c| c.attr("nicename").map(str::to_owned))
        .collect()
}

fn post(item: &Element) -> WpPost {
    let lang = terms(item, "language")
        .into_iter()
        .next()
        .or_else(|| meta(item, "_wpml_import_language_code"));
    let wpml_group = meta(item, "_wpml_import_translation_group")
        .map(|group| format!("group:{group}"))
        .or_else(|| meta(item, "_icl_lang_duplicate_of").map(|id| format!("post:{id}")));
    let mut date = gmt_date(item.text_of("wp:post_date_gmt"));
    if date.is_none() {
        date = gmt_date(item.text_of("wp:post_date"));
    }
    WpPost {
        id: number(item.text_of("wp:post_id")).unwrap_or(0),
        title: item.text_of("title").to_owned(),
        link: item.text_of("link").to_owned(),
        slug: item.text_of("wp:post_name").to_owned(),
        content: item.text_of("content:encoded").to_owned(),
        excerpt: item.text_of("excerpt:encoded").to_owned(),
        date,
        status: item.text_of("wp:status").to_owned(),
        creator: item.text_of("dc:creator").to_owned(),
        lang,
        wpml_group,
        categories: terms(item, "category"),
        tags: terms(item, "post_tag"),
        thumbnail_id: meta(item, "_thumbnail_id").and_then(|id| number(&id)),
        comment_status: item.text_of("wp:comment_status").to_owned(),
        comments: item.all("wp:comment").map(comment).collect(),
    }
}

fn comment(c: &Element) -> WpComment {
    WpComment {
        id: number(c.text_of("wp:comment_id")).unwrap_or(0),
        parent: number(c.text_of("wp:comment_parent")).filter(|&p| p != 0),
        author: c.text_of("wp:comment_author").to_owned(),
        email: c.text_of("wp:comment_author_email").to_owned(),
        date: gmt_date(c.text_of("wp:comment_date_gmt"))
            .or_else(|| gmt_date(c.text_of("wp:comment_date"))),
        content: c.text_of("wp:comment_content").to_owned(),
        approved: c.text_of("wp:comment_approved").to_owned(),
        user_id: number(c.text_of("wp:comment_user_id")).unwrap_or(0),
        kind: c.text_of("wp:comment_type").to_owned(),
    }
}

fn attachment(item: &Element) -> WpAttachment {
    WpAttachment {
        id: number(item.text_of("wp:post_id")).unwrap_or(0),
        url: item.text_of("wp:attachment_url").to_owned(),
        title: item.text_of("title").to_owned(),
        alt: meta(item, "_wp_attachment_image_alt").unwrap_or_default(),
        caption: item.text_of("excerpt:encoded").to_owned(),
    }
}

/// Polylang's translation groups are PHP-serialized arrays of language
/// code to id: `a:2:{s:2:"en";i:10;s:2:"ar";i:12;}`.
pub(super) fn php_language_map(text: &str) -> BTreeMap<String, i64> {
    let mut map = BTreeMap::new();
    let Some(body) = text
        .split_once('{')
        .and_then(|(_, rest)| rest.rsplit_once('}'))
        .map(|(body, _)| body)
    else {
        return map;
    };
    let tokens: Vec<&str> = body.split(';').collect();
    for pair in tokens.chunks(2) {
        let [key, value] = pair else { continue };
        let lang = key
            .strip_prefix("s:")
            .and_then(|k| k.split_once(':'))
            .map(|(_, quoted)| quoted.trim_matches('"'));
        let id = value
            .strip_prefix("i:")
            .or_else(|| {
                value
                    .strip_prefix("s:")
                    .and_then(|v| v.split_once(':'))
                    .map(|(_, v)| v.trim_matches('"'))
            })
            .and_then(number);
        if let (Some(lang), Some(id)) = (lang, id) {
            map.insert(lang.to_owned(), id);
        }
    }
    map
}

impl Wxr {
    /// The posts grouped as translations of one another (Polylang's
    /// groups, WPML's translation groups and duplicates); a post in no
    /// group stands alone. At most one post per language in a group: a
    /// second one in a language stands alone.
    pub(super) fn story_groups(&self) -> Vec<Vec<&WpPost>> {
        let by_id: HashMap<i64, usize> = self
            .posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        // Each post's group leader: the first post of its group in the export.
        let mut leader: Vec<usize> = (0..self.posts.len()).collect();
        fn find(leader: &mut [usize], i: usize) -> usize {
            let mut root = i;
            while leader[root] != root {
                root = leader[root];
            }
            leader[i] = root;
            root
        }
        let join = |leader: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(leader, a), find(leader, b));
            let (low, high) = (ra.min(rb), ra.max(rb));
            leader[high] = low;
        };
        for group in &self.post_groups {
            let members: Vec<usize> = group
                .values()
                .filter_map(|id| by_id.get(id).copied())
                .collect();
            for pair in members.windows(2) {
                join(&mut leader, pair[0], pair[1]);
            }
        }
        let mut wpml: HashMap<String, usize> = HashMap::new();
        for (i, post) in self.posts.iter().enumerate() {
            let Some(group) = &post.wpml_group else {
                continue;
            };
            // A duplicate names its original's id: the original's own group.
            let key = match group.strip_prefix("post:").and_then(number) {
                Some(original) => match by_id.get(&original) {
                    Some(&o) => {
                        join(&mut leader, i, o);
                        continue;
                    }
                    None => group.clone(),
                },
                None => group.clone(),
            };
            match wpml.get(&key) {
                Some(&first) => join(&mut leader, i, first),
                None => {
                    wpml.insert(key, i);
                }
            }
        }
        let mut groups: Vec<Vec<&WpPost>> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for (i, post) in self.posts.iter().enumerate() {
            let root = find(&mut leader, i);
            let place = match group_of.get(&root) {
                Some(&g) if !groups[g].iter().any(|p| p.lang == post.lang) => g,
                _ => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            group_of.entry(root).or_insert(place);
            groups[place].push(post);
        }
        groups
    }

    /// A category's or tag's translations, by its slug: language -> term.
    pub(super) fn term_translations<'a>(
        &'a self,
        terms: &'a [WpTerm],
        slug: &str,
    ) -> BTreeMap<String, &'a WpTerm> {
        let Some(term) = terms.iter().find(|t| t.slug == slug) else {
            return BTreeMap::new();
        };
        self.term_groups
            .iter()
            .find(|group| group.values().any(|&id| id == term.id))
            .map(|group| {
                group
                    .iter()
                    .filter_map(|(lang, id)| {
                        Some((lang.clone(), terms.iter().find(|t| t.id == *id)?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../khabar/tests/fixtures/import/wordpress.xml");

    #[test]
    fn php_arrays_of_languages() {
        let map = php_language_map(r#"a:2:{s:2:"en";i:10;s:2:"ar";i:12;}"#);
        assert_eq!(map.get("en"), Some(&10));
        assert_eq!(map.get("ar"), Some(&12));
        assert!(php_language_map("garbage").is_empty());
    }

    #[test]
    fn reads_the_fixture() {
        let wxr = parse(FIXTURE).unwrap();
        assert_eq!(wxr.site, "https://old.example.org");
        assert_eq!(wxr.authors.len(), 2);
        assert_eq!(wxr.attachments.len(), 1);
        let groups = wxr.story_groups();
        // The Polylang pair is one story; the draft stands alone.
        assert_eq!(groups.len(), 2);
        let langs: Vec<_> = groups[0].iter().map(|p| p.lang.as_deref()).collect();
        assert_eq!(langs, [Some("en"), Some("ar")]);
        let english = groups[0][0];
        assert_eq!(english.thumbnail_id, Some(wxr.attachments[0].id));
        assert_eq!(english.comments.len(), 5);
        assert_eq!(english.comments[1].parent, Some(english.comments[0].id));
        let sections = wxr.term_translations(&wxr.categories, "economy");
        assert_eq!(sections.len(), 2);
    }

    #[test]
    fn wpml_groups_and_duplicates() {
        let post = |id, lang: &str, group: Option<&str>| WpPost {
            id,
            title: String::new(),
            link: String::new(),
            slug: String::new(),
            content: String::new(),
            excerpt: String::new(),
            date: None,
            status: "publish".into(),
            creator: String::new(),
            lang: Some(lang.into()),
            wpml_group: group.map(str::to_owned),
            categories: vec![],
            tags: vec![],
            thumbnail_id: None,
            comment_status: String::new(),
            comments: vec![],
        };
        let wxr = Wxr {
            posts: vec![
                post(1, "en", Some("group:7")),
                post(2, "ar", Some("group:7")),
                post(3, "en", None),
                post(4, "ar", Some("post:3")),
                post(5, "en", Some("group:7")),
            ],
            ..Wxr::default()
        };
        let ids: Vec<Vec<i64>> = wxr
            .story_groups()
            .iter()
            .map(|g| g.iter().map(|p| p.id).collect())
            .collect();
        assert_eq!(ids, [vec![1, 2], vec![3, 4], vec![5]]);
    }
}
