//! The fingerprint of a build's inputs, taken with as few reads as the record allows.
//!
//! A [`Survey`] is taken before the build: every entry under `content/` and `themes/` with its
//! [`stamp`], and the clock of the file system at that moment (the times of a probe file written
//! just before in the site root, and removed at once). No file is read then, except those changed so recently that a later write could
//! leave their stamp as it is ("racy" files, as Git calls them: a file's times advance in ticks of
//! the clock, so a file rewritten with as many bytes within the tick of its last write keeps them).
//!
//! Only two things need the bytes:
//! - [`Survey::inputs`], when a recorded build could be replayed (its folders are as it left them)
//!   but its inputs' stamps are not the ones recorded, or the record does not trust them: every
//!   file is read and hashed to compare with the record. A record trusts the stamps
//!   ([`Survey::stamps`]) of a build whose inputs were all older than its survey's clock: any
//!   change to one of them since gives it a newer stamp, so the same stamps are the same inputs
//!   (as Git trusts its index for files not changed within the tick of its last update);
//! - [`Survey::finish`], after the build, for the record: the entries are surveyed again, and when
//!   every stamp is the one taken before (and every racy file has the bytes it had before), no file
//!   changed while the build read it, so the bytes read now (or before, when they were) are those
//!   the build read. A file written after the probe has newer times than the probe's, so a stamp
//!   that is older than the probe and the same afterwards is proof enough.
//!
//! So a cold build reads each input twice (the build, then the fingerprint for the record), and a
//! build that replays or runs over its own output reads it twice too (the fingerprint, then the
//! build), instead of three times.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use super::{FORMAT, Inputs, Setting, stamp, times};

/// The folders of the site root whose files the fingerprint covers.
const FOLDERS: [&str; 2] = ["content", "themes"];
/// The probe file in the site root whose times are the file system's clock (and the process's
/// id after it, so two builds never share one).
const CLOCK: &str = ".parkpress-clock.";

/// What a build reads, surveyed before it starts (see the module documentation).
#[derive(Debug)]
pub struct Survey {
    /// The digest of what no survey of files covers: format, version, executable, options and
    /// environment.
    fixed: u128,
    /// [`FOLDERS`], in order; `None` for one that does not exist.
    trees: Vec<Option<Vec<Entry>>>,
    /// The file system's time when the survey began, in nanoseconds since 1970.
    clock: u128,
}

/// One entry of a surveyed folder.
#[derive(Debug, PartialEq)]
struct Entry {
    /// Path under the folder.
    relative: PathBuf,
    /// A file (else a folder).
    file: bool,
    /// Its [`stamp`].
    stamp: Vec<u8>,
    /// Its newest modification or status-change time.
    newest: u128,
    /// The digest of its bytes, once read.
    digest: Option<u128>,
}

impl Entry {
    /// Changed so recently that its stamp may survive a write (see the module documentation).
    fn racy(&self, clock: u128) -> bool {
        self.newest >= clock
    }
}

impl Survey {
    /// Surveys the inputs of a build with `setting`; `None` when one of them cannot be read, or
    /// the site root cannot be written for the clock's probe (the build is then neither skipped
    /// nor recorded).
    pub fn take(setting: &Setting<'_>) -> Option<Self> {
        let clock = file_system_clock(setting.root)?;
        let mut survey = Self {
            fixed: fixed_digest(setting)?,
            trees: FOLDERS
                .iter()
                .map(|folder| tree(&setting.root.join(folder)))
                .collect::<Option<_>>()?,
            clock,
        };
        survey
            .read(setting.root, |entry| entry.racy(clock))
            .then_some(survey)
    }

    /// The fingerprint, reading every file not read yet.
    pub fn inputs(&mut self, root: &Path) -> Option<Inputs> {
        self.read(root, |_| true).then(|| self.digest())
    }

    /// The fingerprint of what the build just read, when nothing changed while it ran: the
    /// entries, surveyed again, have the stamps they had (and racy files the bytes they had); else
    /// `None`, and the build is not recorded.
    ///
    /// A file whose digest the build noted in `reads` is not read again: its entry takes the
    /// digest of the bytes the build read.
    pub fn finish(
        mut self,
        setting: &Setting<'_>,
        reads: Option<&crate::safe_fs::ReadLog>,
    ) -> Option<Inputs> {
        if fixed_digest(setting)? != self.fixed {
            return None;
        }
        let mut racy = Vec::new();
        for (index, folder) in FOLDERS.iter().enumerate() {
            let now = tree(&setting.root.join(folder))?;
            let same = match (&self.trees[index], &now) {
                (None, None) => true,
                (Some(before), Some(now)) => {
                    now.len() == before.len()
                        && now.iter().zip(before).all(|(a, b)| {
                            a.relative == b.relative && a.file == b.file && a.stamp == b.stamp
                        })
                }
                _ => false,
            };
            if !same {
                return None;
            }
            for (position, entry) in self.trees[index].iter_mut().flatten().enumerate() {
                if entry.racy(self.clock) {
                    racy.push((index, position, entry.digest.take()));
                }
            }
        }
        if let Some(reads) = reads {
            for (folder, tree) in FOLDERS.iter().zip(&mut self.trees) {
                let dir = setting.root.join(folder);
                for entry in tree.iter_mut().flatten().filter(|entry| entry.file) {
                    if entry.digest.is_none() {
                        entry.digest = reads.digest(&dir.join(&entry.relative));
                    }
                }
            }
        }
        if !self.read(setting.root, |_| true) {
            return None;
        }
        let unchanged = racy.into_iter().all(|(index, position, before)| {
            let now = self.trees[index].as_ref().map(|tree| tree[position].digest);
            now == Some(before)
        });
        if !unchanged {
            return None;
        }
        Some(self.digest())
    }

    /// Reads and hashes the files `wanted` picks that have no digest yet; false when one cannot
    /// be read.
    fn read(&mut self, root: &Path, wanted: impl Fn(&Entry) -> bool + Sync) -> bool {
        FOLDERS.iter().zip(&mut self.trees).all(|(folder, tree)| {
            let dir = root.join(folder);
            tree.iter_mut().flatten().par_bridge().all(|entry| {
                if !entry.file || entry.digest.is_some() || !wanted(entry) {
                    return true;
                }
                match crate::safe_fs::read_regular(&dir.join(&entry.relative)) {
                    Ok(bytes) => {
                        entry.digest = Some(xxhash_rust::xxh3::xxh3_128(&bytes));
                        true
                    }
                    Err(_) => false,
                }
            })
        })
    }

    /// The digest of the fixed part and of every surveyed entry's path, kind and stamp: what the
    /// record's stamps are compared with before any file is read.
    pub fn stamps(&self) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&self.fixed.to_le_bytes());
        for (folder, tree) in FOLDERS.iter().zip(&self.trees) {
            add(&mut hasher, folder.as_bytes());
            for entry in tree.iter().flatten() {
                add(&mut hasher, entry.relative.as_os_str().as_encoded_bytes());
                hasher.update(if entry.file { b"f" } else { b"d" });
                add(&mut hasher, &entry.stamp);
            }
        }
        hasher.digest128()
    }

    /// The fingerprint of the surveyed entries with every file's digest (read before), and
    /// their [`Survey::stamps`] when no entry is racy.
    fn digest(&self) -> Inputs {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&self.fixed.to_le_bytes());
        for (folder, tree) in FOLDERS.iter().zip(&self.trees) {
            add(&mut hasher, folder.as_bytes());
            let digest = tree.as_ref().map_or(0, |entries| tree_digest(entries));
            add(&mut hasher, &digest.to_le_bytes());
        }
        let settled = self
            .trees
            .iter()
            .flatten()
            .flatten()
            .all(|entry| !entry.racy(self.clock));
        Inputs {
            digest: hasher.digest128(),
            stamps: settled.then(|| self.stamps()),
        }
    }
}

/// Adds `part` to `hasher` with its length, so no two sequences of parts hash alike.
fn add(hasher: &mut xxhash_rust::xxh3::Xxh3, part: &[u8]) {
    hasher.update(&(part.len() as u64).to_le_bytes());
    hasher.update(part);
}

/// The digest of a folder's entries: each one's path, kind and, for files, the digest of the
/// bytes.
fn tree_digest(entries: &[Entry]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for entry in entries {
        add(&mut hasher, entry.relative.as_os_str().as_encoded_bytes());
        match entry.digest {
            Some(digest) if entry.file => {
                hasher.update(b"f");
                hasher.update(&digest.to_le_bytes());
            }
            _ => hasher.update(b"d"),
        }
    }
    hasher.digest128()
}

/// The digest of the format, the binary's version and executable, the options and every
/// environment variable but `_` (`SOURCE_DATE_EPOCH`, `PARKPRESS_*`, whatever a template reads
/// with Tera's `get_env`).
pub(super) fn fixed_digest(setting: &Setting<'_>) -> Option<u128> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    add(&mut hasher, FORMAT.as_bytes());
    add(&mut hasher, env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().ok()?;
    add(&mut hasher, &stamp(&std::fs::metadata(exe).ok()?));
    let options = format!(
        "{:?}\0{:?}\0{:?}\0{}\0{}\0{:?}\0{}",
        crate::output::absolute(setting.root),
        crate::output::absolute(setting.output),
        setting.base_url,
        setting.drafts,
        setting.build_date,
        setting
            .font_paths
            .iter()
            .map(|p| crate::output::absolute(p))
            .collect::<Vec<_>>(),
        setting.kit,
    );
    add(&mut hasher, options.as_bytes());
    // Except `_`, which shells set to the path of the command being run: the same build run as
    // `parkpress build` and under `time` or another path is the same build.
    let mut vars: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os()
        .filter(|(name, _)| name != "_")
        .collect();
    vars.sort();
    for (name, value) in &vars {
        add(&mut hasher, name.as_encoded_bytes());
        add(&mut hasher, value.as_encoded_bytes());
    }
    Some(hasher.digest128())
}

/// Every entry under `dir`, links followed (so what a link points at counts), sorted by path,
/// with its stamp; `Some(None)` when `dir` does not exist, `None` when it cannot be read.
fn tree(dir: &Path) -> Option<Option<Vec<Entry>>> {
    if !dir.exists() {
        return Some(None);
    }
    let found: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .collect::<Result<_, _>>()
        .ok()?;
    // Looked up side by side: a site has thousands of files.
    let entries = found
        .par_iter()
        .map(|entry| {
            let meta = entry.metadata().ok()?;
            Some(Entry {
                relative: entry.path().strip_prefix(dir).ok()?.to_path_buf(),
                file: meta.is_file(),
                stamp: stamp(&meta),
                newest: times(&meta).into_iter().max().unwrap_or(u128::MAX),
                digest: None,
            })
        })
        .collect::<Option<Vec<Entry>>>()?;
    Some(Some(entries))
}

/// The file system's time now: the oldest time of a probe file written in `root` (and removed at
/// once), the folder that holds `content/` and `themes/`, so on the same file system as they are
/// unless one is a link elsewhere. Every file written from now on has times at least this.
fn file_system_clock(root: &Path) -> Option<u128> {
    let probe = root.join(format!("{CLOCK}{}", std::process::id()));
    // Made new, never over a file of that name: only what this build made is removed.
    let made = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&probe)
        .ok()?;
    let meta = made.metadata();
    drop(made);
    let _ = std::fs::remove_file(&probe);
    times(&meta.ok()?).into_iter().min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_cache::test_setting as setting;
    use crate::test_support::{folder_with, names_in};

    /// The digest of the inputs' bytes, read now (whether their stamps can be trusted alone
    /// depends on when the survey was taken).
    fn inputs(root: &Path) -> u128 {
        let mut survey = Survey::take(&setting(root)).expect("survey");
        survey.inputs(root).expect("inputs").digest
    }

    #[test]
    fn inputs_change_with_any_file_under_content_or_themes() {
        let dir = folder_with(&[("content/site.toml", "title = 1")]);
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/parks")).expect("mkdir");
        let first = inputs(root);
        assert_eq!(inputs(root), first, "the same inputs");
        std::fs::write(root.join("content/site.toml"), "title = 2").expect("write");
        let edited = inputs(root);
        assert_ne!(edited, first);
        std::fs::create_dir_all(root.join("themes/x/templates")).expect("mkdir");
        let themed = inputs(root);
        assert_ne!(themed, edited, "a folder added");
        let next_day = Setting {
            build_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).expect("date"),
            ..setting(root)
        };
        let mut survey = Survey::take(&next_day).expect("survey");
        assert_ne!(
            survey.inputs(root).map(|i| i.digest),
            Some(themed),
            "another build date"
        );
    }

    #[test]
    fn a_finished_survey_is_the_fingerprint_a_fresh_one_reads() {
        let dir = folder_with(&[
            ("content/site.toml", "title = 1"),
            ("content/parks/a/park.toml", "name = 'a'"),
        ]);
        let root = dir.path();
        let survey = Survey::take(&setting(root)).expect("survey");
        let finished = survey.finish(&setting(root), None);
        assert_eq!(finished.map(|i| i.digest), Some(inputs(root)));

        // Finished with the digests of what the build read, it reads nothing again and is the
        // same fingerprint.
        let survey = Survey::take(&setting(root)).expect("survey");
        let reads = crate::safe_fs::ReadLog::default();
        // Not a valid site (no content model needs to be), but every file is read.
        crate::content::load(root, None, Some(&reads));
        let site = root.join("content/site.toml");
        assert_eq!(
            reads.digest(&site),
            Some(xxhash_rust::xxh3::xxh3_128(b"title = 1")),
            "the loader notes what it read"
        );
        assert!(
            reads
                .digest(&root.join("content/parks/a/park.toml"))
                .is_some()
        );
        assert_eq!(
            survey
                .finish(&setting(root), Some(&reads))
                .map(|i| i.digest),
            Some(inputs(root))
        );
    }

    #[test]
    fn stamps_are_trusted_only_once_every_input_is_older_than_the_survey() {
        let dir = folder_with(&[("content/site.toml", "title = 1")]);
        let root = dir.path();
        let survey = Survey::take(&setting(root)).expect("survey");
        let fresh = survey.finish(&setting(root), None).expect("finished");
        assert_eq!(fresh.stamps, None, "a file written within the clock's tick");
        // A later survey, whose clock is past the file's times.
        std::thread::sleep(std::time::Duration::from_millis(30));
        let survey = Survey::take(&setting(root)).expect("survey");
        let stamps = survey.stamps();
        let settled = survey.finish(&setting(root), None).expect("finished");
        assert_eq!(settled.stamps, Some(stamps));
        assert_eq!(settled.digest, fresh.digest);
        // Any write gives the file new stamps, whatever its bytes.
        std::fs::write(root.join("content/site.toml"), "title = 1").expect("write");
        let again = Survey::take(&setting(root)).expect("survey");
        assert_ne!(again.stamps(), stamps);
    }

    #[test]
    fn a_file_changed_while_the_build_ran_leaves_nothing_to_record() {
        let dir = folder_with(&[("content/site.toml", "title = 1")]);
        let root = dir.path();
        let site = root.join("content/site.toml");
        // Changed within this tick of the clock (its time set ahead, so that a busy machine
        // cannot let the tick pass first), so the survey read it; the build read other bytes
        // (the file rewritten with as many while it ran, and back again): the digests it noted
        // tell.
        let ahead = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        (std::fs::File::options().write(true).open(&site))
            .and_then(|file| file.set_modified(ahead))
            .expect("set the file's time");
        let survey = Survey::take(&setting(root)).expect("survey");
        let reads = crate::safe_fs::ReadLog::default();
        reads.record(&site, b"title = 0");
        let finished = survey.finish(&setting(root), Some(&reads));
        assert_eq!(finished, None, "read in another version");

        // The same number of bytes, within the same tick of the clock as the survey: only the
        // bytes read before tell.
        let survey = Survey::take(&setting(root)).expect("survey");
        std::fs::write(&site, "title = 2").expect("write");
        assert_eq!(
            survey.finish(&setting(root), None),
            None,
            "a file rewritten"
        );

        let survey = Survey::take(&setting(root)).expect("survey");
        std::fs::write(root.join("content/new.md"), "x").expect("write");
        assert_eq!(survey.finish(&setting(root), None), None, "a file added");

        let survey = Survey::take(&setting(root)).expect("survey");
        std::fs::create_dir_all(root.join("themes")).expect("mkdir");
        assert_eq!(survey.finish(&setting(root), None), None, "a folder made");
    }

    #[test]
    fn only_files_changed_within_the_clock_tick_are_read_before_the_build() {
        let dir = folder_with(&[("content/old.md", "old")]);
        let root = dir.path();
        // File times advance in ticks of a few milliseconds: a file written a tenth of a second
        // before the survey is older than its probe.
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::write(root.join("content/new.md"), "new").expect("write");
        let survey = Survey::take(&setting(root)).expect("survey");
        let read: Vec<(&Path, bool)> = survey.trees[0]
            .iter()
            .flatten()
            .map(|e| (e.relative.as_path(), e.digest.is_some()))
            .collect();
        assert!(read.contains(&(Path::new("old.md"), false)), "{read:?}");
        assert_eq!(
            survey.finish(&setting(root), None).map(|i| i.digest),
            Some(inputs(root)),
            "read after the build instead"
        );
        assert_eq!(names_in(root), ["content"], "the probe is removed");
    }

    #[test]
    fn a_file_named_like_the_probe_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let theirs = root.join(format!("{CLOCK}{}", std::process::id()));
        std::fs::write(&theirs, "keep").expect("write");
        assert!(
            Survey::take(&setting(root)).is_none(),
            "no clock, no record"
        );
        assert_eq!(std::fs::read_to_string(&theirs).expect("read"), "keep");
    }
}
