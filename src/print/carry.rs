//! PDFs a build does not typeset itself (`build` without `--pdf`, `pdf --park KEY`): the ones
//! already in the output folder (and in the share kit's `pdf/<audience>/`) are kept when what
//! they are made from has not changed since they were typeset, and typeset again when they would
//! be stale, so a stale brochure is never published or handed out and a current one never
//! removed. What each PDF was made from is remembered in the
//! cache (`pdf-inputs.json`): the fingerprint of its inputs and a hash of the file written.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{PdfJob, PdfSelection, plan};
use crate::model::Site;

/// The PDFs of the full plan that the output folder holds and `jobs` do not make.
pub fn candidates(site: &Site, output: &Path, jobs: &[PdfJob]) -> anyhow::Result<Vec<PdfJob>> {
    Ok(plan(site, &PdfSelection::default())?
        .into_iter()
        .filter(|job| !jobs.iter().any(|j| j.path == job.path))
        .filter(|job| output.join(&job.path).is_file())
        .collect())
}

/// The PDFs of the share kit's `pdf/<audience>/` folders (`pdf --audience`) that `kit_dir` holds,
/// for the audiences the site still has, and `jobs` do not make: kept while current, typeset
/// again when stale, like the site's own.
pub fn audience_candidates(
    site: &Site,
    kit_dir: &Path,
    jobs: &[PdfJob],
) -> anyhow::Result<Vec<PdfJob>> {
    let mut out = Vec::new();
    for audience in &site.audiences {
        let selection = PdfSelection {
            audience: Some(audience.key.clone()),
            ..PdfSelection::default()
        };
        out.extend(
            plan(site, &selection)?
                .into_iter()
                .filter(|job| !jobs.iter().any(|j| j.path == job.path))
                .filter(|job| kit_dir.join(&job.path).is_file()),
        );
    }
    Ok(out)
}

/// What each PDF of an output folder was typeset from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(skip)]
    file: PathBuf,
    pdfs: BTreeMap<String, Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    inputs: String,
    pdf: String,
}

fn hash_hex(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

impl Manifest {
    /// The manifest kept in `cache_dir` (empty when there is none or it cannot be read).
    pub fn load(cache_dir: &Path) -> Self {
        let file = cache_dir.join("pdf-inputs.json");
        let mut manifest: Self = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        manifest.file = file;
        manifest
    }

    /// Whether `output/<path>` is the PDF typeset from inputs with this fingerprint.
    pub fn is_current(&self, output: &Path, path: &str, fingerprint: u64) -> bool {
        let Some(entry) = self.pdfs.get(path) else {
            return false;
        };
        entry.inputs == format!("{fingerprint:016x}")
            && std::fs::read(output.join(path)).is_ok_and(|bytes| hash_hex(&bytes) == entry.pdf)
    }

    /// Remembers that the PDF at `path` with these bytes was typeset from `fingerprint`.
    pub fn record(&mut self, path: &str, fingerprint: u64, bytes: &[u8]) {
        self.pdfs.insert(
            path.to_owned(),
            Entry {
                inputs: format!("{fingerprint:016x}"),
                pdf: hash_hex(bytes),
            },
        );
    }

    /// Writes the manifest back to the cache.
    pub fn save(&self) -> std::io::Result<()> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&self.file, json)
    }
}
