//! The theme: templates, assets and UI translations. The default theme is
//! embedded in the binary; a theme folder on disk overrides any file of it.
//! The UI strings (`i18n`) and the mail (`letters`) are written from it.

pub(crate) mod assets;
pub mod i18n;
pub(crate) mod letters;
pub(crate) mod page;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use jiff::Timestamp;
use khabar_core::Lang;
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, Value};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use i18n::I18n;

#[derive(RustEmbed)]
#[folder = "theme/"]
struct DefaultTheme;

#[derive(Debug, Clone, Default)]
pub struct Theme {
    override_dir: Option<PathBuf>,
    /// Content hashes of assets, worked out once per file: a theme folder
    /// edited while the server runs shows its changes after a restart.
    hashes: Arc<RwLock<HashMap<String, String>>>,
}

/// Hex digits of an asset's content hash in its public name.
const ASSET_HASH_LEN: usize = 10;

impl Theme {
    pub fn new(override_dir: Option<PathBuf>) -> Theme {
        Theme {
            override_dir,
            hashes: Arc::default(),
        }
    }

    /// The public address of an asset, named by its content
    /// (`site.css` → `/assets/site.1a2b3c4d5e.css`) so that it can be
    /// cached for good: a changed file gets a new name.
    pub fn asset_url(&self, path: &str) -> String {
        match (self.asset_hash(path), path.rsplit_once('.')) {
            (Some(hash), Some((stem, extension))) => format!("/assets/{stem}.{hash}.{extension}"),
            _ => format!("/assets/{path}"),
        }
    }

    /// An asset by its public name, and whether that name carries the
    /// hash of the bytes served (an address that may be cached for good).
    pub fn asset(&self, requested: &str) -> Option<(Cow<'static, [u8]>, bool)> {
        if let Some((stem, hash, extension)) = split_hashed(requested)
            && let Some(bytes) = self.served(&format!("{stem}.{extension}"))
        {
            // Hashed again: a theme file edited on disk since its name was
            // made must not be kept for good under the old name.
            let current = content_hash(&bytes) == hash;
            return Some((bytes, current));
        }
        Some((self.served(requested)?, false))
    }

    /// An asset as served: in a stylesheet, each `url(…)` naming another
    /// asset of the theme (a font, an image) becomes that asset's
    /// content-named address, so it is cached for good too, and the
    /// sheet's own name changes when it does.
    fn served(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        let bytes = self.file(&format!("assets/{path}"))?;
        if !path.ends_with(".css") {
            return Some(bytes);
        }
        let Ok(sheet) = std::str::from_utf8(&bytes) else {
            return Some(bytes);
        };
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let rewritten = rewrite_urls(sheet, |reference| {
            // Only the theme's own files, and never another sheet: a
            // sheet naming itself would have no hash to be named by.
            let local = !reference.contains(':')
                && !reference.starts_with(['/', '#'])
                && !reference.contains(['?', '#'])
                && !reference.ends_with(".css");
            let path = match folder {
                "" => reference.to_owned(),
                folder => format!("{folder}/{reference}"),
            };
            (local && self.file(&format!("assets/{path}")).is_some()).then(|| self.asset_url(&path))
        });
        Some(Cow::Owned(rewritten.into_bytes()))
    }

    fn asset_hash(&self, path: &str) -> Option<String> {
        if let Some(hash) = self.hashes.read().ok()?.get(path) {
            return Some(hash.clone());
        }
        let hash = content_hash(&self.served(path)?);
        if let Ok(mut hashes) = self.hashes.write() {
            hashes.insert(path.to_owned(), hash.clone());
        }
        Some(hash)
    }

    /// A theme file by its path inside the theme (`templates/base.html`,
    /// `assets/site.css`); the override folder wins. Paths that try to
    /// leave the theme are refused.
    pub fn file(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        let safe = !path.is_empty()
            && path.split('/').all(|part| {
                !part.is_empty() && part != ".." && part != "." && !part.contains('\\')
            });
        if !safe {
            return None;
        }
        if let Some(dir) = &self.override_dir
            && let Ok(bytes) = std::fs::read(dir.join(path))
        {
            return Some(Cow::Owned(bytes));
        }
        DefaultTheme::get(path).map(|file| file.data)
    }
}

/// `sheet` with each `url(…)` that `replace` has an address for replaced
/// by it (quoted); the rest as written.
fn rewrite_urls(sheet: &str, replace: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(sheet.len());
    let mut rest = sheet;
    while let Some(start) = rest.find("url(") {
        let (before, after) = rest.split_at(start + "url(".len());
        out.push_str(before);
        let Some(end) = after.find(')') else {
            rest = after;
            break;
        };
        let written = &after[..end];
        let reference = written.trim().trim_matches(['"', '\'']);
        match replace(reference) {
            Some(address) => {
                out.push('"');
                out.push_str(&address);
                out.push('"');
            }
            None => out.push_str(written),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `addresses` (one, or a `srcset` list) with each `/media/` prefix
/// replaced by `base`.
fn media_at(base: &str, addresses: &str) -> String {
    addresses
        .split(", ")
        .map(|address| match address.strip_prefix("/media/") {
            Some(rest) => format!("{}/{rest}", base.trim_end_matches('/')),
            None => address.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..ASSET_HASH_LEN].to_owned()
}

/// `site.1a2b3c4d5e.css` → (`site`, `1a2b3c4d5e`, `css`).
fn split_hashed(name: &str) -> Option<(&str, &str, &str)> {
    let (rest, extension) = name.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let is_hash = hash.len() == ASSET_HASH_LEN
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    is_hash.then_some((stem, hash, extension))
}

/// The template environment with khabar's functions and filters:
/// `t(key, …)` a UI string in the page's language, `t_in(lang, key)` one in
/// another language, `date`/`datetime` for times, `markdown` for story
/// bodies, `comment_body` for a comment body shown alone, `media` for a
/// `/media/…` address or `srcset` (to `media_base`, the public bucket or
/// CDN, when media are served from there).
pub fn environment(
    theme: Theme,
    i18n: Arc<I18n>,
    media_base: Option<String>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.add_filter("media", move |addresses: &str| match &media_base {
        Some(base) => media_at(base, addresses),
        None => addresses.to_owned(),
    });
    env.set_formatter(escape_for_html);
    let assets = theme.clone();
    env.add_function("asset", move |path: &str| assets.asset_url(path));
    env.set_loader(move |name| {
        Ok(theme
            .file(&format!("templates/{name}"))
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    });
    let strings = i18n.clone();
    env.add_function("t", move |state: &State, key: &str, kwargs: Kwargs| {
        let lang = page_lang(state)?;
        let args = fluent_args(&kwargs)?;
        Ok(strings.message(lang, key, Some(&args)))
    });
    let strings = i18n.clone();
    env.add_function("t_in", move |lang: &str, key: &str, kwargs: Kwargs| {
        let lang =
            Lang::parse(lang).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.message))?;
        let args = fluent_args(&kwargs)?;
        Ok(strings.message(lang, key, Some(&args)))
    });
    let dates = i18n.clone();
    env.add_filter(
        "date",
        move |state: &State, at: &str| -> Result<String, Error> {
            Ok(dates.date(page_lang(state)?, parse_time(at)?))
        },
    );
    let dates = i18n;
    env.add_filter(
        "datetime",
        move |state: &State, at: &str| -> Result<String, Error> {
            Ok(dates.date_time(page_lang(state)?, parse_time(at)?))
        },
    );
    env.add_filter("markdown", |body: &str| {
        Value::from_safe_string(khabar_text::render_article(body))
    });
    // For lists of a reader's comments, which do not load their mentions:
    // the body in its own direction, rendered once.
    env.add_filter("comment_body", |body: &str| {
        let rendered = khabar_text::comment::render_comment(body, &[], |_| String::new());
        Value::from_safe_string(format!(
            "<div class=\"comment-body\" dir=\"{}\">{}</div>",
            rendered.dir.as_str(),
            rendered.html
        ))
    });
    env.add_filter("reading_minutes", |body: &str| {
        body.split_whitespace().count().div_ceil(200).max(1) as u64
    });
    env
}

/// Escapes `&<>"'` only. minijinja's default also escapes `/`, which is
/// safe but turns every URL in the page source into `&#x2f;` soup.
fn escape_for_html(out: &mut minijinja::Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_safe() || matches!(state.auto_escape(), minijinja::AutoEscape::None) {
        return minijinja::escape_formatter(out, state, value);
    }
    out.write_str(&escape_html(&value.to_string()))
        .map_err(Error::from)
}

/// Text as the templates escape it.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn page_lang(state: &State) -> Result<Lang, Error> {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| Lang::parse(s).ok()))
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "the page has no `lang`"))
}

fn parse_time(at: &str) -> Result<Timestamp, Error> {
    at.parse()
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("not a timestamp: {e}")))
}

fn fluent_args(kwargs: &Kwargs) -> Result<fluent_bundle::FluentArgs<'static>, Error> {
    let mut args = fluent_bundle::FluentArgs::new();
    for key in kwargs.args() {
        let value: Value = kwargs.get(key)?;
        if let Some(n) = value.as_i64() {
            args.set(key.to_owned(), n);
        } else {
            args.set(key.to_owned(), value.to_string());
        }
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_folder_overrides_embedded_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/site.css"), "body { color: teal }").unwrap();
        let theme = Theme::new(Some(dir.path().to_owned()));
        assert_eq!(
            theme.file("assets/site.css").unwrap().as_ref(),
            b"body { color: teal }"
        );
        // Files the folder lacks still come from the embedded theme.
        assert!(theme.file("templates/base.html").is_some());
    }

    #[test]
    fn assets_are_named_by_their_content() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/site.css"), "body { color: teal }").unwrap();
        let theme = Theme::new(Some(dir.path().to_owned()));
        let url = theme.asset_url("site.css");
        let name = url.strip_prefix("/assets/").unwrap();
        assert!(
            name.starts_with("site.") && name.ends_with(".css") && name.len() == 19,
            "{url}"
        );
        let (bytes, current) = theme.asset(name).unwrap();
        assert_eq!(bytes.as_ref(), b"body { color: teal }");
        assert!(current);
        // An old hash still finds the file, but not as a name to keep.
        assert!(!theme.asset("site.0123456789.css").unwrap().1);
        assert!(!theme.asset("site.css").unwrap().1);
        assert!(theme.asset("missing.0123456789.css").is_none());
        // Edited on disk while running: the old name no longer promises
        // these bytes.
        std::fs::write(dir.path().join("assets/site.css"), "body { color: navy }").unwrap();
        let (bytes, current) = theme.asset(name).unwrap();
        assert_eq!(bytes.as_ref(), b"body { color: navy }");
        assert!(!current);
        assert_eq!(theme.asset_url("missing.css"), "/assets/missing.css");
    }

    #[test]
    fn stylesheets_name_their_fonts_by_content() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets/fonts")).unwrap();
        std::fs::write(dir.path().join("assets/fonts/a.woff2"), "font bytes").unwrap();
        std::fs::write(
            dir.path().join("assets/site.css"),
            "@font-face { src: url(fonts/a.woff2) format(\"woff2\"), url('fonts/gone.woff2'), url(data:x) }",
        )
        .unwrap();
        let theme = Theme::new(Some(dir.path().to_owned()));
        let font = theme.asset_url("fonts/a.woff2");
        assert!(
            font.starts_with("/assets/fonts/a.") && font.ends_with(".woff2"),
            "{font}"
        );
        let sheet = theme.asset_url("site.css");
        let (bytes, current) = theme
            .asset(sheet.strip_prefix("/assets/").unwrap())
            .unwrap();
        assert!(current);
        assert_eq!(
            String::from_utf8(bytes.into_owned()).unwrap(),
            format!(
                "@font-face {{ src: url(\"{font}\") format(\"woff2\"), url('fonts/gone.woff2'), url(data:x) }}"
            )
        );
        // The embedded theme's fonts are named so as well.
        let embedded = Theme::default();
        let (css, _) = embedded.asset("site.css").unwrap();
        let css = String::from_utf8(css.into_owned()).unwrap();
        assert!(css.contains(&embedded.asset_url("fonts/noto-naskh-arabic-regular.woff2")));
    }

    #[test]
    fn paths_cannot_leave_the_theme() {
        let theme = Theme::default();
        for path in [
            "",
            "../Cargo.toml",
            "assets/../../x",
            "/etc/passwd",
            "assets//site.css",
            "assets\\..\\x",
        ] {
            assert!(theme.file(path).is_none(), "{path}");
        }
    }
}
