//! parkpress: a static site generator for investment promotion material of development zones.
//!
//! The pipeline runs one way: [`content`] reads files into raw structs, [`model`] resolves them
//! into the domain, [`markdown`] renders bodies, [`render`] fills the theme's templates and
//! [`output`] writes the result safely. Only the binary prints.
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]
// Diagnostics travel on the error path, which is cold; boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod authoring;
pub mod build_cache;
pub mod checks;
pub mod content;
pub mod deploy;
pub mod diagnostics;
pub mod escape;
pub mod files;
pub mod lang_tag;
pub mod locale;
pub mod markdown;
pub mod model;
pub mod output;
pub mod print;
pub mod referrals;
pub mod render;
pub mod safe_fs;
pub mod safe_text;
pub mod safe_url;
pub mod search;
pub mod serve;
pub mod share;
pub mod theme;
pub mod urls;
pub mod views;

#[cfg(test)]
mod test_support;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Report};
use files::OutputFile;
use model::{ResolveOptions, Site};
use render::RenderResult;

/// What `build` and `check` need to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder holding `content/` and `themes/`.
    pub root: PathBuf,
    /// Where the site goes (default `<root>/output`).
    pub output: Option<PathBuf>,
    /// Replaces `base_url` of site.toml (previews, staging servers).
    pub base_url: Option<String>,
    /// Publish drafts too.
    pub drafts: bool,
    /// The date expiry and staleness are judged at.
    pub build_date: NaiveDate,
    /// Typeset these PDFs too (`build --pdf`, `pdf`).
    pub pdf: Option<print::PdfSelection>,
    /// Extra font folders for PDFs (`--font-path`).
    pub font_paths: Vec<PathBuf>,
    /// Work kept from earlier builds (`serve`).
    pub kept: Option<std::sync::Arc<KeptWork>>,
    /// Make the share kit too (`build`; not `serve`, which never writes it).
    pub kit: bool,
    /// The output folder whose PDFs this build keeps when current and typesets again when stale
    /// (`build` sets it to the folder it writes; `None`: only the PDFs of `pdf` are made).
    pub carry_pdfs_from: Option<PathBuf>,
    /// Skip a `build` without PDFs when nothing it reads changed since the last one, and record
    /// each such build for the next (see [`build_cache`]); `build --no-cache` turns it off.
    pub build_cache: bool,
}

/// Work kept from earlier builds, so a rebuild redoes only what changed: between the builds of
/// one process (`serve`, [`KeptWork::in_memory`]), or from the last `build` in another (its
/// rendering, kept in the build cache).
#[derive(Debug, Default)]
pub struct KeptWork {
    /// Files read, read again only when they change (`serve`).
    pub sources: Option<content::SourceCache>,
    /// Markdown bodies and pages by the hash of their inputs, QR codes by URL.
    pub render: std::sync::Arc<render::RenderCache>,
    /// Fonts loaded for PDFs (`serve --pdf`).
    pub fonts: print::fonts::FontCache,
    /// The digests of the content files this build reads, for the fingerprint of its inputs (a
    /// build that records itself in `.parkpress-cache`).
    pub reads: Option<std::sync::Arc<safe_fs::ReadLog>>,
}

impl KeptWork {
    /// Everything kept in memory, for the rebuilds of one process.
    pub fn in_memory() -> Self {
        Self {
            sources: Some(content::SourceCache::default()),
            ..Self::default()
        }
    }
}

impl BuildOptions {
    /// The files kept from earlier builds, if any.
    pub fn sources(&self) -> Option<&content::SourceCache> {
        self.kept.as_deref().and_then(|kept| kept.sources.as_ref())
    }

    /// Where the content files read are noted, if anywhere.
    pub fn reads(&self) -> Option<&safe_fs::ReadLog> {
        self.kept.as_deref().and_then(|kept| kept.reads.as_deref())
    }
}

/// Why a build did not finish.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The content has errors (exit 1); nothing was written.
    #[error("the content has {} error(s)", .0.error_count())]
    Content(Report),
    /// The environment stops the build (exit 2): unusable output folder, unwritable disk.
    #[error("{0:#}")]
    Environment(anyhow::Error),
}

/// A finished build.
#[derive(Debug)]
pub struct BuildSummary {
    /// Warnings found.
    pub report: Report,
    /// HTML pages written.
    pub page_count: usize,
    /// HTML pages taken as the last build rendered them (`build` keeps its rendering in
    /// `.parkpress-cache/render.bin`): the rest were rendered again.
    pub pages_reused: usize,
    /// Files the site has.
    pub file_count: usize,
    /// What writing the output folder changed.
    pub written: output::WriteStats,
    /// What image processing did.
    pub image_stats: assets::images::ImageStats,
    /// Drafts left out (published with `--drafts`).
    pub drafts_left_out: usize,
    /// What happened to the PDFs.
    pub pdfs: PdfOutcome,
    /// The output folder.
    pub output: PathBuf,
    /// Whether the share kit was written: `false` for a staging build (another base URL or output
    /// folder), which leaves `share-kit/` as it was.
    pub kit_written: bool,
    /// What making the share kit's posters did.
    pub posters: print::poster::PosterStats,
    /// The print shop's folder and the number of files written to it (`pdf --print-shop`).
    pub print_shop: Option<(PathBuf, usize)>,
    /// Wall time.
    pub elapsed: Duration,
    /// Nothing changed since the last build (by the build cache): nothing was done.
    pub from_cache: bool,
}

/// The build date: `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set, else today (UTC).
pub fn build_date_from_env() -> anyhow::Result<NaiveDate> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let seconds: i64 = value.trim().parse().map_err(|_| {
                anyhow::anyhow!("SOURCE_DATE_EPOCH=`{value}` is not a number of seconds")
            })?;
            chrono::DateTime::from_timestamp(seconds, 0)
                .map(|t| t.date_naive())
                .ok_or_else(|| anyhow::anyhow!("SOURCE_DATE_EPOCH=`{value}` is out of range"))
        }
        Err(_) => Ok(chrono::Utc::now().date_naive()),
    }
}

/// A site rendered in memory, before images are processed and files written.
#[derive(Debug)]
pub struct InMemory {
    /// The resolved site.
    pub site: Site,
    /// Pages and copied files.
    pub rendered: RenderResult,
    /// The image plan.
    pub images: std::sync::Arc<assets::images::ImagePlan>,
    /// Tracked and short links.
    pub links: std::sync::Arc<share::ShareLinks>,
    /// The theme.
    pub theme: theme::Theme,
    /// The PDFs to typeset.
    pub pdf_jobs: Vec<print::PdfJob>,
    /// PDFs of the output folder this build does not ask for: kept when current, else typeset
    /// again.
    pub carried_jobs: Vec<print::PdfJob>,
    /// Output paths of those PDFs (pages and documents link them).
    pub pdfs: std::collections::BTreeSet<String>,
    /// The URLs of the site, made once.
    pub urls: urls::Urls,
    /// The typed views of each language, built once and used by web pages, print and search.
    pub views: Vec<views::LangViews>,
    /// Drafts are published.
    pub drafts: bool,
}

impl InMemory {
    /// What the views were built from, for print to typeset from the same views as the web.
    pub fn view_cx(&self) -> views::ViewCx<'_> {
        views::ViewCx {
            site: &self.site,
            theme: &self.theme,
            urls: &self.urls,
            images: &self.images,
            links: &self.links,
            pdfs: &self.pdfs,
            drafts: self.drafts,
        }
    }
}

/// Folder of the internal share kit, under the site root (never deployed).
pub fn share_kit_dir(root: &Path) -> PathBuf {
    root.join("share-kit")
}

/// Folder of the build cache (processed images), under the site root.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".parkpress-cache")
}

/// Loads, resolves and renders the site in memory; the report holds every problem found. Fails
/// only on a usage error (a PDF selection naming an unknown park or language).
pub fn render_in_memory(options: &BuildOptions) -> anyhow::Result<(Option<InMemory>, Report)> {
    let mut report = Report::default();
    let loaded = content::load(&options.root, options.sources(), options.reads());
    let (site, diagnostics) = model::resolve(
        &options.root,
        loaded,
        &ResolveOptions {
            build_date: options.build_date,
            drafts: options.drafts,
        },
    );
    report.extend(diagnostics);
    let Some(mut site) = site else {
        report.sort();
        return Ok((None, report));
    };
    if let Some(base_url) = &options.base_url {
        site.base_url = safe_url::check_base_url(base_url).map_err(|problem| {
            anyhow::anyhow!(
                "--base-url `{}` {problem}; write it like https://invest.example.gov.cn",
                base_url.escape_debug()
            )
        })?;
    }
    let theme = match theme::load(&site.root, &site.theme, options.sources()) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            let diagnostic = match &site.theme_pos {
                Some(pos) if diagnostic.file.is_none() => pos.place(diagnostic),
                _ => diagnostic,
            };
            report.push(diagnostic);
            report.sort();
            return Ok((None, report));
        }
    };
    report.extend(theme.string_gaps(&site.languages));
    let urls = urls::Urls::new(&site.base_url, site.default_lang());
    let images = std::sync::Arc::new(assets::images::ImagePlan::new(
        &options.root.join("content"),
        &site.assets,
        &image_purposes(&site),
        &theme.config.image_widths,
        &urls,
        options.sources(),
    ));
    report.extend(images.diagnostics.iter().cloned());
    let (links, problems) = share::ShareLinks::new(&site, &urls, &theme);
    report.extend(problems);
    let links = std::sync::Arc::new(links);
    report.extend(checks::domain_warnings(&site, &images.sizes()));
    let pdf_jobs = match &options.pdf {
        Some(selection) => print::plan(&site, selection)?,
        None => Vec::new(),
    };
    let mut carried_jobs = match &options.carry_pdfs_from {
        Some(output) => print::carry::candidates(&site, output, &pdf_jobs)?,
        None => Vec::new(),
    };
    // The share kit's audience PDFs are carried by the builds that write the kit.
    if options.kit && options.carry_pdfs_from.is_some() {
        let kit_dir = share_kit_dir(&options.root);
        carried_jobs.extend(print::carry::audience_candidates(
            &site, &kit_dir, &pdf_jobs,
        )?);
    }
    let mut done = InMemory {
        pdfs: (pdf_jobs.iter().chain(&carried_jobs))
            .filter(|j| j.dest == print::Dest::Site)
            .map(|j| j.path.clone())
            .collect(),
        carried_jobs,
        site,
        rendered: RenderResult::default(),
        images,
        links,
        theme,
        pdf_jobs,
        urls,
        views: Vec::new(),
        drafts: options.drafts,
    };
    done.views = done.view_cx().all_views();
    let cache = options.kept.as_ref().map(|kept| &*kept.render);
    let mut rendered = render::render_site(&done.view_cx(), &done.views, cache);
    report.extend(std::mem::take(&mut rendered.diagnostics));
    let published = published_paths(&done.site, &rendered, &done.images, &done.urls)?;
    report.extend(checks::links::same_domain_links(&done.site, &published));
    report.sort();
    done.rendered = rendered;
    Ok((Some(done), report))
}

/// Every path the full site publishes: rendered pages and files, image variants and the PDFs a
/// `--pdf` build typesets, for the links that name the site's own domain.
fn published_paths(
    site: &Site,
    rendered: &RenderResult,
    images: &assets::images::ImagePlan,
    urls: &urls::Urls,
) -> anyhow::Result<std::collections::BTreeSet<String>> {
    let mut paths: std::collections::BTreeSet<String> =
        rendered.files.iter().map(|f| f.path.clone()).collect();
    // Back from URLs to output paths: image URLs are percent-encoded (`Urls::file`).
    let unprefixed = |url: &str| {
        let path = url.strip_prefix(urls.prefix()).unwrap_or(url);
        percent_encoding::percent_decode_str(path.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned()
    };
    for info in rendered.used_images.iter().filter_map(|p| images.get(p)) {
        let variants = info.variants.iter().chain(&info.share).chain(&info.logo);
        paths.extend(variants.map(|v| unprefixed(&v.url)));
        paths.insert(unprefixed(&info.url));
    }
    let pdfs = print::plan(site, &print::PdfSelection::default())?;
    paths.extend(pdfs.into_iter().map(|job| job.path));
    Ok(paths)
}

/// Which images are shared (covers) and which are logos, so only those get the extra variants.
fn image_purposes(site: &Site) -> std::collections::HashMap<String, assets::images::Purpose> {
    let mut purposes: std::collections::HashMap<String, assets::images::Purpose> =
        std::collections::HashMap::new();
    let zone = &site.zone;
    let covers = zone
        .share_image
        .iter()
        .chain(site.parks.iter().filter_map(|p| p.cover.as_ref()))
        .chain(site.news.iter().filter_map(|n| n.cover.as_ref()));
    for asset in covers {
        purposes.entry(asset.path.clone()).or_default().share = true;
    }
    for tenant in site.parks.iter().flat_map(|p| &p.tenants) {
        if let Some(logo) = &tenant.logo {
            purposes.entry(logo.path.clone()).or_default().logo = true;
        }
    }
    purposes
}

/// What `check` found.
#[derive(Debug)]
pub struct CheckResult {
    /// Errors and warnings.
    pub report: Report,
    /// Translation coverage, when site.toml could be read.
    pub translation: Option<model::TranslationReport>,
}

/// Validates everything `build` would, writing nothing.
pub fn check(options: &BuildOptions) -> CheckResult {
    let (rendered, mut report) = render_in_memory(options).unwrap_or_else(|error| {
        let report = Report {
            diagnostics: vec![Diagnostic::error("usage", format!("{error:#}"))],
        };
        (None, report)
    });
    if let Some(done) = &rendered {
        // Decode images the cache does not vouch for, to find damaged files; write nothing.
        let (_, problems, _) = done.images.process(
            &done.rendered.used_images,
            &cache_dir(&options.root),
            assets::images::Mode::Validate,
            &|_, _| {},
        );
        report.extend(problems);
        report.sort();
    }
    CheckResult {
        report,
        translation: rendered.map(|done| done.site.translation),
    }
}

/// A site built in memory: every file of `output/` and of the share kit.
#[derive(Debug)]
pub struct Built {
    /// Warnings found.
    pub report: Report,
    /// Files of the public site.
    pub files: Vec<OutputFile>,
    /// Files of the share kit.
    pub kit: Vec<OutputFile>,
    /// HTML pages.
    pub page_count: usize,
    /// HTML pages taken as the last build rendered them.
    pub pages_reused: usize,
    /// What image processing did.
    pub image_stats: assets::images::ImageStats,
    /// Drafts left out (published with `--drafts`).
    pub drafts_left_out: usize,
    /// What happened to the PDFs.
    pub pdfs: PdfOutcome,
    /// What making the share kit's posters did.
    pub posters: print::poster::PosterStats,
    /// Files of `print-shop/` (`pdf --print-shop`).
    pub print_shop: Vec<OutputFile>,
}

/// What a build did with the PDFs.
#[derive(Debug, Default)]
pub struct PdfOutcome {
    /// Fingerprints of the inputs of the PDFs typeset in this build, by output path.
    pub fingerprints: std::collections::HashMap<String, u64>,
    /// PDFs typeset because they were asked for.
    pub typeset: usize,
    /// PDFs of the output folder kept: their inputs have not changed.
    pub kept: usize,
    /// PDFs of the output folder typeset again: they would have been stale.
    pub refreshed: usize,
    /// PDFs of the output folder removed: the site no longer makes them.
    pub removed: usize,
}

impl PdfOutcome {
    /// `; PDFs: 2 typeset, 6 kept (unchanged), 1 typeset again (stale)` for a summary line.
    pub fn note(&self) -> String {
        let parts: Vec<String> = [
            (self.typeset, "typeset"),
            (self.kept, "kept (unchanged)"),
            (self.refreshed, "typeset again (their content changed)"),
            (self.removed, "removed (no longer made)"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("; PDFs: {}", parts.join(", "))
        }
    }
}

/// Keeps the PDFs of the output folder whose inputs are unchanged (adding them to `files`) and
/// moves the stale ones to the jobs to typeset again.
fn carry_pdfs(
    options: &BuildOptions,
    done: &mut InMemory,
    files: &mut Vec<OutputFile>,
) -> PdfOutcome {
    let mut outcome = PdfOutcome {
        typeset: done.pdf_jobs.len(),
        ..PdfOutcome::default()
    };
    if done.pdf_jobs.is_empty() && done.carried_jobs.is_empty() {
        return outcome;
    }
    let all: Vec<print::PdfJob> = done
        .pdf_jobs
        .iter()
        .chain(&done.carried_jobs)
        .cloned()
        .collect();
    let inputs = print::PrintInputs {
        cx: &done.view_cx(),
        views: &done.views,
        cache_dir: &cache_dir(&options.root),
    };
    outcome.fingerprints = print::fingerprints(&inputs, &all);
    let manifest = print::carry::Manifest::load(&cache_dir(&options.root));
    let output = options.carry_pdfs_from.clone().unwrap_or_default();
    let kit_dir = share_kit_dir(&options.root);
    for job in std::mem::take(&mut done.carried_jobs) {
        let folder = match job.dest {
            print::Dest::Audience(_) => &kit_dir,
            _ => &output,
        };
        let current = outcome
            .fingerprints
            .get(&job.path)
            .is_some_and(|fp| manifest.is_current(folder, &job.path, *fp));
        if current {
            outcome.kept += 1;
            // The kit's current PDFs stay where they are (`kit_pdfs`).
            if job.dest == print::Dest::Site {
                files.push(OutputFile {
                    contents: files::Contents::Copy(output.join(&job.path)),
                    path: job.path,
                });
            }
        } else {
            outcome.refreshed += 1;
            done.pdf_jobs.push(job);
        }
    }
    outcome
}

/// `, 3 drafts not published (--drafts shows them)` for a summary line, or nothing.
pub fn drafts_note(drafts_left_out: usize) -> String {
    match drafts_left_out {
        0 => String::new(),
        1 => "; 1 draft not published (--drafts shows it)".to_owned(),
        n => format!("; {n} drafts not published (--drafts shows them)"),
    }
}

/// Builds everything in memory (images through the cache, PDFs when asked), writing nothing but
/// the cache. `build` writes the result; `serve` serves it.
pub fn build_files(
    options: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Built, BuildError> {
    let (done, mut report) = render_in_memory(options).map_err(BuildError::Environment)?;
    let Some(mut done) = done.filter(|_| report.error_count() == 0) else {
        return Err(BuildError::Content(report));
    };
    let (image_files, problems, image_stats) = done.images.process(
        &done.rendered.used_images,
        &cache_dir(&options.root),
        assets::images::Mode::Build,
        progress,
    );
    report.extend(problems);
    report.sort();
    if report.error_count() > 0 {
        return Err(BuildError::Content(report));
    }
    let poster_jobs = if options.kit {
        print::poster::plan(&done.links)
    } else {
        Vec::new()
    };
    let mut files = std::mem::take(&mut done.rendered.files);
    files.extend(image_files);
    let pdfs = carry_pdfs(options, &mut done, &mut files);
    // After carrying: stale PDFs of the output folder are typeset again too.
    let fonts = (!done.pdf_jobs.is_empty() || !poster_jobs.is_empty())
        .then(|| load_fonts(options, &done.theme, &done.pdf_jobs));
    let (mut audience_pdfs, mut print_shop) = (Vec::new(), Vec::new());
    if let Some(fonts) = fonts.as_ref().filter(|_| !done.pdf_jobs.is_empty()) {
        print::check_fonts(fonts, &done.pdf_jobs).map_err(BuildError::Environment)?;
        let inputs = print::PrintInputs {
            cx: &done.view_cx(),
            views: &done.views,
            cache_dir: &cache_dir(&options.root),
        };
        let (pdf_files, problems) = print::typeset(&inputs, &done.pdf_jobs, fonts);
        report.extend(problems);
        report.sort();
        if report.error_count() > 0 {
            return Err(BuildError::Content(report));
        }
        for (dest, file) in pdf_files {
            match dest {
                print::Dest::Site => files.push(file),
                print::Dest::Audience(_) => audience_pdfs.push(file),
                print::Dest::PrintShop => print_shop.push(file),
            }
        }
    }
    // The share kit costs QR images and posters per audience and target: only `build` and
    // `share` make it.
    let (kit, posters) = if options.kit {
        let (mut kit, posters, problems) =
            share_kit(options, &done, &poster_jobs, fonts.as_deref());
        let replaced = options.pdf.as_ref().and_then(|p| p.audience.as_deref());
        kit.extend(kit_pdfs(options, &done.site, audience_pdfs, replaced));
        report.extend(problems);
        report.sort();
        if report.error_count() > 0 {
            return Err(BuildError::Content(report));
        }
        (kit, posters)
    } else {
        (Vec::new(), print::poster::PosterStats::default())
    };
    Ok(Built {
        report,
        files,
        pdfs,
        kit,
        posters,
        print_shop,
        page_count: done.rendered.page_count,
        pages_reused: done.rendered.pages_reused,
        image_stats,
        drafts_left_out: done.site.drafts_left_out,
    })
}

/// The fonts for PDFs and posters: kept between the builds of `serve`, else loaded now. Kept fonts
/// that lack the script of a PDF are scanned again: one may have been installed since.
fn load_fonts(
    options: &BuildOptions,
    theme: &theme::Theme,
    pdf_jobs: &[print::PdfJob],
) -> std::sync::Arc<print::fonts::Fonts> {
    let system = std::env::var("PARKPRESS_NO_SYSTEM_FONTS").map_or(true, |v| v != "1");
    match options.kept.as_ref().map(|kept| &kept.fonts) {
        Some(cache) => {
            let kept = cache.get(theme, &options.font_paths, system);
            if print::check_fonts(&kept, pdf_jobs).is_ok() {
                kept
            } else {
                cache.forget();
                cache.get(theme, &options.font_paths, system)
            }
        }
        None => std::sync::Arc::new(print::fonts::Fonts::load(
            theme,
            &options.font_paths,
            system,
        )),
    }
}

/// The PDFs of the kit's `pdf/<audience>/`: those just made, and those of earlier runs for
/// other audiences the site still has (`pdf --audience` makes one audience's at a time).
fn kit_pdfs(
    options: &BuildOptions,
    site: &Site,
    made: Vec<OutputFile>,
    replaced: Option<&str>,
) -> Vec<OutputFile> {
    let kit_dir = share_kit_dir(&options.root);
    let mut files = made;
    let earlier = walkdir::WalkDir::new(kit_dir.join("pdf"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file());
    for entry in earlier {
        let Some(path) = entry
            .path()
            .strip_prefix(&kit_dir)
            .ok()
            .map(diagnostics::relative_display_of)
        else {
            continue;
        };
        let audience = path.split('/').nth(1).unwrap_or_default();
        let kept = Some(audience) != replaced
            && site.audiences.iter().any(|a| a.key == audience)
            && !files.iter().any(|f| f.path == path);
        if kept {
            files.push(OutputFile {
                contents: files::Contents::Copy(entry.path().to_path_buf()),
                path,
            });
        }
    }
    files
}

/// Folder of the print shop's files, under the site root (never deployed).
pub fn print_shop_dir(root: &Path) -> PathBuf {
    root.join("print-shop")
}

/// The files of the share kit: posters (rendered, or from the cache), QR codes, links.csv and
/// the kit's page. Without a font for an audience's language the posters are left out, with a
/// warning naming the package to install.
fn share_kit(
    options: &BuildOptions,
    done: &InMemory,
    poster_jobs: &[print::poster::PosterJob],
    fonts: Option<&print::fonts::Fonts>,
) -> (Vec<OutputFile>, print::poster::PosterStats, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut kit = Vec::new();
    let mut stats = print::poster::PosterStats::default();
    let langs = poster_jobs.iter().map(|j| j.link.language.as_str());
    match fonts.map(|f| (f, print::check_languages(f, langs))) {
        Some((fonts, Ok(()))) => {
            let inputs = print::PrintInputs {
                cx: &done.view_cx(),
                views: &done.views,
                cache_dir: &cache_dir(&options.root),
            };
            let (posters, made, poster_problems) =
                print::poster::render(&inputs, poster_jobs, fonts);
            kit = posters;
            stats = made;
            problems.extend(poster_problems);
        }
        Some((_, Err(missing))) => problems.push(
            Diagnostic::warning("poster-fonts", format!("no posters made: {missing:#}"))
                .with_hint("install the fonts named; the rest of the share kit is written"),
        ),
        None => {}
    }
    let posters: std::collections::BTreeSet<String> = kit.iter().map(|f| f.path.clone()).collect();
    match share::kit::kit_files(&done.site, &done.theme, &done.links, &posters) {
        Ok(files) => kit.extend(files),
        Err(d) => problems.push(d),
    }
    (kit, stats, problems)
}

/// Builds the site into the output folder, replacing it only when everything succeeded.
/// `progress(done, total)` is called while images are processed. When nothing the build reads
/// changed since the last build and the folders it wrote are as it left them, it only reports
/// what that build reported (see [`build_cache`]).
pub fn build(
    options: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("output"));
    let kit_dir = share_kit_dir(&options.root);
    let kit_written = options.kit && is_own_build(options, &output);
    let folders: Vec<&Path> = std::iter::once(output.as_path())
        .chain(kit_written.then_some(kit_dir.as_path()))
        .collect();
    let setting = build_cache::Setting {
        root: &options.root,
        output: &output,
        base_url: options.base_url.as_deref(),
        drafts: options.drafts,
        build_date: options.build_date,
        font_paths: &options.font_paths,
        kit: kit_written,
    };
    let cache = build_cache::BuildCache::new(&cache_dir(&options.root));
    let cached = options.build_cache && options.pdf.is_none();
    let mut survey = cached
        .then(|| build_cache::Survey::take(&setting))
        .flatten();
    // The folders as the recorded build left them, when they are (each as walked now).
    let mut walks = Vec::new();
    if let Some(survey) = survey.as_mut() {
        let stamps = survey.stamps();
        match cache.replay(stamps, || survey.inputs(&options.root), &folders) {
            build_cache::Found::Same(outcome) => {
                return Ok(replayed(outcome, output.clone(), kit_written, started));
            }
            build_cache::Found::FoldersAsLeft(found) => walks = found,
            build_cache::Found::Nothing => {}
        }
    }
    // What the last build rendered, for the pages this one renders alike; this one's record is
    // written as it renders. An output folder as the last build left it holds the files its
    // marker records: pages taken again from it are not read.
    let staged = cached.then(|| cache.stage_rendering(&setting)).flatten();
    let rendering = cached.then(|| {
        let cache = render::RenderCache::recording(
            &output,
            &cache.rendering(&setting),
            staged.as_ref().map(|staged| staged.body()),
        );
        std::sync::Arc::new(
            match walks
                .first()
                .and_then(|_| output::recorded_digests(&output))
            {
                Some(known) => cache.trusting(known),
                None => cache,
            },
        )
    });
    // What the loader reads is noted, so the survey's second look need not read it again.
    let reads = survey
        .is_some()
        .then(|| std::sync::Arc::new(safe_fs::ReadLog::default()));
    let with_rendering = BuildOptions {
        kept: match &rendering {
            Some(render) => Some(std::sync::Arc::new(KeptWork {
                render: std::sync::Arc::clone(render),
                reads: reads.clone(),
                ..KeptWork::default()
            })),
            None => options.kept.clone(),
        },
        ..options.clone()
    };
    let options = &with_rendering;
    // Everything the build reads is read before it writes: the end of the record of what it
    // rendered and the survey's second look at the inputs are made while the files are written.
    let (summary, touched, (rendered, inputs)) = build_in_full(
        options,
        progress,
        (output.clone(), kit_written),
        &walks,
        started,
        || {
            rayon::join(
                || rendering.as_ref()?.finish_record(),
                || survey.and_then(|survey| survey.finish(&setting, reads.as_deref())),
            )
        },
    )?;
    if let (Some(()), Some(staged)) = (rendered, staged) {
        staged.keep();
    }
    let made_pdfs = summary.pdfs.typeset + summary.pdfs.kept + summary.pdfs.refreshed > 0
        || summary.pdfs.removed > 0
        || summary.print_shop.is_some();
    // Recorded only when nothing the build read changed while it ran: a file edited meanwhile may
    // be in the output in either version.
    if let Some(inputs) = inputs
        && !made_pdfs
    {
        let written: Vec<_> = (folders.iter().enumerate())
            .map(|(index, folder)| {
                let since = walks.get(index).zip(touched.get(index));
                let since = since.map(|(before, touched)| build_cache::Since { before, touched });
                (*folder, since)
            })
            .collect();
        cache.remember(inputs, &written, outcome_of(&summary));
    }
    drop(with_rendering);
    drop_in_background(rendering);
    Ok(summary)
}

/// Frees `value` on a thread of its own: what a build rendered is megabytes in many thousands of
/// allocations, and nothing waits for them to be freed (a command ends without waiting for it).
fn drop_in_background<T: Send + 'static>(value: T) {
    // Should no thread start, the value comes back and is freed here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// What the build cache keeps of a finished build.
fn outcome_of(summary: &BuildSummary) -> build_cache::Outcome {
    build_cache::Outcome {
        diagnostics: summary.report.diagnostics.iter().map(Into::into).collect(),
        page_count: summary.page_count,
        file_count: summary.file_count,
        images: summary.image_stats.encoded + summary.image_stats.cached,
        image_bytes: (
            summary.image_stats.source_bytes,
            summary.image_stats.output_bytes,
        ),
        posters: summary.posters.rendered + summary.posters.cached,
        drafts_left_out: summary.drafts_left_out,
    }
}

/// The summary of a build skipped because nothing changed: every file unchanged, every image and
/// poster as the image and poster caches hold them.
fn replayed(
    outcome: build_cache::Outcome,
    output: PathBuf,
    kit_written: bool,
    started: Instant,
) -> BuildSummary {
    BuildSummary {
        report: outcome.report(),
        page_count: outcome.page_count,
        pages_reused: 0,
        file_count: outcome.file_count,
        written: output::WriteStats {
            written: 0,
            unchanged: outcome.file_count,
            removed: 0,
        },
        image_stats: assets::images::ImageStats {
            encoded: 0,
            cached: outcome.images,
            source_bytes: outcome.image_bytes.0,
            output_bytes: outcome.image_bytes.1,
        },
        drafts_left_out: outcome.drafts_left_out,
        pdfs: PdfOutcome::default(),
        output,
        kit_written,
        posters: print::poster::PosterStats {
            rendered: 0,
            cached: outcome.posters,
        },
        print_shop: None,
        elapsed: started.elapsed(),
        from_cache: true,
    }
}

/// [`build`] without the build cache: a full build into `output` (and the share kit when
/// `kit_written`). `alongside` runs while the files are written (the build cache's records, which
/// need what was read and rendered but not the written folders), and its result comes back with
/// the summary and the paths written or removed in each folder. `walks` are the output and the
/// kit folder as the build cache found them, when each is as the last recorded build left it.
fn build_in_full<T: Send>(
    options: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    (output, kit_written): (PathBuf, bool),
    walks: &[build_cache::Walk],
    started: Instant,
    alongside: impl FnOnce() -> T + Send,
) -> Result<(BuildSummary, Vec<Vec<String>>, T), BuildError> {
    let kit_dir = share_kit_dir(&options.root);
    output::check_site_output(&options.root, &output).map_err(BuildError::Environment)?;
    if kit_written {
        output::check_output_dir(&options.root, &kit_dir).map_err(BuildError::Environment)?;
    }
    let mut built = build_files(
        &BuildOptions {
            kit: kit_written,
            carry_pdfs_from: Some(output.clone()),
            ..options.clone()
        },
        progress,
    )?;
    built.pdfs.removed = walkdir::WalkDir::new(output.join("pdf"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(&output)
                .ok()
                .map(diagnostics::relative_display_of)
        })
        .filter(|path| !built.files.iter().any(|f| &f.path == path))
        .count();
    // The marker says how this output was built; it moves in with the files, and while a
    // killed build's journal is there the output counts as unfinished.
    let record = output::BuildRecord {
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        finished: true,
    };
    let known = |index: usize, folder: &Path| {
        let walk: &build_cache::Walk = walks.get(index)?;
        Some(output::Known::new(folder, walk.kinds()))
    };
    let (written, alongside) = rayon::join(
        || {
            let site = (output.as_path(), known(0, &output));
            let kit = kit_written.then(|| (kit_dir.as_path(), known(1, &kit_dir)));
            write_built(options, &built, site, &record, kit)
        },
        alongside,
    );
    let Wrote {
        stats: written,
        touched,
        print_shop,
    } = written?;
    let file_count = built.files.len();
    drop_in_background(std::mem::take(&mut built.files));
    let summary = BuildSummary {
        print_shop: print_shop.map(|dir| (dir, built.print_shop.len())),
        pdfs: built.pdfs,
        posters: built.posters,
        kit_written,
        report: built.report,
        page_count: built.page_count,
        pages_reused: built.pages_reused,
        drafts_left_out: built.drafts_left_out,
        file_count,
        written,
        image_stats: built.image_stats,
        output,
        elapsed: started.elapsed(),
        from_cache: false,
    };
    Ok((summary, touched, alongside))
}

/// What [`write_built`] did.
struct Wrote {
    /// The site's write.
    stats: output::WriteStats,
    /// The paths written or removed in the output folder and, when it was written, the kit's.
    touched: Vec<Vec<String>>,
    /// The print-shop folder, when there are print-shop files.
    print_shop: Option<PathBuf>,
}

/// Writes what a full build made: the site into `output` (with `record` in its marker), the
/// print-shop files and, into `kit` when there is one, the share kit; each folder given as
/// [`output::Known`] when it is.
fn write_built(
    options: &BuildOptions,
    built: &Built,
    (output, known): (&Path, Option<output::Known>),
    record: &output::BuildRecord,
    kit: Option<(&Path, Option<output::Known>)>,
) -> Result<Wrote, BuildError> {
    let (written, site_touched) = output::write_site_known(output, &built.files, record, known)
        .map_err(BuildError::Environment)?;
    let mut touched = vec![site_touched];
    remember_pdfs(options, built);
    let print_shop = (!built.print_shop.is_empty()).then(|| print_shop_dir(&options.root));
    if let Some(dir) = &print_shop {
        output::check_output_dir(&options.root, dir).map_err(BuildError::Environment)?;
        output::write_site(dir, &built.print_shop, &output::BuildRecord::finished())
            .map_err(BuildError::Environment)?;
    }
    if let Some((kit, known)) = kit {
        let finished = output::BuildRecord::finished();
        let (_, kit_touched) = output::write_site_known(kit, &built.kit, &finished, known)
            .map_err(BuildError::Environment)?;
        touched.push(kit_touched);
    }
    Ok(Wrote {
        stats: written,
        touched,
        print_shop,
    })
}

/// Records what the PDFs just written were typeset from, so later builds keep them while current.
/// A manifest that cannot be written only means they are typeset again next time.
fn remember_pdfs(options: &BuildOptions, built: &Built) {
    if built.pdfs.fingerprints.is_empty() {
        return;
    }
    let mut manifest = print::carry::Manifest::load(&cache_dir(&options.root));
    for file in built.files.iter().chain(&built.kit) {
        if let (Some(fp), files::Contents::Bytes(bytes)) =
            (built.pdfs.fingerprints.get(&file.path), &file.contents)
        {
            manifest.record(&file.path, *fp, bytes);
        }
    }
    let _ = manifest.save();
}

/// Whether a build is of the site itself: its own `base_url` and its own `output/`. Only such a
/// build writes the share kit; a staging build (`--base-url`, `--output`) would point the QR codes
/// and links.csv at the staging server.
fn is_own_build(options: &BuildOptions, output: &Path) -> bool {
    let own_output = options.root.join("output");
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    options.base_url.is_none() && same(output, &own_output)
}

/// What `share` made.
#[derive(Debug)]
pub struct ShareSummary {
    /// Warnings found.
    pub report: Report,
    /// The links of the kit (configured audiences, and the brochure's in the default language).
    pub links: Vec<share::ShareLink>,
    /// Where the kit was written.
    pub kit_dir: PathBuf,
    /// What making the posters did.
    pub posters: print::poster::PosterStats,
    /// Short links of `links` whose page in `output/` is missing or forwards elsewhere: they work
    /// only after the next `build` (and deploy).
    pub not_live: Vec<String>,
}

/// The short links of `selected` whose forwarding page `output` lacks or holds in another version.
fn not_live(
    links: &share::ShareLinks,
    selected: &[share::ShareLink],
    output: &Path,
) -> Vec<String> {
    let pages: std::collections::HashMap<String, OutputFile> = links
        .redirect_pages()
        .into_iter()
        .map(|page| (page.path.clone(), page))
        .collect();
    selected
        .iter()
        .filter(|link| {
            let path = format!("s/{}/index.html", link.code);
            let expected = pages.get(&path).and_then(|page| match &page.contents {
                files::Contents::Bytes(bytes) => Some(bytes.as_slice()),
                _ => None,
            });
            std::fs::read(output.join(&path)).ok().as_deref() != expected
        })
        .map(|link| link.short_url.clone())
        .collect()
}

/// Checks the content, then writes the share kit (QR codes, links.csv, index.html) and returns
/// the links, optionally of one audience only.
pub fn share(options: &BuildOptions, audience: Option<&str>) -> Result<ShareSummary, BuildError> {
    let (done, mut report) = render_in_memory(options).map_err(BuildError::Environment)?;
    let Some(done) = done.filter(|_| report.error_count() == 0) else {
        return Err(BuildError::Content(report));
    };
    let links = &done.links;
    if let Some(key) = audience
        && !links.audiences.iter().any(|a| a.key == key)
    {
        let known: Vec<&str> = done.site.audiences.iter().map(|a| a.key.as_str()).collect();
        return Err(BuildError::Environment(anyhow::anyhow!(
            "no audience `{key}` in content/audiences.toml\n  = help: known audiences: {}",
            known.join(", ")
        )));
    }
    let poster_jobs = print::poster::plan(links);
    let fonts = (!poster_jobs.is_empty()).then(|| load_fonts(options, &done.theme, &[]));
    let (mut kit, posters, problems) = share_kit(options, &done, &poster_jobs, fonts.as_deref());
    report.extend(problems);
    // The audience PDFs of `pdf --audience` stay; `share` typesets nothing, so it reports the
    // stale ones.
    kit.extend(kit_pdfs(options, &done.site, Vec::new(), None));
    report.extend(stale_kit_pdfs(options, &done).map_err(BuildError::Environment)?);
    report.sort();
    if report.error_count() > 0 {
        return Err(BuildError::Content(report));
    }
    let kit_dir = share_kit_dir(&options.root);
    output::check_output_dir(&options.root, &kit_dir).map_err(BuildError::Environment)?;
    output::write_site(&kit_dir, &kit, &output::BuildRecord::finished())
        .map_err(BuildError::Environment)?;
    let site = &done.site;
    let default = site.default_lang();
    let selected: Vec<share::ShareLink> = links
        .kit_links(default)
        .filter(|l| audience.is_none_or(|a| l.audience == a))
        .cloned()
        .collect();
    let not_live = not_live(links, &selected, &options.root.join("output"));
    Ok(ShareSummary {
        report,
        posters,
        links: selected,
        kit_dir,
        not_live,
    })
}

/// A warning for each audience PDF of the share kit whose content changed since it was typeset.
fn stale_kit_pdfs(options: &BuildOptions, done: &InMemory) -> anyhow::Result<Vec<Diagnostic>> {
    let kit_dir = share_kit_dir(&options.root);
    let earlier = print::carry::audience_candidates(&done.site, &kit_dir, &[])?;
    if earlier.is_empty() {
        return Ok(Vec::new());
    }
    let inputs = print::PrintInputs {
        cx: &done.view_cx(),
        views: &done.views,
        cache_dir: &cache_dir(&options.root),
    };
    let fingerprints = print::fingerprints(&inputs, &earlier);
    let manifest = print::carry::Manifest::load(&cache_dir(&options.root));
    Ok(earlier
        .iter()
        .filter(|job| {
            !fingerprints
                .get(&job.path)
                .is_some_and(|fp| manifest.is_current(&kit_dir, &job.path, *fp))
        })
        .map(|job| {
            let audience = match &job.dest {
                print::Dest::Audience(key) => key.as_str(),
                _ => "",
            };
            Diagnostic::warning(
                "stale-pdf",
                format!(
                    "`share-kit/{}` was typeset from content that has changed since",
                    job.path
                ),
            )
            .with_hint(format!(
                "run `parkpress build` (it typesets stale PDFs again) or `parkpress pdf --audience {audience}`"
            ))
        })
        .collect())
}

/// Whether `path` looks like a site root (has `content/site.toml`).
pub fn is_site_root(path: &Path) -> bool {
    path.join("content").join("site.toml").is_file()
}
