//! Reading one file: UTF-8 check, front matter split, TOML into raw structs with positioned errors.

use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, SourceFile};

/// Reads a content file, reporting unreadable files and invalid UTF-8 with a position.
///
/// A content file is read only when it is a regular file: a symbolic link (which may lead out of
/// `content/`, to `/etc/shadow`) is reported without being read, so no line of a file outside the
/// site can appear in a message; a named pipe is reported without blocking.
///
/// With `reads`, the digest of the bytes read is noted there.
pub fn read_source(
    root: &Path,
    path: PathBuf,
    reads: Option<&crate::safe_fs::ReadLog>,
) -> Result<SourceFile, Diagnostic> {
    let display = crate::diagnostics::relative_display(root, &path);
    let bytes = match crate::safe_fs::read_unlinked(&path) {
        Ok(bytes) => bytes,
        Err(crate::safe_fs::NotRead::Link) => {
            let outside = !crate::safe_fs::stays_inside(&root.join("content"), &path);
            return Err(Diagnostic::error(
                if outside {
                    "path-outside-content"
                } else {
                    "symlinked-file"
                },
                if outside {
                    format!("`{display}` is a link that leads outside content/; it is not read")
                } else {
                    format!("`{display}` is a link to another file; it is not read")
                },
            )
            .in_path(display.clone())
            .with_hint("put the file itself here (copy it) instead of a symbolic link"));
        }
        Err(crate::safe_fs::NotRead::Io(err)) => {
            return Err(Diagnostic::error(
                "unreadable-file",
                format!("cannot read `{display}`: {err}"),
            )
            .with_hint("check that the file exists and that you may read it"));
        }
    };
    if let Some(reads) = reads {
        reads.record(&path, &bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_owned(),
                None => text,
            };
            let file = SourceFile::new(root, path, text);
            super::limits::check(&file)?;
            Ok(file)
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let file = SourceFile::new(root, path, prefix);
            Err(
                Diagnostic::error("invalid-utf8", "the file is not valid UTF-8")
                    .at(&file, valid)
                    .with_hint("save the file as UTF-8 (in Notepad: Save as… → Encoding: UTF-8)"),
            )
        }
    }
}

/// A Markdown file split into its optional `+++` TOML front matter and its body.
#[derive(Debug, Clone)]
pub struct Split {
    /// Byte range of the front matter TOML inside the file, if any.
    pub front: Option<Range<usize>>,
    /// Byte offset where the body starts.
    pub body_start: usize,
    /// 1-based line where the body starts.
    pub body_first_line: usize,
}

/// Where `+++` front matter lies in a Markdown file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontMatter {
    /// The first line is not `+++`: the whole file is body.
    Absent,
    /// Opened with `+++` and never closed.
    Unclosed,
    /// The TOML between the `+++` lines, and where the closing line starts and ends.
    Closed {
        /// Byte range of the TOML.
        toml: Range<usize>,
        /// Byte offset just after the closing `+++` line, where the body starts.
        body_start: usize,
    },
}

/// Finds the `+++` lines of front matter in `text`.
pub fn locate_front_matter(text: &str) -> FrontMatter {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return FrontMatter::Absent;
    }
    let mut offset = first_line_end;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..line_end].trim_end() == "+++" {
            return FrontMatter::Closed {
                toml: first_line_end..offset,
                body_start: line_end,
            };
        }
        offset = line_end;
    }
    FrontMatter::Unclosed
}

/// Splits `+++` front matter from the body.
pub fn split_front_matter(file: &SourceFile) -> Result<Split, Diagnostic> {
    match locate_front_matter(&file.text) {
        FrontMatter::Absent => Ok(Split {
            front: None,
            body_start: 0,
            body_first_line: 1,
        }),
        FrontMatter::Closed { toml, body_start } => Ok(Split {
            front: Some(toml),
            body_start,
            body_first_line: file.line_column(body_start).0,
        }),
        FrontMatter::Unclosed => Err(unclosed_front_matter(file)),
    }
}

fn unclosed_front_matter(file: &SourceFile) -> Diagnostic {
    Diagnostic::error(
        "front-matter-unclosed",
        "front matter opened with `+++` is never closed",
    )
    .at(file, 0)
    .with_hint("end the TOML front matter with a line holding only `+++`")
}

/// At most this many field errors are reported per file (a file of garbage is not a list of 10 000).
const MAX_FIELD_ERRORS: usize = 100;

/// Parses TOML (the whole file, or the front matter `range`) into `T`, reporting every problem.
///
/// Every syntax error is reported (the parser recovers after each). Then the fields are checked
/// one error at a time: each unknown field, wrong type or impossible value is reported and taken
/// out, and the rest is read again, so one run lists all of a file's mistakes. The value is what
/// could be read without the faulty fields, so later checks still run on the rest of the file;
/// it is `None` after a syntax error or when a required field is missing.
pub fn parse_toml<T: DeserializeOwned>(
    file: &SourceFile,
    range: Range<usize>,
) -> (Option<T>, Vec<Diagnostic>) {
    let Some(source) = file.text.get(range.clone()) else {
        return (
            None,
            vec![Diagnostic::error("toml-syntax", "front matter could not be read").in_file(file)],
        );
    };
    let (mut root, mut syntax) = toml::de::DeTable::parse_recoverable(source);
    // After a bracket or string that is never closed, the parser reads the rest of the file
    // as part of it: what it finds there follows from the first error and is not reported.
    let unclosed = syntax.iter().any(|e| e.message().starts_with("unclosed"));
    if unclosed {
        syntax.truncate(1);
    }
    let mut problems: Vec<Diagnostic> = syntax
        .iter()
        .map(|err| toml_diagnostic(file, range.start, err))
        .collect();
    if unclosed {
        // What the parser made of the rest is no basis for checking fields.
        return (None, problems);
    }
    let root_span = root.span();
    let syntax_lines: Vec<Option<usize>> = problems.iter().map(|d| d.line).collect();
    let mut removed: Vec<(String, Range<usize>)> = Vec::new();
    let mut suggested: Vec<String> = Vec::new();
    for _ in 0..MAX_FIELD_ERRORS {
        let err = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(value) => return (syntax.is_empty().then_some(value), problems),
            Err(err) => err,
        };
        let span = err.span();
        let missing = err
            .message()
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        // A required field taken out for its wrong value is not missing as well.
        // After a syntax error a field may be on a line that could not be read; a misspelt
        // field already says which field it was meant to be.
        let explained = (missing.is_some() && !syntax.is_empty())
            || missing.is_some_and(|field| suggested.iter().any(|s| s == field))
            || missing.is_some_and(|field| {
                removed.iter().any(|(name, at)| {
                    name == field
                        && span
                            .as_ref()
                            .is_none_or(|s| s.start <= at.start && at.end <= s.end)
                })
            });
        let diagnostic = toml_diagnostic(file, range.start, &err);
        if let Some(near) = diagnostic
            .hint
            .as_deref()
            .and_then(|h| h.strip_prefix("did you mean `"))
            .and_then(|h| h.strip_suffix("`?"))
        {
            suggested.push(near.to_owned());
        }
        if !explained && !syntax_lines.contains(&diagnostic.line) {
            problems.push(diagnostic);
        }
        // A required field missing from the file itself: nothing can be taken out to go on.
        let Some(span) = span.filter(|s| missing.is_none() || *s != root_span) else {
            break;
        };
        match remove_faulty(root.get_mut(), &span) {
            Some(entry) => removed.push(entry),
            None => break,
        }
    }
    (None, problems)
}

/// Whether `outer` holds all of `inner`.
fn holds(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Whether `value` or anything inside it holds `span`.
fn holds_deep(value: &toml::Spanned<toml::de::DeValue<'_>>, span: &Range<usize>) -> bool {
    holds(&value.span(), span)
        || match value.get_ref() {
            toml::de::DeValue::Table(table) => table
                .iter()
                .any(|(k, v)| holds(&k.span(), span) || holds_deep(v, span)),
            toml::de::DeValue::Array(items) => items.iter().any(|item| holds_deep(item, span)),
            _ => false,
        }
}

/// Takes the innermost entry (key and value, or array element) at `span` out of `table`, and
/// says which key it was and where; `None` when nothing there can be taken out.
fn remove_faulty(
    table: &mut toml::de::DeTable<'_>,
    span: &Range<usize>,
) -> Option<(String, Range<usize>)> {
    let key = table
        .iter()
        .find(|(k, v)| holds(&k.span(), span) || holds_deep(v, span))
        .map(|(k, _)| k.clone())?;
    let value = table.get_mut(&key)?;
    if value.span() != *span {
        match value.get_mut() {
            toml::de::DeValue::Table(inner) => {
                if let Some(found) = remove_faulty(inner, span) {
                    return Some(found);
                }
            }
            toml::de::DeValue::Array(items) => {
                if let Some(index) = items.iter().position(|item| holds_deep(item, span)) {
                    let whole = items[index].span() == *span;
                    if !whole
                        && let Some(toml::de::DeValue::Table(inner)) =
                            items.get_mut(index).map(toml::Spanned::get_mut)
                        && let Some(found) = remove_faulty(inner, span)
                    {
                        return Some(found);
                    }
                    let mut kept = toml::de::DeArray::new();
                    let removed = items[index].span();
                    for (i, item) in items.iter().enumerate() {
                        if i != index {
                            kept.push(item.clone());
                        }
                    }
                    *items = kept;
                    return Some((key.get_ref().to_string(), removed));
                }
            }
            _ => {}
        }
    }
    table.remove(&key);
    Some((key.get_ref().to_string(), key.span()))
}

/// Turns a TOML error into a diagnostic with a code, position and a hint.
fn toml_diagnostic(file: &SourceFile, base: usize, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_owned();
    let offset = base + err.span().map_or(0, |s| s.start);
    let line_text = file.line_text(file.line_column(offset).0).unwrap_or("");
    if let Some((code, message, hint)) = crate::content::keyboard::hint(line_text, &message) {
        return Diagnostic::error(code, message)
            .at(file, offset)
            .with_hint(hint);
    }
    let (code, hint) = classify(&message);
    let mut diagnostic = Diagnostic::error(code, message).at(file, offset);
    if let Some(hint) = hint {
        diagnostic = diagnostic.with_hint(hint);
    }
    diagnostic
}

fn classify(message: &str) -> (&'static str, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = nearest(field, &known)
            .map(|near| format!("did you mean `{near}`?"))
            .or_else(|| (!known.is_empty()).then(|| format!("known fields: {}", known.join(", "))));
        return ("unknown-field", hint);
    }
    if message.starts_with("unknown variant") {
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        let hint = (!expected.is_empty()).then(|| format!("use one of: {}", expected.join(", ")));
        return ("unknown-value", hint);
    }
    // The others have a fixed hint: the first that fits, else a TOML syntax error.
    let fixed = [
        (
            message.starts_with("missing field"),
            "missing-field",
            "add the field; see the content format in the README",
        ),
        (
            message.contains("date"),
            "invalid-date",
            "write dates as YYYY-MM-DD without quotes, e.g. 2020-05-29",
        ),
        (
            message.starts_with("invalid type"),
            "wrong-type",
            "text is a string in quotes or { zh = \"…\", en = \"…\" }; numbers have no quotes",
        ),
        (
            message.starts_with("duplicate key"),
            "duplicate-key",
            "remove one of the two entries",
        ),
    ];
    let (_, code, hint) = (fixed.into_iter().find(|(fits, ..)| *fits)).unwrap_or((
        true,
        "toml-syntax",
        "check quotes, brackets and `=` on this line (TOML syntax)",
    ));
    (code, Some(hint.into()))
}

/// The known name closest to `word`, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        // A third of the word may differ, and never all of it (`fr` is no typo of `zh`).
        .filter(|(distance, k)| {
            *distance <= (k.chars().count() / 3).max(1) && *distance < word.chars().count()
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// Whether `s` is a slug: `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug made from a name that is not one, for hints.
pub fn suggest_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "my-page".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            Path::new("/site"),
            PathBuf::from("/site/content/x.md"),
            text.into(),
        )
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let f = file("+++\ntitle = \"a\"\n+++\nbody\n");
        let split = split_front_matter(&f).unwrap();
        assert_eq!(&f.text[split.front.unwrap()], "title = \"a\"\n");
        assert_eq!(&f.text[split.body_start..], "body\n");
        assert_eq!(split.body_first_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split_front_matter(&file("+++\ntitle = 1\n")).unwrap_err();
        assert_eq!(err.code, "front-matter-unclosed");
    }

    #[test]
    fn suggests_nearest_field() {
        assert_eq!(
            nearest("operater", &["name", "operator", "order"]),
            Some("operator")
        );
        assert_eq!(nearest("zzzzzz", &["name", "operator"]), None);
    }

    #[test]
    fn slugs() {
        assert!(is_slug("data-lake"));
        assert!(is_slug("a1"));
        assert!(!is_slug("Data_Lake"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert_eq!(suggest_slug("Data_Lake 2"), "data-lake-2");
    }
}
