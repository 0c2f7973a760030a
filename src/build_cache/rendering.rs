//! The rendering a build keeps for the next one (`.parkpress-cache/render.bin`): Markdown bodies
//! and the keys and hashes of its pages (as [`crate::render::RenderCache::write_record`] writes them), for a build
//! with the same binary, options, environment and build date. Everything in it is keyed by the hash of what
//! it was made from, so an edited tenant renders only what the edit changes; a record that is
//! damaged, of another format or of another setting is ignored, and the build renders all.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{BuildCache, Setting};

/// The record's file in the cache folder.
const RENDERING: &str = "render.bin";
/// How the file starts: a file of another layout is ignored.
const FORMAT: &[u8] = b"parkpress-render-cache-2\n";

impl BuildCache {
    /// What the last build of `setting` rendered; empty when there is no such record or it is
    /// damaged.
    pub fn rendering(&self, setting: &Setting<'_>) -> Vec<u8> {
        super::survey::fixed_digest(setting)
            .and_then(|fixed| read(&self.dir.join(RENDERING), fixed))
            .unwrap_or_default()
    }

    /// Writes what a build of `setting` rendered (`write_body` writes it) beside its place in the
    /// cache, for [`StagedRendering::keep`] to put there once the build has succeeded (a build
    /// writes it while it writes the site). The body is written as it is serialized, never held
    /// whole in memory, and its checksum follows it. A record that cannot be written only means
    /// the next build renders everything.
    pub fn stage_rendering(
        &self,
        setting: &Setting<'_>,
        write_body: impl FnOnce(&mut dyn Write) -> Option<()>,
    ) -> Option<StagedRendering> {
        let fixed = super::survey::fixed_digest(setting)?;
        let staged = StagedRendering {
            part: self.dir.join(format!("{RENDERING}.part")),
            place: self.dir.join(RENDERING),
        };
        std::fs::create_dir_all(&self.dir).ok()?;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&staged.part).ok()?);
        file.write_all(FORMAT).ok()?;
        file.write_all(&fixed.to_le_bytes()).ok()?;
        let mut body = Checksummed {
            out: &mut file,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        write_body(&mut body)?;
        let checksum = body.hasher.digest128();
        file.write_all(&checksum.to_le_bytes()).ok()?;
        file.into_inner().ok()?;
        Some(staged)
    }
}

/// A writer that hashes what goes through it.
struct Checksummed<W> {
    out: W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A render record written next to its place (see [`BuildCache::stage_rendering`]); removed
/// when dropped without [`Self::keep`].
#[derive(Debug)]
pub struct StagedRendering {
    part: PathBuf,
    place: PathBuf,
}

impl StagedRendering {
    /// Puts the record in its place, for the next build.
    pub fn keep(self) {
        // Renamed away, the part is gone; on failure the drop removes it.
        let _ = std::fs::rename(&self.part, &self.place);
    }
}

impl Drop for StagedRendering {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.part);
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

    /// A record of one page, `index.html` with key 5.
    fn one_page(output: &Path) -> Vec<u8> {
        let cache = RenderCache::recording(output, &[]);
        cache.store_page("index.html", 5, "<p>home</p>");
        cache.record().expect("recorded")
    }

    /// Whether a cache made from `record` takes `index.html` again.
    fn takes_the_page(output: &Path, record: Vec<u8>) -> bool {
        RenderCache::recording(output, &record)
            .page("index.html", 5)
            .is_some()
    }

    #[test]
    fn the_rendering_is_kept_for_the_same_setting_only() {
        let dir = crate::test_support::folder_with(&[("output/index.html", "<p>home</p>")]);
        let (root, output) = (dir.path(), dir.path().join("output"));
        let cache = BuildCache::new(&root.join(".parkpress-cache"));
        assert!(!takes_the_page(&output, cache.rendering(&setting(root))));
        cache
            .stage_rendering(&setting(root), |out| out.write_all(&one_page(&output)).ok())
            .expect("staged")
            .keep();
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
        let dir = crate::test_support::folder_with(&[("output/index.html", "<p>home</p>")]);
        let (root, output) = (dir.path(), dir.path().join("output"));
        let cache = BuildCache::new(&root.join(".parkpress-cache"));
        cache
            .stage_rendering(&setting(root), |out| out.write_all(&one_page(&output)).ok())
            .expect("staged")
            .keep();
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
        let dir = crate::test_support::folder_with(&[("output/index.html", "<p>home</p>")]);
        let (root, output) = (dir.path(), dir.path().join("output"));
        let cache = BuildCache::new(&root.join(".parkpress-cache"));
        let write = |out: &mut dyn Write| out.write_all(&one_page(&output)).ok();
        cache
            .stage_rendering(&setting(root), write)
            .expect("staged")
            .keep();
        let kept = std::fs::read(root.join(".parkpress-cache").join(RENDERING)).expect("kept");
        // Staged, then dropped without `keep` (the write of the site failed).
        let staged = cache.stage_rendering(&setting(root), |out| out.write_all(b"other").ok());
        assert!(root.join(".parkpress-cache/render.bin.part").exists());
        drop(staged);
        assert!(!root.join(".parkpress-cache/render.bin.part").exists());
        let now = std::fs::read(root.join(".parkpress-cache").join(RENDERING)).expect("there");
        assert_eq!(now, kept);
        assert!(takes_the_page(&output, cache.rendering(&setting(root))));
    }
}
