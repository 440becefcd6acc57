//! How stored values become Rust values. Rows are read with
//! `#[derive(sqlx::FromRow)]`; the domain's words (`Lang`, `Role`, edition
//! and comment status) decode through their `TryFrom<String>` with
//! `#[sqlx(try_from = "String")]`, and the few stored forms the `Any`
//! driver has no type for — times in Unix milliseconds, flags in integers,
//! lists in JSON text — through the small wrappers here:
//! `#[sqlx(try_from = "Millis")]` and so on.

use jiff::Timestamp;
use khabar_core::Lang;
use serde::de::DeserializeOwned;

use crate::time::from_millis;

/// Implements `Type<Any>` and `Decode<Any>` for a wrapper around what
/// the driver reads (`$stored`).
macro_rules! decode_as {
    ($wrapper:ident, $stored:ty, $convert:expr) => {
        impl ::sqlx::Type<::sqlx::Any> for $wrapper {
            fn type_info() -> ::sqlx::any::AnyTypeInfo {
                <$stored as ::sqlx::Type<::sqlx::Any>>::type_info()
            }
            fn compatible(ty: &::sqlx::any::AnyTypeInfo) -> bool {
                <$stored as ::sqlx::Type<::sqlx::Any>>::compatible(ty)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Any> for $wrapper {
            fn decode(
                value: ::sqlx::any::AnyValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let stored = <$stored as ::sqlx::Decode<'r, ::sqlx::Any>>::decode(value)?;
                Ok($wrapper($convert(stored)))
            }
        }
    };
}
pub(crate) use decode_as;

/// A time stored as Unix milliseconds (`BIGINT NOT NULL`).
pub(crate) struct Millis(Timestamp);
decode_as!(Millis, i64, from_millis);

impl From<Millis> for Timestamp {
    fn from(value: Millis) -> Timestamp {
        value.0
    }
}

/// A nullable time in Unix milliseconds; into a `Timestamp`, NULL reads
/// as the Unix epoch.
pub(crate) struct MaybeMillis(Option<Timestamp>);
decode_as!(MaybeMillis, Option<i64>, |ms: Option<i64>| ms
    .map(from_millis));

impl From<MaybeMillis> for Option<Timestamp> {
    fn from(value: MaybeMillis) -> Option<Timestamp> {
        value.0
    }
}

impl From<MaybeMillis> for Timestamp {
    fn from(value: MaybeMillis) -> Timestamp {
        value.0.unwrap_or_else(|| from_millis(0))
    }
}

/// A nullable number where NULL reads as 0.
pub(crate) struct ZeroIfNull(i64);
decode_as!(ZeroIfNull, Option<i64>, |n: Option<i64>| n
    .unwrap_or_default());

impl From<ZeroIfNull> for i64 {
    fn from(value: ZeroIfNull) -> i64 {
        value.0
    }
}

/// A size stored as BIGINT, read into an unsigned type; out of range
/// reads as 0.
pub(crate) struct Unsigned(i64);
decode_as!(Unsigned, i64, |n: i64| n);

impl From<Unsigned> for u32 {
    fn from(value: Unsigned) -> u32 {
        u32::try_from(value.0).unwrap_or_default()
    }
}

impl From<Unsigned> for u64 {
    fn from(value: Unsigned) -> u64 {
        u64::try_from(value.0).unwrap_or_default()
    }
}

/// A flag stored as an integer: anything but 0 is true.
pub(crate) struct Flag(bool);
decode_as!(Flag, i64, |n: i64| n != 0);

impl From<Flag> for bool {
    fn from(value: Flag) -> bool {
        value.0
    }
}

/// Whether a nullable column holds a value (`email_verified_at` means
/// "verified").
pub(crate) struct IsSet(bool);
decode_as!(IsSet, Option<i64>, |v: Option<i64>| v.is_some());

impl From<IsSet> for bool {
    fn from(value: IsSet) -> bool {
        value.0
    }
}

/// JSON kept in a TEXT column; text that does not parse reads as the
/// default (an empty list), as the store always has.
pub(crate) struct JsonText(String);
decode_as!(JsonText, String, |text: String| text);

impl<T: DeserializeOwned> From<JsonText> for Vec<T> {
    fn from(value: JsonText) -> Vec<T> {
        serde_json::from_str(&value.0).unwrap_or_default()
    }
}

/// A nullable language code (events and log rows about no edition).
pub(crate) struct MaybeLang(Option<Lang>);

impl ::sqlx::Type<::sqlx::Any> for MaybeLang {
    fn type_info() -> ::sqlx::any::AnyTypeInfo {
        <String as ::sqlx::Type<::sqlx::Any>>::type_info()
    }
    fn compatible(ty: &::sqlx::any::AnyTypeInfo) -> bool {
        <String as ::sqlx::Type<::sqlx::Any>>::compatible(ty)
    }
}

impl<'r> ::sqlx::Decode<'r, ::sqlx::Any> for MaybeLang {
    fn decode(value: ::sqlx::any::AnyValueRef<'r>) -> Result<Self, ::sqlx::error::BoxDynError> {
        let code = <Option<String> as ::sqlx::Decode<'r, ::sqlx::Any>>::decode(value)?;
        Ok(MaybeLang(code.map(|code| Lang::parse(&code)).transpose()?))
    }
}

impl From<MaybeLang> for Option<Lang> {
    fn from(value: MaybeLang) -> Option<Lang> {
        value.0
    }
}
