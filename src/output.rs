//! Stage 4: writing the site safely. Files go to a staging folder beside the output, which replaces
//! the old output only when every file was written, so a failed build leaves it as it was.
//! parkpress only ever replaces folders it made itself (marked by [`MARKER`]).

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

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

/// Writes `files` to `output`, replacing what was there only when everything was written.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
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
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.parkpress-staging-{pid}"));
    let old = parent.join(format!(".{name}.parkpress-old-{pid}"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove `{}`", staging.display()))?;
    }
    if let Err(error) = write_tree(&staging, files) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if output.exists() {
        std::fs::rename(&output, &old)
            .with_context(|| format!("cannot move the previous `{}` aside", output.display()))?;
        if let Err(error) = std::fs::rename(&staging, &output) {
            let _ = std::fs::rename(&old, &output);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error).with_context(|| {
                format!("cannot put the new site in place at `{}`", output.display())
            });
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the previous site at `{}`", old.display()))?;
    } else {
        std::fs::rename(&staging, &output)
            .with_context(|| format!("cannot create `{}`", output.display()))?;
    }
    Ok(())
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<()> {
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
    files
        .par_iter()
        .try_for_each(|file| write_file(dir, file))?;
    std::fs::write(
        dir.join(MARKER),
        "This folder is made by parkpress; `parkpress build` replaces it whole.\n",
    )
    .context("cannot write the output marker")?;
    Ok(())
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
