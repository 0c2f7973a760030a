//! Stage 4: writing the site safely. What changed goes to a staging folder beside the output and
//! moves into place only when every file was written, so a failed build leaves the output as it
//! was. parkpress only ever changes folders it made itself (marked by [`MARKER`]).

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

use crate::files::{Contents, OutputFile};

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
/// folder parkpress made before is updated: only files whose bytes changed are written, first
/// into a staging folder inside it; then, in one journaled step, files this build no longer makes
/// and files about to be replaced move aside and the new ones move in. If any move fails, the
/// journal is played backwards and the previous output is back. Unchanged files keep their
/// modification times, so a deploy with `rsync` or an object-store sync uploads only what changed.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let output = absolute(output);
    if output.join(MARKER).is_file() {
        return update_tree(&output, files);
    }
    // New, or empty (check_output_dir refuses anything else): write it whole.
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
    let staging =
        Staging::new(parent.join(format!(".{name}.parkpress-staging-{}", std::process::id())))?;
    write_tree(&staging.0, files.iter())?;
    mark(&staging.0)?;
    if output.exists() {
        std::fs::remove_dir(&output)
            .with_context(|| format!("cannot replace the empty `{}`", output.display()))?;
    }
    std::fs::rename(&staging.0, &output)
        .with_context(|| format!("cannot create `{}`", output.display()))?;
    Ok(WriteStats {
        written: files.len(),
        ..WriteStats::default()
    })
}

/// A staging folder, removed with whatever is left in it when it goes out of scope.
struct Staging(PathBuf);

impl Staging {
    fn new(path: PathBuf) -> Result<Self> {
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove `{}`", path.display()))?;
        }
        Ok(Self(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Brings an output folder parkpress made up to date with `files`.
fn update_tree(output: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let existing = existing_entries(output)?;
    let wanted: HashSet<&Path> = files.iter().map(|f| Path::new(f.path.as_str())).collect();
    // Only regular files reached without following links count as already there: a file behind
    // a linked folder, or under another letter case, is written anew.
    let changed: Vec<&OutputFile> = files
        .par_iter()
        .filter(|file| {
            !(existing.files.contains(Path::new(&file.path))
                && same_bytes(&output.join(&file.path), &file.contents))
        })
        .collect();
    let staging_name = format!(".parkpress-staging-{}", std::process::id());
    let stale: Vec<PathBuf> = existing
        .files
        .iter()
        .filter(|path| !wanted.contains(path.as_path()) && path.as_path() != Path::new(MARKER))
        .chain(&existing.others)
        .filter(|path| !path.starts_with(&staging_name))
        .cloned()
        .collect();
    if changed.is_empty() && stale.is_empty() {
        return Ok(WriteStats {
            unchanged: files.len(),
            ..WriteStats::default()
        });
    }
    // Inside the output folder, so every move below stays on one file system; a staging folder
    // left by an interrupted run is just stale, and goes with the rest.
    let staging = Staging::new(output.join(staging_name))?;
    let (new, aside) = (staging.0.join("new"), staging.0.join("old"));
    // Everything that can fail for lack of space happens here, before the output changes.
    write_tree(&new, changed.iter().copied())?;
    let mut journal = Journal::default();
    if let Err(error) = commit(output, &new, &aside, &stale, &changed, &mut journal) {
        journal.roll_back();
        return Err(error);
    }
    drop(staging);
    remove_empty_folders(output, &stale);
    Ok(WriteStats {
        written: changed.len(),
        unchanged: files.len() - changed.len(),
        removed: stale.len(),
    })
}

/// Moves stale entries and replaced files aside, then the staged files in, noting each step.
fn commit(
    output: &Path,
    new: &Path,
    aside: &Path,
    stale: &[PathBuf],
    changed: &[&OutputFile],
    journal: &mut Journal,
) -> Result<()> {
    for path in stale {
        journal.move_aside(&output.join(path), &aside.join(path))?;
    }
    for file in changed {
        let target = output.join(&file.path);
        match std::fs::symlink_metadata(&target) {
            // A folder where this build puts a file: every file in it was stale and is aside.
            Ok(meta) if meta.is_dir() => journal.remove_empty_tree(&target)?,
            Ok(_) => journal.move_aside(&target, &aside.join(&file.path))?,
            Err(_) => {}
        }
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create `{}`", folder.display()))?;
        }
        std::fs::rename(new.join(&file.path), &target)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        journal.steps.push(Step::Added(target));
    }
    Ok(())
}

/// What a commit did so far, to undo it.
#[derive(Default)]
struct Journal {
    steps: Vec<Step>,
}

enum Step {
    /// An entry of the previous output moved from the first path to the second.
    MovedAside(PathBuf, PathBuf),
    /// An empty folder of the previous output removed.
    RemovedFolder(PathBuf),
    /// A new file put in place.
    Added(PathBuf),
}

impl Journal {
    fn move_aside(&mut self, from: &Path, to: &Path) -> Result<()> {
        if let Some(folder) = to.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create `{}`", folder.display()))?;
        }
        std::fs::rename(from, to)
            .with_context(|| format!("cannot move `{}` aside", from.display()))?;
        self.steps
            .push(Step::MovedAside(from.to_path_buf(), to.to_path_buf()));
        Ok(())
    }

    /// Removes a tree of empty folders, deepest first.
    fn remove_empty_tree(&mut self, path: &Path) -> Result<()> {
        for entry in WalkDir::new(path).contents_first(true) {
            let entry = entry.with_context(|| format!("cannot read `{}`", path.display()))?;
            std::fs::remove_dir(entry.path()).with_context(|| {
                format!("cannot replace the folder `{}`", entry.path().display())
            })?;
            self.steps.push(Step::RemovedFolder(entry.into_path()));
        }
        Ok(())
    }

    /// Undoes the steps, last first, as far as the disk allows.
    fn roll_back(self) {
        for step in self.steps.into_iter().rev() {
            let _ = match step {
                Step::Added(path) => std::fs::remove_file(path),
                Step::RemovedFolder(path) => std::fs::create_dir(path),
                Step::MovedAside(from, to) => std::fs::rename(to, from),
            };
        }
    }
}

/// What an output folder holds, as paths relative to it, without following links.
struct Existing {
    /// Regular files.
    files: HashSet<PathBuf>,
    /// Links and anything else that is neither a file nor a folder.
    others: Vec<PathBuf>,
}

fn existing_entries(output: &Path) -> Result<Existing> {
    let mut existing = Existing {
        files: HashSet::new(),
        others: Vec::new(),
    };
    for entry in WalkDir::new(output).min_depth(1) {
        let entry =
            entry.with_context(|| format!("cannot read the output `{}`", output.display()))?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(output)
            .unwrap_or(entry.path())
            .to_path_buf();
        if kind.is_file() {
            existing.files.insert(relative);
        } else {
            existing.others.push(relative);
        }
    }
    Ok(existing)
}

/// Writes `files` under `dir`.
fn write_tree<'a>(dir: &Path, files: impl Iterator<Item = &'a OutputFile>) -> Result<()> {
    let files: Vec<&OutputFile> = files.collect();
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

/// Whether the regular file at `path` already holds exactly `contents` (a size check first, so
/// most changed files are told apart without reading them).
fn same_bytes(path: &Path, contents: &Contents) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
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

/// Removes the folders that removing `removed` (relative to `output`) left empty, up to but not
/// including `output`.
fn remove_empty_folders(output: &Path, removed: &[PathBuf]) {
    let folders: BTreeSet<PathBuf> = removed
        .iter()
        .filter_map(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| output.join(p))
        .collect();
    // Deepest first, so a folder emptied by removing its empty children goes too.
    for folder in folders.iter().rev() {
        let mut folder = folder.as_path();
        while folder != output && folder.starts_with(output) && std::fs::remove_dir(folder).is_ok()
        {
            match folder.parent() {
                Some(parent) => folder = parent,
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: Contents::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn read(dir: &Path, path: &str) -> String {
        std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_commit_that_fails_halfway_puts_the_previous_output_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        let before = [page("a/index.html", "old a"), page("gone.html", "old gone")];
        write_site(&output, &before).expect("first build");

        // The staged copy of the second changed file is missing, so moving it in fails after
        // the stale file and the first changed file have already moved.
        let after = [page("a/index.html", "new a"), page("b/index.html", "new b")];
        let (new, aside) = (dir.path().join("new"), dir.path().join("old"));
        write_tree(&new, after[..1].iter()).expect("stage");
        let stale = vec![PathBuf::from("gone.html")];
        let changed: Vec<&OutputFile> = after.iter().collect();
        let mut journal = Journal::default();
        assert!(commit(&output, &new, &aside, &stale, &changed, &mut journal).is_err());
        journal.roll_back();

        assert_eq!(read(&output, "a/index.html"), "old a");
        assert_eq!(read(&output, "gone.html"), "old gone");
        assert!(!output.join("b/index.html").exists());
    }

    #[test]
    #[cfg(unix)]
    fn a_folder_that_becomes_a_file_and_a_file_behind_a_link_are_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(
            &output,
            &[
                page("x/y/index.html", "deep"),
                page("css/site.css", "body{}"),
            ],
        )
        .expect("first build");
        // Someone links css/ to a folder elsewhere holding the same bytes.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::fs::write(elsewhere.join("site.css"), "body{}").expect("write");
        std::fs::remove_dir_all(output.join("css")).expect("rm");
        std::os::unix::fs::symlink(&elsewhere, output.join("css")).expect("link");

        let stats = write_site(
            &output,
            &[page("x", "now a file"), page("css/site.css", "body{}")],
        )
        .expect("second build");
        assert_eq!(read(&output, "x"), "now a file");
        assert!(
            std::fs::symlink_metadata(output.join("css"))
                .expect("css")
                .is_dir()
        );
        assert_eq!(read(&output, "css/site.css"), "body{}");
        assert_eq!(
            read(&elsewhere, "site.css"),
            "body{}",
            "nothing outside is touched"
        );
        assert_eq!(stats.written, 2);
        let names: Vec<String> = std::fs::read_dir(&output)
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains("staging")), "{names:?}");
    }
}
