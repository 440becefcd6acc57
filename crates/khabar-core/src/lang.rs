use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::InvalidInput;

/// A language code as it appears in URLs and `lang` attributes: a primary
/// BCP 47 subtag of two or three lowercase ASCII letters (`ar`, `en`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang {
    bytes: [u8; 3],
    len: u8,
}

impl Lang {
    pub const AR: Lang = Lang {
        bytes: *b"ar\0",
        len: 2,
    };
    pub const EN: Lang = Lang {
        bytes: *b"en\0",
        len: 2,
    };

    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        let valid = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
        if !valid {
            return Err(InvalidInput::new(
                "lang",
                "invalid_lang",
                format!(
                    "“{code}” is not a language code (two or three lowercase letters, such as ar or en)"
                ),
            ));
        }
        let mut bytes = [0; 3];
        bytes[..code.len()].copy_from_slice(code.as_bytes());
        Ok(Lang {
            bytes,
            len: code.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("und")
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.as_str())
    }
}

impl FromStr for Lang {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s)
    }
}

impl TryFrom<String> for Lang {
    type Error = InvalidInput;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Lang::parse(&code)
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Lang::parse(&code).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Writing direction of a language or a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Ltr,
    Rtl,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes() {
        assert_eq!(Lang::parse("ar").map(|l| l.to_string()), Ok("ar".into()));
        assert_eq!(Lang::parse("fil").map(|l| l.to_string()), Ok("fil".into()));
        assert_eq!(Lang::parse("ar"), Ok(Lang::AR));
        for bad in ["", "a", "AR", "arab", "a1", "عر", "en-GB"] {
            assert!(Lang::parse(bad).is_err(), "{bad}");
        }
    }
}
