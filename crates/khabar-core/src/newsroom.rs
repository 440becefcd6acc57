//! Who may do what in the newsroom. Authors write and revise their own
//! drafts; once an edition is scheduled or published it is the editors'.
//! Editors edit and publish anyone's and keep the sections; admins do all
//! that and manage people.

use crate::{InvalidInput, Role, text};

/// Longest name of a section, tag or byline, and longest alt text or
/// caption of an image.
pub const MAX_LABEL_CHARS: usize = 300;
/// Longest biography of a byline.
pub const MAX_BIO_CHARS: usize = 5_000;

/// The name of a section, tag or byline in one language: a visible line.
pub fn label(field: &'static str, name: &str) -> Result<String, InvalidInput> {
    let name = text::line(field, name, MAX_LABEL_CHARS)?;
    if text::is_visible(&name) {
        Ok(name)
    } else {
        Err(InvalidInput::new(field, "required", "a name is required"))
    }
}

/// A byline's biography.
pub fn bio(bio: &str) -> Result<String, InvalidInput> {
    text::lines("bio", bio, MAX_BIO_CHARS)
}

/// May start a story (as a draft).
pub fn may_write(role: Role) -> bool {
    matches!(role, Role::Author | Role::Editor | Role::Admin)
}

/// May change an edition: `own` when the account is in its byline,
/// `past_draft` once it is scheduled, published or taken down.
pub fn may_edit(role: Role, own: bool, past_draft: bool) -> bool {
    match role {
        Role::Editor | Role::Admin => true,
        Role::Author => own && !past_draft,
        Role::Reader | Role::Moderator => false,
    }
}

/// May publish, schedule and unpublish.
pub fn may_publish(role: Role) -> bool {
    matches!(role, Role::Editor | Role::Admin)
}

/// May create sections, tags and bylines.
pub fn may_keep_sections(role: Role) -> bool {
    matches!(role, Role::Editor | Role::Admin)
}

/// May change other people's roles and the site's settings.
pub fn may_manage_people(role: Role) -> bool {
    role == Role::Admin
}

/// What an edition lacks that readers expect of a published story, as
/// codes (`no_byline`, `no_hero_image`). Editors are warned before and
/// after publishing; nothing is refused, since a brief may go out bare.
pub fn publish_warnings(has_byline: bool, has_hero_image: bool) -> Vec<&'static str> {
    let mut warnings = Vec::new();
    if !has_byline {
        warnings.push("no_byline");
    }
    if !has_hero_image {
        warnings.push("no_hero_image");
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_keep_to_their_own_drafts() {
        assert!(may_edit(Role::Author, true, false));
        assert!(!may_edit(Role::Author, true, true));
        assert!(!may_edit(Role::Author, false, false));
        assert!(!may_publish(Role::Author));
        assert!(may_write(Role::Author));
    }

    #[test]
    fn editors_and_admins_run_the_desk() {
        for role in [Role::Editor, Role::Admin] {
            assert!(may_edit(role, false, true));
            assert!(may_publish(role));
            assert!(may_keep_sections(role));
        }
        assert!(!may_manage_people(Role::Editor));
        assert!(may_manage_people(Role::Admin));
    }

    #[test]
    fn names_are_visible_lines() {
        assert_eq!(label("names", "  World \n news ").unwrap(), "World news");
        assert_eq!(label("names", "\u{200B}").unwrap_err().code, "required");
        assert_eq!(
            label("names", "a\0b").unwrap_err().code,
            "control_character"
        );
        assert_eq!(bio("one\r\ntwo").unwrap(), "one\ntwo");
        assert_eq!(bio("\u{7}").unwrap_err().field, "bio");
    }

    #[test]
    fn bare_stories_warn() {
        assert!(publish_warnings(true, true).is_empty());
        assert_eq!(publish_warnings(false, true), ["no_byline"]);
        assert_eq!(
            publish_warnings(false, false),
            ["no_byline", "no_hero_image"]
        );
    }

    #[test]
    fn readers_and_moderators_do_not_write_stories() {
        for role in [Role::Reader, Role::Moderator] {
            assert!(!may_write(role));
            assert!(!may_edit(role, true, false));
            assert!(!may_publish(role));
        }
    }
}
