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

nav-account = حسابك
sign-in = تسجيل الدخول
sign-up = إنشاء حساب
sign-out = تسجيل الخروج
sign-in-title = تسجيل الدخول
sign-up-title = إنشاء حساب
sign-up-intro = يتيح لك الحساب التعليق على الأخبار ومتابعة الردود.
have-account = لديك حساب؟
no-account = جديد هنا؟
field-username = اسم المستخدم
field-username-hint = حروف وأرقام و«_» و«.» و«-»؛ حروف عربية أو لاتينية، لا الاثنتان معًا.
field-display-name = الاسم الذي يظهر مع تعليقاتك
field-email = البريد الإلكتروني
field-password = كلمة المرور
field-password-hint = عشرة أحرف على الأقل. عبارة من بضع كلمات سهلة التذكّر وصعبة التخمين.
field-login = اسم المستخدم أو البريد الإلكتروني
account-title = حسابك
account-joined = تاريخ الانضمام
sessions-title = الأجهزة التي سجّلت الدخول منها
session-this-one = هذا المتصفح
session-end = سجّل الخروج منه
session-last-seen = آخر نشاط
session-unknown-browser = متصفح غير معروف

form-error-invalid = يرجى مراجعة هذا الحقل.
form-error-username_too_short = يحتاج اسم المستخدم إلى ثلاثة أحرف على الأقل.
form-error-username_too_long = لا يتجاوز اسم المستخدم ٣٢ حرفًا.
form-error-username_bad_character = استخدم الحروف والأرقام و«_» و«.» و«-» فقط، من دون مسافات أو رموز أو وجوه تعبيرية.
form-error-username_mixed_direction = استخدم في اسم المستخدم حروفًا عربية أو لاتينية، لا الاثنتين معًا.
form-error-username_mixed_script = استخدم في اسم المستخدم حروف أبجدية واحدة، لا حروفًا تشبهها من أبجدية أخرى.
form-error-username_stacked_marks = على أحد حروف اسم المستخدم علامات كثيرة جدًا.
form-error-display_name_stacked_marks = على أحد حروف هذا الاسم علامات كثيرة جدًا.
form-error-control_character = احذف حرف التحكم غير المرئي من هذا الحقل.
form-error-username_reserved = هذا الاسم محجوز. يرجى اختيار اسم آخر.
form-error-username_taken = اسم المستخدم هذا، أو اسم يشبهه تمامًا، مستخدم. يرجى اختيار اسم آخر.
form-error-display_name_empty = يرجى كتابة الاسم الذي يظهر مع تعليقاتك.
form-error-display_name_too_long = الاسم طويل جدًا: ٦٠ حرفًا على الأكثر.
form-error-invalid_email = هذا ليس عنوان بريد إلكتروني.
form-error-email_taken = هناك حساب يستخدم هذا البريد. سجّل الدخول، أو أعد تعيين كلمة المرور.
form-error-password_too_short = تحتاج كلمة المرور إلى عشرة أحرف على الأقل.
form-error-password_too_long = لا تتجاوز كلمة المرور ٢٥٦ حرفًا.
form-error-password_too_common = كلمة المرور هذه سهلة التخمين. يرجى اختيار غيرها.
form-error-wrong_credentials = اسم المستخدم أو كلمة المرور غير صحيح.

error-403-title = رُفض هذا الطلب
error-403-body = انتهت صلاحية النموذج أو لم يأتِ من هذا الموقع. عد إلى الصفحة، وأعد تحميلها، ثم حاول مرة أخرى.
error-429-title = محاولات كثيرة
error-429-body = { PLURAL($minutes) ->
    [one] يرجى الانتظار دقيقة واحدة قبل المحاولة مرة أخرى.
    [two] يرجى الانتظار دقيقتين قبل المحاولة مرة أخرى.
    [few] يرجى الانتظار { DIGITS($minutes) } دقائق قبل المحاولة مرة أخرى.
    [many] يرجى الانتظار { DIGITS($minutes) } دقيقةً قبل المحاولة مرة أخرى.
   *[other] يرجى الانتظار { DIGITS($minutes) } دقيقة قبل المحاولة مرة أخرى.
}

error-413-title = ما أرسلته أكبر مما ينبغي
error-413-body = ما أرسلته أكبر مما يقبله الموقع. اختصره وحاول مرة أخرى.

email-unverified = لم يُؤكَّد بعد
field-current-password = كلمة المرور الحالية
field-new-password = كلمة المرور الجديدة
field-new-email = البريد الإلكتروني الجديد
change-password-title = تغيير كلمة المرور
change-password = غيّر كلمة المرور
change-email-title = تغيير البريد الإلكتروني
change-email = غيّر البريد الإلكتروني
your-data-title = بياناتك
export-data = نزّل كل ما نحتفظ به عنك (JSON)
delete-account-explain = يزيل حذفُ حسابك اسمك وبريدك وكلمة مرورك نهائيًا. تبقى تعليقاتك، وتظهر على أنها من حساب محذوف.
delete-account = احذف حسابي
account-changed-password = غُيّرت كلمة مرورك، وسُجّل خروجك من كل الأجهزة الأخرى.
account-changed-email = غُيّر بريدك الإلكتروني، وأرسلنا رابطًا لتأكيده.
form-error-wrong_password = كلمة المرور الحالية غير صحيحة.
form-error-link_invalid = انتهت صلاحية هذا الرابط أو استُخدم من قبل.
reset-title = نسيت كلمة المرور؟
reset-intro = اكتب البريد الإلكتروني لحسابك وسنرسل إليه رابطًا لاختيار كلمة مرور جديدة.
reset-send = أرسل الرابط
reset-choose-title = اختر كلمة مرور جديدة
reset-save = احفظ كلمة المرور الجديدة
reset-sent-title = تفقّد بريدك
reset-sent-body = إن كان هناك حساب بهذا العنوان، فرابط اختيار كلمة مرور جديدة في طريقه إليه. يعمل الرابط ساعة واحدة.
password-changed-title = غُيّرت كلمة مرورك
password-changed-body = سُجّل خروجك من كل الأجهزة. سجّل الدخول بكلمة المرور الجديدة.
email-verified-title = تأكّد بريدك الإلكتروني
email-verified-body = شكرًا لك. يمكنك الآن المشاركة في النقاش.
link-invalid-title = هذا الرابط لم يعد يعمل
link-invalid-body = انتهت صلاحيته أو استُخدم من قبل. يمكنك طلب رابط جديد.
account-deleted-title = حُذف حسابك
account-deleted-body = أُزيل اسمك وبريدك وكلمة مرورك. شكرًا لقراءتك.
forgot-password = نسيت كلمة المرور؟
email-verify-subject = أكّد بريدك الإلكتروني في { $site }
email-verify-intro = مرحبًا { $name }، يرجى تأكيد أن هذا العنوان لك بفتح الرابط أدناه.
email-verify-action = أكّد بريدي الإلكتروني
email-reset-subject = اختر كلمة مرور جديدة في { $site }
email-reset-intro = مرحبًا { $name }، طلب أحدهم — ونرجو أن تكون أنت — إعادة تعيين كلمة مرورك. يعمل الرابط ساعة واحدة.
email-reset-action = اختر كلمة مرور جديدة
email-invitation-subject = حسابك في { $site }
email-invitation-intro = مرحبًا { $name }، انتقل أرشيف غرفة الأخبار إلى { $site } وانتقلت معه أخبارك في حساب باسمك. اختر كلمة مرور لتسجّل الدخول؛ يعمل الرابط سبعة أيام.
email-invitation-action = اختر كلمة مروري
email-signup-attempt-subject = حاول أحدهم التسجيل في { $site } بعنوانك
email-signup-attempt-intro = مرحبًا { $name }، حاول أحدهم إنشاء حساب في { $site } بعنوان البريد هذا، وله حسابك من قبل. إن كنت أنت فسجّل الدخول بدلًا من ذلك؛ وإن نسيت كلمة مرورك فصفحة الدخول تتيح لك اختيار كلمة جديدة.
email-signup-attempt-action = تسجيل الدخول
email-footer = إن لم تطلب هذا، فتجاهل هذه الرسالة؛ لن يتغيّر شيء.
email-webhook-disabled-subject = أُوقف عنوان webhook في { $site }
email-webhook-disabled-intro = ظلّ عنوان الـwebhook ‏{ $name } يفشل يومًا كاملًا فأُوقف. تُحفظ رسائله التي لم تصل أسبوعًا: حين يعود إلى الإجابة شغّله وأعد إرسالها من شاشة الـwebhooks.
email-webhook-disabled-action = افتح شاشة الـwebhooks
email-webhook-disabled-footer = تصلك هذه الرسالة لأنك من مديري { $site }.

tokens-title = مفاتيح الوصول إلى الواجهة البرمجية
tokens-none = ليس لديك مفاتيح وصول.
token-last-used = آخر استخدام
token-never-used = لم يُستخدم
token-revoke = ألغِه

comments-count = { PLURAL($count) ->
    [zero] لا تعليقات بعد
    [one] تعليق واحد
    [two] تعليقان
    [few] { DIGITS($count) } تعليقات
    [many] { DIGITS($count) } تعليقًا
   *[other] { DIGITS($count) } تعليق
}
comments-sort = ترتيب التعليقات
comments-sort-oldest = الأقدم أولًا
comments-sort-newest = الأحدث أولًا
comments-sort-liked = الأكثر إعجابًا
comments-closed = أُغلق التعليق على هذا الخبر.
comments-sign-in = سجّل الدخول لتشارك في النقاش
comments-write = تعليقك
comments-post = انشر
comments-reply = ردّ
comments-edit = عدّل
comments-save = احفظ
comments-delete = احذف
comments-edited = معدَّل
comments-deleted = حُذف هذا التعليق.
comments-replying-to = ردًّا على
comments-like = أعجبني
comments-likes = { PLURAL($count) ->
    [zero] لا إعجابات
    [one] إعجاب واحد
    [two] إعجابان
    [few] { DIGITS($count) } إعجابات
    [many] { DIGITS($count) } إعجابًا
   *[other] { DIGITS($count) } إعجاب
}
comments-report = أبلغ
comments-report-reason = لماذا؟
comments-report-note = ملاحظة للمشرفين (اختيارية)
comments-report-send = أرسل البلاغ
comments-previous = تعليقات أقدم
comments-next = مزيد من التعليقات
report-reason-offensive = مسيء
report-reason-abusive = مهين أو فيه تهديد
report-reason-spam = رسائل مزعجة
report-reason-other = سبب آخر
error-422-title = تعذّر تنفيذ ذلك
error-422-body = يرجى مراجعة ما أرسلته والمحاولة مرة أخرى.
error-rejected-comments_closed = أُغلق التعليق على هذا الخبر.
error-rejected-comment_empty = اكتب شيئًا قبل النشر.
error-rejected-comment_too_long = لا يتجاوز التعليق ٥٠٠٠ حرف.
error-rejected-not_your_comment = لا يغيّر التعليقَ إلا كاتبه.
error-rejected-edit_window_closed = انقضت مهلة تعديل هذا التعليق.
error-rejected-already_reported = أبلغت عن هذا التعليق من قبل. شكرًا لك.
error-rejected-unknown_reason = يرجى اختيار سبب للبلاغ.

profile-kicker = قارئ
profile-comments = التعليقات
profile-no-comments = لا تعليقات بعد.
notifications-title = الإشعارات
notifications-link = { PLURAL($count) ->
    [zero] الإشعارات
   *[other] الإشعارات ({ DIGITS($count) })
}
notifications-mark-read = علّم الكل مقروءًا
notifications-none = لا جديد. تظهر هنا الردود على تعليقاتك وذكرُ اسمك.
notification-reply = ردّ { $name } على تعليقك
notification-mention = ذكرك { $name }
deleted-account = حساب محذوف

email-preference-title = بريد عن الردود والإشارات إليك
email-preference-legend = أرسل إليّ بريدًا
email-preference-immediately = مع كل جديد
email-preference-daily = مرة في اليوم، ملخّصًا
email-preference-never = أبدًا
unsubscribed-title = لن نرسل بعد اليوم
unsubscribed-body = لن يصلك بريد عن الردود والإشارات إليك. يمكنك تغيير ذلك من صفحة حسابك.
email-notifications-subject = { PLURAL($count) ->
    [one] جديد لك في { $site }
    [two] أمران جديدان لك في { $site }
    [few] { DIGITS($count) } أمور جديدة لك في { $site }
    [many] { DIGITS($count) } أمرًا جديدًا لك في { $site }
   *[other] { DIGITS($count) } أمر جديد لك في { $site }
}
email-notifications-intro = مرحبًا { $name }، هذا ما جرى في النقاشات التي تشارك فيها:
email-notifications-action = افتح النقاش
email-notifications-footer = لإيقاف هذه الرسائل افتح:
email-notification-reply = ردّ { $name } على تعليقك في «{ $story }»
email-notification-mention = ذكرك { $name } في «{ $story }»
error-rejected-too_many_links = في هذا التعليق روابط أكثر مما يُسمح به.
error-rejected-duplicate_comment = نشرت هذا التعليق من قبل.
error-rejected-suspended = حسابك موقوف عن التعليق في الوقت الحالي.
comments-featured = مختار

# الإشراف
comments-redacted = أزاله أحد المشرفين
comments-held = بانتظار المراجعة — لا يراه غيرك
comments-warned = أرسل إليك أحد المشرفين تنبيهًا. اقرأه وأكّد اطّلاعك عليه لتعود إلى التعليق:
comments-warning-ack = قرأت التنبيه
notification-rejected = أزال أحد المشرفين تعليقك
email-notification-rejected = أزال أحد المشرفين تعليقك على «{ $story }»
error-rejected-banned = لم يعد يحق لهذا الحساب نشر التعليقات.
error-rejected-warning_unacknowledged = اقرأ تنبيه المشرفين وأكّد اطّلاعك عليه أولًا.
error-rejected-comment_rejected = يخالف هذا التعليق قواعد النقاش، ولم يُنشر.
error-rejected-unknown_reject_reason = اختر أحد الأسباب المذكورة.
mod-title = الإشراف
mod-queues = الطوابير
mod-log = سجلّ القرارات
mod-settings = قوائم الكلمات والإعدادات
mod-count = { DIGITS($count) }
mod-queue-pending = بانتظار المراجعة
mod-queue-reported = مُبلَّغ عنها
mod-queue-flagged = مُعلَّمة آليًا
mod-queue-approved = مقبولة
mod-queue-rejected = مرفوضة
mod-queue-empty = لا شيء هنا. أحسنت.
mod-fresh = وصلت تعليقات جديدة — أعد التحميل
mod-filter-section = القسم
mod-filter-language = اللغة
mod-filter-reason = السبب
mod-filter-order = الترتيب
mod-filter-any = الكل
mod-filter-apply = طبّق
mod-order-oldest = الأقدم أولًا
mod-order-newest = الأحدث أولًا
mod-keys-hint = المفاتيح: j/k تنقّل · a قبول · r رفض · f اختيار · b b حظر · ? مساعدة
mod-keys-title = اختصارات لوحة المفاتيح
mod-keys-move = التعليق التالي / السابق
mod-keys-ban = حظر الكاتب (اضغط مرتين)
mod-ban-confirm = اضغط b مرة أخرى لحظر @{name} ورفض تعليقاته
mod-failed = لم ينجح ذلك؛ أعد تحميل الصفحة وحاول مجددًا.
mod-bulk = مع التعليقات المحددة:
mod-select = تحديد
mod-approve = قبول
mod-reject = رفض
mod-feature = اختيار
mod-key-approve = a
mod-key-reject = r
mod-key-feature = f
mod-reader = سجلّ القارئ
mod-reported = بلاغ
mod-previous = الصفحة السابقة
mod-next = الصفحة التالية
mod-none = لا شيء بعد.
mod-reason-banned_word = كلمة محظورة
mod-reason-suspect_word = كلمة مريبة
mod-reason-link = رابط
mod-reason-repeated_text = النص نفسه مكرّرًا
mod-reason-new_commenter = معلّق جديد
mod-reason-rejection_rate = تعليقات مرفوضة كثيرة
mod-reason-user_pre_moderated = قارئ تحت المراجعة المسبقة
mod-reason-pre_moderated = نقاش بمراجعة مسبقة
mod-reason-staff = من فريق التحرير
mod-reason-too_long = طويل جدًا
mod-reason-too_many_links = روابط كثيرة
mod-reason-thread_closed = النقاش مغلق
mod-reason-offensive = مسيء
mod-reason-abusive = عدواني
mod-reason-spam = رسائل مزعجة
mod-reason-off_topic = خارج الموضوع
mod-reason-personal_attack = هجوم شخصي
mod-reason-other = سبب آخر
mod-phase-checks = الفحوص
mod-phase-staff = فريق التحرير
mod-phase-banned_words = الكلمات المحظورة
mod-phase-suspect_words = الكلمات المريبة
mod-phase-links = الروابط
mod-phase-repeats = التكرار
mod-phase-new_commenter = معلّق جديد
mod-phase-rejection_rate = نسبة الرفض
mod-phase-pre_moderation = المراجعة المسبقة
mod-log-pipeline = آليًا
mod-log-search = ابحث في السجل
mod-log-action-approve = قبِل
mod-log-action-flag = علّم
mod-log-action-hold = أوقف للمراجعة
mod-log-action-reject = رفض
mod-log-action-feature = اختار
mod-log-action-unfeature = ألغى اختيار
mod-log-action-redact = حجب نص
mod-log-action-warn = نبّه
mod-log-action-suspend = أوقف
mod-log-action-unsuspend = رفع الإيقاف عن
mod-log-action-ban = حظر
mod-log-action-unban = رفع الحظر عن
mod-log-action-shadow_ban = حظر حظرًا خفيًا
mod-log-action-unshadow = رفع الحظر الخفي عن
mod-log-action-pre_moderate = أخضع للمراجعة المسبقة
mod-log-action-stop_pre_moderating = أوقف المراجعة المسبقة عن
mod-log-action-note = أضاف ملاحظة عن
mod-log-action-limit_sections = حدّد أقسام
mod-log-action-warning_acknowledged = أكّد قراءة تنبيه
mod-log-action-word_list_updated = حدّث قائمة كلمات
mod-log-action-settings_updated = غيّر الإعدادات
mod-log-action-policy_updated = غيّر السياسة
mod-standing-banned = محظور
mod-standing-shadow = محظور حظرًا خفيًا
mod-standing-premod = تحت المراجعة المسبقة
mod-standing-suspended = موقوف حتى
mod-standing-warned = تنبيه لم يُقرأ بعد
mod-history-approved = تعليقات منشورة
mod-history-pending = تعليقات بانتظار المراجعة
mod-history-rejected = تعليقات مرفوضة
mod-history-reports = بلاغات ضده
mod-actions = الإجراءات
mod-warn = تنبيه
mod-note = ملاحظة للمشرفين فقط
mod-note-add = أضف الملاحظة
mod-notes = الملاحظات
mod-suspend = إيقاف
mod-unsuspend = رفع الإيقاف
mod-hours = { PLURAL($count) ->
    [zero] { DIGITS($count) } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { DIGITS($count) } ساعات
    [many] { DIGITS($count) } ساعة
   *[other] { DIGITS($count) } ساعة
}
mod-ban = حظر
mod-unban = رفع الحظر
mod-ban-reject-all = ورفض كل تعليقاته
mod-shadow-ban = حظر خفي
mod-unshadow = رفع الحظر الخفي
mod-premod = مراجعة مسبقة
mod-stop-premod = إيقاف المراجعة المسبقة
mod-settings-limited = تشرف على أقسام محددة فقط: يضبط إعدادات الموقع كله مشرفو الموقع كله، وقوائم الكلمات أدناه للاطلاع فقط.
mod-set-premod = مراجعة مسبقة لكل النقاشات (يُوقف كل تعليق حتى يُراجَع)
mod-set-closed = أغلق كل النقاشات
mod-set-message = رسالة تظهر فوق كل نقاش
mod-set-suspect = التعليقات التي فيها كلمة مريبة
mod-set-suspect-hold = توقف للمراجعة
mod-set-suspect-flag = تُنشر وتُعلَّم
mod-set-links = أوقف التعليقات التي فيها روابط
mod-set-new = أوقف تعليقات القارئ حتى يُقبل له هذا العدد منها (٠: لا)
mod-set-rate = أوقف تعليقات القارئ إذا رُفض أكثر من هذه النسبة (٪) من تعليقاته الأخيرة (٠: لا)
mod-set-rate-min = بشرط أن تبلغ تعليقاته الأخيرة هذا العدد على الأقل
mod-word-lists = قوائم الكلمات
mod-word-lists-hint = كلمة في كل سطر، تُطابَق كلمةً كاملة. ابدأ السطر بـ * لتُطابَق داخل الكلمات أيضًا، أو بـ ~ لتُطابَق كل صيغها (الجمع، وجمع التكسير مثل كلب وكلاب، وأل التعريف وحروف العطف والجر المتصلة، ولواحق الإنجليزية). التشكيل وصور الحروف والحروف المتشابهة والفواصل بين الحروف وتكرارها لا تفلت منها.
mod-list-banned = محظورة (تُرفض)
mod-list-suspect = مريبة (توقف أو تُعلَّم)
mod-lang-ar = العربية
mod-lang-en = الإنجليزية
mod-scope-site = الموقع كله
mod-scope-section = هذا القسم
mod-scope-story = هذا الخبر
mod-scope-pre_moderated = مراجعة مسبقة
mod-scope-closed = إغلاق التعليق
mod-inherit = كما في الأعلى (الموقع أو القسم)
mod-yes = نعم
mod-no = لا
mod-sections = الأقسام
mod-this-thread = الإشراف على هذا النقاش
mod-this-thread-queue = التعليقات المنتظرة على هذا الخبر
mod-only-story = هذا الخبر فقط
mod-more = المزيد
mod-reject-reason = السبب
mod-reject-message = رسالة إلى الكاتب (اختيارية)
mod-redact = حجب النص
mod-redact-note = ملاحظة تظهر مكان النص
mod-unfeature = إلغاء الاختيار
mod-limit-sections = الأقسام التي يشرف عليها
mod-limit-sections-hint = إن لم تحدد شيئًا فهو يشرف على كل الأقسام.

# البحث
search-title = بحث
search-go = ابحث
search-filters = تضييق البحث
search-from = من
search-to = إلى
search-sort-relevance = الأقرب صلة
search-hint = ابحث في كل الأخبار بالعربية والإنجليزية: أي صيغة للكلمة تجد أخواتها، بالتشكيل أو دونه. ضع العبارة بين "علامتي تنصيص"، و‎-كلمة تستبعد كلمة.
search-count = { PLURAL($count) ->
    [zero] لا نتائج
    [one] نتيجة واحدة
    [two] نتيجتان
    [few] { DIGITS($count) } نتائج
    [many] { DIGITS($count) } نتيجة
   *[other] { DIGITS($count) } نتيجة
}
search-did-you-mean = هل تقصد:
search-every-language = ابحث في كل اللغات
search-problem-empty_query = اكتب كلمة للبحث عنها.
search-problem-query_too_long = لا يزيد البحث على ٢٠٠ حرف.
search-problem-invalid_date = اكتب التاريخ على هيئة سنة-شهر-يوم.
search-problem-unknown_language = هذه ليست من لغات الموقع.
search-problem-invalid_page = لا وجود لهذه الصفحة.
search-problem-invalid_id = رقم الخبر أرقام فقط.
mod-search = البحث في التعليقات
mod-search-author = الكاتب
mod-search-story = رقم الخبر
mod-search-status = الحالة
mod-status-visible = منشور
mod-status-pending = بانتظار المراجعة
mod-status-rejected = مرفوض
mod-status-shadowed = محظور حظرًا خفيًا
search-within = ابحث في «{ $name }»
error-rejected-unknown_queue = لا يوجد طابور بهذا الاسم.
error-rejected-invalid_page = لا وجود لهذه الصفحة.
error-rejected-invalid_id = هذا ليس رقمًا.
error-rejected-unknown_language = هذه ليست من لغات الموقع.
mod-search-count = { PLURAL($count) ->
    [zero] لا تعليقات
    [one] تعليق واحد
    [two] تعليقان
    [few] { DIGITS($count) } تعليقات
    [many] { DIGITS($count) } تعليقًا
   *[other] { DIGITS($count) } تعليق
}

## Feeds
feed-comments-title = التعليقات على { $headline }

## شاشات غرفة الأخبار
admin-title = غرفة الأخبار
admin-link = غرفة الأخبار
admin-dashboard = لوحة التحرير
admin-stories = الأخبار
admin-new-story = خبر جديد
admin-people = الأشخاص والأسماء
admin-settings = إعدادات الموقع
admin-col-headline = العنوان
admin-col-status = الحالة
admin-col-translation = الترجمة
admin-col-updated = آخر تعديل
admin-status-draft = مسودة
admin-status-scheduled = مجدول
admin-status-published = منشور
admin-status-unpublished = محجوب
admin-edition-missing = النسخة { $language } غير موجودة
admin-edition-behind = { PLURAL($count) ->
    [one] تغيّرت النسخة { $language } مرة واحدة بعد هذه
    [two] النسخة { $language } أحدث من هذه بمراجعتين
    [few] النسخة { $language } أحدث من هذه بـ{ DIGITS($count) } مراجعات
    [many] النسخة { $language } أحدث من هذه بـ{ DIGITS($count) } مراجعةً
   *[other] النسخة { $language } أحدث من هذه بـ{ DIGITS($count) } مراجعة
}
admin-language-ar = العربية
admin-language-en = الإنكليزية
admin-waiting = تعليقات تنتظر
admin-most-discussed = الأكثر نقاشًا هذا الأسبوع
admin-nothing = لا شيء هنا.
admin-drafts = المسودات
admin-scheduled = المجدولة
admin-recent = المنشورة مؤخرًا
admin-any = الكل
admin-language = اللغة
admin-section = القسم
admin-author = الكاتب
admin-headline-words = كلمات من العنوان
admin-filter = تصفية
admin-no-stories = لا أخبار تطابق.
admin-first-edition = لغة النسخة الأولى
admin-headline = العنوان
admin-none = بلا
admin-start-writing = ابدأ الكتابة
admin-editor = محرر الخبر
admin-saved = حُفظ.
admin-placement = القسم والوسوم والصورة
admin-tags = الوسوم
admin-no-tags = لا وسوم بعد؛ أضفها من «الأشخاص والأسماء».
admin-hero = الصورة الرئيسية
admin-no-image = بلا صورة
admin-upload = ارفع صورة (JPEG أو PNG أو WebP، حتى ١٠ ميغابايت)
admin-alt = وصف للقرّاء المكفوفين ({ $language })
admin-upload-button = ارفع
admin-save-placement = احفظ القسم والوسوم والصورة
admin-view-live = اعرضه منشورًا
admin-revisions = { PLURAL($count) ->
    [one] مراجعة واحدة
    [two] مراجعتان
    [few] { DIGITS($count) } مراجعات
    [many] { DIGITS($count) } مراجعةً
   *[other] { DIGITS($count) } مراجعة
}
admin-slug = العنوان في الرابط
admin-slug-suggested = من العنوان:
admin-use-slug = استخدمه
admin-standfirst = المقدمة
admin-dateline = مكان الخبر
admin-body = نص الخبر (Markdown)
admin-markdown-hint = سطر فارغ بين الفقرات، وعلامتا ## قبل العنوان الفرعي، وعلامة > قبل الاقتباس؛ والروابط بصيغة Markdown.
admin-hero-caption = تعليق الصورة
admin-hero-credit = مصدر الصورة
admin-comment-mode = التعليقات
admin-comments-open = مفتوحة
admin-comments-pre_moderated = تُراجع قبل النشر
admin-comments-closed = مغلقة
admin-byline = الكتّاب
admin-save = احفظ
admin-save-keys = Ctrl+S أو ⌘S للحفظ
admin-read-only = لا يسمح دورك بتعديل هذه النسخة الآن.
admin-scheduled-for = يُنشر في
admin-publish-now = انشر الآن
admin-schedule-at = انشر في (بتوقيت { $zone })
admin-schedule = جدوِل
admin-unpublish = احجب
admin-cancel-schedule = ألغِ الجدولة
admin-preview = معاينة
admin-add-edition = أضف هذه النسخة
admin-history = سجل المراجعات
admin-back-to-editor = عودة إلى المحرر
admin-revision = المراجعة { $number }
admin-current = الحالية
admin-restore = استعد هذه المراجعة
admin-field-headline = العنوان
admin-field-slug = الرابط
admin-field-standfirst = المقدمة
admin-field-dateline = مكان الخبر
admin-field-body = نص الخبر
admin-field-hero_caption = تعليق الصورة
admin-diff-same = دون تغيير:
admin-diff-removed = حُذف:
admin-diff-added = أُضيف:
admin-no-text-change = لم يتغيّر النص (تغيّر الكتّاب أو الإعدادات).
admin-name-in = الاسم باللغة { $language }
admin-bio-in = نبذة قصيرة باللغة { $language }
admin-users = الحسابات والأدوار
admin-roles-admins-only = المديرون وحدهم يغيّرون الأدوار.
admin-col-user = الحساب
admin-col-role = الدور
admin-col-joined = انضم
admin-role-reader = قارئ
admin-role-moderator = مشرف تعليقات
admin-role-author = كاتب (مسوداته)
admin-role-editor = محرر (ينشر)
admin-role-admin = مدير (الأشخاص والإعدادات)
admin-change-role = غيّر
admin-sections = الأقسام
admin-add-section = أضف قسمًا
admin-add-tag = أضف وسمًا
admin-authors = أسماء الكتّاب
admin-author-account = الحساب الذي يكتب بهذا الاسم (اسم المستخدم، اختياري)
admin-add-author = أضف كاتبًا
admin-error-other = لم ينجح ذلك ({ $code }).
admin-error-edit-conflict = حفظ شخص آخر هذه النسخة بعد أن فتحتها، فرُفض حفظك. لم يضع شيء: نصك ما زال في النموذج ونصه في سجل المراجعات. احفظ من جديد لتحلّ نسختك محل نسخته.
admin-error-not-in-future = مضى هذا الوقت. اختر وقتًا في المستقبل بتوقيت الموقع.
admin-error-invalid-time = حدّد تاريخًا ووقتًا للجدولة.
admin-error-forbidden = لا يسمح دورك بذلك.
admin-error-not-found = لم يعد هذا موجودًا.
admin-error-already-taken = هذا الرابط مستخدم؛ اختر غيره.
admin-error-required = العنوان (أو الاسم) مطلوب.
admin-error-invalid-slug = يتكوّن الرابط من حروف وأرقام وشرطات.
admin-error-unknown-language = لا ينشر هذا الموقع بتلك اللغة.
admin-error-unknown-user = لا حساب بهذا الاسم.
admin-error-too-long = أحد الحقول أطول من المسموح.
admin-error-only-draft = يسمح دورك بتعديل المسودات وحدها.
admin-error-internal = حدث خطأ من جهتنا؛ لم يتغيّر شيء.
admin-error-bad-request = وصل النموذج تالفاً؛ أعد تحميل الصفحة وحاول مجدداً.
admin-js-saving = جارٍ الحفظ…
admin-js-saved = حُفظ
admin-js-draft-saved = حُفظت المسودة تلقائيًا
admin-js-unsaved = تغييرات لم تُحفظ
admin-js-live-unsaved = تغييرات لم تُحفظ — هذه النسخة منشورة: اضغط «احفظ» لنشرها
admin-js-conflict = حفظ شخص آخر هذه النسخة بعد أن فتحتها. نصك ما زال هنا ومحفوظ على هذا الجهاز؛ افتح سجل المراجعات في لسان آخر للمقارنة، ثم احفظ من جديد لتحلّ نسختك محل نسخته.
admin-js-failed = تعذّر الحفظ؛ نصك محفوظ على هذا الجهاز. سنعيد المحاولة حين تكتب أو تضغط Ctrl+S.
admin-js-recovered = استُعيد من هذا الجهاز نص لم يُحفظ.
admin-js-recover = استخدمه
admin-js-discard = تجاهله
admin-js-uploading = جارٍ الرفع…
admin-js-uploaded = رُفعت؛ اخترها ثم احفظ.
admin-js-upload-failed = رُفض الرفع: { $reason }
admin-settings-admins-only = المديرون وحدهم يغيّرون إعدادات الموقع.
admin-settings-names = الاسم واللغات
admin-settings-languages = ينشر الموقع بـ{ $list }. تُضبط اللغات في ملف الإعدادات مع ترجمات القالب.
admin-settings-default-language = اللغة الافتراضية (للزوار الذين لا يطلب متصفحهم أيًّا من اللغتين)
admin-settings-time-zone = المنطقة الزمنية لغرفة الأخبار
admin-settings-time-zone-hint = تظهر التواريخ وتُجدول الأخبار بتوقيت هذه المنطقة، مثل Asia/Beirut أو Africa/Cairo.
admin-settings-comments = التعليقات
admin-settings-edit-minutes = الدقائق التي يستطيع القارئ فيها تعديل تعليقه
admin-settings-close-days = أغلق النقاش بعد هذا العدد من الأيام على النشر (٠: أبدًا)
admin-settings-max-chars = أطول تعليق بالحروف
admin-settings-max-links = أكثر عدد من الروابط في تعليق واحد
admin-settings-per-minute = التعليقات المسموح بها لقارئ واحد في الدقيقة
admin-settings-moderation = نمط الإشراف وقوائم الكلمات والمراجعة المسبقة: إعدادات الإشراف
admin-settings-feeds = الخلاصات
admin-settings-feed-full = تحمل الخلاصات نص الخبر كاملًا
admin-settings-feed-summary = تحمل الخلاصات المقدمة ورابطًا
admin-error-out-of-range = أحد الأرقام خارج المسموح.
admin-error-unknown-time-zone = هذا ليس اسم منطقة زمنية (جرّب Asia/Beirut).
admin-error-invalid-site-name = اسم الموقع من حرف إلى ١٠٠ حرف.

## Signing in or up from a discussion, the welcome after sign-up, form feedback
comments-join = سجّل الدخول أو أنشئ حسابًا لتشارك في النقاش.
form-errors-below = بعض الحقول تحتاج إلى تصحيح، وتحت كل منها ما ينبغي تعديله.
form-retype-password = لم نحتفظ بكلمة المرور حفاظًا على أمانك، فاكتبها من جديد.
form-error-login_required = اكتب اسم المستخدم أو عنوان بريدك الإلكتروني.
form-error-password_required = اكتب كلمة المرور.
session-browser-on = { $browser } على { $system }
welcome-title = أهلًا بك في { $site }
welcome-ready = حسابك جاهز: يمكنك الآن التعليق والرد ومتابعة النقاشات.
welcome-verify-title = خطوة أخيرة: أكّد بريدك الإلكتروني
welcome-verify-body = أرسلنا رابط التأكيد إلى
welcome-verify-why = افتحه خلال ٤٨ ساعة لتثبت أن العنوان عنوانك. إن لم يصلك فابحث عنه في مجلد الرسائل غير المرغوب فيها.
welcome-back-to-story = العودة إلى الخبر
welcome-front-page = الانتقال إلى الصفحة الأولى
welcome-settings = الجلسات وإشعارات البريد وكلمة المرور:
welcome-mail-sent = أرسلنا رسالة إلى العنوان الذي كتبته. إن كان لحساب قائم فالرسالة تشرح كيف تدخل أو تختار كلمة مرور جديدة.

# النقاش: التعليقات المحجوزة والمرفوضة وما تدعمه التعليقات
comments-held-pre_moderated = يقرأ مشرفٌ التعليقات على هذا الخبر قبل ظهورها.
comments-held-user_pre_moderated = يقرأ مشرفٌ تعليقاتك قبل ظهورها.
comments-held-new_commenter = يقرأ مشرفٌ التعليقات الأولى للقرّاء الجدد قبل ظهورها.
comments-held-link = يقرأ مشرفٌ التعليقات التي فيها روابط قبل ظهورها.
comments-held-repeated_text = نشرت تعليقًا مشابهًا قبل قليل، لذا سيطّلع مشرفٌ على هذا التعليق.
comments-wait = أنت تنشر أسرع مما يسمح به الموقع. انتظر { PLURAL($seconds) ->
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { DIGITS($seconds) } ثوانٍ
    [many] { DIGITS($seconds) } ثانية
   *[other] { DIGITS($seconds) } ثانية
} ثم أرسله مجددًا؛ نصّك محفوظ أدناه.
comments-suspended-until = حسابك موقوف عن التعليق حتى { $until }.
comments-format-hint = نص عادي. السطر الفارغ يبدأ فقرة جديدة، والروابط تصبح قابلة للنقر، و‎@الاسم يذكر قارئًا، والسطر الذي يبدأ بـ > اقتباس.
comments-start = كن أول من يبدي رأيه.
history-title = سجل التعديلات
history-version = النسخة { DIGITS($number) }
history-current = المعروضة الآن

# مفاتيح طابور الإشراف والإشعار والتراجع.
mod-keys-line = المفاتيح (على أي تخطيط للوحة المفاتيح): j/k تنقّل · a قبول · r رفض · f اختيار · b b حظر · x تحديد · u أو z تراجع · ? مساعدة
mod-keys-position = في التخطيط العربي وغيره مما لا حروف لاتينية فيه، اضغط المفتاح الذي يقع فيه الحرف على لوحة المفاتيح الإنكليزية.
mod-keys-select = تحديد التعليق لاتخاذ قرار في عدة تعليقات معًا
mod-keys-undo = التراجع عن القرار الأخير
mod-keys-load = تحميل التعليقات التي وصلت
mod-keys-help = إظهار هذه المساعدة أو إخفاؤها
mod-keys-close = إغلاق هذه المساعدة
mod-fresh-load = تعليقات جديدة بانتظارك — اضغط . أو اتبع هذا الرابط لتحميلها
mod-done-approve = قُبل تعليق { $name }
mod-done-reject = رُفض تعليق { $name }
mod-done-feature = اختير تعليق { $name }
mod-done-ban = حُظر { $name } ورُفضت تعليقاته
mod-done-bulk-approve = قُبلت التعليقات المحددة: { $count }
mod-done-bulk-reject = رُفضت التعليقات المحددة: { $count }
mod-done-bulk-feature = اختيرت التعليقات المحددة: { $count }
mod-undone = تم التراجع: عاد تعليق { $name } إلى الطابور
mod-undone-bulk = تم التراجع: عادت التعليقات إلى الطابور
mod-undo = تراجع

# تأكيد قرار المشرف بعد إرسال النموذج، مع زر التراجع
mod-banner-comments = تم { $action ->
    [approve] قبول
    [reject] رفض
    [feature] اختيار
    [unfeature] إلغاء اختيار
    [redact] حجب نص
   *[other] البتّ في
} { PLURAL($count) ->
    [one] تعليق واحد.
    [two] تعليقين.
    [few] { DIGITS($count) } تعليقات.
    [many] { DIGITS($count) } تعليقًا.
   *[other] { DIGITS($count) } تعليق.
}
mod-banner-reader = { $action ->
    [warn] تم تنبيه { $name }.
    [suspend] تم إيقاف { $name } مؤقتًا.
    [unsuspend] رُفع الإيقاف المؤقت عن { $name }.
    [ban] تم حظر { $name }.
    [unban] رُفع الحظر عن { $name }.
    [shadow_ban] تم حظر { $name } حظرًا خفيًا.
    [unshadow] رُفع الحظر الخفي عن { $name }.
    [pre_moderate] صارت تعليقات { $name } تنتظر مراجعة المشرف قبل نشرها.
    [stop_pre_moderating] لم تعد تعليقات { $name } تنتظر مراجعة المشرف.
    [note] أُضيفت ملاحظة عن { $name }.
    [limit_sections] تغيّرت الأقسام التي يشرف عليها { $name }.
   *[other] تم.
}
mod-banner-undo-hint = يمكنك التراجع عنه خلال دقائق.
mod-banner-undone = { PLURAL($count) ->
    [one] تم التراجع: عاد كل شيء كما كان قبل ذلك القرار.
    [two] تم التراجع عن قرارين.
    [few] تم التراجع عن { DIGITS($count) } قرارات.
    [many] تم التراجع عن { DIGITS($count) } قرارًا.
   *[other] تم التراجع عن { DIGITS($count) } قرار.
}
mod-log-action-undo = تراجع عن قرار بشأن
error-rejected-undo_window_passed = انقضت مهلة التراجع عن هذا القرار؛ اتخذ قرارًا جديدًا بدلًا منه.
error-rejected-already_undone = سبق التراجع عن هذا القرار.
error-rejected-superseded = غيّر قرارٌ آخر هذا الأمر منذ ذلك الحين؛ اتخذ قرارًا جديدًا بدل التراجع.

# قرارات الإشراف بكلمات واضحة (المسألة 25): كل سبب مع ما فعله والمرحلة
# التي قررته؛ سجل التدقيق جملًا؛ مرشحاته وأعمدة ملف CSV.
mod-verdict-approve = نُشر تلقائيًا
mod-verdict-hold = عُلِّق للمراجعة
mod-verdict-flag = نُشر مع تنبيه
mod-verdict-reject = رُفض
mod-decision = { $action }: { $reason }
mod-decision-phase = { $action }: { $reason } (المرحلة: { $phase })
mod-why-thread_closed = النقاش مغلق
mod-why-too_long = أطول من المسموح (عدد الأحرف { DIGITS($chars) } والحد الأقصى { DIGITS($max) })
mod-why-too_many_links = روابط أكثر من المسموح (الحد الأقصى { DIGITS($max) })
mod-why-staff = الكاتب من فريق التحرير
mod-why-banned_word = كلمة محظورة «{ $word }»
mod-why-suspect_word = كلمة مريبة «{ $word }»
mod-why-link = { PLURAL($count) ->
    [one] رابط واحد
    [two] رابطان
    [few] { DIGITS($count) } روابط
    [many] { DIGITS($count) } رابطًا
   *[other] { DIGITS($count) } رابط
}
mod-why-repeated_text = نص مكرر ({ PLURAL($count) ->
    [one] مرة واحدة
    [two] مرتان
    [few] { DIGITS($count) } مرات
    [many] { DIGITS($count) } مرةً
   *[other] { DIGITS($count) } مرة
})
mod-why-new_commenter = معلِّق جديد، نال { DIGITS($approved) } من { PLURAL($needed) ->
    [one] موافقة واحدة مطلوبة
    [two] موافقتين مطلوبتين
    [few] { DIGITS($needed) } موافقات مطلوبة
    [many] { DIGITS($needed) } موافقةً مطلوبة
   *[other] { DIGITS($needed) } موافقة مطلوبة
}
mod-why-rejection_rate = رُفض كثير من تعليقاته الأخيرة ({ DIGITS($rejected) } من آخر { DIGITS($recent) })
mod-why-user_pre_moderated = القارئ خاضع للمراجعة المسبقة
mod-why-pre_moderated = { $scope ->
    [story] هذا الخبر خاضع للمراجعة المسبقة
    [section] قسم هذا الخبر خاضع للمراجعة المسبقة
   *[site] الموقع كله خاضع للمراجعة المسبقة
}
mod-why-passed = نُشر تلقائيًا: اجتاز جميع المراحل
mod-phase-passed = اجتياز جميع المراحل
mod-log-automatic = آليًا، { $phase }
mod-log-comment-by = تعليق
mod-log-comment-link = (التعليق)
mod-log-on-story = في خبر
mod-log-message-reject = رسالة إلى الكاتب
mod-log-message-warn = نص التنبيه
mod-log-message-note = الملاحظة
mod-log-message-redact = الملاحظة المعروضة مكانه
mod-msg-settings = { $scope ->
    [story] الخبر { DIGITS($id) }
    [section] القسم { DIGITS($id) }
   *[site] الموقع كله
}: المراجعة المسبقة { $premod ->
    [yes] مفعّلة
    [no] معطّلة
   *[inherit] كما في الأعلى
}، والتعليق { $closed ->
    [yes] مغلق
    [no] مفتوح
   *[inherit] كما في الأعلى
}
mod-msg-settings-message = { $settings }؛ الرسالة «{ $message }»
mod-msg-policy = الكلمات المريبة { $suspect ->
    [flag] تُنشر مع تنبيه
   *[hold] تُعلَّق للمراجعة
}؛ الروابط { $links ->
    [yes] تُعلَّق للمراجعة
   *[no] مسموح بها
}؛ تُعلَّق تعليقات المعلِّق الجديد حتى يبلغ عدد الموافقات عليها { DIGITS($approvals) }؛ وتُعلَّق تعليقات القارئ إذا تجاوزت نسبة المرفوض منها { DIGITS($percent) }٪ وكان عدد تعليقاته الأخيرة { DIGITS($min) } على الأقل
mod-msg-until = حتى { $date }
mod-msg-ban-rejected = { PLURAL($count) ->
    [zero] لم يُرفض أي تعليق
    [one] رُفض تعليق واحد
    [two] رُفض تعليقان
    [few] رُفضت { DIGITS($count) } تعليقات
    [many] رُفض { DIGITS($count) } تعليقًا
   *[other] رُفض { DIGITS($count) } تعليق
}
mod-msg-word-list = قائمة الكلمات { $list ->
    [banned] المحظورة
   *[suspect] المريبة
} ({ $language }): { PLURAL($count) ->
    [zero] لا كلمات
    [one] كلمة واحدة
    [two] كلمتان
    [few] { DIGITS($count) } كلمات
    [many] { DIGITS($count) } كلمةً
   *[other] { DIGITS($count) } كلمة
}
mod-msg-sections = الأقسام { $ids }
mod-msg-all-sections = جميع الأقسام
mod-log-moderator = المشرف
mod-log-reader = القارئ
mod-log-action = الإجراء
mod-log-from = من تاريخ
mod-log-to = إلى تاريخ
mod-log-csv = تنزيل بصيغة CSV
mod-csv-time = الوقت
mod-csv-moderator = المشرف
mod-csv-phase = المرحلة
mod-csv-action = الإجراء
mod-csv-reader = القارئ
mod-csv-comment = رقم التعليق
mod-csv-story = الخبر
mod-csv-excerpt = مقتطف
mod-csv-reasons = الأسباب
mod-csv-message = الرسالة
error-rejected-invalid_date = هذا ليس تاريخًا صحيحًا: اكتبه على هذا النحو 2026-12-31.
mod-refused-undo_window_passed = فات وقت التراجع عن هذا القرار؛ اتّخذ قرارًا جديدًا بدلًا منه.
mod-refused-already_undone = سبق التراجع عن هذا القرار.
mod-refused-superseded = غيّر قرارٌ لاحق هذا التعليق منذ ذلك الحين؛ اتّخذ قرارًا جديدًا بدلًا منه.
mod-refused-not_yours = لا يتراجع عن القرار إلا المشرف الذي اتّخذه.
admin-rename-section = إعادة التسمية
admin-save-section-names = احفظ الأسماء
admin-section-renamed = أُعيدت تسمية القسم، ويعرض الموقع اسمه الجديد.

## Site chrome and error pages (issue 21): the compact header, refusals by role
nav-menu = القائمة
error-404-search = أو ابحث في الموقع:
error-not-allowed-body = لا يسمح حسابك بفتح هذه الصفحة أو القيام بهذا.
error-title-not_in_newsroom = تحتاج إلى دور في غرفة الأخبار
error-rejected-not_in_newsroom = هذه الشاشات مخصّصة لغرفة الأخبار، ولفتحها تحتاج إلى دور فيها (كاتب أو محرّر أو مدير)؛ ويستطيع أحد مديري الموقع منحك إيّاه.
error-title-not_a_moderator = تحتاج إلى دور المشرف
error-rejected-not_a_moderator = هذه الشاشات مخصّصة للمشرفين، ولفتحها تحتاج إلى دور المشرف؛ ويستطيع أحد مديري الموقع منحك إيّاه.
error-rejected-outside_your_sections = تشرف على أقسام أخرى، وهذا القسم ليس من الأقسام التي تشرف عليها.

## سير العمل في غرفة الأخبار (المسألة 21): النشر معًا، التأكيد، التنبيهات،
## حالة الترجمة، وشريط أدوات المحرّر.
admin-warning-no-byline = بلا اسم كاتب: لن يعرف القرّاء من كتب هذه النسخة.
admin-warning-no-hero-image = بلا صورة رئيسية: يظهر الخبر بطاقةً نصية ويُشارَك من دون صورة.
admin-confirm-published = نُشر
admin-confirm-scheduled = جُدول
admin-confirm-live = النسخة { $language } منشورة الآن:
admin-confirm-scheduled-at = تُنشر النسخة { $language } في { $time } (بتوقيت { $zone }):
admin-publish-together = نشر النسخ
admin-publish-which = النسخ المراد نشرها
admin-publish-when = متى
admin-publish-selected = انشر النسخ المختارة
admin-mark-synced = علِّمها محدَّثة
admin-mark-synced-hint = بعد أن تصبح هذه النسخة مطابقة لما في النسخ الأخرى.
admin-synced-done = عُلِّمت النسخة محدَّثةً ومطابقة للنسخ الأخرى.
admin-sync-on-save = الحفظ يجعل هذه النسخة مطابقةً للنسخ الأخرى
admin-error-no-edition-chosen = اختر نسخةً واحدة على الأقل للنشر.
admin-error-already-published = إحدى هذه النسخ منشورة من قبل؛ أوقف نشرها أولًا لتجدولها.
admin-error-not-published = هذه النسخة غير منشورة.
admin-tools = التنسيق
admin-tool-heading = عنوان فرعي
admin-tool-bold = خط عريض
admin-tool-italic = خط مائل
admin-tool-link = رابط
admin-tool-quote = اقتباس
admin-tool-list = قائمة نقطية
admin-tool-numbered = قائمة مرقّمة
admin-tool-image = صورة من المكتبة
admin-tool-embed = صورة الخبر الرئيسية
admin-tool-preview = معاينة
admin-tool-link-prompt = عنوان الرابط (https://…)
admin-tool-images = الصور في المكتبة
admin-tool-no-images = لا صور في المكتبة بعد؛ ارفع صورةً من «القسم والوسوم والصورة».
admin-tool-close = إغلاق
admin-tool-keys = المفاتيح: Ctrl+B للعريض، Ctrl+I للمائل، Ctrl+K للرابط، Ctrl+Alt+2 للعنوان الفرعي، Ctrl+Shift+7 للقائمة المرقّمة، Ctrl+Shift+8 للقائمة النقطية، Ctrl+Shift+9 للاقتباس.

## الصفحة الأولى والصفحات الثابتة والتذييل (المسألة 21)
front-breaking = عاجل
front-top-stories = أبرز الأخبار
front-most-read = الأكثر قراءة
front-most-discussed = الأكثر نقاشًا
front-more = مزيد من الأخبار
page-about = من نحن
page-contact = اتصل بنا
page-privacy = الخصوصية
page-terms = شروط الاستخدام
page-corrections = سياسة التصحيح
page-updated = آخر تحديث
page-not-written = لم تكتب هيئة التحرير هذه الصفحة بالعربية بعد.
footer-about-nav = عن الموقع
footer-sections = الأقسام
footer-follow = تابعنا
footer-feed-atom = موجز Atom
footer-feed-rss = موجز RSS
admin-front = الصفحة الأولى
admin-front-languages = الصفحة الأولى حسب اللغة
admin-front-of = الصفحة الأولى — { $language }
admin-front-saved = حُفظت الصفحة الأولى، وسيراها القرّاء في زيارتهم التالية.
admin-front-view = عرضها
admin-front-editors-only = يرتّب المحررون والمديرون وحدهم الصفحة الأولى ويكتبون صفحات الموقع.
admin-front-picks = الخبر الرئيسي وأبرز الأخبار
admin-front-picks-hint = اختر حتى { $slots } أخبار، وأولها هو الخبر الرئيسي. تُملأ الأماكن الفارغة بأحدث الأخبار، مع تقديم ما له صورة في موضع الخبر الرئيسي. والخبر المثبّت حتى وقت محدد يغادر الصفحة الأولى عند حلوله.
admin-front-lead = الخبر الرئيسي
admin-front-top = خبر بارز
admin-front-no-image = (بلا صورة: يُعرض بطاقةً نصية)
admin-front-until = يبقى حتى
admin-front-up = إلى أعلى
admin-front-down = إلى أسفل
admin-front-remove = إزالة
admin-front-up-label = انقل «{ $headline }» إلى أعلى
admin-front-down-label = انقل «{ $headline }» إلى أسفل
admin-front-remove-label = أزل «{ $headline }» من الصفحة الأولى
admin-front-automatic = لم يُختر شيء: تعرض الصفحة الأولى أحدث الأخبار، ويتصدّرها أحدث خبر له صورة.
admin-front-expired = لم تعد معروضة (انقضى وقتها): { $list }
admin-front-add = أضف خبرًا
admin-front-add-end = بعد الأخبار الأخرى
admin-front-add-lead = خبرًا رئيسيًا
admin-front-add-button = أضف
admin-front-breaking = شريط الأخبار العاجلة
admin-front-breaking-text = نص الشريط (اتركه فارغًا لإخفاء الشريط)
admin-front-breaking-link = يحيل إلى
admin-front-breaking-no-link = لا خبر
admin-front-breaking-until = يُعرض حتى (بتوقيت الموقع)
admin-front-breaking-clear = أزل الشريط
admin-pages = صفحات الموقع
admin-pages-unwritten = لم تُكتب
admin-pages-title = العنوان
admin-pages-body = النص (بصيغة Markdown كما في الأخبار)
admin-pages-hint = اترك العنوان والنص فارغين لإزالة صفحة هذه اللغة.
admin-pages-view = اعرض الصفحة
admin-error-bad-time = أدخل تاريخًا ووقتًا.
admin-error-in-the-past = مضى ذلك الوقت؛ اختر وقتًا في المستقبل.
admin-error-too-many-picks = الأخبار المختارة أكثر من أماكن الصفحة الأولى.
admin-error-not-published-here = يجب أن يكون كل خبر في الصفحة الأولى منشورًا بلغتها.

# The site's icon (settings)
admin-settings-icon = أيقونة الموقع
admin-settings-icon-default = أيقونة السمة هي المستخدمة.
admin-settings-icon-custom = أيقونتك هي المستخدمة.
admin-settings-icon-file = صورة مربعة، ٥١٢ بكسل على الأقل في كل ضلع (PNG أو JPEG أو WebP)
admin-settings-icon-hint = منها تُصنع أيقونة لسان المتصفح وأيقونة الشاشة الرئيسية في الهاتف وأيقونة الموقع المثبّت. الصورة غير المربعة توضع في وسط مربع شفاف.
admin-settings-icon-upload = استخدم هذه الأيقونة
admin-settings-icon-remove = عُد إلى أيقونة السمة
admin-error-icon-required = اختر صورة للأيقونة.
admin-error-unsupported-type = لا تُقبل إلا صور JPEG وPNG وWebP.
admin-error-unreadable-image = تعذّرت قراءة هذه الصورة.
admin-error-image-too-large = في هذه الصورة بكسلات أكثر من المسموح (١٠٬٠٠٠ على الأكثر في كل ضلع).
admin-error-file-too-large = هذا الملف أكبر من ١٠ ميبيبايت.
admin-front-moved = «{ $headline }» الآن في المرتبة { $position } من { $count }. احفظ لتثبيت هذا الترتيب.

admin-webhooks = خطافات الويب
admin-webhooks-intro = عناوين تُبلَّغ بما يجري في الموقع، موقَّعة وفق معيار Standard Webhooks (انظر docs/webhooks.md). العنوان الذي يظل يفشل يومًا كاملًا يُعطَّل ويُكتب إلى المشرفين.
admin-webhooks-endpoints = العناوين
admin-webhooks-url = العنوان
admin-webhooks-description = الوصف
admin-webhooks-events = أنواع الأحداث
admin-webhooks-state = الحالة
admin-webhooks-enabled = مفعَّل
admin-webhooks-disabled = معطَّل
admin-webhooks-disabled-failing = معطَّل: ظل يفشل
admin-webhooks-edit = هذا العنوان
admin-webhooks-rotate = سرّ جديد
admin-webhooks-delete = احذف
admin-webhooks-new = أضف عنوانًا
admin-webhooks-create = أضف
admin-webhooks-secret = سرّ التوقيع، يُعرض هذه المرة فقط. يبقى السرّ السابق، إن وُجد، يوقّع بجانبه يومًا.
admin-webhooks-deliveries = آخر الإرسالات
admin-webhooks-no-deliveries = لم يُرسل إليه شيء بعد.
admin-webhooks-event = الحدث
admin-webhooks-delivery-state = الإرسال
admin-webhooks-answer = آخر رد
admin-webhooks-replay = أعد الإرسال
admin-webhooks-is-replay = إعادة إرسال
admin-webhooks-replayed = وُضع في الطابور ليُرسل ثانية.
admin-webhooks-status-pending = ينتظر
admin-webhooks-status-delivered = وصل
admin-webhooks-status-failed = فشل
admin-webhooks-attempts = { $count ->
    [zero] لا محاولات
    [one] محاولة واحدة
    [two] محاولتان
    [few] { $count } محاولات
    [many] { $count } محاولة
   *[other] { $count } محاولة
}
admin-error-webhook-address-refused = هذا العنوان على هذا الجهاز أو على شبكة خاصة؛ لا تُرسل إليه خطافات الويب إلا إذا سمحت الإعدادات بذلك.
admin-error-invalid-webhook-url = أدخل عنوان http أو https بلا اسم مستخدم ولا كلمة مرور.
admin-error-unresolvable-webhook-host = اسم المضيف في هذا العنوان لا يُحَلّ.
admin-error-no-event-types = اختر نوع حدث واحدًا على الأقل.
admin-error-too-many-webhooks = للموقع خمسون عنوانًا على الأكثر.

## نقاش مضمّن في موقع آخر (docs/embed.md)
embed-commenting-as = تعلّق باسم
embed-sign-out = تسجيل الخروج
embed-held = تعليقك بانتظار مراجعة مشرف، ويظهر بعد الموافقة عليه.
embed-popup-blocked = منع متصفحك نافذة تسجيل الدخول. اسمح بالنوافذ المنبثقة لهذه الصفحة ثم أعد المحاولة.
embed-signed-in-title = تم تسجيل دخولك
embed-signed-in-body = يمكنك إغلاق هذه النافذة والعودة إلى النقاش.
embed-on-site = على موقع آخر:
embed-reply-cancel = ألغِ الرد
error-rejected-origin_not_allowed = لا يعرض هذا الموقع نقاشاته على ذلك الموقع.
error-rejected-invalid_url = لم تذكر الصفحة التي تضمّ هذا النقاش عنوانًا صالحًا (عنوان http أو https كاملًا).
embed-cancel = إلغاء
embed-reported = شكرًا لك، سيراجعه المشرفون.
embed-signed-out = انتهت مدة تسجيل دخولك. سجّل الدخول من جديد للمتابعة.
embed-error-network = تعذّر الوصول إلى النقاش. تحقّق من اتصالك ثم أعد المحاولة.
