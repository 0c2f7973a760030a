//! The counts as a report: a summary that serializes to the JSON of `--format json`, the text
//! printed by default, and the referral ledger of `--csv` (UTF-8 with BOM, for Excel).

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::LogFile;
use super::site::SiteMap;
use super::tally::{DateRange, Malformed, Tally};

/// What one audience brought.
#[derive(Debug, Clone, Serialize)]
pub struct AudienceSummary {
    /// Key (utm_source).
    pub key: String,
    /// Page views through its tracked links.
    pub arrivals: u64,
    /// Distinct visitors (per day).
    pub visitors: u64,
    /// Short links opened.
    pub link_opens: u64,
    /// Later page views of the same visitors within 30 minutes.
    pub page_views: u64,
    /// PDFs downloaded in those sessions.
    pub pdf_downloads: u64,
    /// Views per park key.
    pub parks: BTreeMap<String, u64>,
    /// Date of the first arrival.
    pub first: Option<String>,
    /// Date of the last arrival.
    pub last: Option<String>,
    /// Name in the default language.
    pub name: String,
    /// Names by language.
    pub names: BTreeMap<String, String>,
    /// Arrivals with `utm_medium=print|qr` (QR codes scanned).
    pub qr_scans: u64,
    /// Other arrivals (links clicked).
    pub link_clicks: u64,
    /// Short links opened, by target (`home` or a park key).
    pub link_opens_by_target: BTreeMap<String, u64>,
    /// Arrivals per week, by the Monday it starts on.
    pub weeks: BTreeMap<String, u64>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Lines read.
    pub lines: u64,
    /// Lines that could not be read.
    pub malformed: u64,
    /// Requests by bots.
    pub bots: u64,
    /// utm_source values that are no audience, with their page views.
    pub unknown_sources: BTreeMap<String, u64>,
    /// Configured audiences, then built-in ones that brought someone.
    pub audiences: Vec<AudienceSummary>,
    /// Lines outside `--since`/`--until`.
    pub outside_range: u64,
    /// First date with a request counted.
    pub from: Option<String>,
    /// Last date with a request counted.
    pub to: Option<String>,
    /// `--since`.
    pub since: Option<String>,
    /// `--until`.
    pub until: Option<String>,
    /// The logs read.
    pub files: Vec<LogFile>,
    /// The first malformed lines (file and line number, never their content).
    pub malformed_examples: Vec<Malformed>,
    /// Park names in the default language, by key.
    #[serde(skip)]
    pub park_names: Vec<(String, String)>,
    /// Site language codes, default first.
    #[serde(skip)]
    pub languages: Vec<String>,
}

impl Summary {
    /// Sums up a finished tally.
    pub fn new(site: &SiteMap, tally: Tally<'_>, files: Vec<LogFile>, range: DateRange) -> Self {
        let audiences = site
            .audiences
            .iter()
            .zip(tally.audiences)
            .filter(|(a, t)| !a.builtin || t.arrivals > 0 || !t.link_opens.is_empty())
            .map(|(a, t)| AudienceSummary {
                key: a.key.clone(),
                arrivals: t.arrivals,
                visitors: t.visitors.len() as u64,
                link_opens: t.link_opens.values().sum(),
                page_views: t.page_views,
                pdf_downloads: t.pdf_downloads,
                parks: t.parks,
                first: t.first.map(|d| d.to_string()),
                last: t.last.map(|d| d.to_string()),
                name: a.name().to_owned(),
                names: a.names.iter().cloned().collect(),
                qr_scans: t.qr_scans,
                link_clicks: t.arrivals - t.qr_scans,
                link_opens_by_target: t.link_opens,
                weeks: t
                    .weeks
                    .into_iter()
                    .map(|(d, n)| (d.to_string(), n))
                    .collect(),
            })
            .collect();
        Self {
            lines: tally.lines,
            malformed: tally.malformed,
            bots: tally.bots,
            unknown_sources: tally.unknown_sources,
            audiences,
            outside_range: tally.outside_range,
            from: tally.span.map(|(a, _)| a.to_string()),
            to: tally.span.map(|(_, b)| b.to_string()),
            since: range.since.map(|d| d.to_string()),
            until: range.until.map(|d| d.to_string()),
            files,
            malformed_examples: tally.malformed_examples,
            park_names: site.park_names.clone(),
            languages: site.languages.clone(),
        }
    }

    /// The park's name in the default language, or its key.
    pub fn park_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.park_names
            .iter()
            .find(|(k, _)| k == key)
            .map_or(key, |(_, n)| n)
    }

    /// `--format json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The default report, for a terminal (every value from the log is already made printable).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let range = match (&self.from, &self.to) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => "no requests counted".to_owned(),
        };
        let _ = writeln!(out, "Referrals, {range}");
        for file in &self.files {
            let _ = writeln!(
                out,
                "  {}: {} lines, {}",
                file.file,
                file.lines,
                file.format.unwrap_or("no known format")
            );
        }
        for a in &self.audiences {
            let _ = writeln!(out, "\n{} ({})", a.name, a.key);
            let _ = writeln!(
                out,
                "  arrivals {}, visitors {}, link opens {}, page views {}, PDF downloads {}",
                a.arrivals, a.visitors, a.link_opens, a.page_views, a.pdf_downloads
            );
            if !a.parks.is_empty() {
                let parks: Vec<String> = a
                    .parks
                    .iter()
                    .map(|(k, n)| format!("{} ({k}) {n}", self.park_name(k)))
                    .collect();
                let _ = writeln!(out, "  parks: {}", parks.join(", "));
            }
            if let (Some(first), Some(last)) = (&a.first, &a.last) {
                let _ = writeln!(out, "  first visit {first}, last visit {last}");
            }
        }
        let _ = writeln!(out);
        if !self.unknown_sources.is_empty() {
            let list: Vec<String> = self
                .unknown_sources
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(out, "Unknown sources: {}", list.join(", "));
        }
        let _ = writeln!(out, "Bot requests: {}", self.bots);
        let _ = write!(out, "Malformed lines: {}", self.malformed);
        if !self.malformed_examples.is_empty() {
            let list: Vec<String> = self
                .malformed_examples
                .iter()
                .map(|m| format!("{}:{} {}", m.file, m.line, m.reason))
                .collect();
            let _ = write!(out, " (first: {})", list.join("; "));
        }
        let _ = writeln!(out);
        if self.outside_range > 0 {
            let _ = writeln!(out, "Outside --since/--until: {} lines", self.outside_range);
        }
        let _ = writeln!(out, "Lines read: {}", self.lines);
        out
    }

    /// `--csv`: the referral ledger, one row per audience, UTF-8 with BOM so Excel reads the
    /// Chinese names.
    pub fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let zh = self.languages.first().is_some_and(|l| l.starts_with("zh"));
        let header: [&str; 10] = if zh {
            [
                "受众标识",
                "受众名称",
                "首次访问",
                "最近访问",
                "访客",
                "到达",
                "短链接打开",
                "后续浏览",
                "浏览园区",
                "PDF下载",
            ]
        } else {
            [
                "audience",
                "name",
                "first visit",
                "last visit",
                "visitors",
                "arrivals",
                "link opens",
                "page views",
                "parks viewed",
                "PDF downloads",
            ]
        };
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(header)?;
        for a in &self.audiences {
            let parks: Vec<String> = a
                .parks
                .iter()
                .map(|(k, n)| format!("{} {n}", self.park_name(k)))
                .collect();
            writer.write_record([
                a.key.clone(),
                cell(&a.name),
                a.first.clone().unwrap_or_default(),
                a.last.clone().unwrap_or_default(),
                a.visitors.to_string(),
                a.arrivals.to_string(),
                a.link_opens.to_string(),
                a.page_views.to_string(),
                cell(&parks.join("; ")),
                a.pdf_downloads.to_string(),
            ])?;
        }
        writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// A text cell Excel does not run as a formula.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
