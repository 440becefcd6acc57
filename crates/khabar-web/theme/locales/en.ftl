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
