//! UI strings (Fluent), plural forms, numbers and dates (ICU4X, CLDR data)
//! per language, and choosing a language from Accept-Language.
//!
//! Plural forms come from ICU4X through a `PLURAL()` function rather than
//! from Fluent's own selector: fluent-bundle's plural rules
//! (intl_pluralrules 7) get Arabic wrong past 100 — they test `i` where CLDR
//! says `i % 100`, so ١٠٣ would take the "other" form instead of "few".

use std::collections::HashMap;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{DateTime, Time};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use khabar_app::Settings;
use khabar_core::Lang;
use unic_langid::LanguageIdentifier;

use crate::theme::Theme;

/// Everything needed to speak one language.
struct Language {
    bundle: FluentBundle<FluentResource>,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    date_time: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
}

pub struct I18n {
    languages: HashMap<Lang, Language>,
    /// The time zone comes from here, so an admin's change applies at once.
    settings: Arc<Settings>,
    default: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("no UI translation for “{0}”: the theme has no locales/{0}.ftl")]
    MissingTranslation(Lang),
    #[error("locales/{lang}.ftl: {message}")]
    BadTranslation { lang: Lang, message: String },
    #[error("no date formats for “{0}”: {1}")]
    NoDateFormats(Lang, String),
}

impl I18n {
    pub fn load(settings: Arc<Settings>, theme: &Theme) -> Result<I18n, I18nError> {
        let site = settings.file();
        let mut languages = HashMap::new();
        for setting in &site.languages {
            let lang = setting.code;
            let source = theme
                .file(&format!("locales/{lang}.ftl"))
                .ok_or(I18nError::MissingTranslation(lang))?;
            let source =
                String::from_utf8(source.into_owned()).map_err(|_| I18nError::BadTranslation {
                    lang,
                    message: "not UTF-8".into(),
                })?;
            let resource = FluentResource::try_new(source).map_err(|(_, errors)| {
                I18nError::BadTranslation {
                    lang,
                    message: format!("{errors:?}"),
                }
            })?;
            let langid: LanguageIdentifier =
                lang.as_str()
                    .parse()
                    .map_err(|_| I18nError::BadTranslation {
                        lang,
                        message: "not a language identifier".into(),
                    })?;
            let locale_tag = setting.locale.as_deref().unwrap_or(lang.as_str());
            let locale: Locale = locale_tag.parse().map_err(|e| {
                I18nError::NoDateFormats(
                    lang,
                    format!("site.languages locale “{locale_tag}”: {e:?}"),
                )
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle
                .add_resource(resource)
                .map_err(|errors| I18nError::BadTranslation {
                    lang,
                    message: format!("{errors:?}"),
                })?;
            let numbers = DecimalFormatter::try_new((&locale).into(), Default::default())
                .map_err(|e| I18nError::NoDateFormats(lang, e.to_string()))?;
            // NUMBER-like display in the language's own digits; plural
            // selection still sees the plain number.
            bundle
                .add_function("DIGITS", move |positional, _named| {
                    match positional.first() {
                        Some(FluentValue::Number(n)) => FluentValue::String(
                            numbers
                                .format(&Decimal::from(n.value as i64))
                                .to_string()
                                .into(),
                        ),
                        Some(other) => other.clone(),
                        None => FluentValue::Error,
                    }
                })
                .map_err(|e| I18nError::BadTranslation {
                    lang,
                    message: e.to_string(),
                })?;
            let plurals = PluralRules::try_new_cardinal((&locale).into())
                .map_err(|e| I18nError::NoDateFormats(lang, e.to_string()))?;
            // `{ PLURAL($n) -> [zero] … [one] … [few] … *[other] … }`.
            // Nothing is `zero` in every language (English has no such
            // CLDR form): "No comments yet" is worded apart from any count.
            bundle
                .add_function("PLURAL", move |positional, _named| {
                    match positional.first() {
                        Some(FluentValue::Number(n)) if n.value == 0.0 => {
                            FluentValue::String("zero".into())
                        }
                        Some(FluentValue::Number(n)) => FluentValue::String(
                            plural_name(plurals.category_for(n.value as i64)).into(),
                        ),
                        _ => FluentValue::String("other".into()),
                    }
                })
                .map_err(|e| I18nError::BadTranslation {
                    lang,
                    message: e.to_string(),
                })?;
            let date = FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long())
                .map_err(|e| I18nError::NoDateFormats(lang, e.to_string()))?;
            let date_time = FixedCalendarDateTimeFormatter::try_new(
                (&locale).into(),
                YMD::long().with_time_hm(),
            )
            .map_err(|e| I18nError::NoDateFormats(lang, e.to_string()))?;
            languages.insert(
                lang,
                Language {
                    bundle,
                    date,
                    date_time,
                },
            );
        }
        Ok(I18n {
            default: site.default_language,
            languages,
            settings,
        })
    }

    fn language(&self, lang: Lang) -> Option<&Language> {
        self.languages
            .get(&lang)
            .or_else(|| self.languages.get(&self.default))
    }

    /// The message `key` in `lang`; the key itself when it is missing, so a
    /// gap in a translation shows instead of failing the page.
    pub fn message(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(language) = self.language(lang) else {
            return key.to_owned();
        };
        let Some(pattern) = language.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(%lang, key, "missing UI string");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = language.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(%lang, key, ?errors, "UI string had errors");
        }
        text.into_owned()
    }

    /// The site's time zone, which dates are shown in and forms read in.
    pub fn time_zone(&self) -> TimeZone {
        self.settings.time_zone()
    }

    /// The string `key` in `lang`, if the theme has it.
    pub fn optional(&self, lang: Lang, key: &str) -> Option<String> {
        let language = self.language(lang)?;
        language.bundle.get_message(key)?.value()?;
        Some(self.message(lang, key, None))
    }

    /// A date in the site's time zone, as the language writes it.
    pub fn date(&self, lang: Lang, at: Timestamp) -> String {
        match (self.language(lang), to_icu(at, &self.time_zone())) {
            (Some(language), Some((date, _))) => language.date.format(&date).to_string(),
            _ => at.to_string(),
        }
    }

    /// A date and time of day in the site's time zone.
    pub fn date_time(&self, lang: Lang, at: Timestamp) -> String {
        match (self.language(lang), to_icu(at, &self.time_zone())) {
            (Some(language), Some((date, time))) => language
                .date_time
                .format(&DateTime { date, time })
                .to_string(),
            _ => at.to_string(),
        }
    }
}

fn plural_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

fn to_icu(at: Timestamp, zone: &TimeZone) -> Option<(Date<Gregorian>, Time)> {
    let local = at.to_zoned(zone.clone()).datetime();
    let date = Date::try_new_gregorian(local.year() as i32, local.month() as u8, local.day() as u8)
        .ok()?;
    let time = Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0).ok()?;
    Some((date, time))
}

/// The first of `available` that the `Accept-Language` header asks for,
/// by quality (q-values honoured; `q=0` means "not this one"). A tag
/// matches on its primary subtag: `en-GB` asks for `en`.
pub fn negotiate(header: &str, available: &[Lang]) -> Option<Lang> {
    let mut wanted: Vec<(Lang, f32, usize)> = Vec::new();
    let mut named: Vec<Lang> = Vec::new();
    let mut wildcard: Option<(f32, usize)> = None;
    for (position, item) in header.split(',').take(32).enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .filter_map(|p| {
                let p = p.trim();
                p.get(..2)
                    .filter(|prefix| prefix.eq_ignore_ascii_case("q="))
                    .map(|_| &p[2..])
            })
            .next()
            .map(|q| {
                q.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .unwrap_or(0.0)
            })
            .unwrap_or(1.0);
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if primary == "*" {
            wildcard = (quality > 0.0).then_some((quality, position));
        } else if let Ok(lang) = Lang::parse(&primary) {
            // Named even with q=0, so that `*` cannot bring it back.
            named.push(lang);
            if quality > 0.0 && available.contains(&lang) {
                wanted.push((lang, quality, position));
            }
        }
    }
    if let Some((quality, position)) = wildcard
        && let Some(&other) = available.iter().find(|lang| !named.contains(lang))
    {
        wanted.push((other, quality, position));
    }
    // Highest quality first; among equals, the order the browser sent.
    wanted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    wanted.first().map(|w| w.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: &[Lang] = &[Lang::AR, Lang::EN];

    #[test]
    fn quality_values_decide() {
        assert_eq!(negotiate("en-GB,en;q=0.9,ar;q=0.8", BOTH), Some(Lang::EN));
        assert_eq!(
            negotiate("fr;q=1, ar;q=0.5, en;q=0.4", BOTH),
            Some(Lang::AR)
        );
        assert_eq!(negotiate("en;q=0.2, ar-EG;q=0.7", BOTH), Some(Lang::AR));
        assert_eq!(negotiate("en;q=0, ar;q=0.1", BOTH), Some(Lang::AR));
        assert_eq!(negotiate("de, fr", BOTH), None);
        assert_eq!(negotiate("*", BOTH), Some(Lang::AR));
        assert_eq!(negotiate("ar;q=0, *", BOTH), Some(Lang::EN));
        assert_eq!(negotiate("en, *;q=0.1", BOTH), Some(Lang::EN));
        assert_eq!(negotiate("ar;Q=0.2, en;Q=0.9", BOTH), Some(Lang::EN));
    }

    #[test]
    fn garbage_is_harmless() {
        for header in [
            "",
            ";;;",
            "q=1",
            "en;q=nan",
            "en;q=-1,ar;q=2",
            "\u{202e}ar",
            &"en,".repeat(10_000),
        ] {
            let _ = negotiate(header, BOTH);
        }
        assert_eq!(negotiate("en;q=nan,ar;q=0.3", BOTH), Some(Lang::AR));
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;
    use khabar_core::SiteSettings;

    fn i18n() -> I18n {
        I18n::load(
            Arc::new(Settings::new(SiteSettings::default())),
            &Theme::default(),
        )
        .expect("the embedded theme loads")
    }

    fn minutes(i18n: &I18n, lang: Lang, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("minutes", n);
        // Fluent wraps placeables in bidi isolates; they are not part of the words.
        i18n.message(lang, "reading-time", Some(&args))
            .replace(['\u{2068}', '\u{2069}'], "")
    }

    #[test]
    fn arabic_uses_all_its_plural_forms() {
        let i18n = i18n();
        let expected = [
            (0, "وقت القراءة: أقل من دقيقة"),
            (1, "وقت القراءة: دقيقة واحدة"),
            (2, "وقت القراءة: دقيقتان"),
            (3, "وقت القراءة: 3 دقائق"),
            (10, "وقت القراءة: 10 دقائق"),
            (11, "وقت القراءة: 11 دقيقةً"),
            (99, "وقت القراءة: 99 دقيقةً"),
            (100, "وقت القراءة: 100 دقيقة"),
            (102, "وقت القراءة: 102 دقيقة"),
            (103, "وقت القراءة: 103 دقائق"),
            (111, "وقت القراءة: 111 دقيقةً"),
        ];
        for (n, text) in expected {
            assert_eq!(minutes(&i18n, Lang::AR, n), text, "{n}");
        }
        assert_eq!(minutes(&i18n, Lang::EN, 1), "1-minute read");
        assert_eq!(minutes(&i18n, Lang::EN, 7), "7-minute read");
    }

    #[test]
    fn a_locale_can_ask_for_arabic_indic_digits() {
        let mut site = SiteSettings::default();
        site.languages[0].locale = Some("ar-u-nu-arab".into());
        let i18n = I18n::load(Arc::new(Settings::new(site)), &Theme::default()).unwrap();
        assert_eq!(minutes(&i18n, Lang::AR, 3), "وقت القراءة: ٣ دقائق");
        let at: Timestamp = "2026-11-29T12:00:00Z".parse().unwrap();
        assert!(
            i18n.date(Lang::AR, at).contains("٢٠٢٦"),
            "{}",
            i18n.date(Lang::AR, at)
        );
    }

    #[test]
    fn dates_are_written_per_locale() {
        let i18n = i18n();
        let at: Timestamp = "2026-11-29T12:00:00Z".parse().unwrap();
        assert_eq!(i18n.date(Lang::EN, at), "November 29, 2026");
        assert!(
            i18n.date(Lang::AR, at).contains("نوفمبر"),
            "{}",
            i18n.date(Lang::AR, at)
        );
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let keys = |source: &str| -> Vec<String> {
            source
                .lines()
                .filter(|line| !line.starts_with([' ', '#']) && line.contains(" ="))
                .map(|line| line.split(" =").next().unwrap_or("").to_owned())
                .collect()
        };
        let theme = Theme::default();
        let read = |lang: &str| {
            String::from_utf8(
                theme
                    .file(&format!("locales/{lang}.ftl"))
                    .unwrap()
                    .into_owned(),
            )
            .unwrap()
        };
        let (ar, en) = (keys(&read("ar")), keys(&read("en")));
        assert_eq!(
            ar, en,
            "ar.ftl and en.ftl define the same messages in the same order"
        );
    }

    /// A key a template asks for that no locale defines shows its raw
    /// name on the page (`admin-front` instead of "Front page").
    #[test]
    fn every_key_a_template_asks_for_is_defined() {
        let i18n = i18n();
        let mut missing = Vec::new();
        for path in super::super::DefaultTheme::iter().filter(|p| p.starts_with("templates/")) {
            let file = super::super::DefaultTheme::get(&path).unwrap();
            let text = String::from_utf8_lossy(&file.data);
            for q in ['"', '\''] {
                let call = format!("t({q}");
                for (at, _) in text.match_indices(&call) {
                    // `t(` itself, not the end of `split(` or `format(`.
                    let called = text[..at]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric() && c != '_');
                    let rest = &text[at + call.len()..];
                    let Some(key) = rest.split(q).next().filter(|_| called) else {
                        continue;
                    };
                    // `t("admin-status-" ~ status)` names a family of keys.
                    let joined = rest
                        .get(key.len() + 1..)
                        .is_none_or(|after| after.trim_start().starts_with('~'));
                    if joined {
                        continue;
                    }
                    for lang in [Lang::AR, Lang::EN] {
                        if i18n.optional(lang, key).is_none() {
                            missing.push(format!("{path}: {key} ({lang:?})"));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys no locale defines:\n{}",
            missing.join("\n")
        );
    }
}
