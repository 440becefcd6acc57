//! The moderators' screens: queues, a reader's record, settings, word
//! lists and the audit log in words.

pub(crate) mod log;
pub(crate) mod pages;
