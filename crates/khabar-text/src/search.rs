//! Search analysis: how article text and queries become index terms.
//!
//! Both analyzers share one normal form ([`normalize`]): NFKC; default
//! ignorables dropped (ZWJ/ZWNJ, LRM/RLM/ALM, soft hyphen, bidi controls,
//! U+FEFF…); lowercase; Arabic folded by [`arabic::fold`] (harakat and
//! tatweel removed, أ إ آ ٱ → ا, ى ی → ي, ة → ه, ک → ك, Arabic-Indic digits
//! → ASCII), and the other Arabic marks that survive composition (Quranic
//! annotation signs, a hamza above a letter it cannot compose with)
//! dropped too.
//!
//! [`exact_tokens`] cuts that form into words; [`stemmed_tokens`] also
//! stems each word by its script: Arabic by [`arabic_stem`] (Larkey's
//! light10 with a lexicon of broken plurals, duals and clitics; see there),
//! Latin by the Snowball English stemmer. Indexing both lets a query find
//! every form of a word while names and exact words rank first. A change
//! to what a word becomes must bump the index's analysis version
//! (`ANALYSIS` in `khabar-search`), so that indexes are rebuilt.
//!
//! Tokens are found on the original text so that each keeps the byte range
//! it came from (for highlighting): the text is walked one base character
//! at a time, together with the combining marks that follow it, and each
//! such cluster is normalized on its own. A cluster that normalizes to
//! nothing (tatweel, a lone haraka) and an ignorable character do not end a
//! word, so `الْكِتَاب`, `كـــتاب` and `ك‌تاب` (with a ZWNJ) are one token
//! each.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::arabic;
use crate::unicode;

/// One token: its indexed term, the byte range `from..to` of the original
/// text it came from, and its position (0, 1, 2… in token order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub from: usize,
    pub to: usize,
    pub position: usize,
}

/// Words longer than this many characters (after normalization) are not
/// words people search for: they are skipped, not cut.
pub const MAX_TOKEN_CHARS: usize = 64;

/// At most this many tokens are taken from one text; the rest of a longer
/// text is not indexed.
pub const MAX_TOKENS: usize = 65_536;

/// The normal form shared by both analyzers (no stemming), for a whole
/// string. Separators are kept, so this is also what a query looks like to
/// the index.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut scratch = String::new();
    for_each_cluster(text, |_, _, raw| {
        normalize_cluster(raw, &mut scratch, &mut out);
        true
    });
    out
}

/// Unstemmed tokens: names and exact words rank first through these.
pub fn exact_tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut open: Option<Open> = None;
    let mut norm = String::new();
    let mut scratch = String::new();
    for_each_cluster(text, |from, to, raw| {
        norm.clear();
        normalize_cluster(raw, &mut scratch, &mut norm);
        for c in norm.chars() {
            if is_word_char(c) {
                let token = open.get_or_insert_with(|| Open::at(from));
                token.push(c, to);
            } else if is_combining_mark(c) {
                // A mark that survived normalization stays with its letter;
                // one with no letter before it is dropped.
                if let Some(token) = &mut open {
                    token.push(c, to);
                }
            } else if let Some(token) = open.take() {
                token.finish(&mut tokens);
                if tokens.len() >= MAX_TOKENS {
                    return false;
                }
            }
        }
        true
    });
    if let Some(token) = open
        && tokens.len() < MAX_TOKENS
    {
        token.finish(&mut tokens);
    }
    tokens
}

/// Tokens stemmed by their script: Arabic-script words by light10,
/// Latin-script words by the English stemmer, anything else (digits, other
/// scripts, words mixing letters and digits) as normalized.
pub fn stemmed_tokens(text: &str) -> Vec<Token> {
    let english = Stemmer::create(Algorithm::English);
    let mut tokens = exact_tokens(text);
    STEMS.with(|stems| {
        let mut stems = stems.borrow_mut();
        for token in &mut tokens {
            if let Some(stem) = stems.get(&token.term) {
                token.term.clear();
                token.term.push_str(stem);
                continue;
            }
            let stem = if token.term.chars().all(is_arabic_letter) {
                arabic_stem(&token.term)
            } else if is_latin_word(&token.term) {
                english.stem(&token.term).into_owned()
            } else {
                continue;
            };
            if stems.len() >= STEM_CACHE_WORDS {
                stems.clear();
            }
            stems.insert(std::mem::replace(&mut token.term, stem.clone()), stem);
        }
    });
    tokens
}

/// Words a thread keeps the stems of. Text repeats its words (a news
/// story's are mostly ones it has used before), and stemming one looks it
/// up in the lexicon and the protected names several times over, so
/// indexing an edition and cutting the snippets of a page of results
/// stem far fewer words with these kept. A full cache starts again empty:
/// at most some 8,000 short words per thread are held.
const STEM_CACHE_WORDS: usize = 8_192;

thread_local! {
    /// A word's stem by its normal form, for [`stemmed_tokens`].
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// light10 (Larkey, Ballesteros and Connell, 2002/2007) on one
/// already-normalized Arabic word:
///
/// 1. a leading و is dropped if the word is longer than 3 letters;
/// 2. one article ال وال بال كال فال لل is dropped, longest first, if at
///    least 2 letters remain; then step 1 is applied again. Larkey does
///    not repeat it, but without it وزير (→ زير by step 1) would never
///    meet الوزير (→ وزير), nor وكالة الوكالة, nor ولايات الولايات;
/// 3. the suffixes ها ان ات ون ين يه ه ي (light10's list after ة → ه
///    folding) are tried in that order, each dropped at most once, if at
///    least 2 letters remain — or 3 for the dual and plural endings ان ين
///    ون, which attach to a whole singular noun, so that words like بيان,
///    مكان and حسين keep their last letters. ات stays at 2: it replaces
///    a ة, and لغات must meet لغة.
///
/// Well-known names whose ending merely looks like a suffix (فلسطين,
/// لبنان, البحرين, عمان…; see [`PROTECTED`]) are returned whole, after any
/// proclitics (و ف ب ك ل ال and their combinations) are dropped. Their
/// nisba adjectives then stem to them without any special case: فلسطيني,
/// الفلسطينيون and فلسطينية all become فلسطين, and لبناني لبنان.
pub fn arabic_light_stem(word: &str) -> String {
    if let Some(name) = protected_name(word) {
        return name.to_owned();
    }
    let mut w = without_article(word);
    for &(suffix, keep) in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suffix)
            && letters(rest) >= keep
        {
            w = rest;
        }
    }
    w.to_owned()
}

/// Steps 1 and 2 of light10: `word` without a leading و and one article.
fn without_article(word: &str) -> &str {
    let w = drop_waw(word);
    let w = ARTICLES
        .iter()
        .filter_map(|article| w.strip_prefix(article))
        .find(|rest| letters(rest) >= 2)
        .unwrap_or(w);
    drop_waw(w)
}

/// How search stems one already-normalized Arabic word, so that a
/// singular, its dual, its sound and broken plurals and their clitics all
/// meet (قطار قطارات بالقطار، مدينة مدينتين مدن والمدن، وزير وزيرة وزيران
/// وزراء فالوزراء). It is [`arabic_light_stem`] with four departures:
///
/// 1. a broken plural of the lexicon ([`crate::plurals::singular`]) is
///    brought to its singular first, also behind a preposition (ب ك ل ف,
///    as in لطلاب) or before a possessive pronoun (جوائزه); and ب or ل
///    is dropped from before one of the lexicon's singulars (لموسم،
///    بمدينة), which most words merely beginning with them are not;
/// 2. a final alef (the accusative تنوين: إضرابا، لقاحا، وزيرا) goes when
///    three letters remain;
/// 3. ة written ت before a dual ending or ها (مدينتين، شركتان، حكومتها)
///    goes with it, as ة goes from the singular, and ات before ها
///    (قراراتها) is the plural ending; ات is tried before ان, so that
///    امتحانات and مهرجانات lose their ان as امتحان and مهرجان do;
/// 4. when a nisba ending (ي، ية) uncovers a dual or plural ending
///    (برلماني → برلمان), the endings are tried once more, so the
///    adjective meets its noun; a protected name (فلسطيني → فلسطين) stops
///    there.
pub fn arabic_stem(word: &str) -> String {
    if let Some(name) = protected_name(word) {
        return name.to_owned();
    }
    if let Some(one) = lexicon_singular(word) {
        return match protected_name(one) {
            Some(name) => name.to_owned(),
            None => strip_endings(without_article(one)),
        };
    }
    let conjunction = drop_waw(word);
    for preposition in ["ب", "ل"] {
        if let Some(rest) = conjunction.strip_prefix(preposition)
            && letters(rest) >= 3
            && crate::plurals::is_singular(rest)
        {
            return strip_endings(without_article(rest));
        }
    }
    strip_endings(without_article(word))
}

/// Prepositions and conjunctions written onto a broken plural without the
/// article (لطلاب، بمدن، وبمدن): tried only when what follows them is in
/// the lexicon, since most words merely begin with these letters.
const LEXICON_PROCLITICS: &[&str] = &["ب", "ل", "ك", "ف", "وب", "ول", "وك", "فب", "فل", "فك"];

/// Possessive pronouns written onto a broken plural (جوائزه، مشاريعهم),
/// and the accusative alef (فروعا).
const PRONOUNS: &[&str] = &["ه", "ها", "هم", "هما", "هن", "كم", "نا", "ا"];

/// The singular of `word` if it is a broken plural of the lexicon, maybe
/// after و and the article, behind a preposition or before a pronoun. The
/// article is dropped only once here: وزراء keeps its و.
fn lexicon_singular(word: &str) -> Option<&'static str> {
    let conjunction = drop_waw(word);
    let bare = ARTICLES
        .iter()
        .filter_map(|article| conjunction.strip_prefix(article))
        .find(|rest| letters(rest) >= 2)
        .unwrap_or(conjunction);
    let behind = [word, conjunction, bare].into_iter().chain(
        LEXICON_PROCLITICS
            .iter()
            .filter_map(|p| bare.strip_prefix(p))
            .filter(|rest| letters(rest) >= 3),
    );
    for word in behind {
        if let Some(one) = crate::plurals::singular(word) {
            return Some(one);
        }
        for pronoun in PRONOUNS {
            if let Some(rest) = word.strip_suffix(pronoun)
                && letters(rest) >= 3
                && let Some(one) = crate::plurals::singular(rest)
            {
                return Some(one);
            }
        }
    }
    None
}

/// Steps 3 and 4 of [`arabic_stem`] and light10's suffixes, on a word
/// without its article.
fn strip_endings(word: &str) -> String {
    let mut w = word;
    if let Some(rest) = w.strip_suffix("ها")
        && letters(rest) >= 2
    {
        w = without_ta(rest);
    } else if let Some(rest) = w.strip_suffix('ا')
        && letters(rest) >= 3
    {
        w = rest;
    }
    let (mut w, nisba) = strip_suffixes(w);
    if nisba
        && PROTECTED.binary_search(&w).is_err()
        && ["ان", "ون", "ين"].iter().any(|s| w.ends_with(s))
    {
        w = strip_suffixes(w).0;
    }
    kept_apart(word, w)
}

/// The stem of `word` (without its article) once its endings have left
/// `stem`: `stem` itself, unless it is a noun whose feminine or nisba
/// form is another word ([`FEMININE_APART`], [`NISBA_APART`]) and the
/// ending that went made that form. The ending is read off what followed
/// the stem: ة (written ه), ات or ت (مكتبة، مكتبات، مكتبتين) makes the
/// feminine, ي (بلدية، البلديات، رئيسيين, but not the dual رئيسين) the
/// nisba; each then keeps its mark (مكتبه، بلدي).
fn kept_apart(word: &str, stem: &str) -> String {
    let ending = word.strip_prefix(stem).unwrap_or_default();
    if ending.starts_with('ي') && ending != "ين" && NISBA_APART.binary_search(&stem).is_ok() {
        return format!("{stem}ي");
    }
    if ["ه", "ت", "ات"].iter().any(|mark| ending.starts_with(mark))
        && FEMININE_APART.binary_search(&stem).is_ok()
    {
        return format!("{stem}ه");
    }
    stem.to_owned()
}

/// Nouns whose feminine (ة) is another noun, not the same word for a
/// woman: مكتب "office" / مكتبة "library", بلد "country" / بلدة "town",
/// جامع "mosque" / جامعة "university", شرط "condition" / شرطة "police".
/// Their feminine forms stem to the noun with ه. Sorted (a test checks).
const FEMININE_APART: &[&str] = &["بلد", "جامع", "شرط", "مكتب"];

/// Nouns whose nisba (ي، ية) is a word of its own, not an adjective of
/// the noun: بلدية "municipality" (not بلد "country" nor بلدة "town"),
/// رئيسي "main" (not رئيس "president"), كلية "college" (not كل "all"),
/// شرطي "policeman". Their nisba forms stem to the noun with ي. Sorted.
const NISBA_APART: &[&str] = &["بلد", "رئيس", "شرط", "كل"];

/// Words whose last ت is a root letter, not a ة written ت before a dual
/// ending or a pronoun: ثابتين is ثابت "stable" in the plural, never ثاب.
/// Sorted (a test checks).
const ROOT_TA: &[&str] = &[
    "بيت",
    "توقيت",
    "ثابت",
    "زيت",
    "سبت",
    "صامت",
    "صوت",
    "كبريت",
    "مؤقت",
    "ميت",
    "نبات",
    "وقت",
];

/// light10's suffixes after ها, ات first (so that امتحانات, like
/// امتحان, also loses its ان), with ت before a dual ending taken as ة;
/// also says whether a nisba ending (ي، يه) went.
fn strip_suffixes(word: &str) -> (&str, bool) {
    let mut w = word;
    let mut nisba = false;
    for &(suffix, keep) in SEARCH_SUFFIXES {
        if let Some(rest) = w.strip_suffix(suffix)
            && letters(rest) >= keep
        {
            w = match suffix {
                "ان" | "ين" => without_ta(rest),
                "ي" | "يه" => {
                    nisba = true;
                    rest
                }
                _ => rest,
            };
        }
    }
    (w, nisba)
}

/// `w` (before a dual ending or a pronoun) without the ت that writes ة
/// there, or the ات of a plural, if three letters remain; a word whose ت
/// is its own ([`ROOT_TA`]) keeps it.
fn without_ta(w: &str) -> &str {
    if ROOT_TA.binary_search(&w).is_ok() {
        return w;
    }
    if let Some(rest) = w.strip_suffix("ات")
        && letters(rest) >= 3
    {
        return rest;
    }
    match w.strip_suffix('ت') {
        Some(rest) if letters(rest) >= 3 => rest,
        _ => w,
    }
}

/// One key for every form of a normalized word: Arabic words stemmed with
/// their broken plurals brought to the singular first (والكلاب, الكلب
/// and كلب all give كلب), Latin words by the English stemmer, anything
/// else as it is. Word lists use it for entries that ask for all forms.
fn word_form_key(word: &str, english: &Stemmer) -> String {
    if word.chars().all(is_arabic_letter) {
        match crate::plurals::singular(without_article(word)) {
            Some(one) => arabic_light_stem(one),
            None => arabic_light_stem(word),
        }
    } else if is_latin_word(word) {
        english.stem(word).into_owned()
    } else {
        word.to_owned()
    }
}

/// The form keys ([`word_form_key`]) of a text's words, in order.
pub fn form_keys(text: &str) -> Vec<String> {
    let english = Stemmer::create(Algorithm::English);
    exact_tokens(text)
        .into_iter()
        .map(|token| word_form_key(&token.term, &english))
        .collect()
}

/// `w` without a leading و if it is longer than 3 letters.
fn drop_waw(w: &str) -> &str {
    match w.strip_prefix('و') {
        Some(rest) if letters(w) > 3 => rest,
        _ => w,
    }
}

/// The definite article and its combinations, longest first.
const ARTICLES: &[&str] = &["وال", "بال", "كال", "فال", "ال", "لل"];

/// light10's suffixes in the order it strips them, each with the letters
/// that must remain.
const SUFFIXES: &[(&str, usize)] = &[
    ("ها", 2),
    ("ان", 3),
    ("ات", 2),
    ("ون", 3),
    ("ين", 3),
    ("يه", 2),
    ("ه", 2),
    ("ي", 2),
];

/// The suffixes [`arabic_stem`] tries after ها, in order, each with the
/// letters that must remain.
const SEARCH_SUFFIXES: &[(&str, usize)] = &[
    ("ات", 2),
    ("ان", 3),
    ("ون", 3),
    ("ين", 3),
    ("يه", 2),
    ("ه", 2),
    ("ي", 2),
];

/// Proclitics that may come before a protected name: the conjunctions و ف,
/// the prepositions ب ك ل, the article, and their combinations (ل + ال is
/// written لل). The empty one is the name alone.
const PROCLITICS: &[&str] = &[
    "", "و", "ف", "ب", "ك", "ل", "ال", "لل", "وب", "وك", "ول", "فب", "فك", "فل", "وال", "فال",
    "بال", "كال", "ولل", "فلل", "وبال", "وكال", "فبال", "فكال",
];

/// Names, in normal form and sorted by bytes, whose ending reads like one
/// of light10's suffixes: places and people in the news that would
/// otherwise be clipped into another word (لبنان → لبن "milk", عمان → عم
/// "uncle", البحرين → بحر "sea", فرعون → فرع "branch") or away from their
/// own adjectives (فلسطين → فلسط while فلسطيني → فلسطين); and a few
/// nouns clipped into another word just as absurdly (بركان → برك as
/// بركة "pond", طيران → طير "bird", زيتون → زيت "oil", خمسين → خمس
/// "five"). Add to it when a word is found clipped; keep it sorted (a
/// test checks).
pub const PROTECTED: &[&str] = &[
    "اذربيجان",
    "اربعين",
    "ارجنتين",
    "اسوان",
    "اصفهان",
    "افغانستان",
    "انسان",
    "اوزبكستان",
    "ايران",
    "باكستان",
    "بحرين",
    "بركان",
    "برلين",
    "بكين",
    "بوتين",
    "تايوان",
    "تركمانستان",
    "تسعين",
    "تشرين",
    "تطوان",
    "ثلاثين",
    "ثمانين",
    "جنين",
    "حزيران",
    "حسين",
    "حطين",
    "خمسين",
    "داغستان",
    "دبي",
    "رضوان",
    "رمضان",
    "زيتون",
    "سبعين",
    "ستالين",
    "سلطان",
    "سلمان",
    "سليمان",
    "سودان",
    "شعبان",
    "صهيون",
    "طاجيكستان",
    "طهران",
    "طيران",
    "عثمان",
    "عدنان",
    "عرفات",
    "عشرين",
    "عمان",
    "عمران",
    "فاتيكان",
    "فرعون",
    "فلبين",
    "فلسطين",
    "قرغيزستان",
    "كازاخستان",
    "كانون",
    "كردستان",
    "كرملين",
    "لبنان",
    "لينين",
    "نيسان",
    "هارون",
    "وهران",
    "يابان",
    "ياسين",
    "يونان",
];

/// The protected name `word` is, after some proclitics, if any. A word
/// in ون is also its form in ين (ثلاثون ثلاثين), which the list holds.
fn protected_name(word: &str) -> Option<&'static str> {
    PROCLITICS
        .iter()
        .filter_map(|p| word.strip_prefix(p))
        .find_map(|rest| {
            let found = |name: &str| PROTECTED.binary_search(&name).ok().map(|i| PROTECTED[i]);
            found(rest).or_else(|| {
                let stem = rest.strip_suffix("ون")?;
                found(&format!("{stem}ين"))
            })
        })
}

fn letters(s: &str) -> usize {
    s.chars().count()
}

/// A token being built.
struct Open {
    term: String,
    chars: usize,
    from: usize,
    to: usize,
}

impl Open {
    fn at(from: usize) -> Self {
        Open {
            term: String::new(),
            chars: 0,
            from,
            to: from,
        }
    }

    fn push(&mut self, c: char, to: usize) {
        self.chars += 1;
        // Past the limit the token will be skipped: stop growing it.
        if self.chars <= MAX_TOKEN_CHARS {
            self.term.push(c);
        }
        self.to = to;
    }

    fn finish(self, tokens: &mut Vec<Token>) {
        if self.chars <= MAX_TOKEN_CHARS {
            tokens.push(Token {
                term: self.term,
                from: self.from,
                to: self.to,
                position: tokens.len(),
            });
        }
    }
}

/// Calls `f(from, to, cluster)` for each base character of `text` with the
/// combining marks after it, `from..to` being its byte range, until `f`
/// returns false. Ignorable characters are left out (a cluster may span
/// one, as in a letter, a ZWJ and a mark) and never start a cluster.
fn for_each_cluster(text: &str, mut f: impl FnMut(usize, usize, &str) -> bool) {
    let mut cluster = String::new();
    let (mut from, mut to) = (0, 0);
    for (at, c) in text.char_indices() {
        if unicode::is_default_ignorable(c) {
            continue;
        }
        let end = at + c.len_utf8();
        if !cluster.is_empty() && attaches(c) {
            cluster.push(c);
            to = end;
            continue;
        }
        if !cluster.is_empty() && !f(from, to, &cluster) {
            return;
        }
        cluster.clear();
        cluster.push(c);
        (from, to) = (at, end);
    }
    if !cluster.is_empty() {
        f(from, to, &cluster);
    }
}

/// Whether `c` belongs with the character before it: a combining mark, or
/// a Hangul vowel or final consonant jamo (which NFKC composes with the
/// syllable before it).
fn attaches(c: char) -> bool {
    is_combining_mark(c) || matches!(c, '\u{1161}'..='\u{11FF}')
}

/// Appends the normal form of one cluster to `out`; `scratch` is a buffer
/// kept between calls.
fn normalize_cluster(raw: &str, scratch: &mut String, out: &mut String) {
    if let [b] = raw.as_bytes()
        && b.is_ascii()
    {
        out.push(char::from(b.to_ascii_lowercase()));
        return;
    }
    // The common Arabic case, a base letter alone: NFKC and lowercase
    // leave it as it is, so only the fold applies (no allocation).
    let mut chars = raw.chars();
    if let (Some(c @ '\u{0621}'..='\u{064A}'), None) = (chars.next(), chars.next()) {
        if !arabic::is_tatweel(c) {
            out.push(arabic::fold_char(c));
        }
        return;
    }
    scratch.clear();
    scratch.extend(
        raw.chars()
            .nfkc()
            .filter(|&c| !unicode::is_default_ignorable(c))
            .flat_map(char::to_lowercase),
    );
    // `fold` also removes harakat and tatweel.
    out.extend(
        arabic::fold(scratch)
            .chars()
            .filter(|&c| !(is_arabic_script(c) && is_combining_mark(c))),
    );
}

/// The Arabic blocks (presentation forms are gone after NFKC).
fn is_arabic_script(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{0870}'..='\u{08FF}'
    )
}

fn is_arabic_letter(c: char) -> bool {
    is_arabic_base_letter(c) || (is_arabic_script(c) && c.is_alphabetic())
}

/// The Arabic letters (ء to ي, tatweel included): all alphabetic, and
/// most of what is indexed, so answered without Unicode's tables.
fn is_arabic_base_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}')
}

/// `c.is_alphanumeric()`, with ASCII and the Arabic letters answered
/// first: tokenizing (every edition indexed, every snippet) asks it of
/// each character.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_arabic_base_letter(c) || c.is_alphanumeric()
    }
}

/// Latin letters: ASCII, Latin-1, Latin Extended A–E, IPA, Latin Extended
/// Additional.
fn is_latin_letter(c: char) -> bool {
    // The ranges first: they rule out an Arabic letter without Unicode's
    // tables.
    c.is_ascii_alphabetic()
        || (matches!(
            c,
            '\u{00C0}'..='\u{02AF}'
                | '\u{1E00}'..='\u{1EFF}'
                | '\u{2C60}'..='\u{2C7F}'
                | '\u{A720}'..='\u{A7FF}'
                | '\u{AB30}'..='\u{AB6F}'
        ) && c.is_alphabetic())
}

/// A word of Latin letters (marks left on them allowed), no digits.
fn is_latin_word(term: &str) -> bool {
    term.chars().next().is_some_and(is_latin_letter)
        && term
            .chars()
            .all(|c| is_latin_letter(c) || is_combining_mark(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.term.as_str()).collect()
    }

    fn stem(word: &str) -> String {
        let tokens = stemmed_tokens(word);
        assert_eq!(tokens.len(), 1, "{word:?} is one token");
        tokens[0].term.clone()
    }

    #[test]
    fn election_forms_share_a_stem() {
        for word in ["والانتخابات", "الانتخابات", "انتخابات"] {
            assert_eq!(stem(word), "انتخاب", "{word}");
        }
    }

    #[test]
    fn light10_examples() {
        let cases = [
            ("الكتاب", "كتاب"),
            ("والكتاب", "كتاب"),
            ("للطلاب", "طلاب"),
            ("مصر", "مصر"),
            ("بيروت", "بيروت"),
            ("فرنسا", "فرنسا"),
            ("الصحفيين", "صحف"),
            ("صحفي", "صحف"),
            // Dual and plural endings keep three letters.
            ("بيان", "بيان"),
            ("البيان", "بيان"),
            ("مكان", "مكان"),
            // ات keeps two: لغات meets لغة.
            ("لغات", "لغ"),
            ("لغة", "لغ"),
        ];
        for (word, expected) in cases {
            assert_eq!(arabic_light_stem(&normalize(word)), expected, "{word}");
        }
        let school: Vec<String> = ["المدرسة", "مدرسة", "مدرسه"]
            .iter()
            .map(|w| stem(w))
            .collect();
        assert_eq!(school, ["مدرس", "مدرس", "مدرس"]);
    }

    #[test]
    fn names_are_not_clipped() {
        for name in ["فلسطين", "بيروت", "لبنان", "عمان", "حسين"] {
            assert_eq!(stem(name), name);
        }
        // فرنسا loses its last alef as فرنسي its ي: they meet.
        assert_eq!(stem("فرنسا"), stem("فرنسي"));
        assert_eq!(stem("البحرين"), "بحرين");
        assert_eq!(stem("وفلسطين"), "فلسطين");
        assert_eq!(stem("بفلسطين"), "فلسطين");
        assert_eq!(stem("وللبنان"), "لبنان");
        assert_eq!(stem("وهران"), "وهران");
        // Their adjectives reach them through ordinary stemming.
        for word in [
            "فلسطيني",
            "الفلسطينيون",
            "فلسطينيين",
            "الفلسطينية",
            "والفلسطينيات",
        ] {
            assert_eq!(stem(word), "فلسطين", "{word}");
        }
        assert_eq!(stem("اللبنانيون"), "لبنان");
    }

    #[test]
    fn protected_names_are_sorted_and_normal() {
        assert!(PROTECTED.windows(2).all(|w| w[0] < w[1]));
        for name in PROTECTED {
            assert_eq!(normalize(name), *name);
        }
    }

    #[test]
    fn light_stem_is_light10_on_its_own() {
        assert_eq!(arabic_light_stem("فلسطين"), "فلسطين");
        assert_eq!(arabic_light_stem("والانتخابات"), "انتخاب");
        // A three-letter word keeps its و; a suffix still goes if two
        // letters remain.
        assert_eq!(arabic_light_stem("ولد"), "ولد");
        assert_eq!(arabic_light_stem("وله"), "ول");
        assert_eq!(arabic_light_stem("ال"), "ال");
        // A word that starts with و meets its form with the article.
        for word in ["وزير", "الوزير", "والوزير", "ووزير", "للوزير"] {
            assert_eq!(arabic_light_stem(word), "زير", "{word}");
        }
        for word in ["وقت", "الوقت", "والوقت"] {
            assert_eq!(arabic_light_stem(word), "وقت", "{word}");
        }
        assert_eq!(arabic_light_stem(""), "");
    }

    /// Each group's words share one search stem.
    fn meet(groups: &[&[&str]]) {
        for group in groups {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.windows(2).all(|w| w[0] == w[1]),
                "{group:?} → {stems:?}"
            );
        }
    }

    #[test]
    fn singular_dual_and_plurals_meet() {
        meet(&[
            // Sound plurals, with and without the article and clitics.
            &[
                "قطار",
                "القطار",
                "قطارات",
                "القطارات",
                "بالقطار",
                "وبالقطارات",
            ],
            &["معلم", "معلمة", "معلمون", "المعلمين", "معلمات", "للمعلمين"],
            &["امتحان", "امتحانات", "الامتحانات"],
            &["مهرجان", "المهرجانات"],
            &["مباراة", "مباريات", "المباريات"],
            // Duals, ة written ت before their ending.
            &["مدينة", "مدينتان", "المدينتين", "مدن", "والمدن", "لمدن"],
            &["شركة", "شركتان", "الشركتين", "شركات"],
            &["سيارة", "سيارتين", "السيارات"],
            &["مستشفى", "مستشفيان", "مستشفيين", "المستشفيات"],
            &["لاعب", "اللاعبان", "لاعبين", "لاعبون"],
            // The accusative alef and the construct dual.
            &[
                "وزير",
                "وزيرا",
                "وزيران",
                "الوزيرين",
                "وزيرة",
                "الوزراء",
                "فالوزراء",
            ],
            &["لقاح", "لقاحا", "اللقاحات"],
            &["فرع", "فروعا", "الفروع"],
            // Broken plurals of news vocabulary, behind clitics and
            // before pronouns.
            &["خبر", "أخبار", "الأخبار", "بالأخبار"],
            &["طالب", "طلاب", "للطلاب", "لطلاب", "طالبة"],
            &["جائزة", "جوائز", "جوائزه", "الجائزة"],
            &["مشروع", "مشاريع", "مشاريعهم", "المشروعات"],
            &["ميناء", "موانئ", "الموانئ", "بالموانئ"],
            &["قرية", "قرى", "القرى"],
            &["مبنى", "مباني", "الأبنية"],
            &["قانون", "قوانين", "القانونية"],
            // ها after ة and after a sound plural.
            &["حكومة", "حكومتها", "الحكومات"],
            &["قرار", "قرارات", "قراراتها"],
            &["موسم", "لموسم", "مواسم"],
            &["مدينة", "بمدينة", "ولمدينة"],
            // A nisba adjective meets its noun.
            &["برلمان", "برلماني", "البرلمانية"],
            &["تلفزيون", "تلفزيوني"],
            &["فلسطين", "فلسطيني", "الفلسطينيين"],
            &["امريكا", "امريكي", "الأمريكية"],
        ]);
    }

    #[test]
    fn no_absurd_collisions() {
        for (one, other) in [
            ("البحرين", "البحر"),
            ("بركان", "بركة"),
            ("لبنان", "لبن"),
            ("عمان", "عم"),
            ("طيران", "طيور"),
            ("زيتون", "زيت"),
            ("خمسين", "خمس"),
            ("ثلاثون", "ثلاث"),
            ("سلطان", "سلطة"),
            ("انسان", "انس"),
            ("بيروتي", "بيرو"),
            ("الكويتية", "كوي"),
            ("بيتها", "بي"),
            ("كمال", "مال"),
            ("فقط", "قط"),
            ("صوتين", "صو"),
        ] {
            assert_ne!(stem(one), stem(other), "{one} / {other}");
        }
        // Nouns whose feminine or nisba is another word, and a root ت.
        for (one, other) in [
            ("بلدة", "بلدية"),
            ("بلدة", "بلد"),
            ("بلدية", "بلد"),
            ("رئيس", "رئيسية"),
            ("الرئيس", "الرئيسي"),
            ("مكتبة", "مكتب"),
            ("المكتبات", "مكاتب"),
            ("جامعة", "جامع"),
            ("الشرطة", "شرط"),
            ("كلية", "كل"),
            ("ثابتين", "ثاب"),
        ] {
            assert_ne!(stem(one), stem(other), "{one} / {other}");
        }
        // A tens number meets its other case.
        assert_eq!(stem("ثلاثون"), stem("ثلاثين"));
        assert_eq!(stem("البركان"), "بركان");
        assert_eq!(stem("البراكين"), "بركان");
    }

    #[test]
    fn words_kept_apart_still_meet_their_own_forms() {
        meet(&[
            &["بلدة", "البلدة", "بلدات", "البلدات", "بلدتين"],
            &["بلدية", "البلدية", "البلديات", "بلديتين", "البلدي"],
            &["بلد", "البلد", "بلدان", "البلدان"],
            &["رئيس", "الرئيس", "رئيسين", "رؤساء", "رئيسة"],
            &["رئيسي", "الرئيسية", "الرئيسيين", "الرئيسيون"],
            &["مكتبة", "المكتبة", "مكتبات", "مكتبتين", "بالمكتبة"],
            &["مكتب", "المكتب", "مكاتب", "مكتبين"],
            &["جامعة", "الجامعات", "جامعتين"],
            &["ثابت", "ثابتة", "ثابتين", "ثابتون", "ثابتان"],
            &["صوت", "الصوت", "صوتين"],
            &["بيت", "البيت", "بيتين"],
        ]);
        assert_eq!(stem("ثابتين"), "ثابت");
        assert_eq!(stem("مكتبة"), "مكتبه");
        assert_eq!(stem("البلدية"), "بلدي");
    }

    #[test]
    fn kept_apart_lists_are_sorted_and_normal() {
        for list in [FEMININE_APART, NISBA_APART, ROOT_TA] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            for word in list {
                assert_eq!(normalize(word), *word);
            }
        }
    }

    #[test]
    fn search_stems_keep_names_whole() {
        for name in ["فلسطين", "بيروت", "لبنان", "عمان", "حسين", "البحرين"]
        {
            assert_eq!(stem(name), arabic_light_stem(name), "{name}");
        }
        assert_eq!(stem("وللبنان"), "لبنان");
        assert_eq!(stem("بيروت"), "بيروت");
    }

    #[test]
    fn english_words_are_stemmed() {
        assert_eq!(stem("elections"), "elect");
        assert_eq!(stem("election"), "elect");
        assert_eq!(stem("Running"), "run");
        assert_eq!(stem("Beirut"), "beirut");
    }

    #[test]
    fn mixed_text_is_stemmed_by_script() {
        let tokens = stemmed_tokens("انتخابات Beirut elections 2026");
        assert_eq!(terms(&tokens), ["انتخاب", "beirut", "elect", "2026"]);
        let exact = exact_tokens("انتخابات Beirut elections 2026");
        assert_eq!(terms(&exact), ["انتخابات", "beirut", "elections", "2026"]);
        // Same tokens, same offsets and positions: only the terms differ.
        for (s, e) in tokens.iter().zip(&exact) {
            assert_eq!((s.from, s.to, s.position), (e.from, e.to, e.position));
        }
        // Digits inside a word keep it as it is.
        assert_eq!(terms(&stemmed_tokens("covid19 g20s")), ["covid19", "g20s"]);
    }

    #[test]
    fn diacritics_do_not_change_terms() {
        let plain = "والانتخابات";
        let voweled = "وَالِانْتِخَابَاتِ";
        assert_ne!(plain, voweled);
        assert_eq!(
            terms(&stemmed_tokens(voweled)),
            terms(&stemmed_tokens(plain))
        );
        assert_eq!(terms(&exact_tokens(voweled)), [plain]);
        assert_eq!(normalize("الْكِتَابُ"), "الكتاب");
        assert_eq!(terms(&exact_tokens("عَلَّمَهُ ٰ")), ["علمه"]);
    }

    #[test]
    fn letter_variants_fold() {
        for word in ["أحمد", "احمد", "إحمد", "آحمد"] {
            assert_eq!(terms(&exact_tokens(word)), ["احمد"], "{word}");
        }
        assert_eq!(terms(&exact_tokens("مدرسة")), terms(&exact_tokens("مدرسه")));
        assert_eq!(
            terms(&exact_tokens("مستشفى")),
            terms(&exact_tokens("مستشفي"))
        );
        assert_eq!(stem("مستشفى"), stem("مستشفي"));
        assert_eq!(normalize("ی ک"), "ي ك");
        // A hamza written as a separate mark composes first.
        assert_eq!(normalize("ا\u{0654}حمد"), "احمد");
    }

    #[test]
    fn tatweel_and_ignorables_do_not_split() {
        for word in [
            "الْكِتَاب",
            "كـــتاب",
            "ك\u{200C}تاب",
            "كت\u{200D}اب",
            "ك\u{200F}تا\u{00AD}ب",
            "\u{202B}كتاب\u{202C}",
            "\u{FEFF}كتاب",
        ] {
            let tokens = exact_tokens(word);
            assert_eq!(tokens.len(), 1, "{word:?}");
        }
        assert_eq!(terms(&exact_tokens("كـــتاب")), ["كتاب"]);
        assert_eq!(terms(&exact_tokens("ك\u{200C}تاب")), ["كتاب"]);
        assert_eq!(terms(&exact_tokens("news\u{200B}paper")), ["newspaper"]);
        assert_eq!(normalize("a\u{200E}b\u{061C}c"), "abc");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "قرأ الطالبُ الْكِتَابَ، ثم كـــتب";
        let tokens = exact_tokens(text);
        let slices: Vec<&str> = tokens.iter().map(|t| &text[t.from..t.to]).collect();
        assert_eq!(slices, ["قرأ", "الطالبُ", "الْكِتَابَ", "ثم", "كـــتب"]);
        assert_eq!(terms(&tokens), ["قرا", "الطالب", "الكتاب", "ثم", "كتب"]);
        let text = "Ｎｅｗｓ: ﻛﺘﺎﺏ e\u{0301}te\u{0301}";
        let tokens = exact_tokens(text);
        assert_eq!(terms(&tokens), ["news", "كتاب", "été"]);
        let slices: Vec<&str> = tokens.iter().map(|t| &text[t.from..t.to]).collect();
        assert_eq!(slices, ["Ｎｅｗｓ", "ﻛﺘﺎﺏ", "e\u{0301}te\u{0301}"]);
    }

    #[test]
    fn positions_count_up() {
        let tokens = stemmed_tokens("أعلنت اللجنة، اليوم، نتائج الانتخابات في 12 مدينة.");
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, (0..tokens.len()).collect::<Vec<_>>());
        assert_eq!(tokens.len(), 8);
        assert!(tokens.windows(2).all(|w| w[0].to <= w[1].from));
    }

    #[test]
    fn arabic_indic_digits_become_ascii() {
        assert_eq!(terms(&exact_tokens("عام ٢٠٢٦")), ["عام", "2026"]);
        assert_eq!(terms(&stemmed_tokens("۱۴۰۵")), ["1405"]);
        assert_eq!(normalize("٣٫٥"), "3٫5");
    }

    #[test]
    fn normalize_keeps_separators() {
        assert_eq!(normalize("Hello, العالَم!"), "hello, العالم!");
        assert_eq!(normalize("ﻻ"), "لا");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn long_words_are_skipped_and_tokens_capped() {
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        let text = format!("one {long} two");
        let tokens = exact_tokens(&text);
        assert_eq!(terms(&tokens), ["one", "two"]);
        assert_eq!(tokens[1].position, 1);
        let longest = "ب".repeat(MAX_TOKEN_CHARS);
        assert_eq!(terms(&exact_tokens(&longest)), [longest.as_str()]);

        let many = "x ".repeat(MAX_TOKENS + 10);
        assert_eq!(exact_tokens(&many).len(), MAX_TOKENS);
        let exact = "y ".repeat(MAX_TOKENS);
        assert_eq!(exact_tokens(exact.trim_end()).len(), MAX_TOKENS);
    }

    #[test]
    fn nothing_to_index() {
        assert!(exact_tokens("").is_empty());
        assert!(exact_tokens(" ،؟ … \u{200B}\u{064E}ـ").is_empty());
        assert!(stemmed_tokens("!!!").is_empty());
    }
}
