# UI strings for English pages. PLURAL() picks the CLDR plural form (via
# ICU4X); DIGITS() writes a number in this language's own digits.

language-name = English
read-this-story = Read this story in English

site-description = News from our newsroom, in Arabic and English.
footer-tagline = independent news in Arabic and English.
skip-to-content = Skip to content
nav-home = Front page
nav-sections = Sections
nav-languages = Other languages
latest = Latest
no-stories = There are no stories here yet.
list-separator = {", "}

list-kind-section = Section
list-kind-tag = Topic
list-kind-author = Author

byline = By
published = Published
updated = Updated
tags = Topics
reading-time = { PLURAL($minutes) ->
    [one] { DIGITS($minutes) }-minute read
   *[other] { DIGITS($minutes) }-minute read
}

pager = Pages
page-number = Page { DIGITS($page) }
page-newer = Newer stories
page-older = Older stories

error-400-title = That request could not be understood
error-400-body = Something in the address is not right. Check it, or start again from the front page.
error-404-title = Page not found
error-404-body = This page does not exist, or the story was taken down.
error-500-title = Something went wrong on our side
error-500-body = The problem has been logged. Please try again in a moment.
error-back-home = Go to the front page

nav-account = Your account
sign-in = Sign in
sign-up = Create an account
sign-out = Sign out
sign-in-title = Sign in
sign-up-title = Create an account
sign-up-intro = An account lets you comment on stories and follow replies.
have-account = Already have an account?
no-account = New here?
field-username = Username
field-username-hint = Letters, digits, “_”, “.” and “-”; Arabic or Latin letters, not both.
field-display-name = Name shown with your comments
field-email = Email address
field-password = Password
field-password-hint = At least 10 characters. A phrase of several words is easy to remember and hard to guess.
field-login = Username or email address
account-title = Your account
account-joined = Joined
sessions-title = Where you are signed in
session-this-one = This browser
session-end = Sign out there
session-last-seen = last active
session-unknown-browser = Unknown browser

form-error-invalid = Please check this field.
form-error-username_too_short = A username needs at least 3 characters.
form-error-username_too_long = A username has at most 32 characters.
form-error-username_bad_character = Use only letters, digits, “_”, “.” and “-” — no spaces, symbols or emoji.
form-error-username_mixed_direction = Use Arabic letters or Latin letters in a username, not both.
form-error-username_mixed_script = Use the letters of one alphabet in a username, not look-alikes from another.
form-error-username_stacked_marks = Too many accents on one letter of this username.
form-error-display_name_stacked_marks = Too many accents on one letter of this name.
form-error-control_character = Remove the invisible control character from this field.
form-error-username_reserved = That name is reserved. Please choose another.
form-error-username_taken = That username — or one that looks just like it — is taken. Please choose another.
form-error-display_name_empty = Please give the name to show with your comments.
form-error-display_name_too_long = That name is too long: at most 60 characters.
form-error-invalid_email = That is not an email address.
form-error-email_taken = An account already uses that email address. Sign in instead, or reset your password.
form-error-password_too_short = A password needs at least 10 characters.
form-error-password_too_long = A password has at most 256 characters.
form-error-password_too_common = That password is too easy to guess. Please choose another.
form-error-wrong_credentials = That username or password is not right.

error-403-title = This request was refused
error-403-body = The form had expired or did not come from this site. Go back, reload the page and try again.
error-429-title = Too many attempts
error-429-body = Please wait { DIGITS($minutes) } { PLURAL($minutes) ->
    [one] minute
   *[other] minutes
} before trying again.

error-413-title = That was too much to send
error-413-body = What you sent is larger than this site accepts. Shorten it and try again.

email-unverified = not yet confirmed
field-current-password = Current password
field-new-password = New password
field-new-email = New email address
change-password-title = Change your password
change-password = Change password
change-email-title = Change your email address
change-email = Change email address
your-data-title = Your data
export-data = Download everything we keep about you (JSON)
delete-account-explain = Deleting your account removes your name, email and password for good. Your comments stay, shown as written by a deleted account.
delete-account = Delete my account
account-changed-password = Your password was changed. You were signed out everywhere else.
account-changed-email = Your email address was changed. We sent a link to confirm it.
form-error-wrong_password = Your current password is not right.
form-error-link_invalid = This link has expired or was already used.
reset-title = Forgot your password?
reset-intro = Give the email address of your account and we will send a link to choose a new password.
reset-send = Send the link
reset-choose-title = Choose a new password
reset-save = Save the new password
reset-sent-title = Check your email
reset-sent-body = If an account uses that address, a link to choose a new password is on its way. It works for one hour.
password-changed-title = Your password was changed
password-changed-body = You were signed out everywhere. Sign in with your new password.
email-verified-title = Your email address is confirmed
email-verified-body = Thank you. You can now take part in the discussion.
link-invalid-title = This link no longer works
link-invalid-body = It has expired or was already used. You can ask for a new one.
account-deleted-title = Your account was deleted
account-deleted-body = Your name, email and password are gone. Thank you for reading.
forgot-password = Forgot your password?
email-verify-subject = Confirm your email address for { $site }
email-verify-intro = Hello { $name }, please confirm that this address is yours by opening the link below.
email-verify-action = Confirm my email address
email-reset-subject = Choose a new password for { $site }
email-reset-intro = Hello { $name }, someone — we hope you — asked to reset your password. The link works for one hour.
email-reset-action = Choose a new password
email-invitation-subject = Your account on { $site }
email-invitation-intro = Hello { $name }, your newsroom's archive has moved to { $site }, and your stories came with it under an account for you. Choose a password to sign in; the link works for seven days.
email-invitation-action = Choose my password
email-signup-attempt-subject = Someone tried to sign up to { $site } with your address
email-signup-attempt-intro = Hello { $name }, someone tried to create an account on { $site } with this email address, which already has yours. If it was you, sign in instead; if you forgot your password, the sign-in page lets you choose a new one.
email-signup-attempt-action = Sign in
email-footer = If you did not ask for this, you can ignore this message; nothing will change.
email-webhook-disabled-subject = A webhook endpoint of { $site } was switched off
email-webhook-disabled-intro = The webhook endpoint { $name } kept failing for a day and has been switched off. Its undelivered messages are kept for a week: once it answers again, switch it on and replay them from the webhooks screen.
email-webhook-disabled-action = Open the webhooks screen
email-webhook-disabled-footer = You receive this because you are an administrator of { $site }.

tokens-title = Access tokens for the API
tokens-none = You have no access tokens.
token-last-used = last used
token-never-used = never
token-revoke = Revoke

comments-count = { PLURAL($count) ->
    [zero] No comments yet
    [one] { DIGITS($count) } comment
   *[other] { DIGITS($count) } comments
}
comments-sort = Order of comments
comments-sort-oldest = Oldest first
comments-sort-newest = Newest first
comments-sort-liked = Most liked
comments-closed = Comments on this story are closed.
comments-sign-in = Sign in to join the discussion
comments-write = Your comment
comments-post = Post
comments-reply = Reply
comments-edit = Edit
comments-save = Save
comments-delete = Delete
comments-edited = edited
comments-deleted = This comment was deleted.
comments-replying-to = replying to
comments-like = Like
comments-likes = { PLURAL($count) ->
    [one] { DIGITS($count) } like
   *[other] { DIGITS($count) } likes
}
comments-report = Report
comments-report-reason = Why?
comments-report-note = A note for the moderators (optional)
comments-report-send = Send the report
comments-previous = Earlier comments
comments-next = More comments
report-reason-offensive = Offensive
report-reason-abusive = Abusive or threatening
report-reason-spam = Spam
report-reason-other = Something else
error-422-title = That could not be done
error-422-body = Please check what you sent and try again.
error-rejected-comments_closed = Comments on this story are closed.
error-rejected-comment_empty = Write something before posting.
error-rejected-comment_too_long = A comment has at most 5,000 characters.
error-rejected-not_your_comment = Only its author can change a comment.
error-rejected-edit_window_closed = The time for editing this comment has passed.
error-rejected-already_reported = You have already reported this comment. Thank you.
error-rejected-unknown_reason = Please choose a reason for the report.

profile-kicker = Reader
profile-comments = Comments
profile-no-comments = No comments yet.
notifications-title = Notifications
notifications-link = { PLURAL($count) ->
    [zero] Notifications
   *[other] Notifications ({ DIGITS($count) })
}
notifications-mark-read = Mark all as read
notifications-none = Nothing new. Replies to your comments and mentions of you appear here.
notification-reply = { $name } replied to your comment
notification-mention = { $name } mentioned you
deleted-account = A deleted account

email-preference-title = Email about replies and mentions
email-preference-legend = Send me an email
email-preference-immediately = as each one happens
email-preference-daily = once a day, as a digest
email-preference-never = never
unsubscribed-title = No more emails
unsubscribed-body = You will no longer get email about replies and mentions. You can change this on your account page.
email-notifications-subject = { PLURAL($count) ->
    [one] Something new for you on { $site }
   *[other] { DIGITS($count) } new things for you on { $site }
}
email-notifications-intro = Hello { $name }, here is what happened in the discussions you take part in:
email-notifications-action = Open the discussion
email-notifications-footer = To stop these emails, open:
email-notification-reply = { $name } replied to your comment on “{ $story }”
email-notification-mention = { $name } mentioned you on “{ $story }”
error-rejected-too_many_links = That comment has too many links.
error-rejected-duplicate_comment = You posted this comment already.
error-rejected-suspended = Your account may not post comments for now.
comments-featured = Featured

# Moderation
comments-redacted = Removed by a moderator
comments-held = Awaiting review — only you can see this
comments-warned = A moderator sent you a warning. Read it and acknowledge it to comment again:
comments-warning-ack = I have read this
notification-rejected = A moderator removed your comment
email-notification-rejected = A moderator removed your comment on “{ $story }”
error-rejected-banned = This account may no longer post comments.
error-rejected-warning_unacknowledged = Please read and acknowledge the moderators' warning first.
error-rejected-comment_rejected = This comment breaks the community rules and was not published.
error-rejected-unknown_reject_reason = Choose one of the listed reasons.
mod-title = Moderation
mod-queues = Queues
mod-log = Audit log
mod-settings = Word lists and settings
mod-count = { DIGITS($count) }
mod-queue-pending = Pending
mod-queue-reported = Reported
mod-queue-flagged = Flagged
mod-queue-approved = Approved
mod-queue-rejected = Rejected
mod-queue-empty = Nothing here. Well done.
mod-fresh = New comments arrived — reload
mod-filter-section = Section
mod-filter-language = Language
mod-filter-reason = Reason
mod-filter-order = Order
mod-filter-any = Any
mod-filter-apply = Apply
mod-order-oldest = Oldest first
mod-order-newest = Newest first
mod-keys-hint = Keys: j/k move · a approve · r reject · f feature · b b ban · ? help
mod-keys-title = Keyboard shortcuts
mod-keys-move = next / previous comment
mod-keys-ban = ban the author (press twice)
mod-ban-confirm = Press b again to ban @{name} and reject their comments
mod-failed = That did not work; reload and try again.
mod-bulk = With the selected comments:
mod-select = Select
mod-approve = Approve
mod-reject = Reject
mod-feature = Feature
mod-key-approve = a
mod-key-reject = r
mod-key-feature = f
mod-reader = Reader's history
mod-reported = Reported
mod-previous = Previous page
mod-next = Next page
mod-none = None yet.
mod-reason-banned_word = Banned word
mod-reason-suspect_word = Suspect word
mod-reason-link = Link
mod-reason-repeated_text = Same text posted again
mod-reason-new_commenter = New commenter
mod-reason-rejection_rate = Many rejected comments
mod-reason-user_pre_moderated = Reader under pre-moderation
mod-reason-pre_moderated = Pre-moderated thread
mod-reason-staff = Staff
mod-reason-too_long = Too long
mod-reason-too_many_links = Too many links
mod-reason-thread_closed = Thread closed
mod-reason-offensive = Offensive
mod-reason-abusive = Abusive
mod-reason-spam = Spam
mod-reason-off_topic = Off topic
mod-reason-personal_attack = Personal attack
mod-reason-other = Other
mod-phase-checks = checks
mod-phase-staff = staff
mod-phase-banned_words = banned words
mod-phase-suspect_words = suspect words
mod-phase-links = links
mod-phase-repeats = repeats
mod-phase-new_commenter = new commenter
mod-phase-rejection_rate = rejection rate
mod-phase-pre_moderation = pre-moderation
mod-log-pipeline = Automatic
mod-log-search = Search the log
mod-log-action-approve = approved
mod-log-action-flag = flagged
mod-log-action-hold = held
mod-log-action-reject = rejected
mod-log-action-feature = featured
mod-log-action-unfeature = stopped featuring
mod-log-action-redact = redacted
mod-log-action-warn = warned
mod-log-action-suspend = suspended
mod-log-action-unsuspend = lifted the suspension of
mod-log-action-ban = banned
mod-log-action-unban = lifted the ban of
mod-log-action-shadow_ban = shadow-banned
mod-log-action-unshadow = lifted the shadow ban of
mod-log-action-pre_moderate = put under pre-moderation
mod-log-action-stop_pre_moderating = stopped pre-moderating
mod-log-action-note = added a note on
mod-log-action-limit_sections = limited to sections
mod-log-action-warning_acknowledged = acknowledged a warning
mod-log-action-word_list_updated = updated a word list
mod-log-action-settings_updated = changed settings
mod-log-action-policy_updated = changed the policy
mod-standing-banned = Banned
mod-standing-shadow = Shadow-banned
mod-standing-premod = Pre-moderated
mod-standing-suspended = Suspended until
mod-standing-warned = Warning not yet acknowledged
mod-history-approved = Published comments
mod-history-pending = Held comments
mod-history-rejected = Rejected comments
mod-history-reports = Reports against them
mod-actions = Actions
mod-warn = Warn
mod-note = Moderator note (moderators only)
mod-note-add = Add note
mod-notes = Notes
mod-suspend = Suspend
mod-unsuspend = Lift suspension
mod-hours = { PLURAL($count) ->
    [one] { DIGITS($count) } hour
   *[other] { DIGITS($count) } hours
}
mod-ban = Ban
mod-unban = Lift ban
mod-ban-reject-all = and reject all their comments
mod-shadow-ban = Shadow-ban
mod-unshadow = Lift shadow ban
mod-premod = Pre-moderate
mod-stop-premod = Stop pre-moderating
mod-settings-limited = You moderate some sections only: site-wide settings are set by moderators of the whole site, and the word lists below are read-only for you.
mod-set-premod = Pre-moderate every thread (hold each comment for review)
mod-set-closed = Close every thread
mod-set-message = Message shown above every thread
mod-set-suspect = Comments with a suspect word are
mod-set-suspect-hold = held for review
mod-set-suspect-flag = published and flagged
mod-set-links = Hold comments with links
mod-set-new = Hold a reader's comments until this many were approved (0: off)
mod-set-rate = Hold a reader's comments when more than this share (%) of their recent ones were rejected (0: off)
mod-set-rate-min = …once they have at least this many recent comments
mod-word-lists = Word lists
mod-word-lists-hint = One term a line. Whole words by default; start a line with * to match it inside words too, or with ~ to catch every form of the word (plurals, broken plurals such as كلب/كلاب, the article and attached words, English endings). Diacritics, letter variants, look-alike letters, spacing tricks and repeated letters are all caught.
mod-list-banned = Banned (rejected)
mod-list-suspect = Suspect (held or flagged)
mod-lang-ar = Arabic
mod-lang-en = English
mod-scope-site = the whole site
mod-scope-section = this section
mod-scope-story = this story
mod-scope-pre_moderated = Pre-moderate
mod-scope-closed = Close comments
mod-inherit = As above (site or section)
mod-yes = Yes
mod-no = No
mod-sections = Sections
mod-this-thread = Moderate this discussion
mod-this-thread-queue = This story's pending comments
mod-only-story = only this story
mod-more = More
mod-reject-reason = Reason
mod-reject-message = Message to the author (optional)
mod-redact = Redact
mod-redact-note = Note shown instead of the text
mod-unfeature = Stop featuring
mod-limit-sections = Sections this moderator moderates
mod-limit-sections-hint = None ticked: every section.

# Search
search-title = Search
search-go = Search
search-filters = Filters
search-from = From
search-to = To
search-sort-relevance = Most relevant
search-hint = Search every story, in Arabic and in English: any form of a word finds the others, with or without diacritics. Put a phrase in "quotes"; -word leaves a word out.
search-count = { PLURAL($count) ->
    [one] One story found
   *[other] { DIGITS($count) } found
}
search-did-you-mean = Did you mean:
search-every-language = Search every language
search-problem-empty_query = Type a word to search for.
search-problem-query_too_long = A search may be at most 200 characters.
search-problem-invalid_date = Give dates as year-month-day.
search-problem-unknown_language = That is not a language of this site.
search-problem-invalid_page = That page does not exist.
search-problem-invalid_id = The story is a number.
mod-search = Search comments
mod-search-author = Author
mod-search-story = Story number
mod-search-status = Status
mod-status-visible = Published
mod-status-pending = Awaiting review
mod-status-rejected = Rejected
mod-status-shadowed = Shadow-banned
search-within = Search in “{ $name }”
error-rejected-unknown_queue = There is no such queue.
error-rejected-invalid_page = That page does not exist.
error-rejected-invalid_id = That is not a number.
error-rejected-unknown_language = That is not a language of this site.
mod-search-count = { PLURAL($count) ->
    [one] One comment found
   *[other] { DIGITS($count) } comments found
}

## Feeds
feed-comments-title = Comments on { $headline }

## The newsroom's screens
admin-title = Newsroom
admin-link = Newsroom
admin-dashboard = Dashboard
admin-stories = Stories
admin-new-story = New story
admin-people = People and names
admin-settings = Site settings
admin-col-headline = Headline
admin-col-status = Status
admin-col-translation = Translation
admin-col-updated = Last change
admin-status-draft = Draft
admin-status-scheduled = Scheduled
admin-status-published = Published
admin-status-unpublished = Taken down
admin-edition-missing = { $language } edition missing
admin-edition-behind = { PLURAL($count) ->
    [one] The { $language } edition changed once since this one
   *[other] The { $language } edition is { DIGITS($count) } revisions ahead of this one
}
admin-language-ar = Arabic
admin-language-en = English
admin-waiting = Comments waiting
admin-most-discussed = Most discussed this week
admin-nothing = Nothing here.
admin-drafts = Drafts
admin-scheduled = Scheduled
admin-recent = Recently published
admin-any = Any
admin-language = Language
admin-section = Section
admin-author = Author
admin-headline-words = Words in the headline
admin-filter = Filter
admin-no-stories = No stories match.
admin-first-edition = Write the first edition in
admin-headline = Headline
admin-none = None
admin-start-writing = Start writing
admin-editor = Story editor
admin-saved = Saved.
admin-placement = Section, tags and image
admin-tags = Tags
admin-no-tags = No tags yet; add them under People and names.
admin-hero = Lead image
admin-no-image = No image
admin-upload = Upload an image (JPEG, PNG or WebP, up to 10 MB)
admin-alt = Description for blind readers ({ $language })
admin-upload-button = Upload
admin-save-placement = Save section, tags and image
admin-view-live = View live
admin-revisions = { PLURAL($count) ->
    [one] { DIGITS($count) } revision
   *[other] { DIGITS($count) } revisions
}
admin-slug = Address (slug)
admin-slug-suggested = From the headline:
admin-use-slug = use this
admin-standfirst = Standfirst
admin-dateline = Dateline
admin-body = Story (Markdown)
admin-markdown-hint = Blank line between paragraphs; ## for a subheading; > for a quotation; [words](https://…) for a link.
admin-hero-caption = Image caption
admin-hero-credit = Image credit
admin-comment-mode = Comments
admin-comments-open = Open
admin-comments-pre_moderated = Held for a moderator first
admin-comments-closed = Closed
admin-byline = Byline
admin-save = Save
admin-save-keys = Ctrl+S or ⌘S saves
admin-read-only = Your role cannot change this edition now.
admin-scheduled-for = Goes live at
admin-publish-now = Publish now
admin-schedule-at = Publish at ({ $zone } time)
admin-schedule = Schedule
admin-unpublish = Take down
admin-cancel-schedule = Cancel the schedule
admin-preview = Preview
admin-add-edition = Add this edition
admin-history = Revision history
admin-back-to-editor = Back to the editor
admin-revision = Revision { $number }
admin-current = current
admin-restore = Restore this revision
admin-field-headline = Headline
admin-field-slug = Address
admin-field-standfirst = Standfirst
admin-field-dateline = Dateline
admin-field-body = Story
admin-field-hero_caption = Image caption
admin-diff-same = unchanged:
admin-diff-removed = removed:
admin-diff-added = added:
admin-no-text-change = The text did not change (the byline or settings did).
admin-name-in = Name in { $language }
admin-bio-in = Short biography in { $language }
admin-users = Accounts and roles
admin-roles-admins-only = Only admins change roles.
admin-col-user = Account
admin-col-role = Role
admin-col-joined = Joined
admin-role-reader = Reader
admin-role-moderator = Moderator
admin-role-author = Author (own drafts)
admin-role-editor = Editor (publishes)
admin-role-admin = Admin (people and settings)
admin-change-role = Change
admin-sections = Sections
admin-add-section = Add section
admin-add-tag = Add tag
admin-authors = Bylines
admin-author-account = Account that writes under this byline (username, optional)
admin-add-author = Add byline
admin-error-other = That did not work ({ $code }).
admin-error-edit-conflict = Someone else saved this edition after you opened it, so your save was refused. Nothing is lost: your text is still in the form and theirs is in the revision history. Save again to replace theirs with yours.
admin-error-not-in-future = That time has already passed. Pick a time in the future, in the site's time zone.
admin-error-invalid-time = Give a date and a time to schedule.
admin-error-forbidden = Your role does not allow that.
admin-error-not-found = That no longer exists.
admin-error-already-taken = That address is already taken; choose another slug.
admin-error-required = A headline (or a name) is required.
admin-error-invalid-slug = A slug is made of letters, digits and hyphens.
admin-error-unknown-language = This site does not publish in that language.
admin-error-unknown-user = There is no account with that username.
admin-error-too-long = One of the fields is too long.
admin-error-only-draft = Only drafts can be changed with your role.
admin-error-internal = Something went wrong on our side; nothing was changed.
admin-error-bad-request = The form arrived damaged; reload the page and try again.
admin-js-saving = Saving…
admin-js-saved = Saved
admin-js-draft-saved = Draft saved automatically
admin-js-unsaved = Unsaved changes
admin-js-live-unsaved = Unsaved changes — this edition is live: press Save to publish them
admin-js-conflict = Someone else saved this edition after you opened it. Your text is still here and kept on this device; open the revision history in another tab to compare, then save again to replace theirs.
admin-js-failed = Could not save; your text is kept on this device. Retrying when you type or press Ctrl+S.
admin-js-recovered = Text you had not saved was recovered from this device.
admin-js-recover = Use it
admin-js-discard = Discard it
admin-js-uploading = Uploading…
admin-js-uploaded = Uploaded; choose it and save.
admin-js-upload-failed = The upload was refused: { $reason }
admin-settings-admins-only = Only admins change the site's settings.
admin-settings-names = Name and languages
admin-settings-languages = The site publishes in { $list }. Languages are set in the configuration file, with the theme's translations.
admin-settings-default-language = Default language (for visitors whose browser asks for neither)
admin-settings-time-zone = Time zone of the newsroom
admin-settings-time-zone-hint = Dates on pages and scheduling are in this zone, for example Asia/Beirut or Africa/Cairo.
admin-settings-comments = Comments
admin-settings-edit-minutes = Minutes a reader may edit their comment
admin-settings-close-days = Close threads this many days after publication (0: never)
admin-settings-max-chars = Longest comment, in characters
admin-settings-max-links = Most links in one comment
admin-settings-per-minute = Comments one reader may post per minute
admin-settings-moderation = Moderation mode, word lists and pre-moderation: the moderation settings
admin-settings-feeds = Feeds
admin-settings-feed-full = Feeds carry the whole story
admin-settings-feed-summary = Feeds carry the standfirst and a link
admin-error-out-of-range = A number is outside what is allowed.
admin-error-unknown-time-zone = That is not a time zone name (try Asia/Beirut).
admin-error-invalid-site-name = A site name is 1 to 100 characters.

## Signing in or up from a discussion, the welcome after sign-up, form feedback
comments-join = Sign in or create an account to join the discussion.
form-errors-below = Some fields need your attention; each says what is wrong.
form-retype-password = For your safety the password was not kept: please type it again.
form-error-login_required = Please type your username or email address.
form-error-password_required = Please type your password.
session-browser-on = { $browser } on { $system }
welcome-title = Welcome to { $site }
welcome-ready = Your account is ready: you can comment, reply and follow discussions now.
welcome-verify-title = One more step: confirm your email address
welcome-verify-body = We sent a confirmation link to
welcome-verify-why = Open it within 48 hours to show the address is yours. If it has not arrived, look in your spam folder.
welcome-back-to-story = Back to the story
welcome-front-page = Go to the front page
welcome-settings = Sessions, email notifications and your password:
welcome-mail-sent = We sent a message to the address you gave. If it already belongs to an account, the message says how to sign in or choose a new password.

# The discussion: holds, refusals, what comments support
comments-held-pre_moderated = Comments on this story are read by a moderator before they appear.
comments-held-user_pre_moderated = Your comments are read by a moderator before they appear.
comments-held-new_commenter = A moderator reads the first comments of new readers before they appear.
comments-held-link = Comments with links are read by a moderator before they appear.
comments-held-repeated_text = You posted a similar comment a moment ago, so a moderator will look at this one.
comments-wait = You are posting faster than the site allows. Please wait { DIGITS($seconds) } { PLURAL($seconds) ->
    [one] second
   *[other] seconds
} and send it again; your text is kept below.
comments-suspended-until = Your account may not post comments until { $until }.
comments-format-hint = Plain text. A blank line starts a new paragraph; links become clickable; @name mentions a reader; a line starting with > is a quote.
comments-start = Be the first to say what you think.
history-title = Edit history
history-version = Version { DIGITS($number) }
history-current = as shown now

# The moderation queue's keys, toast and undo.
mod-keys-line = Keys (on any keyboard layout): j/k move · a approve · r reject · f feature · b b ban · x select · u or z undo · ? help
mod-keys-position = On a layout without Latin letters, such as Arabic, press the key where the letter sits on an English keyboard.
mod-keys-select = select for a decision on several comments
mod-keys-undo = undo the last decision
mod-keys-load = load the comments that arrived
mod-keys-help = show or hide this help
mod-keys-close = close this help
mod-fresh-load = New comments are waiting — press . or follow this link to load them
mod-done-approve = Approved the comment by { $name }
mod-done-reject = Rejected the comment by { $name }
mod-done-feature = Featured the comment by { $name }
mod-done-ban = Banned { $name } and rejected their comments
mod-done-bulk-approve = Approved the selected comments: { $count }
mod-done-bulk-reject = Rejected the selected comments: { $count }
mod-done-bulk-feature = Featured the selected comments: { $count }
mod-undone = Undone: the comment by { $name } is back in the queue
mod-undone-bulk = Undone: the comments are back in the queue
mod-undo = Undo

# Confirmation after a moderator's form decision, with its Undo button
mod-banner-comments = { $action ->
    [approve] Approved
    [reject] Rejected
    [feature] Featured
    [unfeature] Stopped featuring
    [redact] Redacted the text of
   *[other] Decided on
} { PLURAL($count) ->
    [one] one comment.
   *[other] { DIGITS($count) } comments.
}
mod-banner-reader = { $action ->
    [warn] Warned { $name }.
    [suspend] Suspended { $name }.
    [unsuspend] Lifted the suspension of { $name }.
    [ban] Banned { $name }.
    [unban] Lifted the ban on { $name }.
    [shadow_ban] Shadow-banned { $name }.
    [unshadow] Lifted the shadow ban on { $name }.
    [pre_moderate] Comments by { $name } now wait for a moderator.
    [stop_pre_moderating] Comments by { $name } no longer wait for a moderator.
    [note] Added a note on { $name }.
    [limit_sections] Changed the sections { $name } moderates.
   *[other] Done.
}
mod-banner-undo-hint = You can undo it for a few minutes.
mod-banner-undone = { PLURAL($count) ->
    [one] Undone: everything is as it was before that decision.
   *[other] Undone: { DIGITS($count) } decisions reversed.
}
mod-log-action-undo = undid a decision on
error-rejected-undo_window_passed = The time to undo that decision has passed; make a new decision instead.
error-rejected-already_undone = That decision was already undone.
error-rejected-superseded = Another decision changed this since; make a new decision instead of undoing.

# Moderation decisions in words (issue 25): each reason with what it did
# and the phase that gave it; the audit log as sentences; its filters and
# CSV columns.
mod-verdict-approve = approved automatically
mod-verdict-hold = held
mod-verdict-flag = flagged
mod-verdict-reject = rejected
mod-decision = { $action }: { $reason }
mod-decision-phase = { $action }: { $reason } (phase: { $phase })
mod-why-thread_closed = the thread is closed
mod-why-too_long = too long ({ DIGITS($chars) } characters, at most { DIGITS($max) })
mod-why-too_many_links = too many links (at most { DIGITS($max) })
mod-why-staff = the author is newsroom staff
mod-why-banned_word = banned word «{ $word }»
mod-why-suspect_word = suspect word «{ $word }»
mod-why-link = { $count ->
    [1] one link
    [2] two links
   *[other] { DIGITS($count) } links
}
mod-why-repeated_text = repeated text ({ $count ->
    [2] twice
   *[other] { DIGITS($count) } times
})
mod-why-new_commenter = new commenter, { DIGITS($approved) } of { DIGITS($needed) } approvals
mod-why-rejection_rate = many rejected comments ({ DIGITS($rejected) } of the last { DIGITS($recent) })
mod-why-user_pre_moderated = the reader is pre-moderated
mod-why-pre_moderated = { $scope ->
    [story] this story is pre-moderated
    [section] its section is pre-moderated
   *[site] the whole site is pre-moderated
}
mod-why-passed = approved automatically: every check passed
mod-phase-passed = all checks passed
mod-log-automatic = Automatic, { $phase }
mod-log-comment-by = the comment by
mod-log-comment-link = (the comment)
mod-log-on-story = on
mod-log-message-reject = message to the author
mod-log-message-warn = warning
mod-log-message-note = note
mod-log-message-redact = note shown instead
mod-msg-settings = { $scope ->
    [story] Story { $id }
    [section] Section { $id }
   *[site] The whole site
}: pre-moderation { $premod ->
    [yes] on
    [no] off
   *[inherit] as above
}, comments { $closed ->
    [yes] closed
    [no] open
   *[inherit] as above
}
mod-msg-settings-message = { $settings }; message «{ $message }»
mod-msg-policy = suspect words { $suspect ->
    [flag] published and flagged
   *[hold] held
}; links { $links ->
    [yes] held
   *[no] allowed
}; new commenters held until { DIGITS($approvals) } approvals; readers held above { DIGITS($percent) }% rejected of at least { DIGITS($min) } recent comments
mod-msg-until = until { $date }
mod-msg-ban-rejected = { $count ->
    [1] one comment rejected
   *[other] { DIGITS($count) } comments rejected
}
mod-msg-word-list = { $language } { $list ->
    [banned] banned
   *[suspect] suspect
} list: { $count ->
    [1] one term
   *[other] { DIGITS($count) } terms
}
mod-msg-sections = sections { $ids }
mod-msg-all-sections = every section
mod-log-moderator = Moderator
mod-log-reader = Reader
mod-log-action = Action
mod-log-from = From
mod-log-to = To
mod-log-csv = Download as CSV
mod-csv-time = Time
mod-csv-moderator = Moderator
mod-csv-phase = Phase
mod-csv-action = Action
mod-csv-reader = Reader
mod-csv-comment = Comment
mod-csv-story = Story
mod-csv-excerpt = Excerpt
mod-csv-reasons = Reasons
mod-csv-message = Message
error-rejected-invalid_date = That is not a date: write it as 2026-12-31.
mod-refused-undo_window_passed = Too late to undo that decision; decide again instead.
mod-refused-already_undone = That decision was already undone.
mod-refused-superseded = A later decision changed this comment since; decide again instead.
mod-refused-not_yours = Only the moderator who made that decision can undo it.
admin-rename-section = Rename
admin-save-section-names = Save names
admin-section-renamed = Section renamed; the site shows its new name.

## Site chrome and error pages (issue 21): the compact header, refusals by role
nav-menu = Menu
error-404-search = Search the site instead:
error-not-allowed-body = Your account may not open this page or do this.
error-title-not_in_newsroom = You need a newsroom role
error-rejected-not_in_newsroom = These screens are for the newsroom. You need a newsroom role (author, editor or admin) to open them; an admin of this site can give you one.
error-title-not_a_moderator = You need a moderator role
error-rejected-not_a_moderator = These screens are for the moderators. You need a moderator role to open them; an admin of this site can give you one.
error-rejected-outside_your_sections = You moderate other sections; this one is not yours to moderate.

## Newsroom workflow (issue 21): publishing together, confirmations,
## warnings, translation status, the body editor's toolbar.
admin-warning-no-byline = No byline: readers will not see who wrote this edition.
admin-warning-no-hero-image = No lead image: the story shows as a text card and is shared without a picture.
admin-confirm-published = Published
admin-confirm-scheduled = Scheduled
admin-confirm-live = The { $language } edition is live:
admin-confirm-scheduled-at = The { $language } edition goes live on { $time } ({ $zone } time):
admin-publish-together = Publish the editions
admin-publish-which = Editions to publish
admin-publish-when = When
admin-publish-selected = Publish the chosen editions
admin-mark-synced = Mark as up to date
admin-mark-synced-hint = once this edition says what the other editions say.
admin-synced-done = Marked as up to date with the other editions.
admin-sync-on-save = Saving brings this edition up to date with the other editions
admin-error-no-edition-chosen = Tick at least one edition to publish.
admin-error-already-published = One of those editions is already published; take it down first to schedule it.
admin-error-not-published = That edition is not published.
admin-tools = Formatting
admin-tool-heading = Subheading
admin-tool-bold = Bold
admin-tool-italic = Italic
admin-tool-link = Link
admin-tool-quote = Quotation
admin-tool-list = Bulleted list
admin-tool-numbered = Numbered list
admin-tool-image = Image from the library
admin-tool-embed = The story's lead image
admin-tool-preview = Preview
admin-tool-link-prompt = Address of the link (https://…)
admin-tool-images = Images in the library
admin-tool-no-images = The library has no images yet; upload one under “Section, tags and image”.
admin-tool-close = Close
admin-tool-keys = Keys: Ctrl+B bold, Ctrl+I italic, Ctrl+K link, Ctrl+Alt+2 subheading, Ctrl+Shift+7 numbered list, Ctrl+Shift+8 bulleted list, Ctrl+Shift+9 quotation.

## Front page, static pages and footer (issue 21)
front-breaking = Breaking
front-top-stories = Top stories
front-most-read = Most read
front-most-discussed = Most discussed
front-more = More news
page-about = About us
page-contact = Contact
page-privacy = Privacy
page-terms = Terms of use
page-corrections = Corrections policy
page-updated = Last updated
page-not-written = The newsroom has not written this page in English yet.
footer-about-nav = About the site
footer-sections = Sections
footer-follow = Follow
footer-feed-atom = Atom feed
footer-feed-rss = RSS feed
admin-front = Front page
admin-front-languages = Front page by language
admin-front-of = { $language } front page
admin-front-saved = The front page is saved; readers see it on their next visit.
admin-front-view = View it
admin-front-editors-only = Only editors and admins arrange the front page and write the site's pages.
admin-front-picks = Lead and top stories
admin-front-picks-hint = Pick up to { $slots } stories: the first leads. Places you leave empty are filled with the newest stories, those with an image first for the lead. A story kept until a time leaves the front page at that time.
admin-front-lead = Lead
admin-front-top = Top story
admin-front-no-image = (no image: shown as a text card)
admin-front-until = Keep until
admin-front-up = Up
admin-front-down = Down
admin-front-remove = Remove
admin-front-up-label = Move “{ $headline }” up
admin-front-down-label = Move “{ $headline }” down
admin-front-remove-label = Remove “{ $headline }” from the front page
admin-front-automatic = Nothing is picked: the front page shows the newest stories, leading with the newest one that has an image.
admin-front-expired = No longer shown (their time passed): { $list }
admin-front-add = Add a story
admin-front-add-end = after the others
admin-front-add-lead = as the lead
admin-front-add-button = Add
admin-front-breaking = Breaking news banner
admin-front-breaking-text = Text of the banner (empty: no banner)
admin-front-breaking-link = Links to
admin-front-breaking-no-link = No story
admin-front-breaking-until = Shown until (the site's time zone)
admin-front-breaking-clear = Remove the banner
admin-pages = Site pages
admin-pages-unwritten = not written
admin-pages-title = Title
admin-pages-body = Text (Markdown, as in stories)
admin-pages-hint = Leave the title and text empty to remove this language's page.
admin-pages-view = View the page
admin-error-bad-time = Give a date and a time.
admin-error-in-the-past = That time has already passed; pick one in the future.
admin-error-too-many-picks = There are more picks than places on the front page.
admin-error-not-published-here = Every story on the front page must be published in its language.

# The site's icon (settings)
admin-settings-icon = Site icon
admin-settings-icon-default = The theme's icon is in use.
admin-settings-icon-custom = Your icon is in use.
admin-settings-icon-file = A square image, at least 512 pixels a side (PNG, JPEG or WebP)
admin-settings-icon-hint = The browser tab's icon, the phone home screen's and the installed site's are made from it. An image that is not square is centred on a transparent square.
admin-settings-icon-upload = Use this icon
admin-settings-icon-remove = Go back to the theme's icon
admin-error-icon-required = Choose an image for the icon.
admin-error-unsupported-type = Only JPEG, PNG and WebP images are accepted.
admin-error-unreadable-image = That image cannot be read.
admin-error-image-too-large = That image has too many pixels (at most 10,000 a side).
admin-error-file-too-large = That file is larger than 10 MiB.
admin-front-moved = “{ $headline }” is now number { $position } of { $count }. Save to keep this order.

admin-webhooks = Webhooks
admin-webhooks-intro = Endpoints told of what happens on the site, signed per Standard Webhooks (see docs/webhooks.md). An endpoint that keeps failing for a day is switched off, and admins are written to.
admin-webhooks-endpoints = Endpoints
admin-webhooks-url = Address
admin-webhooks-description = Description
admin-webhooks-events = Event types
admin-webhooks-state = State
admin-webhooks-enabled = On
admin-webhooks-disabled = Switched off
admin-webhooks-disabled-failing = Switched off: it kept failing
admin-webhooks-edit = This endpoint
admin-webhooks-rotate = New secret
admin-webhooks-delete = Remove
admin-webhooks-new = Add an endpoint
admin-webhooks-create = Add
admin-webhooks-secret = The signing secret, shown this once. The previous secret, if any, keeps signing for a day beside it.
admin-webhooks-deliveries = Recent deliveries
admin-webhooks-no-deliveries = Nothing has been sent to it yet.
admin-webhooks-event = Event
admin-webhooks-delivery-state = Delivery
admin-webhooks-answer = Last answer
admin-webhooks-replay = Send again
admin-webhooks-is-replay = sent again
admin-webhooks-replayed = Queued to be sent again.
admin-webhooks-status-pending = Waiting
admin-webhooks-status-delivered = Delivered
admin-webhooks-status-failed = Failed
admin-webhooks-attempts = { $count ->
    [one] one attempt
   *[other] { $count } attempts
}
admin-error-webhook-address-refused = That address is on this machine or a private network; webhooks are sent there only when the configuration allows it.
admin-error-invalid-webhook-url = Give an http or https address, without a user name or password.
admin-error-unresolvable-webhook-host = That address's host name does not resolve.
admin-error-no-event-types = Choose at least one event type.
admin-error-too-many-webhooks = A site has at most 50 endpoints.

## A discussion embedded on another site (docs/embed.md)
embed-commenting-as = Commenting as
embed-sign-out = Sign out
embed-held = Your comment waits for a moderator; it appears once approved.
embed-popup-blocked = Your browser blocked the sign-in window. Allow pop-ups for this page, then try again.
embed-signed-in-title = You are signed in
embed-signed-in-body = You can close this window and go back to the discussion.
embed-on-site = On another site:
embed-reply-cancel = Cancel the reply
error-rejected-origin_not_allowed = This site does not show its discussions on that website.
error-rejected-invalid_url = The page embedding this discussion gave no valid address (an absolute http or https URL).
embed-cancel = Cancel
embed-reported = Thank you: the moderators will look at it.
embed-signed-out = Your sign-in has run out. Sign in again to go on.
embed-error-network = The discussion could not be reached. Check your connection and try again.
