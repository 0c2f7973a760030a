//! Watches `content/` and `themes/` with debouncing, so a save that touches several files (or an
//! editor's temporary files) triggers one rebuild. `output/`, the share kit and the cache are never
//! watched: building must not trigger building.

use anyhow::{Context, Result};
use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the watcher waits for more changes before rebuilding.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
}

/// Calls `on_change` with the changed paths (relative to `root`) after each burst of changes.
pub fn start(root: &Path, on_change: impl Fn(Vec<String>) + Send + 'static) -> Result<Watcher> {
    let root_owned = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut changed: Vec<String> = events
            .iter()
            // Reading a file is not changing it: building reads files, and counting the reads
            // as edits would rebuild forever. Closing a file written to is a change.
            .filter(|event| match event.kind {
                EventKind::Access(kind) => kind == AccessKind::Close(AccessMode::Write),
                _ => true,
            })
            .flat_map(|event| event.paths.iter())
            // Files that changed or went away; folders only report what happened inside them.
            .filter(|path| relevant(path) && !path.is_dir())
            .map(|path| crate::diagnostics::relative_display(&root_owned, path))
            .collect();
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            on_change(changed);
        }
    })
    .context("cannot start watching files")?;
    for dir in [
        root_owned_dir(root, "content"),
        root_owned_dir(root, "themes"),
    ] {
        if dir.is_dir() {
            debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch `{}`", dir.display()))?;
        }
    }
    Ok(Watcher {
        _debouncer: debouncer,
    })
}

fn root_owned_dir(root: &Path, name: &str) -> PathBuf {
    root.canonicalize()
        .unwrap_or_else(|_| root.to_path_buf())
        .join(name)
}

/// Editors' swap and backup files do not count as edits.
fn relevant(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.ends_with(".parkpress-tmp")
        || name.starts_with("#"))
}
