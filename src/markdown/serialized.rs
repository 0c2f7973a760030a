//! HTML for bodies the sanitizer would not change: written directly in the form ammonia's
//! html5ever serializer gives, so the sanitizer's parse (the largest cost of a build) is skipped
//! with the same bytes out.
//!
//! ammonia parses a body into a tree and serializes the allowed part of it again. For the events
//! of plain Markdown (paragraphs, headings, lists, quotes, code, tables, emphasis, links, our own
//! images and table cells) that tree is exactly what pulldown-cmark wrote, so the only
//! differences are spelling: void elements without ` /`, text escaped as `& < >` and no-break
//! spaces, attributes as `& " < >` and no-break spaces, and carriage returns as line feeds. This
//! writer mirrors pulldown-cmark's `push_html` event by event in that spelling and gives up
//! (`None`) on anything else, which keeps ammonia: raw HTML, footnotes, task lists, heading
//! classes or attributes, alert quotes, links inside links. A property test holds the two equal.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

/// Writes `events` as the sanitizer would serialize pulldown-cmark's HTML of them, or `None`
/// when they hold anything the writer does not mirror or a link the sanitizer would change.
///
/// `Event::Html` and `Event::InlineHtml` are written as they are: the caller passes them only
/// when it wrote them itself, already in serialized form (table cells, images).
pub(super) fn write(events: &[Event<'_>]) -> Option<String> {
    let mut writer = Writer {
        html: String::with_capacity(events.len() * 24),
        end_newline: true,
        open_links: 0,
    };
    for event in events {
        writer.event(event)?;
    }
    let html = writer.html;
    // The parser reads CR LF and a lone CR as LF before anything else (HTML's input stream
    // preprocessing), and a leading byte order mark is dropped.
    if html.starts_with('\u{FEFF}') {
        return None;
    }
    Some(if html.contains('\r') {
        html.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        html
    })
}

/// Whether ammonia keeps a URL attribute (`href`, `src`) of this value, as its `clean` decides:
/// an absolute URL of an allowed scheme, or a relative one.
pub(super) fn sanitizer_keeps_url(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(url) => super::URL_SCHEMES.contains(&url.scheme()),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

struct Writer {
    html: String,
    /// Whether what was written last ends a line (pulldown-cmark's rule for leading newlines).
    end_newline: bool,
    /// How many `<a>` are open. A link inside a link (an autolink in a link's text) is left to
    /// the sanitizer: the HTML parser closes the outer `<a>` when the inner one starts.
    open_links: usize,
}

impl Writer {
    fn event(&mut self, event: &Event<'_>) -> Option<()> {
        match event {
            Event::Start(tag) => return self.start(tag),
            Event::End(tag) => return self.end(*tag),
            Event::Text(text) => {
                push_text(&mut self.html, text);
                self.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                self.write("<code>");
                push_text(&mut self.html, text);
                self.write("</code>");
            }
            Event::Html(html) | Event::InlineHtml(html) => self.write(html),
            Event::SoftBreak => self.write("\n"),
            Event::HardBreak => self.write("<br>\n"),
            Event::Rule => self.block("<hr>\n"),
            Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => return None,
        }
        Some(())
    }

    fn start(&mut self, tag: &Tag<'_>) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                if !classes.is_empty() || !attrs.is_empty() {
                    return None;
                }
                self.block("<");
                self.write(&level.to_string());
                if let Some(id) = id {
                    self.write(" id=\"");
                    push_attribute(&mut self.html, id);
                    self.write("\"");
                }
                self.write(">");
            }
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::CodeBlock(kind) => {
                if !self.end_newline {
                    self.write("\n");
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                if lang.is_empty() {
                    self.write("<pre><code>");
                } else {
                    self.write("<pre><code class=\"language-");
                    push_attribute(&mut self.html, lang);
                    self.write("\">");
                }
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => {
                self.block("<ol start=\"");
                self.write(&start.to_string());
                self.write("\">\n");
            }
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            // Cells come as `Event::Html` from the table rewriter; a bare one is not ours.
            Tag::Table(alignments) if alignments.is_empty() => self.write("<table>"),
            Tag::TableHead => self.write("<thead><tr>"),
            Tag::TableRow => self.write("<tr>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                if self.open_links > 0 {
                    return None;
                }
                self.open_links += 1;
                let mut href = super::href_value(dest_url);
                if *link_type == LinkType::Email {
                    href.insert_str(0, "mailto:");
                }
                if !sanitizer_keeps_url(&href) {
                    return None;
                }
                self.write("<a href=\"");
                push_attribute(&mut self.html, &href);
                if !title.is_empty() {
                    self.write("\" title=\"");
                    push_attribute(&mut self.html, title);
                }
                self.write("\">");
            }
            Tag::HtmlBlock
            | Tag::Table(_)
            | Tag::TableCell
            | Tag::BlockQuote(Some(_))
            | Tag::Image { .. }
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        let html = match tag {
            TagEnd::Paragraph => "</p>\n",
            TagEnd::Heading(level) => {
                self.write("</");
                self.write(&level.to_string());
                ">\n"
            }
            TagEnd::Table => "</tbody></table>\n",
            TagEnd::TableHead => "</tr></thead><tbody>\n",
            TagEnd::TableRow => "</tr>\n",
            TagEnd::BlockQuote(None) => "</blockquote>\n",
            TagEnd::CodeBlock => "</code></pre>\n",
            TagEnd::List(true) => "</ol>\n",
            TagEnd::List(false) => "</ul>\n",
            TagEnd::Item => "</li>\n",
            TagEnd::Emphasis => "</em>",
            TagEnd::Strong => "</strong>",
            TagEnd::Strikethrough => "</del>",
            TagEnd::Link => {
                self.open_links = self.open_links.saturating_sub(1);
                "</a>"
            }
            _ => return None,
        };
        self.write(html);
        Some(())
    }

    /// Writes the start of a block, on a line of its own.
    fn block(&mut self, html: &str) {
        if !self.end_newline {
            self.html.push('\n');
        }
        self.write(html);
    }

    fn write(&mut self, html: &str) {
        self.html.push_str(html);
        if !html.is_empty() {
            self.end_newline = html.ends_with('\n');
        }
    }
}

/// Appends `text` as html5ever's serializer writes a text node: `&`, `<`, `>` and U+00A0 escaped.
pub(super) fn push_text(out: &mut String, text: &str) {
    push_escaped(out, text, false);
}

/// Appends `value` as html5ever's serializer writes an attribute value: `&`, `"`, `<`, `>` and
/// U+00A0 escaped.
pub(super) fn push_attribute(out: &mut String, value: &str) {
    push_escaped(out, value, true);
}

fn push_escaped(out: &mut String, text: &str, attribute: bool) {
    let mut rest = text;
    while let Some(at) =
        rest.find(|c| matches!(c, '&' | '<' | '>' | '\u{A0}') || (attribute && c == '"'))
    {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or('&');
        out.push_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            _ => "&nbsp;",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
}
