//! The one spelling of each value of a closed list (park status, policy category, factor kind,
//! carrier kind, tenant status, audience kind, channel): `code()` and `FromStr` made by one macro,
//! used by content files (serde's lowercase names agree, as a test checks), templates, share
//! links, checks, import and the change report.

/// A closed list of values, each with one code.
pub trait Coded: Copy + PartialEq + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The code files, templates, links and reports spell the value with.
    fn code(self) -> &'static str;
}

/// A code that names no value of the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{code}` is not one of {}", .known.join(", "))]
pub struct UnknownCode {
    /// What was given.
    pub code: String,
    /// The codes of the list.
    pub known: Vec<&'static str>,
}

/// The value of `T` spelled `code`.
pub fn parse<T: Coded>(code: &str) -> Result<T, UnknownCode> {
    T::ALL
        .iter()
        .copied()
        .find(|value| value.code() == code)
        .ok_or_else(|| UnknownCode {
            code: code.to_owned(),
            known: T::ALL.iter().map(|value| value.code()).collect(),
        })
}

/// Implements [`Coded`], an inherent `code()`, `FromStr` and `Display` for an enum.
macro_rules! codes {
    ($name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $crate::content::codes::Coded for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }
        }

        impl $name {
            /// The one code of this value (as content files, templates and links spell it).
            pub fn code(self) -> &'static str {
                $crate::content::codes::Coded::code(self)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::content::codes::UnknownCode;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                $crate::content::codes::parse(code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use codes;

#[cfg(test)]
mod tests {
    use super::Coded;
    use crate::content::raw::*;

    /// serde reads and writes content files with the same code as everything else.
    fn agrees_with_serde<T: Coded + serde::Serialize + std::str::FromStr + std::fmt::Debug>()
    where
        T::Err: std::fmt::Debug,
    {
        for value in T::ALL {
            let json = serde_json::to_value(value).expect("serializes");
            assert_eq!(json.as_str(), Some(value.code()), "{value:?}");
            assert_eq!(value.code().parse::<T>().expect("parses"), *value);
        }
    }

    #[test]
    fn every_code_agrees_with_serde_and_parses_back() {
        agrees_with_serde::<ParkStatus>();
        agrees_with_serde::<PolicyCategory>();
        agrees_with_serde::<FactorKind>();
        agrees_with_serde::<CarrierKind>();
        agrees_with_serde::<TenantStatus>();
        agrees_with_serde::<AudienceKind>();
        agrees_with_serde::<Channel>();
    }

    #[test]
    fn an_unknown_code_names_the_known_ones() {
        let error = "steem".parse::<FactorKind>().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("`steem` is not one of land, electricity")
        );
    }
}
