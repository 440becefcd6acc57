//! The reader's site: front and section pages, articles with their
//! discussion, accounts and notifications, search, live updates, feeds and
//! sitemaps.

pub(crate) mod account;
pub(crate) mod accounts;
pub(crate) mod comments;
pub(crate) mod embed;
pub(crate) mod listing;
pub(crate) mod live;
pub(crate) mod media;
pub(crate) mod pages;
pub(crate) mod reader_page;
pub(crate) mod readers;
pub(crate) mod reads;
pub(crate) mod search;
pub(crate) mod structured_data;
pub(crate) mod syndication;
pub(crate) mod thread;
