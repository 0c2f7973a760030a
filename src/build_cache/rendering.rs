//! The rendering a build keeps for the next one (`.parkpress-cache/render.bin`): Markdown bodies
//! and the keys and hashes of its pages (as [`crate::render::RenderCache`] writes them while it
//! renders), for a build with the same binary, options, environment and build date. Everything in
//! it is keyed by the hash of what it was made from, so an edited tenant renders only what the
//! edit changes; a record that is damaged, of another format or of another setting is ignored, and
//! the build renders all.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::{BuildCache, Setting};

/// The record's file in the cache folder.
const RENDERING: &str = "render.bin";
/// How the file starts: a file of another layout is ignored.
const FORMAT: &[u8] = b"parkpress-render-cache-3\n";
/// Bytes gathered before a write to the record file: bodies come from every rendering thread, a
/// few kilobytes each.
const BUFFER: usize = 1 << 20;

impl BuildCache {
    /// What the last build of `setting` rendered; empty when there is no such record or it is
    /// damaged.
    pub fn rendering(&self, setting: &Setting<'_>) -> Vec<u8> {
        super::survey::fixed_digest(setting)
            .and_then(|fixed| read(&self.dir.join(RENDERING), fixed))
            .unwrap_or_default()
    }

    /// Starts the record of a build of `setting` beside its place in the cache. The build writes
    /// its body into [`StagedRendering::body`] as it renders, so no body is held for it, and
    /// [`StagedRendering::keep`] seals it with a checksum and puts it in place once the build has
    /// succeeded. A record that cannot be written only means the next build renders everything.
    pub fn stage_rendering(&self, setting: &Setting<'_>) -> Option<StagedRendering> {
        let fixed = super::survey::fixed_digest(setting)?;
        let made_dir = !self.dir.exists();
        std::fs::create_dir_all(&self.dir).ok()?;
        let part = self.dir.join(format!("{RENDERING}.part"));
        let mut file = BufWriter::with_capacity(BUFFER, std::fs::File::create(&part).ok()?);
        let staged = StagedRendering {
            part,
            place: self.dir.join(RENDERING),
            made_dir: made_dir.then(|| self.dir.clone()),
            body: Arc::default(),
        };
        file.write_all(FORMAT).ok()?;
        file.write_all(&fixed.to_le_bytes()).ok()?;
        lock(&staged.body).file = Some(file);
        Some(staged)
    }
}

fn lock(body: &Mutex<RecordBody>) -> std::sync::MutexGuard<'_, RecordBody> {
    body.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The body of a record being written: what goes through it is hashed for the checksum, and a
/// write that failed spoils the record.
#[derive(Default)]
struct RecordBody {
    /// The file, until the record is sealed.
    file: Option<BufWriter<std::fs::File>>,
    hasher: xxhash_rust::xxh3::Xxh3Default,
    failed: bool,
}

impl Write for RecordBody {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let Some(file) = self.file.as_mut() else {
            return Err(std::io::Error::other("the record is sealed"));
        };
        match file.write(bytes) {
            Ok(written) => {
                self.hasher.update(&bytes[..written]);
                Ok(written)
            }
            Err(error) => {
                self.failed = true;
                Err(error)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// A render record being written next to its place (see [`BuildCache::stage_rendering`]);
/// removed when dropped without [`Self::keep`], with the cache folder when staging made it.
pub struct StagedRendering {
    part: PathBuf,
    place: PathBuf,
    /// The cache folder, when staging made it: a failed first build leaves no cache behind.
    made_dir: Option<PathBuf>,
    body: Arc<Mutex<RecordBody>>,
}

impl StagedRendering {
    /// Where the body of the record goes, from any thread. A failed write is remembered: the
    /// record is then not kept.
    pub fn body(&self) -> Arc<Mutex<dyn Write + Send>> {
        self.body.clone()
    }

    /// Seals the record with the checksum of its body and puts it in its place, for the next
    /// build; a record any write of which failed is removed instead.
    pub fn keep(self) {
        let sealed = {
            let mut body = lock(&self.body);
            let checksum = body.hasher.digest128();
            match body.file.take() {
                Some(mut file) if !body.failed => file
                    .write_all(&checksum.to_le_bytes())
                    .ok()
                    .and_then(|()| file.into_inner().ok())
                    .is_some(),
                _ => false,
            }
        };
        // Renamed away, the part is gone; otherwise the drop removes it.
        if sealed {
            let _ = std::fs::rename(&self.part, &self.place);
        }
    }
}

impl Drop for StagedRendering {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.part);
        // Removed only while empty: a kept record is in it.
        if let Some(dir) = &self.made_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// The record in `path`, when it is whole and of the setting `fixed`.
fn read(path: &Path, fixed: u128) -> Option<Vec<u8>> {
    let mut bytes = crate::safe_fs::read_regular(path).ok()?;
    let rest = bytes.strip_prefix(FORMAT)?;
    let (setting, rest) = rest.split_at_checked(16)?;
    let (body, checksum) = rest.split_at_checked(rest.len().checked_sub(16)?)?;
    if setting != fixed.to_le_bytes() || checksum != xxhash_rust::xxh3::xxh3_128(body).to_le_bytes()
    {
        return None;
    }
    bytes.truncate(bytes.len() - 16);
    bytes.drain(..FORMAT.len() + 16);
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_cache::test_setting as setting;
    use crate::render::RenderCache;

    /// Stages the record of a build that rendered one page, `index.html` with key 5.
    fn stage_one_page(cache: &BuildCache, root: &Path, output: &Path) -> StagedRendering {
        let staged = cache.stage_rendering(&setting(root)).expect("staged");
        let render = RenderCache::recording(output, &[], Some(staged.body()));
        render.store_page("index.html", 5, b"<p>home</p>");
        render.finish_record().expect("recorded");
        staged
    }

    /// A site whose output holds `index.html`, its output folder and its build cache.
    fn site_with_a_home_page() -> (tempfile::TempDir, PathBuf, BuildCache) {
        let dir = crate::test_support::folder_with(&[("output/index.html", "<p>home</p>")]);
        let cache = BuildCache::new(&dir.path().join(".parkpress-cache"));
        let output = dir.path().join("output");
        (dir, output, cache)
    }

    /// Whether a cache made from `record` takes `index.html` again.
    fn takes_the_page(output: &Path, record: Vec<u8>) -> bool {
        RenderCache::recording(output, &record, None)
            .page("index.html", 5)
            .is_some()
    }

    #[test]
    fn the_rendering_is_kept_for_the_same_setting_only() {
        let (dir, output, cache) = site_with_a_home_page();
        let root = dir.path();
        assert!(!takes_the_page(&output, cache.rendering(&setting(root))));
        stage_one_page(&cache, root, &output).keep();
        assert!(takes_the_page(&output, cache.rendering(&setting(root))));
        let drafts = Setting {
            drafts: true,
            ..setting(root)
        };
        assert!(
            !takes_the_page(&output, cache.rendering(&drafts)),
            "another setting"
        );
    }

    #[test]
    fn a_damaged_rendering_is_ignored() {
        let (dir, output, cache) = site_with_a_home_page();
        let root = dir.path();
        stage_one_page(&cache, root, &output).keep();
        let file = root.join(".parkpress-cache").join(RENDERING);
        let whole = std::fs::read(&file).expect("written");
        for cut in [0, FORMAT.len(), FORMAT.len() + 20, whole.len() - 1] {
            std::fs::write(&file, &whole[..cut]).expect("truncate");
            assert!(
                !takes_the_page(&output, cache.rendering(&setting(root))),
                "{cut}"
            );
        }
        // A flipped byte of the body, then of the checksum after it.
        for at in [FORMAT.len() + 16, whole.len() - 1] {
            let mut flipped = whole.clone();
            flipped[at] ^= 1;
            std::fs::write(&file, &flipped).expect("flip");
            assert!(
                !takes_the_page(&output, cache.rendering(&setting(root))),
                "{at}"
            );
        }
        std::fs::write(&file, &whole).expect("restore");
        assert!(takes_the_page(&output, cache.rendering(&setting(root))));
    }

    #[test]
    fn a_record_staged_by_a_build_that_failed_leaves_the_last_one() {
        let (dir, output, cache) = site_with_a_home_page();
        let root = dir.path();
        stage_one_page(&cache, root, &output).keep();
        let kept = std::fs::read(root.join(".parkpress-cache").join(RENDERING)).expect("kept");
        // Staged, then dropped without `keep` (the write of the site failed).
        let staged = cache.stage_rendering(&setting(root)).expect("staged");
        lock(&staged.body).write_all(b"other").expect("written");
        assert!(root.join(".parkpress-cache/render.bin.part").exists());
        drop(staged);
        assert!(!root.join(".parkpress-cache/render.bin.part").exists());
        let now = std::fs::read(root.join(".parkpress-cache").join(RENDERING)).expect("there");
        assert_eq!(now, kept);
        assert!(takes_the_page(&output, cache.rendering(&setting(root))));
        // Staged whole, but a write of it failed (a full disk): removed, not kept.
        let staged = stage_one_page(&cache, root, &output);
        lock(&staged.body).failed = true;
        staged.keep();
        assert!(!root.join(".parkpress-cache/render.bin.part").exists());
        let now = std::fs::read(root.join(".parkpress-cache").join(RENDERING)).expect("there");
        assert_eq!(now, kept);
    }
}
