# نصوص الواجهة للصفحات العربية. تختار PLURAL() صيغة الجمع من صيغ العربية
# الست (CLDR عبر ICU4X)؛ وتكتب DIGITS() الأعداد بأرقام اللغة.

language-name = العربية
read-this-story = اقرأ هذا الخبر بالعربية

site-description = أخبار من غرفة أخبارنا، بالعربية والإنكليزية.
footer-tagline = أخبار مستقلة بالعربية والإنكليزية.
skip-to-content = انتقل إلى المحتوى
nav-home = الصفحة الأولى
nav-sections = الأقسام
nav-languages = لغات أخرى
latest = آخر الأخبار
no-stories = لا أخبار هنا بعد.
list-separator = {"، "}

list-kind-section = قسم
list-kind-tag = موضوع
list-kind-author = كاتب

byline = بقلم
published = نُشر
updated = حُدّث
tags = مواضيع
reading-time = { PLURAL($minutes) ->
    [zero] وقت القراءة: أقل من دقيقة
    [one] وقت القراءة: دقيقة واحدة
    [two] وقت القراءة: دقيقتان
    [few] وقت القراءة: { DIGITS($minutes) } دقائق
    [many] وقت القراءة: { DIGITS($minutes) } دقيقةً
   *[other] وقت القراءة: { DIGITS($minutes) } دقيقة
}

pager = الصفحات
page-number = الصفحة { DIGITS($page) }
page-newer = أخبار أحدث
page-older = أخبار أقدم

error-400-title = تعذّر فهم هذا الطلب
error-400-body = في الرابط خطأ ما. تحقّق منه، أو ابدأ من الصفحة الأولى.
error-404-title = الصفحة غير موجودة
error-404-body = هذه الصفحة غير موجودة، أو سُحب الخبر.
error-500-title = حدث خطأ من جهتنا
error-500-body = سُجّلت المشكلة. حاول مرة أخرى بعد قليل.
error-back-home = اذهب إلى الصفحة الأولى
