//! `readpath_seed`: gives published editions a discussion of a chosen size,
//! for `bench/readpath.sh`. Opens the store directly (the server must not be
//! running on SQLite: one writer), makes `--readers` reader accounts that
//! cannot sign in, and posts each edition's comments with
//! `Store::post_comment_at` — the path the demo and importers use, so the
//! events log, notifications and whatever the store keeps beside a comment
//! are written as for any comment. Most comments are top-level, every
//! fifth answers an earlier one; bodies alternate Arabic and English,
//! composed from sentences written for this benchmark.
//!
//!   readpath_seed --database sqlite:///DATA/khabar.db \
//!       --edition en/marsa-nour-municipal-vote=50 --edition en/new-fish-auction-hall-opens=5000
//!
//! Prints one line per edition: `LANG/SLUG EDITION_ID COMMENTS`.

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::{CommentBody, DisplayName, Email, Lang, Role, Username};
use khabar_store::{CommentStatus, NewComment, NewUser, Store};

#[derive(Parser, Debug)]
#[command(name = "readpath_seed", about)]
struct Cli {
    /// The store's URL: sqlite:///path/khabar.db or postgres://…
    #[arg(long)]
    database: String,
    /// LANG/SLUG=COUNT: a published edition and how many comments to add.
    #[arg(long = "edition", required = true)]
    editions: Vec<String>,
    /// Reader accounts the comments are spread over.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    readers: u32,
}

/// Sentences written for this benchmark; a body takes one to three.
const ARABIC: &[&str] = &[
    "شكرًا على هذا التقرير الواضح، فقد شرح ما لم تشرحه البلدية في بيانها.",
    "أسكن قرب الميناء منذ عشرين عامًا ولم أرَ ازدحامًا كهذا من قبل.",
    "أتمنى أن تنشروا الأرقام الكاملة حتى نقارن بين الأحياء بأنفسنا.",
    "سؤالي بسيط: من سيدفع كلفة الصيانة بعد السنة الأولى؟",
    "الفكرة جيدة، لكن التنفيذ يحتاج إلى **جدول زمني** معلن.",
    "زرت المكان يوم الجمعة، والوضع أفضل مما توقعت بكثير.",
    "لا أتفق مع الكاتب في الفقرة الثالثة، فالأسعار لم ترتفع بهذه النسبة.",
    "جدتي تقول إن السوق القديم كان يفتح قبل الفجر، وليت هذه العادة تعود.",
    "هل من رابط لمحضر الجلسة؟ أريد قراءة ما قيل بالتفصيل.",
    "مقال متوازن، وأعجبني أنه نقل رأي الصيادين لا رأي المسؤولين وحدهم.",
    "الحافلة رقم ٧ تتأخر كل صباح، وهذا ما يجب أن يُسأل عنه أولًا.",
    "أرجو متابعة القصة بعد شهر لنعرف هل تحقق شيء مما وُعدنا به.",
];
const ENGLISH: &[&str] = &[
    "Thanks for spelling out the figures; the council's statement left most of them out.",
    "I have lived near the harbour for twenty years and never saw queues like these.",
    "Could you publish the full table so we can compare the districts ourselves?",
    "Simple question: who pays for the upkeep once the first year is over?",
    "Good idea, but it needs a *published timetable* before anyone believes it.",
    "I went on Friday morning and it was far better organised than I expected.",
    "I disagree with the third paragraph: prices did not rise by that much.",
    "My grandmother says the old market opened before dawn; I wish it still did.",
    "Is there a link to the minutes of the session? I would like to read them in full.",
    "A fair piece, and good to hear from the fishermen and not only the officials.",
    "The number 7 bus is late every morning, and that is what should be asked about first.",
    "Please follow this up in a month so we learn whether any of the promises held.",
];

/// A small deterministic generator (splitmix64): the same threads every run.
struct Seq(u64);

impl Seq {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The body of comment `n`: Arabic for even `n`, English for odd, with
/// its number so that no two are alike (as on a real thread).
fn body(n: usize, seq: &mut Seq) -> String {
    let arabic = n.is_multiple_of(2);
    let pool = if arabic { ARABIC } else { ENGLISH };
    let sentences = 1 + seq.below(3);
    let mut text = String::new();
    for _ in 0..sentences {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(pool[seq.below(pool.len())]);
    }
    if arabic {
        text.push_str(&format!(" (تعليق {n})"));
    } else {
        text.push_str(&format!(" (comment {n})"));
    }
    text
}

fn parse_target(arg: &str) -> anyhow::Result<(Lang, String, usize)> {
    let (edition, count) = arg
        .rsplit_once('=')
        .with_context(|| format!("--edition {arg}: expected LANG/SLUG=COUNT"))?;
    let (lang, slug) = edition
        .split_once('/')
        .with_context(|| format!("--edition {arg}: expected LANG/SLUG=COUNT"))?;
    let count: usize = count
        .parse()
        .with_context(|| format!("--edition {arg}: COUNT is not a number"))?;
    if count > 100_000 {
        bail!("--edition {arg}: at most 100,000 comments");
    }
    Ok((Lang::parse(lang)?, slug.to_owned(), count))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let targets = cli
        .editions
        .iter()
        .map(|arg| parse_target(arg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let store = Store::open(&cli.database)
        .await
        .context("opening the store")?;

    let mut readers = Vec::new();
    for n in 1..=cli.readers {
        let id = store
            .create_user(NewUser {
                username: &Username::parse(&format!("qari{n}"))?,
                email: &Email::parse(&format!("qari{n}@readpath.invalid"))?,
                display_name: &DisplayName::parse(&if n.is_multiple_of(2) {
                    format!("قارئ {n}")
                } else {
                    format!("Reader {n}")
                })?,
                // No Argon2 string: nobody can sign in as these readers.
                password_hash: "!",
                role: Role::Reader,
                lang: if n.is_multiple_of(2) {
                    Lang::AR
                } else {
                    Lang::EN
                },
            })
            .await
            .with_context(|| format!("creating reader qari{n}"))?;
        readers.push(id);
    }

    let approved = Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    };
    let mut seq = Seq(19);
    for (lang, slug, count) in targets {
        let article = store
            .article(lang, &slug)
            .await?
            .with_context(|| format!("no published edition {lang}/{slug}"))?;
        let edition_id = article.summary.id;
        let started = Instant::now();
        // Written over the last `count` minutes, oldest first, so that a
        // reply always comes after what it answers.
        let first = Timestamp::now() - SignedDuration::from_mins(count as i64 + 1);
        let mut top_level: Vec<i64> = Vec::new();
        for n in 0..count {
            let parent_id = if n % 5 == 4 && !top_level.is_empty() {
                // Mostly recent comments draw the answers.
                let back = 1 + seq.below(top_level.len().min(30));
                Some(top_level[top_level.len() - back])
            } else {
                None
            };
            let id = store
                .post_comment_at(
                    NewComment {
                        edition_id,
                        author_id: readers[seq.below(readers.len())],
                        body: &CommentBody::parse(&body(n, &mut seq))?,
                        parent_id,
                        status: CommentStatus::Visible,
                        mentions: &[],
                        verdict: &approved,
                    },
                    first + SignedDuration::from_mins(n as i64),
                )
                .await
                .with_context(|| format!("posting comment {n} on {lang}/{slug}"))?;
            if parent_id.is_none() {
                top_level.push(id);
            }
        }
        eprintln!(
            "readpath_seed: {count} comments on {lang}/{slug} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        println!("{lang}/{slug} {edition_id} {count}");
    }
    Ok(())
}
