//! Text into Typst markup: an escaping filter for plain text, and a converter from Markdown
//! (pulldown-cmark events) to Typst markup for bodies.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Escapes text for Typst markup: every ASCII punctuation character gets a backslash (Typst
/// treats `\` before any non-space character as an escape), so nothing in content can become
/// markup, code or a comment. Line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a Typst string literal (`"…"`).
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Resolves an image reference of a Markdown body to the path Typst reads it from (inside the
/// site), or None to leave the image out.
pub trait ImagePaths {
    /// `content_path` is relative to `content/`; returns a path for Typst's `image()`.
    fn print_image(&self, dir: &str, reference: &str) -> Option<String>;
}

/// Converts a Markdown body to Typst markup. Headings start at `base_level` (a body inside a park
/// section starts below the section's own heading). Raw HTML is dropped: print has no HTML.
pub fn markdown_to_typst(
    source: &str,
    dir: &str,
    base_level: usize,
    images: &dyn ImagePaths,
) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut w = Writer::new(base_level, dir, images);
    w.out.reserve(source.len() * 2);
    let mut footnotes: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let events: Vec<Event> = Parser::new_ext(source, options).collect();

    // Footnote definitions are printed where they are referenced, as Typst footnotes.
    let mut in_definition: Option<(String, usize)> = None;
    for (index, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_definition = Some((label.to_string(), index))
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, start)) = in_definition.take() {
                    let inner = convert_inline_run(&events[start + 1..index], dir, images);
                    footnotes.insert(label, inner.trim().to_owned());
                }
            }
            _ => {}
        }
    }

    let mut skip_definition = false;
    for event in &events {
        if skip_definition {
            if matches!(event, Event::End(TagEnd::FootnoteDefinition)) {
                skip_definition = false;
            }
            continue;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => skip_definition = true,
            Event::Start(tag) => w.start(tag),
            Event::End(tag) => w.end(*tag),
            // Code keeps its characters and line breaks, as a string literal.
            Event::Text(text) if w.code.is_some() => {
                w.code.get_or_insert_default().push_str(text);
            }
            Event::Text(text) if w.image_depth == 0 => w.push_text(&escape(text)),
            Event::Text(_) => {}
            Event::Code(code) => w.push_text(&format!("#raw({})", string_literal(code))),
            Event::SoftBreak => w.push_text(" "),
            Event::HardBreak => w.push_text(" \\\n"),
            Event::Rule => w
                .out
                .push_str("\n#line(length: 100%, stroke: 0.5pt + luma(180))\n"),
            Event::FootnoteReference(label) => {
                let note = footnotes.get(label.as_ref()).cloned().unwrap_or_default();
                w.push_text(&format!("#footnote[{note}]"));
            }
            Event::TaskListMarker(done) => w.push_text(if *done { "☑ " } else { "☐ " }),
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }
    w.out.trim().to_owned()
}

struct TableState {
    columns: usize,
    alignments: Vec<Alignment>,
    cell: Option<String>,
    cells: Vec<String>,
    header_cells: usize,
    in_head: bool,
}

/// Typst markup being written from Markdown events: the text so far and the open lists, table
/// and images.
struct Writer<'a> {
    out: String,
    /// Open lists, innermost last: the next number of an ordered list, None for bullets.
    lists: Vec<Option<u64>>,
    table: Option<TableState>,
    /// How many images are open (their alt text is not printed).
    image_depth: usize,
    /// Added to Markdown heading levels.
    base_level: usize,
    /// Folder of the Markdown file, for relative image paths.
    dir: &'a str,
    images: &'a dyn ImagePaths,
    /// The text of the open code block, printed as one string literal when it closes.
    code: Option<String>,
}

impl<'a> Writer<'a> {
    fn new(base_level: usize, dir: &'a str, images: &'a dyn ImagePaths) -> Self {
        Self {
            out: String::new(),
            lists: Vec::new(),
            table: None,
            image_depth: 0,
            base_level,
            dir,
            images,
            code: None,
        }
    }

    /// Text goes into the open table cell, if any, else into the output.
    fn push_text(&mut self, text: &str) {
        match self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => cell.push_str(text),
            None => self.out.push_str(text),
        }
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph => {
                if self.lists.is_empty() && self.table.is_none() {
                    self.out.push_str("\n\n");
                }
            }
            Tag::Heading { level, .. } => {
                let depth = heading_depth(*level) + self.base_level;
                self.out.push_str("\n\n");
                self.out.push_str(&"=".repeat(depth.min(6)));
                self.out.push(' ');
            }
            Tag::BlockQuote(_) => self.out.push_str("\n\n#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                        format!(", lang: {}", string_literal(lang))
                    }
                    _ => String::new(),
                };
                self.out.push_str(&format!("\n\n#raw(block: true{lang}, "));
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.lists.push(*start);
                self.out.push('\n');
            }
            Tag::Item => {
                let indent = "  ".repeat(self.lists.len().saturating_sub(1));
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}.");
                        *n += 1;
                        marker
                    }
                    _ => "-".to_owned(),
                };
                self.out.push_str(&format!("\n{indent}{marker} "));
            }
            Tag::Emphasis => self.push_text("#emph["),
            Tag::Strong => self.push_text("#strong["),
            Tag::Strikethrough => self.push_text("#strike["),
            Tag::Link { dest_url, .. } => {
                let dest = if dest_url.starts_with("http://")
                    || dest_url.starts_with("https://")
                    || dest_url.starts_with("mailto:")
                {
                    dest_url.to_string()
                } else {
                    String::new()
                };
                if dest.is_empty() {
                    self.push_text("#[");
                } else {
                    self.push_text(&format!("#link({})[", string_literal(&dest)));
                }
            }
            Tag::Image { dest_url, .. } => {
                self.image_depth += 1;
                if let Some(path) = self.images.print_image(self.dir, dest_url) {
                    self.push_text(&format!(
                        "\n#image({}, width: 100%)\n",
                        string_literal(&path)
                    ));
                }
            }
            Tag::Table(alignments) => {
                self.table = Some(TableState {
                    columns: alignments.len().max(1),
                    alignments: alignments.clone(),
                    cell: None,
                    cells: Vec::new(),
                    header_cells: 0,
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(String::new());
                }
            }
            Tag::TableRow | Tag::FootnoteDefinition(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
            }
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => {}
            TagEnd::BlockQuote(_) => self.out.push_str("]\n"),
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                self.out
                    .push_str(&string_literal(code.trim_end_matches('\n')));
                self.out.push_str(")\n");
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.out.push('\n');
            }
            TagEnd::Item => {}
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                self.push_text("]")
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut()
                    && let Some(cell) = t.cell.take()
                {
                    if t.in_head {
                        t.header_cells += 1;
                    }
                    t.cells.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.out.push_str(&typst_table(&t));
                }
            }
            _ => {}
        }
    }
}

fn typst_table(t: &TableState) -> String {
    let align: Vec<&str> = t
        .alignments
        .iter()
        .map(|a| match a {
            Alignment::Right => "right",
            Alignment::Center => "center",
            Alignment::Left | Alignment::None => "left",
        })
        .collect();
    let mut out = format!(
        "\n\n#table(columns: {}, align: ({}),\n",
        t.columns,
        align.join(", ")
    );
    if t.header_cells > 0 {
        let head: Vec<String> = t.cells[..t.header_cells]
            .iter()
            .map(|c| format!("[*{}*]", c.trim()))
            .collect();
        out.push_str(&format!("  table.header({}),\n", head.join(", ")));
    }
    for cell in &t.cells[t.header_cells..] {
        out.push_str(&format!("  [{}],\n", cell.trim()));
    }
    out.push_str(")\n");
    out
}

fn heading_depth(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Inline events of a footnote definition as Typst markup.
fn convert_inline_run(events: &[Event], dir: &str, images: &dyn ImagePaths) -> String {
    let mut w = Writer::new(0, dir, images);
    for event in events {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => w.out.push(' '),
            Event::Start(tag) => w.start(tag),
            Event::End(tag) => w.end(*tag),
            Event::Text(text) => w.out.push_str(&escape(text)),
            Event::Code(code) => w.out.push_str(&format!("#raw({})", string_literal(code))),
            Event::SoftBreak | Event::HardBreak => w.out.push(' '),
            _ => {}
        }
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoImages;
    impl ImagePaths for NoImages {
        fn print_image(&self, dir: &str, reference: &str) -> Option<String> {
            Some(format!("/{dir}/{reference}"))
        }
    }

    #[test]
    fn escapes_everything_that_could_become_markup() {
        assert_eq!(
            escape("#set page(width: 1cm) // x"),
            "\\#set page\\(width\\: 1cm\\) \\/\\/ x"
        );
        assert_eq!(escape("= 标题\n- 项"), "\\= 标题 \\- 项");
        assert_eq!(
            escape("$100 *bold* _it_ <lab> @ref [x]"),
            "\\$100 \\*bold\\* \\_it\\_ \\<lab\\> \\@ref \\[x\\]"
        );
        assert_eq!(string_literal("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
    }

    #[test]
    fn converts_markdown_structure() {
        let typst = markdown_to_typst(
            "## 园区优势\n\n**强**与*弱*，见[官网](https://x.cn)。\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n\n![厅](hall.jpg)\n\n注[^1]\n\n[^1]: 来源：济南日报\n",
            "parks/a",
            1,
            &NoImages,
        );
        for part in [
            "=== 园区优势",
            "#strong[强]与#emph[弱]",
            "#link(\"https://x.cn\")[官网]",
            "\n- 一",
            "\n1. 甲",
            "\n2. 乙",
            "#table(columns: 2, align: (left, right),",
            "table.header([*A*], [*B*])",
            "[1],",
            "#image(\"/parks/a/hall.jpg\", width: 100%)",
            "#footnote[来源：济南日报]",
        ] {
            assert!(typst.contains(part), "{part} in {typst}");
        }
        assert!(!typst.contains("[^1]"), "{typst}");
    }

    #[test]
    fn code_blocks_keep_their_characters_and_line_breaks() {
        let typst = markdown_to_typst(
            "```toml\nkey = \"a-b\" # c\\d\n  [x.y]\n```\n",
            "",
            0,
            &NoImages,
        );
        assert!(
            typst.contains(r#"#raw(block: true, lang: "toml", "key = \"a-b\" # c\\d\n  [x.y]")"#),
            "{typst}"
        );
    }

    #[test]
    fn raw_html_is_left_out_of_print() {
        let typst = markdown_to_typst("<script>alert(1)</script>\n\ntext", "", 0, &NoImages);
        assert!(!typst.contains("script") && typst.contains("text"));
    }
}
