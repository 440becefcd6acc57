//! The front page and the site's own pages: editors arrange each
//! language's front page (picks in order, each kept until an optional
//! time, and a breaking-news banner that expires) and write the static
//! pages; every node counts article reads in memory for "most read" and
//! adds them to the store now and then.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use khabar_core::newsroom::may_publish;
use khabar_core::{InvalidInput, Lang, Role, text};
use khabar_store::{Account, Breaking, FRONT_SLOTS, FrontPlan, Reads, StaticPage, Store};

use crate::Context;
use crate::newsroom::NewsroomError;

/// The static pages a site has, by the path word of their address
/// (`/en/about`): a fixed list, so no slug can take their place.
pub const STATIC_PAGES: [&str; 5] = ["about", "contact", "privacy", "terms", "corrections"];

/// Longest breaking-news text, in characters: one line on a phone.
pub const MAX_BREAKING_CHARS: usize = 160;

const MAX_PAGE_TITLE_CHARS: usize = 120;
const MAX_PAGE_BODY_CHARS: usize = 60_000;

type Result<T, E = NewsroomError> = std::result::Result<T, E>;

/// A breaking-news banner as an editor asks for it.
pub struct BreakingRequest {
    pub text: String,
    pub edition_id: Option<i64>,
    pub expires_at: Timestamp,
}

/// One editor arranging the front page or writing static pages.
pub struct FrontDesk<'a> {
    ctx: &'a Context,
    account: &'a Account,
}

impl<'a> FrontDesk<'a> {
    pub fn new(ctx: &'a Context, account: &'a Account) -> FrontDesk<'a> {
        FrontDesk { ctx, account }
    }

    /// Arranging the front page and the site's pages speaks for the whole
    /// newsroom: editors and admins, as for publishing.
    fn require(&self) -> Result<()> {
        if may_publish(self.account.role) {
            Ok(())
        } else {
            Err(NewsroomError::Forbidden)
        }
    }

    /// The role that may curate, for screens that explain a refusal.
    pub fn may_curate(role: Role) -> bool {
        may_publish(role)
    }

    pub async fn plan(&self, lang: Lang) -> Result<FrontPlan> {
        self.require()?;
        Ok(self.ctx.store.front_plan(lang).await?)
    }

    /// Replaces `lang`'s arrangement: `picks` in order (the first leads),
    /// each with the time it is kept until; `breaking`, the banner.
    pub async fn arrange(
        &self,
        lang: Lang,
        picks: Vec<(i64, Option<Timestamp>)>,
        breaking: Option<BreakingRequest>,
    ) -> Result<FrontPlan> {
        self.require()?;
        if self.ctx.lang(lang.as_str()).is_none() {
            return Err(NewsroomError::NotFound);
        }
        let now = Timestamp::now();
        let mut ids: Vec<i64> = Vec::with_capacity(picks.len());
        let mut plan = FrontPlan::default();
        for (edition_id, pinned_until) in picks {
            if ids.contains(&edition_id) {
                continue;
            }
            if pinned_until.is_some_and(|until| until <= now) {
                return Err(invalid(
                    "pinned_until",
                    "in_the_past",
                    "a pin must end in the future",
                ));
            }
            ids.push(edition_id);
            plan.picks.push(khabar_store::FrontPick {
                edition_id,
                pinned_until,
            });
        }
        if plan.picks.len() > FRONT_SLOTS {
            return Err(invalid(
                "picks",
                "too_many_picks",
                format!("at most {FRONT_SLOTS} stories can be picked"),
            ));
        }
        if let Some(b) = breaking {
            let banner = text::line("breaking_text", &b.text, MAX_BREAKING_CHARS)?;
            if !text::is_visible(&banner) {
                return Err(invalid(
                    "breaking_text",
                    "required",
                    "the banner needs a text",
                ));
            }
            if b.expires_at <= now {
                return Err(invalid(
                    "breaking_until",
                    "in_the_past",
                    "the banner must end in the future",
                ));
            }
            if let Some(id) = b.edition_id {
                ids.push(id);
            }
            plan.breaking = Some(Breaking {
                text: banner,
                edition_id: b.edition_id,
                expires_at: b.expires_at,
            });
        }
        ids.sort_unstable();
        ids.dedup();
        let found = self.ctx.store.summaries(lang, &ids).await?;
        if found.len() != ids.len() {
            return Err(invalid(
                "picks",
                "not_published_here",
                "every story must be published in this language",
            ));
        }
        self.ctx
            .store
            .save_front_plan(lang, &plan, Some(self.account.id))
            .await?;
        Ok(plan)
    }

    /// Every static page in every language.
    pub async fn pages(&self) -> Result<Vec<StaticPage>> {
        self.require()?;
        Ok(self.ctx.store.static_pages().await?)
    }

    /// Writes `page` in `lang`; an empty title and body remove it.
    pub async fn write_page(&self, page: &str, lang: Lang, title: &str, body: &str) -> Result<()> {
        self.require()?;
        if !STATIC_PAGES.contains(&page) || self.ctx.lang(lang.as_str()).is_none() {
            return Err(NewsroomError::NotFound);
        }
        // Control characters are refused, as in every stored text (NUL
        // above all, which PostgreSQL cannot store).
        let title = text::line("title", title, MAX_PAGE_TITLE_CHARS)?;
        let body = text::lines("body", body, MAX_PAGE_BODY_CHARS)?;
        if title.is_empty() && !body.is_empty() {
            return Err(invalid("title", "required", "a page needs a title"));
        }
        Ok(self
            .ctx
            .store
            .save_static_page(page, lang, &title, &body, Some(self.account.id))
            .await?)
    }
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> NewsroomError {
    NewsroomError::Invalid(InvalidInput::new(field, code, message))
}

/// Article reads this node served since its last flush, by language and
/// slug: counting is a map update under a lock, never a database write.
#[derive(Default)]
pub struct ReadCounter {
    counts: Mutex<HashMap<(Lang, String), u64>>,
}

/// Distinct articles remembered between flushes; reads of others are
/// dropped until the next flush (a flood of made-up addresses cannot grow
/// the map without bound).
const MAX_COUNTED: usize = 50_000;

impl ReadCounter {
    pub fn count(&self, lang: Lang, slug: String) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let full = counts.len() >= MAX_COUNTED;
        let key = (lang, slug);
        match counts.get_mut(&key) {
            Some(n) => *n += 1,
            None if !full => {
                counts.insert(key, 1);
            }
            None => {}
        }
    }

    /// Adds what was counted to today's reads in the store: one lookup of
    /// the slugs per language, one transaction. Addresses that name no
    /// published edition (a 404 served fast) are dropped.
    pub async fn flush(&self, store: &Store, now: Timestamp) -> khabar_store::Result<()> {
        let taken = match self.counts.lock() {
            Ok(mut counts) => std::mem::take(&mut *counts),
            Err(_) => return Ok(()),
        };
        if taken.is_empty() {
            return Ok(());
        }
        let mut by_lang: HashMap<Lang, Vec<(String, u64)>> = HashMap::new();
        for ((lang, slug), n) in taken {
            by_lang.entry(lang).or_default().push((slug, n));
        }
        let mut reads = Reads::new();
        for (lang, counted) in by_lang {
            let slugs: Vec<String> = counted.iter().map(|(s, _)| s.clone()).collect();
            let mut ids = HashMap::new();
            // Within every backend's limit on parameters per statement.
            for chunk in slugs.chunks(1_000) {
                ids.extend(store.edition_ids_by_slug(lang, chunk).await?);
            }
            for (slug, n) in counted {
                if let Some(id) = ids.get(&slug) {
                    *reads.entry(*id).or_default() += n;
                }
            }
        }
        store.add_reads(&reads, khabar_store::read_day(now)).await
    }
}
