//! Who may do what in the newsroom. Authors write and revise their own
//! drafts; once an edition is scheduled or published it is the editors'.
//! Editors edit and publish anyone's and keep the sections; admins do all
//! that and manage people.

use crate::Role;

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
    fn readers_and_moderators_do_not_write_stories() {
        for role in [Role::Reader, Role::Moderator] {
            assert!(!may_write(role));
            assert!(!may_edit(role, true, false));
            assert!(!may_publish(role));
        }
    }
}
