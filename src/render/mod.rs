//! Stage 3: the theme's Tera templates, filled with typed contexts, every page of every language
//! rendered in parallel into an in-memory list of output files.

mod cache;
mod functions;
mod kinds;
mod lastmod;
mod pages;
mod reach;
pub mod tools;

pub use cache::RenderCache;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::assets::images::ImagePlan;
use crate::share::ShareLinks;

use crate::diagnostics::Diagnostic;
use crate::escape::escape_html;
use crate::files::{Contents, OutputFile};
use crate::markdown::{self, LinkResolver, MarkdownInput, Rendered};
use crate::model::{Body, Site};
use crate::theme::{Templates, Theme};
use crate::urls::Urls;
use crate::views::{LangViews, ViewCx};

/// The rendered site, or what stopped it.
#[derive(Debug, Default)]
pub struct RenderResult {
    /// Files to write.
    pub files: Vec<OutputFile>,
    /// Problems found while rendering (broken links, template errors).
    pub diagnostics: Vec<Diagnostic>,
    /// Number of HTML pages.
    pub page_count: usize,
    /// HTML pages taken as an earlier build rendered them.
    pub pages_reused: usize,
    /// Raster images the pages use, whose variants must be made (while the pages render: every
    /// content file they use).
    pub used_images: BTreeSet<String>,
}

/// Renders every page of the site from the views of the build (`cx`, `lang_views`), reusing
/// the work in `cache` where the inputs are unchanged (`serve`).
pub fn render_site(
    cx: &ViewCx<'_>,
    lang_views: &[LangViews],
    cache: Option<&RenderCache>,
) -> RenderResult {
    let (site, theme, urls, images) = (cx.site, cx.theme, cx.urls, cx.images);
    // Parsing the templates is one thread's work: the other finds the QR templates meanwhile.
    let (tera, qr_templates) = rayon::join(
        || build_tera(theme, urls, images, cx.links),
        || reach::templates_showing_qr(&theme.templates),
    );
    let tera = match tera {
        Ok(tera) => tera,
        Err(diagnostic) => {
            return RenderResult {
                diagnostics: vec![diagnostic],
                ..RenderResult::default()
            };
        }
    };
    let (theme_share_image, theme_thumb) = pages::theme_share_image(theme, urls).unzip();
    let links = SiteLinks::new(site, urls, images, cache);
    let renderer = pages::PageRenderer {
        cx,
        tera: &tera,
        links: &links,
        lang_views,
        templates_key: cache.map_or(0, |_| {
            let functions = (urls, images.fingerprint(), cx.links.fingerprint());
            xxhash_rust::xxh3::xxh3_128(format!("{:?}{functions:?}", theme.templates).as_bytes())
        }),
        theme_share_image,
        qr_templates,
    };
    let mut result = renderer.render_all();
    let theme_thumb = theme_thumb.flatten();
    // A thumbnail made from a share image of the site's theme replaces one a parent ships.
    let made_thumb = theme_thumb.as_ref().map(|file| file.path.clone());
    result.files.extend(theme_thumb);
    result.files.extend(
        static_files(theme)
            .into_iter()
            .filter(|file| Some(&file.path) != made_thumb.as_ref()),
    );
    result.files.extend(cx.links.redirect_pages());
    result
        .files
        .extend(published_assets(site, images, &result.used_images));
    result.used_images.retain(|path| images.is_processed(path));
    result
}

/// Templates every theme (with its parents) must provide.
const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "parks.html",
    "park.html",
    "tenant.html",
    "tenants.html",
    "policies.html",
    "news_list.html",
    "news.html",
    "page.html",
    "404.html",
    "atom.xml",
    "search.html",
];

/// Parses every template once, registers the functions, and reports template errors by name.
fn build_tera(
    theme: &Theme,
    urls: &Urls,
    images: &Arc<ImagePlan>,
    links: &Arc<ShareLinks>,
) -> Result<tera::Tera, Diagnostic> {
    let mut tera = theme.tera(Templates::Web, REQUIRED_TEMPLATES, vec![".html", ".xml"])?;
    tera.set_escape_fn(escape_html);
    functions::register(&mut tera, urls, images, links);
    Ok(tera)
}

/// Resolves `@/` and relative links to URLs in a language.
pub struct SiteLinks<'a> {
    urls: &'a Urls,
    /// `parks/x`, `parks/x/tenants/y`, `news/s`, `pages/p` → page path without language.
    pages: HashMap<String, String>,
    /// Content-relative Markdown file → the page it renders.
    files: HashMap<String, String>,
    assets: &'a BTreeSet<String>,
    langs: Vec<String>,
    images: &'a ImagePlan,
    /// Hash of every link target and of what every image is (URL, sizes, variants): a cached
    /// body is valid while it is unchanged.
    key: u128,
    /// Cache of earlier renders (`serve`, and `build` with its build cache).
    cache: Option<&'a RenderCache>,
}

impl<'a> SiteLinks<'a> {
    fn new(
        site: &'a Site,
        urls: &'a Urls,
        images: &'a ImagePlan,
        cache: Option<&'a RenderCache>,
    ) -> Self {
        let mut pages = HashMap::new();
        let mut files = HashMap::new();
        let mut add = |target: String, file: String, path: String| {
            pages.insert(target, path.clone());
            files.insert(file, path);
        };
        for park in &site.parks {
            let path = ViewCx::park_path(&park.key);
            for key in std::iter::once(&park.key).chain(&park.aliases) {
                add(
                    format!("parks/{key}"),
                    format!("parks/{key}/index.md"),
                    path.clone(),
                );
            }
            for tenant in &park.tenants {
                add(
                    format!("parks/{}/tenants/{}", park.key, tenant.key),
                    format!("parks/{}/tenants/{}.md", park.key, tenant.key),
                    ViewCx::tenant_path(&park.key, &tenant.key),
                );
            }
        }
        // A park whose park.toml failed is reported there; links to it are not errors too.
        for key in &site.unloaded_parks {
            add(
                format!("parks/{key}"),
                format!("parks/{key}/index.md"),
                ViewCx::park_path(key),
            );
        }
        for news in &site.news {
            add(
                format!("news/{}", news.key),
                format!("news/{}.md", news.key),
                format!("news/{}/", news.key),
            );
        }
        for page in &site.pages {
            add(
                format!("pages/{}", page.key),
                format!("pages/{}.md", page.key),
                format!("{}/", page.key),
            );
        }
        Self {
            urls,
            pages,
            files,
            assets: &site.assets,
            langs: site.languages.iter().map(|l| l.code.clone()).collect(),
            key: 0,
            images,
            cache,
        }
        .with_key()
    }

    /// Renders a body in `lang` (its translation, else the default language's text), its plain
    /// text cut to the excerpt the search index shows.
    pub fn render_body<'b>(
        &self,
        body: &'b Body,
        lang: &str,
        raw_html: markdown::RawHtml,
        external_images: markdown::ExternalImages,
    ) -> Option<(Rendered, &'b crate::model::BodySource)> {
        let source = body.source(lang)?;
        let input = MarkdownInput {
            source: source.text(),
            file_dir: &body.dir,
            lang,
            raw_html,
            external_images,
            first_line: source.first_line,
        };
        // Only the excerpt of a body's text is indexed, so only it is kept (bodies are kept for
        // the next build, and the whole text would double what they hold).
        let render = || {
            let mut rendered = markdown::render(&input, self);
            rendered.plain_text =
                crate::search::body_excerpt(std::mem::take(&mut rendered.plain_text));
            rendered
        };
        let Some(cache) = self.cache else {
            return Some((render(), source));
        };
        // The body's text is hashed where it is, not copied into the key's string.
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(
            format!(
                "{}\0{}\0{lang}\0{raw_html:?}\0{external_images:?}\0{}\0{}\0",
                self.key, body.dir, source.first_line, source.file.display_path
            )
            .as_bytes(),
        );
        hasher.update(input.source.as_bytes());
        let key = hasher.digest128();
        let rendered = cache.body(key, render);
        Some((rendered, source))
    }
}

impl SiteLinks<'_> {
    /// Computes the hash of everything a body's links can resolve to, when bodies are cached.
    fn with_key(mut self) -> Self {
        if self.cache.is_none() {
            return self;
        }
        let mut pages: Vec<_> = self.pages.iter().chain(self.files.iter()).collect();
        pages.sort();
        self.key = xxhash_rust::xxh3::xxh3_128(
            format!(
                "{:?}{pages:?}{:?}{:?}{}",
                self.urls,
                self.assets,
                self.langs,
                self.images.fingerprint()
            )
            .as_bytes(),
        );
        self
    }
}

impl LinkResolver for SiteLinks<'_> {
    fn resolve_content(&self, target: &str, lang: &str) -> Option<String> {
        self.pages
            .get(target.trim_end_matches('/'))
            .map(|path| self.urls.page(lang, path))
    }

    fn resolve_relative(&self, content_path: &str, lang: &str) -> Option<String> {
        if let Some(stem) = content_path.strip_suffix(".md") {
            if let Some(path) = self.files.get(content_path) {
                return Some(self.urls.page(lang, path));
            }
            // `about.en.md` is the English page of `about.md`.
            let (base, link_lang) = stem.rsplit_once('.')?;
            if !self.langs.iter().any(|l| l == link_lang) {
                return None;
            }
            return self
                .files
                .get(&format!("{base}.md"))
                .map(|path| self.urls.page(link_lang, path));
        }
        if let Some(image) = self.images.get(content_path) {
            return Some(image.url.clone());
        }
        self.assets
            .contains(content_path)
            .then(|| self.urls.file(content_path))
    }

    fn image_attributes(&self, content_path: &str) -> Option<markdown::ImageAttributes> {
        let image = self.images.get(content_path)?;
        Some(markdown::ImageAttributes {
            srcset: image.srcset.clone()?,
            width: image.width?,
            height: image.height?,
        })
    }
}

fn static_files(theme: &Theme) -> Vec<OutputFile> {
    theme
        .static_files
        .iter()
        .map(|(path, file)| OutputFile {
            path: path.clone(),
            contents: Contents::Theme(file.clone()),
        })
        .collect()
}

/// Copies only the assets that published content uses, so files of hidden tenants stay private.
/// Raster images are published through their variants instead (see [`ImagePlan::process`]),
/// SVGs sanitized.
fn published_assets(
    site: &Site,
    images: &ImagePlan,
    referenced: &BTreeSet<String>,
) -> Vec<OutputFile> {
    let content = site.root.join("content");
    referenced
        .iter()
        .filter(|path| site.assets.contains(*path) && !images.is_processed(path))
        .filter_map(|path| {
            let contents = if path.to_ascii_lowercase().ends_with(".svg") {
                // Only its sanitized form; an SVG that could not be made safe is not published.
                Contents::Bytes(images.svg(path)?.to_vec())
            } else {
                Contents::Copy(content.join(path))
            };
            Some(OutputFile {
                path: path.clone(),
                contents,
            })
        })
        .collect()
}
