//! Disqus' export (Admin → Moderation → Export: `<disqus>` with threads
//! and posts, each post naming its thread and parent by `dsq:id`) read
//! into plain records.

use jiff::Timestamp;

use super::ImportError;
use super::xml;

#[derive(Debug, Default)]
pub(super) struct DisqusExport {
    /// The forum's short name, from the first thread.
    pub(super) forum: String,
    pub(super) threads: Vec<DisqusThread>,
    /// In the export's order.
    pub(super) posts: Vec<DisqusPost>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct DisqusThread {
    pub(super) id: String,
    /// The page the discussion was on.
    pub(super) link: String,
    pub(super) title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct DisqusPost {
    pub(super) id: String,
    pub(super) thread: String,
    pub(super) parent: Option<String>,
    /// HTML.
    pub(super) message: String,
    pub(super) created_at: Option<Timestamp>,
    pub(super) deleted: bool,
    pub(super) spam: bool,
    pub(super) author_name: String,
    pub(super) author_username: String,
    pub(super) author_email: String,
}

pub(super) fn parse(text: &str) -> Result<DisqusExport, ImportError> {
    let root = xml::parse(text)?;
    if root.name != "disqus" {
        return Err(ImportError::Malformed(
            "not a Disqus export (no <disqus> root)".into(),
        ));
    }
    let id_of = |e: &xml::Element| e.attr("dsq:id").unwrap_or("").to_owned();
    let yes = |text: &str| text.eq_ignore_ascii_case("true");
    let mut export = DisqusExport::default();
    for thread in root.all("thread") {
        if export.forum.is_empty() {
            export.forum = thread.text_of("forum").to_owned();
        }
        export.threads.push(DisqusThread {
            id: id_of(thread),
            link: thread.text_of("link").to_owned(),
            title: thread.text_of("title").to_owned(),
        });
    }
    for post in root.all("post") {
        let author = post.child("author");
        let author_text = |name: &str| author.map_or("", |a| a.text_of(name)).to_owned();
        export.posts.push(DisqusPost {
            id: id_of(post),
            thread: post.child("thread").map(id_of).unwrap_or_default(),
            parent: post.child("parent").map(id_of).filter(|p| !p.is_empty()),
            message: post.text_of("message").to_owned(),
            created_at: post.text_of("createdAt").parse().ok(),
            deleted: yes(post.text_of("isDeleted")),
            spam: yes(post.text_of("isSpam")),
            author_name: author_text("name"),
            author_username: author_text("username"),
            author_email: author_text("email"),
        });
    }
    Ok(export)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../khabar/tests/fixtures/import/disqus.xml");

    #[test]
    fn reads_threads_and_posts() {
        let export = parse(FIXTURE).unwrap();
        assert_eq!(export.forum, "oldharbour");
        assert_eq!(export.threads.len(), 3);
        let reply = export.posts.iter().find(|p| p.parent.is_some()).unwrap();
        assert_eq!(reply.thread, export.threads[0].id);
        assert!(export.posts.iter().any(|p| p.deleted));
        assert!(export.posts.iter().any(|p| p.spam));
        assert!(export.posts[0].created_at.is_some());
        assert!(parse("<rss/>").is_err());
    }
}
