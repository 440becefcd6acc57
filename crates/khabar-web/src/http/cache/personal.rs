//! A signed-in reader's page made from one render that every plain
//! reader of the address shares. That render is drawn for a stand-in
//! reader whose CSRF token, name and notification count are random
//! markers; each reader's page is the shared bytes with their own values
//! put in place of the markers. The markers are made fresh at every start
//! and never sent, so no text a reader writes can contain them.

use aho_corasick::AhoCorasick;
use khabar_core::secret::Secret;

pub(crate) struct StandIns {
    pub(crate) csrf_token: String,
    pub(crate) display_name: String,
    pub(crate) bell: String,
    finder: Option<AhoCorasick>,
}

/// What one reader's page puts in place of the markers, HTML-escaped
/// where the template would escape.
pub(crate) struct ReaderValues<'a> {
    pub(crate) csrf_token: &'a str,
    pub(crate) display_name: &'a str,
    pub(crate) bell: &'a str,
}

impl StandIns {
    pub(crate) fn new() -> StandIns {
        // Without randomness the markers could be guessed: no sharing.
        let marker = |name: &str| {
            Secret::generate(&format!("khabar-{name}-"))
                .map(|secret| secret.token)
                .ok()
        };
        let (Some(csrf_token), Some(display_name), Some(bell)) =
            (marker("csrf"), marker("name"), marker("bell"))
        else {
            return StandIns {
                csrf_token: String::new(),
                display_name: String::new(),
                bell: String::new(),
                finder: None,
            };
        };
        let finder = AhoCorasick::new([&csrf_token, &display_name, &bell]).ok();
        StandIns {
            csrf_token,
            display_name,
            bell,
            finder,
        }
    }

    /// Whether pages may be shared at all.
    pub(crate) fn usable(&self) -> bool {
        self.finder.is_some()
    }

    /// The shared page with one reader's values in place.
    pub(crate) fn fill(&self, shared: &[u8], values: &ReaderValues) -> Option<Vec<u8>> {
        let finder = self.finder.as_ref()?;
        let replacements = [values.csrf_token, values.display_name, values.bell];
        Some(finder.replace_all_bytes(shared, &replacements))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_everywhere_and_only_there() {
        let stand_ins = StandIns::new();
        assert!(stand_ins.usable());
        let shared = format!(
            "<a>{name}</a><i>{bell}</i><input value=\"{csrf}\"><input value=\"{csrf}\"><p>khabar-csrf- typed by a reader</p>",
            name = stand_ins.display_name,
            bell = stand_ins.bell,
            csrf = stand_ins.csrf_token,
        );
        let filled = stand_ins
            .fill(
                shared.as_bytes(),
                &ReaderValues {
                    csrf_token: "t0k",
                    display_name: "سارة &amp; Sam",
                    bell: "2 new",
                },
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(filled).unwrap(),
            "<a>سارة &amp; Sam</a><i>2 new</i><input value=\"t0k\"><input value=\"t0k\"><p>khabar-csrf- typed by a reader</p>"
        );
        // Every start has its own markers.
        assert_ne!(StandIns::new().csrf_token, stand_ins.csrf_token);
    }
}
