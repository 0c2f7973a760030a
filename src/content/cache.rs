//! What reading a file produced, kept between the builds of one process (`serve`): a file is read
//! and parsed again only when its size or modification time changed, so a rebuild after an edit
//! reads the edited files and nothing else.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

/// Parsed files by path and kind of result, valid while the file's size and modification time
/// stay the same.
#[derive(Default)]
pub struct SourceCache {
    entries: Mutex<HashMap<(PathBuf, TypeId), Entry>>,
    reads: AtomicUsize,
}

impl std::fmt::Debug for SourceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceCache")
            .field("entries", &self.lock().len())
            .field("reads", &self.reads.load(Ordering::Relaxed))
            .finish()
    }
}

struct Entry {
    stamp: Stamp,
    /// Whether a build asked for it since the last [`SourceCache::sweep`].
    used: bool,
    value: Arc<dyn Any + Send + Sync>,
}

/// What tells a changed file: its size and modification time, and on Unix also its inode and
/// status-change time (a file replaced by a save-and-rename, or whose permissions changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    #[cfg(unix)]
    inode: (u64, i64, i64),
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok()?,
        #[cfg(unix)]
        inode,
    })
}

impl SourceCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<(PathBuf, TypeId), Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What `read` made of the file at `path` the last time, if the file has not changed since;
    /// else runs `read` (which reads the file) and keeps its result. Results of different types
    /// are kept apart, so one file can be both parsed and, say, copied.
    pub fn get_or_read<T: Clone + Send + Sync + 'static>(
        &self,
        path: &Path,
        read: impl FnOnce() -> T,
    ) -> T {
        // The stamp is taken before reading: a file that changes while it is read gets a newer
        // stamp than the one kept, and is read again next time.
        let stamp = stamp(path);
        let key = (path.to_path_buf(), TypeId::of::<T>());
        if let Some(stamp) = stamp
            && let Some(entry) = self.lock().get_mut(&key)
            && entry.stamp == stamp
            && let Some(value) = entry.value.downcast_ref::<T>()
        {
            entry.used = true;
            return value.clone();
        }
        self.reads.fetch_add(1, Ordering::Relaxed);
        let value = read();
        if let Some(stamp) = stamp {
            self.lock().insert(
                key,
                Entry {
                    stamp,
                    used: true,
                    value: Arc::new(value.clone()),
                },
            );
        }
        value
    }

    /// Forgets what was read from `paths`, so the next build reads them whatever their stamps
    /// say (the watcher saw them change; timestamps of some file systems are too coarse to tell).
    pub fn forget(&self, paths: &[PathBuf]) {
        self.lock().retain(|(path, _), _| !paths.contains(path));
    }

    /// Forgets the files no build asked for since the last sweep (deleted or renamed files), and
    /// returns how many files were read (not taken from the cache) since then.
    pub fn sweep(&self) -> usize {
        let mut entries = self.lock();
        entries.retain(|_, entry| std::mem::take(&mut entry.used));
        self.reads.swap(0, Ordering::Relaxed)
    }
}

/// Runs `read` through `cache` when there is one.
pub fn cached<T: Clone + Send + Sync + 'static>(
    cache: Option<&SourceCache>,
    path: &Path,
    read: impl FnOnce() -> T,
) -> T {
    match cache {
        Some(cache) => cache.get_or_read(path, read),
        None => read(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_again_only_after_it_changed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").expect("write");
        let cache = SourceCache::default();
        let read = || std::fs::read_to_string(&path).expect("read");
        assert_eq!(cache.get_or_read(&path, read), "one");
        assert_eq!(cache.get_or_read::<String>(&path, || unreachable!()), "one");
        assert_eq!(cache.sweep(), 1);

        std::fs::write(&path, "three").expect("write");
        assert_eq!(cache.get_or_read(&path, read), "three");
        assert_eq!(cache.sweep(), 1);

        // Not asked for in a build: forgotten at the sweep after.
        assert_eq!(cache.sweep(), 0);
        assert_eq!(cache.get_or_read(&path, read), "three");
        assert_eq!(cache.sweep(), 1);

        // Reported changed by the watcher: read again even with the same stamp.
        cache.forget(std::slice::from_ref(&path));
        assert_eq!(cache.get_or_read(&path, read), "three");
        assert_eq!(cache.sweep(), 1);
    }
}
