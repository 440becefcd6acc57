//! An export read into a small element tree: WXR and Disqus files are a
//! few records deep, and their readers look things up by name.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::ImportError;

/// An element: its qualified name (`wp:post_id`), attributes, children
/// and its own text (CDATA included), entities resolved.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Element {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<Element>,
    pub(super) text: String,
}

impl Element {
    /// The first child named `name`.
    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`, trimmed; empty if none.
    pub(super) fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.trim())
    }

    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The document's root element.
pub(super) fn parse(xml: &str) -> Result<Element, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    let malformed = |e: &dyn std::fmt::Display, at: u64| {
        ImportError::Malformed(format!("XML at byte {at}: {e}"))
    };
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| malformed(&e, at))?;
        match event {
            Event::Start(start) => stack.push(element(&start).map_err(|e| malformed(&e, at))?),
            Event::Empty(start) => {
                let empty = element(&start).map_err(|e| malformed(&e, at))?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(empty);
                }
            }
            Event::End(_) => {
                let done = stack.pop();
                match (done, stack.last_mut()) {
                    (Some(done), Some(parent)) => parent.children.push(done),
                    _ => return Err(malformed(&"a closing tag without its opening tag", at)),
                }
            }
            Event::Text(text) => {
                let text = text.xml10_content().map_err(|e| malformed(&e, at))?;
                push_text(&mut stack, &text);
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| malformed(&e, at))?;
                push_text(&mut stack, &text);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| malformed(&e, at))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().map_err(|e| malformed(&e, at))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| malformed(&format!("unknown entity &{name};"), at))?
                            .to_owned()
                    }
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    let mut document = stack
        .pop()
        .filter(|_| stack.is_empty())
        .ok_or_else(|| ImportError::Malformed("XML: the file ends inside an element".to_owned()))?;
    document
        .children
        .pop()
        .filter(|_| document.children.is_empty())
        .ok_or_else(|| ImportError::Malformed("XML: not one root element".to_owned()))
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(open) = stack.last_mut() {
        open.text.push_str(text);
    }
}

fn element(start: &BytesStart<'_>) -> Result<Element, quick_xml::Error> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        attrs.push((key, attr.unescape_value()?.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        ..Element::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_attributes_cdata_and_entities() {
        let root = parse(
            r#"<?xml version="1.0"?><rss xmlns:wp="x"><wp:a k="1 &amp; 2">x &lt; y<![CDATA[ <b>z</b>]]>&#1575;</wp:a><e/></rss>"#,
        )
        .unwrap();
        assert_eq!(root.name, "rss");
        let a = root.child("wp:a").unwrap();
        assert_eq!(a.attr("k"), Some("1 & 2"));
        assert_eq!(a.text, "x < y <b>z</b>ا");
        assert!(root.child("e").is_some());
    }

    #[test]
    fn refuses_broken_files() {
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
        assert!(parse("<a>&nope;</a>").is_err());
    }
}
