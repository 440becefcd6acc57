//! `pipeline`: how many moderation verdicts a core can give per second with
//! large word lists. Builds lists of `--entries` generated terms (half
//! Arabic, half English; banned and suspect; whole-word and substring),
//! then runs the full pipeline over a mix of generated comments — clean,
//! with evasions of listed terms, long, mixed-language — for `--seconds`,
//! and reports verdicts/s, the time to compile the lists, and per-verdict
//! latency percentiles.
//!
//!   cargo run --release -p khabar-bench --bin pipeline -- --entries 5000

use std::time::{Duration, Instant};

use clap::Parser;
use hdrhistogram::Histogram;
use khabar_core::Lang;
use khabar_core::moderation::{
    AuthorHistory, ListKind, Policy, PolicySettings, WordLists, moderate,
};
use khabar_text::wordlist::{MatchMode, WordMatcher};

#[derive(Parser, Debug)]
#[command(name = "pipeline", about)]
struct Cli {
    /// Word-list entries in all.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    entries: u32,
    /// How long to measure.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    seconds: u64,
}

const ARABIC: &[char] = &[
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي',
];
const LATIN: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'r', 's', 't', 'u',
    'v', 'w', 'y', 'z',
];

/// A small deterministic generator (splitmix64): the same lists every run.
struct Seq(u64);

impl Seq {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn word(&mut self, letters: &[char], min: usize, max: usize) -> String {
        let len = min + (self.next() as usize) % (max - min + 1);
        (0..len)
            .map(|_| letters[(self.next() as usize) % letters.len()])
            .collect()
    }
}

/// A word-list entry as the matcher takes it.
type Entry = (String, MatchMode, (ListKind, Lang));

/// The entries, and some of their terms to disguise in comments.
fn lists(entries: u32, seq: &mut Seq) -> (Vec<Entry>, Vec<String>) {
    let mut terms = Vec::new();
    let mut samples = Vec::new();
    for i in 0..entries {
        let (letters, lang) = if i % 2 == 0 {
            (ARABIC, Lang::AR)
        } else {
            (LATIN, Lang::EN)
        };
        let term = seq.word(letters, 4, 9);
        let list = if i % 3 == 0 {
            ListKind::Banned
        } else {
            ListKind::Suspect
        };
        let mode = if i % 10 == 0 {
            MatchMode::Substring
        } else {
            MatchMode::WholeWord
        };
        if i % 50 == 0 {
            samples.push(term.clone());
        }
        terms.push((term, mode, (list, lang)));
    }
    (terms, samples)
}

/// Comments as readers write them: mostly clean, some with listed terms
/// disguised (spaced, stretched, diacritized), a few long ones.
fn comments(seq: &mut Seq, samples: &[String]) -> Vec<String> {
    (0..2_000)
        .map(|i| {
            let mut words: Vec<String> = (0..(8 + seq.next() % 40))
                .map(|j| {
                    if (i + j) % 3 == 0 {
                        seq.word(LATIN, 2, 10)
                    } else {
                        seq.word(ARABIC, 2, 8)
                    }
                })
                .collect();
            if i % 4 == 0 {
                let term = &samples[(seq.next() as usize) % samples.len()];
                let disguised = match i % 12 {
                    0 => term.chars().map(String::from).collect::<Vec<_>>().join(" "),
                    4 => term.chars().flat_map(|c| [c, c, c]).collect(),
                    _ => term.chars().flat_map(|c| [c, '\u{064E}']).collect(),
                };
                words.insert(words.len() / 2, disguised);
            }
            if i % 50 == 0 {
                words = (0..10).flat_map(|_| words.iter().cloned()).collect();
            }
            words.join(" ")
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut seq = Seq(0x6b68_6162_6172);
    let (terms, samples) = lists(cli.entries, &mut seq);
    let compile = Instant::now();
    let words: WordLists = WordMatcher::new(terms);
    let compile_ms = compile.elapsed().as_secs_f64() * 1_000.0;
    let texts = comments(&mut seq, &samples);
    let settings = PolicySettings {
        new_commenter_approvals: 3,
        ..PolicySettings::default()
    };
    let policy = Policy {
        max_chars: 5_000,
        max_links: 3,
        thread_open: true,
        words: &words,
        settings: &settings,
        pre_moderated: None,
    };
    let author = AuthorHistory {
        approved: 5,
        recent: 10,
        recent_rejected: 1,
        ..AuthorHistory::default()
    };
    let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3)?;
    let mut verdicts = [0u64; 4];
    let deadline = Instant::now() + Duration::from_secs(cli.seconds);
    let started = Instant::now();
    let mut done = 0u64;
    while Instant::now() < deadline {
        for text in &texts {
            let one = Instant::now();
            let verdict = moderate(text, &author, &policy);
            latency.record(one.elapsed().as_nanos().max(1) as u64)?;
            verdicts[verdict.action as usize] += 1;
            done += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("word-list entries      {}", words.len());
    println!("lists compiled in      {compile_ms:.1} ms");
    println!("comments (mean bytes)  {}", bytes / texts.len());
    println!("verdicts               {done} in {seconds:.1} s");
    println!("verdicts/s             {:.0}", done as f64 / seconds);
    println!(
        "per verdict            p50 {:.1} µs · p99 {:.1} µs · max {:.1} µs",
        latency.value_at_quantile(0.50) as f64 / 1_000.0,
        latency.value_at_quantile(0.99) as f64 / 1_000.0,
        latency.max() as f64 / 1_000.0
    );
    println!(
        "outcomes               approve {} · flag {} · hold {} · reject {}",
        verdicts[0], verdicts[1], verdicts[2], verdicts[3]
    );
    Ok(())
}
