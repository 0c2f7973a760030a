//! Counting: arrivals through tracked links, the sessions that follow them (30 minutes without a
//! request ends one), short-link opens, parks looked at and PDFs downloaded, per audience.

use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

use super::formats::Request;
use super::site::{Resource, SiteMap};
use super::visitor::{Salt, is_bot};

/// A session ends after this many seconds without a request.
pub const SESSION_SECONDS: i64 = 30 * 60;
/// Malformed lines listed by file and line number (their content is never shown: it holds
/// addresses).
pub const MALFORMED_EXAMPLES: usize = 5;
/// Distinct unknown sources kept; more are counted under [`OTHER_SOURCES`] (a hostile log
/// cannot grow the report without bound).
pub const MAX_UNKNOWN_SOURCES: usize = 200;
/// The key more unknown sources are counted under.
pub const OTHER_SOURCES: &str = "(other)";

/// Which dates to count (inclusive, in the log's time zone).
#[derive(Debug, Clone, Copy, Default)]
pub struct DateRange {
    /// First date counted.
    pub since: Option<NaiveDate>,
    /// Last date counted.
    pub until: Option<NaiveDate>,
}

impl DateRange {
    fn contains(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }
}

/// A line that could not be read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Malformed {
    /// The log it is in (as given on the command line).
    pub file: String,
    /// Its line number (1-based).
    pub line: u64,
    /// Why it could not be read.
    pub reason: &'static str,
}

/// What one audience brought.
#[derive(Debug, Default)]
pub struct AudienceTally {
    /// Page views through its tracked links.
    pub arrivals: u64,
    /// Distinct visitors (per day) among them.
    pub visitors: HashSet<u64>,
    /// Short links opened, by target.
    pub link_opens: BTreeMap<String, u64>,
    /// Later page views in the sessions of its arrivals.
    pub page_views: u64,
    /// PDFs downloaded in those sessions.
    pub pdf_downloads: u64,
    /// Views of each park (arrivals on a park page and later views).
    pub parks: BTreeMap<String, u64>,
    /// Date of the first and the last arrival.
    pub first: Option<NaiveDate>,
    /// Date of the last arrival.
    pub last: Option<NaiveDate>,
    /// Arrivals per week (the Monday it starts on).
    pub weeks: BTreeMap<NaiveDate, u64>,
    /// Arrivals with `utm_medium=print` or `qr`: a printed or shown QR code scanned.
    pub qr_scans: u64,
}

struct Session {
    audience: usize,
    last: i64,
    pdfs: Vec<u64>,
}

/// Counts requests, one at a time, in constant memory apart from one hash per visitor.
pub struct Tally<'s> {
    site: &'s SiteMap,
    salt: Salt,
    range: DateRange,
    /// Lines read (blank lines aside).
    pub lines: u64,
    /// Lines that could not be read.
    pub malformed: u64,
    /// The first few of them.
    pub malformed_examples: Vec<Malformed>,
    /// Requests by bots.
    pub bots: u64,
    /// Lines outside `--since`/`--until`.
    pub outside_range: u64,
    /// Page views whose utm_source is no audience.
    pub unknown_sources: BTreeMap<String, u64>,
    /// Per audience, in the order of [`SiteMap::audiences`].
    pub audiences: Vec<AudienceTally>,
    /// Earliest and latest date counted.
    pub span: Option<(NaiveDate, NaiveDate)>,
    sessions: HashMap<u64, Session>,
    newest: i64,
    since_pruned: u32,
}

impl<'s> Tally<'s> {
    /// An empty tally.
    pub fn new(site: &'s SiteMap, range: DateRange) -> Self {
        Self {
            site,
            salt: Salt::new(),
            range,
            lines: 0,
            malformed: 0,
            malformed_examples: Vec::new(),
            bots: 0,
            outside_range: 0,
            unknown_sources: BTreeMap::new(),
            audiences: site
                .audiences
                .iter()
                .map(|_| AudienceTally::default())
                .collect(),
            span: None,
            sessions: HashMap::new(),
            newest: i64::MIN,
            since_pruned: 0,
        }
    }

    /// Counts a line that could not be read.
    pub fn malformed(&mut self, file: &str, line: u64, reason: &'static str) {
        self.lines += 1;
        self.malformed += 1;
        if self.malformed_examples.len() < MALFORMED_EXAMPLES {
            self.malformed_examples.push(Malformed {
                file: file.to_owned(),
                line,
                reason,
            });
        }
    }

    /// Counts one request.
    pub fn request(&mut self, request: &Request<'_>) {
        self.lines += 1;
        let date = request.time.date;
        if !self.range.contains(date) {
            self.outside_range += 1;
            return;
        }
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let resource = self.site.classify(path);
        if resource == Resource::Elsewhere {
            return;
        }
        // "common" logs no user agent: their bots cannot be told from people.
        let user_agent = request.user_agent.as_deref().unwrap_or("");
        if request.user_agent.is_some() && is_bot(user_agent) {
            self.bots += 1;
            return;
        }
        if request.prefetch
            || request.method != "GET"
            || !(200..300).contains(&request.status)
            || resource == Resource::Asset
        {
            return;
        }
        self.span = Some(match self.span {
            Some((a, b)) => (a.min(date), b.max(date)),
            None => (date, date),
        });
        self.prune(request.time.utc);
        let browser = self.salt.browser(&request.client, user_agent);
        match resource {
            Resource::ShortLink(code) => {
                if let Some((audience, target)) = self.site.short_link(code) {
                    *self.audiences[*audience]
                        .link_opens
                        .entry(target.clone())
                        .or_default() += 1;
                }
            }
            Resource::Page(park) => match utm(query, "utm_source") {
                Some(source) => self.arrival(request, browser, &source, query, park),
                None => {
                    if let Some(session) = self.session(browser, request.time.utc) {
                        let audience = &mut self.audiences[session];
                        audience.page_views += 1;
                        if let Some(park) = park {
                            *audience.parks.entry(park.to_owned()).or_default() += 1;
                        }
                    }
                }
            },
            Resource::Pdf => {
                let now = request.time.utc;
                let file = self.salt.browser(path, "");
                if let Some(session) = self.sessions.get_mut(&browser)
                    && now - session.last <= SESSION_SECONDS
                    && now >= session.last - SESSION_SECONDS
                {
                    session.last = session.last.max(now);
                    // Range requests of one PDF (a browser's viewer) are one download.
                    if !session.pdfs.contains(&file) {
                        session.pdfs.push(file);
                        self.audiences[session.audience].pdf_downloads += 1;
                    }
                }
            }
            Resource::Asset | Resource::Elsewhere => {}
        }
    }

    fn arrival(
        &mut self,
        request: &Request<'_>,
        browser: u64,
        source: &str,
        query: &str,
        park: Option<&str>,
    ) {
        let Some(index) = self.site.audience(source) else {
            let key = printable(source);
            let key = if self.unknown_sources.len() < MAX_UNKNOWN_SOURCES
                || self.unknown_sources.contains_key(&key)
            {
                key
            } else {
                OTHER_SOURCES.to_owned()
            };
            *self.unknown_sources.entry(key).or_default() += 1;
            return;
        };
        let date = request.time.date;
        let user_agent = request.user_agent.as_deref().unwrap_or("");
        let visitor = self.salt.visitor(date, &request.client, user_agent);
        let audience = &mut self.audiences[index];
        audience.arrivals += 1;
        audience.visitors.insert(visitor);
        audience.first = Some(audience.first.map_or(date, |d| d.min(date)));
        audience.last = Some(audience.last.map_or(date, |d| d.max(date)));
        let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
        *audience.weeks.entry(monday).or_default() += 1;
        if matches!(utm(query, "utm_medium").as_deref(), Some("print" | "qr")) {
            audience.qr_scans += 1;
        }
        if let Some(park) = park {
            *audience.parks.entry(park.to_owned()).or_default() += 1;
        }
        self.sessions.insert(
            browser,
            Session {
                audience: index,
                last: request.time.utc,
                pdfs: Vec::new(),
            },
        );
    }

    /// The audience of the browser's open session, which this request continues.
    fn session(&mut self, browser: u64, now: i64) -> Option<usize> {
        let session = self.sessions.get_mut(&browser)?;
        // Logs of several servers are not quite in order: a request a little before the last
        // one still belongs to the session.
        if now - session.last > SESSION_SECONDS || now < session.last - SESSION_SECONDS {
            return None;
        }
        session.last = session.last.max(now);
        Some(session.audience)
    }

    /// Forgets sessions that ended long before the newest request, now and then.
    fn prune(&mut self, now: i64) {
        self.newest = self.newest.max(now);
        self.since_pruned += 1;
        if self.since_pruned < 100_000 {
            return;
        }
        self.since_pruned = 0;
        let horizon = self.newest - 2 * SESSION_SECONDS;
        self.sessions.retain(|_, s| s.last >= horizon);
    }
}

/// The decoded value of a query parameter.
fn utm(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
        .filter(|value| !value.is_empty())
}

/// `%E5%8C%97+x` → `北 x` (a query value, where `+` is a space); invalid escapes and bytes are
/// kept as written.
fn percent_decode(value: &str) -> String {
    percent_encoding::percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// An untrusted value made safe to print: control characters replaced, at most 64 characters.
fn printable(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded_and_made_printable() {
        assert_eq!(
            utm("a=1&utm_source=bj%2Dchamber&x", "utm_source").as_deref(),
            Some("bj-chamber")
        );
        assert_eq!(utm("utm_source=", "utm_source"), None);
        assert_eq!(percent_decode("%E5%8C%97+x%zz%4"), "北 x%zz%4");
        assert_eq!(printable("a\u{1b}[31mb"), "a?[31mb");
        assert_eq!(printable(&"x".repeat(100)).len(), 64);
    }
}
