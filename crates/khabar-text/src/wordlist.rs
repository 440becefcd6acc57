//! Banned and suspect word lists, matched so that the usual disguises do
//! not get a term through and innocent words that merely contain one do
//! not trip it.
//!
//! Text and terms go through the same normalization ([`matching_form`]):
//! NFKC; invisible characters and combining marks dropped; lowercase;
//! Arabic letter variants folded; non-ASCII look-alikes of Latin letters
//! replaced by them. The result is split into tokens (runs of letters and
//! digits) and flattened into one stream of letters in which a repeated
//! letter counts once. One Aho-Corasick automaton over every term finds
//! candidates in that stream, and each candidate is checked against what
//! the flattening forgot:
//!
//! - the text repeats each letter at least as often as the term does, so
//!   `ass` is found in `asss` but not in `as`, and `bad` in `baaad`;
//! - the tokens it spans are glued: nothing but punctuation between them
//!   (`b.a.d`, `b-a-d`) or one of the two is a single letter (`b a d`,
//!   `k ill`). Whitespace between longer words separates them, except
//!   where the term itself has a separator (`bad guy`);
//! - in whole-word mode it starts where a token starts and ends where one
//!   ends (`ass` is not in `class`, `assistant` or `passage`). Arabic
//!   attaches clitics to words, so an Arabic term may also follow one
//!   prefix (و ف ب ك ل ال and their combinations) and precede one suffix
//!   (attached pronouns, dual and plural endings, ة) inside its token:
//!   `والكلب`, `بالكلب` and `كلبهم` contain `كلب`, `كلبشة` and `تكلب` do
//!   not.
//!
//! Past 800 lines only with its tests: the matcher is about 500 lines, the
//! disguises it must see through and the words it must not trip on the rest.

use std::collections::HashMap;
use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_security::skeleton;

use crate::unicode;
use crate::{arabic, search};

/// How much of a word a term must cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchMode {
    /// The term is a word of its own (Arabic terms may carry clitics).
    WholeWord,
    /// The term may sit anywhere, including inside a longer word.
    Substring,
    /// The term as a whole word, and every other form of it: plurals
    /// (broken ones too: كلب catches كلاب), the article and attached
    /// prepositions, English inflections (idiot catches idiots), compared
    /// through the search analysis's stemming ([`search::form_keys`]).
    AllForms,
}

impl MatchMode {
    /// The stable name stored with a list entry.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::WholeWord => "word",
            MatchMode::Substring => "substring",
            MatchMode::AllForms => "forms",
        }
    }

    /// The mode named by [`MatchMode::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "word" => Some(MatchMode::WholeWord),
            "substring" => Some(MatchMode::Substring),
            "forms" => Some(MatchMode::AllForms),
            _ => None,
        }
    }

    /// An entry as moderators write it, one a line: `*term` for a
    /// substring, `~term` for all forms, the term alone for a whole word.
    pub fn from_line(line: &str) -> (&str, MatchMode) {
        let line = line.trim();
        if let Some(term) = line.strip_prefix('*') {
            (term.trim(), MatchMode::Substring)
        } else if let Some(term) = line.strip_prefix('~') {
            (term.trim(), MatchMode::AllForms)
        } else {
            (line, MatchMode::WholeWord)
        }
    }

    /// The line [`MatchMode::from_line`] reads back as `term` in this mode.
    pub fn line(self, term: &str) -> String {
        match self {
            MatchMode::WholeWord => term.to_owned(),
            MatchMode::Substring => format!("*{term}"),
            MatchMode::AllForms => format!("~{term}"),
        }
    }
}

/// A compiled set of terms; `T` is whatever the caller attaches to each
/// term (e.g. which list it came from).
pub struct WordMatcher<T> {
    entries: Vec<Entry<T>>,
    /// The all-forms entries, each with its words' form keys.
    forms: Vec<(usize, Vec<String>)>,
    /// Entries by automaton pattern: terms differing only in repeated
    /// letters, separators or mode share one pattern.
    by_pattern: Vec<Vec<usize>>,
    automaton: AhoCorasick,
}

struct Entry<T> {
    term: String,
    mode: MatchMode,
    tag: T,
    /// How many times the term repeats each letter of its pattern.
    repeats: Vec<usize>,
    /// Whether the term has a separator at the start of or inside each
    /// letter run: there the text may separate words with whitespace.
    breaks: Vec<bool>,
    arabic: bool,
}

/// One entry found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordHit<'a, T> {
    /// The term as it was given to [`WordMatcher::new`].
    pub term: &'a str,
    pub mode: MatchMode,
    pub tag: &'a T,
}

impl<T> WordMatcher<T> {
    /// Terms that normalize to nothing (empty, only punctuation) are skipped.
    ///
    /// # Panics
    ///
    /// If the terms need more automaton states than fit in 32 bits, which
    /// takes gigabytes of terms.
    pub fn new(entries: impl IntoIterator<Item = (String, MatchMode, T)>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut by_pattern: Vec<Vec<usize>> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut kept = Vec::new();
        let mut forms = Vec::new();
        for (term, mode, tag) in entries {
            let scan = Scan::new(&matching_form(&term));
            if scan.runs.is_empty() {
                continue;
            }
            let id = *ids.entry(scan.collapsed.clone()).or_insert_with(|| {
                patterns.push(scan.collapsed.clone());
                by_pattern.push(Vec::new());
                patterns.len() - 1
            });
            by_pattern[id].push(kept.len());
            if mode == MatchMode::AllForms {
                forms.push((kept.len(), search::form_keys(&term)));
            }
            let mut breaks = vec![false; scan.runs.len()];
            for token in scan.tokens.iter().skip(1) {
                breaks[scan.run_of[token.start]] = true;
            }
            kept.push(Entry {
                repeats: scan.runs.iter().map(Run::len).collect(),
                breaks,
                arabic: scan.letters.iter().any(|&c| is_arabic_script(c)),
                term,
                mode,
                tag,
            });
        }
        // Standard semantics are what overlapping search needs: a candidate
        // rejected on verification must not hide one that overlaps it.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("word list exceeds the automaton's 32-bit state space");
        forms.retain(|(_, keys)| !keys.is_empty());
        WordMatcher {
            entries: kept,
            forms,
            by_pattern,
            automaton,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of entries kept (terms that normalize to nothing are not).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every entry found in `text`, each at most once, in entry order.
    pub fn find<'a>(&'a self, text: &str) -> Vec<WordHit<'a, T>> {
        let scan = Scan::new(&matching_form(text));
        let mut found = vec![false; self.entries.len()];
        for candidate in self
            .automaton
            .find_overlapping_iter(scan.collapsed.as_str())
        {
            let start = scan.run_offsets.partition_point(|&o| o < candidate.start());
            for &i in &self.by_pattern[candidate.pattern().as_usize()] {
                if !found[i] && self.entries[i].matches_at(&scan, start) {
                    found[i] = true;
                }
            }
        }
        if !self.forms.is_empty() {
            let words = search::form_keys(text);
            for (i, keys) in &self.forms {
                if !found[*i] && words.windows(keys.len()).any(|w| w == keys.as_slice()) {
                    found[*i] = true;
                }
            }
        }
        self.entries
            .iter()
            .zip(found)
            .filter(|(_, found)| *found)
            .map(|(entry, _)| WordHit {
                term: &entry.term,
                mode: entry.mode,
                tag: &entry.tag,
            })
            .collect()
    }
}

impl<T> fmt::Debug for WordMatcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WordMatcher")
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// Whether a run of `len` letters in the text stands for a run of `r` in
/// the term: as many, or stretched to three or more, so "baaad" is "bad"
/// but "good" is not "god" nor "boot" "bot".
fn stands_for(len: usize, r: usize) -> bool {
    len == r || (len > r && len >= 3)
}

impl<T> Entry<T> {
    /// Whether the candidate whose first letter run is run `s` of the text
    /// is a real match.
    fn matches_at(&self, scan: &Scan, s: usize) -> bool {
        let Some(runs) = scan.runs.get(s..s + self.repeats.len()) else {
            return false;
        };
        // Edge runs may be shared with the rest of the word (a substring,
        // an Arabic clitic): there any run long enough will do.
        let loose_edges = self.mode == MatchMode::Substring || self.takes_clitics();
        let last_run = runs.len() - 1;
        let fits = |(i, (run, &r)): (usize, (&Run, &usize))| {
            if loose_edges && (i == 0 || i == last_run) {
                run.len() >= r
            } else {
                stands_for(run.len(), r)
            }
        };
        if !runs.iter().zip(&self.repeats).enumerate().all(fits) {
            return false;
        }
        let (Some(first), Some(last), Some(&r_first), Some(&r_last)) = (
            runs.first(),
            runs.last(),
            self.repeats.first(),
            self.repeats.last(),
        ) else {
            return false;
        };
        // A match may begin anywhere in its first run as long as it keeps
        // enough of the letter, and end anywhere in its last run likewise.
        let mut starts = (first.start..=first.end - r_first)
            .rev()
            .filter(|&a| self.may_start(scan, a));
        let earliest_end = |from: usize| (from..=last.end).find(|&b| self.may_end(scan, b));
        if runs.len() == 1 {
            starts.any(|a| earliest_end(a + r_first).is_some_and(|b| self.glued(scan, s, a, b)))
        } else {
            // The latest start and the earliest end span the fewest gaps:
            // if those are not glued, no wider span is.
            starts
                .next()
                .zip(earliest_end(last.start + r_last))
                .is_some_and(|(a, b)| self.glued(scan, s, a, b))
        }
    }

    fn takes_clitics(&self) -> bool {
        self.mode != MatchMode::Substring && self.arabic
    }

    fn may_start(&self, scan: &Scan, a: usize) -> bool {
        if self.mode == MatchMode::Substring {
            return true;
        }
        let token = &scan.tokens[scan.token_of[a]];
        token.start == a
            || (self.takes_clitics() && is_one_of(&scan.letters[token.start..a], PREFIXES))
    }

    fn may_end(&self, scan: &Scan, b: usize) -> bool {
        if self.mode == MatchMode::Substring {
            return true;
        }
        let token = &scan.tokens[scan.token_of[b - 1]];
        token.end == b || (self.takes_clitics() && is_one_of(&scan.letters[b..token.end], SUFFIXES))
    }

    /// Whether letters `a..b` of the text, matched from run `s` on, read as
    /// one word (or as the words of the term, where it has separators).
    fn glued(&self, scan: &Scan, s: usize, a: usize, b: usize) -> bool {
        let (first, last) = (scan.token_of[a], scan.token_of[b - 1]);
        scan.tokens[first + 1..=last].iter().all(|token| {
            token.glued_before
                || scan.run_of[token.start]
                    .checked_sub(s)
                    .and_then(|k| self.breaks.get(k))
                    .is_some_and(|&term_breaks| term_breaks)
        })
    }
}

/// Clitics written before an Arabic word, as they read after folding:
/// the conjunctions و ف, the prepositions ب ك ل, the article ال, and their
/// combinations (ل + ال is written لل).
const PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ك", "ل", "ال", "لل", "وب", "وك", "ول", "فب", "فك", "فل", "وال", "فال", "بال",
    "كال", "ولل", "فلل", "وبال", "وكال", "فبال", "فكال",
];

/// Endings written after an Arabic word, as they read after folding
/// (ة → ه): attached pronouns, the accusative alif, dual and sound plural
/// endings, and the feminine and nisba endings.
const SUFFIXES: &[&str] = &[
    "ه", "ها", "هم", "هن", "هما", "ك", "كم", "كن", "كما", "ي", "نا", "ا", "ان", "ين", "ون", "ات",
    "يه",
];

fn is_one_of(letters: &[char], list: &[&str]) -> bool {
    list.iter()
        .any(|item| item.chars().eq(letters.iter().copied()))
}

/// The normalized matching form of a text, separators kept: what is
/// compared, for tests, debugging and showing moderators.
pub fn matching_form(text: &str) -> String {
    // Invisible characters go first so they cannot keep NFKC from
    // composing a letter with its mark.
    let composed: String = text
        .chars()
        .filter(|&c| !unicode::is_default_ignorable(c))
        .nfkc()
        .collect();
    let mut form = String::with_capacity(composed.len());
    for c in arabic::fold(&composed).chars() {
        for c in c.to_lowercase() {
            push_folded(c, &mut form);
        }
    }
    form
}

/// Appends `c` to `form` once combining marks and look-alikes are dealt
/// with. Arabic is left to [`arabic::fold`]: confusable skeletons would
/// turn some of its letters into Latin ones (ه into o).
fn push_folded(c: char, form: &mut String) {
    // Marks that survive NFKC decorate a letter (or disguise one) but never
    // make a different word in the languages the lists are kept in.
    if unicode::is_default_ignorable(c) || is_combining_mark(c) {
        return;
    }
    if c.is_ascii() || is_arabic_script(c) {
        form.push(c);
        return;
    }
    // Accented Latin letters lose their accents; what is left is replaced
    // by its Latin look-alike, if it has one.
    for c in std::iter::once(c).nfd().filter(|&c| !is_combining_mark(c)) {
        match latin_look_alike(c) {
            Some(latin) => form.push_str(&latin),
            None => form.push(c),
        }
    }
}

/// The lowercase ASCII that `c` is confusable with, by its UTS #39
/// skeleton taken alone: the skeleton of a whole string would also remap
/// ASCII (m into rn). A letter with no Latin twin is tried in uppercase,
/// where some have one (Cyrillic т, м, н), so that the same word in
/// capitals and in small letters still folds alike.
fn latin_look_alike(c: char) -> Option<String> {
    let prototype = |c: char| {
        if c.is_ascii() {
            return Some(c.to_ascii_lowercase().to_string());
        }
        let mut buf = [0; 4];
        let prototype: String = skeleton(c.encode_utf8(&mut buf)).collect();
        (!prototype.is_empty() && prototype.is_ascii()).then(|| prototype.to_ascii_lowercase())
    };
    prototype(c).or_else(|| {
        let mut upper = c.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(upper), None) if upper != c => prototype(upper),
            _ => None,
        }
    })
}

/// Arabic-script blocks: left to [`arabic::fold`], and the scripts whose
/// terms take clitics.
fn is_arabic_script(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10EC0}'..='\u{10EFF}'
            | '\u{1EE00}'..='\u{1EEFF}'
    )
}

/// A text in matching form, split into tokens and flattened into letter
/// runs, with the indexes that map between them.
#[derive(Default)]
struct Scan {
    /// Every token letter, separators left out.
    letters: Vec<char>,
    /// For each letter, its token.
    token_of: Vec<usize>,
    /// For each letter, its run.
    run_of: Vec<usize>,
    tokens: Vec<Token>,
    runs: Vec<Run>,
    /// One character per run: what the automaton reads.
    collapsed: String,
    /// Byte offset of each run in `collapsed`.
    run_offsets: Vec<usize>,
}

/// Letters `start..end` with no separator between them.
struct Token {
    start: usize,
    end: usize,
    /// Whether this token may continue the word of the one before it.
    glued_before: bool,
}

/// Letters `start..end`, all the same letter, across token boundaries.
struct Run {
    start: usize,
    end: usize,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

impl Scan {
    fn new(form: &str) -> Self {
        let mut scan = Scan::default();
        let mut gap_has_space = false;
        let mut in_token = false;
        for c in form.chars() {
            if !c.is_alphanumeric() {
                in_token = false;
                gap_has_space |= c.is_whitespace();
                continue;
            }
            let at = scan.letters.len();
            if !in_token {
                // Glued for now if no whitespace came before it.
                scan.tokens.push(Token {
                    start: at,
                    end: at,
                    glued_before: !gap_has_space,
                });
                gap_has_space = false;
                in_token = true;
            }
            match scan.runs.last_mut() {
                Some(run) if scan.letters.last() == Some(&c) => run.end += 1,
                _ => {
                    scan.run_offsets.push(scan.collapsed.len());
                    scan.collapsed.push(c);
                    scan.runs.push(Run {
                        start: at,
                        end: at + 1,
                    });
                }
            }
            scan.letters.push(c);
            scan.run_of.push(scan.runs.len() - 1);
            scan.token_of.push(scan.tokens.len() - 1);
            if let Some(token) = scan.tokens.last_mut() {
                token.end = at + 1;
            }
        }
        // Whitespace separates words, unless one side is a single letter.
        let mut prev_single = false;
        for (t, token) in scan.tokens.iter_mut().enumerate() {
            let single = token.end - token.start == 1;
            token.glued_before = t > 0 && (token.glued_before || prev_single || single);
            prev_single = single;
        }
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(terms: &[(&str, MatchMode)]) -> WordMatcher<usize> {
        WordMatcher::new(
            terms
                .iter()
                .enumerate()
                .map(|(i, &(term, mode))| (term.to_owned(), mode, i)),
        )
    }

    fn banned_words() -> WordMatcher<usize> {
        use MatchMode::WholeWord;
        matcher(&[
            ("idiot", WholeWord),
            ("moron", WholeWord),
            ("scum", WholeWord),
            ("ass", WholeWord),
            ("غبي", WholeWord),
            ("حمار", WholeWord),
            ("كلب", WholeWord),
            ("حقير", WholeWord),
            ("أحمق", WholeWord),
        ])
    }

    fn terms_in<'a>(m: &'a WordMatcher<usize>, text: &str) -> Vec<&'a str> {
        m.find(text).iter().map(|hit| hit.term).collect()
    }

    #[test]
    fn evasions_are_caught() {
        let m = banned_words();
        let corpus: &[(&str, &str, &str)] = &[
            // Arabic diacritics.
            ("harakat", "يا غَبِيّ", "غبي"),
            ("harakat", "أنت حِمَارٌ", "حمار"),
            ("harakat", "كَلْبٌ", "كلب"),
            // Tatweel.
            ("tatweel", "كـــلـــب", "كلب"),
            ("tatweel", "حقـــــير", "حقير"),
            // Letter variants.
            ("variants", "يا غبى", "غبي"),
            ("variants", "یا غبی", "غبي"),
            ("variants", "کلب", "كلب"),
            ("variants", "إحمق", "أحمق"),
            ("variants", "آحمق", "أحمق"),
            // Presentation forms.
            ("presentation forms", "ﻛﻠﺐ", "كلب"),
            ("presentation forms", "ﺣﻤﺎﺭ", "حمار"),
            // Zero-width and default-ignorable characters.
            ("invisible", "id\u{200B}iot", "idiot"),
            ("invisible", "mo\u{00AD}ron", "moron"),
            ("invisible", "sc\u{200D}u\u{FEFF}m", "scum"),
            ("invisible", "ك\u{200C}ل\u{200F}ب", "كلب"),
            ("invisible", "حم\u{061C}ار", "حمار"),
            // Bidi controls.
            ("bidi", "\u{202E}idiot\u{202C}", "idiot"),
            ("bidi", "mor\u{2066}on\u{2069}", "moron"),
            ("bidi", "غ\u{202B}بي", "غبي"),
            ("bidi", "حق\u{2067}ير\u{2069}", "حقير"),
            // Spaces between letters.
            ("spaced", "you i d i o t", "idiot"),
            ("spaced", "m o r o n!", "moron"),
            ("spaced", "k   ill the s c u m", "scum"),
            ("spaced", "يا ك ل ب", "كلب"),
            ("spaced", "ح م ا ر", "حمار"),
            // Punctuation between letters.
            ("punctuated", "i.d.i.o.t", "idiot"),
            ("punctuated", "s-c-u-m", "scum"),
            ("punctuated", "mo_ron", "moron"),
            ("punctuated", "a*s*s", "ass"),
            ("punctuated", "ك.ل.ب", "كلب"),
            ("punctuated", "حق-ير", "حقير"),
            // Repeated letters.
            ("repeated", "idiooooot", "idiot"),
            ("repeated", "scuuuum", "scum"),
            ("repeated", "asssss", "ass"),
            ("repeated", "كلللب", "كلب"),
            ("repeated", "حماااار", "حمار"),
            // Uppercase.
            ("uppercase", "IDIOT", "idiot"),
            ("uppercase", "MoRoN", "moron"),
            // Fullwidth and mathematical letters.
            ("nfkc", "ｉｄｉｏｔ", "idiot"),
            ("nfkc", "𝐦𝐨𝐫𝐨𝐧", "moron"),
            ("nfkc", "𝓈𝒸𝓊𝓂", "scum"),
            ("nfkc", "ⓢⓒⓤⓜ", "scum"),
            // Look-alikes from other scripts (Cyrillic і о с ѕ а, Greek ο).
            ("look-alike", "іdіоt", "idiot"),
            ("look-alike", "mοrοn", "moron"),
            ("look-alike", "ѕсum", "scum"),
            ("look-alike", "аss", "ass"),
            ("look-alike", "МОRОN", "moron"),
            ("look-alike", "ІDІОТ", "idiot"),
            // Accents and stray combining marks.
            ("accents", "ìdíöt", "idiot"),
            (
                "accents",
                "m\u{0336}o\u{0336}r\u{0336}o\u{0336}n\u{0336}",
                "moron",
            ),
            // Arabic clitics.
            ("clitics", "والكلب", "كلب"),
            ("clitics", "بالكلب", "كلب"),
            ("clitics", "كلبهم", "كلب"),
            ("clitics", "وحميرهم يا حمارا", "حمار"),
            ("clitics", "للحقيرين", "حقير"),
            ("clitics", "الأحمق", "أحمق"),
            ("clitics", "الغبية", "غبي"),
            // Several tricks at once.
            ("mixed", "I.Ｄ\u{200B}ｉ-ооо t", "idiot"),
            ("mixed", "بِالْكـَلْللب", "كلب"),
            ("mixed", "و ﻛ.ﻠ ﺐ", "كلب"),
        ];
        for &(trick, text, term) in corpus {
            assert!(
                terms_in(&m, text).contains(&term),
                "{trick}: {term:?} not found in {text:?} (matching form {:?})",
                matching_form(text)
            );
        }
    }

    #[test]
    fn innocent_words_pass_in_whole_word_mode() {
        let m = banned_words();
        let innocent = [
            "class",
            "a classic assistant read the passage",
            "Bass players assess the grass at the embassy",
            "as far as I know",
            "It was a sad day, as usual.",
            "Class A sessions",
            "Scumthorpe United",
            "the scumble glaze",
            "Idiotville and Moronton are towns",
            "harass, lass, mass",
            "كلبشة",
            "الكلبشات في يده",
            "تحقير",
            "احتقار الناس",
            "الغبيراء نبات",
            "تكلب",
            "الحمارس",
            "قلب الحماية",
            "",
            "… ، ؟",
        ];
        for text in innocent {
            assert_eq!(terms_in(&m, text), Vec::<&str>::new(), "{text:?}");
        }
    }

    #[test]
    fn doubled_letters_are_not_stretched_ones() {
        use MatchMode::WholeWord;
        let m = matcher(&[("god", WholeWord), ("bot", WholeWord)]);
        assert_eq!(terms_in(&m, "a good boot"), Vec::<&str>::new());
        assert_eq!(terms_in(&m, "goooood boooot"), ["god", "bot"]);
    }

    #[test]
    fn substring_mode_catches_embedded_terms() {
        use MatchMode::Substring;
        let m = matcher(&[
            ("idiot", Substring),
            ("كلب", Substring),
            ("scum", Substring),
        ]);
        assert_eq!(terms_in(&m, "idiotic superidiots"), ["idiot"]);
        assert_eq!(terms_in(&m, "كلبشة"), ["كلب"]);
        assert_eq!(terms_in(&m, "Scumthorpe"), ["scum"]);
        assert_eq!(terms_in(&m, "S.C.U.M.thorpe"), ["scum"]);
        // Whitespace between longer words still separates them.
        assert_eq!(terms_in(&m, "disc umbrella"), Vec::<&str>::new());
    }

    #[test]
    fn repeats_in_the_term_are_required() {
        let m = banned_words();
        assert_eq!(terms_in(&m, "as"), Vec::<&str>::new());
        assert_eq!(terms_in(&m, "a s"), Vec::<&str>::new());
        assert_eq!(terms_in(&m, "ass"), ["ass"]);
        assert_eq!(terms_in(&m, "a s s"), ["ass"]);
        let m = matcher(&[("goon", MatchMode::WholeWord)]);
        assert_eq!(terms_in(&m, "gone, g o n"), Vec::<&str>::new());
        assert_eq!(terms_in(&m, "gooooon"), ["goon"]);
    }

    #[test]
    fn multi_word_terms_match_across_their_own_spaces() {
        use MatchMode::WholeWord;
        let m = matcher(&[("bad dog", WholeWord), ("ابن الكلب", WholeWord)]);
        assert_eq!(terms_in(&m, "what a BAD   DOG"), ["bad dog"]);
        assert_eq!(terms_in(&m, "baddog"), ["bad dog"]);
        assert_eq!(terms_in(&m, "bad doge"), Vec::<&str>::new());
        assert_eq!(terms_in(&m, "يا ابنَ الكَلْب"), ["ابن الكلب"]);
    }

    #[test]
    fn all_forms_entries_catch_plurals_and_clitics_and_leave_innocent_words() {
        use MatchMode::AllForms;
        let m = matcher(&[
            ("كلب", AllForms),
            ("خونة", AllForms),
            ("idiot", AllForms),
            ("ass", AllForms),
        ]);
        let found = |text: &str| -> Vec<usize> { m.find(text).iter().map(|h| *h.tag).collect() };
        // Broken and sound plurals, with the article and conjunctions.
        for text in ["يا كلاب", "والكلاب", "بالكلب", "كلبهم", "ك.ل.ب"] {
            assert_eq!(found(text), [0], "{text}");
        }
        for text in ["هؤلاء خونة", "الخائن", "والخونة"] {
            assert_eq!(found(text), [1], "{text}");
        }
        for text in ["idiots", "IDIOT", "you idiot!"] {
            assert_eq!(found(text), [2], "{text}");
        }
        assert_eq!(found("asses"), [3]);
        // Words that merely contain or resemble the terms are innocent.
        for text in [
            "كلبشة الشرطة",
            "تكلب",
            "كليب",
            "خان الخليلي",
            "خيانة الأمانة",
            "idiom",
            "class assessment",
            "passage",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
        // The line syntax reads back.
        assert_eq!(MatchMode::from_line("~كلب"), ("كلب", AllForms));
        assert_eq!(
            MatchMode::from_line(" *scum"),
            ("scum", MatchMode::Substring)
        );
        assert_eq!(AllForms.line("كلب"), "~كلب");
    }

    #[test]
    fn hits_are_listed_once_in_entry_order() {
        use MatchMode::{Substring, WholeWord};
        let m = WordMatcher::new([
            ("moron".to_owned(), WholeWord, "insults"),
            ("idiot".to_owned(), WholeWord, "insults"),
            ("idiot".to_owned(), Substring, "watch"),
            ("absent".to_owned(), WholeWord, "insults"),
        ]);
        let hits = m.find("idiot IDIOT i.d.i.o.t moron idiots");
        let got: Vec<_> = hits.iter().map(|h| (h.term, h.mode, *h.tag)).collect();
        assert_eq!(
            got,
            [
                ("moron", WholeWord, "insults"),
                ("idiot", WholeWord, "insults"),
                ("idiot", Substring, "watch"),
            ]
        );
    }

    #[test]
    fn empty_terms_are_skipped() {
        let m = matcher(&[
            ("", MatchMode::WholeWord),
            (" .-! ", MatchMode::Substring),
            ("\u{200B}\u{064E}", MatchMode::WholeWord),
            ("moron", MatchMode::WholeWord),
        ]);
        assert_eq!(m.len(), 1);
        assert!(!m.is_empty());
        assert_eq!(terms_in(&m, "moron"), ["moron"]);
        let none = matcher(&[]);
        assert!(none.is_empty());
        assert!(none.find("anything").is_empty());
    }

    #[test]
    fn modes_round_trip() {
        for mode in [MatchMode::WholeWord, MatchMode::Substring] {
            assert_eq!(MatchMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(MatchMode::parse("Word"), None);
    }

    #[test]
    fn matching_form_shows_what_is_compared() {
        assert_eq!(matching_form("ＩＤＩＯＴ"), "idiot");
        assert_eq!(matching_form("іdіоt"), "idiot");
        assert_eq!(matching_form("ꭺss Ꭺss"), "ass ass");
        assert_eq!(matching_form("mI"), "mi");
        assert_eq!(matching_form("m\u{200B}m"), "mm");
        assert_eq!(matching_form("ﻛﻠﺐ"), "كلب");
        assert_eq!(matching_form("الْكَلْـــب"), "الكلب");
        assert_eq!(matching_form("هو"), "هو");
        assert_eq!(matching_form("b.a.d"), "b.a.d");
    }

    #[test]
    fn large_lists_build_and_match() {
        // Invented words: "zu" + the index spelled in letters a–j.
        let word = |i: usize| -> String {
            let digits = i.to_string();
            format!(
                "zu{}",
                digits
                    .bytes()
                    .map(|d| char::from(b'a' + d - b'0'))
                    .collect::<String>()
            )
        };
        let m = WordMatcher::new((0..5_000).map(|i| {
            let mode = if i % 2 == 0 {
                MatchMode::WholeWord
            } else {
                MatchMode::Substring
            };
            (word(i), mode, i)
        }));
        assert_eq!(m.len(), 5_000);
        let text = format!(
            "{} and x{}x but {}y, {} z u",
            word(42),
            word(4243),
            word(1000),
            word(7)
        );
        let tags: Vec<usize> = m.find(&text).iter().map(|hit| *hit.tag).collect();
        // 42 as a word; 4243 inside one, in substring mode; 1000 ("zubaaa")
        // inside one, in whole-word mode, so only 1 ("zub", substring) is
        // found there; 7 as a word; the spaced "z u" is no whole term.
        assert_eq!(tags, [1, 7, 42, 4243]);
    }

    #[test]
    fn shareable_across_threads() {
        fn assert_send_sync<S: Send + Sync>() {}
        assert_send_sync::<WordMatcher<String>>();
    }
}
