//! `khabar import disqus FILE.xml`: a Disqus export's discussions placed
//! under the stories they were about. A thread is matched by its page's
//! address: an imported story's old address (`legacy_paths`), or an
//! edition's address here (`/{lang}/story/{slug}`); else, a page that
//! stays on its own site, by the discussion embedded there
//! (docs/embed.md): found by its normalized, aliased URL, or opened now
//! when its origin may embed.

use std::collections::{HashMap, HashSet};

use khabar_core::{CommentStatus, Role};
use khabar_store::NewEmbedThread;

use super::disqus_xml::{self, DisqusPost, DisqusThread};
use super::{ImportError, NewThreadComment, Options, Outcome, Run, Summary, Target};
use crate::embed::{self, EmbedSettings};

/// Imports `text`, a Disqus export; `progress(done, total)` follows the
/// posts. `embed` says which other sites' pages may have a discussion
/// here.
pub async fn import(
    target: Target<'_>,
    text: &str,
    options: &Options,
    embed: &EmbedSettings,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, ImportError> {
    let export = disqus_xml::parse(text)?;
    let site = if export.forum.is_empty() {
        "disqus"
    } else {
        export.forum.as_str()
    };
    let mut run = Run::start(target, "disqus", site, options).await?;
    let mut editions: HashMap<&str, i64> = HashMap::new();
    for thread in &export.threads {
        let found = match edition_at(&mut run, &thread.link).await? {
            Some(id) => Some(id),
            None => embedded_at(&mut run, embed, thread).await?,
        };
        match found {
            Some(id) => {
                editions.insert(thread.id.as_str(), id);
            }
            None => run.skip(
                "threads",
                &thread.id,
                format!("no story here has the address {}", thread.link),
            ),
        }
    }
    let answered: HashSet<&str> = export
        .posts
        .iter()
        .filter_map(|p| p.parent.as_deref())
        .collect();
    // Parents before their replies: by time, as they were written.
    let mut posts: Vec<&DisqusPost> = export.posts.iter().collect();
    posts.sort_by_key(|p| p.created_at);
    let mut placed: HashMap<&str, i64> = HashMap::new();
    // Deleted there yet answered: placed, then deleted as its author would
    // (the body goes, a placeholder keeps the replies in place) once the
    // replies are in, since nobody may answer a deleted comment.
    let mut deleted: Vec<i64> = Vec::new();
    let total = posts.len() as u64;
    for (done, post) in posts.into_iter().enumerate() {
        progress(done as u64 + 1, total);
        if let Some(known) = run.known("comment", &post.id) {
            run.count("comments", Outcome::Unchanged);
            placed.insert(&post.id, known.local_id);
            continue;
        }
        let Some(&edition_id) = editions.get(post.thread.as_str()) else {
            run.skip("comments", &post.id, "its thread matches no story here");
            continue;
        };
        if post.deleted && !answered.contains(post.id.as_str()) {
            run.skip("comments", &post.id, "deleted on Disqus");
            continue;
        }
        let status = if post.spam {
            CommentStatus::Rejected
        } else {
            CommentStatus::Visible
        };
        let who = if !post.author_email.trim().is_empty() {
            format!("email:{}", post.author_email.trim().to_lowercase())
        } else if !post.author_username.trim().is_empty() {
            format!("username:{}", post.author_username.trim())
        } else {
            format!("name:{}", post.author_name.trim())
        };
        let name = if post.author_name.trim().is_empty() {
            &post.author_username
        } else {
            &post.author_name
        };
        let author_id = match run
            .person(&who, name, &post.author_email, Role::Reader)
            .await
        {
            Ok(id) => id,
            Err(error) => {
                run.skip("comments", &post.id, format!("its author: {error}"));
                continue;
            }
        };
        let placed_here = run
            .comment(NewThreadComment {
                external_id: &post.id,
                edition_id,
                author_id,
                parent_id: post.parent.as_deref().and_then(|p| placed.get(p).copied()),
                html: &post.message,
                status,
                written_at: post.created_at,
            })
            .await?;
        if let Some(id) = placed_here {
            placed.insert(&post.id, id);
            if post.deleted && id > 0 {
                deleted.push(id);
            }
        }
    }
    for id in deleted {
        run.store().delete_comment(id).await?;
    }
    Ok(run.summary)
}

/// The edition a discussed page's address names here, if any.
async fn edition_at(run: &mut Run<'_>, link: &str) -> Result<Option<i64>, ImportError> {
    let found = story_edition_at(run, link).await?;
    if found.is_some() {
        run.count("threads", Outcome::Unchanged);
    }
    Ok(found)
}

async fn story_edition_at(run: &Run<'_>, link: &str) -> Result<Option<i64>, ImportError> {
    let Some(path) = super::legacy_path(link) else {
        return Ok(None);
    };
    if let Some(id) = run.store().legacy_edition(&path).await? {
        return Ok(Some(id));
    }
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let (Some(code), Some("story"), Some(slug)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let Some(lang) = run.options.languages.iter().find(|l| l.as_str() == code) else {
        return Ok(None);
    };
    Ok(run.store().edition_by_slug(*lang, slug).await?)
}

/// The discussion embedded on the page `thread` was on: the one its
/// normalized (and aliased) URL names, or one opened now, in the site's
/// default language, when the page's origin may embed. None for a page
/// that may have no discussion here.
async fn embedded_at(
    run: &mut Run<'_>,
    settings: &EmbedSettings,
    thread: &DisqusThread,
) -> Result<Option<i64>, ImportError> {
    let Ok(page) = embed::normalize(&thread.link) else {
        return Ok(None);
    };
    let Ok(key) = settings.thread_key(&page) else {
        return Ok(None);
    };
    if let Some(found) = run.store().embed_thread(&key).await? {
        run.count("threads", Outcome::Unchanged);
        return Ok(Some(found.edition_id));
    }
    let Some(&lang) = run.options.languages.first() else {
        return Ok(None);
    };
    run.count("threads", Outcome::Created);
    if run.dry() {
        return Ok(Some(run.placeholder()));
    }
    let opened = run
        .store()
        .open_embed_thread(NewEmbedThread {
            url_key: &key,
            url: &page.key,
            title: &embed::thread_title(&thread.title, &page),
            origin: &page.origin,
            lang,
        })
        .await?;
    Ok(Some(opened.edition_id))
}
