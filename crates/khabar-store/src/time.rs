//! Times are stored as Unix milliseconds so both backends share queries.

use jiff::Timestamp;

pub(crate) fn to_millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}
