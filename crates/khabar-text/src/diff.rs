//! What changed between two versions of a text, line by line, with the
//! changed words of a changed line marked: the revision history's view.

/// Whether a line stayed, went or came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Removed => "removed",
            Change::Added => "added",
        }
    }
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: Change,
    /// The line in pieces; `true` marks words that changed within it.
    pub parts: Vec<(bool, String)>,
}

/// The lines of `old` and `new` with what changed; unchanged stretches
/// longer than `context` lines on each side of a change are left out
/// (`None` marks a gap).
pub fn lines(old: &str, new: &str, context: usize) -> Vec<Option<DiffLine>> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old, new);
    let mut out = Vec::new();
    for (index, group) in diff.grouped_ops(context).iter().enumerate() {
        if index > 0 {
            out.push(None);
        }
        for op in group {
            for change in diff.iter_inline_changes(op) {
                let kind = match change.tag() {
                    similar::ChangeTag::Equal => Change::Same,
                    similar::ChangeTag::Delete => Change::Removed,
                    similar::ChangeTag::Insert => Change::Added,
                };
                let parts = change
                    .iter_strings_lossy()
                    .map(|(emphasized, text)| (emphasized, text.trim_end_matches('\n').to_owned()))
                    .filter(|(_, text)| !text.is_empty())
                    .collect();
                out.push(Some(DiffLine {
                    change: kind,
                    parts,
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[Option<DiffLine>]) -> Vec<String> {
        lines
            .iter()
            .map(|line| match line {
                None => "…".to_owned(),
                Some(line) => {
                    let sign = match line.change {
                        Change::Same => ' ',
                        Change::Removed => '-',
                        Change::Added => '+',
                    };
                    let text: String = line
                        .parts
                        .iter()
                        .map(|(marked, t)| if *marked { format!("[{t}]") } else { t.clone() })
                        .collect();
                    format!("{sign}{text}")
                }
            })
            .collect()
    }

    #[test]
    fn a_changed_word_is_marked_within_its_line() {
        let old = "الجملة الأولى\nقال الوزير إن الانتخابات ستجري في موعدها\nالخاتمة";
        let new = "الجملة الأولى\nقال الوزير إن الانتخابات ستتأجل\nالخاتمة";
        let out = render(&lines(old, new, 3));
        assert_eq!(out[0], " الجملة الأولى");
        assert!(out[1].starts_with("-قال الوزير إن الانتخابات ["), "{out:?}");
        assert!(out[2].starts_with("+قال الوزير إن الانتخابات ["), "{out:?}");
        assert!(out[2].contains("ستتأجل"), "{out:?}");
        assert_eq!(out[3], " الخاتمة");
    }

    #[test]
    fn long_unchanged_stretches_become_gaps() {
        let old: String = (1..=20).map(|n| format!("line {n}\n")).collect();
        let new = old
            .replace("line 2\n", "line two\n")
            .replace("line 19\n", "line nineteen\n");
        let out = render(&lines(&old, &new, 1));
        assert!(out.contains(&"…".to_owned()), "{out:?}");
        assert!(out.contains(&"+line [two]".to_owned()), "{out:?}");
        assert!(!out.contains(&" line 10".to_owned()), "{out:?}");
    }

    #[test]
    fn the_same_text_has_no_changes() {
        assert!(lines("a\nb", "a\nb", 3).is_empty());
    }
}
