//! Stage 4: writing the site safely. What changed goes to a staging folder beside the output and
//! moves into place only when every file was written, so a failed build leaves the output as it
//! was. parkpress only ever changes folders it made itself (marked by [`MARKER`]).

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

use crate::render::{Contents, OutputFile};

/// File parkpress leaves in every output folder it makes.
pub const MARKER: &str = ".parkpress-output";

/// Absolute, lexically normalized form of `path` (it need not exist).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks of the part that exists, so `/tmp/x` and `/private/tmp/x` compare equal.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return out,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Refuses output folders that would destroy something: the site root, `content/`, a folder that
/// holds either, or a non-empty folder parkpress did not make.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    let content = root.join("content");
    if output == root || root.starts_with(&output) {
        bail!(
            "refusing to write the site into `{}`: it holds the site itself\n  = help: use an output folder of its own, e.g. --output output",
            output.display()
        );
    }
    if output.starts_with(&content) {
        bail!(
            "refusing to write the site into `{}`: it is inside content/\n  = help: use an output folder outside content/, e.g. --output output",
            output.display()
        );
    }
    if output.exists() {
        if !output.is_dir() {
            bail!(
                "`{}` exists and is not a folder\n  = help: choose another --output",
                output.display()
            );
        }
        let non_empty = std::fs::read_dir(&output)
            .with_context(|| format!("cannot read `{}`", output.display()))?
            .next()
            .is_some();
        if non_empty && !output.join(MARKER).exists() {
            bail!(
                "refusing to replace `{}`: it is not empty and was not made by parkpress\n  = help: choose an empty or new folder, or remove it yourself if its files are not needed",
                output.display()
            );
        }
    }
    Ok(())
}

/// What [`write_site`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written because they were new or their bytes changed.
    pub written: usize,
    /// Files left as they were (same bytes, same modification time).
    pub unchanged: usize,
    /// Files of the previous build that this build no longer makes, removed.
    pub removed: usize,
}

/// Writes `files` to `output` so that a failure leaves the previous output as it was.
///
/// A new output folder is written whole beside its final place and renamed into it. An output
/// folder parkpress made before is updated: only files whose bytes changed are written (first
/// into a staging folder beside it; they replace the old ones only once all were written), and
/// files this build no longer makes are removed. Unchanged files keep their modification times,
/// so a deploy with `rsync` or an object-store sync uploads only what changed.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let output = absolute(output);
    let parent = output
        .parent()
        .context("the output folder has no parent folder")?
        .to_path_buf();
    let name = output
        .file_name()
        .context("the output folder has no name")?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create `{}`", parent.display()))?;
    let staging = parent.join(format!(".{name}.parkpress-staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove `{}`", staging.display()))?;
    }
    if output.join(MARKER).is_file() {
        update_tree(&output, &staging, files)
    } else {
        // New, or empty (check_output_dir refuses anything else): write it whole.
        stage(&staging, files.iter())?;
        if let Err(error) = mark(&staging) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
        if output.exists() {
            std::fs::remove_dir(&output)
                .with_context(|| format!("cannot replace the empty `{}`", output.display()))?;
        }
        std::fs::rename(&staging, &output)
            .with_context(|| format!("cannot create `{}`", output.display()))?;
        Ok(WriteStats {
            written: files.len(),
            ..WriteStats::default()
        })
    }
}

/// Brings an existing output folder up to date with `files`.
fn update_tree(output: &Path, staging: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let changed: Vec<&OutputFile> = files
        .par_iter()
        .filter(|file| !same_bytes(&output.join(&file.path), &file.contents))
        .collect();
    let stale = stale_entries(output, files)?;
    // Everything that can fail for lack of space happens here, away from the output.
    stage(staging, changed.iter().copied())?;
    // Commit: renames within one file system, then removals.
    for path in &stale {
        remove_entry(path)?;
    }
    let commit = changed.iter().try_for_each(|file| {
        let target = output.join(&file.path);
        if target.is_dir() {
            // A folder of the previous build where this build puts a file: nothing of this
            // build lives inside it, or it would not be a file now.
            remove_entry(&target)?;
        }
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create `{}`", folder.display()))?;
        }
        std::fs::rename(staging.join(&file.path), &target)
            .with_context(|| format!("cannot write `{}`", target.display()))
    });
    let cleanup = std::fs::remove_dir_all(staging);
    commit?;
    cleanup.with_context(|| format!("cannot remove `{}`", staging.display()))?;
    remove_empty_folders(output, &stale);
    Ok(WriteStats {
        written: changed.len(),
        unchanged: files.len() - changed.len(),
        removed: stale.len(),
    })
}

/// Writes `files` under `dir`; on failure removes `dir` and returns the error.
fn stage<'a>(dir: &Path, files: impl Iterator<Item = &'a OutputFile>) -> Result<()> {
    let files: Vec<&OutputFile> = files.collect();
    let written = write_tree(dir, &files);
    if written.is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
    written
}

fn write_tree(dir: &Path, files: &[&OutputFile]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let folders: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    for folder in folders {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
    }
    files.par_iter().try_for_each(|file| write_file(dir, file))
}

fn mark(dir: &Path) -> Result<()> {
    std::fs::write(
        dir.join(MARKER),
        "This folder is made by parkpress; `parkpress build` keeps it equal to the site it builds.\n",
    )
    .context("cannot write the output marker")
}

fn write_file(dir: &Path, file: &OutputFile) -> Result<()> {
    let target = dir.join(&file.path);
    match &file.contents {
        Contents::Bytes(bytes) => std::fs::write(&target, bytes).map(|_| ()),
        Contents::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
        Contents::Theme(theme_file) => theme_file
            .bytes()
            .and_then(|bytes| std::fs::write(&target, bytes)),
    }
    .with_context(|| format!("cannot write `{}`", target.display()))
}

/// Whether the file at `path` already holds exactly `contents` (a size check first, so most
/// changed files are told apart without reading them).
fn same_bytes(path: &Path, contents: &Contents) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    let matches = |expected: &[u8]| {
        meta.len() == expected.len() as u64 && std::fs::read(path).is_ok_and(|old| old == expected)
    };
    match contents {
        Contents::Bytes(bytes) => matches(bytes),
        Contents::Theme(theme_file) => theme_file.bytes().is_ok_and(|bytes| matches(&bytes)),
        Contents::Copy(source) => std::fs::metadata(source).is_ok_and(|source_meta| {
            source_meta.len() == meta.len()
                && std::fs::read(source).is_ok_and(|bytes| matches(&bytes))
        }),
    }
}

/// Files and links under `output` that `files` no longer holds (the marker stays).
fn stale_entries(output: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>> {
    let wanted: HashSet<&Path> = files.iter().map(|f| Path::new(f.path.as_str())).collect();
    let mut stale = Vec::new();
    for entry in WalkDir::new(output).min_depth(1) {
        let entry =
            entry.with_context(|| format!("cannot read the output `{}`", output.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        if relative != Path::new(MARKER) && !wanted.contains(relative) {
            stale.push(entry.into_path());
        }
    }
    Ok(stale)
}

fn remove_entry(path: &Path) -> Result<()> {
    let removed = if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.with_context(|| format!("cannot remove `{}`", path.display()))
}

/// Removes the folders that removing `removed` left empty, up to but not including `output`.
fn remove_empty_folders(output: &Path, removed: &[PathBuf]) {
    let folders: BTreeSet<&Path> = removed.iter().filter_map(|p| p.parent()).collect();
    // Deepest first, so a folder emptied by removing its empty children goes too.
    for folder in folders.into_iter().rev() {
        let mut folder = folder;
        while folder != output && folder.starts_with(output) && std::fs::remove_dir(folder).is_ok()
        {
            match folder.parent() {
                Some(parent) => folder = parent,
                None => break,
            }
        }
    }
}
