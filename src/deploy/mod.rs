//! `parkpress deploy`: publishes what `build` made in `output/` to S3-compatible object storage
//! or a folder, uploading only what changed.
//!
//! [`settings`] reads where to and with what, [`gate`] refuses what must not go out, [`local`]
//! hashes the output, [`plan`] compares it with the [`manifest`] and the listing of the [`store`],
//! [`upload`] carries the plan out in a safe order with the [`headers`] each file needs, and
//! [`baidu`] submits the changed pages afterwards.

pub mod baidu;
pub mod credentials;
pub mod gate;
pub mod headers;
pub mod local;
pub mod manifest;
pub mod plan;
pub mod settings;
pub mod store;
pub mod upload;

use anyhow::Context;
use std::path::PathBuf;
use std::time::Instant;

use crate::diagnostics::Report;

/// What `deploy` is asked to do.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Folder holding `content/`.
    pub root: PathBuf,
    /// The built site (default `<root>/output`).
    pub output: Option<PathBuf>,
    /// `--to`, over `[deploy] to`.
    pub to: Option<String>,
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--path-style`.
    pub path_style: bool,
    /// List what would change, change nothing.
    pub dry_run: bool,
    /// Publish even what the checks refuse.
    pub force: bool,
    /// Uploads at once.
    pub concurrency: usize,
    /// The date the release checks judge expiry at (as `build`).
    pub build_date: chrono::NaiveDate,
}

/// Why a deploy did not happen (exit 1 for content, 2 for the environment).
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The content has errors.
    #[error("the content has {} error(s)", .0.error_count())]
    Content(Report),
    /// No output, no credentials, unreachable endpoint, access denied, refused build.
    #[error("{0:#}")]
    Environment(anyhow::Error),
}

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct DeploySummary {
    /// Where it went.
    pub place: String,
    /// Paths uploaded (or to upload), in upload order.
    pub uploads: Vec<String>,
    /// Paths deleted (or to delete).
    pub deletes: Vec<String>,
    /// Files already published as they are.
    pub unchanged: usize,
    /// Uploads the manifest called published but the bucket did not hold as such.
    pub repaired: usize,
    /// Bytes uploaded (or to upload).
    pub bytes: u64,
    /// Wall time.
    pub seconds: f64,
    /// Checks that `--force` overrode.
    pub forced: Vec<String>,
    /// The Baidu submission, when configured.
    pub baidu: Option<BaiduOutcome>,
}

/// What became of the Baidu submission.
#[derive(Debug, Clone)]
pub enum BaiduOutcome {
    /// Sent (or tried to).
    Pushed(baidu::Pushed),
    /// `baidu_push = true` but no `BAIDU_PUSH_TOKEN`.
    NoToken,
}

/// Publishes the output folder. `progress(done, total)` counts uploads and deletes.
pub fn deploy(
    options: &DeployOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<DeploySummary, DeployError> {
    let started = Instant::now();
    let settings = settings::resolve(options)?;
    let env = DeployError::Environment;
    if let settings::Target::Folder(folder) = &settings.target {
        let (folder, output) = (
            crate::output::absolute(folder),
            crate::output::absolute(&settings.output),
        );
        if folder.starts_with(&output) || output.starts_with(&folder) {
            return Err(env(anyhow::anyhow!(
                "cannot publish `{}` into `{}`: one holds the other\n  = help: publish to a folder of its own, e.g. --to file:///srv/www/site",
                output.display(),
                folder.display()
            )));
        }
    }
    let refusals = gate::refusals(&options.root, &settings.output, options.build_date)?;
    if !refusals.is_empty() && !options.force {
        return Err(env(anyhow::anyhow!(
            "refusing to publish `{}`:\n{}\n  = help: fix these and build again, or pass --force to publish anyway",
            settings.output.display(),
            refusals
                .iter()
                .map(|r| format!("  - {r}"))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    let local = local::scan(&settings.output).map_err(env)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the upload runtime")
        .map_err(env)?;
    let mut summary = runtime
        .block_on(publish(options, &settings, local, progress))
        .map_err(env)?;
    summary.forced = refusals;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

async fn publish(
    options: &DeployOptions,
    settings: &settings::Settings,
    local: Vec<local::LocalFile>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<DeploySummary> {
    let store = store::Store::open(settings, options.dry_run)?;
    let remote = async {
        let listing = store.list().await?;
        let manifest = match store.read(manifest::NAME).await? {
            Some(bytes) => manifest::Manifest::parse(&bytes).unwrap_or_default(),
            None => manifest::Manifest::default(),
        };
        anyhow::Ok((listing, manifest))
    };
    let (listing, manifest) = tokio::time::timeout(store::FIRST_ANSWER, remote)
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "{} did not answer within {} s\n  = help: check --endpoint and the network (a proxy or firewall?)",
                store.place,
                store::FIRST_ANSWER.as_secs()
            )
        })??;
    let zone = settings.zone_name.clone();
    let plan = plan::plan(
        local,
        |path| headers::for_path(path, &zone),
        &manifest,
        &listing,
    );
    let mut summary = DeploySummary {
        place: store.place.clone(),
        uploads: plan.uploads.iter().map(|u| u.file.path.clone()).collect(),
        deletes: plan.deletes.clone(),
        unchanged: plan.unchanged,
        repaired: plan.repaired,
        bytes: plan.uploads.iter().map(|u| u.file.size).sum(),
        ..DeploySummary::default()
    };
    if options.dry_run {
        return Ok(summary);
    }
    let done = upload::execute(&store, &plan, manifest, options.concurrency, progress).await?;
    summary.bytes = done.bytes;
    if settings.baidu_push {
        let pages = plan.uploads.iter().filter(|u| u.phase == plan::Phase::Page);
        let urls = baidu::page_urls(&settings.base_url, pages.map(|u| u.file.path.as_str()));
        summary.baidu = Some(match std::env::var("BAIDU_PUSH_TOKEN") {
            Ok(token) if !token.trim().is_empty() => BaiduOutcome::Pushed(
                baidu::push(&options.root, &settings.base_url, urls, token.trim()).await?,
            ),
            _ => BaiduOutcome::NoToken,
        });
    }
    Ok(summary)
}
