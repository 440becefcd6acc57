//! `khabar import wordpress FILE.xml`: a WordPress export (WXR) written
//! into the store. See docs/import.md for what maps to what.

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::{CommentStatus, EditionContent, EditionInput, HeroImage, Lang, Role, Slug};
use khabar_store::{AuthorProfile, MediaText, Named, NewStory, StoreError};

use super::wxr::{self, WpPost, WpTerm, Wxr};
use super::{
    ImportError, NewThreadComment, Options, Outcome, Run, Summary, Target, content_hash, html,
};

/// An author of the old site here: their account and byline.
struct Author {
    wp_id: i64,
    account: i64,
    byline: i64,
}

/// Imports `text`, a WXR file; `progress(done, total)` follows the posts.
pub async fn import(
    target: Target<'_>,
    text: &str,
    options: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, ImportError> {
    let wxr = wxr::parse(text)?;
    import_archive(target, "wordpress", &wxr, options, progress).await
}

/// Writes an archive read from `source` (WordPress, or Ghost read into
/// the same records).
pub(super) async fn import_archive(
    target: Target<'_>,
    source: &'static str,
    wxr: &Wxr,
    options: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, ImportError> {
    let site = if wxr.site.is_empty() {
        source
    } else {
        wxr.site.as_str()
    };
    let mut run = Run::start(target, source, site, options).await?;
    let mut authors: HashMap<&str, Author> = HashMap::new();
    for author in &wxr.authors {
        let account = run
            .person(
                &format!("author:{}", author.id),
                &author.display_name,
                &author.email,
                Role::Author,
            )
            .await;
        let account = match account {
            Ok(id) => id,
            Err(error) => {
                run.skip("users", &author.login, error.to_string());
                continue;
            }
        };
        let byline = byline(
            &mut run,
            author.id,
            account,
            &author.display_name,
            &author.login,
        )
        .await?;
        authors.insert(
            author.login.as_str(),
            Author {
                wp_id: author.id,
                account,
                byline,
            },
        );
    }
    let media = attachments(&mut run, wxr).await?;
    let groups = wxr.story_groups();
    let total = groups.len() as u64;
    for (done, group) in groups.into_iter().enumerate() {
        story(&mut run, wxr, &group, &authors, &media).await?;
        progress(done as u64 + 1, total);
    }
    Ok(run.summary)
}

/// The byline an imported author writes under, named as they were.
async fn byline(
    run: &mut Run<'_>,
    wp_id: i64,
    account: i64,
    name: &str,
    login: &str,
) -> Result<i64, ImportError> {
    let external = wp_id.to_string();
    if let Some(known) = run.known("author", &external) {
        return Ok(known.local_id);
    }
    if run.dry() || account < 0 {
        return Ok(run.placeholder());
    }
    let shown = if name.trim().is_empty() {
        login
    } else {
        name.trim()
    };
    let profiles: Vec<AuthorProfile> = run
        .options
        .languages
        .iter()
        .map(|lang| AuthorProfile {
            lang: *lang,
            name: shown.to_owned(),
            bio: String::new(),
        })
        .collect();
    let slug = Slug::from_headline(login).or_else(|_| Slug::parse(&format!("author-{wp_id}")))?;
    let store = run.store();
    let id = match store.create_author(&slug, &profiles, Some(account)).await {
        Err(StoreError::Taken { .. }) => {
            let slug = Slug::parse(&format!("{}-{wp_id}", slug.as_str()))?;
            store.create_author(&slug, &profiles, Some(account)).await?
        }
        other => other?,
    };
    run.remember("author", &external, id, "", 0).await?;
    Ok(id)
}

/// The attachments whose file is beside the export, stored through the
/// media pipeline: attachment id -> (address here, its original URL).
async fn attachments(
    run: &mut Run<'_>,
    wxr: &Wxr,
) -> Result<HashMap<i64, (String, String)>, ImportError> {
    let mut found = HashMap::new();
    for attachment in &wxr.attachments {
        let external = attachment.id.to_string();
        if let Some(known) = run.known("media", &external) {
            let record = run.store().media(known.local_id).await;
            match record {
                Ok(record) => {
                    run.count("media", Outcome::Unchanged);
                    found.insert(attachment.id, (record.url(), attachment.url.clone()));
                }
                Err(StoreError::NotFound) => {
                    run.skip("media", &external, "deleted here since it was imported");
                }
                Err(other) => return Err(other.into()),
            }
            continue;
        }
        let Some(dir) = &run.options.media_dir else {
            run.skip("media", &external, "no --media folder given");
            continue;
        };
        let Some(relative) = attachment
            .url
            .split_once("/wp-content/uploads/")
            .or_else(|| attachment.url.split_once("/content/images/"))
            .map(|(_, rest)| super::percent_decode(rest))
            .filter(|rest| !rest.split('/').any(|part| part == ".." || part.is_empty()))
        else {
            run.skip(
                "media",
                &external,
                format!(
                    "{} is not under wp-content/uploads or content/images",
                    attachment.url
                ),
            );
            continue;
        };
        let path = dir.join(&relative);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) => {
                run.skip("media", &external, format!("{}: {error}", path.display()));
                continue;
            }
        };
        if run.dry() {
            run.count("media", Outcome::Created);
            found.insert(
                attachment.id,
                (format!("/media/uploads/{relative}"), attachment.url.clone()),
            );
            continue;
        }
        let texts: Vec<(Lang, MediaText)> = run
            .options
            .languages
            .iter()
            .map(|lang| {
                (
                    *lang,
                    MediaText {
                        alt: one_line(&attachment.alt),
                        caption: one_line(&html::to_text(&attachment.caption)),
                    },
                )
            })
            .collect();
        match crate::newsroom::save_image(run.target.media, run.store(), bytes, &texts, None).await
        {
            Ok(record) => {
                run.remember("media", &external, record.id, "", 0).await?;
                run.count("media", Outcome::Created);
                found.insert(attachment.id, (record.url(), attachment.url.clone()));
            }
            Err(error) => run.skip("media", &external, error.to_string()),
        }
    }
    Ok(found)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The section or tag a category or tag of a post is here, made on first
/// use with its name in each language its translations give.
async fn term(
    run: &mut Run<'_>,
    wxr: &Wxr,
    terms: &[WpTerm],
    kind: &'static str,
    slug: &str,
    post_lang: Lang,
) -> Result<Option<i64>, ImportError> {
    let Some(term) = terms.iter().find(|t| t.slug == slug) else {
        return Ok(None);
    };
    let translations = wxr.term_translations(terms, slug);
    let mut names: Vec<Named> = Vec::new();
    let mut group: Vec<&WpTerm> = vec![term];
    for (code, t) in &translations {
        if let Some(lang) = run.options.languages.iter().find(|l| l.as_str() == code) {
            names.push(Named {
                lang: *lang,
                name: html::decode_entities(&t.name),
            });
        }
        group.push(t);
    }
    if names.is_empty() {
        names.push(Named {
            lang: post_lang,
            name: html::decode_entities(&term.name),
        });
    }
    // The group is known by its first term; its slug is the English one's
    // when there is one.
    let leader = group.iter().map(|t| t.id).min().unwrap_or(term.id);
    let external = leader.to_string();
    let entity = if kind == "sections" { "section" } else { "tag" };
    if let Some(id) = run.seen.get(&(entity, external.clone())) {
        return Ok(Some(*id));
    }
    let id = new_term(
        run,
        entity,
        kind,
        &external,
        translations.get("en").copied().unwrap_or(term),
        leader,
        &names,
    )
    .await?;
    run.seen.insert((entity, external), id);
    Ok(Some(id))
}

async fn new_term(
    run: &mut Run<'_>,
    entity: &'static str,
    kind: &'static str,
    external: &str,
    slug_term: &WpTerm,
    leader: i64,
    names: &[Named],
) -> Result<i64, ImportError> {
    if let Some(known) = run.known(entity, external) {
        return Ok(known.local_id);
    }
    let slug = Slug::parse(&super::percent_decode(&slug_term.slug))
        .or_else(|_| Slug::parse(&format!("{entity}-{leader}")))?;
    run.count(kind, Outcome::Created);
    if run.dry() {
        return Ok(run.placeholder());
    }
    let store = run.store();
    let created = if kind == "sections" {
        store.create_section(&slug, 100, names).await
    } else {
        store.create_tag(&slug, names).await
    };
    let id = match created {
        Ok(id) => id,
        // One of that slug exists here: the posts go in it.
        Err(StoreError::Taken { .. }) => {
            let existing = if kind == "sections" {
                store
                    .section_records()
                    .await?
                    .into_iter()
                    .find(|s| s.slug == slug.as_str())
                    .map(|s| s.id)
            } else {
                store
                    .tag_records()
                    .await?
                    .into_iter()
                    .find(|t| t.slug == slug.as_str())
                    .map(|t| t.id)
            };
            existing.ok_or(StoreError::Taken { what: "slug" })?
        }
        Err(other) => return Err(other.into()),
    };
    run.remember(entity, external, id, "", 0).await?;
    Ok(id)
}

/// What an edition's status there means here.
enum Publication {
    Now(Timestamp),
    Scheduled(Timestamp),
    Draft,
}

fn publication(post: &WpPost) -> Option<Publication> {
    let now = Timestamp::now();
    match post.status.as_str() {
        "publish" => Some(Publication::Now(post.date.unwrap_or(now).min(now))),
        "future" => Some(match post.date {
            Some(at) if at > now => Publication::Scheduled(at),
            at => Publication::Now(at.unwrap_or(now)),
        }),
        "draft" | "pending" => Some(Publication::Draft),
        _ => None,
    }
}

async fn story(
    run: &mut Run<'_>,
    wxr: &Wxr,
    group: &[&WpPost],
    authors: &HashMap<&str, Author>,
    media: &HashMap<i64, (String, String)>,
) -> Result<(), ImportError> {
    // Editions in the site's languages, and in a status that has a meaning here.
    let mut posts: Vec<(&WpPost, Lang, Publication)> = Vec::new();
    for post in group {
        let lang = match &post.lang {
            None => run.default_lang(),
            Some(code) => match run.options.languages.iter().find(|l| l.as_str() == code) {
                Some(lang) => *lang,
                None => {
                    run.skip(
                        "editions",
                        post.id,
                        format!("its language {code} is not one of the site's"),
                    );
                    continue;
                }
            },
        };
        match publication(post) {
            Some(publication) => posts.push((post, lang, publication)),
            None => run.skip(
                "editions",
                post.id,
                format!("its status is {}", post.status),
            ),
        }
    }
    let Some((leader, _, _)) = posts.first() else {
        return Ok(());
    };
    let story_external = leader.id.to_string();
    let story_id = match run.known("story", &story_external) {
        Some(known) => known.local_id,
        None => {
            let mut section_id = None;
            let mut tag_ids = Vec::new();
            for (post, lang, _) in &posts {
                for slug in &post.categories {
                    if section_id.is_none() {
                        section_id =
                            term(run, wxr, &wxr.categories, "sections", slug, *lang).await?;
                    }
                }
                for slug in &post.tags {
                    if let Some(id) = term(run, wxr, &wxr.tags, "tags", slug, *lang).await?
                        && !tag_ids.contains(&id)
                    {
                        tag_ids.push(id);
                    }
                }
            }
            let hero = posts
                .iter()
                .find_map(|(p, _, _)| p.thumbnail_id.and_then(|id| media.get(&id)))
                .and_then(|(url, _)| HeroImage::parse(url).ok());
            run.count("stories", Outcome::Created);
            if run.dry() || section_id.is_some_and(|id| id < 0) || tag_ids.iter().any(|id| *id < 0)
            {
                run.placeholder()
            } else {
                let id = run
                    .store()
                    .create_story(NewStory {
                        section_id,
                        tag_ids: &tag_ids,
                        hero_image: hero.as_ref(),
                    })
                    .await?;
                run.remember("story", &story_external, id, "", 0).await?;
                id
            }
        }
    };
    for (post, lang, publication) in posts {
        let edition_id = edition(run, story_id, post, lang, &publication, authors, media).await?;
        if let Some(edition_id) = edition_id {
            let published = !matches!(publication, Publication::Draft | Publication::Scheduled(_));
            comments(run, post, edition_id, published, authors).await?;
        }
    }
    Ok(())
}

/// The edition a post becomes; `None` when it was skipped.
async fn edition(
    run: &mut Run<'_>,
    story_id: i64,
    post: &WpPost,
    lang: Lang,
    publication: &Publication,
    authors: &HashMap<&str, Author>,
    media: &HashMap<i64, (String, String)>,
) -> Result<Option<i64>, ImportError> {
    let external = post.id.to_string();
    let image = |src: &str| -> Option<String> {
        media
            .values()
            .find(|(_, original)| original == src)
            .map(|(here, _)| here.clone())
            .or_else(|| src.starts_with("https://").then(|| src.to_owned()))
    };
    let slug = super::percent_decode(&post.slug);
    let input = EditionInput {
        slug: (!slug.is_empty()).then_some(slug),
        headline: one_line(&html::decode_entities(&post.title)),
        standfirst: one_line(&html::to_text(&post.excerpt)),
        body: html::to_markdown(&post.content, &image),
        ..EditionInput::default()
    };
    let date = post.date.map(|d| d.to_string()).unwrap_or_default();
    let hash = content_hash(&[
        &post.title,
        &post.slug,
        &post.content,
        &post.excerpt,
        &post.status,
        &date,
    ]);
    let content = match EditionContent::parse(input) {
        Ok(content) => content,
        Err(error) => {
            run.skip("editions", post.id, error.to_string());
            return Ok(None);
        }
    };
    if let Some(known) = run.known("edition", &external) {
        if known.content_hash == hash {
            run.count("editions", Outcome::Unchanged);
            return Ok(Some(known.local_id));
        }
        let draft = match run.store().edition_draft(known.local_id).await {
            Ok(draft) => draft,
            Err(StoreError::NotFound) => {
                run.skip("editions", post.id, "deleted here since it was imported");
                return Ok(None);
            }
            Err(other) => return Err(other.into()),
        };
        if draft.revision != known.local_revision {
            run.skip(
                "editions",
                post.id,
                format!(
                    "changed here since it was imported (revision {} now, {} imported): kept as it is",
                    draft.revision, known.local_revision
                ),
            );
            return Ok(Some(known.local_id));
        }
        run.count("editions", Outcome::Updated);
        if !run.dry() {
            let revision = run
                .store()
                .update_edition(
                    known.local_id,
                    draft.revision,
                    &content,
                    &draft.author_ids,
                    None,
                )
                .await?;
            run.remember("edition", &external, known.local_id, &hash, revision)
                .await?;
        }
        return Ok(Some(known.local_id));
    }
    run.count("editions", Outcome::Created);
    if run.dry() || story_id < 0 {
        return Ok(Some(run.placeholder()));
    }
    let byline: Vec<i64> = authors
        .get(post.creator.as_str())
        .map(|author| author.byline)
        .filter(|id| *id > 0)
        .into_iter()
        .collect();
    let store = run.store();
    let id = match store
        .create_edition(story_id, lang, &content, &byline, None)
        .await
    {
        Err(StoreError::Taken { what: "slug" }) => {
            let mut content = content.clone();
            content.slug = Slug::parse(&format!("{}-{}", content.slug.as_str(), post.id))?;
            store
                .create_edition(story_id, lang, &content, &byline, None)
                .await?
        }
        other => other?,
    };
    match publication {
        Publication::Now(at) => store.publish_edition(id, *at, None).await?,
        Publication::Scheduled(at) => store.schedule_edition(id, *at, None).await?,
        Publication::Draft => {}
    }
    for old in [post.link.clone(), format!("/?p={}", post.id)] {
        if let Some(path) = super::legacy_path(&old) {
            store.add_legacy_path(&path, id).await?;
        }
    }
    let revision = store.edition_draft(id).await?.revision;
    run.remember("edition", &external, id, &hash, revision)
        .await?;
    Ok(Some(id))
}

async fn comments(
    run: &mut Run<'_>,
    post: &WpPost,
    edition_id: i64,
    published: bool,
    authors: &HashMap<&str, Author>,
) -> Result<(), ImportError> {
    let mut ordered: Vec<&wxr::WpComment> = post.comments.iter().collect();
    ordered.sort_by_key(|c| (c.date, c.id));
    let mut placed: HashMap<i64, i64> = HashMap::new();
    for comment in ordered {
        let external = comment.id.to_string();
        if let Some(known) = run.known("comment", &external) {
            run.count("comments", Outcome::Unchanged);
            placed.insert(comment.id, known.local_id);
            continue;
        }
        if !matches!(comment.kind.as_str(), "" | "comment") {
            run.skip(
                "comments",
                comment.id,
                format!("a {}, not a comment", comment.kind),
            );
            continue;
        }
        let status = match comment.approved.as_str() {
            "1" | "approve" => CommentStatus::Visible,
            "0" | "hold" => CommentStatus::Pending,
            "spam" => CommentStatus::Rejected,
            other => {
                let why = if other == "trash" {
                    "in the trash".to_owned()
                } else {
                    format!("its status is {other}")
                };
                run.skip("comments", comment.id, why);
                continue;
            }
        };
        if !published {
            run.skip("comments", comment.id, "its story is not published here");
            continue;
        }
        let registered = (comment.user_id != 0)
            .then(|| {
                authors
                    .values()
                    .find(|author| author.wp_id == comment.user_id)
                    .map(|author| author.account)
            })
            .flatten();
        let author_id = match registered {
            Some(id) => id,
            None => {
                let who = if comment.email.trim().is_empty() {
                    format!("name:{}", comment.author.trim())
                } else {
                    format!("email:{}", comment.email.trim().to_lowercase())
                };
                match run
                    .person(&who, &comment.author, &comment.email, Role::Reader)
                    .await
                {
                    Ok(id) => id,
                    Err(error) => {
                        run.skip("comments", comment.id, format!("its author: {error}"));
                        continue;
                    }
                }
            }
        };
        let placed_here = run
            .comment(NewThreadComment {
                external_id: &external,
                edition_id,
                author_id,
                parent_id: comment.parent.and_then(|p| placed.get(&p).copied()),
                html: &comment.content,
                status,
                written_at: comment.date,
            })
            .await?;
        if let Some(id) = placed_here {
            placed.insert(comment.id, id);
        }
    }
    Ok(())
}
