//! khabar's domain: values that are valid by construction, the entities of
//! a bilingual newsroom, site settings and the events others follow.

pub mod comment;
pub mod error;
pub mod event;
pub mod lang;
pub mod moderation;
pub mod newsroom;
pub mod password;
pub mod scope;
pub mod secret;
pub mod site;
pub mod slug;
pub mod story;
pub mod text;
pub mod user;
pub mod webhook;

pub use comment::{CommentBody, CommentSort, CommentStatus, ReportReason};
pub use error::InvalidInput;
pub use event::EventKind;
pub use lang::{Dir, Lang};
pub use scope::{Scope, Scopes};
pub use site::{FeedContent, LanguageSettings, SiteOverrides, SiteSettings};
pub use slug::Slug;
pub use story::{
    CommentMode, EditionContent, EditionInput, EditionStatus, HeroImage, StatusChange,
    change_status,
};
pub use user::{DisplayName, Email, Role, Username};
