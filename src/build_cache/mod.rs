//! Rebuilds across runs: `parkpress build` records in `.parkpress-cache/build.json` a fingerprint
//! of everything it read and the state of every folder it wrote. The next `build`, in a new
//! process, that finds the same fingerprint and each folder exactly as the recorded build left
//! it skips the work: a cold build would write the same bytes that are already there, so it only
//! reports what the recorded build reported.
//!
//! The fingerprint ([`Inputs`]) covers every input a build without PDFs reads:
//! - the binary: its version and the identity of its executable file (device, inode, size,
//!   modification and status-change time), which changes with every new build or install of it;
//!   the built-in theme is embedded in it;
//! - the build date and the options (site root, output folder, `--base-url`, `--drafts`,
//!   `--font-path`, whether the share kit is written);
//! - every environment variable (`SOURCE_DATE_EPOCH`, `PARKPRESS_*`, and whatever a template
//!   reads with Tera's `get_env`);
//! - every file and folder under `content/` and `themes/`, by path and the xxh3-128 of its bytes,
//!   links followed (so what a link points at counts).
//!
//! It is taken with a [`Survey`] of the inputs before the build, which reads no file that has not
//! just changed, and finished after the build from the same survey (see [`survey`] for why that
//! covers what the build read, and when the next build can compare the inputs' stamps alone).
//!
//! A folder's state ([`state_of`] a [`Walk`] of it) is every entry in it with its kind, size,
//! inode, modification and status-change time: any file written, touched, added or removed since,
//! by parkpress or anyone, changes it, and the build runs in full (and, as a cold one would,
//! refuses to replace what someone else changed). A build that finds the folders so but other
//! inputs trusts them as the record does ([`Found::FoldersAsLeft`], [`Since`]).
//!
//! Only a build that succeeded and made no PDFs is recorded: typesetting reads fonts of the system,
//! which no fingerprint here covers. A failed build records nothing and leaves the record of the
//! last good one, whose folders it did not touch. A record that cannot be read, is truncated, or
//! whose checksum does not match is ignored (the build runs cold); the cache is safe to delete.
//!
//! A build that is not skipped still renders only what changed: `rendering.rs` keeps what the
//! last one rendered (`render.bin`), keyed by content hashes, for the next.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::diagnostics::{Diagnostic, Report, Severity};

mod rendering;
mod survey;
pub use survey::Survey;

/// The record's file in the cache folder.
const RECORD: &str = "build.json";
/// First word of the record: a record of another layout is ignored.
const FORMAT: &str = "parkpress-build-cache-1";

/// A fingerprint of every input of one build (see the module documentation for what it covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inputs {
    /// Of every input's bytes.
    digest: u128,
    /// Of every input's stamp, when every input was older than the clock of the survey that
    /// took it: then a later change to any of them gives it a newer stamp, and the next build
    /// that finds the same stamps needs to read no file to know the inputs are the same.
    stamps: Option<u128>,
}

/// What a build that is allowed to be skipped is: its options as they bear on the output.
#[derive(Debug)]
pub struct Setting<'a> {
    /// The site root.
    pub root: &'a Path,
    /// The output folder.
    pub output: &'a Path,
    /// `--base-url`.
    pub base_url: Option<&'a str>,
    /// `--drafts`.
    pub drafts: bool,
    /// The build date.
    pub build_date: chrono::NaiveDate,
    /// `--font-path` folders.
    pub font_paths: &'a [PathBuf],
    /// Whether the build writes the share kit.
    pub kit: bool,
}

/// The identity of a file: size, modification time and, on Unix, device, inode and status-change
/// time (which no tool can set back).
fn stamp(meta: &std::fs::Metadata) -> Vec<u8> {
    let mut out = Vec::with_capacity(48);
    out.extend(meta.len().to_le_bytes());
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    out.extend(modified.to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        out.extend(meta.dev().to_le_bytes());
        out.extend(meta.ino().to_le_bytes());
        out.extend(meta.ctime().to_le_bytes());
        out.extend(meta.ctime_nsec().to_le_bytes());
    }
    out
}

/// Every entry of a folder, as [`walk_sorted`] finds them: empty when it does not exist. With
/// `since`, only folders the build changed are read again (see [`Since`]).
fn walk(dir: &Path, since: Option<&Since<'_>>) -> Option<Walk> {
    if !dir.exists() {
        return Some(Walk::default());
    }
    let reuse = since.map(|since| Reuse::new(dir, since));
    // Folders read and entries looked up side by side (thousands of them after a build).
    let entries = walk_sorted(
        dir.to_path_buf(),
        std::fs::metadata(dir).ok()?,
        reuse.as_ref(),
    )?;
    Some(Walk { entries })
}

/// A folder as a walk found it: every entry under it (links not followed), the folder first, each
/// folder followed by what it holds, in name order.
#[derive(Debug, Default)]
pub struct Walk {
    entries: Vec<(PathBuf, std::fs::Metadata)>,
}

impl Walk {
    /// Each entry's path and kind.
    pub fn kinds(&self) -> impl Iterator<Item = (&Path, std::fs::FileType)> {
        self.entries
            .iter()
            .map(|(path, meta)| (path.as_path(), meta.file_type()))
    }
}

/// What a build changed in a folder it found as the last recorded build left it: the walk of it
/// before the write and the paths (relative to it) the write put or removed. Only the folders on
/// the way to those paths can have other entries after it; the others keep the entries walked
/// before, as long as their own stamp is the same.
#[derive(Debug)]
pub struct Since<'a> {
    /// The folder before the write.
    pub before: &'a Walk,
    /// The paths written or removed.
    pub touched: &'a [String],
}

/// The parts of a walk from before a write that a walk after it takes again (see [`Since`]).
struct Reuse<'a> {
    before: &'a [(PathBuf, std::fs::Metadata)],
    /// Position of each entry in `before`, by path.
    at: std::collections::HashMap<&'a Path, usize>,
    /// The folders the write changed.
    changed: HashSet<PathBuf>,
}

impl<'a> Reuse<'a> {
    fn new(dir: &Path, since: &Since<'a>) -> Self {
        let mut changed: HashSet<PathBuf> = HashSet::from([dir.to_path_buf()]);
        for path in since.touched {
            let path = dir.join(path);
            changed.extend(
                path.ancestors()
                    .skip(1)
                    .take_while(|folder| folder.starts_with(dir))
                    .map(Path::to_path_buf),
            );
        }
        let before = since.before.entries.as_slice();
        Self {
            at: (before.iter().enumerate())
                .map(|(index, (path, _))| (path.as_path(), index))
                .collect(),
            before,
            changed,
        }
    }

    /// The entries under the folder `path` (found now with `meta`) as walked before, when the
    /// write did not change it and its stamp is the one it had.
    fn below(
        &self,
        path: &Path,
        meta: &std::fs::Metadata,
    ) -> Option<&'a [(PathBuf, std::fs::Metadata)]> {
        if self.changed.contains(path) {
            return None;
        }
        let at = *self.at.get(path)?;
        if stamp(&self.before[at].1) != stamp(meta) {
            return None;
        }
        let rest = &self.before[at + 1..];
        let end = rest
            .iter()
            .position(|(entry, _)| !entry.starts_with(path))
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// The state of a folder a build wrote, from a walk of it: every entry under it (links not
/// followed) with its kind and [`stamp`], hashed; anything written, touched, added or removed
/// changes it. Also the newest modification or status-change time in it (see
/// [`BuildCache::remember`]) and whether the file system keeps times finer than a millisecond.
fn state_of(walk: &Walk) -> FolderState {
    let mut state = FolderState {
        digest: 0,
        newest: 0,
        fine: false,
    };
    if walk.entries.is_empty() {
        return state;
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (path, meta) in &walk.entries {
        let path = path.as_os_str().as_encoded_bytes();
        hasher.update(&(path.len() as u64).to_le_bytes());
        hasher.update(path);
        let kind = meta.file_type();
        hasher.update(&[u8::from(kind.is_file()) | u8::from(kind.is_dir()) << 1]);
        hasher.update(&stamp(meta));
        for time in times(meta) {
            state.newest = state.newest.max(time);
            state.fine |= time % 1_000_000 != 0;
        }
    }
    state.digest = hasher.digest128();
    state
}

/// `path` (whose `meta` is given) and, when it is a folder, everything under it, links not
/// followed: each folder's entries in name order, each followed by what it holds (the order of
/// `walkdir` sorted by file name). Folders are read, and entries looked up, side by side; a
/// folder that `reuse` has from before is not read again. `None` when something cannot be read.
fn walk_sorted(
    path: PathBuf,
    meta: std::fs::Metadata,
    reuse: Option<&Reuse<'_>>,
) -> Option<Vec<(PathBuf, std::fs::Metadata)>> {
    let folder = meta.is_dir();
    let kept = reuse
        .filter(|_| folder)
        .and_then(|reuse| reuse.below(&path, &meta));
    let mut found = vec![(path, meta)];
    if let Some(kept) = kept {
        found.extend_from_slice(kept);
    } else if folder {
        let mut children: Vec<PathBuf> = std::fs::read_dir(&found[0].0)
            .ok()?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<_, _>>()
            .ok()?;
        children.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let below: Vec<Vec<(PathBuf, std::fs::Metadata)>> = children
            .into_par_iter()
            .map(|child| {
                let meta = std::fs::symlink_metadata(&child).ok()?;
                walk_sorted(child, meta, reuse)
            })
            .collect::<Option<_>>()?;
        found.extend(below.into_iter().flatten());
    }
    Some(found)
}

/// What [`state_of`] found.
struct FolderState {
    digest: u128,
    /// Newest modification or status-change time, in nanoseconds since 1970.
    newest: u128,
    /// Some time has digits below the millisecond.
    fine: bool,
}

/// A file's modification and (on Unix) status-change time, in nanoseconds since 1970.
fn times(meta: &std::fs::Metadata) -> Vec<u128> {
    let mut times = vec![
        meta.modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos()),
    ];
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let seconds = u128::try_from(meta.ctime()).unwrap_or(0);
        let nanos = u128::try_from(meta.ctime_nsec()).unwrap_or(0);
        times.push(seconds * 1_000_000_000 + nanos);
    }
    times
}

/// What [`BuildCache::replay`] found of the recorded build.
#[derive(Debug)]
pub enum Found {
    /// Its inputs are this build's and its folders are as it left them: what it reported.
    Same(Outcome),
    /// Its folders are as it left them (each walked now, in the order given) but the inputs
    /// changed.
    FoldersAsLeft(Vec<Walk>),
    /// No record to go by, or a folder changed since it was written.
    Nothing,
}

/// What a skipped build reports: what the recorded build reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Its warnings.
    pub diagnostics: Vec<StoredDiagnostic>,
    /// HTML pages.
    pub page_count: usize,
    /// Files of the site.
    pub file_count: usize,
    /// Image variants of the site (encoded or from the image cache).
    pub images: usize,
    /// Bytes of the source images used and of the variants published.
    pub image_bytes: (u64, u64),
    /// Posters of the share kit.
    pub posters: usize,
    /// Drafts left out.
    pub drafts_left_out: usize,
}

/// A [`Diagnostic`] as the record keeps it, every field included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDiagnostic {
    error: bool,
    code: String,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
    source_line: Option<String>,
    width: usize,
    cell: Option<String>,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        Self {
            error: d.severity == Severity::Error,
            code: d.code.to_owned(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
            source_line: d.source_line.clone(),
            width: d.width,
            cell: d.cell.clone(),
        }
    }
}

impl StoredDiagnostic {
    /// The diagnostic again.
    fn diagnostic(&self) -> Diagnostic {
        let code = interned(&self.code);
        let mut d = if self.error {
            Diagnostic::error(code, self.message.clone())
        } else {
            Diagnostic::warning(code, self.message.clone())
        };
        d.file = self.file.clone();
        d.line = self.line;
        d.column = self.column;
        d.hint = self.hint.clone();
        d.source_line = self.source_line.clone();
        d.width = self.width;
        d.cell = self.cell.clone();
        d
    }
}

/// `code` as the `&'static str` diagnostics carry: each code once per process (there are a few
/// dozen).
fn interned(code: &str) -> &'static str {
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = codes.get(code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.insert(leaked);
    leaked
}

#[cfg(test)]
impl Found {
    /// What the recorded build reported, when it is replayed.
    fn same(self) -> Option<Outcome> {
        match self {
            Self::Same(outcome) => Some(outcome),
            _ => None,
        }
    }
}

impl Outcome {
    /// The recorded report.
    pub fn report(&self) -> Report {
        Report {
            diagnostics: self
                .diagnostics
                .iter()
                .map(StoredDiagnostic::diagnostic)
                .collect(),
        }
    }
}

/// The record of the last build.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// [`Inputs`], in hex.
    inputs: String,
    /// The stamps of [`Inputs`], in hex, when they can be trusted alone.
    #[serde(default)]
    stamps: Option<String>,
    /// Each folder the build wrote, with its [`state_of`] in hex, after it was written.
    folders: Vec<(PathBuf, String)>,
    outcome: Outcome,
}

/// The build cache of one site: where its record is.
#[derive(Debug)]
pub struct BuildCache {
    dir: PathBuf,
}

impl BuildCache {
    /// The cache in `dir` (`.parkpress-cache`).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// What the recorded build reported, when each of `folders` is still in the state it left
    /// it in and it was built from the same inputs: every input has the `stamps` recorded (when
    /// the record trusts them), or else it was built from `inputs` (only taken, which reads every
    /// input, when the folders match); else `None` (no record, an unreadable or damaged one, or
    /// anything changed).
    pub fn replay(
        &self,
        stamps: u128,
        inputs: impl FnOnce() -> Option<Inputs>,
        folders: &[&Path],
    ) -> Found {
        let Some(record) = self.load() else {
            return Found::Nothing;
        };
        if record.folders.len() != folders.len() {
            return Found::Nothing;
        }
        let mut walks = Vec::new();
        for ((recorded, state), folder) in record.folders.iter().zip(folders) {
            let folder = crate::output::absolute(folder);
            match walk(&folder, None) {
                Some(walk) if *recorded == folder && *state == hex(state_of(&walk).digest) => {
                    walks.push(walk);
                }
                _ => return Found::Nothing,
            }
        }
        if record.stamps == Some(hex(stamps))
            || inputs().is_some_and(|inputs| record.inputs == hex(inputs.digest))
        {
            return Found::Same(record.outcome);
        }
        Found::FoldersAsLeft(walks)
    }

    /// Records a finished build: made from `inputs`, it wrote `folders` and reported `outcome`.
    /// A record that cannot be written only means the next build runs in full.
    ///
    /// File times come from a clock that advances in ticks of a few milliseconds: a file
    /// rewritten with as many bytes within the tick it was written in would keep its times. So
    /// the record is only put in place once a file written after the state was taken has a
    /// newer time than every file of the folders, and never for folders on a file system with
    /// coarse times.
    ///
    /// A folder given with what the build changed in it ([`Since`]) is walked again only where
    /// the build changed it.
    pub fn remember(
        &self,
        inputs: Inputs,
        folders: &[(&Path, Option<Since<'_>>)],
        outcome: Outcome,
    ) {
        let mut states = Vec::new();
        for (folder, since) in folders {
            let folder = crate::output::absolute(folder);
            match walk(&folder, since.as_ref()).map(|walk| state_of(&walk)) {
                Some(state) if state.fine || state.newest == 0 => states.push((folder, state)),
                _ => return self.forget(),
            }
        }
        let newest = states.iter().map(|(_, s)| s.newest).max().unwrap_or(0);
        let record = Record {
            inputs: hex(inputs.digest),
            stamps: inputs.stamps.map(hex),
            folders: states
                .into_iter()
                .map(|(folder, state)| (folder, hex(state.digest)))
                .collect(),
            outcome,
        };
        let Ok(body) = serde_json::to_string(&record) else {
            return self.forget();
        };
        let text = format!(
            "{FORMAT} {}\n{body}",
            hex(xxhash_rust::xxh3::xxh3_128(body.as_bytes()))
        );
        let part = self.dir.join(format!("{RECORD}.part"));
        if std::fs::create_dir_all(&self.dir).is_err() {
            return self.forget();
        }
        for _ in 0..200 {
            let written = std::fs::write(&part, &text).and_then(|()| std::fs::metadata(&part));
            let Ok(meta) = written else {
                break;
            };
            if times(&meta).iter().all(|t| *t > newest) {
                if std::fs::rename(&part, self.dir.join(RECORD)).is_ok() {
                    return;
                }
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let _ = std::fs::remove_file(&part);
        self.forget();
    }

    /// Removes the record (a build that cannot be recorded must not leave an older one to trust).
    pub fn forget(&self) {
        let _ = std::fs::remove_file(self.dir.join(RECORD));
    }

    /// The record, when it is whole: its format named, its checksum matching.
    fn load(&self) -> Option<Record> {
        let text = std::fs::read_to_string(self.dir.join(RECORD)).ok()?;
        let (head, body) = text.split_once('\n')?;
        let (format, checksum) = head.split_once(' ')?;
        if format != FORMAT || checksum != hex(xxhash_rust::xxh3::xxh3_128(body.as_bytes())) {
            return None;
        }
        serde_json::from_str(body).ok()
    }
}

/// The setting the unit tests of the build cache build with.
#[cfg(test)]
fn test_setting(root: &Path) -> Setting<'_> {
    Setting {
        root,
        output: Path::new("output"),
        base_url: None,
        drafts: false,
        build_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        font_paths: &[],
        kit: true,
    }
}

fn hex(value: u128) -> String {
    format!("{value:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> Outcome {
        let mut warning = Diagnostic::warning("expired-policy", "policy `x` expired")
            .with_hint("remove it or extend `valid_until`");
        warning.file = Some("content/parks/a/park.toml".to_owned());
        warning.line = Some(3);
        warning.column = Some(7);
        warning.source_line = Some("valid_until = 2021-01-01".to_owned());
        warning.width = 10;
        Outcome {
            diagnostics: vec![StoredDiagnostic::from(&warning)],
            page_count: 2,
            file_count: 3,
            images: 0,
            image_bytes: (0, 0),
            posters: 0,
            drafts_left_out: 1,
        }
    }

    #[test]
    fn a_folder_is_walked_in_walkdir_order() {
        let dir = crate::test_support::folder_with(&[
            ("b/z.html", ""),
            ("b/a/index.html", ""),
            ("a.txt", ""),
            ("c/d/e/f.css", ""),
            ("B", ""),
        ]);
        #[cfg(unix)]
        std::os::unix::fs::symlink("b", dir.path().join("link")).expect("link");
        let root = dir.path().to_path_buf();
        let walked = walk_sorted(root.clone(), std::fs::metadata(&root).expect("meta"), None)
            .expect("readable");
        let expected: Vec<(PathBuf, bool)> = walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("entry"))
            .map(|e| (e.path().to_path_buf(), e.file_type().is_dir()))
            .collect();
        let got: Vec<(PathBuf, bool)> = (walked.iter())
            .map(|(path, meta)| (path.clone(), meta.is_dir()))
            .collect();
        assert_eq!(got, expected);
        assert!(got.len() > 10, "{got:?}");
    }

    #[test]
    fn after_a_write_only_the_folders_it_changed_are_walked_again() {
        let dir = crate::test_support::folder_with(&[
            ("a/x.html", "x"),
            ("a/b/y.html", "y"),
            ("c/old.html", "old"),
            ("d/e/kept.html", "kept"),
            ("index.html", "i"),
        ]);
        let root = dir.path();
        let before = walk(root, None).expect("walk");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::create_dir_all(root.join("a/b/new")).expect("mkdir");
        std::fs::write(root.join("a/b/new/index.html"), "new").expect("write");
        std::fs::write(root.join("a/x.html"), "X").expect("rewrite");
        std::fs::remove_file(root.join("c/old.html")).expect("remove");
        std::fs::remove_dir(root.join("c")).expect("remove folder");
        let touched = ["a/b/new/index.html", "a/x.html", "c/old.html"].map(String::from);
        let since = Since {
            before: &before,
            touched: &touched,
        };
        let again = walk(root, Some(&since)).expect("walk again");
        let full = walk(root, None).expect("full walk");
        let paths = |walk: &Walk| -> Vec<PathBuf> {
            walk.entries.iter().map(|(path, _)| path.clone()).collect()
        };
        assert_eq!(paths(&again), paths(&full));
        assert_eq!(state_of(&again).digest, state_of(&full).digest);
        assert_ne!(state_of(&before).digest, state_of(&full).digest);

        // A file rewritten in a folder the write did not change keeps its stamp from before:
        // that folder was not read again (the next build's full walk then finds the change).
        std::fs::write(root.join("d/e/kept.html"), "edited").expect("edit");
        let again = walk(root, Some(&since)).expect("walk again");
        assert_eq!(state_of(&again).digest, state_of(&full).digest);
        assert_ne!(
            state_of(&walk(root, None).expect("walk")).digest,
            state_of(&full).digest
        );
    }

    /// A fingerprint of files whose digest is `digest`, with no stamps to trust.
    fn files(digest: u128) -> Inputs {
        Inputs {
            digest,
            stamps: None,
        }
    }

    #[test]
    fn recorded_stamps_spare_reading_the_inputs_and_other_stamps_do_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        std::fs::create_dir_all(&output).expect("mkdir");
        let cache = BuildCache::new(&dir.path().join(".parkpress-cache"));
        let settled = Inputs {
            digest: 42,
            stamps: Some(9),
        };
        cache.remember(settled, &[(output.as_path(), None)], outcome());
        let unread = || -> Option<Inputs> { panic!("the same stamps need no file read") };
        assert_eq!(cache.replay(9, unread, &[&output]).same(), Some(outcome()));
        assert_eq!(
            cache.replay(8, || Some(files(42)), &[&output]).same(),
            Some(outcome())
        );
        assert_eq!(cache.replay(8, || Some(files(43)), &[&output]).same(), None);
        // Inputs whose stamps cannot be trusted alone are always read.
        cache.remember(files(42), &[(output.as_path(), None)], outcome());
        assert_eq!(cache.replay(9, || Some(files(43)), &[&output]).same(), None);
    }

    #[test]
    fn a_recorded_build_is_replayed_only_while_its_folders_are_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        std::fs::create_dir_all(&output).expect("mkdir");
        std::fs::write(output.join("index.html"), "<p>one</p>").expect("write");
        let cache = BuildCache::new(&dir.path().join(".parkpress-cache"));
        let inputs = files(42);
        assert_eq!(
            cache.replay(0, || Some(inputs), &[&output]).same(),
            None,
            "nothing recorded yet"
        );
        cache.remember(inputs, &[(output.as_path(), None)], outcome());
        let replayed = cache
            .replay(0, || Some(inputs), &[&output])
            .same()
            .expect("replayed");
        assert_eq!(replayed, outcome());
        assert_eq!(
            replayed.report().diagnostics[0].source_line.as_deref(),
            Some("valid_until = 2021-01-01")
        );
        assert_eq!(
            cache.replay(0, || Some(files(43)), &[&output]).same(),
            None,
            "other inputs"
        );

        std::fs::write(output.join("extra.html"), "x").expect("write");
        assert_eq!(
            cache.replay(0, || Some(inputs), &[&output]).same(),
            None,
            "a file added"
        );
        std::fs::remove_file(output.join("extra.html")).expect("remove");
        std::fs::write(output.join("index.html"), "<p>two</p>").expect("write");
        assert_eq!(
            cache.replay(0, || Some(inputs), &[&output]).same(),
            None,
            "a file rewritten"
        );
    }

    #[test]
    fn a_damaged_record_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("output");
        let cache_dir = dir.path().join(".parkpress-cache");
        let cache = BuildCache::new(&cache_dir);
        cache.remember(files(7), &[(output.as_path(), None)], outcome());
        let record = cache_dir.join(RECORD);
        let text = std::fs::read(&record).expect("read");
        assert!(
            cache
                .replay(0, || Some(files(7)), &[&output])
                .same()
                .is_some()
        );
        let mut flipped = text.clone();
        let last = flipped.len() - 10;
        flipped[last] ^= 0x01;
        let damaged: [&[u8]; 5] = [
            &text[..text.len() / 2],
            &flipped,
            b"",
            b"\xff\xfe garbage",
            b"parkpress-build-cache-1 00\n{}",
        ];
        for bytes in damaged {
            std::fs::write(&record, bytes).expect("write");
            assert_eq!(cache.replay(0, || Some(files(7)), &[&output]).same(), None);
        }
    }
}
