//! Arabic broken plurals and their singulars: a light, curated lexicon of
//! words common in news and in the abuse moderators list, so that a word
//! and its broken plural (كلب/كلاب، وزير/وزراء، مدينة/مدن) can be treated
//! as one. Sound plurals (ـون ـين ـات) need no list: light stemming
//! already removes their endings.
//!
//! Both sides are in the search normal form (أ إ آ → ا, ى → ي, ة → ه;
//! see [`crate::search::normalize`]). Words that are also common verbs or
//! names in their plural spelling are left out (كتب is "books" and
//! "wrote"), so that treating forms alike never makes an innocent word
//! match. Keep the table sorted by plural (a test checks).

/// (broken plural, singular), sorted by plural.
const BROKEN_PLURALS: &[(&str, &str)] = &[
    ("ابواب", "باب"),
    ("احزاب", "حزب"),
    ("اخبار", "خبر"),
    ("اراضي", "ارض"),
    ("اسري", "اسير"),
    ("اسعار", "سعر"),
    ("اسواق", "سوق"),
    ("اصدقاء", "صديق"),
    ("اطباء", "طبيب"),
    ("اطفال", "طفل"),
    ("اعداء", "عدو"),
    ("اغبياء", "غبي"),
    ("افاعي", "افعي"),
    ("امراء", "امير"),
    ("انهار", "نهر"),
    ("اولاد", "ولد"),
    ("بحار", "بحر"),
    ("بيوت", "بيت"),
    ("تجار", "تاجر"),
    ("ثعالب", "ثعلب"),
    ("جبال", "جبل"),
    ("جرحي", "جريح"),
    ("جهلاء", "جاهل"),
    ("جهله", "جاهل"),
    ("جيوش", "جيش"),
    ("حروب", "حرب"),
    ("حقراء", "حقير"),
    ("حمير", "حمار"),
    ("خنازير", "خنزير"),
    ("خونه", "خائن"),
    ("دروس", "درس"),
    ("ذئاب", "ذئب"),
    ("رجال", "رجل"),
    ("سجون", "سجن"),
    ("سفن", "سفينه"),
    ("شعوب", "شعب"),
    ("شهداء", "شهيد"),
    ("شوارع", "شارع"),
    ("شيوخ", "شيخ"),
    ("صحف", "صحيفه"),
    ("صواريخ", "صاروخ"),
    ("طلاب", "طالب"),
    ("عبيد", "عبد"),
    ("علماء", "عالم"),
    ("عمال", "عامل"),
    ("عملاء", "عميل"),
    ("قاده", "قائد"),
    ("قتله", "قاتل"),
    ("قتلي", "قتيل"),
    ("قرود", "قرد"),
    ("قضاه", "قاضي"),
    ("كفار", "كافر"),
    ("كلاب", "كلب"),
    ("كنائس", "كنيسه"),
    ("لصوص", "لص"),
    ("محاكم", "محكمه"),
    ("مدارس", "مدرسه"),
    ("مدن", "مدينه"),
    ("مساجد", "مسجد"),
    ("مشاريع", "مشروع"),
    ("ملوك", "ملك"),
    ("موانئ", "ميناء"),
    ("نساء", "امراه"),
    ("نواب", "نائب"),
    ("وزراء", "وزير"),
    ("وسائل", "وسيله"),
];

/// The singular of a broken plural in normal form, without clitics.
pub fn singular(plural: &str) -> Option<&'static str> {
    BROKEN_PLURALS
        .binary_search_by(|(p, _)| p.cmp(&plural))
        .ok()
        .map(|i| BROKEN_PLURALS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::normalize;

    #[test]
    fn the_table_is_sorted_and_in_normal_form() {
        assert!(BROKEN_PLURALS.windows(2).all(|w| w[0].0 < w[1].0));
        for (plural, one) in BROKEN_PLURALS {
            assert_eq!(normalize(plural), *plural);
            assert_eq!(normalize(one), *one);
        }
    }

    #[test]
    fn plurals_find_their_singular() {
        assert_eq!(singular("كلاب"), Some("كلب"));
        assert_eq!(singular("وزراء"), Some("وزير"));
        assert_eq!(singular("كلب"), None);
    }
}
