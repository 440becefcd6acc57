//! The Unicode policy for usernames and display names.
//!
//! A username is NFKC-normalized and loses harakat and tatweel, then must pass the PRECIS
//! UsernameCasePreserved profile (RFC 8265, which also applies the bidi rule:
//! one script direction only) and be made of characters UTS #39 allows in
//! identifiers, in one script (the UTS #39 "highly restrictive" level, see
//! [`RESTRICTION`]), with no pile of combining marks.
//! Uniqueness is decided on a *key*: the UTS #39 confusable
//! skeleton of the lowercased, Arabic-folded name, so `admin` and `аdmin`
//! (Cyrillic а), or names differing only by diacritics or letter variants,
//! share a key and cannot both exist. Reserved names are checked on the
//! same key.

use precis_core::profile::Profile;
use precis_profiles::UsernameCasePreserved;
use unicode_normalization::UnicodeNormalization;
use unicode_security::{
    GeneralSecurityProfile, RestrictionLevel, RestrictionLevelDetection, skeleton,
};

use crate::arabic;
use crate::unicode::{MAX_COMBINING_RUN, has_visible, is_bidi_control, longest_mark_run};

pub const MIN_USERNAME_CHARS: usize = 3;
pub const MAX_USERNAME_CHARS: usize = 32;
pub const MAX_DISPLAY_NAME_CHARS: usize = 60;

/// Why a name was refused; stable codes for forms, the API and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    TooShort,
    TooLong,
    /// A character outside the identifier set (spaces, symbols, controls,
    /// bidi controls, tatweel, emoji…).
    DisallowedCharacter,
    /// Letters of both directions, as in `layla_ليلى`.
    MixedDirection,
    /// Letters of scripts UTS #39 does not let one identifier mix, as in
    /// `кhalid` (a Cyrillic к among Latin letters).
    MixedScript,
    /// More combining marks in a row than any language writes.
    StackedMarks,
    /// Reserved for the newsroom (admin, moderator, مشرف…).
    Reserved,
    Empty,
}

impl NameProblem {
    pub fn code(self) -> &'static str {
        match self {
            NameProblem::TooShort => "username_too_short",
            NameProblem::TooLong => "username_too_long",
            NameProblem::DisallowedCharacter => "username_bad_character",
            NameProblem::MixedDirection => "username_mixed_direction",
            NameProblem::MixedScript => "username_mixed_script",
            NameProblem::StackedMarks => "username_stacked_marks",
            NameProblem::Reserved => "username_reserved",
            NameProblem::Empty => "display_name_empty",
        }
    }
}

/// A username as it will be stored and shown, or why it cannot be one.
pub fn normalize_username(input: &str) -> Result<String, NameProblem> {
    let name = well_formed(input)?;
    // Before the script rule, so that `аdmin` says it is reserved.
    if is_reserved(&name) {
        return Err(NameProblem::Reserved);
    }
    one_script(name)
}

/// The same policy without the reserved-name rule: reserved names exist so
/// that only the newsroom's operators can hand them out.
pub fn normalize_staff_username(input: &str) -> Result<String, NameProblem> {
    one_script(well_formed(input)?)
}

/// UTS #39's restriction levels, from strictest: ASCII only, single script,
/// highly restrictive (one script, or Latin with Han and Japanese kana,
/// Bopomofo or Hangul, as CJK writers mix them), moderately restrictive
/// (Latin with any other recommended script but Cyrillic and Greek)…
/// Highly restrictive is the level: the confusable skeleton only catches
/// a name that copies one already taken, while a name mixing look-alike
/// scripts is a disguise whether or not its model exists yet. Digits and
/// `_ - .` are Common to every script, so `خالد_2` and `سامر٢` are single
/// script; Arabic with Latin is already refused as mixed direction.
const RESTRICTION: RestrictionLevel = RestrictionLevel::HighlyRestrictive;

fn one_script(name: String) -> Result<String, NameProblem> {
    // `-` and `.` are allowed here beyond UTS #39's identifier set, which
    // the detection would otherwise take for unrestricted.
    let letters: String = name.chars().filter(|c| !matches!(c, '-' | '.')).collect();
    if letters.as_str().check_restriction_level(RESTRICTION) {
        Ok(name)
    } else {
        Err(NameProblem::MixedScript)
    }
}

/// Every rule but the script and reserved-name ones.
fn well_formed(input: &str) -> Result<String, NameProblem> {
    // Harakat and tatweel only decorate a name: drop them rather than
    // refuse it, and `المُشرِف` becomes the reserved `المشرف`.
    let name = arabic::strip_marks(&input.trim().nfkc().collect::<String>());
    let count = name.chars().count();
    if count < MIN_USERNAME_CHARS {
        return Err(NameProblem::TooShort);
    }
    if count > MAX_USERNAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    if !name
        .chars()
        .all(|c| c.identifier_allowed() || matches!(c, '-' | '.'))
    {
        return Err(NameProblem::DisallowedCharacter);
    }
    if longest_mark_run(&name) > MAX_COMBINING_RUN {
        return Err(NameProblem::StackedMarks);
    }
    if has_both_directions(&name) {
        return Err(NameProblem::MixedDirection);
    }
    UsernameCasePreserved::new()
        .enforce(name.as_str())
        .map(|name| name.into_owned())
        .map_err(|_| NameProblem::DisallowedCharacter)
}

/// The key two usernames collide on.
pub fn username_key(name: &str) -> String {
    let folded = arabic::fold(&name.nfkc().collect::<String>().to_lowercase());
    skeleton(&folded).collect::<String>().to_lowercase()
}

fn has_both_directions(name: &str) -> bool {
    use crate::Direction;
    let mut seen = (false, false);
    for c in name.chars() {
        match crate::detect_direction(c.encode_utf8(&mut [0; 4])) {
            Direction::Ltr => seen.0 = true,
            Direction::Rtl => seen.1 = true,
            Direction::Auto => {}
        }
    }
    seen.0 && seen.1
}

/// Names the newsroom keeps for itself, in both languages.
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "system",
    "moderator",
    "mod",
    "editor",
    "staff",
    "support",
    "help",
    "official",
    "khabar",
    "newsroom",
    "security",
    "webmaster",
    "postmaster",
    "abuse",
    "noreply",
    "no-reply",
    "api",
    "www",
    "deleted",
    "anonymous",
    "null",
    "undefined",
    "مشرف",
    "المشرف",
    "محرر",
    "المحرر",
    "مدير",
    "المدير",
    "الإدارة",
    "إدارة",
    "ادمن",
    "الادمن",
    "خبر",
    "الدعم",
    "الموقع",
    "رئيس-التحرير",
    "حساب-محذوف",
];

/// Whether a username is reserved: its first part (up to a `_`, `-` or
/// `.`), without trailing digits, has the key of a reserved name — so
/// `аdmin`, `المُشرف`, `admin1`, `moderator_desk` and `مشرف-الموقع` are
/// caught, while `administration_fan` or `مشرفة` are not.
pub fn is_reserved(name: &str) -> bool {
    let first = name.split(['_', '-', '.']).next().unwrap_or(name);
    let base = first.trim_end_matches(char::is_numeric);
    let key = username_key(if base.is_empty() { name } else { base });
    RESERVED
        .iter()
        .any(|reserved| username_key(reserved) == key)
}

/// A display name: NFC, bidi overrides and isolates and other controls
/// removed, whitespace collapsed, at most [`MAX_DISPLAY_NAME_CHARS`] after
/// normalization. Any script and spaces are allowed, but something must
/// show (a name of zero-width characters is no name), and combining marks
/// are capped as in comments.
pub fn clean_display_name(input: &str) -> Result<String, NameProblem> {
    let cleaned: String = input
        .nfc()
        .filter(|&c| !is_bidi_control(c) && !c.is_control())
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if !has_visible(&collapsed) {
        return Err(NameProblem::Empty);
    }
    if longest_mark_run(&collapsed) > MAX_COMBINING_RUN {
        return Err(NameProblem::StackedMarks);
    }
    if collapsed.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    Ok(collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass() {
        for name in [
            "layla",
            "Layla_Haddad",
            "ليلى",
            "ليلى_حداد",
            "samer.q",
            "reader-2026",
            "سامر٢",
        ] {
            assert!(
                normalize_username(name).is_ok(),
                "{name}: {:?}",
                normalize_username(name)
            );
        }
        assert_eq!(normalize_username("  ｌａｙｌａ ").as_deref(), Ok("layla"));
        assert_eq!(normalize_username("لَيْـــلى").as_deref(), Ok("ليلى"));
    }

    #[test]
    fn confusables_share_a_key() {
        assert_eq!(username_key("admin"), username_key("аdmin"));
        assert_eq!(username_key("paypal"), username_key("pаypаl"));
        assert_eq!(username_key("Layla"), username_key("layla"));
        assert_eq!(username_key("أحمد"), username_key("احمد"));
        assert_eq!(username_key("مُنى"), username_key("مني"));
        assert_eq!(username_key("فاطمة"), username_key("فاطمه"));
        assert_ne!(username_key("layla"), username_key("laila"));
    }

    #[test]
    fn spoofing_and_junk_are_refused() {
        use NameProblem::*;
        assert_eq!(normalize_username("ab"), Err(TooShort));
        assert_eq!(normalize_username(&"a".repeat(33)), Err(TooLong));
        assert_eq!(
            normalize_username("lay\u{202E}la"),
            Err(DisallowedCharacter)
        );
        assert_eq!(
            normalize_username("lay\u{2067}la"),
            Err(DisallowedCharacter)
        );
        assert_eq!(normalize_username("lay la"), Err(DisallowedCharacter));
        assert_eq!(normalize_username("layla🙂"), Err(DisallowedCharacter));
        assert_eq!(
            normalize_username("x'; DROP TABLE users;--"),
            Err(DisallowedCharacter)
        );
        assert_eq!(normalize_username("layla_ليلى"), Err(MixedDirection));
        let zalgo = format!("ab{}", "\u{0301}".repeat(20));
        assert_eq!(normalize_username(&zalgo), Err(StackedMarks));
    }

    #[test]
    fn one_script_a_name() {
        use NameProblem::MixedScript;
        // A Cyrillic к, a Greek ο, an Armenian օ among Latin letters.
        for name in ["кhalid_q", "khalid_q\u{03BF}", "kh\u{0585}lid"] {
            assert_eq!(normalize_username(name), Err(MixedScript), "{name}");
            assert_eq!(normalize_staff_username(name), Err(MixedScript), "{name}");
        }
        for name in [
            "khalid_q",
            "خالد_2",
            "خالد.٢٠",
            "халид",
            "ελένη",
            "山田_太郎",
            "tanaka_たなか",
            "José-María",
        ] {
            let normalized = normalize_username(name);
            assert!(normalized.is_ok(), "{name}: {normalized:?}");
        }
    }

    #[test]
    fn reserved_names_in_both_languages_and_their_disguises() {
        for name in [
            "admin",
            "Admin",
            "аdmin",
            "ADMIN",
            "moderator",
            "مشرف",
            "المُشرِف",
            "محرر",
            "مدير",
            "أدمن",
            "admin1",
            "admin_",
            "moderator-desk",
            "مشرف_الموقع",
            "khabar.news",
        ] {
            assert_eq!(
                normalize_username(name),
                Err(NameProblem::Reserved),
                "{name}"
            );
        }
    }

    #[test]
    fn names_that_merely_start_alike_are_free() {
        for name in ["administration_fan", "modest", "editorial", "مشرفة"] {
            assert!(normalize_username(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn operators_may_use_reserved_names() {
        assert_eq!(normalize_staff_username("admin").as_deref(), Ok("admin"));
        assert_eq!(
            normalize_staff_username("lay la"),
            Err(NameProblem::DisallowedCharacter)
        );
    }

    #[test]
    fn display_names_lose_bidi_controls() {
        assert_eq!(
            clean_display_name("  Layla \u{202E}Haddad\u{202C} ").as_deref(),
            Ok("Layla Haddad")
        );
        assert_eq!(
            clean_display_name("ليلى\u{2066} حداد").as_deref(),
            Ok("ليلى حداد")
        );
        assert_eq!(
            clean_display_name("\u{202E}\u{200B} "),
            Err(NameProblem::Empty)
        );
        assert_eq!(
            clean_display_name("\u{200B}\u{2800}\u{0301}"),
            Err(NameProblem::Empty)
        );
        assert_eq!(
            clean_display_name(&format!("Zed{}", "\u{0301}".repeat(20))),
            Err(NameProblem::StackedMarks)
        );
        assert_eq!(
            clean_display_name("Nguyễn Thị Ánh").as_deref(),
            Ok("Nguyễn Thị Ánh")
        );
        assert_eq!(clean_display_name(" \u{202E} "), Err(NameProblem::Empty));
        assert_eq!(
            clean_display_name(&"م".repeat(61)),
            Err(NameProblem::TooLong)
        );
    }
}
