//! `parkpress referrals`: which audience's tracked links brought which visitors to which park,
//! read back from the web server's access logs (the site has no trackers).
//!
//! [`input`] streams plain or gzip logs line by line, [`formats`] detects each file's format and
//! reads requests, [`visitor`] hashes visitors and spots bots, [`tally`] counts arrivals,
//! sessions, link opens, parks and PDFs, and [`report`] and [`html`] write the result. No
//! address is kept or written anywhere.

pub mod formats;
pub mod html;
pub mod input;
pub mod report;
pub mod site;
pub mod tally;
pub mod visitor;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

use crate::diagnostics::Report;
use crate::model::ResolveOptions;
use formats::Format;
use input::{Line, Lines};
use site::SiteMap;
use tally::{DateRange, Tally};

pub use report::Summary;

/// The site the logs are read against, loaded and resolved as `check` does. Fails with the
/// content's diagnostics when the site cannot be read at all; the report of a site that loads
/// with errors is still written (the count of errors is returned).
pub fn load_site(root: &Path, build_date: NaiveDate) -> Result<(SiteMap, usize), Report> {
    let loaded = crate::content::load(root, None, None);
    let (site, diagnostics) = crate::model::resolve(
        root,
        loaded,
        &ResolveOptions {
            build_date,
            drafts: false,
        },
    );
    let report = Report { diagnostics };
    match site {
        Some(site) => Ok((SiteMap::new(&site), report.error_count())),
        None => Err(report),
    }
}

/// A log file read, and the format found in it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogFile {
    /// As given on the command line (`-` for standard input).
    pub file: String,
    /// The format detected, `null` when no line could be read.
    pub format: Option<&'static str>,
    /// Lines read.
    pub lines: u64,
}

/// Reads every log in turn (oldest first gives the right sessions) and counts it. Fails only
/// when a log cannot be opened; lines that cannot be read are counted, never fatal.
pub fn read_logs(site: &SiteMap, logs: &[PathBuf], range: DateRange) -> anyhow::Result<Summary> {
    let mut tally = Tally::new(site, range);
    let mut files = Vec::new();
    for path in logs {
        let name = path.display().to_string();
        let reader =
            input::open(path).map_err(|e| anyhow::anyhow!("cannot read the log `{name}`: {e}"))?;
        let before = tally.lines;
        let format = read_log(&mut tally, &name, reader);
        files.push(LogFile {
            file: name,
            format: format.map(Format::name),
            lines: tally.lines - before,
        });
    }
    Ok(Summary::new(site, tally, files, range))
}

/// Counts one log; returns the format detected.
fn read_log(
    tally: &mut Tally<'_>,
    name: &str,
    reader: Box<dyn std::io::BufRead>,
) -> Option<Format> {
    let mut lines = Lines::new(reader);
    let mut format = None;
    let mut number = 0u64;
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(_) => {
                tally.malformed(name, number + 1, "unreadable from here on (damaged gzip?)");
                break;
            }
        };
        number += 1;
        let bytes = match line {
            Line::TooLong => {
                tally.malformed(name, number, "line too long");
                continue;
            }
            Line::Bytes(bytes) => bytes,
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if memchr::memchr(0, bytes).is_some() {
            tally.malformed(name, number, "NUL byte");
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            tally.malformed(name, number, "invalid UTF-8");
            continue;
        };
        let Some(found) = format.or_else(|| Format::detect(text)) else {
            tally.malformed(name, number, "no known log format");
            continue;
        };
        format = Some(found);
        match found.parse(text) {
            Ok(request) => tally.request(&request),
            Err(reason) => tally.malformed(name, number, reason),
        }
    }
    format
}
