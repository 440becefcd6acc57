//! `render`: the size and time of rendering hostile comments and story
//! bodies (issue 18): the issue's own inputs (`>` × 4,900, `- ` × 2,400)
//! and the worst cases of each formatting rule. Each input is normalized
//! as a stored comment would be, then rendered for `--millis`; the report
//! gives input and output bytes, their ratio, and the median time.
//!
//!   cargo build --release --workspace --bin render && target/release/render

use std::time::{Duration, Instant};

use clap::Parser;
use khabar_text::comment::{Mentioned, normalize_comment, render_comment};
use khabar_text::render_article;

#[derive(Parser, Debug)]
#[command(name = "render", about)]
struct Cli {
    /// How long to render each input.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    millis: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let budget = Duration::from_millis(cli.millis);
    let people = [Mentioned {
        username: "abc".to_owned(),
        display_name: "Abc".to_owned(),
    }];
    let comments: Vec<(&str, String)> = vec![
        ("issue: > x4900", ">".repeat(4_900)),
        ("issue: '- ' x2400", "- ".repeat(2_400)),
        ("'1. ' x1600", "1. ".repeat(1_600)),
        ("'> a' lines", "> a\n".repeat(1_250)),
        ("quote/paragraph lines", ">a\nb\n".repeat(1_000)),
        ("paragraphs", "a\n\n".repeat(1_666)),
        ("direction per line", "a\nب\n".repeat(1_250)),
        ("'\"' x5000", "\"".repeat(5_000)),
        ("addresses", "www.a ".repeat(833)),
        ("address & x5000", format!("www.a{}", "&".repeat(4_995))),
        ("address ) x5000", format!("www.a{}", ")".repeat(4_995))),
        ("www.! x1000", "www.!".repeat(1_000)),
        ("mentions", "@abc ".repeat(1_000)),
        ("'@ ' names", "@ Abc Abc Abc ".repeat(350)),
        ("bidi marks", "\u{200F}a\u{200E}ب\n".repeat(500)),
    ];
    println!(
        "{:<24} {:>8} {:>9} {:>7} {:>11}",
        "comment", "in B", "out B", "ratio", "median µs"
    );
    for (name, raw) in &comments {
        let body = normalize_comment(raw).map_err(|p| anyhow::anyhow!("{name}: {}", p.code()))?;
        let (out, median) = measure(budget, || {
            render_comment(&body, &people, |n| format!("/en/user/{n}"))
                .html
                .len()
        });
        report(name, body.len(), out, median);
    }
    println!();
    let stories: Vec<(&str, String)> = vec![
        ("story: > x4900", ">".repeat(4_900)),
        ("story: '- ' x2400", "- ".repeat(2_400)),
        ("story: '1. ' x1600", "1. ".repeat(1_600)),
        ("story: '* - + ' nested", "* - + ".repeat(800)),
        ("story: [ x5000", "[".repeat(5_000)),
        ("story: * x5000", "*a".repeat(2_500)),
        (
            "story: nested emphasis",
            format!("{}a{}", "*".repeat(2_500), "*".repeat(2_500)),
        ),
        ("story: reopened quotes", "a\n\n>>>>>>>>a\n\n".repeat(380)),
        (
            "story: wide table",
            format!(
                "{}|\n{}|\n{}",
                "|a".repeat(1_000),
                "|-".repeat(1_000),
                "a\n".repeat(1_000)
            ),
        ),
    ];
    for (name, body) in &stories {
        let (out, median) = measure(budget, || render_article(body).len());
        report(name, body.len(), out, median);
    }
    Ok(())
}

/// The output size and the median time of `render` run for `budget`.
fn measure(budget: Duration, render: impl Fn() -> usize) -> (usize, Duration) {
    let mut times = Vec::new();
    let mut out = 0;
    let start = Instant::now();
    while start.elapsed() < budget || times.len() < 3 {
        let one = Instant::now();
        out = std::hint::black_box(render());
        times.push(one.elapsed());
    }
    times.sort_unstable();
    (out, times[times.len() / 2])
}

fn report(name: &str, input: usize, output: usize, median: Duration) {
    println!(
        "{name:<24} {input:>8} {output:>9} {:>7.1} {:>11.1}",
        output as f64 / input as f64,
        median.as_secs_f64() * 1e6
    );
}
