//! The rendering a build keeps for the next one (`.parkpress-cache/render.bin`): Markdown bodies
//! and the keys and hashes of its pages (as [`crate::render::RenderCache::record`] serializes them), for a build
//! with the same binary, options, environment and build date. Everything in it is keyed by the hash of what
//! it was made from, so an edited tenant renders only what the edit changes; a record that is
//! damaged, of another format or of another setting is ignored, and the build renders all.

use std::path::Path;

use super::{BuildCache, Setting};

/// The record's file in the cache folder.
const RENDERING: &str = "render.bin";
/// How the file starts: a file of another layout is ignored.
const FORMAT: &[u8] = b"parkpress-render-cache-1\n";

impl BuildCache {
    /// What the last build of `setting` rendered; empty when there is no such record or it is
    /// damaged.
    pub fn rendering(&self, setting: &Setting<'_>) -> Vec<u8> {
        super::survey::fixed_digest(setting)
            .and_then(|fixed| read(&self.dir.join(RENDERING), fixed))
            .unwrap_or_default()
    }

    /// Keeps what a build of `setting` rendered for the next one. A record that cannot be
    /// written only means the next build renders everything.
    pub fn remember_rendering(&self, setting: &Setting<'_>, body: &[u8]) {
        let Some(fixed) = super::survey::fixed_digest(setting) else {
            return;
        };
        let mut head = Vec::with_capacity(FORMAT.len() + 32);
        head.extend(FORMAT);
        head.extend(fixed.to_le_bytes());
        head.extend(xxhash_rust::xxh3::xxh3_128(body).to_le_bytes());
        let part = self.dir.join(format!("{RENDERING}.part"));
        // The head and the body (megabytes) written one after the other, not copied into one.
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::File::create(&part))
            .and_then(|mut file| {
                use std::io::Write;
                file.write_all(&head)?;
                file.write_all(body)
            })
            .and_then(|()| std::fs::rename(&part, self.dir.join(RENDERING)));
        if written.is_err() {
            let _ = std::fs::remove_file(&part);
        }
    }
}

/// The record in `path`, when it is whole and of the setting `fixed`.
fn read(path: &Path, fixed: u128) -> Option<Vec<u8>> {
    let mut bytes = crate::safe_fs::read_regular(path).ok()?;
    let rest = bytes.strip_prefix(FORMAT)?;
    let (setting, rest) = rest.split_at_checked(16)?;
    let (checksum, body) = rest.split_at_checked(16)?;
    if setting != fixed.to_le_bytes() || checksum != xxhash_rust::xxh3::xxh3_128(body).to_le_bytes()
    {
        return None;
    }
    bytes.drain(..FORMAT.len() + 32);
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
        cache.remember_rendering(&setting(root), &one_page(&output));
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
        cache.remember_rendering(&setting(root), &one_page(&output));
        let file = root.join(".parkpress-cache").join(RENDERING);
        let whole = std::fs::read(&file).expect("written");
        for cut in [0, FORMAT.len(), FORMAT.len() + 20, whole.len() - 1] {
            std::fs::write(&file, &whole[..cut]).expect("truncate");
            assert!(
                !takes_the_page(&output, cache.rendering(&setting(root))),
                "{cut}"
            );
        }
        let mut flipped = whole.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&file, &flipped).expect("flip");
        assert!(!takes_the_page(&output, cache.rendering(&setting(root))));
    }
}
