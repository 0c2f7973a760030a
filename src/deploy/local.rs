//! The files of the output folder to publish, each with its hash. The marker, staging folders
//! and anything else named `.parkpress…` belong to parkpress, not to the site, and stay home.

use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One file of the site.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// Where it is on disk.
    pub source: PathBuf,
    /// xxh3-128 of its bytes, in hex.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
}

/// Whether a relative path is parkpress's own (marker, staging, manifest), never published.
pub fn is_internal(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with(".parkpress"))
}

/// Every regular file under `output`, sorted by path, hashed in parallel.
pub fn scan(output: &Path) -> Result<Vec<LocalFile>> {
    let mut found = Vec::new();
    for entry in WalkDir::new(output).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read `{}`", output.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let Some(path) = relative.to_str().map(|p| p.replace('\\', "/")) else {
            anyhow::bail!(
                "`{}` has a name that is not UTF-8 and cannot be published",
                entry.path().display()
            );
        };
        if !is_internal(&path) {
            found.push((path, entry.into_path()));
        }
    }
    found
        .into_par_iter()
        .map(|(path, source)| {
            let bytes = std::fs::read(&source)
                .with_context(|| format!("cannot read `{}`", source.display()))?;
            Ok(LocalFile {
                path,
                hash: crate::files::digest(&bytes),
                size: bytes.len() as u64,
                source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_files_stay_home() {
        assert!(is_internal(".parkpress-output"));
        assert!(is_internal(".parkpress-staging-12/new/index.html"));
        assert!(is_internal(".parkpress-manifest.json"));
        assert!(!is_internal("parks/index.html"));
        assert!(!is_internal(".well-known/security.txt"));
    }
}
