//! Site settings: which languages the site speaks, its name in each, where
//! it lives and which clock its newsroom keeps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Dir, InvalidInput, Lang, text};

/// One language of the site and its writing direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettings {
    pub code: Lang,
    pub dir: Dir,
    /// The BCP 47 locale for dates and numbers, when it is more than the
    /// code: `ar-u-nu-arab` writes Arabic-Indic digits (٢٠٢٦), `ar-MA`
    /// Moroccan month names. Defaults to the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// Public address, such as `https://news.example`; absolute links,
    /// feeds and `hreflang` alternates are built from it. When unset, the
    /// address the server listens on is used.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The site's name in each language.
    pub name: BTreeMap<Lang, String>,
    pub languages: Vec<LanguageSettings>,
    pub default_language: Lang,
    /// An IANA time zone name (`Asia/Beirut`); dates on pages and
    /// scheduling forms are in this zone.
    pub time_zone: String,
    /// Minutes during which an author may edit their comment.
    #[serde(default = "default_comment_edit_minutes")]
    pub comment_edit_minutes: u32,
    /// Threads close this many days after publication; unset: never.
    #[serde(default)]
    pub comments_close_after_days: Option<u32>,
    /// Longest comment, in characters (at most 5,000).
    #[serde(default = "default_comment_max_chars")]
    pub comment_max_chars: u32,
    /// Most links one comment may carry.
    #[serde(default = "default_comment_max_links")]
    pub comment_max_links: u32,
    /// Comments one reader, and one address, may post per minute.
    #[serde(default = "default_comments_per_minute")]
    pub comments_per_minute: u32,
    /// Comments one reader may post per day (an operator's setting: the
    /// newsroom's browser form does not change it).
    #[serde(default = "default_comments_per_day")]
    pub comments_per_day: u32,
    /// Whether feeds carry each story's whole text or its standfirst.
    #[serde(default)]
    pub feed_content: FeedContent,
}

/// The settings an admin changes from the browser, stored in the database
/// and laid over the configuration file's (which stays the fallback and
/// keeps what only an operator should change: languages, the address).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteOverrides {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub name: BTreeMap<Lang, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_language: Option<Lang>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_edit_minutes: Option<u32>,
    /// 0: threads never close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_close_after_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_max_chars: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_max_links: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_per_minute: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_content: Option<FeedContent>,
}

/// The ranges a browser may set the comment limits within.
const COMMENT_LIMITS: [(&str, u32, u32); 5] = [
    ("comment_edit_minutes", 0, 1_440),
    ("comments_close_after_days", 0, 3_650),
    ("comment_max_chars", 100, 5_000),
    ("comment_max_links", 0, 50),
    ("comments_per_minute", 1, 60),
];

/// What a feed entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The whole story; readers need not open the site.
    #[default]
    Full,
    /// The standfirst and a link.
    Summary,
}

fn default_comment_max_chars() -> u32 {
    5_000
}

fn default_comment_max_links() -> u32 {
    5
}

fn default_comments_per_minute() -> u32 {
    5
}

fn default_comments_per_day() -> u32 {
    200
}

fn default_comment_edit_minutes() -> u32 {
    15
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            base_url: None,
            name: BTreeMap::from([
                (Lang::AR, "خبر".to_owned()),
                (Lang::EN, "Khabar".to_owned()),
            ]),
            languages: vec![
                LanguageSettings {
                    code: Lang::AR,
                    dir: Dir::Rtl,
                    locale: None,
                },
                LanguageSettings {
                    code: Lang::EN,
                    dir: Dir::Ltr,
                    locale: None,
                },
            ],
            default_language: Lang::AR,
            time_zone: "UTC".to_owned(),
            comment_edit_minutes: default_comment_edit_minutes(),
            comments_close_after_days: None,
            comment_max_chars: default_comment_max_chars(),
            comment_max_links: default_comment_max_links(),
            comments_per_minute: default_comments_per_minute(),
            comments_per_day: default_comments_per_day(),
            feed_content: FeedContent::Full,
        }
    }
}

impl SiteSettings {
    /// Checks what types alone cannot: that the pieces agree with each
    /// other. The error's field is the configuration key to fix.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.languages.is_empty() {
            return Err(InvalidInput::new(
                "site.languages",
                "no_languages",
                "at least one language is needed",
            ));
        }
        for name in self.name.values() {
            text::single_line("site.name", name)?;
        }
        for (i, language) in self.languages.iter().enumerate() {
            if self.languages[..i].iter().any(|l| l.code == language.code) {
                return Err(InvalidInput::new(
                    "site.languages",
                    "duplicate_language",
                    format!("“{}” is listed twice", language.code),
                ));
            }
            match self.name.get(&language.code) {
                Some(name) if !name.trim().is_empty() => {}
                _ => {
                    return Err(InvalidInput::new(
                        "site.name",
                        "missing_site_name",
                        format!("the site needs a name in “{}”", language.code),
                    ));
                }
            }
        }
        if self.dir_of(self.default_language).is_none() {
            return Err(InvalidInput::new(
                "site.default_language",
                "unknown_language",
                format!(
                    "“{}” is not one of site.languages ({})",
                    self.default_language,
                    self.language_codes().join(", ")
                ),
            ));
        }
        if let Err(e) = jiff::tz::TimeZone::get(&self.time_zone) {
            return Err(InvalidInput::new(
                "site.time_zone",
                "unknown_time_zone",
                format!("“{}” is not a known IANA time zone ({e})", self.time_zone),
            ));
        }
        if let Some(base_url) = &self.base_url {
            let rest = base_url
                .strip_prefix("https://")
                .or_else(|| base_url.strip_prefix("http://"));
            let valid = rest.is_some_and(|host| {
                !host.is_empty()
                    && !host.contains(char::is_whitespace)
                    && !host.contains(['?', '#'])
            });
            if !valid {
                return Err(InvalidInput::new(
                    "site.base_url",
                    "invalid_base_url",
                    format!("“{base_url}” is not an absolute http:// or https:// address"),
                ));
            }
        }
        Ok(())
    }

    /// These settings with `overrides` laid over them, checked as a whole.
    /// The error's field names the override at fault.
    pub fn with(&self, overrides: &SiteOverrides) -> Result<SiteSettings, InvalidInput> {
        let mut site = self.clone();
        for (lang, name) in &overrides.name {
            if site.dir_of(*lang).is_none() {
                return Err(InvalidInput::new(
                    "name",
                    "unknown_language",
                    format!("the site does not publish in “{lang}”"),
                ));
            }
            let name = text::single_line("name", name)?;
            if !text::is_visible(&name) || name.chars().count() > 100 {
                return Err(InvalidInput::new(
                    "name",
                    "invalid_site_name",
                    "a site name is 1 to 100 characters",
                ));
            }
            site.name.insert(*lang, name);
        }
        if let Some(lang) = overrides.default_language {
            site.default_language = lang;
        }
        if let Some(zone) = &overrides.time_zone {
            site.time_zone = text::single_line("time_zone", zone)?;
        }
        let limits = [
            overrides.comment_edit_minutes,
            overrides.comments_close_after_days,
            overrides.comment_max_chars,
            overrides.comment_max_links,
            overrides.comments_per_minute,
        ];
        for ((field, low, high), value) in COMMENT_LIMITS.iter().zip(limits) {
            if value.is_some_and(|v| v < *low || v > *high) {
                return Err(InvalidInput::new(
                    field,
                    "out_of_range",
                    format!("between {low} and {high}"),
                ));
            }
        }
        if let Some(minutes) = overrides.comment_edit_minutes {
            site.comment_edit_minutes = minutes;
        }
        if let Some(days) = overrides.comments_close_after_days {
            site.comments_close_after_days = (days > 0).then_some(days);
        }
        if let Some(chars) = overrides.comment_max_chars {
            site.comment_max_chars = chars;
        }
        if let Some(links) = overrides.comment_max_links {
            site.comment_max_links = links;
        }
        if let Some(rate) = overrides.comments_per_minute {
            site.comments_per_minute = rate;
        }
        if let Some(content) = overrides.feed_content {
            site.feed_content = content;
        }
        site.validate().map_err(|e| InvalidInput {
            field: e.field.trim_start_matches("site."),
            ..e
        })?;
        Ok(site)
    }

    pub fn dir_of(&self, lang: Lang) -> Option<Dir> {
        self.languages
            .iter()
            .find(|l| l.code == lang)
            .map(|l| l.dir)
    }

    pub fn language_codes(&self) -> Vec<&str> {
        self.languages.iter().map(|l| l.code.as_str()).collect()
    }

    pub fn name_in(&self, lang: Lang) -> &str {
        self.name.get(&lang).map(String::as_str).unwrap_or("khabar")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(SiteSettings::default().validate(), Ok(()));
    }

    #[test]
    fn errors_name_the_key() {
        let mut site = SiteSettings {
            default_language: Lang::parse("fr").unwrap(),
            ..SiteSettings::default()
        };
        assert_eq!(site.validate().unwrap_err().field, "site.default_language");
        site.default_language = Lang::EN;
        site.time_zone = "Mars/Olympus".into();
        assert_eq!(site.validate().unwrap_err().field, "site.time_zone");
        site.time_zone = "Asia/Beirut".into();
        site.base_url = Some("news.example".into());
        assert_eq!(site.validate().unwrap_err().field, "site.base_url");
        site.base_url = Some("https://news.example".into());
        site.name.insert(Lang::AR, "خبر\u{7}".into());
        assert_eq!(site.validate().unwrap_err().code, "control_character");
        site.name.remove(&Lang::AR);
        assert_eq!(site.validate().unwrap_err().field, "site.name");
    }

    #[test]
    fn overrides_lie_over_the_file_and_are_checked() {
        let file = SiteSettings::default();
        let overrides = SiteOverrides {
            name: BTreeMap::from([(Lang::EN, "  Harbour   Post ".to_owned())]),
            default_language: Some(Lang::EN),
            time_zone: Some("Asia/Beirut".into()),
            comments_close_after_days: Some(0),
            comment_max_chars: Some(2_000),
            feed_content: Some(FeedContent::Summary),
            ..SiteOverrides::default()
        };
        let site = file.with(&overrides).unwrap();
        assert_eq!(site.name_in(Lang::EN), "Harbour Post");
        assert_eq!(site.name_in(Lang::AR), "خبر");
        assert_eq!(site.default_language, Lang::EN);
        assert_eq!(site.time_zone, "Asia/Beirut");
        assert_eq!(site.comments_close_after_days, None);
        assert_eq!(site.comment_max_chars, 2_000);
        assert_eq!(site.feed_content, FeedContent::Summary);
        assert_eq!(site.languages, file.languages);

        let refused = |overrides: SiteOverrides| file.with(&overrides).unwrap_err();
        let zone = refused(SiteOverrides {
            time_zone: Some("Mars/Olympus".into()),
            ..SiteOverrides::default()
        });
        assert_eq!((zone.field, zone.code), ("time_zone", "unknown_time_zone"));
        let chars = refused(SiteOverrides {
            comment_max_chars: Some(50_000),
            ..SiteOverrides::default()
        });
        assert_eq!(
            (chars.field, chars.code),
            ("comment_max_chars", "out_of_range")
        );
        let name = refused(SiteOverrides {
            name: BTreeMap::from([(Lang::EN, "   ".to_owned())]),
            ..SiteOverrides::default()
        });
        assert_eq!(name.code, "invalid_site_name");
        let nul = refused(SiteOverrides {
            name: BTreeMap::from([(Lang::EN, "Harbour\0Post".to_owned())]),
            ..SiteOverrides::default()
        });
        assert_eq!((nul.field, nul.code), ("name", "control_character"));
    }
}
