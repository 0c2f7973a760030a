//! Sane sizes for one content file. Typesetting time and memory grow with the longest paragraph
//! and with the number of headings, footnotes and table entries (a 1,000,000-character line ran
//! for minutes, 100,000 footnotes took 7 GB), so content beyond these sizes is an error naming
//! the limit and where it is crossed, before anything is rendered or typeset.

use crate::diagnostics::{Diagnostic, SourceFile};

/// Largest content file (TOML or Markdown).
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Longest line, in characters: a paragraph of Markdown is one line.
pub const MAX_LINE_CHARS: usize = 20_000;
/// Most headings, footnotes or `[[…]]` entries (policies, factors, contacts…) in one file.
pub const MAX_BLOCKS: usize = 2_000;

/// The first limit `file` is beyond, as an error at the place it is crossed (line and column;
/// the line itself is not shown, it may be a million characters long).
pub fn check(file: &SourceFile) -> Result<(), Diagnostic> {
    beyond(file).map_err(|mut diagnostic| {
        diagnostic.source_line = None;
        diagnostic
    })
}

fn beyond(file: &SourceFile) -> Result<(), Diagnostic> {
    let text = &file.text;
    if text.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            "content-too-large",
            format!(
                "`{}` is {}; a content file may be at most {}",
                file.display_path,
                megabytes(text.len()),
                megabytes(MAX_FILE_BYTES)
            ),
        )
        .at(file, char_boundary(text, MAX_FILE_BYTES))
        .with_hint(
            "split it into several files (one Markdown file per news item, tenant or page)",
        ));
    }
    let markdown = file.display_path.ends_with(".md");
    let mut counts = [0usize; 3];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // A line has no more characters than bytes: only a long one is counted.
        if line.len() > MAX_LINE_CHARS
            && let Some((at, _)) = line.char_indices().nth(MAX_LINE_CHARS)
        {
            let length = line.trim_end_matches(['\n', '\r']).chars().count();
            return Err(Diagnostic::error(
                "line-too-long",
                format!(
                    "this line is {} characters long; a line may have at most {}",
                    thousands(length),
                    thousands(MAX_LINE_CHARS)
                ),
            )
            .at(file, offset + at)
            .with_hint("break it into paragraphs (a blank line between them) or shorten it"));
        }
        let start = line.trim_start();
        let kinds: [(usize, &str); 3] = [
            (usize::from(markdown && start.starts_with('#')), "headings"),
            (
                if markdown && line.as_bytes().contains(&b'[') {
                    line.matches("[^").count()
                } else {
                    0
                },
                "footnotes",
            ),
            (
                usize::from(!markdown && start.starts_with("[[")),
                "`[[…]]` entries",
            ),
        ];
        for (count, (found, what)) in counts.iter_mut().zip(kinds) {
            *count += found;
            if *count > MAX_BLOCKS {
                return Err(Diagnostic::error(
                    "too-many-blocks",
                    format!(
                        "more than {} {what} in one file; the limit is {}",
                        thousands(MAX_BLOCKS),
                        thousands(MAX_BLOCKS)
                    ),
                )
                .at(file, offset)
                .with_hint("split the content into several files or shorten it"));
            }
        }
        offset += line.len();
    }
    Ok(())
}

/// The largest character boundary of `text` at or before `at`.
fn char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// `1000000` → `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: String) -> SourceFile {
        SourceFile::new(
            std::path::Path::new("/site"),
            std::path::PathBuf::from(format!("/site/content/{name}")),
            text,
        )
    }

    #[test]
    fn beyond_each_limit_is_an_error_at_its_place() {
        let long = format!("+++\n+++\nshort\n{}\n", "长".repeat(100_000));
        let policies = "[[policies]]\nkey = \"a\"\n".repeat(10_000);
        // A file, the line its error names (when the test pins it) and what the message says.
        let cases: [(&str, String, Option<usize>, &[&str]); 5] = [
            (
                "a.md",
                long,
                Some(4),
                &["100,000 characters", "at most 20,000"],
            ),
            (
                "b.md",
                "x[^1]\n".repeat(100_000),
                Some(2_001),
                &["2,000 footnotes"],
            ),
            ("c.md", "# a\n\n".repeat(100_000), None, &["headings"]),
            ("p.toml", policies, None, &["[[…]]"]),
            (
                "d.md",
                "x\n".repeat(MAX_FILE_BYTES),
                None,
                &["at most 2.0 MB"],
            ),
        ];
        for (name, text, line, says) in cases {
            let error = check(&file(name, text)).expect_err(name);
            for said in says {
                assert!(error.message.contains(said), "{name}: {}", error.message);
            }
            if line.is_some() {
                assert_eq!(error.line, line, "{name}");
            }
            // A line of 100,000 characters is not quoted.
            if name == "a.md" {
                assert!(error.source_line.is_none());
            }
        }
    }

    #[test]
    fn ordinary_content_is_well_inside() {
        let text = format!(
            "+++\n+++\n{}\n\n## 园区\n\n注[^1]\n\n[^1]: 来源\n",
            "长".repeat(5_000)
        );
        assert!(check(&file("a.md", text)).is_ok());
        assert!(check(&file("t.toml", "# # comment\n[[a]]\n".repeat(1_500))).is_ok());
    }
}
