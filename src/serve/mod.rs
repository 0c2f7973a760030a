//! `parkpress serve`: the site built into memory (never into `output/`), served over HTTP with
//! local links, rebuilt when `content/` or `themes/` change, open pages reloaded.
//!
//! The server only ever answers from the in-memory map of built files, so no path, however it is
//! encoded, can reach the disk. Broken content never stops it: the last good pages keep being
//! served with an overlay naming the problems, and fixing the file recovers.

mod http;
mod watch;

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::BuildOptions;
use crate::content::cache::{SourceCache, cached};
use crate::files::ThemeFile;
use crate::files::{Contents, OutputFile};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build (the base URL is replaced by the local address).
    pub build: BuildOptions,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to try first; the next free one is taken when it is in use.
    pub port: u16,
}

/// The site as it is served: the last good build, and the problems of the latest one.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output path → bytes.
    pub files: HashMap<String, Arc<Vec<u8>>>,
    /// The diagnostics of the latest build when it failed, as text.
    pub errors: Option<String>,
    /// Counts rebuilds, so clients can tell a new build.
    pub generation: u64,
}

/// What one rebuild did, for the log line.
#[derive(Debug)]
pub struct RebuildReport {
    /// Wall time.
    pub elapsed: Duration,
    /// Files in the site.
    pub files: usize,
    /// Source files read (the others were unchanged and taken from memory).
    pub read: usize,
    /// Whether the build failed (the previous pages are still served).
    pub failed: bool,
    /// Drafts left out (shown with `--drafts`).
    pub drafts_left_out: usize,
}

impl RebuildReport {
    /// The end of its log line: the time, the drafts left out and, after `before`, whether it
    /// failed (`12 ms, with errors (shown in the browser)`).
    fn outcome(&self, before: &str) -> String {
        let errors = if self.failed {
            format!("{before}with errors (shown in the browser)")
        } else {
            String::new()
        };
        format!(
            "{:.0} ms{}{errors}",
            self.elapsed.as_secs_f64() * 1000.0,
            crate::drafts_note(self.drafts_left_out)
        )
    }
}

/// Shared state of the server threads.
pub struct State {
    snapshot: RwLock<Snapshot>,
    events: tokio::sync::broadcast::Sender<String>,
    /// The generation of the latest finished build; 0 until the first is done.
    built: tokio::sync::watch::Sender<u64>,
}

/// How long `serve` waits for the first build before it says it is serving anyway (a document
/// that takes long to typeset must not keep the preview from starting).
const FIRST_BUILD_WAIT: Duration = Duration::from_secs(20);

impl State {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Listens on `bind:port`, or the next free port above it (up to 50 further).
fn listen(bind: IpAddr, port: u16) -> Result<TcpListener> {
    let mut last = None;
    for candidate in port..=port.saturating_add(50) {
        match TcpListener::bind(SocketAddr::new(bind, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| anyhow::anyhow!("no port to try"), anyhow::Error::from)).with_context(
        || {
            format!(
                "cannot listen on {bind}, ports {port} to {}",
                port.saturating_add(50)
            )
        },
    )
}

/// Builds the site into memory and serves it until interrupted. `on_event` receives log lines
/// (the library does not print).
pub fn run(options: ServeOptions, on_event: Arc<dyn Fn(String) + Send + Sync>) -> Result<()> {
    let listener = listen(options.bind, options.port)?;
    listener
        .set_nonblocking(true)
        .context("cannot configure the listening socket")?;
    let address = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let mut build = options.build.clone();
    build.base_url = Some(format!("http://{address}"));
    // Rebuilds reuse what has not changed: files read, pages rendered, fonts loaded.
    build.kept = Some(Arc::new(crate::KeptWork::in_memory()));
    build.kit = false;
    let builder = Arc::new(std::sync::Mutex::new(Builder::new(build)));

    // A document that typesets for too long is reported; the last good pages stay up.
    crate::print::watchdog::configure(
        crate::print::watchdog::OnTimeout::Report,
        Some(Box::new({
            let on_event = Arc::clone(&on_event);
            move |message| on_event(message)
        })),
    );
    let (events, _) = tokio::sync::broadcast::channel(16);
    let state = Arc::new(State {
        snapshot: RwLock::new(Snapshot::default()),
        events,
        built: tokio::sync::watch::Sender::new(0),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    let stop = {
        let _inside = runtime.enter();
        http::StopSignals::listen().context("cannot listen for Ctrl+C")?
    };
    // Answering from the start: requests made during the first build wait for it.
    let server = runtime.spawn(http::serve(listener, Arc::clone(&state), stop));
    let first = std::thread::spawn({
        let builder = Arc::clone(&builder);
        let state = Arc::clone(&state);
        let on_event = Arc::clone(&on_event);
        move || {
            let report = rebuild(&builder, &state, &[]);
            on_event(format!(
                "Built {} files from {} source files in {}",
                report.files,
                report.read,
                report.outcome(" ")
            ));
        }
    });
    let waiting = Instant::now();
    while !first.is_finished() {
        if waiting.elapsed() > FIRST_BUILD_WAIT {
            on_event(format!(
                "The first build takes longer than {} s; serving already, pages appear when it is done",
                FIRST_BUILD_WAIT.as_secs()
            ));
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    let watcher = watch::start(&options.build.root, {
        let builder = Arc::clone(&builder);
        let state = Arc::clone(&state);
        let on_event = Arc::clone(&on_event);
        move |changed: Vec<String>| {
            let report = rebuild(&builder, &state, &changed);
            on_event(format!(
                "{} changed: read {} file(s), rebuilt in {}",
                changed.join(", "),
                report.read,
                report.outcome(", ")
            ));
        }
    })?;

    on_event(format!("Serving on http://{address}/ (Ctrl+C to stop)"));
    runtime
        .block_on(server)
        .context("the server stopped unexpectedly")??;
    drop(watcher);
    on_event("Stopped".to_owned());
    Ok(())
}

/// Rebuilds after `changed` (paths relative to the site root) and swaps the snapshot in; on
/// failure keeps the old files and records the errors. Every open page is told to reload.
pub fn rebuild(
    builder: &std::sync::Mutex<Builder>,
    state: &State,
    changed: &[String],
) -> RebuildReport {
    let started = Instant::now();
    let mut builder = builder
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    builder.forget(changed);
    let result = builder.build();
    let read = builder.options.sources().map_or(0, SourceCache::sweep);
    drop(builder);
    let mut snapshot = state
        .snapshot
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    snapshot.generation += 1;
    let (failed, drafts_left_out) = match result {
        Ok((files, drafts_left_out)) => {
            snapshot.files = files;
            snapshot.errors = None;
            (false, drafts_left_out)
        }
        Err(errors) => {
            snapshot.errors = Some(errors);
            (true, 0)
        }
    };
    let files = snapshot.files.len();
    let generation = snapshot.generation;
    drop(snapshot);
    state.built.send_replace(generation);
    let _ = state.events.send("reload".to_owned());
    RebuildReport {
        elapsed: started.elapsed(),
        files,
        read,
        failed,
        drafts_left_out,
    }
}

/// The files of a built site by output path.
pub type SiteFiles = HashMap<String, Arc<Vec<u8>>>;

/// Builds the site in memory, keeping what can be reused between rebuilds.
pub struct Builder {
    options: BuildOptions,
}

impl Builder {
    /// A builder for these options (with the local base URL).
    pub fn new(options: BuildOptions) -> Self {
        Self { options }
    }

    /// Makes the next build read `changed` (paths relative to the site root) again, whatever
    /// their stamps say: the watcher saw them change.
    fn forget(&self, changed: &[String]) {
        if let Some(sources) = self.options.sources() {
            let paths: Vec<PathBuf> = changed.iter().map(|c| self.options.root.join(c)).collect();
            sources.forget(&paths);
        }
    }

    /// Every file of the site and the number of drafts left out, or the diagnostics as text.
    pub fn build(&mut self) -> std::result::Result<(SiteFiles, usize), String> {
        let built = crate::build_files(&self.options, &|_, _| {}).map_err(|error| match error {
            crate::BuildError::Content(report) => report
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::diagnostics::Severity::Error)
                .map(crate::diagnostics::Diagnostic::render_text)
                .collect::<Vec<_>>()
                .join("\n"),
            crate::BuildError::Environment(e) => format!("{e:#}"),
        })?;
        let sources = self.options.sources();
        let files = built
            .files
            .into_iter()
            .filter_map(|file| {
                let OutputFile { path, contents } = file;
                Some((path, load(contents, sources)?))
            })
            .collect();
        Ok((files, built.drafts_left_out))
    }
}

/// The bytes of a built file: generated pages are moved, not copied; files on disk are read only
/// when they changed since the last build.
fn load(contents: Contents, sources: Option<&SourceCache>) -> Option<Arc<Vec<u8>>> {
    match contents {
        Contents::Bytes(bytes) => Some(Arc::new(bytes)),
        Contents::Copy(path)
        | Contents::Theme(ThemeFile::Disk(path))
        | Contents::InOutput(path, _) => {
            cached(sources, &path, || std::fs::read(&path).ok().map(Arc::new))
        }
        Contents::Theme(builtin) => builtin
            .bytes()
            .ok()
            .map(|bytes| Arc::new(bytes.into_owned())),
    }
}
