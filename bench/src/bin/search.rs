//! `search`: indexes `--editions` generated bilingual editions (100,000 by
//! default) into a fresh on-disk index, reports documents/s and the index
//! size, then runs `--queries` searches (Arabic words in several forms,
//! English words, typos, phrases, mixed, and searches that find nothing
//! and so run the suggester) one after another and reports their latency
//! percentiles, overall and by kind.
//!
//! `--corpus zipf` (the default) draws words from a generated vocabulary
//! of 40,000 stems per language with Zipf frequencies, as news text has;
//! `--corpus small` is the first bench's 20 Arabic stems and 24 English
//! words, where every word is in most editions. `--index-dir` keeps the
//! index between runs (one per corpus and size).
//!
//!   cargo run --release -p khabar-bench --bin search -- --editions 100000

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use hdrhistogram::Histogram;
use jiff::{SignedDuration, Timestamp};
use khabar_search::{ArticleSearch, SearchIndex};
use khabar_store::{Article, AuthorRef, EditionSummary, SectionRef, TagRef};

#[derive(Parser, Debug)]
#[command(name = "search", about)]
struct Cli {
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    editions: u32,
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    queries: u32,
    #[arg(long, value_enum, default_value_t = Corpus::Zipf)]
    corpus: Corpus,
    /// Keep the index in `DIR/CORPUS-EDITIONS` and reuse it when it is
    /// complete, instead of indexing into a temporary directory.
    #[arg(long)]
    index_dir: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Corpus {
    /// The first bench's words: each in most editions.
    Small,
    /// A large generated vocabulary with Zipf frequencies.
    Zipf,
}

/// Invented Arabic stems with the prefixes and suffixes newsrooms write.
const ARABIC_STEMS: &[&str] = &[
    "انتخاب",
    "ميناء",
    "مجلس",
    "مدرس",
    "مستشفي",
    "ميزاني",
    "شارع",
    "بلدي",
    "صياد",
    "سوق",
    "مطار",
    "حديق",
    "كتاب",
    "طالب",
    "مسرح",
    "قطار",
    "جسر",
    "مكتب",
    "بحر",
    "موسم",
];
const ARABIC_PREFIXES: &[&str] = &["", "ال", "وال", "بال", "لل", "و"];
const ARABIC_SUFFIXES: &[&str] = &["", "ات", "ين", "ها", "ه", "ان"];
const ENGLISH: &[&str] = &[
    "election",
    "harbour",
    "council",
    "school",
    "hospital",
    "budget",
    "street",
    "market",
    "fishermen",
    "airport",
    "garden",
    "library",
    "students",
    "theatre",
    "railway",
    "bridge",
    "office",
    "season",
    "committee",
    "workers",
    "voters",
    "elections",
    "markets",
    "bridges",
];
const NAMES: &[&str] = &["مرسى نور", "Marsa Nour", "بيروت", "فلسطين", "فرنسا", "Tyre"];

struct Seq(u64);

impl Seq {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    }

    /// A number in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }
}

/// Stems generated per language for the Zipf corpus.
const ZIPF_STEMS: usize = 40_000;
/// Names generated for it (half Arabic, half Latin).
const ZIPF_NAMES: usize = 4_000;
/// Where the bench's named words (`ARABIC_STEMS`, `ENGLISH`) stand in the
/// Zipf ranking: common news words, below the function words.
const NAMED_RANK: usize = 100;
/// Where its named places (`NAMES`) stand among names.
const NAMED_NAME_RANK: usize = 10;
/// Readers search for content words, not for the most frequent ones
/// (في، من، the, of): queries draw from below this rank.
const QUERY_FROM_RANK: usize = 100;
/// Names queried are drawn from below this rank.
const QUERY_NAME_FROM_RANK: usize = 10;
/// Letters of generated Arabic stems: no ا or hamza (so that مينا stays
/// unfound) and no ظ (which the empty-page queries put in).
const ARABIC_LETTERS: &[char] = &[
    'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ع', 'غ', 'ف', 'ق',
    'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي',
];
/// Syllables of generated English words (no q, which the empty-page
/// queries put in).
const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cr",
    "dr", "fr", "gr", "pl", "st", "tr", "sh", "ch",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou"];
const CODAS: &[&str] = &["", "", "n", "r", "s", "t", "l", "m", "nd", "st"];

/// Words with how often each is drawn: all alike, or by Zipf's law (the
/// word of rank r in proportion to 1/r), as words are in news text.
struct Vocabulary {
    words: Vec<String>,
    /// Zipf: the weights of ranks `0..=i`, summed.
    cumulative: Option<Vec<f64>>,
}

impl Vocabulary {
    fn uniform(words: &[&str]) -> Self {
        Vocabulary {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            cumulative: None,
        }
    }

    /// `generated` in rank order, with `named` put at ranks `at..`.
    fn zipf(mut generated: Vec<String>, named: &[&str], at: usize) -> Self {
        let named = named.iter().map(|w| (*w).to_owned());
        generated.splice(at..at, named);
        let mut sum = 0.0;
        let cumulative = (1..=generated.len())
            .map(|rank| {
                sum += 1.0 / rank as f64;
                sum
            })
            .collect();
        Vocabulary {
            words: generated,
            cumulative: Some(cumulative),
        }
    }

    fn rank(&self, seq: &mut Seq) -> usize {
        match &self.cumulative {
            // As `Seq::pick`, so the small corpus is the first bench's.
            None => seq.next() % self.words.len(),
            Some(cumulative) => {
                let target = seq.unit() * cumulative.last().copied().unwrap_or_default();
                cumulative
                    .partition_point(|&c| c < target)
                    .min(self.words.len() - 1)
            }
        }
    }

    fn draw(&self, seq: &mut Seq) -> &str {
        &self.words[self.rank(seq)]
    }

    /// A word readers search for: in the Zipf corpus, not one of the
    /// `from` most frequent.
    fn query(&self, seq: &mut Seq, from: usize) -> &str {
        loop {
            let rank = self.rank(seq);
            if self.cumulative.is_none() || rank >= from {
                return &self.words[rank];
            }
        }
    }
}

/// Distinct generated words, `count` of them, each made by `make`.
fn generate(seq: &mut Seq, count: usize, mut make: impl FnMut(&mut Seq) -> String) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut words = Vec::with_capacity(count);
    while words.len() < count {
        let word = make(seq);
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

fn arabic_stem(seq: &mut Seq) -> String {
    let letters = 3 + seq.next() % 3;
    (0..letters)
        .map(|_| ARABIC_LETTERS[seq.next() % ARABIC_LETTERS.len()])
        .collect()
}

fn english_word(seq: &mut Seq) -> String {
    let syllables = 2 + seq.next() % 2;
    (0..syllables)
        .map(|_| {
            format!(
                "{}{}{}",
                seq.pick(ONSETS),
                seq.pick(VOWELS),
                seq.pick(CODAS)
            )
        })
        .collect()
}

fn name(seq: &mut Seq) -> String {
    if seq.next().is_multiple_of(2) {
        format!("{} {}", arabic_stem(seq), arabic_stem(seq))
    } else {
        let mut capitalized = || {
            let word = english_word(seq);
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        };
        format!("{} {}", capitalized(), capitalized())
    }
}

/// Where the editions' and queries' words come from.
struct Words {
    arabic: Vocabulary,
    english: Vocabulary,
    names: Vocabulary,
}

impl Words {
    fn new(corpus: Corpus) -> Self {
        match corpus {
            Corpus::Small => Words {
                arabic: Vocabulary::uniform(ARABIC_STEMS),
                english: Vocabulary::uniform(ENGLISH),
                names: Vocabulary::uniform(NAMES),
            },
            Corpus::Zipf => {
                let mut seq = Seq(0x7a69_7066);
                let arabic = generate(&mut seq, ZIPF_STEMS, arabic_stem);
                let english = generate(&mut seq, ZIPF_STEMS, english_word);
                let names = generate(&mut seq, ZIPF_NAMES, name);
                Words {
                    arabic: Vocabulary::zipf(arabic, ARABIC_STEMS, NAMED_RANK),
                    english: Vocabulary::zipf(english, ENGLISH, NAMED_RANK),
                    names: Vocabulary::zipf(names, NAMES, NAMED_NAME_RANK),
                }
            }
        }
    }

    fn sentence(&self, seq: &mut Seq, arabic: bool, words: usize) -> String {
        (0..words)
            .map(|i| match (arabic, i % 9) {
                (_, 4) => self.names.draw(seq).to_owned(),
                (true, 7) => self.english.draw(seq).to_owned(),
                (true, _) | (false, 7) => {
                    let prefix = seq.pick(ARABIC_PREFIXES);
                    let stem = self.arabic.draw(seq);
                    format!("{prefix}{stem}{}", seq.pick(ARABIC_SUFFIXES))
                }
                (false, _) => self.english.draw(seq).to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn arabic_query(&self, seq: &mut Seq) -> String {
        let prefix = seq.pick(ARABIC_PREFIXES);
        let stem = self.arabic.query(seq, QUERY_FROM_RANK);
        format!("{prefix}{stem}{}", seq.pick(ARABIC_SUFFIXES))
    }

    fn english_query(&self, seq: &mut Seq) -> &str {
        self.english.query(seq, QUERY_FROM_RANK)
    }
}

fn edition(words: &Words, seq: &mut Seq, id: i64) -> Article {
    let arabic = id % 2 == 0;
    let lang = if arabic {
        khabar_core::Lang::AR
    } else {
        khabar_core::Lang::EN
    };
    Article {
        summary: EditionSummary {
            id,
            story_id: (id + 1) / 2,
            lang,
            slug: format!("story-{id}"),
            headline: words.sentence(seq, arabic, 8),
            standfirst: words.sentence(seq, arabic, 20),
            hero_image: None,
            hero_caption: String::new(),
            hero: None,
            published_at: Timestamp::now() - SignedDuration::from_mins(id),
            updated_at: Timestamp::now(),
            section: Some(SectionRef {
                id: id % 5,
                slug: format!("section-{}", id % 5),
                name: format!("section {}", id % 5),
            }),
            authors: vec![AuthorRef {
                id: id % 40,
                slug: format!("author-{}", id % 40),
                name: format!("author {}", id % 40),
                bio: String::new(),
            }],
            comment_count: 0,
        },
        body: (0..6)
            .map(|_| words.sentence(seq, arabic, 60))
            .collect::<Vec<_>>()
            .join("\n\n"),
        dateline: String::new(),
        hero_credit: String::new(),
        comment_mode: "open".to_owned(),
        tags: vec![TagRef {
            id: id % 50,
            slug: format!("tag-{}", id % 50),
            name: format!("tag {}", id % 50),
        }],
        other_editions: Vec::new(),
    }
}

/// The kinds of query the run mixes, in the order they come round.
#[derive(Clone, Copy)]
enum Class {
    Arabic,
    English,
    Mixed,
    Phrase,
    Typo,
    Exclusion,
    Empty,
}

const CLASSES: [&str; 7] = [
    "  arabic word",
    "  english word",
    "  arabic + english",
    "  quoted name",
    "  english typo",
    "  with -exclusion",
    "  empty (suggester)",
];

/// Query `i` of the run: an Arabic word with clitics, an English word,
/// both together, a quoted name, an English word with two letters
/// swapped (typo tolerance), a word with an exclusion, and one that finds
/// nothing so the suggester runs: an Arabic stem with a letter no
/// generated word has there, its hamza dropped (ميناء → مينا, which the
/// suggester respells), or an English word two letters off.
fn query(words: &Words, seq: &mut Seq, i: u32) -> (Class, String) {
    match i % 7 {
        0 => (Class::Arabic, words.arabic_query(seq)),
        1 => (Class::English, words.english_query(seq).to_owned()),
        2 => (
            Class::Mixed,
            format!("{} {}", words.arabic_query(seq), words.english_query(seq)),
        ),
        3 => (
            Class::Phrase,
            format!("\"{}\"", words.names.query(seq, QUERY_NAME_FROM_RANK)),
        ),
        4 => {
            let word = words.english_query(seq);
            let mut chars: Vec<char> = word.chars().collect();
            if chars.len() > 4 {
                chars.swap(2, 3);
            }
            (Class::Typo, chars.into_iter().collect())
        }
        5 => (
            Class::Exclusion,
            format!("{} -{}", words.arabic_query(seq), words.english_query(seq)),
        ),
        _ => {
            let text = match seq.next() % 3 {
                0 => {
                    let mut chars: Vec<char> = seq.pick(ARABIC_STEMS).chars().collect();
                    let at = chars.len() / 2;
                    chars[at] = 'ظ';
                    chars.into_iter().collect()
                }
                1 => "مينا".to_owned(),
                _ => {
                    let word = seq.pick(ENGLISH);
                    format!("{}q{}", &word[..1], &word[3..])
                }
            };
            (Class::Empty, text)
        }
    }
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let words = Words::new(cli.corpus);
    let temporary = tempfile::tempdir()?;
    let dir = match &cli.index_dir {
        Some(parent) => parent.join(format!("{:?}-{}", cli.corpus, cli.editions).to_lowercase()),
        None => temporary.path().to_owned(),
    };
    let (index, _) = SearchIndex::open(&dir)?;
    println!("corpus                 {:?}", cli.corpus);
    if index.last_seq()? == Some(i64::from(cli.editions)) {
        println!(
            "editions indexed       {} (kept in {})",
            cli.editions,
            dir.display()
        );
    } else {
        index.clear()?;
        let mut seq = Seq(0x6b68_6162_6172);
        let started = Instant::now();
        for id in 1..=i64::from(cli.editions) {
            index.put_edition(&edition(&words, &mut seq, id))?;
            if id % 20_000 == 0 {
                index.commit(id)?;
            }
        }
        index.commit(i64::from(cli.editions))?;
        let seconds = started.elapsed().as_secs_f64();
        println!("editions indexed       {}", cli.editions);
        println!(
            "indexing               {:.1} s, {:.0} documents/s (commit included)",
            seconds,
            f64::from(cli.editions) / seconds
        );
    }
    println!(
        "index size             {:.1} MiB",
        dir_size(&dir) as f64 / 1_048_576.0
    );

    let mut seq = Seq(0x7175_6572_7973);
    let queries: Vec<(Class, String)> = (0..cli.queries)
        .map(|i| query(&words, &mut seq, i))
        .collect();
    let mut by_class: Vec<Histogram<u64>> = (0..CLASSES.len())
        .map(|_| Histogram::new_with_bounds(1, 60_000_000, 3))
        .collect::<Result<_, _>>()?;
    let mut relevance = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut newest = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut matched = 0usize;
    let mut suggested = 0usize;
    for (i, (class, text)) in queries.iter().enumerate() {
        let search = ArticleSearch {
            text: text.clone(),
            newest: i % 4 == 3,
            page: 1,
            per_page: 10,
            ..ArticleSearch::default()
        };
        let one = Instant::now();
        let hits = index.search_articles(&search)?;
        let micros = one.elapsed().as_micros().max(1) as u64;
        if search.newest {
            newest.record(micros)?;
        } else {
            relevance.record(micros)?;
        }
        by_class[*class as usize].record(micros)?;
        matched += hits.total;
        suggested += usize::from(hits.suggestion.is_some());
    }
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1_000.0;
    let row = |name: &str, h: &Histogram<u64>| {
        println!(
            "{name:<22} {:>5} queries · p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms",
            h.len(),
            ms(h, 0.5),
            ms(h, 0.99),
            h.max() as f64 / 1_000.0
        );
    };
    println!(
        "queries                {} (mean {} matches each; {} empty ones got a suggestion)",
        cli.queries,
        matched / queries.len(),
        suggested
    );
    row("by relevance", &relevance);
    row("newest first", &newest);
    let mut all = relevance.clone();
    all.add(&newest)?;
    row("all", &all);
    for (class, histogram) in CLASSES.iter().zip(&by_class) {
        row(class, histogram);
    }
    Ok(())
}
