//! Each language's front page: what editors picked (the lead and top
//! stories, each kept until an optional time), the breaking-news banner,
//! the automatic order that fills whatever nobody picked, section blocks
//! without the stories shown above them, and the most read and most
//! discussed lists.
//!
//! Expiry needs no write: every read compares with the time of the read,
//! so a pick or banner past its time is simply not shown.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use khabar_core::{EventKind, Lang};
use serde::Serialize;
use sqlx::FromRow;

use crate::events::{self, NewEvent};
use crate::reading::{SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row};
use crate::row::MaybeMillis;
use crate::time::to_millis;
use crate::{EditionSummary, ListFilter, Result, SectionRef, Store, placeholders};

/// The lead and the top stories: how many places editors can fill.
pub const FRONT_SLOTS: usize = 5;

/// Stories per section block.
const PER_SECTION: usize = 4;

/// Stories in the "more news" block after the sections.
const MORE: usize = 6;

/// The newest stories the automatic order and the last block choose from.
const CANDIDATES: u32 = 40;

/// The automatic lead is the newest story with an image among this many
/// newest ones; a text-only story leads only when none of them has one.
const LEAD_WINDOW: usize = 6;

/// Entries in the most read and most discussed lists.
const RANKED: u32 = 5;

/// One story an editor put on the front page.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct FrontPick {
    pub edition_id: i64,
    /// Past this, the pick is no longer shown; none: until changed.
    #[sqlx(try_from = "MaybeMillis")]
    pub pinned_until: Option<Timestamp>,
}

/// The breaking-news banner of one language.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Breaking {
    pub text: String,
    /// The edition (in the banner's language) it links to.
    pub edition_id: Option<i64>,
    #[sqlx(try_from = "crate::row::Millis")]
    pub expires_at: Timestamp,
}

/// A language's front page as editors arranged it, expired parts
/// included (the newsroom shows them as expired).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrontPlan {
    pub picks: Vec<FrontPick>,
    pub breaking: Option<Breaking>,
}

/// The banner as readers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakingShown {
    pub text: String,
    /// The slug of the linked edition, when it is published.
    pub slug: Option<String>,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontSection {
    pub section: SectionRef,
    pub editions: Vec<EditionSummary>,
}

/// A front page ready to show. No story appears twice among the lead,
/// the top stories, the section blocks and `more`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontPage {
    pub breaking: Option<BreakingShown>,
    pub lead: Option<EditionSummary>,
    pub top: Vec<EditionSummary>,
    pub sections: Vec<FrontSection>,
    /// Newer stories none of the above shows (those without a section
    /// among them).
    pub more: Vec<EditionSummary>,
    pub most_read: Vec<EditionSummary>,
    pub most_discussed: Vec<EditionSummary>,
}

/// Read counts of one node since its last flush, by edition.
pub type Reads = HashMap<i64, u64>;

/// The day number `edition_reads` files a read under.
pub fn read_day(at: Timestamp) -> i64 {
    at.as_second().div_euclid(86_400)
}

impl Store {
    /// The stored arrangement of `lang`'s front page.
    pub async fn front_plan(&self, lang: Lang) -> Result<FrontPlan> {
        let picks = sqlx::query_as(
            "SELECT edition_id, pinned_until FROM front_picks WHERE lang = $1 ORDER BY position",
        )
        .bind(lang.as_str())
        .fetch_all(&self.read)
        .await?;
        let breaking = sqlx::query_as(
            "SELECT text, edition_id, expires_at FROM front_breaking WHERE lang = $1",
        )
        .bind(lang.as_str())
        .fetch_optional(&self.read)
        .await?;
        Ok(FrontPlan { picks, breaking })
    }

    /// Replaces `lang`'s arrangement and logs `front.changed`, so every
    /// node's cached front page of that language goes. The caller checked
    /// that the picks are published editions in `lang`.
    pub async fn save_front_plan(
        &self,
        lang: Lang,
        plan: &FrontPlan,
        actor_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM front_picks WHERE lang = $1")
            .bind(lang.as_str())
            .execute(&mut *tx)
            .await?;
        for (position, pick) in plan.picks.iter().enumerate() {
            sqlx::query(
                "INSERT INTO front_picks (lang, position, edition_id, pinned_until) VALUES ($1, $2, $3, $4)",
            )
            .bind(lang.as_str())
            .bind(position as i64)
            .bind(pick.edition_id)
            .bind(pick.pinned_until.map(to_millis))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM front_breaking WHERE lang = $1")
            .bind(lang.as_str())
            .execute(&mut *tx)
            .await?;
        if let Some(breaking) = &plan.breaking {
            sqlx::query(
                "INSERT INTO front_breaking (lang, text, edition_id, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(lang.as_str())
            .bind(&breaking.text)
            .bind(breaking.edition_id)
            .bind(to_millis(breaking.expires_at))
            .execute(&mut *tx)
            .await?;
        }
        let payload = serde_json::json!({ "lang": lang.as_str() });
        events::record(
            &mut tx,
            self,
            NewEvent {
                lang: Some(lang),
                ..NewEvent::site(EventKind::FrontPageChanged, actor_id, &payload)
            },
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }

    /// Published editions of `lang` among `ids`, in the order of `ids`.
    pub async fn summaries(&self, lang: Lang, ids: &[i64]) -> Result<Vec<EditionSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}
             WHERE e.lang = $1 AND e.status = 'published' AND e.id IN ({})",
            placeholders(2, ids.len())
        );
        let mut query = sqlx::query(&sql).bind(lang.as_str());
        for id in ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.read).await?;
        let mut found: HashMap<i64, EditionSummary> = HashMap::new();
        for row in &rows {
            let summary = summary_from_row(row)?;
            found.insert(summary.id, summary);
        }
        let mut ordered: Vec<EditionSummary> =
            ids.iter().filter_map(|id| found.remove(id)).collect();
        self.fill_authors(lang, &mut ordered).await?;
        Ok(ordered)
    }

    /// `lang`'s front page at `now`.
    pub async fn front_page(&self, lang: Lang, now: Timestamp) -> Result<FrontPage> {
        let plan = self.front_plan(lang).await?;
        let picked: Vec<i64> = plan
            .picks
            .iter()
            .filter(|p| p.pinned_until.is_none_or(|until| until > now))
            .map(|p| p.edition_id)
            .collect();
        let mut chosen = self.summaries(lang, &picked).await?;
        chosen.truncate(FRONT_SLOTS);
        let candidates = self
            .published(lang, ListFilter::Latest, 1, CANDIDATES)
            .await?
            .items;
        let picked_any = !chosen.is_empty();
        let mut rest: Vec<EditionSummary> = candidates
            .iter()
            .filter(|c| !chosen.iter().any(|p| p.id == c.id))
            .cloned()
            .collect();
        if !picked_any {
            // Nothing picked: the lead is the newest story with an image
            // among the newest few, so the fold is not a bare headline.
            if let Some(at) = rest
                .iter()
                .take(LEAD_WINDOW)
                .position(|s| s.hero_image.is_some())
            {
                let lead = rest.remove(at);
                rest.insert(0, lead);
            }
        }
        let missing = FRONT_SLOTS.saturating_sub(chosen.len());
        chosen.extend(rest.drain(..missing.min(rest.len())));
        let mut shown: HashSet<i64> = chosen.iter().map(|s| s.id).collect();
        let lead = (!chosen.is_empty()).then(|| chosen.remove(0));

        let sections = self.section_blocks(lang, &mut shown).await?;
        let more: Vec<EditionSummary> = rest
            .into_iter()
            .filter(|s| !shown.contains(&s.id))
            .take(MORE)
            .collect();

        let breaking = match plan.breaking.filter(|b| b.expires_at > now) {
            Some(b) => {
                let slug = match b.edition_id {
                    Some(id) => self
                        .summaries(lang, &[id])
                        .await?
                        .into_iter()
                        .next()
                        .map(|s| s.slug),
                    None => None,
                };
                Some(BreakingShown {
                    text: b.text,
                    slug,
                    expires_at: b.expires_at,
                })
            }
            None => None,
        };
        let most_read = self.most_read(lang, now, RANKED).await?;
        let most_discussed = self
            .most_discussed_in(lang, now - SignedDuration::from_hours(72), RANKED)
            .await?;
        Ok(FrontPage {
            breaking,
            lead,
            top: chosen,
            sections,
            more,
            most_read,
            most_discussed,
        })
    }

    /// The newest stories of each section that `shown` does not hold yet,
    /// up to [`PER_SECTION`] each (added to `shown`); one query for all.
    async fn section_blocks(
        &self,
        lang: Lang,
        shown: &mut HashSet<i64>,
    ) -> Result<Vec<FrontSection>> {
        // Enough rows per section that dropping what is shown above still
        // leaves a full block.
        let per_section = (PER_SECTION + FRONT_SLOTS) as i64;
        let sql = format!(
            "SELECT * FROM (
                 SELECT {SUMMARY_COLUMNS},
                        ROW_NUMBER() OVER (PARTITION BY s.section_id ORDER BY e.published_at DESC, e.id DESC) AS rank_in_section
                 {SUMMARY_FROM}
                 WHERE e.lang = $1 AND e.status = 'published' AND s.section_id IS NOT NULL
             ) ranked WHERE rank_in_section <= $2 ORDER BY published_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(lang.as_str())
            .bind(per_section)
            .fetch_all(&self.read)
            .await?;
        let mut ranked = Vec::with_capacity(rows.len());
        for row in &rows {
            let summary = summary_from_row(row)?;
            if !shown.contains(&summary.id) {
                ranked.push(summary);
            }
        }
        let mut blocks = Vec::new();
        for section in self.sections(lang).await? {
            let editions: Vec<EditionSummary> = ranked
                .iter()
                .filter(|e| e.section.as_ref().is_some_and(|s| s.id == section.id))
                .take(PER_SECTION)
                .cloned()
                .collect();
            if !editions.is_empty() {
                shown.extend(editions.iter().map(|e| e.id));
                blocks.push(FrontSection { section, editions });
            }
        }
        let mut all: Vec<EditionSummary> = blocks.iter().flat_map(|b| b.editions.clone()).collect();
        self.fill_authors(lang, &mut all).await?;
        let mut filled = all.into_iter();
        for block in &mut blocks {
            for edition in &mut block.editions {
                if let Some(full) = filled.next() {
                    *edition = full;
                }
            }
        }
        Ok(blocks)
    }

    /// Adds one node's read counts to `day`'s (one statement per edition,
    /// in one transaction, once per flush, never per request).
    pub async fn add_reads(&self, reads: &Reads, day: i64) -> Result<()> {
        if reads.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<&i64> = reads.keys().collect();
        // A fixed order: two nodes flushing at once lock rows alike.
        ids.sort_unstable();
        let mut tx = self.begin_write().await?;
        for id in ids {
            sqlx::query(
                "INSERT INTO edition_reads (edition_id, day, reads)
                 SELECT id, $2, $3 FROM editions WHERE id = $1
                 ON CONFLICT (edition_id, day) DO UPDATE SET reads = edition_reads.reads + excluded.reads",
            )
            .bind(*id)
            .bind(day)
            .bind(i64::try_from(reads[id]).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Published editions in `lang` by their slugs: the read counter
    /// knows the addresses it served.
    pub async fn edition_ids_by_slug(
        &self,
        lang: Lang,
        slugs: &[String],
    ) -> Result<HashMap<String, i64>> {
        if slugs.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT slug, id FROM editions WHERE lang = $1 AND status = 'published' AND slug IN ({})",
            placeholders(2, slugs.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql).bind(lang.as_str());
        for slug in slugs {
            query = query.bind(slug);
        }
        Ok(query.fetch_all(&self.read).await?.into_iter().collect())
    }

    /// The most read published editions of `lang` today and yesterday.
    pub async fn most_read(
        &self,
        lang: Lang,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<EditionSummary>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT r.edition_id FROM edition_reads r JOIN editions e ON e.id = r.edition_id
             WHERE r.day >= $1 AND e.lang = $2 AND e.status = 'published'
             GROUP BY r.edition_id ORDER BY SUM(r.reads) DESC, r.edition_id DESC LIMIT $3",
        )
        .bind(read_day(now) - 1)
        .bind(lang.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        self.summaries(lang, &ids).await
    }

    /// The published editions of `lang` with the most visible comments
    /// posted since `since`, busiest first.
    pub async fn most_discussed_in(
        &self,
        lang: Lang,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<EditionSummary>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT c.edition_id FROM comments c JOIN editions e ON e.id = c.edition_id
             WHERE c.status = 'visible' AND c.created_at >= $1 AND e.lang = $2 AND e.status = 'published'
             GROUP BY c.edition_id ORDER BY COUNT(*) DESC, c.edition_id DESC LIMIT $3",
        )
        .bind(to_millis(since))
        .bind(lang.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        self.summaries(lang, &ids).await
    }
}
