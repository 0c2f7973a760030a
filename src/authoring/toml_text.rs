//! Small edits of TOML documents with `toml_edit`: set a value or one language of a localized
//! text, keeping the comments, the order and every other field as they were. Each edit says what
//! changed, for the import report.

use std::collections::BTreeMap;
use toml_edit::{InlineTable, Item, TableLike, Value};

/// One field that an edit changed: its name (`name`, `name (en)`), old and new value as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Field, with the language for one language of a localized text.
    pub field: String,
    /// What it was, if it was set.
    pub old: Option<String>,
    /// What it is now.
    pub new: String,
}

/// A number as people write it: `100`, not `100.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A number as a TOML value: an integer when it is whole.
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// A date as a TOML date value.
pub fn date_value(date: chrono::NaiveDate) -> Value {
    use chrono::Datelike;
    Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: date.year() as u16,
            month: date.month() as u8,
            day: date.day() as u8,
        }),
        time: None,
        offset: None,
    })
}

/// How a value reads in a report: strings without quotes, numbers without `.0`.
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => format_number(*f.value()),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
        Value::Array(_) | Value::InlineTable(_) => {
            let mut plain = value.clone();
            plain.decor_mut().clear();
            plain.to_string()
        }
    }
}

/// Sets `key` to `value` unless it already holds the same; keeps the comment after the old value.
pub fn set_value(table: &mut dyn TableLike, key: &str, mut value: Value) -> Option<FieldChange> {
    let new = show(&value);
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            let shown = show(old);
            if shown == new && same_kind(old, &value) {
                return None;
            }
            *value.decor_mut() = old.decor().clone();
            *old = value;
            Some(FieldChange {
                field: key.to_owned(),
                old: Some(shown),
                new,
            })
        }
        _ => {
            table.insert(key, Item::Value(value));
            Some(FieldChange {
                field: key.to_owned(),
                old: None,
                new,
            })
        }
    }
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        || matches!(
            (a, b),
            (Value::Integer(_), Value::Float(_)) | (Value::Float(_), Value::Integer(_))
        )
}

/// The text of each language of a localized field (a plain string is the default language's).
pub fn get_text(table: &dyn TableLike, key: &str, default: &str) -> BTreeMap<String, String> {
    match table.get(key) {
        Some(Item::Value(Value::String(s))) => {
            BTreeMap::from([(default.to_owned(), s.value().clone())])
        }
        Some(item) => item
            .as_table_like()
            .map(|t| {
                t.iter()
                    .filter_map(|(lang, v)| Some((lang.to_owned(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default(),
        None => BTreeMap::new(),
    }
}

/// Why a localized text could not be set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// Only other languages were given for a field that has no default-language text yet.
    NoDefault,
}

/// Sets the languages in `texts` of the localized field `key` and leaves the others as they are.
/// The field is written as `{ zh = "…", en = "…" }` in the order of `languages`, also when only
/// the default language is given, so what is not yet translated shows as a gap; only a site of
/// one language gets plain strings.
pub fn set_text(
    table: &mut dyn TableLike,
    key: &str,
    texts: &BTreeMap<String, String>,
    languages: &[String],
) -> Result<Vec<FieldChange>, TextError> {
    let default = languages.first().map_or("zh", String::as_str);
    let old = get_text(table, key, default);
    let mut changed: Vec<(&String, &String)> = texts
        .iter()
        .filter(|(lang, text)| old.get(*lang) != Some(*text))
        .collect();
    // Report in the site's language order, default first.
    changed.sort_by_key(|(lang, _)| languages.iter().position(|l| l == *lang));
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let label = |lang: &str| {
        if lang == default && old.len() <= 1 && texts.len() == 1 {
            key.to_owned()
        } else {
            format!("{key} ({lang})")
        }
    };
    let changes = changed
        .iter()
        .map(|(lang, text)| FieldChange {
            field: label(lang),
            old: old.get(*lang).cloned(),
            new: (*text).clone(),
        })
        .collect();
    let existing_table = table
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .filter(|_| !old.is_empty());
    if let Some(existing) = existing_table {
        for (lang, text) in texts {
            match existing.get_mut(lang) {
                Some(Item::Value(v)) => {
                    let mut new = Value::from(text.as_str());
                    *new.decor_mut() = v.decor().clone();
                    *v = new;
                }
                _ => {
                    existing.insert(lang, Item::Value(Value::from(text.as_str())));
                }
            }
        }
        return Ok(changes);
    }
    let mut merged = old;
    merged.extend(texts.iter().map(|(k, v)| (k.clone(), v.clone())));
    if !merged.contains_key(default) {
        return Err(TextError::NoDefault);
    }
    let value = if languages.len() <= 1 && merged.len() == 1 {
        Value::from(merged[default].as_str())
    } else {
        let mut inline = InlineTable::new();
        let ordered = languages
            .iter()
            .filter(|l| merged.contains_key(*l))
            .chain(merged.keys().filter(|k| !languages.contains(k)));
        for lang in ordered {
            inline.insert(lang, Value::from(merged[lang].as_str()));
        }
        Value::InlineTable(inline)
    };
    match table.get_mut(key) {
        Some(Item::Value(v)) => {
            let mut value = value;
            *value.decor_mut() = v.decor().clone();
            *v = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::DocumentMut;

    fn langs() -> Vec<String> {
        vec!["zh".into(), "en".into()]
    }

    #[test]
    fn keeps_comments_and_other_languages() {
        let mut doc: DocumentMut =
            "# top\nname = { zh = \"甲\", en = \"A\" }  # the name\nstatus = \"settled\" # why\n"
                .parse()
                .unwrap();
        let texts = BTreeMap::from([("zh".to_owned(), "乙".to_owned())]);
        let changes = set_text(doc.as_table_mut(), "name", &texts, &langs()).unwrap();
        assert_eq!(changes[0].field, "name (zh)");
        let change = set_value(doc.as_table_mut(), "status", Value::from("signed")).unwrap();
        assert_eq!(change.old.as_deref(), Some("settled"));
        assert_eq!(
            doc.to_string(),
            "# top\nname = { zh = \"乙\", en = \"A\" }  # the name\nstatus = \"signed\" # why\n"
        );
    }

    #[test]
    fn plain_text_grows_into_a_table_and_unchanged_values_are_left_alone() {
        let mut doc: DocumentMut = "name = \"甲\"\nvalue = 100\n".parse().unwrap();
        let texts = BTreeMap::from([("en".to_owned(), "A".to_owned())]);
        set_text(doc.as_table_mut(), "name", &texts, &langs()).unwrap();
        assert!(set_value(doc.as_table_mut(), "value", number_value(100.0)).is_none());
        assert_eq!(
            doc.to_string(),
            "name = { zh = \"甲\", en = \"A\" }\nvalue = 100\n"
        );
        // Text in the default language only is a table too, so its missing `en` shows.
        let zh = BTreeMap::from([("zh".to_owned(), "丙".to_owned())]);
        set_text(doc.as_table_mut(), "summary", &zh, &langs()).unwrap();
        assert!(
            doc.to_string().ends_with("summary = { zh = \"丙\" }\n"),
            "{doc}"
        );
        let mut empty: DocumentMut = "".parse().unwrap();
        assert_eq!(
            set_text(empty.as_table_mut(), "name", &texts, &langs()),
            Err(TextError::NoDefault)
        );
    }
}
