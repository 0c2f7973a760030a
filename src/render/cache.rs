//! Rendering kept for the next build, by content hash: Markdown bodies (keyed by their source and
//! every link target and image of the site), pages (keyed by their template set, their whole
//! context and what the template functions read), QR codes by URL.
//!
//! `serve` keeps it in memory between the rebuilds of one process ([`RenderCache::default`]).
//! `build` records it in `.parkpress-cache` for the next build in a new process
//! ([`RenderCache::recording`]): each body as it is rendered or taken again, written into the
//! record then and not kept, and pages as the hash of their bytes, which a later build takes again
//! from the output folder, where the build that rendered them wrote them, only while the file
//! there still has those bytes. A page's QR code is keyed by its URL and drawn only when the page
//! is rendered. An edit re-renders only what it changes; a template edit changes every page key,
//! so every page renders again.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::files::Contents;
use crate::markdown::Rendered;

/// A rendered page and the hash of the inputs it was rendered from.
type CachedPage = (u128, Arc<Vec<u8>>);

/// Where a recording build writes its record, from every rendering thread.
pub type RecordSink = Arc<Mutex<dyn Write + Send>>;

/// Work kept between builds (see the module documentation).
#[derive(Debug, Default)]
pub struct RenderCache {
    /// Bodies by key: all this process rendered (`serve`), or those the last build recorded and
    /// this one has not taken yet (a recording build).
    markdown: Mutex<HashMap<u128, Rendered>>,
    /// Pages by path, with their bytes (`serve`).
    pages: Mutex<HashMap<String, CachedPage>>,
    qr: Mutex<HashMap<String, Arc<String>>>,
    /// What a recording build read from the last one and what it renders for the next.
    recording: Option<Recording>,
}

/// The part of a [`RenderCache`] that records a build for the next one.
struct Recording {
    /// The output folder, where the pages of the last build are.
    output: PathBuf,
    /// Pages of the last build: path → (key of its inputs, xxh3 of its bytes).
    earlier: HashMap<String, (u128, u128)>,
    /// Pages of this build, the same way.
    pages: Mutex<HashMap<String, (u128, u128)>>,
    /// Bodies this build used: each is recorded once, when first used.
    used_markdown: Mutex<HashSet<u128>>,
    /// The record of this build (none when it could not be started).
    sink: Option<RecordSink>,
    /// The output folder's files by path, with the digest of their bytes, when it is known to
    /// hold exactly them ([`RenderCache::trusting`]).
    known: Option<HashMap<String, u128>>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("output", &self.output)
            .field("earlier", &self.earlier.len())
            .finish_non_exhaustive()
    }
}

/// One entry of a record, as [`RenderCache`] writes them (postcard, one after the other) and
/// [`RenderCache::recording`] reads them: bodies in the order they were used, then the pages,
/// then [`Entry::End`], so that a cut record is no record.
#[derive(Debug, Serialize, Deserialize)]
enum Entry<B, S> {
    /// A body without problems, by key.
    Body(u128, B),
    /// A page: path, key of its inputs, xxh3 of its bytes.
    Page(S, u128, u128),
    /// The end of the record.
    End,
}

/// What the last build recorded: bodies by key, pages by path.
type Earlier = (HashMap<u128, Rendered>, HashMap<String, (u128, u128)>);

/// Reads a record as [`RenderCache`] writes it; `None` unless it is whole.
fn read_record(mut bytes: &[u8]) -> Option<Earlier> {
    let (mut markdown, mut pages) = Earlier::default();
    loop {
        let (entry, rest) = postcard::take_from_bytes::<Entry<Rendered, String>>(bytes).ok()?;
        bytes = rest;
        match entry {
            Entry::Body(key, body) => {
                markdown.insert(key, body);
            }
            Entry::Page(path, key, digest) => {
                pages.insert(path, (key, digest));
            }
            Entry::End => return bytes.is_empty().then_some((markdown, pages)),
        }
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Recording {
    /// Appends `entry` to the record. A failed write is the sink's to remember.
    fn append<B: Serialize, S: Serialize>(&self, entry: &Entry<B, S>) {
        let Some(sink) = &self.sink else { return };
        if let Ok(bytes) = postcard::to_allocvec(entry) {
            let _ = lock(sink).write_all(&bytes);
        }
    }
}

impl RenderCache {
    /// A cache for a build into `output` that starts from the `record` of the last build there
    /// (nothing when it does not read) and records this one into `sink`, as it renders. The
    /// record is whole once [`Self::finish_record`] has run.
    pub fn recording(output: &Path, record: &[u8], sink: Option<RecordSink>) -> Self {
        let (markdown, earlier) = read_record(record).unwrap_or_default();
        Self {
            markdown: Mutex::new(markdown),
            pages: Mutex::default(),
            qr: Mutex::default(),
            recording: Some(Recording {
                output: output.to_path_buf(),
                earlier,
                pages: Mutex::default(),
                used_markdown: Mutex::default(),
                sink,
                known: None,
            }),
        }
    }

    /// Ends the record with the pages this build rendered or took again. `None` unless
    /// [`Self::recording`].
    pub fn finish_record(&self) -> Option<()> {
        let recording = self.recording.as_ref()?;
        let mut pages: Vec<(String, (u128, u128))> = lock(&recording.pages).drain().collect();
        pages.sort();
        for (path, (key, digest)) in &pages {
            recording.append(&Entry::<(), &str>::Page(path, *key, *digest));
        }
        recording.append(&Entry::<(), ()>::End);
        Some(())
    }

    /// A recording cache as [`Self::recording`] makes it, recording into memory: the record is in
    /// the vector once [`Self::finish_record`] has run.
    #[cfg(test)]
    pub fn recording_in_memory(output: &Path, record: &[u8]) -> (Self, Arc<Mutex<Vec<u8>>>) {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink: RecordSink = bytes.clone();
        (Self::recording(output, record, Some(sink)), bytes)
    }

    /// The body rendered earlier from the inputs of `key`, else `render`'s. `serve` keeps it;
    /// a recording build records it, the first time it is used, and keeps nothing.
    pub(super) fn body(&self, key: u128, render: impl FnOnce() -> Rendered) -> Rendered {
        let Some(recording) = &self.recording else {
            if let Some(rendered) = lock(&self.markdown).get(&key) {
                return rendered.clone();
            }
            let rendered = render();
            lock(&self.markdown).insert(key, rendered.clone());
            return rendered;
        };
        let first_use = lock(&recording.used_markdown).insert(key);
        let earlier = lock(&self.markdown).remove(&key);
        let rendered = earlier.unwrap_or_else(render);
        if first_use && rendered.problems.is_empty() {
            recording.append(&Entry::<_, ()>::Body(key, &rendered));
        }
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
    /// recorded again for the next build). When the output folder is known to hold what its
    /// marker records ([`Self::trusting`]), a page the marker records with the same digest is
    /// taken without reading it.
    pub fn page(&self, path: &str, key: u128) -> Option<Contents> {
        let Some(recording) = &self.recording else {
            return lock(&self.pages)
                .get(path)
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| Contents::Bytes(bytes.as_ref().clone()));
        };
        let (earlier_key, digest) = *recording.earlier.get(path)?;
        if earlier_key != key {
            return None;
        }
        let file = recording.output.join(path);
        let contents = match &recording.known {
            Some(known) if known.get(path) == Some(&digest) => Contents::InOutput(file, digest),
            _ => {
                let bytes = crate::safe_fs::read_regular(&file).ok()?;
                if xxhash_rust::xxh3::xxh3_128(&bytes) != digest {
                    return None;
                }
                Contents::Bytes(bytes)
            }
        };
        lock(&recording.pages).insert(path.to_owned(), (key, digest));
        Some(contents)
    }

    /// The same cache, told that the output folder holds exactly the files `known` lists (path →
    /// xxh3-128 of its bytes), as the output marker records them once the build cache found the
    /// folder as the last recorded build left it.
    #[must_use]
    pub fn trusting(mut self, known: HashMap<String, u128>) -> Self {
        if let Some(recording) = &mut self.recording {
            recording.known = Some(known);
        }
        self
    }

    /// Remembers a page rendered from the inputs of `key`.
    pub fn store_page(&self, path: &str, key: u128, html: &[u8]) {
        match &self.recording {
            Some(recording) => {
                let digest = xxhash_rust::xxh3::xxh3_128(html);
                lock(&recording.pages).insert(path.to_owned(), (key, digest));
            }
            None => {
                let bytes = Arc::new(html.to_vec());
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

    /// Ends the record `cache` writes into `bytes` and reads it back.
    fn finished(cache: &RenderCache, bytes: &Mutex<Vec<u8>>) -> (Vec<u8>, Earlier) {
        cache.finish_record().expect("recording");
        let bytes = lock(bytes).clone();
        let read = read_record(&bytes).expect("a whole record");
        (bytes, read)
    }

    /// A record of `bodies` and nothing else.
    fn record_of_bodies(bodies: &[(u128, Rendered)]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for (key, body) in bodies {
            bytes.extend(postcard::to_allocvec(&Entry::<_, ()>::Body(*key, body)).expect("body"));
        }
        bytes.extend(postcard::to_allocvec(&Entry::<(), ()>::End).expect("end"));
        bytes
    }

    #[test]
    fn a_recorded_page_is_taken_from_the_output_while_it_has_the_recorded_bytes() {
        let output = folder_with(&[("en/a/index.html", "<p>a</p>"), ("b.html", "<p>b</p>")]);
        let (first, bytes) = RenderCache::recording_in_memory(output.path(), &[]);
        assert_eq!(
            first.page("en/a/index.html", 7),
            None,
            "nothing recorded yet"
        );
        first.store_page("en/a/index.html", 7, b"<p>a</p>");
        first.store_page("b.html", 8, b"<p>b</p>");

        let (record, _) = finished(&first, &bytes);
        let (next, bytes) = RenderCache::recording_in_memory(output.path(), &record);
        let page = next.page("en/a/index.html", 7).expect("the same inputs");
        assert_eq!(page, Contents::Bytes(b"<p>a</p>".to_vec()));
        assert_eq!(next.page("en/a/index.html", 9), None, "other inputs");
        std::fs::write(output.path().join("b.html"), "<p>B</p>").expect("edit");
        assert_eq!(next.page("b.html", 8), None, "the file changed since");
        std::fs::remove_file(output.path().join("b.html")).expect("remove");
        assert_eq!(next.page("b.html", 8), None, "the file is gone");
        // Only what this build took again or stored is recorded for the one after it.
        let (_, (_, pages)) = finished(&next, &bytes);
        assert_eq!(
            pages,
            HashMap::from([(
                "en/a/index.html".to_owned(),
                (7, xxhash_rust::xxh3::xxh3_128(b"<p>a</p>"))
            )])
        );
    }

    #[test]
    fn only_bodies_used_and_without_problems_are_recorded_once_each() {
        let output = tempfile::tempdir().expect("temp dir");
        let earlier = record_of_bodies(&[(1, body("old")), (2, body("unused"))]);
        let (cache, bytes) = RenderCache::recording_in_memory(output.path(), &earlier);
        let taken = cache.body(1, || panic!("rendered although recorded"));
        assert_eq!(taken.html, "old");
        assert_eq!(cache.body(3, || body("new")).html, "new");
        assert_eq!(cache.body(3, || body("new")).html, "new", "used again");
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
        let (record, (markdown, _)) = finished(&cache, &bytes);
        let mut keys: Vec<u128> = markdown.keys().copied().collect();
        keys.sort_unstable();
        assert_eq!(keys, [1, 3]);
        assert_eq!(markdown[&1].html, "old");
        assert_eq!(
            record.len(),
            record_of_bodies(&[(1, body("old")), (3, body("new"))]).len(),
            "each body once"
        );
    }

    #[test]
    fn a_record_cut_short_or_unreadable_is_none() {
        let output = tempfile::tempdir().expect("temp dir");
        let whole = record_of_bodies(&[(1, body("old"))]);
        let cut = &whole[..whole.len() - 1];
        for record in [cut, b"\xff\x00 not a record", &[]] {
            let (cache, _) = RenderCache::recording_in_memory(output.path(), record);
            assert_eq!(cache.body(1, || body("rendered")).html, "rendered");
        }
        let (cache, _) = RenderCache::recording_in_memory(output.path(), &whole);
        assert_eq!(cache.body(1, || body("rendered")).html, "old");
    }

    #[test]
    fn an_output_known_as_recorded_gives_its_pages_without_reading_them() {
        let output = folder_with(&[("a.html", "<p>a</p>"), ("b.html", "<p>b</p>")]);
        let (first, bytes) = RenderCache::recording_in_memory(output.path(), &[]);
        first.store_page("a.html", 1, b"<p>a</p>");
        first.store_page("b.html", 2, b"<p>b</p>");
        let (record, _) = finished(&first, &bytes);
        let digest = |text: &str| xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        let known = HashMap::from([
            ("a.html".to_owned(), digest("<p>a</p>")),
            ("b.html".to_owned(), digest("<p>other</p>")),
        ]);
        let (next, _) = RenderCache::recording_in_memory(output.path(), &record);
        let next = next.trusting(known);
        // Gone from the folder, but the folder is known to hold it: it is not read.
        std::fs::remove_file(output.path().join("a.html")).expect("remove");
        assert_eq!(
            next.page("a.html", 1),
            Some(Contents::InOutput(
                output.path().join("a.html"),
                digest("<p>a</p>")
            ))
        );
        // The marker records other bytes than the render record: the file is read and checked.
        assert_eq!(
            next.page("b.html", 2),
            Some(Contents::Bytes(b"<p>b</p>".to_vec()))
        );
    }

    #[test]
    fn serve_keeps_pages_in_memory() {
        let cache = RenderCache::default();
        cache.store_page("a.html", 1, b"<p>a</p>");
        assert_eq!(
            cache.page("a.html", 1),
            Some(Contents::Bytes(b"<p>a</p>".to_vec()))
        );
        assert_eq!(cache.page("a.html", 2), None);
        assert_eq!(cache.finish_record(), None, "serve records nothing");
    }
}
