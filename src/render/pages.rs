//! Every page of the site as a job (kind × language), rendered in parallel, plus the files that
//! exist once: 404, sitemap, robots, and redirects from old park keys.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::kinds::Head;
use super::lastmod::LastModified;
use super::{RenderCache, RenderResult, SiteLinks};
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::files::{Contents, OutputFile, ThemeFile};
use crate::markdown::{LinkKind, Rendered};
use crate::model::{Asset, Body};
use crate::views::context::*;
use crate::views::{LangViews, ViewCx};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Renders pages with shared, read-only inputs.
pub struct PageRenderer<'a> {
    /// View inputs.
    pub cx: &'a ViewCx<'a>,
    /// Parsed templates.
    pub tera: &'a tera::Tera,
    /// Link resolver.
    pub links: &'a SiteLinks<'a>,
    /// Views per language, in site language order.
    pub lang_views: &'a [LangViews],
    /// Hash of the theme's templates and of what their functions read (the URLs `get_url` makes,
    /// `image()`'s sizes, the share links), when pages are cached: an edit of any invalidates
    /// every cached page.
    pub templates_key: u128,
    /// The theme's default share image, measured once per render (see [`theme_share_image`]).
    pub theme_share_image: Option<ImageRef>,
    /// Templates that can show `page.qr` (see [`super::reach`]): other pages get no QR code.
    pub qr_templates: BTreeSet<String>,
}

/// The theme's default share image with its size, for pages with no image of their own, and
/// its WeChat thumbnail (`<stem>.thumb300x300.jpg` beside it): made from it on each build, unless
/// the built-in theme ships both (a test holds the shipped thumbnail equal to the one made), in
/// which case the thumbnail is published with the theme's static files.
pub fn theme_share_image(
    theme: &crate::theme::Theme,
    urls: &crate::urls::Urls,
) -> Option<(ImageRef, Option<OutputFile>)> {
    let path = theme.config.share_image.as_ref()?;
    let image_file = theme.static_files.get(path)?;
    let bytes = image_file.bytes().ok()?;
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    let thumb_path = crate::assets::images::wechat_thumb_path(path);
    let shipped = matches!(
        (image_file, theme.static_files.get(&thumb_path)),
        (ThemeFile::Builtin(_), Some(ThemeFile::Builtin(_)))
    );
    let thumb = if shipped {
        None
    } else {
        crate::assets::images::wechat_thumb(&bytes).map(|jpeg| OutputFile {
            path: thumb_path.clone(),
            contents: Contents::Bytes(jpeg),
        })
    };
    let image = ImageRef {
        url: urls.absolute(&urls.root(path)),
        width,
        height,
        thumb: (shipped || thumb.is_some()).then(|| urls.root(&thumb_path)),
    };
    Some((image, thumb))
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Job {
    Home,
    Parks,
    Park(usize),
    Tenant(usize, usize),
    Tenants,
    Policies,
    NewsList,
    News(usize),
    Page(usize),
    Feed,
    NotFound,
    Search,
    Tool(Tool),
}

/// The investor tools' pages, each with its own context (see [`super::tools`]).
#[derive(Debug, Clone, Copy)]
pub(super) enum Tool {
    Costs,
    Finder,
    Carriers,
    Compare,
    Enquiry,
}

impl Tool {
    const ALL: [Tool; 5] = [
        Tool::Costs,
        Tool::Finder,
        Tool::Carriers,
        Tool::Compare,
        Tool::Enquiry,
    ];

    /// The page's folder, its template's stem and its `page.kind`.
    pub(super) fn code(self) -> &'static str {
        match self {
            Tool::Costs => "costs",
            Tool::Finder => "finder",
            Tool::Carriers => "carriers",
            Tool::Compare => "compare",
            Tool::Enquiry => "enquiry",
        }
    }
}

impl Job {
    fn template(self) -> &'static str {
        match self {
            Job::Home => "index.html",
            Job::Parks => "parks.html",
            Job::Park(_) => "park.html",
            Job::Tenant(..) => "tenant.html",
            Job::Tenants => "tenants.html",
            Job::Policies => "policies.html",
            Job::NewsList => "news_list.html",
            Job::News(_) => "news.html",
            Job::Page(_) => "page.html",
            Job::Feed => "atom.xml",
            Job::NotFound => "404.html",
            Job::Search => "search.html",
            Job::Tool(tool) => match tool {
                Tool::Costs => "costs.html",
                Tool::Finder => "finder.html",
                Tool::Carriers => "carriers.html",
                Tool::Compare => "compare.html",
                Tool::Enquiry => "enquiry.html",
            },
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Job::Home => "home",
            Job::Parks => "parks",
            Job::Park(_) => "park",
            Job::Tenant(..) => "tenant",
            Job::Tenants => "tenants",
            Job::Policies => "policies",
            Job::NewsList => "news_list",
            Job::News(_) => "news",
            Job::Page(_) => "page",
            Job::Feed => "feed",
            Job::NotFound => "not_found",
            Job::Search => "search",
            Job::Tool(tool) => tool.code(),
        }
    }

    /// Which parts the page shows ([`PageRenderer::parts`]): those of its kind, and on a park's
    /// own pages (the park's and its tenants') those of the park.
    fn parts_key(self) -> PartsKey {
        let park = match self {
            Job::Park(p) | Job::Tenant(p, _) => Some(p),
            _ => None,
        };
        (self.kind(), park)
    }

    /// The date the page's content last changed, for the sitemap (see [`LastModified`]).
    fn lastmod(self, dates: &LastModified) -> Option<chrono::NaiveDate> {
        match self {
            Job::Home => dates.home(),
            Job::Parks | Job::Tool(Tool::Compare) => dates.parks(),
            Job::Park(p) => dates.park(p),
            Job::Tenant(p, t) => dates.tenant(p, t),
            Job::Tenants => dates.tenants(),
            Job::Policies | Job::Tool(Tool::Finder) => dates.policies(),
            Job::NewsList => dates.news_list(),
            Job::News(n) => dates.news(n),
            Job::Tool(Tool::Costs) => dates.costs(),
            Job::Tool(Tool::Carriers) => dates.carriers(),
            Job::Page(_) | Job::Tool(Tool::Enquiry) | Job::Feed | Job::NotFound | Job::Search => {
                None
            }
        }
    }

    /// The search index item whose body this job renders.
    fn search_item(self) -> Option<crate::search::Item> {
        use crate::search::Item;
        match self {
            Job::Park(p) => Some(Item::Park(p)),
            Job::Tenant(p, t) => Some(Item::Tenant(p, t)),
            Job::News(n) => Some(Item::News(n)),
            Job::Page(i) => Some(Item::Page(i)),
            _ => None,
        }
    }
}

/// What one job produced.
#[derive(Default)]
pub(super) struct JobOutput {
    file: Option<OutputFile>,
    diagnostics: Vec<Diagnostic>,
    assets: Vec<String>,
    sitemap: Option<String>,
    /// The page's URL, for checking `#anchor` links that point at it.
    ids: Option<String>,
    /// Links with an anchor, checked once every page is rendered.
    anchored: Vec<AnchoredLink>,
    /// Files that belong to the page (vCards of a park's contacts).
    pub(super) extra: Vec<OutputFile>,
    /// The search index entry the page's body is indexed for, if any.
    search_item: Option<crate::search::Item>,
    /// What the search index uses of the plain text of that body.
    text: Option<String>,
    /// The page is as an earlier build rendered it.
    reused: bool,
}

/// Renders with a page's own variables laid over the shared ones, then takes them off again, so
/// `shared` (`t` alone holds a few hundred strings) is not copied for every page. A shared
/// variable the page sets is put back afterwards.
fn render_over<T>(
    shared: &mut tera::Context,
    page: tera::Context,
    render: impl FnOnce(&tera::Context) -> tera::Result<T>,
) -> tera::Result<T> {
    let json = page.into_json();
    let keys: Vec<String> = json
        .as_object()
        .map(|vars| vars.keys().cloned().collect())
        .unwrap_or_default();
    let page = tera::Context::from_value(json)?;
    let shadowed: Vec<(String, tera::Value)> = keys
        .iter()
        .filter_map(|key| Some((key.clone(), shared.remove(key)?)))
        .collect();
    shared.extend(page);
    let rendered = render(shared);
    for key in &keys {
        shared.remove(key);
    }
    for (key, value) in shadowed {
        shared.insert(key, &value);
    }
    rendered
}

/// A Markdown link with `#anchor`, remembered until every page's ids are known.
struct AnchoredLink {
    page_url: String,
    anchor: String,
    target: String,
    file: Arc<SourceFile>,
    line: usize,
    column: usize,
}

/// The folder of the templates rendered once per language and page kind (see
/// [`PageRenderer::parts`]).
const PARTS: &str = "parts/";

/// A page's kind, and the index of its park on a park's own pages: what its parts are rendered
/// for.
type PartsKey = (&'static str, Option<usize>);

impl PageRenderer<'_> {
    /// Renders every page in every language, then the once-only files.
    pub fn render_all(&self) -> RenderResult {
        let site = self.cx.site;
        let mut jobs = vec![
            Job::Home,
            Job::Parks,
            Job::Tenants,
            Job::Policies,
            Job::NewsList,
            Job::Feed,
            Job::Search,
        ];
        jobs.extend(Tool::ALL.map(Job::Tool));
        for (p, park) in site.parks.iter().enumerate() {
            jobs.push(Job::Park(p));
            jobs.extend((0..park.tenants.len()).map(|t| Job::Tenant(p, t)));
        }
        jobs.extend((0..site.news.len()).map(Job::News));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        let mut pairs: Vec<(Job, usize)> = jobs
            .iter()
            .flat_map(|job| (0..self.lang_views.len()).map(move |l| (*job, l)))
            .collect();
        pairs.push((Job::NotFound, 0));

        let kinds: BTreeSet<PartsKey> = pairs.iter().map(|(job, _)| job.parts_key()).collect();
        let mut part_problems = Vec::new();
        let parts: Vec<BTreeMap<PartsKey, tera::Value>> = self
            .lang_views
            .iter()
            .map(|views| self.parts(views, &kinds, &mut part_problems))
            .collect();
        // Each thread keeps one copy of each language's shared variables to render over, with
        // the parts of the kind of page it rendered last (pages come grouped by kind).
        let outputs: Vec<JobOutput> = pairs
            .par_iter()
            .map_init(
                || vec![None; self.lang_views.len()],
                |shared, (job, l)| {
                    let (context, shown) = shared[*l]
                        .get_or_insert_with(|| (self.lang_views[*l].base_context.clone(), None));
                    if *shown != Some(job.parts_key()) {
                        *shown = Some(job.parts_key());
                        if let Some(parts) = parts[*l].get(&job.parts_key()) {
                            context.insert("parts", parts);
                        }
                    }
                    self.render_job(*job, &self.lang_views[*l], context)
                },
            )
            .collect();

        // Every content file the published pages use, until `render_site` keeps the images.
        let mut result = RenderResult {
            files: Vec::with_capacity(outputs.len() + 8),
            diagnostics: part_problems,
            page_count: 0,
            pages_reused: 0,
            used_images: self.model_assets(),
        };
        let dates = LastModified::new(site, self.cx.drafts);
        let mut sitemap_entries = Vec::new();
        let mut page_files: HashMap<String, usize> = HashMap::new();
        let mut anchored = Vec::new();
        let mut texts = crate::search::BodyTexts::new();
        for ((job, l), output) in pairs.iter().zip(outputs) {
            if let (Some(item), Some(text)) = (output.search_item, output.text) {
                texts.insert((item, *l), text);
            }
            anchored.extend(output.anchored);
            if let Some(file) = output.file {
                if let Some(url) = output.ids {
                    page_files.insert(url, result.files.len());
                }
                if file.path.ends_with(".html") {
                    result.page_count += 1;
                    result.pages_reused += usize::from(output.reused);
                }
                result.files.push(file);
            }
            result.files.extend(output.extra);
            result.diagnostics.extend(output.diagnostics);
            result.used_images.extend(output.assets);
            sitemap_entries.extend(output.sitemap.map(|path| (path, job.lastmod(&dates))));
        }
        // Only pages that `#anchor` links point at are scanned for their ids.
        let targets: HashSet<&str> = anchored.iter().map(|a| a.page_url.as_str()).collect();
        let ids: HashMap<String, HashSet<String>> = targets
            .into_iter()
            .filter_map(|url| {
                let file = result.files.get(*page_files.get(url)?)?;
                let bytes = match &file.contents {
                    Contents::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
                    Contents::InOutput(path, _) => {
                        std::borrow::Cow::Owned(crate::safe_fs::read_regular(path).ok()?)
                    }
                    _ => return None,
                };
                Some((
                    url.to_owned(),
                    element_ids(&String::from_utf8_lossy(&bytes)),
                ))
            })
            .collect();
        result.diagnostics.extend(unknown_anchors(&anchored, &ids));
        sitemap_entries.sort();
        sitemap_entries.dedup();
        result.files.push(self.sitemap(&sitemap_entries));
        result.files.push(self.robots());
        result.files.extend(self.alias_redirects());
        result
            .files
            .extend(crate::search::index_files(self.cx, self.lang_views, &texts));
        result
    }

    /// `parts` for each page kind (and park) of `kinds` in this language: each template under
    /// `parts/` rendered once for each with the language's shared variables
    /// ([`LangViews::base_context`]), `kind`, and `park_card` (the park's card on a park's own
    /// pages, else null), by its name without folder and extension (`parts/footer.html` is
    /// `parts.footer`) and without its last line break, for what every page of a kind (and park)
    /// shows alike. A part that fails is reported once for the language, and left empty.
    fn parts(
        &self,
        views: &LangViews,
        kinds: &BTreeSet<PartsKey>,
        problems: &mut Vec<Diagnostic>,
    ) -> BTreeMap<PartsKey, tera::Value> {
        let names: Vec<(&str, &str)> = self
            .tera
            .get_template_names()
            .filter_map(|name| {
                let key = name.strip_prefix(PARTS)?.strip_suffix(".html")?;
                Some((name, key))
            })
            .collect();
        let mut failed = BTreeSet::new();
        let mut context = views.base_context.clone();
        kinds
            .iter()
            .map(|&(kind, park)| {
                context.insert("kind", kind);
                context.insert("park_card", &park.and_then(|p| views.parks.get(p)));
                let mut parts = serde_json::Map::new();
                for &(name, key) in &names {
                    let html = match self.tera.render(name, &context) {
                        Ok(html) => html,
                        Err(error) => {
                            if failed.insert(name) {
                                let what =
                                    format!("language `{}` (page kind `{kind}`)", views.lang);
                                problems.push(self.template_error(name, &what, &error));
                            }
                            // Empty, so the pages that show it do not each fail again for its
                            // absence.
                            String::new()
                        }
                    };
                    // Without its last line break, so a part prints as the line it stands on.
                    let html = html.strip_suffix('\n').map_or(html.as_str(), |html| {
                        html.strip_suffix('\r').unwrap_or(html)
                    });
                    parts.insert(key.to_owned(), tera::Value::String(html.to_owned()));
                }
                ((kind, park), tera::Value::Object(parts))
            })
            .collect()
    }

    /// Renders one page over `shared`, this thread's copy of the language's shared variables
    /// with the parts of the page's kind ([`Self::parts`]).
    fn render_job(&self, job: Job, views: &LangViews, shared: &mut tera::Context) -> JobOutput {
        let lang = views.lang.as_str();
        let mut out = JobOutput {
            search_item: job.search_item(),
            ..JobOutput::default()
        };
        let page = match self.page_context(job, views, &mut out) {
            Ok(page) => page,
            Err(error) => {
                let file_path = self.file_path(job, lang, "");
                out.diagnostics
                    .push(self.page_error(job, &file_path, &error));
                return out;
            }
        };
        let (mut context, path) = (page.context, page.head.path.clone());
        let mut meta = self.page_meta(job, views, page.head);
        context.insert("page", &meta);

        let file_path = self.file_path(job, lang, &path);
        let cache = self.links.cache;
        // The page's own values are hashed; the language's shared ones were hashed once.
        let key = cache.map(|_| self.page_key(job, views, &mut context));
        let cached = cache
            .zip(key)
            .and_then(|(cache, key)| cache.page(&file_path, key));
        out.reused = cached.is_some();
        let rendered = match cached {
            Some(contents) => Ok(contents),
            None => {
                if cache.is_some()
                    && let Some(qr) = meta.qr.take()
                {
                    meta.qr = Self::draw_qr(cache, qr.url);
                    context.insert("page", &meta);
                }
                // Into bytes: Tera writes only strings, and the page goes out as bytes (its
                // `render` would check the whole page as UTF-8 to make a `String` of it). 2,000
                // bytes to start with, as `render` does: from nothing, the doubling left 10,000
                // plain pages holding 16 MB more.
                let html = render_over(shared, context, |full| {
                    let mut page = Vec::with_capacity(2000);
                    self.tera.render_to(job.template(), full, &mut page)?;
                    Ok(page)
                });
                if let (Some(cache), Some(key), Ok(html)) = (cache, key, &html) {
                    cache.store_page(&file_path, key, html);
                }
                html.map(Contents::Bytes)
            }
        };
        match rendered {
            Ok(contents) => {
                if !matches!(job, Job::Feed) {
                    out.ids = Some(meta.url.clone());
                }
                out.file = Some(OutputFile {
                    path: file_path,
                    contents,
                });
                if !matches!(job, Job::NotFound | Job::Feed | Job::Search) {
                    out.sitemap = Some(path);
                }
            }
            Err(error) => {
                let diagnostic = self.page_error(job, &file_path, &error);
                out.diagnostics.push(diagnostic);
            }
        }
        out
    }

    /// The hash of everything a page is rendered from: the templates and what their functions
    /// read, the language's shared variables (hashed once), the template and the page's own
    /// variables (`context`, hashed where it is, not copied). Link targets are not in it: a body's
    /// links are resolved into its HTML, which is in the context, so a page added elsewhere
    /// leaves the other pages' keys as they were.
    fn page_key(&self, job: Job, views: &LangViews, context: &mut tera::Context) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for key in [self.templates_key, views.base_key] {
            hasher.update(&key.to_le_bytes());
        }
        hasher.update(job.template().as_bytes());
        let json = std::mem::take(context).into_json();
        crate::views::hash_value(&mut hasher, &json);
        *context = tera::Context::from_value(json).unwrap_or_default();
        hasher.digest128()
    }

    /// Where a job's page is written.
    fn file_path(&self, job: Job, lang: &str, path: &str) -> String {
        match job {
            Job::NotFound => "404.html".to_owned(),
            Job::Feed => self.cx.urls.lang_file(lang, path),
            _ => self.cx.urls.page_file(lang, path),
        }
    }

    /// A template that failed (for `what`: a page, a part's language), placed at its line in the
    /// theme when the error says.
    fn template_error(&self, template: &str, what: &str, error: &tera::Error) -> Diagnostic {
        let message = crate::diagnostics::error_chain(error);
        let diagnostic = Diagnostic::error(
            "template-error",
            format!("template `{template}` failed for {what}: {message}"),
        )
        .with_hint("fix the template (see docs/themes.md for the variables each template gets)");
        crate::theme::place_in_template(diagnostic, self.cx.theme, &message)
    }

    /// [`Self::template_error`] for one page.
    fn page_error(&self, job: Job, file_path: &str, error: &tera::Error) -> Diagnostic {
        let what = format!("{} page `{file_path}`", job.kind());
        self.template_error(job.template(), &what, error)
    }

    /// A vCard for each of a park's contacts, beside its page.
    pub(super) fn vcards(
        &self,
        park: &crate::model::Park,
        lang: &str,
        url: &str,
    ) -> Vec<OutputFile> {
        let page_url = self.cx.urls.absolute(url);
        park.contacts
            .iter()
            .enumerate()
            .map(|(i, contact)| OutputFile {
                path: self
                    .cx
                    .urls
                    .lang_file(lang, &ViewCx::vcard_path(&park.key, i)),
                contents: Contents::Bytes(
                    vcard(contact, park.name.get(lang), &page_url, lang).into_bytes(),
                ),
            })
            .collect()
    }

    /// Renders a body, collecting its problems and the assets it uses.
    pub(super) fn rendered(
        &self,
        body: &Body,
        lang: &str,
        out_page_url: &str,
        out: &mut JobOutput,
    ) -> Option<Rendered> {
        let (rendered, source) = self.links.render_body(
            body,
            lang,
            self.cx.site.raw_html,
            self.cx.site.external_images,
        )?;
        if let Some(item) = out.search_item {
            out.text = Some(item.indexed_text(&rendered.plain_text));
        }
        for problem in &rendered.problems {
            out.diagnostics.push(
                Diagnostic::error(problem.code, problem.message.clone())
                    .at_line(&source.file, problem.line, problem.column)
                    .with_hint(problem.hint.clone()),
            );
        }
        for link in &rendered.links {
            let (Some(anchor), Some(url)) = (&link.anchor, &link.resolved) else {
                continue;
            };
            let page_url = match link.kind {
                LinkKind::Anchor => out_page_url.to_owned(),
                _ => url.split('#').next().unwrap_or(url).to_owned(),
            };
            out.anchored.push(AnchoredLink {
                page_url,
                anchor: anchor.clone(),
                target: link.target.clone(),
                file: Arc::clone(&source.file),
                line: link.line,
                column: link.column,
            });
        }
        out.assets.extend(
            rendered
                .links
                .iter()
                .filter(|l| l.kind == LinkKind::File && l.resolved.is_some())
                .filter_map(|l| l.path.clone())
                .filter(|p| !p.ends_with(".md")),
        );
        Some(rendered)
    }

    pub(super) fn body(
        &self,
        body: Option<&Body>,
        lang: &str,
        page_url: &str,
        out: &mut JobOutput,
    ) -> (String, Vec<TocEntry>) {
        match body {
            Some(body) => {
                let rendered = self.rendered(body, lang, page_url, out);
                rendered.map(|r| (r.html, r.toc)).unwrap_or_default()
            }
            None => Default::default(),
        }
    }

    /// The page's `page` variable: its head, canonical URL, language versions and QR code.
    fn page_meta(&self, job: Job, views: &LangViews, head: Head) -> PageMeta {
        let Head {
            path,
            title,
            description,
            image,
            og_type,
        } = head;
        let path = path.as_str();
        let urls = self.cx.urls;
        let lang = views.lang.as_str();
        let url = match job {
            Job::NotFound => urls.root("404.html"),
            _ => urls.page(lang, path),
        };
        // The one 404 page has no language versions to point at.
        let languages = match job {
            Job::NotFound => &[][..],
            _ => &self.cx.site.languages[..],
        };
        let alternates = languages
            .iter()
            .map(|l| {
                let alt_url = urls.page(&l.code, path);
                Alternate {
                    lang: l.code.clone(),
                    tag: l.tag.clone(),
                    name: self.cx.theme.language_name(&l.code),
                    og_locale: crate::locale::og_locale(&l.tag),
                    absolute: urls.absolute(&alt_url),
                    url: alt_url,
                    current: l.code == lang,
                }
            })
            .collect();
        let description = if description.trim().is_empty() {
            views.site.description.clone()
        } else {
            description
        };
        let qr = if self.qr_templates.contains(job.template()) {
            self.page_qr(job, lang, &url)
        } else {
            None
        };
        let column = self.column(job, lang, &title);
        PageMeta {
            kind: job.kind(),
            title: trim_to(&title, lang, 40, 90),
            description: trim_description(&description, lang),
            canonical: urls.absolute(&url),
            url,
            og_image: self.og_image(image.as_ref()),
            og_type,
            alternates,
            qr,
            column,
            article: self.article(job, lang),
        }
    }

    /// The section (栏目) a page belongs to, in `lang`: `ColumnName` of government site checks.
    fn column(&self, job: Job, lang: &str, title: &str) -> String {
        let key = match job {
            Job::Home => "nav.home",
            Job::Parks | Job::Park(_) => "nav.parks",
            Job::Tenants | Job::Tenant(..) => "nav.tenants",
            Job::Policies => "nav.policies",
            Job::NewsList | Job::News(_) | Job::Feed => "nav.news",
            Job::Search => "nav.search",
            Job::NotFound => "not_found.title",
            Job::Tool(tool) => return self.cx.s(lang, &format!("nav.{}", tool.code())),
            Job::Page(_) => return title.to_owned(),
        };
        self.cx.s(lang, key)
    }

    /// What government site checks read of an article page (news, park, tenant, free page).
    fn article(&self, job: Job, lang: &str) -> Option<ArticleMeta> {
        let zone = &self.cx.site.zone;
        let publisher = zone.sponsor.as_ref().unwrap_or(&zone.name).get(lang);
        match job {
            Job::News(index) => {
                let news = &self.cx.site.news[index];
                Some(ArticleMeta {
                    published: Some(format!("{} 00:00", news.date)),
                    source: news
                        .source
                        .as_ref()
                        .map_or(publisher, |(name, _)| name.get(lang))
                        .to_owned(),
                })
            }
            Job::Park(_) | Job::Tenant(..) | Job::Page(_) => Some(ArticleMeta {
                published: None,
                source: publisher.to_owned(),
            }),
            _ => None,
        }
    }

    /// The page's QR code: its `site` short link where it has one (home, parks), else its
    /// tracked link.
    fn page_qr(&self, job: Job, lang: &str, url: &str) -> Option<PageQr> {
        let links = self.cx.links;
        let target = match job {
            Job::NotFound | Job::Feed => return None,
            Job::Home => Some(crate::share::HOME),
            Job::Park(index) => Some(self.cx.site.parks[index].key.as_str()),
            _ => None,
        };
        let encoded = match target.and_then(|t| links.get(crate::share::SITE, t, lang)) {
            Some(link) => link.short_url.clone(),
            None => {
                crate::share::tracked(&self.cx.urls.absolute(url), crate::share::SITE, "qr", None)
            }
        };
        match self.links.cache {
            // Drawn only for a page that is rendered (see `render_job`): its URL keys the page.
            Some(_) => Some(PageQr {
                url: encoded,
                svg: String::new(),
            }),
            None => Self::draw_qr(None, encoded),
        }
    }

    /// The QR code of `url` (`None` when it cannot be drawn), by way of `cache` when there is one.
    fn draw_qr(cache: Option<&RenderCache>, url: String) -> Option<PageQr> {
        let svg = match cache {
            Some(cache) => cache.qr_svg(&url)?.as_ref().clone(),
            None => crate::share::qr::Matrix::for_screen(&url).ok()?.svg(&url),
        };
        Some(PageQr { url, svg })
    }

    /// The first image that is large enough to share: the page's, the zone's, the theme's.
    fn og_image(&self, image: Option<&Asset>) -> Option<ImageRef> {
        let site = self.cx.site;
        let urls = self.cx.urls;
        let large = |asset: &Asset| {
            let info = self.cx.images.get(&asset.path)?;
            let share = info.share.as_ref()?;
            Some(ImageRef {
                url: urls.absolute(&share.url),
                width: share.width,
                height: share.height,
                thumb: info.thumb.as_ref().map(|t| t.url.clone()),
            })
        };
        image
            .and_then(large)
            .or_else(|| site.zone.share_image.as_ref().and_then(large))
            .or_else(|| self.theme_share_image.clone())
    }

    /// Content files used by published model data (covers, logos, gallery, QR).
    fn model_assets(&self) -> BTreeSet<String> {
        let site = self.cx.site;
        let zone = &site.zone;
        let mut assets: BTreeSet<String> = zone
            .wechat_qr
            .iter()
            .chain(&zone.share_image)
            .map(|a| a.path.clone())
            .collect();
        for park in &site.parks {
            assets.extend(park.cover.iter().chain(&park.map).map(|a| a.path.clone()));
            assets.extend(park.gallery.iter().map(|g| g.image.path.clone()));
            assets.extend(
                park.tenants
                    .iter()
                    .filter_map(|t| t.logo.as_ref())
                    .map(|a| a.path.clone()),
            );
        }
        assets.extend(
            site.news
                .iter()
                .filter_map(|n| n.cover.as_ref())
                .map(|a| a.path.clone()),
        );
        assets
    }

    /// `sitemap.xml`: every page in every language with its alternates and, where the content
    /// dates it, `<lastmod>`.
    fn sitemap(&self, entries: &[(String, Option<chrono::NaiveDate>)]) -> OutputFile {
        let urls = self.cx.urls;
        let languages = &self.cx.site.languages;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (path, lastmod) in entries {
            for lang in languages {
                let _ = writeln!(
                    xml,
                    "  <url>\n    <loc>{}</loc>",
                    crate::escape::escape_html(&urls.absolute(&urls.page(&lang.code, path)))
                );
                if let Some(date) = lastmod {
                    let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
                }
                for alt in languages {
                    let _ = writeln!(
                        xml,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        crate::escape::escape_html(&alt.tag),
                        crate::escape::escape_html(&urls.absolute(&urls.page(&alt.code, path)))
                    );
                }
                xml.push_str("  </url>\n");
            }
        }
        xml.push_str("</urlset>\n");
        OutputFile {
            path: "sitemap.xml".into(),
            contents: Contents::Bytes(xml.into_bytes()),
        }
    }

    fn robots(&self) -> OutputFile {
        let urls = self.cx.urls;
        let text = format!(
            "User-agent: *\nDisallow: {}\nAllow: /\n\nSitemap: {}\n",
            urls.root("s/"),
            urls.absolute(&urls.root("sitemap.xml"))
        );
        OutputFile {
            path: "robots.txt".into(),
            contents: Contents::Bytes(text.into_bytes()),
        }
    }

    /// Pages at old park keys that forward to the park's current page.
    fn alias_redirects(&self) -> Vec<OutputFile> {
        let urls = self.cx.urls;
        let mut files = Vec::new();
        for park in &self.cx.site.parks {
            for alias in &park.aliases {
                for lang in &self.cx.site.languages {
                    let target =
                        urls.absolute(&urls.page(&lang.code, &ViewCx::park_path(&park.key)));
                    let html = crate::share::redirect_html(&target);
                    files.push(OutputFile {
                        path: urls.page_file(&lang.code, &ViewCx::park_path(alias)),
                        contents: Contents::Bytes(html.into_bytes()),
                    });
                }
            }
        }
        files
    }
}

/// Errors for links whose `#anchor` names no element of the page they point at.
fn unknown_anchors(
    links: &[AnchoredLink],
    ids: &HashMap<String, HashSet<String>>,
) -> Vec<Diagnostic> {
    links
        .iter()
        .filter_map(|link| {
            let page_ids = ids.get(&link.page_url)?;
            if page_ids.contains(&link.anchor) {
                return None;
            }
            let mut known: Vec<&str> = page_ids.iter().map(String::as_str).collect();
            known.sort_unstable();
            let hint = match crate::content::parse::nearest(&link.anchor, &known) {
                Some(near) => format!("did you mean `#{near}`?"),
                None => "anchors are heading ids (`## 园区优势` → `#园区优势`) or policy keys"
                    .to_owned(),
            };
            Some(
                Diagnostic::error(
                    "unknown-anchor",
                    format!(
                        "`{}` points at `#{}`, which that page does not have",
                        link.target, link.anchor
                    ),
                )
                .at_line(&link.file, link.line, link.column)
                .with_hint(hint),
            )
        })
        .collect()
}

/// Every `id="…"` in a rendered page, unescaped.
fn element_ids(html: &str) -> HashSet<String> {
    html.match_indices(" id=\"")
        .filter_map(|(at, marker)| {
            let rest = &html[at + marker.len()..];
            rest.find('"').map(|end| unescape(&rest[..end]))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A contact as a vCard 3.0, so a phone can save it in one tap.
fn vcard(contact: &crate::model::Contact, organization: &str, url: &str, lang: &str) -> String {
    fn text(value: &str) -> String {
        value
            .replace('\\', "\\\\")
            .replace(',', "\\,")
            .replace(';', "\\;")
            .replace('\n', "\\n")
    }
    let name = text(contact.name.get(lang));
    let mut card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{name};;;;\r\nFN:{name}\r\nORG:{}\r\n",
        text(organization)
    );
    if let Some(role) = &contact.role {
        card.push_str(&format!("TITLE:{}\r\n", text(role.get(lang))));
    }
    if let Some(phone) = &contact.phone {
        card.push_str(&format!("TEL;TYPE=WORK,VOICE:{}\r\n", text(phone)));
    }
    if let Some(email) = &contact.email {
        card.push_str(&format!("EMAIL;TYPE=INTERNET:{}\r\n", text(email)));
    }
    if let Some(wechat) = &contact.wechat {
        card.push_str(&format!("NOTE:WeChat: {}\r\n", text(wechat)));
    }
    card.push_str(&format!("URL:{url}\r\nEND:VCARD\r\n"));
    card
}

/// Trims a description to what search results and chat previews show: ~120 characters of Chinese,
/// ~160 of other scripts, cut at a character boundary with an ellipsis.
pub fn trim_description(text: &str, lang: &str) -> String {
    trim_to(text, lang, 120, 160)
}

/// Trims text to `cjk_limit` characters in Chinese or Japanese, `limit` in other languages, at a
/// word boundary where there are words, with an ellipsis. Titles are trimmed to what WeChat and
/// search results show (about 40 and 90 characters).
pub fn trim_to(text: &str, lang: &str, cjk_limit: usize, limit: usize) -> String {
    let limit = if lang.starts_with("zh") || lang.starts_with("ja") {
        cjk_limit
    } else {
        limit
    };
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= limit {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(limit - 1).collect();
    if !lang.starts_with("zh")
        && let Some(space) = cut.rfind(' ')
    {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::{render_over, trim_description, trim_to};

    #[test]
    fn page_variables_are_laid_over_the_shared_ones_and_taken_off() {
        let mut shared = tera::Context::new();
        shared.insert("t", "shared strings");
        shared.insert("park", "shared park");
        let mut page = tera::Context::new();
        page.insert("park", "this park");
        page.insert("tenant", "this tenant");
        let seen = render_over(&mut shared, page, |full| {
            Ok(full.clone().into_json().to_string())
        })
        .unwrap_or_default();
        assert_eq!(
            seen,
            r#"{"park":"this park","t":"shared strings","tenant":"this tenant"}"#
        );
        assert_eq!(
            shared.into_json().to_string(),
            r#"{"park":"shared park","t":"shared strings"}"#
        );
    }

    #[test]
    fn trims_descriptions() {
        let zh = "园".repeat(200);
        assert_eq!(trim_description(&zh, "zh").chars().count(), 120);
        let en = "word ".repeat(100);
        let trimmed = trim_description(&en, "en");
        assert!(trimmed.chars().count() <= 160 && trimmed.ends_with("word…"));
        assert_eq!(trim_description("short", "en"), "short");
        assert_eq!(trim_to(&"园".repeat(50), "zh", 40, 90).chars().count(), 40);
    }
}
