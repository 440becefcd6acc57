//! `spawn_app`: the real khabar node on port 0 over a fresh database.

#![allow(dead_code)]

use khabar::{Config, Server};
use khabar_testkit::TestDatabase;

pub async fn spawn_app(db: &TestDatabase, demo: bool) -> Server {
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: db.dir().to_owned(),
        database_url: Some(db.url().to_owned()),
        ..Config::default()
    };
    Server::start(config, demo)
        .await
        .expect("the server starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// GETs `path` and returns (status, body).
pub async fn get(server: &Server, path: &str) -> (u16, String) {
    let response = client()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .expect("a response");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The `lang` and `dir` of a page's `<html>` element.
pub fn html_lang_dir(html: &str) -> (String, String) {
    let start = html.find("<html").expect("an <html> element");
    let tag = &html[start..start + html[start..].find('>').expect("a closed tag")];
    (
        attribute(tag, "lang").unwrap_or_default(),
        attribute(tag, "dir").unwrap_or_default(),
    )
}

/// `(hreflang, href)` of every `<link rel="alternate" hreflang>`.
pub fn alternates(html: &str) -> Vec<(String, String)> {
    html.match_indices("<link rel=\"alternate\" hreflang=")
        .map(|(start, _)| {
            let tag = &html[start..start + html[start..].find('>').unwrap()];
            (
                attribute(tag, "hreflang").unwrap(),
                attribute(tag, "href").unwrap(),
            )
        })
        .collect()
}

/// The value of attribute `name` in an HTML start tag.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].replace("&amp;", "&"))
}

/// The path part of an absolute URL on the server.
pub fn path_of(server: &Server, url: &str) -> String {
    url.strip_prefix(server.base_url())
        .unwrap_or(url)
        .to_owned()
}
