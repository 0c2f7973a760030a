//! Rendering kept for the next build, by content hash: Markdown bodies (keyed by their source and
//! every link target and image of the site), pages (keyed by their template set, their whole
//! context and what the template functions read), QR codes by URL.
//!
//! `serve` keeps it in memory between the rebuilds of one process ([`RenderCache::default`]).
//! `build` records it in `.parkpress-cache` for the next build in a new process
//! ([`RenderCache::recording`], [`RenderCache::write_record`]): bodies whole, pages as the hash of
//! their bytes, which a later build takes again from the output folder, where the build that
//! rendered them wrote them, only while the file there still has those bytes. A page's QR code is
//! keyed by its URL and drawn only when the page is rendered. An edit re-renders only what it
//! changes; a template edit changes every page key, so every page renders again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::markdown::Rendered;

/// A rendered page and the hash of the inputs it was rendered from.
type CachedPage = (u128, Arc<Vec<u8>>);

/// Work kept between builds (see the module documentation).
#[derive(Debug, Default)]
pub struct RenderCache {
    markdown: Mutex<HashMap<u128, Rendered>>,
    /// Pages by path, with their bytes (`serve`).
    pages: Mutex<HashMap<String, CachedPage>>,
    qr: Mutex<HashMap<String, Arc<String>>>,
    /// What a recording build read from the last one and what it renders for the next.
    recording: Option<Recording>,
}

/// The part of a [`RenderCache`] that records a build for the next one.
#[derive(Debug)]
struct Recording {
    /// The output folder, where the pages of the last build are.
    output: PathBuf,
    /// Pages of the last build: path → (key of its inputs, xxh3 of its bytes).
    earlier: HashMap<String, (u128, u128)>,
    /// Pages of this build, the same way.
    pages: Mutex<HashMap<String, (u128, u128)>>,
    /// Bodies this build used, for the record: no other is kept.
    used_markdown: Mutex<HashSet<u128>>,
}

/// What a build records of its rendering for the next (see the module documentation), as
/// [`RenderCache::write_record`] writes it (postcard) and [`RenderCache::recording`] reads it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record<B> {
    /// Bodies without problems, by key.
    markdown: Vec<(u128, B)>,
    /// Pages: path, key of its inputs, xxh3 of its bytes.
    pages: Vec<(String, u128, u128)>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RenderCache {
    /// A cache for a build into `output` that starts from the `record` of the last build there
    /// (as [`Self::write_record`] wrote it; nothing when it does not read) and records this one.
    pub fn recording(output: &Path, record: &[u8]) -> Self {
        let record: Record<Rendered> = postcard::from_bytes(record).unwrap_or_default();
        Self {
            markdown: Mutex::new(record.markdown.into_iter().collect()),
            pages: Mutex::default(),
            qr: Mutex::default(),
            recording: Some(Recording {
                output: output.to_path_buf(),
                earlier: (record.pages.into_iter())
                    .map(|(path, key, digest)| (path, (key, digest)))
                    .collect(),
                pages: Mutex::default(),
                used_markdown: Mutex::default(),
            }),
        }
    }

    /// Writes what this build rendered and used, for the next build, into `out` (postcard, as
    /// [`Self::recording`] reads it). `None` unless [`Self::recording`], or when `out` fails.
    pub fn write_record(&self, out: impl std::io::Write) -> Option<()> {
        let recording = self.recording.as_ref()?;
        let used = lock(&recording.used_markdown);
        let bodies = lock(&self.markdown);
        let mut markdown: Vec<(u128, &Rendered)> = bodies
            .iter()
            .filter(|(key, body)| used.contains(key) && body.problems.is_empty())
            .map(|(key, body)| (*key, body))
            .collect();
        markdown.sort_by_key(|(key, _)| *key);
        let mut pages: Vec<(String, u128, u128)> = lock(&recording.pages)
            .iter()
            .map(|(path, (key, digest))| (path.clone(), *key, *digest))
            .collect();
        pages.sort();
        postcard::to_io(&Record { markdown, pages }, out).ok()?;
        Some(())
    }

    /// [`Self::write_record`] into memory.
    #[cfg(test)]
    pub fn record(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.write_record(&mut bytes)?;
        Some(bytes)
    }

    /// The body rendered earlier from the inputs of `key`, else `render`'s, kept.
    pub(super) fn body(&self, key: u128, render: impl FnOnce() -> Rendered) -> Rendered {
        if let Some(recording) = &self.recording {
            lock(&recording.used_markdown).insert(key);
        }
        if let Some(rendered) = lock(&self.markdown).get(&key) {
            return rendered.clone();
        }
        let rendered = render();
        lock(&self.markdown).insert(key, rendered.clone());
        rendered
    }

    /// The QR code (SVG) of `url`, made once per process (`serve`; a recording build draws each
    /// only for the page it renders).
    pub fn qr_svg(&self, url: &str) -> Option<Arc<String>> {
        if let Some(svg) = lock(&self.qr).get(url) {
            return Some(Arc::clone(svg));
        }
        let svg = Arc::new(crate::share::qr::Matrix::for_screen(url).ok()?.svg(url));
        if self.recording.is_none() {
            lock(&self.qr).insert(url.to_owned(), Arc::clone(&svg));
        }
        Some(svg)
    }

    /// The page rendered earlier at `path` from the same inputs: kept in memory (`serve`), or
    /// written by the last build to the output folder and still there as it wrote it (and then
    /// recorded again for the next build).
    pub fn page(&self, path: &str, key: u128) -> Option<Vec<u8>> {
        let Some(recording) = &self.recording else {
            return lock(&self.pages)
                .get(path)
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| bytes.as_ref().clone());
        };
        let (earlier_key, digest) = *recording.earlier.get(path)?;
        if earlier_key != key {
            return None;
        }
        let bytes = crate::safe_fs::read_regular(&recording.output.join(path)).ok()?;
        if xxhash_rust::xxh3::xxh3_128(&bytes) != digest {
            return None;
        }
        lock(&recording.pages).insert(path.to_owned(), (key, digest));
        Some(bytes)
    }

    /// Remembers a page rendered from the inputs of `key`.
    pub fn store_page(&self, path: &str, key: u128, html: &str) {
        match &self.recording {
            Some(recording) => {
                let digest = xxhash_rust::xxh3::xxh3_128(html.as_bytes());
                lock(&recording.pages).insert(path.to_owned(), (key, digest));
            }
            None => {
                let bytes = Arc::new(html.as_bytes().to_vec());
                lock(&self.pages).insert(path.to_owned(), (key, bytes));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::MarkdownProblem;
    use crate::test_support::folder_with;

    fn body(html: &str) -> Rendered {
        Rendered {
            html: html.to_owned(),
            ..Rendered::default()
        }
    }

    /// The record of `cache`, read back.
    fn record_of(cache: &RenderCache) -> Record<Rendered> {
        postcard::from_bytes(&cache.record().expect("recording")).expect("readable")
    }

    #[test]
    fn a_recorded_page_is_taken_from_the_output_while_it_has_the_recorded_bytes() {
        let output = folder_with(&[("en/a/index.html", "<p>a</p>"), ("b.html", "<p>b</p>")]);
        let first = RenderCache::recording(output.path(), &[]);
        assert_eq!(
            first.page("en/a/index.html", 7),
            None,
            "nothing recorded yet"
        );
        first.store_page("en/a/index.html", 7, "<p>a</p>");
        first.store_page("b.html", 8, "<p>b</p>");

        let next = RenderCache::recording(output.path(), &first.record().expect("recording"));
        let page = next.page("en/a/index.html", 7).expect("the same inputs");
        assert_eq!(page, b"<p>a</p>");
        assert_eq!(next.page("en/a/index.html", 9), None, "other inputs");
        std::fs::write(output.path().join("b.html"), "<p>B</p>").expect("edit");
        assert_eq!(next.page("b.html", 8), None, "the file changed since");
        std::fs::remove_file(output.path().join("b.html")).expect("remove");
        assert_eq!(next.page("b.html", 8), None, "the file is gone");
        // Only what this build took again or stored is recorded for the one after it.
        assert_eq!(
            record_of(&next).pages,
            [(
                "en/a/index.html".to_owned(),
                7,
                xxhash_rust::xxh3::xxh3_128(b"<p>a</p>")
            )]
        );
    }

    #[test]
    fn only_bodies_used_and_without_problems_are_recorded() {
        let output = tempfile::tempdir().expect("temp dir");
        let earlier = Record {
            markdown: vec![(1, body("old")), (2, body("unused"))],
            pages: Vec::new(),
        };
        let bytes = postcard::to_allocvec(&earlier).expect("serialize");
        let cache = RenderCache::recording(output.path(), &bytes);
        let taken = cache.body(1, || panic!("rendered although recorded"));
        assert_eq!(taken.html, "old");
        assert_eq!(cache.body(3, || body("new")).html, "new");
        cache.body(4, || Rendered {
            problems: vec![MarkdownProblem {
                code: "broken-link",
                line: 1,
                column: 1,
                message: "broken".into(),
                hint: "fix it".into(),
            }],
            ..body("with a problem")
        });
        let keys: Vec<u128> = record_of(&cache).markdown.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [1, 3]);
        let garbage = RenderCache::recording(output.path(), b"\xff\x00 not a record");
        assert!(
            record_of(&garbage).markdown.is_empty(),
            "an unreadable record is none"
        );
    }

    #[test]
    fn serve_keeps_pages_in_memory() {
        let cache = RenderCache::default();
        cache.store_page("a.html", 1, "<p>a</p>");
        assert_eq!(
            cache.page("a.html", 1).expect("kept").as_slice(),
            b"<p>a</p>"
        );
        assert_eq!(cache.page("a.html", 2), None);
        assert_eq!(cache.record(), None, "serve records nothing");
    }
}
