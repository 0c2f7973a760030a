//! Markdown bodies to HTML: pulldown-cmark plus a few small passes over its events.
//!
//! The passes run in order over one parsed event list: heading ids (so the table of contents and
//! `#anchor` checks agree with the HTML), text collection (summary and search text, taken before
//! links are rewritten so broken links still count as text), then link, image, table and raw HTML
//! rewriting. Sanitizing happens last, on the finished HTML, so it sees exactly what a browser would.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use crate::locale::is_cjk;
use pulldown_cmark::{Alignment, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

mod serialized;

/// How raw HTML in Markdown is treated (`[markdown] raw_html` in site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep raw HTML but pass the whole page body through an allow-list sanitizer: content comes
    /// from several park operators, so this is the default.
    #[default]
    Sanitize,
    /// Pass raw HTML through untouched, for sites whose authors are all trusted.
    Allow,
    /// Show raw HTML as text, so nothing an author types can become markup.
    Escape,
}

/// Whether Markdown may show images from other hosts (`[markdown] external_images` in
/// site.toml). The site promises to load nothing from other hosts, and an outside image is a
/// tracking pixel, so by default it is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternalImages {
    /// An image from another host is an error naming file and line.
    #[default]
    Error,
    /// Images from other hosts are published as written.
    Allow,
}

/// Resolves links found in Markdown to URLs. Implemented by the site model.
pub trait LinkResolver: Sync {
    /// `target` is an `@/` link without the `@/` prefix and without `#anchor`, e.g. `parks/data-lake`,
    /// `parks/data-lake/tenants/huawei`, `news/some-slug`, `pages/about`. Returns the root-relative URL of
    /// that page in language `lang` (e.g. `/en/parks/data-lake/`), or None if no such content exists.
    fn resolve_content(&self, target: &str, lang: &str) -> Option<String>;
    /// `content_path` is a relative link or image already joined with the Markdown file's folder and
    /// normalized (no `.` or `..` segments), relative to `content/`, e.g. `parks/data-lake/hall.jpg`
    /// or `pages/about.md`. Returns its URL (a `.md` file maps to its page in `lang`; other files to the
    /// published asset), or None if the file does not exist.
    fn resolve_relative(&self, content_path: &str, lang: &str) -> Option<String>;
    /// Responsive attributes of the image at `content_path` (relative to `content/`), when the
    /// site has made variants of it; `src` then comes from [`LinkResolver::resolve_relative`].
    fn image_attributes(&self, _content_path: &str) -> Option<ImageAttributes> {
        None
    }
}

/// `srcset` and intrinsic size of an image, so browsers pick the right variant and reserve space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageAttributes {
    /// `url 480w, url 960w, …`.
    pub srcset: String,
    /// Width of the `src` file.
    pub width: u32,
    /// Height of the `src` file.
    pub height: u32,
}

/// What to render.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownInput<'a> {
    /// The Markdown body (front matter already removed).
    pub source: &'a str,
    /// Folder of the file relative to `content/`, e.g. `parks/data-lake`, or `""` for the root;
    /// `/` separators.
    pub file_dir: &'a str,
    /// Language the page is rendered in.
    pub lang: &'a str,
    /// How raw HTML in the body is treated.
    pub raw_html: RawHtml,
    /// Whether images may come from other hosts.
    pub external_images: ExternalImages,
    /// 1-based line number in the file where `source` starts (front matter precedes it).
    pub first_line: usize,
}

/// One heading, for a table of contents and for checking `#anchor` links.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TocEntry {
    /// Heading level, 1 to 6.
    pub level: u8,
    /// The `id` attribute of the heading: `{#custom}` if given, else [`heading_id`] de-duplicated.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
}

/// What kind of reference a [`LinkRef`] is, so later checks know where its anchor must exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// An `@/…` link to content.
    Content,
    /// A path relative to the Markdown file (a page's `.md` file or an asset), or an absolute
    /// path that was rejected.
    File,
    /// A pure `#anchor` link into the same page.
    Anchor,
}

/// A link or image reference found in the body, with where it is, for later checks (anchors).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    /// The destination as written in the Markdown.
    pub target: String,
    /// The URL it resolved to (anchor included), or None if it could not be resolved.
    pub resolved: Option<String>,
    /// The `#anchor` part, percent-decoded, without `#`; None when there is none.
    pub anchor: Option<String>,
    /// 1-based line in the file of the start of the link or image markup.
    pub line: usize,
    /// 1-based column (in characters) of the start of the link or image markup.
    pub column: usize,
    /// What the destination points at.
    pub kind: LinkKind,
    /// The normalized key the resolver was asked about: the `@/` target (`parks/data-lake`) or the
    /// path relative to `content/` (`parks/data-lake/hall.jpg`); None for anchors and rejected paths.
    pub path: Option<String>,
    /// Whether this is an image rather than a link.
    pub image: bool,
}

/// A problem found while rendering (broken link, path leaving content/…). Line and column are 1-based
/// positions in the file (use `first_line`), columns counted in characters.
#[derive(Debug, Clone)]
pub struct MarkdownProblem {
    /// Stable diagnostic code: `broken-link`, `path-outside-content` or `missing-file`.
    pub code: &'static str,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file, counted in characters.
    pub column: usize,
    /// What is wrong, naming the link as written.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// The result of rendering one Markdown body. Serialized (for the next build's reuse) without its
/// problems: only a body without any is kept.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// The body as HTML, sanitized when [`RawHtml::Sanitize`] is in effect.
    pub html: String,
    /// Every heading in document order, with the id used in `html`.
    pub toc: Vec<TocEntry>,
    /// Every `@/`, relative and `#anchor` link or image, resolved or not.
    pub links: Vec<LinkRef>,
    /// Broken links and rejected paths.
    #[serde(skip)]
    pub problems: Vec<MarkdownProblem>,
    /// Plain text of the first paragraph, for meta descriptions.
    pub summary: String,
    /// All text, whitespace-collapsed, for search indexes.
    pub plain_text: String,
}

/// Renders one Markdown body to HTML, resolving and checking its links.
///
/// Never panics: problems in the input are reported in [`Rendered::problems`].
#[must_use]
pub fn render(input: &MarkdownInput<'_>, resolver: &dyn LinkResolver) -> Rendered {
    render_body(input, resolver, Sanitizing::WhenNeeded)
}

/// When [`RawHtml::Sanitize`] runs the sanitizer's parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sanitizing {
    /// Only for bodies [`serialized::write`] cannot write as the sanitizer would.
    WhenNeeded,
    /// For every body (the reference the direct writer is tested against).
    #[cfg(test)]
    Always,
}

fn render_body(
    input: &MarkdownInput<'_>,
    resolver: &dyn LinkResolver,
    sanitizing: Sanitizing,
) -> Rendered {
    // Stray control characters become spaces of the same byte length, so offsets stay true.
    let source: Cow<'_, str> = if input.source.chars().any(crate::safe_text::is_stray_control) {
        Cow::Owned(
            input
                .source
                .chars()
                .map(|c| match c {
                    c if crate::safe_text::is_stray_control(c) => " ".repeat(c.len_utf8()),
                    c => c.to_string(),
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(input.source)
    };
    let mut events = parse(&source);
    let toc = assign_heading_ids(&mut events);
    let (summary, plain_text) = collect_text(&events);

    let mut rewriter = Rewriter::new(input, resolver);
    let output = rewriter.rewrite(events);
    let html = if input.raw_html == RawHtml::Sanitize {
        let direct = (sanitizing == Sanitizing::WhenNeeded && !rewriter.needs_sanitizer)
            .then(|| serialized::write(&output))
            .flatten();
        direct.unwrap_or_else(|| sanitized(output, input.external_images))
    } else {
        pushed_html(output)
    };

    Rendered {
        html,
        toc,
        links: rewriter.links,
        problems: rewriter.problems,
        summary,
        plain_text,
    }
}

/// pulldown-cmark's HTML of `events`.
fn pushed_html(events: Vec<Event<'_>>) -> String {
    let mut html = String::with_capacity(events.len().saturating_mul(24));
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// pulldown-cmark's HTML of `events` through the allow-list sanitizer.
fn sanitized(events: Vec<Event<'_>>, external_images: ExternalImages) -> String {
    let sanitizer = match external_images {
        ExternalImages::Error => &LOCAL_IMAGES_SANITIZER,
        ExternalImages::Allow => &SANITIZER,
    };
    sanitizer.clean(&pushed_html(events)).to_string()
}

/// The CJK-safe heading id used for `title` (before de-duplication), exposed for other stages.
///
/// Letters and digits of any script are kept (`园区优势` stays readable in the address bar and in
/// `@/parks/x#园区优势` links), ASCII is lowercased, whitespace, `-` and `_` runs become one `-`,
/// and other punctuation (full-width included) is dropped. An id with nothing left is `section`.
#[must_use]
pub fn heading_id(title: &str) -> String {
    let mut id = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            // Dashes are only written between kept characters, which trims both ends for free.
            if pending_dash && !id.is_empty() {
                id.push('-');
            }
            pending_dash = false;
            id.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    if id.is_empty() {
        "section".to_owned()
    } else {
        id
    }
}

/// One parser event with the byte range of its markup in the source.
type Spanned<'a> = (Event<'a>, Range<usize>);

fn parse(source: &str) -> Vec<Spanned<'_>> {
    // Smart punctuation stays off: it would turn the author's quotes into curly ones, and Chinese
    // text must keep the quotes (“” 「」) exactly as written.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(source, options)
        .into_offset_iter()
        .collect()
}

/// Gives every heading an id and returns the table of contents.
fn assign_heading_ids(events: &mut [Spanned<'_>]) -> Vec<TocEntry> {
    // Explicit ids and footnote ids are reserved up front, so a generated id never takes one that
    // appears later in the body.
    let mut ids = UniqueIds::default();
    for (event, _) in events.iter() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) if !id.is_empty() => {
                ids.reserve(id);
            }
            Event::Start(Tag::FootnoteDefinition(name)) => ids.reserve(name),
            _ => {}
        }
    }

    let mut toc = Vec::new();
    for index in 0..events.len() {
        let Some((level, custom)) = heading_at(events, index) else {
            continue;
        };
        let title = heading_title(events.get(index + 1..).unwrap_or_default());
        let id = custom.unwrap_or_else(|| ids.claim(heading_id(&title)));
        if let Some((Event::Start(Tag::Heading { id: slot, .. }), _)) = events.get_mut(index) {
            *slot = Some(CowStr::from(id.clone()));
        }
        toc.push(TocEntry { level, id, title });
    }
    toc
}

/// The level and explicit id of the heading starting at `index`, if one starts there.
fn heading_at(events: &[Spanned<'_>], index: usize) -> Option<(u8, Option<String>)> {
    match events.get(index) {
        Some((Event::Start(Tag::Heading { level, id, .. }), _)) => {
            let custom = id
                .as_ref()
                .filter(|id| !id.is_empty())
                .map(ToString::to_string);
            Some((*level as u8, custom))
        }
        _ => None,
    }
}

/// Plain text of a heading, from the events following its start.
fn heading_title(events: &[Spanned<'_>]) -> String {
    let mut title = TextSink::default();
    for (event, _) in events {
        match event {
            // Headings cannot contain headings, so the first end is this heading's.
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(text) | Event::Code(text) => title.push(text),
            Event::SoftBreak | Event::HardBreak => title.soft_break(),
            _ => {}
        }
    }
    title.finish()
}

/// Ids in use in one body, handing out `-1`, `-2`… suffixes for repeats.
#[derive(Default)]
struct UniqueIds {
    used: HashSet<String>,
    /// Next suffix to try per base id, so many equal headings stay linear rather than quadratic.
    next_suffix: HashMap<String, usize>,
}

impl UniqueIds {
    fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_owned());
    }

    fn claim(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        let mut suffix = self.next_suffix.get(&base).copied().unwrap_or(1);
        while self.used.contains(&candidate) {
            candidate = format!("{base}-{suffix}");
            suffix += 1;
        }
        self.next_suffix.insert(base, suffix);
        self.used.insert(candidate.clone());
        candidate
    }
}

/// Summary (first paragraph with text) and whitespace-collapsed text of the whole body.
fn collect_text(events: &[Spanned<'_>]) -> (String, String) {
    let mut all = TextSink::default();
    let mut summary = TextSink::default();
    let mut summary_done = false;
    let mut in_summary = false;
    let mut footnote_depth = 0usize;
    let mut image_depth = 0usize;

    for (event, _) in events {
        match event {
            Event::Start(tag) => {
                match tag {
                    // A footnote is an aside, not the opening of the text.
                    Tag::FootnoteDefinition(_) => footnote_depth += 1,
                    Tag::Image { .. } => image_depth += 1,
                    Tag::Paragraph if !summary_done && footnote_depth == 0 => in_summary = true,
                    _ => {}
                }
                if is_block(tag.to_end()) {
                    all.hard_break();
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::FootnoteDefinition => footnote_depth = footnote_depth.saturating_sub(1),
                    TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                    // A paragraph holding only an image says nothing a description could use.
                    TagEnd::Paragraph if in_summary => {
                        in_summary = false;
                        summary_done = !summary.is_empty();
                    }
                    _ => {}
                }
                if is_block(*end) {
                    all.hard_break();
                }
            }
            Event::Text(text) | Event::Code(text) => {
                all.push(text);
                if in_summary && image_depth == 0 {
                    summary.push(text);
                }
            }
            Event::SoftBreak => {
                all.soft_break();
                summary.soft_break();
            }
            Event::HardBreak | Event::Rule => {
                all.hard_break();
                summary.hard_break();
            }
            _ => {}
        }
    }
    (summary.finish(), all.finish())
}

fn is_block(end: TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Accumulates text with collapsed whitespace.
#[derive(Default)]
struct TextSink {
    text: String,
    gap: Gap,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Gap {
    #[default]
    None,
    /// A line break inside a paragraph: a space, except between two CJK characters, where the
    /// author only wrapped the line and a space would split a word.
    Soft,
    /// Whitespace the author typed, or a block boundary: always a space.
    Hard,
}

impl TextSink {
    /// Appends `text` a word (a run without whitespace) at a time: only a word's first character
    /// decides whether a space goes before it.
    fn push(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.gap = Gap::Hard;
            }
            let Some(first) = word.chars().next() else {
                continue;
            };
            let space = match self.gap {
                Gap::None => false,
                Gap::Soft => !(self.text.chars().next_back().is_some_and(is_cjk) && is_cjk(first)),
                Gap::Hard => true,
            };
            if space && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.gap = Gap::None;
            self.text.push_str(word);
        }
    }

    fn soft_break(&mut self) {
        if self.gap == Gap::None {
            self.gap = Gap::Soft;
        }
    }

    fn hard_break(&mut self) {
        self.gap = Gap::Hard;
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn finish(self) -> String {
        self.text
    }
}

/// Where a link or image destination points, decided from its text alone.
enum Destination<'d> {
    /// Another site, a scheme such as `mailto:`, a root-relative link or nothing: left alone.
    External,
    /// The same scheme-bearing destination as `External`, but one a browser would run or load as
    /// code (`javascript:`, `data:`…); only acted on where raw HTML is escaped.
    UnsafeScheme,
    /// `#anchor` in the same page.
    Anchor(&'d str),
    /// `@/target#anchor`.
    Content {
        target: &'d str,
        fragment: Option<&'d str>,
    },
    /// A path relative to the Markdown file.
    Relative {
        path: &'d str,
        query: &'d str,
        fragment: Option<&'d str>,
    },
    /// A path that cannot stay inside `content/`: absolute, a drive letter, or `file:`.
    Absolute,
}

fn classify(dest: &str, link_type: LinkType, image: bool) -> Destination<'_> {
    if matches!(link_type, LinkType::Email) || dest.is_empty() {
        return Destination::External;
    }
    if let Some(rest) = dest.strip_prefix("@/") {
        let (target, fragment) = split_fragment(rest);
        return Destination::Content { target, fragment };
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return Destination::Anchor(anchor);
    }
    if dest.starts_with('\\') {
        return Destination::Absolute;
    }
    if let Some(scheme) = scheme(dest) {
        // A one-letter "scheme" is a Windows drive (`C:\…`, `c:/…`), not a URL.
        if scheme.len() == 1 || scheme.eq_ignore_ascii_case("file") {
            return Destination::Absolute;
        }
        let safe = ["http", "https", "mailto", "tel"]
            .iter()
            .any(|allowed| scheme.eq_ignore_ascii_case(allowed));
        return if safe {
            Destination::External
        } else {
            Destination::UnsafeScheme
        };
    }
    if dest.starts_with('/') {
        // Root-relative page links are fine (`/search/`), but an image there would be loaded from
        // outside content/, where nothing checks or publishes it.
        return if image {
            Destination::Absolute
        } else {
            Destination::External
        };
    }
    let (rest, fragment) = split_fragment(dest);
    let (path, query) = match rest.find('?') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if path.is_empty() {
        // `?page=2` only changes the query of the current page.
        return Destination::External;
    }
    Destination::Relative {
        path,
        query,
        fragment,
    }
}

/// The URL scheme of `dest` (`https` in `https://…`), if it has one.
fn scheme(dest: &str) -> Option<&str> {
    let (scheme, _) = dest.split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && rest_valid).then_some(scheme)
}

fn split_fragment(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (dest, None),
    }
}

/// `@/` targets as written by Zola users (`@/news/x.md`, `@/parks/p/index.md`, `@/parks/p/`) are
/// reduced to the form the resolver knows (`news/x`, `parks/p`).
fn content_key(target: &str) -> &str {
    let target = target.trim_end_matches('/');
    match target.strip_suffix(".md") {
        Some(stem) => stem
            .strip_suffix("/index")
            .or_else(|| stem.strip_suffix("/_index"))
            .unwrap_or(stem),
        None => target,
    }
}

/// Joins a relative path to the file's folder and removes `.` and `..` segments; None if a `..`
/// climbs above `content/`.
fn join_normalized(file_dir: &str, relative: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    // Backslashes are treated as separators so `..\..\x` cannot slip past the `..` check.
    let dir = file_dir.split(['/', '\\']);
    for segment in dir.chain(relative.split(['/', '\\'])) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            other => segments.push(other),
        }
    }
    Some(segments.join("/"))
}

/// Decodes `%XX` escapes; text that would not decode to UTF-8 is kept as written.
fn percent_decode(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(text))
}

/// Maps byte offsets in the body to 1-based line and character column in the file.
struct LineIndex<'s> {
    source: &'s str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    first_line: usize,
}

impl<'s> LineIndex<'s> {
    fn new(source: &'s str, first_line: usize) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        for (index, &byte) in bytes.iter().enumerate() {
            // CommonMark accepts `\n`, `\r\n` and a lone `\r` as line endings.
            let ends_line =
                byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(index + 1);
            }
        }
        LineIndex {
            source,
            starts,
            first_line: first_line.max(1),
        }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = self
            .source
            .get(start..offset)
            .map_or(offset.saturating_sub(start), |text| text.chars().count());
        (self.first_line.saturating_add(line), column + 1)
    }
}

/// What to do with a link or image after looking at its destination.
enum Outcome {
    Keep,
    Rewrite(String),
    /// Unusable: render only the link text or the image's alt text.
    Drop,
}

const CONTENT_LINK_HINT: &str = "links to content look like `@/parks/<park>`, \
    `@/parks/<park>/tenants/<tenant>`, `@/news/<slug>` or `@/pages/<slug>`, optionally followed \
    by `#anchor`";

/// The event pass that resolves links and images, formats table cells and handles raw HTML.
struct Rewriter<'i, 'r> {
    file_dir: &'i str,
    lang: &'i str,
    raw_html: RawHtml,
    external_images: ExternalImages,
    resolver: &'r dyn LinkResolver,
    lines: LineIndex<'i>,
    links: Vec<LinkRef>,
    problems: Vec<MarkdownProblem>,
    /// For each open link, whether its `<a>` was kept (a dropped link keeps only its text).
    open_links: Vec<bool>,
    /// For each open block quote, list and list item, whether its tags were kept.
    open_containers: Vec<bool>,
    /// How many entries of `open_containers` are kept.
    kept_containers: usize,
    table: TableCells,
    /// Whether the body needs the sanitizer's parse under [`RawHtml::Sanitize`]: it holds raw
    /// HTML from the author, or an image whose address the sanitizer would remove. (Links the
    /// sanitizer would change are found by [`serialized::write`] itself.)
    needs_sanitizer: bool,
}

/// Deepest nesting of block quotes and lists written as such; deeper ones are flattened into
/// their parent. No real page comes near it, and the sanitizer's HTML parser slows down with the
/// square of the nesting depth, so `> > > …` thousands deep would stall a build.
const MAX_CONTAINER_DEPTH: usize = 48;

/// Table state for writing cells with `align` rather than pulldown-cmark's inline `style`, which
/// the sanitizer removes and a strict Content-Security-Policy blocks.
#[derive(Default)]
struct TableCells {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

impl TableCells {
    fn open(&self) -> &'static str {
        let alignment = self.alignments.get(self.column).copied();
        match (self.in_head, alignment) {
            (true, Some(Alignment::Left)) => "<th align=\"left\">",
            (true, Some(Alignment::Center)) => "<th align=\"center\">",
            (true, Some(Alignment::Right)) => "<th align=\"right\">",
            (true, _) => "<th>",
            (false, Some(Alignment::Left)) => "<td align=\"left\">",
            (false, Some(Alignment::Center)) => "<td align=\"center\">",
            (false, Some(Alignment::Right)) => "<td align=\"right\">",
            (false, _) => "<td>",
        }
    }

    fn close(&self) -> &'static str {
        if self.in_head { "</th>" } else { "</td>" }
    }

    /// Rewrites a table event, tracking which cell comes next.
    fn rewrite<'e>(&mut self, event: Event<'e>) -> Event<'e> {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                *self = TableCells {
                    alignments,
                    ..TableCells::default()
                };
                Event::Start(Tag::Table(Vec::new()))
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.column = 0;
                event
            }
            Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                event
            }
            Event::Start(Tag::TableRow) => {
                self.column = 0;
                event
            }
            Event::Start(Tag::TableCell) => Event::Html(self.open().into()),
            Event::End(TagEnd::TableCell) => {
                let close = self.close();
                self.column += 1;
                Event::Html(close.into())
            }
            other => other,
        }
    }
}

impl<'i, 'r> Rewriter<'i, 'r> {
    fn new(input: &MarkdownInput<'i>, resolver: &'r dyn LinkResolver) -> Self {
        Rewriter {
            file_dir: input.file_dir,
            lang: input.lang,
            raw_html: input.raw_html,
            external_images: input.external_images,
            resolver,
            lines: LineIndex::new(input.source, input.first_line),
            links: Vec::new(),
            problems: Vec::new(),
            open_links: Vec::new(),
            open_containers: Vec::new(),
            kept_containers: 0,
            table: TableCells::default(),
            needs_sanitizer: false,
        }
    }

    fn rewrite<'e>(&mut self, events: Vec<Spanned<'e>>) -> Vec<Event<'e>> {
        let mut output = Vec::with_capacity(events.len());
        let mut events = events.into_iter();
        while let Some((event, range)) = events.next() {
            if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
                self.needs_sanitizer = true;
            }
            let rewritten = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => self.link(range.start, link_type, dest_url, title, id),
                Event::End(TagEnd::Link) => self.open_links.pop().unwrap_or(true).then_some(event),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) => {
                    let alt = take_alt_text(&mut events);
                    self.image(range.start, link_type, &dest_url, &title, alt)
                }
                Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => {
                    let item = matches!(event, Event::Start(Tag::Item));
                    self.open_container(item).then_some(event)
                }
                Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                    self.close_container().then_some(event)
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => Some(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    // `{onclick=…}` on a heading is raw HTML by another name.
                    attrs: if self.raw_html == RawHtml::Escape {
                        Vec::new()
                    } else {
                        attrs
                    },
                })),
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
                | Event::End(TagEnd::TableHead | TagEnd::TableCell) => {
                    Some(self.table.rewrite(event))
                }
                Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::HtmlBlock)
                | Event::End(TagEnd::HtmlBlock)
                    if self.raw_html == RawHtml::Escape =>
                {
                    Some(escape_raw_html(event))
                }
                Event::Html(ref html) | Event::InlineHtml(ref html)
                    if self.external_images == ExternalImages::Error =>
                {
                    if let Some(url) = external_image_in_html(html) {
                        self.external_image(range.start, &url);
                    }
                    Some(event)
                }
                other => Some(other),
            };
            output.extend(rewritten);
        }
        output
    }

    fn link<'e>(
        &mut self,
        offset: usize,
        link_type: LinkType,
        dest_url: CowStr<'e>,
        title: CowStr<'e>,
        id: CowStr<'e>,
    ) -> Option<Event<'e>> {
        let dest_url = match self.check(&dest_url, link_type, offset, false) {
            Outcome::Keep => dest_url,
            Outcome::Rewrite(url) => CowStr::from(url),
            Outcome::Drop => {
                self.open_links.push(false);
                return None;
            }
        };
        self.open_links.push(true);
        Some(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }))
    }

    fn image<'e>(
        &mut self,
        offset: usize,
        link_type: LinkType,
        dest_url: &str,
        title: &str,
        alt: String,
    ) -> Option<Event<'e>> {
        let src = match self.check(dest_url, link_type, offset, true) {
            Outcome::Keep => dest_url.to_owned(),
            Outcome::Rewrite(url) => url,
            Outcome::Drop => return (!alt.is_empty()).then(|| Event::Text(alt.into())),
        };
        let responsive = self
            .links
            .last()
            .filter(|link| link.image && link.kind == LinkKind::File)
            .and_then(|link| link.path.as_deref())
            .and_then(|path| self.resolver.image_attributes(path));
        let html = if self.raw_html == RawHtml::Sanitize {
            let html = img_html::<Serialized>(&src, &alt, title, responsive.as_ref());
            self.needs_sanitizer |= !self.sanitizer_keeps_image(&src, responsive.as_ref());
            html
        } else {
            img_html::<Markup>(&src, &alt, title, responsive.as_ref())
        };
        Some(Event::InlineHtml(html.into()))
    }

    /// Whether the sanitizer keeps an image's `src` and `srcset` as written: it removes a `src`
    /// of a scheme it does not allow, and (external images off) any address from another host.
    fn sanitizer_keeps_image(&self, src: &str, responsive: Option<&ImageAttributes>) -> bool {
        let src_value = href_value(src);
        let local = |value: &str| !value.split(',').any(is_external_url);
        serialized::sanitizer_keeps_url(&src_value)
            && (self.external_images == ExternalImages::Allow
                || (local(&src_value) && responsive.is_none_or(|r| local(&r.srcset))))
    }

    /// Records a container start and says whether to write it.
    fn open_container(&mut self, item: bool) -> bool {
        // An item is written exactly when its list is, so no `<li>` lands outside a list.
        let keep = if item {
            self.open_containers.last().copied().unwrap_or(true)
        } else {
            self.kept_containers < MAX_CONTAINER_DEPTH
        };
        self.open_containers.push(keep);
        if keep {
            self.kept_containers += 1;
        }
        keep
    }

    /// Records a container end and says whether its start was written.
    fn close_container(&mut self) -> bool {
        let kept = self.open_containers.pop().unwrap_or(true);
        if kept {
            self.kept_containers = self.kept_containers.saturating_sub(1);
        }
        kept
    }

    /// Resolves one link or image destination, recording it and any problem.
    fn check(&mut self, dest: &str, link_type: LinkType, offset: usize, image: bool) -> Outcome {
        let (line, column) = self.lines.position(offset);
        let mut record = LinkRef {
            target: dest.to_owned(),
            resolved: None,
            anchor: None,
            line,
            column,
            kind: LinkKind::File,
            path: None,
            image,
        };
        let outcome = match classify(dest, link_type, image) {
            Destination::External
                if image
                    && self.external_images == ExternalImages::Error
                    && is_external_url(dest) =>
            {
                self.external_image(offset, dest);
                return Outcome::Drop;
            }
            Destination::External => return Outcome::Keep,
            Destination::UnsafeScheme => {
                // Sanitize strips these in the finished HTML and Allow trusts the author; Escape
                // promises no markup from authors, so a script URL must not survive either.
                return if self.raw_html == RawHtml::Escape {
                    Outcome::Drop
                } else {
                    Outcome::Keep
                };
            }
            Destination::Anchor(fragment) => {
                record.kind = LinkKind::Anchor;
                record.anchor = decoded_anchor(Some(fragment));
                record.resolved = Some(dest.to_owned());
                Outcome::Keep
            }
            Destination::Content { target, fragment } => {
                record.kind = LinkKind::Content;
                record.anchor = decoded_anchor(fragment);
                self.content(dest, target, fragment, &mut record)
            }
            Destination::Relative {
                path,
                query,
                fragment,
            } => {
                record.anchor = decoded_anchor(fragment);
                self.relative(dest, path, query, fragment, &mut record)
            }
            Destination::Absolute => {
                self.problem(
                    "path-outside-content",
                    &record,
                    format!("`{dest}` is an absolute path, outside content/"),
                    if image {
                        "put the image inside content/ (e.g. beside this file) and refer to it by a \
                         path relative to this file, e.g. `hall.jpg`"
                    } else {
                        "refer to files inside content/ by a path relative to this file, and to \
                         pages with `@/…` links"
                    },
                );
                Outcome::Drop
            }
        };
        self.links.push(record);
        outcome
    }

    fn content(
        &mut self,
        dest: &str,
        target: &str,
        fragment: Option<&str>,
        record: &mut LinkRef,
    ) -> Outcome {
        let key = content_key(target);
        record.path = Some(key.to_owned());
        match self.resolver.resolve_content(key, self.lang) {
            Some(url) => {
                let url = with_suffix(url, "", fragment);
                record.resolved = Some(url.clone());
                Outcome::Rewrite(url)
            }
            None => {
                let message = if key.is_empty() {
                    format!("broken link `{dest}`: it names no content")
                } else {
                    format!("broken link `{dest}`: no content at `@/{key}`")
                };
                self.problem("broken-link", record, message, CONTENT_LINK_HINT);
                Outcome::Drop
            }
        }
    }

    fn relative(
        &mut self,
        dest: &str,
        path: &str,
        query: &str,
        fragment: Option<&str>,
        record: &mut LinkRef,
    ) -> Outcome {
        // Decoding first means `%2e%2e/` is seen as the `..` it is.
        let decoded = percent_decode(path);
        let Some(content_path) = join_normalized(self.file_dir, &decoded) else {
            self.problem(
                "path-outside-content",
                record,
                format!("`{dest}` points outside content/"),
                "only files inside content/ are published; copy the file next to this one \
                 and refer to it by its name",
            );
            return Outcome::Drop;
        };
        record.path = Some(content_path.clone());
        match self.resolver.resolve_relative(&content_path, self.lang) {
            Some(url) => {
                let url = with_suffix(url, query, fragment);
                record.resolved = Some(url.clone());
                Outcome::Rewrite(url)
            }
            None => {
                self.problem(
                    "missing-file",
                    record,
                    format!("`{dest}` not found: there is no `content/{content_path}`"),
                    "paths are relative to the folder of this Markdown file and case-sensitive; \
                     link to pages with `@/parks/<park>`, `@/news/<slug>` or `@/pages/<slug>`",
                );
                Outcome::Drop
            }
        }
    }

    /// Reports an image loaded from another host.
    fn external_image(&mut self, offset: usize, url: &str) {
        let (line, column) = self.lines.position(offset);
        self.problems.push(MarkdownProblem {
            code: "external-image",
            line,
            column,
            message: format!(
                "the image `{url}` is loaded from another host, which the site promises never to do"
            ),
            hint: "download the image into the park folder and refer to it by its file name \
                   (or set `external_images = \"allow\"` under [markdown] in site.toml)"
                .to_owned(),
        });
    }

    fn problem(&mut self, code: &'static str, at: &LinkRef, message: String, hint: &str) {
        self.problems.push(MarkdownProblem {
            code,
            line: at.line,
            column: at.column,
            message,
            hint: hint.to_owned(),
        });
    }
}

/// Turns raw HTML into text shown as written.
fn escape_raw_html(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        // Escaped HTML blocks read as text, so they get the paragraph text would get.
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        other => other,
    }
}

fn decoded_anchor(fragment: Option<&str>) -> Option<String> {
    fragment
        .filter(|fragment| !fragment.is_empty())
        .map(|fragment| percent_decode(fragment).into_owned())
}

fn with_suffix(mut url: String, query: &str, fragment: Option<&str>) -> String {
    url.push_str(query);
    if let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty()) {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// Consumes the events inside an image up to its end and returns their text, for `alt`.
fn take_alt_text<'e>(events: &mut impl Iterator<Item = Spanned<'e>>) -> String {
    let mut alt = TextSink::default();
    let mut depth = 0usize;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Event::Text(text) | Event::Code(text) => alt.push(&text),
            Event::SoftBreak | Event::HardBreak => alt.soft_break(),
            _ => {}
        }
    }
    alt.finish()
}

/// How the attributes of HTML the rewriter writes itself (images) are spelled.
trait Spelling {
    /// Appends a URL as an attribute value.
    fn push_href(out: &mut String, url: &str);
    /// Appends text as an attribute value.
    fn push_value(out: &mut String, text: &str);
}

/// As pulldown-cmark spells its own attributes, for bodies published without the sanitizer.
struct Markup;

impl Spelling for Markup {
    fn push_href(out: &mut String, url: &str) {
        push_href(out, url);
    }

    fn push_value(out: &mut String, text: &str) {
        crate::escape::push_html(out, text);
    }
}

/// As the sanitizer's serializer spells them, so a body it need not parse comes out the same.
struct Serialized;

impl Spelling for Serialized {
    fn push_href(out: &mut String, url: &str) {
        serialized::push_attribute(out, &href_value(url));
    }

    fn push_value(out: &mut String, text: &str) {
        serialized::push_attribute(out, text);
    }
}

/// `<img>` written by hand because pulldown-cmark's has no `loading="lazy"`.
fn img_html<S: Spelling>(
    src: &str,
    alt: &str,
    title: &str,
    responsive: Option<&ImageAttributes>,
) -> String {
    let mut html = String::with_capacity(src.len() + alt.len() + title.len() + 48);
    html.push_str("<img src=\"");
    S::push_href(&mut html, src);
    html.push_str("\" alt=\"");
    S::push_value(&mut html, alt);
    if !title.is_empty() {
        html.push_str("\" title=\"");
        S::push_value(&mut html, title);
    }
    if let Some(attributes) = responsive {
        html.push_str("\" srcset=\"");
        S::push_value(&mut html, &attributes.srcset);
        html.push_str("\" sizes=\"(max-width: 48rem) 100vw, 48rem\" width=\"");
        html.push_str(&attributes.width.to_string());
        html.push_str("\" height=\"");
        html.push_str(&attributes.height.to_string());
    }
    html.push_str("\" loading=\"lazy\">");
    html
}

/// Writes a URL into a double-quoted attribute as pulldown-cmark writes `href` (its
/// [`href_value`] with `&` and `'` as references), so links and images come out encoded alike.
fn push_href(html: &mut String, url: &str) {
    for c in href_value(url).chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '\'' => html.push_str("&#x27;"),
            c => html.push(c),
        }
    }
}

/// A URL as pulldown-cmark encodes it for `href`, read back the way an HTML parser reads the
/// attribute: bytes outside its safe set percent-encoded, `&` and `'` as themselves. The one
/// encoding both spellings of an address ([`Markup`], [`Serialized`]) and the sanitizer's URL
/// check start from.
fn href_value(url: &str) -> String {
    let mut value = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || "!#$%&'()*+,-./:;=?@^_~".contains(c) {
            value.push(c);
        } else {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                value.push('%');
                value.push(hex_digit(byte >> 4));
                value.push(hex_digit(byte & 0xF));
            }
        }
    }
    value
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(nibble & 0xF)])
}

/// Whether a URL (as a browser would read it: backslashes as slashes, surrounding space
/// ignored) loads from another host: protocol-relative or with any scheme but `data:`, which
/// the sanitizer removes from images anyway.
fn is_external_url(url: &str) -> bool {
    let url = url.trim().replace('\\', "/");
    url.starts_with("//")
        || scheme(&url).is_some_and(|s| s.len() > 1 && !s.eq_ignore_ascii_case("data"))
}

/// The first image URL from another host in a piece of raw HTML: a `src`, `srcset` or `poster`
/// of any element. Found on the lower-cased text, without parsing: the sanitizer removes these
/// attributes anyway, this is only to report them.
fn external_image_in_html(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(['s', 'p']) {
        let tail = &rest[at..];
        let name_len = ["srcset", "src", "poster"]
            .iter()
            .find(|name| tail.starts_with(*name))
            .map(|name| name.len());
        rest = &tail[1..];
        let Some(len) = name_len else { continue };
        let Some(value) = tail[len..].trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let value = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
            _ => value.split([' ', '>', '\t', '\n']).next().unwrap_or(""),
        };
        let decoded = html_entities_decoded(value);
        let candidates = decoded
            .split(',')
            .map(|c| c.split_whitespace().next().unwrap_or(""));
        if let Some(url) = candidates.into_iter().find(|c| is_external_url(c)) {
            return Some(url.to_owned());
        }
    }
    None
}

/// `&#47;`, `&#x2f;`, `&sol;`, `&colon;` and `&amp;` decoded, so an entity-encoded `//` is seen.
fn html_entities_decoded(value: &str) -> String {
    value
        .replace("&#47;", "/")
        .replace("&#x2f;", "/")
        .replace("&sol;", "/")
        .replace("&#58;", ":")
        .replace("&#x3a;", ":")
        .replace("&colon;", ":")
        .replace("&amp;", "&")
}

/// The URL schemes the sanitizer keeps in `href` and `src`; relative URLs are kept too.
const URL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// [`SANITIZER`] that also drops image sources from other hosts (`src`, `srcset`), for sites
/// that keep `external_images` at its default.
static LOCAL_IMAGES_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = sanitizer();
    builder.attribute_filter(|_element, attribute, value| match attribute {
        "src" | "srcset" | "poster" if value.split(',').any(is_external_url) => None,
        _ => Some(value.into()),
    });
    builder
});

/// The allow-list for [`RawHtml::Sanitize`]: ammonia's defaults plus what Markdown itself emits
/// (heading ids, code language classes, footnotes, task list boxes, lazy images).
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .url_schemes(HashSet::from(URL_SCHEMES))
        .url_relative(ammonia::UrlRelative::PassThrough)
        // Most links are internal; `noreferrer` on them would only hide referrers from our own
        // analytics, and `target` is not allowed, so there is no opener to protect.
        .link_rel(None)
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("pre", ["class"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("img", ["loading", "srcset", "sizes"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        // Whatever an author writes, an `<input>` that survives is an inert checkbox.
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"]);
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id", "class"]);
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeSite;

    impl LinkResolver for FakeSite {
        fn resolve_content(&self, target: &str, lang: &str) -> Option<String> {
            match target {
                "parks/data-lake" => Some(format!("/{lang}/parks/data-lake/")),
                "pages/about" => Some(format!("/{lang}/about/")),
                _ => None,
            }
        }

        fn resolve_relative(&self, content_path: &str, lang: &str) -> Option<String> {
            match content_path {
                "parks/data-lake/hall.jpg" => Some("/parks/data-lake/hall.jpg".to_owned()),
                "parks/shared/map.png" => Some("/parks/shared/map.png".to_owned()),
                "pages/about.md" => Some(format!("/{lang}/about/")),
                _ => None,
            }
        }
    }

    fn input(source: &str) -> MarkdownInput<'_> {
        MarkdownInput {
            source,
            file_dir: "parks/data-lake",
            lang: "en",
            raw_html: RawHtml::Sanitize,
            external_images: ExternalImages::Error,
            first_line: 1,
        }
    }

    fn md(source: &str) -> Rendered {
        render(&input(source), &FakeSite)
    }

    /// Asserts that `html` holds `part`, showing the whole of it when not.
    fn assert_has(html: &str, part: &str) {
        assert!(html.contains(part), "{part} not in {html}");
    }

    fn md_with(source: &str, raw_html: RawHtml) -> Rendered {
        render(
            &MarkdownInput {
                raw_html,
                ..input(source)
            },
            &FakeSite,
        )
    }

    #[test]
    fn heading_ids_keep_chinese_and_drop_punctuation() {
        for (heading, id) in [
            ("园区优势", "园区优势"),
            ("Why Data Lake?", "why-data-lake"),
            ("一、区位：交通（高速）", "一区位交通高速"),
            ("  __snake_case -- Title__ ", "snake-case-title"),
            ("？！。", "section"),
            ("", "section"),
        ] {
            assert_eq!(heading_id(heading), id, "{heading}");
        }
    }

    #[test]
    fn repeated_headings_get_suffixes() {
        let out = md("## 园区优势\n\n## 园区优势\n\n## 园区优势\n");
        let ids: Vec<_> = out.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(ids, ["园区优势", "园区优势-1", "园区优势-2"]);
        assert!(out.html.contains("<h2 id=\"园区优势\">园区优势</h2>"));
        assert!(out.html.contains("<h2 id=\"园区优势-1\">"));
        assert_eq!(out.toc[0].level, 2);
        assert_eq!(out.toc[0].title, "园区优势");
    }

    #[test]
    fn custom_heading_id_wins_and_is_reserved() {
        let out = md("## Overview\n\n## 概览 {#overview}\n\n## Title {#a&b}\n");
        let ids: Vec<_> = out.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(ids, ["overview-1", "overview", "a&b"]);
        assert_eq!(out.toc[1].title, "概览");
        assert!(out.html.contains("<h2 id=\"overview\">概览</h2>"));
        assert!(out.html.contains("<h2 id=\"a&amp;b\">"));
    }

    #[test]
    fn content_link_resolves_with_anchor() {
        let out = md("See [the park](@/parks/data-lake#园区优势).");
        assert_has(
            &out.html,
            "<a href=\"/en/parks/data-lake/#%E5%9B%AD%E5%8C%BA%E4%BC%98%E5%8A%BF\">the park</a>",
        );
        assert!(out.problems.is_empty());
        let link = &out.links[0];
        assert_eq!(link.kind, LinkKind::Content);
        assert_eq!(link.anchor.as_deref(), Some("园区优势"));
        assert_eq!(link.path.as_deref(), Some("parks/data-lake"));
        assert_eq!(
            link.resolved.as_deref(),
            Some("/en/parks/data-lake/#园区优势")
        );
        assert_eq!((link.line, link.column), (1, 5));
    }

    #[test]
    fn broken_content_link_is_reported_where_it_is() {
        let source = "# 标题\n\n第二段，见 [园区](@/parks/nowhere#x)。\n";
        let out = render(
            &MarkdownInput {
                first_line: 5,
                ..input(source)
            },
            &FakeSite,
        );
        assert_eq!(out.problems.len(), 1);
        let problem = &out.problems[0];
        assert_eq!(problem.code, "broken-link");
        // Line 3 of the body is line 7 of the file; `[` is the 7th character of that line.
        assert_eq!((problem.line, problem.column), (7, 7));
        assert!(problem.message.contains("@/parks/nowhere"));
        assert!(problem.hint.contains("@/parks/<park>"));
        assert_has(&out.html, "第二段，见 园区。");
        assert!(!out.html.contains("<a"));
        assert_eq!(out.links[0].resolved, None);
        assert_eq!(out.links[0].anchor.as_deref(), Some("x"));
    }

    #[test]
    fn zola_style_content_links_are_accepted() {
        let out =
            md("[a](@/pages/about.md) [b](@/parks/data-lake/index.md) [c](@/parks/data-lake/)");
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.html.matches("href=\"/en/").count(), 3);
    }

    #[test]
    fn relative_image_resolves_against_file_dir() {
        let out = md("![展厅 hall](hall.jpg \"The hall\")\n\n![map](../shared/./map.png)\n");
        assert_has(
            &out.html,
            "<img src=\"/parks/data-lake/hall.jpg\" alt=\"展厅 hall\" title=\"The hall\" loading=\"lazy\">",
        );
        assert!(out.html.contains("src=\"/parks/shared/map.png\""));
        assert!(out.problems.is_empty());
        assert!(out.links.iter().all(|link| link.image));
        assert_eq!(out.links[1].path.as_deref(), Some("parks/shared/map.png"));
    }

    #[test]
    fn relative_md_link_resolves_to_its_page() {
        let mut about = input("[About us](../../pages/about.md#team)");
        about.lang = "zh";
        let out = render(&about, &FakeSite);
        assert_has(&out.html, "href=\"/zh/about/#team\"");
        assert_eq!(out.links[0].anchor.as_deref(), Some("team"));
    }

    #[test]
    fn paths_leaving_content_are_rejected() {
        let from_pages = render(
            &MarkdownInput {
                file_dir: "pages",
                ..input("[x](../../etc/passwd)")
            },
            &FakeSite,
        );
        assert_eq!(from_pages.problems[0].code, "path-outside-content");
        assert!(from_pages.links[0].path.is_none());
        for source in [
            "![x](../../../etc/passwd)",
            "[x](%2e%2e/%2e%2e/%2e%2e/etc/passwd)",
            "[x](..\\\\..\\\\..\\\\secret.txt)",
            "![x](/etc/passwd)",
            "[x](C:\\Windows\\win.ini)",
            "[x](file:///etc/passwd)",
        ] {
            let out = md(source);
            assert_eq!(out.problems.len(), 1, "{source}");
            assert_eq!(out.problems[0].code, "path-outside-content", "{source}");
            assert!(!out.html.contains("passwd"), "{source}: {}", out.html);
            assert_eq!(out.links.len(), 1, "{source}");
        }
    }

    #[test]
    fn missing_files_are_reported() {
        let out = md("text\n\n  ![gone](gone.png)");
        assert_eq!(out.problems[0].code, "missing-file");
        assert_eq!((out.problems[0].line, out.problems[0].column), (3, 3));
        assert!(
            out.problems[0]
                .message
                .contains("content/parks/data-lake/gone.png")
        );
        assert!(out.html.contains("gone"));
        assert!(!out.html.contains("<img"));
    }

    #[test]
    fn external_root_and_anchor_links_are_left_alone() {
        let out = md(
            "[a](https://example.com/x) [b](mailto:a@b.cn) [c](/search/) [d](#园区优势) <https://x.cn>",
        );
        assert!(out.problems.is_empty());
        assert!(out.html.contains("href=\"https://example.com/x\""));
        assert!(out.html.contains("href=\"mailto:a@b.cn\""));
        assert!(out.html.contains("href=\"/search/\""));
        assert!(
            out.html
                .contains("href=\"#%E5%9B%AD%E5%8C%BA%E4%BC%98%E5%8A%BF\"")
        );
        assert_eq!(out.links.len(), 1);
        assert_eq!(out.links[0].kind, LinkKind::Anchor);
        assert_eq!(out.links[0].anchor.as_deref(), Some("园区优势"));
    }

    #[test]
    fn raw_html_modes() {
        let source = "<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>\n";
        let sanitized = md_with(source, RawHtml::Sanitize);
        assert!(!sanitized.html.contains("script"), "{}", sanitized.html);
        assert!(!sanitized.html.contains("alert"), "{}", sanitized.html);
        assert!(!sanitized.html.contains("onclick"), "{}", sanitized.html);
        assert!(sanitized.html.contains("<b>bold</b>"));

        let escaped = md_with(source, RawHtml::Escape);
        assert!(
            escaped
                .html
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{}",
            escaped.html
        );
        assert!(
            escaped
                .html
                .contains("&lt;b onclick=\"x()\"&gt;bold&lt;/b&gt;"),
            "{}",
            escaped.html
        );
        assert!(!escaped.html.contains("<script"));

        let allowed = md_with(source, RawHtml::Allow);
        assert!(allowed.html.contains("<script>alert(1)</script>"));
        assert!(allowed.html.contains("<b onclick=\"x()\">"));
    }

    #[test]
    fn external_images_are_errors_unless_allowed() {
        for source in [
            "![t](https://evil.example/pixel.gif)",
            "<img src=\"//evil.example/pixel.gif\">",
            "<img src=\"hall.jpg\" srcset=\"hall.jpg 1x, https://evil.example/p.gif 2x\">",
            "<img src='/\\evil.example/p.gif'>",
            "<img src=\"https&colon;&sol;&sol;evil.example/p.gif\">",
        ] {
            let out = md(source);
            assert!(
                out.problems.iter().any(|p| p.code == "external-image"),
                "{source}: {:?}",
                out.problems
            );
            assert!(!out.html.contains("evil.example"), "{source}: {}", out.html);
            let allowed = render(
                &MarkdownInput {
                    external_images: ExternalImages::Allow,
                    ..input(source)
                },
                &FakeSite,
            );
            assert!(
                !allowed.problems.iter().any(|p| p.code == "external-image"),
                "{source}"
            );
        }
        assert!(
            md("[a page](https://example.com/x.gif)")
                .problems
                .is_empty()
        );
    }

    #[test]
    fn javascript_urls_are_stripped() {
        let out = md("<a href=\"javascript:alert(1)\">x</a> [y](javascript:alert(2))");
        assert!(!out.html.contains("javascript"), "{}", out.html);
        assert!(out.html.contains(">x</a>"));

        let escaped = md_with(
            "[y](javascript:alert(2)) <javascript:alert(3)>",
            RawHtml::Escape,
        );
        assert!(!escaped.html.contains("href"), "{}", escaped.html);
        assert!(escaped.html.contains('y'));
    }

    #[test]
    fn heading_attributes_cannot_smuggle_handlers() {
        for mode in [RawHtml::Sanitize, RawHtml::Escape] {
            let out = md_with("## Title {#t .wide onclick=alert(1)}", mode);
            assert!(!out.html.contains("onclick"), "{mode:?}: {}", out.html);
            assert!(out.html.contains("id=\"t\""));
            assert!(out.html.contains("class=\"wide\""));
        }
    }

    #[test]
    fn extensions_survive_sanitizing() {
        let source = "\
| 要素 | 价格 |
|:-----|-----:|
| 电 | 0.6 |

- [x] done
- [ ] todo

~~旧~~ 新[^1]

[^1]: 来源：济阳区

```rust
fn main() {}
```
";
        for mode in [RawHtml::Sanitize, RawHtml::Allow] {
            let html = md_with(source, mode).html;
            for part in [
                "<table>",
                "<th align=\"left\">要素</th>",
                "<td align=\"right\">0.6</td>",
                "type=\"checkbox\"",
                "checked",
                "disabled",
                "<del>旧</del>",
                "<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
                "<div class=\"footnote-definition\" id=\"1\">",
                "<code class=\"language-rust\">",
            ] {
                assert!(html.contains(part), "{part} in {html}");
            }
            assert!(!html.contains("style="), "{html}");
        }
    }

    #[test]
    fn sanitizer_keeps_only_inert_checkboxes() {
        let out = md("<input type=\"text\" value=\"x\" onfocus=\"y()\">");
        assert!(!out.html.contains("text"), "{}", out.html);
        assert!(!out.html.contains("onfocus"), "{}", out.html);
    }

    #[test]
    fn chinese_quotes_are_kept() {
        let out = md("他说：“投资济北”，‘好’。\"plain\" 'quotes' -- ...");
        assert_has(&out.html, "他说：“投资济北”，‘好’。");
        assert_has(&out.html, "\"plain\" 'quotes' -- ...");
    }

    #[test]
    fn summary_and_plain_text() {
        let source = "\
# 济北开发区

![logo](hall.jpg)

济北开发区位于
**济南**北部，[数据湖](@/parks/data-lake)产业园
is   here.

## 优势

- 交通
- 土地[^n]

[^n]: 脚注
";
        let out = md(source);
        assert_eq!(out.summary, "济北开发区位于济南北部，数据湖产业园 is here.");
        assert_eq!(
            out.plain_text,
            "济北开发区 logo 济北开发区位于济南北部，数据湖产业园 is here. 优势 交通 土地 脚注"
        );
    }

    #[test]
    fn plain_text_is_collapsed_across_events() {
        let out = md("  园区\u{3000} a \n\n**b**c  d\n\n> 园\n> 区 e\u{a0}\n");
        assert_eq!(out.plain_text, "园区 a bc d 园区 e");
        let words: Vec<&str> = out.plain_text.split_whitespace().collect();
        assert_eq!(out.plain_text, words.join(" "));
    }

    #[test]
    fn summary_is_empty_without_paragraphs() {
        let out = md("# Only a heading\n\n- item\n");
        assert_eq!(out.summary, "");
        assert_eq!(out.plain_text, "Only a heading item");
    }

    #[test]
    fn positions_count_characters_and_crlf() {
        let out = md("第一行\r\n园区 [x](@/nope)\r\n");
        assert_eq!((out.problems[0].line, out.problems[0].column), (2, 4));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabet = b"#*_[]()!<>`~|-:\\/@.%&\"'^{}\n\n \t1aZ\xe5\x9b\xad";
        for round in 0..300 {
            let mut bytes = Vec::new();
            for _ in 0..(round * 7 % 600) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pick = usize::try_from(seed % 1000).unwrap_or(0);
                bytes.push(if pick < 900 {
                    alphabet[pick % alphabet.len()]
                } else {
                    u8::try_from(seed >> 56).unwrap_or(0)
                });
            }
            let source = String::from_utf8_lossy(&bytes);
            for mode in [RawHtml::Sanitize, RawHtml::Allow, RawHtml::Escape] {
                md_with(&source, mode);
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_panic() {
        let sources = [
            "> ".repeat(20_000) + "x",
            "[".repeat(50_000) + &"](x)".repeat(50_000),
            "*".repeat(50_000) + "x" + &"*".repeat(50_000),
            "<div>".repeat(2_000),
            (0..2_000)
                .map(|depth| format!("{}- x\n", "  ".repeat(depth)))
                .collect(),
            "## a\n".repeat(5_000),
        ];
        for source in &sources {
            let out = md(source);
            assert!(!out.html.is_empty() || source.starts_with("<div>"));
        }
        let quotes = md(&("> ".repeat(20_000) + "x")).html;
        assert_eq!(quotes.matches("<blockquote>").count(), MAX_CONTAINER_DEPTH);
        assert_eq!(quotes.matches("</blockquote>").count(), MAX_CONTAINER_DEPTH);
    }

    /// Bodies the direct writer takes, and a few it must leave to the sanitizer.
    #[test]
    fn plain_bodies_skip_the_sanitizer_with_the_same_html() {
        let plain = [
            "## 企业概况 1\n\n招商 & 引资 1 < 2 > 0 \"quoted\" 'single'\u{a0}nbsp\n\n### 主营业务\n\n\
             - **土地**：供地。\n- *em* and `code <x>`\n\n| 项目 | 数值 | note |\n|---|---:|:---:|\n\
             | 土地 | 12 | a |\n\n> quote\n\n---\n\nline  \nbreak ~~del~~\n",
            "[park](@/parks/data-lake#园区 优势) [ext](https://example.cn/a b?x=1&y='2') \
             <https://auto.example.cn> <mail@example.cn> [tel](tel:+86-531-1234)\n\n\
             ![hall & \"door\"](hall.jpg \"Hall <1>\")\n\n3. three\n4. four\n",
            "```rust title=x\nfn main() { \"<&>\" }\n```\n\n    indented\r\n\r\nwindows\r\nlines\r\n",
        ];
        for source in plain {
            let events = {
                let mut events = parse(source);
                assign_heading_ids(&mut events);
                let mut rewriter = Rewriter::new(&input(source), &FakeSite);
                let output = rewriter.rewrite(events);
                assert!(!rewriter.needs_sanitizer, "{source}");
                output
            };
            assert!(serialized::write(&events).is_some(), "{source}");
            assert_same_html(source);
        }
        let needs_sanitizer = [
            "<b onclick=x>raw</b>",
            "[x](javascript:alert(1))",
            "[x](ftp://example.cn/)",
            "![data](data:image/png;base64,AAAA)",
            "- [ ] task",
            "note[^1]\n\n[^1]: footnote",
            "## Heading {.class}",
            "[<https://example.cn/a?b=1&c=2>]()",
            "[x <a@example.cn> y](/parks/)",
        ];
        for source in needs_sanitizer {
            assert_same_html(source);
        }
    }

    fn assert_same_html(source: &str) {
        for external_images in [ExternalImages::Error, ExternalImages::Allow] {
            let input = MarkdownInput {
                external_images,
                ..input(source)
            };
            let direct = render_body(&input, &FakeSite, Sanitizing::WhenNeeded).html;
            let reference = render_body(&input, &FakeSite, Sanitizing::Always).html;
            assert_eq!(direct, reference, "for {source:?}");
        }
    }

    /// Pieces random bodies are made of: Markdown syntax, text that needs escaping, and link
    /// and image addresses of every kind the rewriter and the sanitizer treat differently.
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "# ",
        "## ",
        "### ",
        "- ",
        "* ",
        "1. ",
        "7. ",
        "> ",
        "    ",
        "```\n",
        "```js\n",
        "~~~\n",
        "---\n",
        "***",
        "**",
        "*",
        "_",
        "__",
        "~~",
        "`",
        "|",
        "|---|",
        "| a | b |\n|:-|-:|\n| c | d |\n",
        "  \n",
        "\\",
        "&",
        "&amp;",
        "&nbsp;",
        "&#x27;",
        "<",
        ">",
        "\"",
        "'",
        "\u{a0}",
        "\u{feff}",
        "\t",
        "招商引资",
        "园区",
        "text",
        " ",
        "{#custom-id}",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "[link](",
        "![img](",
        "<https://example.cn/a?b=1&c=2>",
        "<a@example.cn>",
        "@/parks/data-lake",
        "@/parks/data-lake#x y",
        "@/missing",
        "hall.jpg",
        "../../outside.png",
        "map.png",
        "https://example.cn/路径 x",
        "http://[::1",
        "HTTP://EX.CN",
        "javascript:alert(1)",
        "data:image/png;base64,xx",
        "tel:+86",
        "mailto:a@b.cn",
        "//evil.cn/x",
        "#anchor",
        "?q='1'&r=\"2\"",
        " \"title & <t>\"",
        "<br>",
        "<i>",
        "</i>",
        "<!-- c -->",
        "[^1]",
        "[^1]: note\n",
        "- [x] ",
        "[ref]",
        "[ref]: /x 'T'\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever the body, skipping the sanitizer's parse never changes a byte.
        #[test]
        fn the_direct_writer_matches_the_sanitizer(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40)
        ) {
            let source: String = picks.iter().map(|&i| PIECES[i]).collect();
            assert_same_html(&source);
        }
    }
}
