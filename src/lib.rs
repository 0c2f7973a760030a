//! parkpress: a static site generator for investment promotion material of development zones.
//!
//! The pipeline runs one way: [`content`] reads files into raw structs, [`model`] resolves them
//! into the domain, [`markdown`] renders bodies, [`render`] fills the theme's templates and
//! [`output`] writes the result safely. Only the binary prints.
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]
// Diagnostics travel on the error path, which is cold; boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod checks;
pub mod content;
pub mod diagnostics;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Report};
use model::{ResolveOptions, Site};
use render::{RenderOptions, RenderResult};

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
    /// Files written.
    pub file_count: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Wall time.
    pub elapsed: Duration,
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

/// Loads, resolves and renders the site in memory; the report holds every problem found.
pub fn render_in_memory(options: &BuildOptions) -> (Option<(Site, RenderResult)>, Report) {
    let mut report = Report::default();
    let loaded = content::load(&options.root);
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
        return (None, report);
    };
    if let Some(base_url) = &options.base_url {
        site.base_url = base_url.trim_end_matches('/').to_owned();
    }
    let theme = match render::theme::load(&site.root, &site.theme) {
        Ok(theme) => theme,
        Err(diagnostic) => {
            report.push(diagnostic);
            report.sort();
            return (None, report);
        }
    };
    let image_sizes = render::measure_images(&site);
    report.extend(checks::domain_warnings(&site, &image_sizes));
    let mut rendered = render::render_site(
        &site,
        &theme,
        RenderOptions {
            drafts: options.drafts,
        },
        &image_sizes,
    );
    report.extend(std::mem::take(&mut rendered.diagnostics));
    report.sort();
    (Some((site, rendered)), report)
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
    let (rendered, report) = render_in_memory(options);
    CheckResult {
        report,
        translation: rendered.map(|(site, _)| site.translation),
    }
}

/// Builds the site into the output folder, replacing it only when everything succeeded.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("output"));
    output::check_output_dir(&options.root, &output).map_err(BuildError::Environment)?;
    let (rendered, report) = render_in_memory(options);
    let Some((_, rendered)) = rendered.filter(|_| report.error_count() == 0) else {
        return Err(BuildError::Content(report));
    };
    output::write_site(&output, &rendered.files).map_err(BuildError::Environment)?;
    Ok(BuildSummary {
        report,
        page_count: rendered.page_count,
        file_count: rendered.files.len(),
        output,
        elapsed: started.elapsed(),
    })
}

/// Turns an environment problem into a diagnostic for uniform printing.
pub fn environment_diagnostic(error: &anyhow::Error) -> Diagnostic {
    Diagnostic::error("environment", format!("{error:#}"))
}

/// Whether `path` looks like a site root (has `content/site.toml`).
pub fn is_site_root(path: &Path) -> bool {
    path.join("content").join("site.toml").is_file()
}
