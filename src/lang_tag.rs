//! BCP 47 language tags (`[language_tags]` in site.toml): checked before they reach HTML `lang`
//! attributes or Typst's `lang:` and `region:`, so a tag is only ever letters, digits and
//! hyphens in the shape RFC 5646 gives.

/// Longest tag accepted (RFC 5646 asks implementations to support at least 35 characters).
pub const MAX_LEN: usize = 35;

/// A valid tag split into the parts print needs: the primary language (2–3 letters, lower
/// case) and the region (2 letters, lower case), when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag {
    /// ISO 639 language, e.g. `zh`.
    pub language: String,
    /// ISO 3166 region, e.g. `cn`, when the tag names one.
    pub region: Option<String>,
}

/// Checks `tag` as `language[-script][-region](-variant)*`; `Err` says what is wrong.
pub fn parse(tag: &str) -> Result<LanguageTag, String> {
    if tag.len() > MAX_LEN {
        return Err(format!("is longer than {MAX_LEN} characters"));
    }
    let mut subtags = tag.split('-').peekable();
    let language = subtags.next().unwrap_or_default();
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err("does not start with a 2- or 3-letter language code".into());
    }
    let mut region = None;
    if subtags
        .peek()
        .is_some_and(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        subtags.next();
    }
    if let Some(s) = subtags.peek().copied() {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
            region = Some(s.to_ascii_lowercase());
            subtags.next();
        } else if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) {
            subtags.next();
        }
    }
    for variant in subtags {
        let alnum = variant.bytes().all(|b| b.is_ascii_alphanumeric());
        let long = (5..=8).contains(&variant.len());
        let short = variant.len() == 4 && variant.as_bytes()[0].is_ascii_digit();
        if !alnum || !(long || short) {
            return Err(format!(
                "has the part `{}`, which is not a script, region or variant",
                variant.escape_debug()
            ));
        }
    }
    Ok(LanguageTag {
        language: language.to_ascii_lowercase(),
        region,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_tags_parse() {
        let zh = parse("zh-Hans-CN").expect("valid");
        assert_eq!(
            (zh.language.as_str(), zh.region.as_deref()),
            ("zh", Some("cn"))
        );
        assert_eq!(parse("en").expect("valid").region, None);
        assert!(parse("es-419").is_ok());
        assert!(parse("de-CH-1996").is_ok());
    }

    #[test]
    fn injections_are_refused() {
        for bad in [
            "",
            "zh\", region: \"cn",
            "en\") #let x = range(99999999999)",
            "zh-CN<script>",
            "z",
            "english",
            &"en-".repeat(20),
            "zh-",
            "zh CN",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
