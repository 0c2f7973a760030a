//! A watchdog over typesetting: no document may typeset for longer than a limit. Typst cannot
//! be interrupted, so when a document runs over, `build` and `pdf` stop the whole process with
//! an error naming it (before anything is written, so `output/` stays as it was), and `serve`
//! logs it and keeps serving the last good pages.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long one document may typeset, unless `PARKPRESS_TYPESET_LIMIT` (seconds) says otherwise.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(120);

/// What happens to a document that runs over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTimeout {
    /// Print an error naming it and exit with status 1 (`build`, `pdf`).
    Exit,
    /// Report it through the log and let it run (`serve`: the last good pages stay up).
    Report,
}

struct Watch {
    limit: Duration,
    on_timeout: Mutex<OnTimeout>,
    /// Documents being typeset, by output path, with when they started.
    running: Mutex<HashMap<String, Instant>>,
    /// Log line sink for [`OnTimeout::Report`].
    log: Mutex<Option<Log>>,
}

/// Where [`OnTimeout::Report`] sends its line.
pub type Log = Box<dyn Fn(String) + Send>;

fn watch() -> &'static Watch {
    static WATCH: OnceLock<Watch> = OnceLock::new();
    WATCH.get_or_init(|| {
        let limit = std::env::var("PARKPRESS_TYPESET_LIMIT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(DEFAULT_LIMIT, Duration::from_secs_f64);
        std::thread::Builder::new()
            .name("typeset-watchdog".to_owned())
            .spawn(patrol)
            .ok();
        Watch {
            limit,
            on_timeout: Mutex::new(OnTimeout::Exit),
            running: Mutex::new(HashMap::new()),
            log: Mutex::new(None),
        }
    })
}

/// Sets what the process does with a document that runs over; `log` receives the report in
/// [`OnTimeout::Report`] mode.
pub fn configure(on_timeout: OnTimeout, log: Option<Log>) {
    let watch = watch();
    *lock(&watch.on_timeout) = on_timeout;
    *lock(&watch.log) = log;
}

/// Marks `path` as being typeset until the returned guard is dropped.
pub fn typesetting(path: &str) -> Guard {
    lock(&watch().running).insert(path.to_owned(), Instant::now());
    Guard(path.to_owned())
}

/// Ends the watch over one document when dropped.
pub struct Guard(String);

impl Drop for Guard {
    fn drop(&mut self) {
        lock(&watch().running).remove(&self.0);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The watchdog thread: looks at the documents being typeset a few times a second.
fn patrol() {
    let mut reported: Vec<String> = Vec::new();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let watch = watch();
        let mut over: Vec<String> = lock(&watch.running)
            .iter()
            .filter(|(_, started)| started.elapsed() > watch.limit)
            .map(|(path, _)| path.clone())
            .collect();
        over.sort();
        over.retain(|path| !reported.contains(path));
        if over.is_empty() {
            continue;
        }
        let message = format!(
            "error[typeset-time-out]: typesetting {} took longer than {} s, the limit for one document\n  = help: shorten the content of that document (a very long paragraph, thousands of footnotes or table rows), or raise the limit with PARKPRESS_TYPESET_LIMIT=SECONDS",
            over.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            watch.limit.as_secs_f64()
        );
        match *lock(&watch.on_timeout) {
            OnTimeout::Exit => {
                // The process ends here, so it says why itself (no caller is left to).
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{message}\nerror: the build stopped; output/ is as it was"
                );
                std::process::exit(1);
            }
            OnTimeout::Report => {
                if let Some(log) = lock(&watch.log).as_ref() {
                    log(message);
                }
                reported.extend(over);
            }
        }
    }
}
