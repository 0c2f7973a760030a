//! Stage 4: writing the site safely. What changed goes to a staging folder inside the output and
//! moves into place, under a journal, only when every file was written, so a failed or killed
//! build leaves the output as it was. parkpress only ever changes folders it made itself, and in
//! them only files it wrote (both proven by the record in [`MARKER`]).

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

use crate::files::{Contents, OutputFile};

/// File parkpress leaves in every output folder it makes: how the site was built, and the digest
/// of every file it wrote there.
pub const MARKER: &str = ".parkpress-output";
/// The marker while it is being written.
const MARKER_PART: &str = ".parkpress-output.part";
/// The moves of a commit in progress, in the output folder; the next build plays back what a
/// killed one left.
const JOURNAL: &str = ".parkpress-journal";
/// The journal while it is being written.
const JOURNAL_PART: &str = ".parkpress-journal.part";
/// Name prefix of the staging folders inside an output folder.
const STAGING: &str = ".parkpress-staging-";
/// File in each staging folder, so that parkpress only ever removes staging folders it made.
const STAGING_TAG: &str = ".parkpress-staging";

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

/// [`check_output_dir`] for the site's output folder, which must not be the share kit either
/// (`parkpress share` writes it, and the site would replace it).
pub fn check_site_output(root: &Path, output: &Path) -> Result<()> {
    let kit = absolute(&crate::share_kit_dir(root));
    if absolute(output).starts_with(&kit) {
        bail!(
            "refusing to write the site into `{}`: it is the share kit (share-kit/, made by `parkpress share`)\n  = help: use an output folder of its own, e.g. --output output",
            absolute(output).display()
        );
    }
    check_output_dir(root, output)
}

/// Refuses output folders that would destroy something: the site root, `content/`, a folder that
/// holds either, a non-empty folder parkpress did not make, or one holding files parkpress did
/// not write. A commit a killed build left in it is rolled back first.
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
        if output.join(MARKER).exists() {
            recover(&output)?;
            let marker = Marker::read(&output)?;
            refuse_foreign(&output, &existing_entries(&output)?, marker.owned(&output)?)?;
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

/// Writes `files` to `output` so that a failure, or a kill, leaves the previous output as it was.
///
/// parkpress writes into the output folder and never replaces the folder itself, so an output
/// folder that is a mount point (a Docker volume) works. Only files whose bytes changed are
/// written, first into a staging folder inside the output; then, in one journaled step, files
/// this build no longer makes and files about to be replaced move aside and the new ones move in,
/// the marker last. (Into a folder holding only its marker, the first build's, the site is
/// staged as its tree and moves in a top-level entry at a time.) The journal is on disk: if a move fails it is played backwards at once, and
/// if the build is killed the next one plays it backwards before anything else. Unchanged files
/// keep their modification times, so a deploy with `rsync` or an object-store sync uploads only
/// what changed. Nothing parkpress did not write (by the marker's record) is removed or replaced.
pub fn write_site(output: &Path, files: &[OutputFile], record: &BuildRecord) -> Result<WriteStats> {
    write_site_known(output, files, record, None).map(|(stats, _)| stats)
}

/// [`write_site`] into a folder that is, when `known` is given, as the last recorded build left
/// it: its entries are then taken from `known` instead of walking the folder, and a file's bytes
/// from the marker's digest instead of reading it. Also returns the paths (relative to the
/// folder) of every file written or removed.
pub fn write_site_known(
    output: &Path,
    files: &[OutputFile],
    record: &BuildRecord,
    known: Option<Known>,
) -> Result<(WriteStats, Vec<String>)> {
    let output = absolute(output);
    if !output.join(MARKER).is_file() {
        // New, or empty (check_output_dir refuses anything else): marked first, so a build
        // killed while filling it leaves a folder the next build recognizes and cleans up.
        std::fs::create_dir_all(&output)
            .with_context(|| format!("cannot create `{}`", output.display()))?;
        let empty = std::fs::read_dir(&output)
            .with_context(|| format!("cannot read `{}`", output.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "refusing to replace `{}`: it is not empty and was not made by parkpress",
                output.display()
            );
        }
        let unfinished = BuildRecord {
            finished: false,
            ..record.clone()
        };
        Marker::new(&unfinished, BTreeMap::new()).write(&output)?;
        return update_tree(&output, files, record, None);
    }
    update_tree(&output, files, record, known)
}

/// Brings an output folder parkpress made up to date with `files`; returns what it did and the
/// paths it wrote or removed.
fn update_tree(
    output: &Path,
    files: &[OutputFile],
    record: &BuildRecord,
    known: Option<Known>,
) -> Result<(WriteStats, Vec<String>)> {
    match prepare(output, files, record, known)? {
        Prepared::Done(stats) => Ok((stats, Vec::new())),
        Prepared::Commit(commit) => {
            let touched = commit.touched();
            commit.carry_out(output).map(|stats| (stats, touched))
        }
    }
}

/// An output folder the build cache found as the last recorded build left it: every entry has
/// the stamp recorded once that build had written it (see `build_cache`). Its files then hold
/// the bytes its marker records, so no file and no folder in it need be read to know them.
#[derive(Debug)]
pub struct Known {
    existing: Existing,
}

impl Known {
    /// The folder `output` as a walk of it found it: every entry under it (absolute paths, links
    /// not followed; `output` itself may be among them) with its kind.
    pub fn new<'a>(
        output: &Path,
        entries: impl IntoIterator<Item = (&'a Path, std::fs::FileType)>,
    ) -> Self {
        let output = absolute(output);
        let mut existing = Existing::default();
        for (path, kind) in entries {
            if let Ok(relative) = path.strip_prefix(&output)
                && !relative.as_os_str().is_empty()
            {
                existing.add(relative, kind);
            }
        }
        Self { existing }
    }
}

/// What [`prepare`] left to do.
enum Prepared {
    /// Nothing to move: the output already was the site (its marker updated if need be).
    Done(WriteStats),
    /// The changed files staged and the journal written: only the moves are left.
    Commit(Commit),
}

/// A staged commit whose journal is on disk.
struct Commit {
    staging: Staging,
    plan: Plan,
    stale: Vec<String>,
    stats: WriteStats,
}

/// Everything before the first move: rolls back what a killed build left, refuses a folder
/// holding what parkpress did not write, finds what changed, stages it and writes the journal.
fn prepare(
    output: &Path,
    files: &[OutputFile],
    record: &BuildRecord,
    known: Option<Known>,
) -> Result<Prepared> {
    // A journal left by a killed build is played back first: then the folder is not as known.
    let known = known.filter(|_| !output.join(JOURNAL).exists());
    recover(output)?;
    let previous = Marker::read(output)?;
    let trusted = known.is_some();
    let existing = match known {
        Some(known) => known.existing,
        None => existing_entries(output)?,
    };
    let recorded = previous.owned(output)?;
    refuse_foreign(output, &existing, recorded)?;
    let wanted: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    // Only regular files reached without following links count as already there: a file under
    // another letter case is written anew.
    let kept: Vec<Option<String>> = files
        .par_iter()
        .map(|file| {
            if !existing.files.contains(Path::new(&file.path)) {
                None
            } else if trusted {
                let was = recorded.get(&file.path)?;
                (contents_digest(&file.contents)? == *was).then(|| was.clone())
            } else {
                same_bytes(&output.join(&file.path), &file.contents)
            }
        })
        .collect();
    let changed: Vec<&OutputFile> = files
        .iter()
        .zip(&kept)
        .filter(|(_, digest)| digest.is_none())
        .map(|(file, _)| file)
        .collect();
    let stale: Vec<String> = recorded
        .keys()
        .filter(|path| !wanted.contains(path.as_str()))
        .filter(|path| existing.files.contains(Path::new(path)))
        .cloned()
        .collect();
    let replaced = changed
        .iter()
        .map(|f| f.path.as_str())
        .filter(|path| existing.files.contains(Path::new(path)));
    refuse_changed_since(
        output,
        recorded,
        stale.iter().map(String::as_str).chain(replaced),
    )?;

    let mut digests: BTreeMap<String, String> = files
        .iter()
        .zip(kept)
        .filter_map(|(file, digest)| Some((file.path.clone(), digest?)))
        .collect();
    let stats = WriteStats {
        written: changed.len(),
        unchanged: files.len() - changed.len(),
        removed: stale.len(),
    };
    if changed.is_empty() && stale.is_empty() {
        if previous.record() != *record {
            Marker::new(record, digests).write(output)?;
        }
        return Ok(Prepared::Done(stats));
    }
    // A folder holding only its marker (a first build) gets the site staged as its tree, which
    // moves in a top-level entry at a time; else every changed file moves in on its own.
    let fresh = recorded.is_empty() && holds_only_marker(output)?;
    // Inside the output folder, so every move below stays on one file system.
    let staging_name = format!("{STAGING}{}", std::process::id());
    let staging = Staging::new(output.join(&staging_name))?;
    // Everything that can fail for lack of space happens here, before the output changes.
    let new = staging.0.join("new");
    digests.extend(if fresh {
        write_staged_tree(&new, &changed)?
    } else {
        write_staged(&new, &changed)?
    });
    Marker::new(record, digests).write(&new)?;
    let old = staging.0.join("old");
    std::fs::create_dir_all(&old)
        .and_then(|()| std::fs::copy(output.join(MARKER), old.join(MARKER)))
        .context("cannot keep a copy of the output marker")?;
    let plan = if fresh {
        Plan::fresh(&staging_name, &changed)
    } else {
        Plan::new(&staging_name, &stale, &changed, &existing.files)
    };
    plan.write(output)?;
    Ok(Prepared::Commit(Commit {
        staging,
        plan,
        stale,
        stats,
    }))
}

impl Commit {
    /// The paths, relative to the output folder, that the commit writes or removes.
    fn touched(&self) -> Vec<String> {
        let written = self.plan.moves.iter().map(|(_, to)| to);
        self.stale.iter().chain(written).cloned().collect()
    }

    /// Makes the moves; if one fails, undoes those made and reports why.
    fn carry_out(self, output: &Path) -> Result<WriteStats> {
        if let Err(error) = make_moves(output, &self.plan.moves) {
            self.plan.roll_back(output);
            let _ = std::fs::remove_file(output.join(JOURNAL));
            return Err(error);
        }
        // The commit point: from here the new site stands.
        std::fs::remove_file(output.join(JOURNAL)).context("cannot remove the build journal")?;
        drop(self.staging);
        let stale: Vec<PathBuf> = self.stale.iter().map(PathBuf::from).collect();
        remove_empty_folders(output, &stale);
        Ok(self.stats)
    }
}

/// Refuses to touch an output folder holding what parkpress did not write: a file its record
/// does not list, or a link.
fn refuse_foreign(
    output: &Path,
    existing: &Existing,
    recorded: &BTreeMap<String, String>,
) -> Result<()> {
    let foreign: Vec<String> = existing
        .files
        .iter()
        .filter(|path| path.to_str().is_none_or(|p| !recorded.contains_key(p)))
        .chain(&existing.others)
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    refuse(foreign, |listed| {
        format!(
            "refusing to write into `{}`: parkpress did not write {listed}\n  = help: move them out of the output folder (each build makes it hold exactly the site), or choose another --output",
            output.display()
        )
    })
}

/// Refuses to remove or replace a file that changed since parkpress wrote it.
fn refuse_changed_since<'a>(
    output: &Path,
    recorded: &BTreeMap<String, String>,
    paths: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let paths: Vec<&str> = paths.collect();
    let edited: Vec<String> = paths
        .par_iter()
        .filter(|path| {
            let now = std::fs::read(output.join(path)).map(|bytes| digest(&bytes));
            now.ok().as_ref() != recorded.get(**path)
        })
        .map(|path| (*path).to_owned())
        .collect();
    refuse(edited, |listed| {
        format!(
            "refusing to replace {listed} in `{}`: changed since parkpress wrote it\n  = help: copy your changes elsewhere (the output folder is rewritten by each build) and remove the file",
            output.display()
        )
    })
}

/// Nothing to refuse when `paths` is empty; else the error `message` makes of their listing.
fn refuse(mut paths: Vec<String>, message: impl FnOnce(String) -> String) -> Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    paths.sort();
    bail!("{}", message(listing(&paths)))
}

/// Up to five paths in backticks, and how many more.
fn listing(paths: &[String]) -> String {
    let shown: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| format!("`{}`", crate::diagnostics::terminal_safe(p)))
        .collect();
    match paths.len() {
        n if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}

/// A staging folder, tagged as parkpress's and removed with whatever is left in it when it goes
/// out of scope.
struct Staging(PathBuf);

impl Staging {
    fn new(path: PathBuf) -> Result<Self> {
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove `{}`", path.display()))?;
        }
        std::fs::create_dir_all(&path)
            .and_then(|()| std::fs::write(path.join(STAGING_TAG), ""))
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Before anything else in an output folder: plays backwards the journal of a commit a killed
/// build left, and removes the staging folders killed builds left (those tagged as parkpress's).
pub fn recover(output: &Path) -> Result<()> {
    let journal = output.join(JOURNAL);
    match std::fs::read_to_string(&journal) {
        Ok(text) => {
            let plan = serde_json::from_str::<Plan>(&text)
                .ok()
                .filter(Plan::stays_inside)
                .with_context(|| {
                    format!(
                        "`{}` is not a journal parkpress can read\n  = help: the last build was interrupted; remove the output folder and build again",
                        journal.display()
                    )
                })?;
            plan.roll_back(output);
            std::fs::remove_file(&journal)
                .with_context(|| format!("cannot remove `{}`", journal.display()))?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read `{}`", journal.display()));
        }
    }
    let _ = std::fs::remove_file(output.join(JOURNAL_PART));
    let _ = std::fs::remove_file(output.join(MARKER_PART));
    let entries =
        std::fs::read_dir(output).with_context(|| format!("cannot read `{}`", output.display()))?;
    for entry in entries.flatten() {
        let ours = entry.file_name().to_string_lossy().starts_with(STAGING)
            && entry.file_type().is_ok_and(|kind| kind.is_dir())
            && entry.path().join(STAGING_TAG).is_file();
        if ours {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove the stale `{}`", entry.path().display()))?;
        } else if entry.file_name().to_string_lossy().starts_with(STAGING) {
            // Killed before it was tagged: nothing in it yet.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
    Ok(())
}

/// The moves of one commit, in order, as paths relative to the output folder. Written to the
/// journal before the first move, removed after the last: what a killed build leaves is undone
/// by moving back each move that was made.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Plan {
    /// Files moving in, whose new folders a roll-back removes.
    added: Vec<String>,
    /// `(from, to)` renames.
    moves: Vec<(String, String)>,
}

impl Plan {
    /// The moves of a commit: `stale` files aside, then for each `changed` one the file it
    /// replaces (when `existing` holds one) aside and the staged one in, then the marker.
    fn new(
        staging: &str,
        stale: &[String],
        changed: &[&OutputFile],
        existing: &HashSet<PathBuf>,
    ) -> Self {
        let aside = |path: &str| format!("{staging}/old/{path}");
        let staged = |name: &str| format!("{staging}/new/{name}");
        let mut moves: Vec<(String, String)> = stale
            .iter()
            .map(|path| (path.clone(), aside(path)))
            .collect();
        for (index, path) in changed.iter().map(|f| f.path.as_str()).enumerate() {
            if existing.contains(Path::new(path)) {
                moves.push((path.to_owned(), aside(path)));
            }
            moves.push((staged(&index.to_string()), path.to_owned()));
        }
        // Last, replacing the old marker in one step (a copy of it waits aside): the folder is
        // never without one.
        moves.push((staged(MARKER), MARKER.to_owned()));
        let added = changed.iter().map(|f| f.path.clone()).collect();
        Self { added, moves }
    }

    /// The moves of a first build, whose `changed` files are staged as the site's tree: each
    /// top-level entry of the tree in, then the marker.
    fn fresh(staging: &str, changed: &[&OutputFile]) -> Self {
        let top: BTreeSet<&str> = changed
            .iter()
            .filter_map(|f| f.path.split('/').next())
            .collect();
        let mut moves: Vec<(String, String)> = top
            .into_iter()
            .map(|name| (format!("{staging}/new/{name}"), name.to_owned()))
            .collect();
        moves.push((format!("{staging}/new/{MARKER}"), MARKER.to_owned()));
        let added = changed.iter().map(|f| f.path.clone()).collect();
        Self { added, moves }
    }

    /// Whether every path is a plain path inside the output folder (a journal from disk).
    fn stays_inside(&self) -> bool {
        let plain = |path: &String| {
            !path.is_empty()
                && Path::new(path)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
        };
        self.added.iter().all(plain) && self.moves.iter().all(|(a, b)| plain(a) && plain(b))
    }

    /// Writes the journal, whole or not at all.
    fn write(&self, output: &Path) -> Result<()> {
        let part = output.join(JOURNAL_PART);
        let text = serde_json::to_string(self).context("cannot describe the commit")?;
        let file = std::fs::File::create(&part).and_then(|mut file| {
            std::io::Write::write_all(&mut file, text.as_bytes())?;
            file.sync_all()
        });
        file.and_then(|()| std::fs::rename(&part, output.join(JOURNAL)))
            .context("cannot write the build journal")
    }

    /// Undoes the moves that were made, last first, as far as the disk allows.
    fn roll_back(&self, output: &Path) {
        for (from, to) in self.moves.iter().rev() {
            if to == MARKER {
                if !output.join(from).exists() {
                    let kept = from.replacen("/new/", "/old/", 1);
                    let _ = std::fs::rename(output.join(kept), output.join(MARKER));
                }
                continue;
            }
            let staged = from.starts_with(STAGING);
            let (from, to) = (output.join(from), output.join(to));
            // A file moved, or a staged folder of a first build's tree (which is not there to
            // move back into unless it moved).
            let moved = std::fs::symlink_metadata(&to).is_ok_and(|m| {
                m.is_file() || (staged && m.is_dir() && std::fs::symlink_metadata(&from).is_err())
            });
            if !moved {
                continue;
            }
            if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_dir()) {
                let _ = remove_empty_tree(&from);
            } else if from.exists() {
                continue;
            }
            if let Some(folder) = from.parent() {
                let _ = std::fs::create_dir_all(folder);
            }
            let _ = std::fs::rename(&to, &from);
        }
        let made: Vec<PathBuf> = self.added.iter().map(PathBuf::from).collect();
        remove_empty_folders(output, &made);
    }
}

/// Makes `moves` (relative to `output`), in order. Moving aside a file that is not there is
/// skipped; a folder where a file moves, which held only stale files, is removed.
///
/// A staged file is known to be a file, and a file moving into a folder this call just made has
/// nothing in its way: those moves are one `mkdir` and one `rename` (a new output of 2,000 pages
/// would otherwise look up every path three more times, one after the other).
fn make_moves(output: &Path, moves: &[(String, String)]) -> Result<()> {
    for (from, to) in moves {
        let staged = from.starts_with(STAGING);
        let (from, to) = (output.join(from), output.join(to));
        if !staged {
            match std::fs::symlink_metadata(&from) {
                Err(_) => continue,
                Ok(meta) if meta.is_dir() => {
                    remove_empty_tree(&from)?;
                    continue;
                }
                Ok(_) => {}
            }
        }
        let new_folder = match to.parent() {
            Some(folder) => make_folder(folder)?,
            None => false,
        };
        if !new_folder && std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            remove_empty_tree(&to)?;
        }
        std::fs::rename(&from, &to).with_context(|| {
            if staged && std::fs::symlink_metadata(&from).is_err() {
                format!("cannot find the staged `{}`", from.display())
            } else {
                format!("cannot move `{}` into place", from.display())
            }
        })?;
    }
    Ok(())
}

/// Makes `folder` (and what it needs above it) unless it is there; whether it was made now, so
/// that nothing can be in it.
fn make_folder(folder: &Path) -> Result<bool> {
    let made = match std::fs::create_dir(folder) {
        Ok(()) => return Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(folder).map(|()| true)
        }
        Err(_) if folder.is_dir() => Ok(false),
        Err(error) => Err(error),
    };
    made.with_context(|| format!("cannot create `{}`", folder.display()))
}

/// Removes a tree of empty folders, deepest first; fails on the first that is not empty.
fn remove_empty_tree(path: &Path) -> Result<()> {
    for entry in WalkDir::new(path).contents_first(true) {
        let entry = entry.with_context(|| format!("cannot read `{}`", path.display()))?;
        std::fs::remove_dir(entry.path())
            .with_context(|| format!("cannot replace the folder `{}`", entry.path().display()))?;
    }
    Ok(())
}

/// What an output folder holds, as paths relative to it, without following links; its marker
/// left out.
#[derive(Debug, Default)]
struct Existing {
    /// Regular files.
    files: HashSet<PathBuf>,
    /// Links and anything else that is neither a file nor a folder.
    others: Vec<PathBuf>,
}

impl Existing {
    /// Counts the entry at `relative` of kind `kind` (folders and the marker are not counted).
    fn add(&mut self, relative: &Path, kind: std::fs::FileType) {
        if kind.is_dir() || relative == Path::new(MARKER) {
            return;
        }
        if kind.is_file() {
            self.files.insert(relative.to_path_buf());
        } else {
            self.others.push(relative.to_path_buf());
        }
    }
}

fn existing_entries(output: &Path) -> Result<Existing> {
    let mut existing = Existing::default();
    for entry in WalkDir::new(output).min_depth(1) {
        let entry =
            entry.with_context(|| format!("cannot read the output `{}`", output.display()))?;
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        existing.add(relative, entry.file_type());
    }
    Ok(existing)
}

/// Whether the output folder holds nothing but its marker.
fn holds_only_marker(output: &Path) -> Result<bool> {
    let entries =
        std::fs::read_dir(output).with_context(|| format!("cannot read `{}`", output.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read `{}`", output.display()))?;
        if entry.file_name() != MARKER {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `files` into the new folder `dir` at their paths (the tree of a first build, which
/// moves into the output a top-level entry at a time), folders made side by side, and returns
/// the digest of each by path.
fn write_staged_tree(dir: &Path, files: &[&OutputFile]) -> Result<Vec<(String, String)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    files
        .par_iter()
        .map(|file| {
            let target = dir.join(&file.path);
            if let Some(folder) = target.parent() {
                std::fs::create_dir_all(folder)
                    .with_context(|| format!("cannot create `{}`", folder.display()))?;
            }
            let digest = write_file(&target, file)?;
            Ok((file.path.clone(), digest))
        })
        .collect()
}

/// Writes `files` into the new folder `dir` under their numbers in `files` (`0`, `1`, …: a flat
/// folder, so staging makes no folders and leaves none to remove when the files have moved into
/// place), and returns the digest of each by path.
fn write_staged(dir: &Path, files: &[&OutputFile]) -> Result<Vec<(String, String)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    files
        .par_iter()
        .enumerate()
        .map(|(index, file)| {
            let digest = write_file(&dir.join(index.to_string()), file)?;
            Ok((file.path.clone(), digest))
        })
        .collect()
}

/// How the site in an output folder was built, kept in its marker so that `deploy` can refuse a
/// staging build, a build with drafts, or one that did not finish.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BuildRecord {
    /// The `--base-url` that replaced site.toml's (a staging or preview build).
    pub base_url: Option<String>,
    /// Built with `--drafts`.
    pub drafts: bool,
    /// False while a build is writing the folder: a build that stopped halfway stays marked.
    pub finished: bool,
}

impl BuildRecord {
    /// A finished build of the site's own kind (no `--base-url`, no drafts): the share kit's.
    pub fn finished() -> Self {
        Self {
            finished: true,
            ..Self::default()
        }
    }
}

/// The marker file: the build record, and the digest of every file parkpress wrote into the
/// folder, which is what proves the folder's files are parkpress's to replace.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Marker {
    base_url: Option<String>,
    drafts: bool,
    finished: bool,
    /// Output path → xxh3-128 of the bytes written; missing in a marker of an older parkpress.
    files: Option<BTreeMap<String, String>>,
}

impl Marker {
    fn new(record: &BuildRecord, files: BTreeMap<String, String>) -> Self {
        Self {
            base_url: record.base_url.clone(),
            drafts: record.drafts,
            finished: record.finished,
            files: Some(files),
        }
    }

    fn record(&self) -> BuildRecord {
        BuildRecord {
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            finished: self.finished,
        }
    }

    /// The marker of `dir`, or an error when it is missing or unreadable.
    fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(MARKER);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        toml::from_str(&text).map_err(|_| {
            anyhow::anyhow!(
                "`{}` holds no build record\n  = help: if parkpress made this folder, remove it and build again",
                path.display()
            )
        })
    }

    /// The files parkpress wrote, or an error for a marker that does not record them.
    fn owned(&self, dir: &Path) -> Result<&BTreeMap<String, String>> {
        self.files.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "refusing to write into `{}`: its marker does not record which files parkpress wrote (copied by hand, or left by an older parkpress)\n  = help: if its files are not needed, remove the folder and build again",
                dir.display()
            )
        })
    }

    /// Writes the marker into `dir`, whole or not at all.
    fn write(&self, dir: &Path) -> Result<()> {
        let fields = toml::to_string(self).context("cannot describe the build")?;
        let part = dir.join(MARKER_PART);
        std::fs::write(
            &part,
            format!(
                "# This folder is made by parkpress; `parkpress build` keeps it equal to the site it builds.\n# [files] lists what it wrote: it replaces nothing else.\n{fields}"
            ),
        )
        .and_then(|()| std::fs::rename(&part, dir.join(MARKER)))
        .context("cannot write the output marker")
    }
}

/// The files the marker of `dir` records, by path, with the xxh3-128 of the bytes written;
/// `None` when it has no readable marker or records none.
pub fn recorded_digests(dir: &Path) -> Option<std::collections::HashMap<String, u128>> {
    let marker = Marker::read(dir).ok()?;
    (marker.files?.into_iter())
        .map(|(path, digest)| Some((path, u128::from_str_radix(&digest, 16).ok()?)))
        .collect()
}

/// The record in the marker of `dir`: `Ok(None)` when `dir` has no marker, an error when the
/// marker is unreadable. A build that was killed while moving files in is unfinished.
pub fn read_build_record(dir: &Path) -> Result<Option<BuildRecord>> {
    if !dir.join(MARKER).exists() {
        return Ok(None);
    }
    let mut record = Marker::read(dir)?.record();
    record.finished &= !dir.join(JOURNAL).exists();
    Ok(Some(record))
}

use crate::files::digest;

/// Writes one file at `target`, and returns the digest of its bytes.
fn write_file(target: &Path, file: &OutputFile) -> Result<String> {
    bytes_of(&file.contents)
        .and_then(|bytes| std::fs::write(target, &bytes).map(|()| digest(&bytes)))
        .with_context(|| format!("cannot write `{}`", target.display()))
}

/// The bytes of `contents`, read where they are on disk.
fn bytes_of(contents: &Contents) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
    match contents {
        Contents::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes.as_slice())),
        Contents::Copy(source) => std::fs::read(source).map(std::borrow::Cow::Owned),
        Contents::Theme(theme_file) => theme_file.bytes(),
        Contents::InOutput(path, kept) => in_output(path, *kept).map(std::borrow::Cow::Owned),
    }
}

/// The digest of `contents`, as the marker writes it; `None` when they cannot be read. A file
/// already in the output folder is not read: its digest is the one it was taken with.
fn contents_digest(contents: &Contents) -> Option<String> {
    match contents {
        Contents::InOutput(_, kept) => Some(format!("{kept:032x}")),
        _ => Some(digest(&bytes_of(contents).ok()?)),
    }
}

/// The bytes of the file at `path` in the output folder, which a build took again with the
/// digest `kept`: an error when they are no longer those.
fn in_output(path: &Path, kept: u128) -> std::io::Result<Vec<u8>> {
    let bytes = crate::safe_fs::read_regular(path)?;
    if xxhash_rust::xxh3::xxh3_128(&bytes) != kept {
        return Err(std::io::Error::other(
            "it changed while the build ran; build again",
        ));
    }
    Ok(bytes)
}

/// The digest of `contents` when the regular file at `path` already holds exactly them (a size
/// check first, so most changed files are told apart without reading them), else None.
fn same_bytes(path: &Path, contents: &Contents) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let matches = |expected: &[u8]| {
        (meta.len() == expected.len() as u64
            && std::fs::read(path).is_ok_and(|old| old == expected))
        .then(|| digest(expected))
    };
    // A copied file's size is known before reading it.
    if let Contents::Copy(source) = contents
        && std::fs::metadata(source).ok()?.len() != meta.len()
    {
        return None;
    }
    matches(&bytes_of(contents).ok()?)
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

    fn done() -> BuildRecord {
        BuildRecord::finished()
    }

    /// Every file under `dir`, hidden ones included, with its bytes.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let path = e.path().strip_prefix(dir).expect("inside");
                (
                    path.to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The files of a build as the tree it should leave, marker aside.
    fn site_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = tree(dir);
        files.remove(MARKER);
        files
    }

    fn expected(files: &[OutputFile]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|f| match &f.contents {
                Contents::Bytes(bytes) => (f.path.clone(), bytes.clone()),
                _ => unreachable!("pages only"),
            })
            .collect()
    }

    #[test]
    fn a_folder_known_as_recorded_is_written_without_reading_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("out");
        write_site(&output, &before(), &done()).expect("first build");
        let walked: Vec<(PathBuf, std::fs::FileType)> = WalkDir::new(&output)
            .into_iter()
            .map(|entry| entry.expect("entry"))
            .map(|entry| (entry.path().to_path_buf(), entry.file_type()))
            .collect();
        let known = || Known::new(&output, walked.iter().map(|(p, k)| (p.as_path(), *k)));
        // Known, the folder is not read: a file edited behind the build's back (which the build
        // cache would have seen in its stamp) is not noticed.
        std::fs::write(output.join("gone.html"), "edited").expect("edit");
        std::fs::write(output.join("a/index.html"), "edited").expect("edit");
        let (stats, touched) =
            write_site_known(&output, &before(), &done(), Some(known())).expect("known build");
        assert_eq!((stats.written, stats.unchanged), (0, 4));
        assert!(touched.is_empty(), "{touched:?}");
        std::fs::write(output.join("gone.html"), "old gone").expect("put back");
        std::fs::write(output.join("a/index.html"), "old a").expect("put back");

        let (stats, touched) =
            write_site_known(&output, &after(), &done(), Some(known())).expect("next build");
        assert_eq!(site_tree(&output), expected(&after()));
        assert_eq!((stats.written, stats.removed), (4, 3));
        let touched: BTreeSet<&str> = touched.iter().map(String::as_str).collect();
        for path in [
            "a/index.html",
            "b/index.html",
            "x/index.html",
            "d",
            "gone.html",
            "x",
        ] {
            assert!(touched.contains(path), "{path} in {touched:?}");
        }
    }

    fn before() -> [OutputFile; 4] {
        [
            page("a/index.html", "old a"),
            page("gone.html", "old gone"),
            page("x", "a file that becomes a folder"),
            page("d/e/index.html", "a folder that becomes a file"),
        ]
    }

    fn after() -> [OutputFile; 4] {
        [
            page("a/index.html", "new a"),
            page("b/index.html", "new b"),
            page("x/index.html", "now a folder"),
            page("d", "now a file"),
        ]
    }

    /// For every k from 0 to the number of moves: in a new output folder that `set_up` fills,
    /// stages `after()` and kills the commit after k moves; the next build must put back what
    /// was there (and `recovered` may look further), then write `after()` whole, then `before()`
    /// over it. Returns the number of moves.
    fn killed_after_every_move(set_up: impl Fn(&Path), recovered: impl Fn(&Path)) -> usize {
        let mut k = 0;
        loop {
            let dir = tempfile::tempdir().expect("temp dir");
            let output = dir.path().join("output");
            set_up(&output);
            let previous = tree(&output);
            let Prepared::Commit(commit) =
                prepare(&output, &after(), &done(), None).expect("stage")
            else {
                panic!("the build changes files");
            };
            let total = commit.plan.moves.len();
            // Killed after k moves: the moves made stay made, nothing is cleaned up.
            make_moves(&output, &commit.plan.moves[..k]).expect("moves");
            std::mem::forget(commit);
            let record = read_build_record(&output).expect("record").expect("marker");
            assert!(!record.finished, "an interrupted output is not deployable");

            check_output_dir(&dir.path().join("site"), &output).expect("recovers");
            assert_eq!(tree(&output), previous, "killed after {k} of {total} moves");
            recovered(&output);

            let stats = write_site(&output, &after(), &done()).expect("next build");
            assert_eq!(site_tree(&output), expected(&after()));
            assert_eq!(stats.written, 4);
            // The marker owns what moved in: the build after it replaces it.
            write_site(&output, &before(), &done()).expect("a build after it");
            assert_eq!(site_tree(&output), expected(&before()));
            if k == total {
                return total;
            }
            k += 1;
        }
    }

    #[test]
    fn a_build_killed_after_any_move_is_rolled_back_by_the_next() {
        let total = killed_after_every_move(
            |output| {
                write_site(output, &before(), &done()).expect("first build");
            },
            |output| {
                let record = read_build_record(output).expect("record").expect("marker");
                assert!(record.finished, "the previous build's record is back");
            },
        );
        assert!(total >= 8, "{total} moves");
    }

    #[test]
    fn a_first_build_moves_its_tree_in_and_one_killed_after_any_move_leaves_the_folder_empty() {
        let total = killed_after_every_move(
            |output| {
                std::fs::create_dir(output).expect("mkdir");
                Marker::new(&BuildRecord::default(), BTreeMap::new())
                    .write(output)
                    .expect("marker");
            },
            |output| {
                let names = crate::test_support::names_in(output);
                assert_eq!(names, [MARKER], "no folder left behind");
            },
        );
        // `a`, `b`, `d`, `x`, then the marker: one move per top-level entry.
        assert_eq!(total, 5);
    }

    #[test]
    fn a_commit_that_fails_halfway_puts_the_previous_output_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(&output, &before(), &done()).expect("first build");
        let previous = tree(&output);
        let Prepared::Commit(commit) = prepare(&output, &after(), &done(), None).expect("stage")
        else {
            panic!("the second build changes files");
        };
        // The staged copy of the last file is gone, so moving it in fails after the stale
        // files and the other changed files have moved.
        let (last_staged, _) = &commit.plan.moves[commit.plan.moves.len() - 2];
        assert!(last_staged.contains("/new/"), "{last_staged}");
        std::fs::remove_file(output.join(last_staged)).expect("rm");
        assert!(commit.carry_out(&output).is_err());
        assert_eq!(tree(&output), previous);
    }

    #[test]
    fn files_parkpress_did_not_write_are_never_removed_or_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(&output, &before(), &done()).expect("first build");
        let refused = || {
            let error = write_site(&output, &after(), &done()).expect_err("refused");
            format!("{error:#}")
        };

        // Dropped in by hand: refused, kept.
        std::fs::create_dir_all(output.join(".git")).expect("mkdir");
        std::fs::write(output.join(".git/HEAD"), "ref: main").expect("write");
        std::fs::write(output.join("important.txt"), "keep me").expect("write");
        let error = refused();
        assert!(
            error.contains("`.git/HEAD`, `important.txt`") && error.contains("did not write"),
            "{error}"
        );
        let error = format!(
            "{:#}",
            check_output_dir(&dir.path().join("site"), &output).expect_err("refused")
        );
        assert!(error.contains("important.txt"), "{error}");
        assert_eq!(read(&output, "important.txt"), "keep me");
        assert_eq!(read(&output, "gone.html"), "old gone");
        std::fs::remove_dir_all(output.join(".git")).expect("rm");
        std::fs::remove_file(output.join("important.txt")).expect("rm");

        // Edited since it was written: refused, kept; a file that stays is no concern.
        std::fs::write(output.join("gone.html"), "my notes").expect("write");
        let error = refused();
        assert!(
            error.contains("`gone.html`") && error.contains("changed since"),
            "{error}"
        );
        assert_eq!(read(&output, "gone.html"), "my notes");
        assert_eq!(read(&output, "a/index.html"), "old a");
    }

    #[test]
    fn a_marker_copied_by_hand_proves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(&output, &before(), &done()).expect("build");
        let elsewhere = dir.path().join("project");
        std::fs::create_dir_all(elsewhere.join("docs")).expect("mkdir");
        std::fs::write(elsewhere.join("important.txt"), "keep me").expect("write");
        std::fs::write(elsewhere.join("docs/plan.md"), "the plan").expect("write");
        std::fs::copy(output.join(MARKER), elsewhere.join(MARKER)).expect("copy");
        let previous = tree(&elsewhere);
        assert!(check_output_dir(&dir.path().join("site"), &elsewhere).is_err());
        assert!(write_site(&elsewhere, &after(), &done()).is_err());
        assert_eq!(tree(&elsewhere), previous);

        // A marker without a record (an older parkpress, or written by hand) neither.
        std::fs::write(elsewhere.join(MARKER), "finished = true\ndrafts = false\n").expect("w");
        let error = format!(
            "{:#}",
            write_site(&elsewhere, &after(), &done()).expect_err("refused")
        );
        assert!(error.contains("does not record"), "{error}");
        assert_eq!(read(&elsewhere, "important.txt"), "keep me");
    }

    #[test]
    #[cfg(unix)]
    fn an_existing_empty_folder_is_written_into_not_replaced() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("volume");
        std::fs::create_dir(&output).expect("mkdir");
        let inode = std::fs::metadata(&output).expect("meta").ino();
        write_site(&output, &before(), &done()).expect("build");
        assert_eq!(site_tree(&output), expected(&before()));
        assert_eq!(std::fs::metadata(&output).expect("meta").ino(), inode);
        assert_eq!(
            crate::test_support::names_in(dir.path()),
            ["volume"],
            "nothing made beside it"
        );
    }

    #[test]
    fn stale_staging_folders_of_killed_builds_are_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(&output, &before(), &done()).expect("build");
        for pid in [11, 12] {
            let staging = Staging::new(output.join(format!("{STAGING}{pid}"))).expect("stage");
            let files = before();
            let files: Vec<&OutputFile> = files.iter().collect();
            write_staged(&staging.0.join("new"), &files).expect("write");
            std::mem::forget(staging);
        }
        write_site(&output, &after(), &done()).expect("next build");
        assert_eq!(site_tree(&output), expected(&after()));

        // A folder of that name parkpress did not tag is not its to remove.
        std::fs::create_dir_all(output.join(format!("{STAGING}13"))).expect("mkdir");
        std::fs::write(output.join(format!("{STAGING}13/mine.txt")), "x").expect("write");
        assert!(write_site(&output, &before(), &done()).is_err());
        assert_eq!(read(&output, &format!("{STAGING}13/mine.txt")), "x");
    }

    #[test]
    #[cfg(unix)]
    fn a_link_in_the_output_is_refused_and_nothing_outside_is_touched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        write_site(&output, &[page("css/site.css", "body{}")], &done()).expect("first build");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::fs::write(elsewhere.join("site.css"), "body{}").expect("write");
        std::fs::remove_dir_all(output.join("css")).expect("rm");
        std::os::unix::fs::symlink(&elsewhere, output.join("css")).expect("link");
        let error = format!(
            "{:#}",
            write_site(&output, &[page("css/site.css", "p{}")], &done()).expect_err("refused")
        );
        assert!(error.contains("`css`"), "{error}");
        assert_eq!(read(&elsewhere, "site.css"), "body{}");
    }

    #[test]
    fn the_share_kit_is_not_an_output_for_the_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        for output in [root.join("share-kit"), root.join("share-kit/site")] {
            let error = format!(
                "{:#}",
                check_site_output(&root, &output).expect_err("refused")
            );
            assert!(error.contains("share kit"), "{error}");
        }
        check_site_output(&root, &root.join("output")).expect("the usual output");
        check_output_dir(&root, &root.join("share-kit")).expect("the kit's own folder");
    }

    fn read(dir: &Path, path: &str) -> String {
        std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}
