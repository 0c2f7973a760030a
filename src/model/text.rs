//! Localized text with fallbacks filled in, and the translation coverage counted while resolving.

use serde::Serialize;
use std::collections::BTreeMap;

use super::Pos;

/// Text available in every site language (missing ones already fell back to the default).
#[derive(Debug, Clone, Default)]
pub struct Text {
    values: BTreeMap<String, String>,
    default: String,
    pos: Option<Pos>,
}

impl Text {
    /// Text from a complete map and the default language code.
    pub fn new(values: BTreeMap<String, String>, default: &str) -> Self {
        Self {
            values,
            default: default.to_owned(),
            pos: None,
        }
    }

    /// The same text, remembering where it was written.
    pub fn at(mut self, pos: Option<Pos>) -> Self {
        self.pos = pos;
        self
    }

    /// Where the text was written, when known.
    pub fn pos(&self) -> Option<&Pos> {
        self.pos.as_ref()
    }

    /// The same text in every language.
    pub fn plain(text: &str, default: &str) -> Self {
        Self::new(
            BTreeMap::from([(default.to_owned(), text.to_owned())]),
            default,
        )
    }

    /// The text in `lang`, else in the default language.
    pub fn get(&self, lang: &str) -> &str {
        self.values
            .get(lang)
            .or_else(|| self.values.get(&self.default))
            .map_or("", String::as_str)
    }

    /// Replaces the text of one language (a translation file's front matter wins).
    pub fn set(&mut self, lang: &str, text: String) {
        self.values.insert(lang.to_owned(), text);
    }

    /// Every language's text, for checks that scan wording.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// How much of one language is translated.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Localized fields and bodies that exist in the default language.
    pub total: usize,
    /// Of those, how many this language has.
    pub present: usize,
}

impl Coverage {
    /// Share present, 0–100.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.present as f64 * 100.0 / self.total as f64
        }
    }
}

/// A text field or body missing in a language.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MissingTranslation {
    /// Language code.
    pub lang: String,
    /// File relative to the site root.
    pub file: String,
    /// Line of the field, when known.
    pub line: Option<usize>,
    /// Column of the field's value, when known.
    pub column: Option<usize>,
    /// Field name or "body".
    pub field: String,
    /// Park key, when the field belongs to a park.
    pub park: Option<String>,
    /// The text is there, but in another script than the language's (Chinese on an English
    /// page): shown as is, it is still untranslated.
    pub foreign_script: bool,
}

/// Whether `text`, shown on a page of `lang`, holds Han characters that `lang` is not written
/// with (every language but Chinese and Japanese).
pub fn is_foreign_script(text: &str, lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or(lang);
    !matches!(primary, "zh" | "ja") && text.chars().any(crate::locale::is_han)
}

/// Translation coverage, overall and per park.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TranslationReport {
    /// Coverage per non-default language.
    pub languages: BTreeMap<String, Coverage>,
    /// Coverage per park and language.
    pub parks: BTreeMap<String, BTreeMap<String, Coverage>>,
    /// Every missing field and body.
    pub missing: Vec<MissingTranslation>,
}

impl TranslationReport {
    /// Counts one localized item for `lang`.
    pub fn count(&mut self, lang: &str, park: Option<&str>, present: bool) {
        let add = |c: &mut Coverage| {
            c.total += 1;
            c.present += usize::from(present);
        };
        add(self.languages.entry(lang.to_owned()).or_default());
        if let Some(park) = park {
            add(self
                .parks
                .entry(park.to_owned())
                .or_default()
                .entry(lang.to_owned())
                .or_default());
        }
    }
}
