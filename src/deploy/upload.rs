//! Carrying out a plan: uploads in bounded parallel, phase by phase (assets, pages, indexes),
//! the manifest after them, stale objects deleted last. The manifest is also saved every
//! [`CHECKPOINT`] uploads and when an upload fails, so a deploy that is stopped halfway, run
//! again, uploads only what is still missing.

use anyhow::{Context, Result};
use futures_util::StreamExt;

use super::manifest::{Entry, Manifest, NAME};
use super::plan::{Plan, Upload};
use super::store::Store;

/// Uploads between two saves of the manifest.
pub const CHECKPOINT: usize = 25;

/// What was done.
#[derive(Debug, Default)]
pub struct Done {
    /// Files uploaded.
    pub uploaded: usize,
    /// Objects deleted.
    pub deleted: usize,
    /// Bytes uploaded.
    pub bytes: u64,
}

/// Runs `plan` against `store`, starting from the remote `manifest`. `progress(done, total)`
/// counts uploads and deletes.
pub async fn execute(
    store: &Store,
    plan: &Plan,
    mut manifest: Manifest,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Done> {
    let total = plan.uploads.len() + plan.deletes.len();
    let mut done = Done::default();
    let mut since_checkpoint = 0;
    let mut start = 0;
    while start < plan.uploads.len() {
        let phase = plan.uploads[start].phase;
        let end = plan.uploads[start..]
            .iter()
            .position(|u| u.phase != phase)
            .map_or(plan.uploads.len(), |n| start + n);
        let mut results = futures_util::stream::iter(&plan.uploads[start..end])
            .map(|upload| upload_one(store, upload))
            .buffer_unordered(concurrency.max(1));
        while let Some(result) = results.next().await {
            let (upload, etag) = match result {
                Ok(done) => done,
                Err(error) => {
                    // What did go up is recorded, so running the deploy again uploads only the rest.
                    let _ = save(store, &manifest).await;
                    return Err(error);
                }
            };
            manifest.files.insert(
                upload.file.path.clone(),
                Entry {
                    hash: upload.file.hash.clone(),
                    size: upload.file.size,
                    headers: upload.headers.clone(),
                    etag,
                },
            );
            done.uploaded += 1;
            done.bytes += upload.file.size;
            since_checkpoint += 1;
            progress(done.uploaded, total);
            if since_checkpoint >= CHECKPOINT {
                save(store, &manifest).await?;
                since_checkpoint = 0;
            }
        }
        start = end;
    }
    // The manifest still names the stale objects until they are gone: a deploy stopped while
    // deleting deletes the rest next time.
    if done.uploaded > 0 || !plan.deletes.is_empty() || plan.repaired > 0 {
        save(store, &manifest).await?;
    }
    let mut deletions = futures_util::stream::iter(&plan.deletes)
        .map(|path| async move { store.delete(path).await.map(|()| path) })
        .buffer_unordered(concurrency.max(1));
    while let Some(result) = deletions.next().await {
        let path = result?;
        manifest.files.remove(path);
        done.deleted += 1;
        progress(done.uploaded + done.deleted, total);
    }
    if done.deleted > 0 {
        save(store, &manifest).await?;
    }
    Ok(done)
}

async fn upload_one<'a>(store: &Store, upload: &'a Upload) -> Result<(&'a Upload, Option<String>)> {
    let bytes = tokio::fs::read(&upload.file.source)
        .await
        .with_context(|| format!("cannot read `{}`", upload.file.source.display()))?;
    let etag = store.put(&upload.file.path, bytes, &upload.headers).await?;
    Ok((upload, etag))
}

async fn save(store: &Store, manifest: &Manifest) -> Result<()> {
    let headers = super::headers::Headers {
        content_type: "application/json; charset=utf-8".to_owned(),
        cache_control: "no-store".to_owned(),
        disposition: None,
    };
    store.put(NAME, manifest.to_bytes(), &headers).await?;
    Ok(())
}
