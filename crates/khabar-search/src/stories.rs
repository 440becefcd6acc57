//! A search in more than one script matches stories, not editions: the
//! collectors that find the stories each word is in, and that score the
//! editions of the stories found by all of them, story by story.
//!
//! Stories are kept as bits, 64 story ids to a block. Editions are
//! indexed story after story, so consecutive documents mostly fall in the
//! same block: a document costs a few bit operations, and the map of
//! blocks is looked up once per block, not once per document.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Block numbers are story ids over 64, hashed by one multiplication:
/// SipHash's protection against chosen keys buys nothing for them.
#[derive(Default)]
pub(crate) struct BlockHasher(u64);

impl Hasher for BlockHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits, which the table uses, mix
        // every bit of the number.
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Blocks<V> = HashMap<u64, V, BuildHasherDefault<BlockHasher>>;

/// A set of story ids.
#[derive(Default)]
pub(crate) struct StorySet {
    blocks: Blocks<u64>,
}

impl StorySet {
    fn add_block(&mut self, block: u64, bits: u64) {
        if bits != 0 {
            *self.blocks.entry(block).or_default() |= bits;
        }
    }

    /// The stories in both.
    pub(crate) fn intersection(&self, other: &StorySet) -> StorySet {
        let (small, large) = if self.blocks.len() <= other.blocks.len() {
            (self, other)
        } else {
            (other, self)
        };
        let blocks = small
            .blocks
            .iter()
            .filter_map(|(&block, &bits)| {
                let both = bits & large.blocks.get(&block).copied().unwrap_or(0);
                (both != 0).then_some((block, both))
            })
            .collect();
        StorySet { blocks }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Each story's place in the set, for collecting into a `Vec`.
    fn numbered(self) -> (Blocks<(u64, u32)>, usize) {
        let mut blocks: Vec<(u64, u64)> = self.blocks.into_iter().collect();
        blocks.sort_unstable();
        let mut next = 0u32;
        let numbered = blocks
            .into_iter()
            .map(|(block, bits)| {
                let first = next;
                next += bits.count_ones();
                (block, (bits, first))
            })
            .collect();
        (numbered, next as usize)
    }
}

/// One block of bits being filled by consecutive documents.
struct OpenBlock {
    block: u64,
    bits: u64,
}

/// The stories of the editions a query matches.
pub(crate) struct StoryIds;

pub(crate) struct SegmentStoryIds {
    column: Column<u64>,
    open: OpenBlock,
    ids: StorySet,
}

impl Collector for StoryIds {
    type Fruit = StorySet;
    type Child = SegmentStoryIds;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentStoryIds {
            column: segment.fast_fields().u64("story_id")?,
            open: OpenBlock { block: 0, bits: 0 },
            ids: StorySet::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<StorySet>) -> tantivy::Result<StorySet> {
        let mut fruits = fruits.into_iter();
        let mut all = fruits.next().unwrap_or_default();
        for fruit in fruits {
            for (block, bits) in fruit.blocks {
                all.add_block(block, bits);
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentStoryIds {
    type Fruit = StorySet;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(id) = self.column.first(doc) else {
            return;
        };
        let block = id >> 6;
        if block != self.open.block {
            self.ids.add_block(self.open.block, self.open.bits);
            self.open = OpenBlock { block, bits: 0 };
        }
        self.open.bits |= 1 << (id & 63);
    }

    fn harvest(mut self) -> StorySet {
        self.ids.add_block(self.open.block, self.open.bits);
        self.ids
    }
}

/// A story matched by a search in more than one script.
#[derive(Clone, Copy)]
pub(crate) struct FoundStory {
    /// Its editions' scores, summed.
    pub(crate) score: Score,
    /// Its newest edition's time (seconds).
    pub(crate) at: i64,
    /// The edition shown: in the reader's language if it has one, else
    /// its best match.
    pub(crate) shown: DocAddress,
    shown_rank: (bool, Score),
}

impl FoundStory {
    fn add(&mut self, other: FoundStory) {
        self.score += other.score;
        self.at = self.at.max(other.at);
        if other.shown_rank > self.shown_rank {
            self.shown = other.shown;
            self.shown_rank = other.shown_rank;
        }
    }
}

/// Scores the editions of `stories` a query matches, story by story.
pub(crate) struct StoryScores {
    /// Each story's block and place (see [`StorySet::numbered`]).
    stories: Arc<Blocks<(u64, u32)>>,
    count: usize,
    /// The language whose edition is shown first.
    prefer: Option<String>,
}

impl StoryScores {
    pub(crate) fn new(stories: StorySet, prefer: Option<String>) -> Self {
        let (stories, count) = stories.numbered();
        StoryScores {
            stories: Arc::new(stories),
            count,
            prefer,
        }
    }
}

pub(crate) struct SegmentStoryScores {
    segment: SegmentOrdinal,
    stories: Arc<Blocks<(u64, u32)>>,
    story_ids: Column<u64>,
    at: Option<Column<DateTime>>,
    lang: Option<StrColumn>,
    /// The preferred language's ordinal in this segment's `lang` column.
    preferred: Option<u64>,
    /// The block of the last document's story: its number, bits and the
    /// place of its first story.
    last: (u64, u64, u32),
    /// Stories by place, in the order found; consecutive editions of a
    /// story share an entry.
    found: Vec<(u32, FoundStory)>,
}

impl SegmentStoryScores {
    /// The place of `story` among the stories scored, if it is one.
    fn place(&mut self, story: u64) -> Option<u32> {
        let block = story >> 6;
        if block != self.last.0 {
            let (bits, first) = self.stories.get(&block).copied().unwrap_or((0, 0));
            self.last = (block, bits, first);
        }
        let (_, bits, first) = self.last;
        let bit = 1u64 << (story & 63);
        (bits & bit != 0).then(|| first + (bits & (bit - 1)).count_ones())
    }
}

impl Collector for StoryScores {
    /// Each story's editions together, by place.
    type Fruit = Vec<Option<FoundStory>>;
    type Child = SegmentStoryScores;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        let lang = fast.str("lang")?;
        let preferred = match (&lang, &self.prefer) {
            (Some(column), Some(prefer)) => column.dictionary().term_ord(prefer)?,
            _ => None,
        };
        Ok(SegmentStoryScores {
            segment,
            stories: Arc::clone(&self.stories),
            story_ids: fast.u64("story_id")?,
            at: fast.date("at").ok(),
            lang,
            preferred,
            // No block is numbered u64::MAX (ids are at most i64::MAX).
            last: (u64::MAX, 0, 0),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, FoundStory)>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Option<FoundStory>> = vec![None; self.count];
        for (place, found) in fruits.into_iter().flatten() {
            match &mut all[place as usize] {
                Some(story) => story.add(found),
                empty => *empty = Some(found),
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentStoryScores {
    type Fruit = Vec<(u32, FoundStory)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(place) = self
            .story_ids
            .first(doc)
            .and_then(|story| self.place(story))
        else {
            return;
        };
        let at = self
            .at
            .as_ref()
            .and_then(|column| column.first(doc))
            .map_or(0, |at| at.into_timestamp_secs());
        let preferred = match (&self.lang, self.preferred) {
            (Some(column), Some(ord)) => column.term_ords(doc).next() == Some(ord),
            _ => false,
        };
        let found = FoundStory {
            score,
            at,
            shown: DocAddress::new(self.segment, doc),
            shown_rank: (preferred, score),
        };
        match self.found.last_mut() {
            Some((last, story)) if *last == place => story.add(found),
            _ => self.found.push((place, found)),
        }
    }

    fn harvest(self) -> Vec<(u32, FoundStory)> {
        self.found
    }
}
