//! `search`: indexes `--editions` generated bilingual editions (100,000 by
//! default) into a fresh on-disk index, reports documents/s and the index
//! size, then runs `--queries` searches (Arabic words in several forms,
//! English words, typos, phrases, mixed, and searches that find nothing
//! and so run the suggester) one after another and reports their latency
//! percentiles, overall and by kind.
//!
//!   cargo run --release -p khabar-bench --bin search -- --editions 100000

use std::path::Path;
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

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }

    fn arabic_word(&mut self) -> String {
        format!(
            "{}{}{}",
            self.pick(ARABIC_PREFIXES),
            self.pick(ARABIC_STEMS),
            self.pick(ARABIC_SUFFIXES)
        )
    }

    fn sentence(&mut self, arabic: bool, words: usize) -> String {
        (0..words)
            .map(|i| match (arabic, i % 9) {
                (_, 4) => self.pick(NAMES).to_owned(),
                (true, 7) => self.pick(ENGLISH).to_owned(),
                (true, _) => self.arabic_word(),
                (false, 7) => self.arabic_word(),
                (false, _) => self.pick(ENGLISH).to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn edition(seq: &mut Seq, id: i64) -> Article {
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
            headline: seq.sentence(arabic, 8),
            standfirst: seq.sentence(arabic, 20),
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
            .map(|_| seq.sentence(arabic, 60))
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
fn query(seq: &mut Seq, i: u32) -> (Class, String) {
    match i % 7 {
        0 => (Class::Arabic, seq.arabic_word()),
        1 => (Class::English, seq.pick(ENGLISH).to_owned()),
        2 => (
            Class::Mixed,
            format!("{} {}", seq.arabic_word(), seq.pick(ENGLISH)),
        ),
        3 => (Class::Phrase, format!("\"{}\"", seq.pick(NAMES))),
        4 => {
            let word = seq.pick(ENGLISH);
            let mut chars: Vec<char> = word.chars().collect();
            if chars.len() > 4 {
                chars.swap(2, 3);
            }
            (Class::Typo, chars.into_iter().collect())
        }
        5 => (
            Class::Exclusion,
            format!("{} -{}", seq.arabic_word(), seq.pick(ENGLISH)),
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
    let dir = tempfile::tempdir()?;
    let (index, _) = SearchIndex::open(dir.path())?;
    let mut seq = Seq(0x6b68_6162_6172);
    let started = Instant::now();
    for id in 1..=i64::from(cli.editions) {
        index.put_edition(&edition(&mut seq, id))?;
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
    println!(
        "index size             {:.1} MiB",
        dir_size(dir.path()) as f64 / 1_048_576.0
    );

    let queries: Vec<(Class, String)> = (0..cli.queries).map(|i| query(&mut seq, i)).collect();
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
