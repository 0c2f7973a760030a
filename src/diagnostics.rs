//! One diagnostic type for every stage: content errors and warnings with file, line, column,
//! message and hint, printed rustc-style or as JSON.

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the build (exit 1).
    Error,
    /// Reported, does not block unless `--strict`.
    Warning,
}

/// A problem found in the content, the theme or the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `unknown-field`.
    pub code: &'static str,
    /// File relative to the site root, with `/` separators.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The source line the position points into, for display.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters from the column the caret underlines: the whole key or value there.
    #[serde(skip)]
    pub width: usize,
    /// Where in a spreadsheet (`import`): ``sheet `tenants`, row 3, column E (`入驻时间`)``; `line`
    /// is then the row and `column` the column's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Diagnostic {
    /// An error with a code and message and no location yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A warning with a code and message and no location yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            source_line: None,
            width: 1,
            cell: None,
        }
    }

    /// Names the file (relative to the site root) without a position.
    pub fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.display_path.clone());
        self
    }

    /// Names a file by its path relative to the site root, for problems with the file as a whole.
    pub fn in_path(mut self, display_path: impl Into<String>) -> Self {
        self.file = Some(display_path.into());
        self
    }

    /// An error about the file at `path` as a whole, named relative to `root`; `message` is
    /// made from that name (`content/parks/x.md`).
    pub fn about_file(
        code: &'static str,
        root: &Path,
        path: &Path,
        message: impl FnOnce(&str) -> String,
    ) -> Self {
        let display = relative_display(root, path);
        Self::error(code, message(&display)).in_path(display)
    }

    /// Points at a byte offset of a file, filling line, column and the source line.
    pub fn at(mut self, file: &SourceFile, offset: usize) -> Self {
        let (line, column) = file.line_column(offset);
        self.file = Some(file.display_path.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = file.line_text(line).map(str::to_owned);
        self.width = file
            .text
            .get(offset.min(file.text.len())..)
            .map_or(1, token_width);
        self
    }

    /// Points at a 1-based line and column of a file.
    pub fn at_line(mut self, file: &SourceFile, line: usize, column: usize) -> Self {
        self.file = Some(file.display_path.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = file.line_text(line).map(str::to_owned);
        self
    }

    /// Points at a row of a spreadsheet and, when known, a column (its letter and header).
    pub fn at_row(mut self, row: u32, column: Option<(String, String)>) -> Self {
        self.line = Some(row as usize);
        self.column = column.as_ref().map(|(letter, _)| column_number(letter));
        self.cell = Some(match column {
            Some((letter, header)) => format!("row {row}, column {letter} (`{header}`)"),
            None => format!("row {row}"),
        });
        self
    }

    /// Names the spreadsheet file and the sheet a problem is in.
    pub fn in_sheet(mut self, file: &str, sheet: &str) -> Self {
        self.file = Some(file.to_owned());
        self.cell = Some(match self.cell.take() {
            Some(cell) => format!("sheet `{sheet}`, {cell}"),
            None => format!("sheet `{sheet}`"),
        });
        self
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Where it is, as `file:line:column` (or as much of it as is known).
    pub fn location(&self) -> String {
        let file = self.file.as_deref().unwrap_or("");
        if let Some(cell) = &self.cell {
            return format!("{file}, {cell}");
        }
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            (Some(line), None) => format!("{file}:{line}"),
            _ => file.to_owned(),
        }
    }

    /// Formats the diagnostic like rustc: header, location, source line with a caret, hint.
    /// Content values in it cannot drive the terminal: control characters (ESC, OSC, BEL…)
    /// and bidirectional overrides are shown escaped.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "{label}[{}]: {}",
            self.code,
            terminal_safe(&self.message)
        );
        if let (Some(file), Some(cell)) = (&self.file, &self.cell) {
            let _ = writeln!(
                out,
                "  --> {}, {}",
                terminal_safe(file),
                terminal_safe(cell)
            );
        } else if let Some(file) = &self.file {
            let file = terminal_safe(file);
            match (self.line, self.column) {
                (Some(line), Some(column)) => {
                    let _ = writeln!(out, "  --> {file}:{line}:{column}");
                }
                (Some(line), None) => {
                    let _ = writeln!(out, "  --> {file}:{line}");
                }
                _ => {
                    let _ = writeln!(out, "  --> {file}");
                }
            }
        }
        if let (Some(line), Some(column), Some(text)) = (self.line, self.column, &self.source_line)
        {
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            // Tabs stay tabs and wide (CJK) characters take two cells, so the caret lines up.
            let caret_pad: String = text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| match c {
                    '\t' => "\t",
                    c if is_wide(c) => "  ",
                    _ => " ",
                })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let shown: String = text
                .chars()
                .map(|c| {
                    if c != '\t' && is_terminal_control(c) {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect();
            let _ = writeln!(out, "{line} | {shown}");
            let carets: String = text
                .chars()
                .skip(column.saturating_sub(1))
                .take(self.width.max(1))
                .map(|c| if is_wide(c) { "^^" } else { "^" })
                .collect();
            let carets = if carets.is_empty() {
                "^".into()
            } else {
                carets
            };
            let _ = writeln!(out, "{pad} | {caret_pad}{carets}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = help: {}", terminal_safe(hint));
        }
        out
    }
}

/// How many characters the key or value that `rest` starts with has: a quoted string up to its
/// closing quote, an inline table or array up to its closing bracket on the line, a bare key,
/// number or date up to the next space or punctuation; at least 1.
fn token_width(rest: &str) -> usize {
    let line = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return 1;
    };
    let closing = match first {
        '"' | '\'' => Some(first),
        '“' => Some('”'),
        '‘' => Some('’'),
        _ => None,
    };
    if let Some(closing) = closing {
        let mut escaped = false;
        for (i, c) in chars.enumerate() {
            if escaped {
                escaped = false;
            } else if c == '\\' && first == '"' {
                escaped = true;
            } else if c == closing {
                return i + 2;
            }
        }
        return line.chars().count().max(1);
    }
    if let Some(close) = match first {
        '[' => Some(']'),
        '{' => Some('}'),
        _ => None,
    } {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        for (i, c) in line.chars().enumerate() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == first => depth += 1,
                None if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                None => {}
            }
        }
        return 1;
    }
    let is_word =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '+' | '/');
    if !is_word(first) {
        return 1;
    }
    line.chars().take_while(|&c| is_word(c)).count()
}

/// `text` with every character that could drive a terminal written as `\u{..}`, so a content
/// value shown in a diagnostic cannot move the cursor, set the title or hide what follows.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// C0 and C1 controls (ESC, CSI, OSC, BEL…) and the bidirectional overrides and isolates.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Wide characters (CJK) take two terminal columns, so carets under them need two spaces.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A text file of the site held in memory, with what is needed to turn offsets into positions.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated, as shown in diagnostics.
    pub display_path: String,
    /// Absolute path on disk.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps a file's text; `root` is the site root the display path is relative to.
    pub fn new(root: &Path, path: PathBuf, text: String) -> Self {
        let display_path = relative_display(root, &path);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            display_path,
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line_index];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line_index + 1, column + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .map(|s| s.trim_end_matches(['\n', '\r']))
    }
}

/// The number of a spreadsheet column from its letters: A is 1, Z 26, AA 27.
fn column_number(letters: &str) -> usize {
    letters
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .fold(0, |n, b| {
            n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)
        })
}

/// A relative path with `/` separators.
pub fn relative_display_of(path: &Path) -> String {
    relative_display(Path::new(""), path)
}

/// `path` relative to `root` with `/` separators, or the full path when outside it.
pub fn relative_display(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// All diagnostics of one run, sorted for stable output.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    /// Every error and warning, in file and line order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Adds diagnostics.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(more);
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// Orders diagnostics by file, line, column, then errors before warnings, and drops exact repeats.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, b.code, &b.message))
        });
        self.diagnostics.dedup();
    }

    /// Turns the warnings with one of `codes` into errors (`check --release`).
    pub fn make_errors(&mut self, codes: &[&str]) {
        for d in &mut self.diagnostics {
            if codes.contains(&d.code) {
                d.severity = Severity::Error;
            }
        }
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.diagnostics {
            d.severity = Severity::Error;
        }
    }
}
/// A Tera error with its causes, which hold the useful part (template name and line).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
