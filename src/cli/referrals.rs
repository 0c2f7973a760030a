//! `parkpress referrals LOG...`: the outreach report per audience, read from access logs.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use parkpress::referrals::{self, tally::DateRange};

use super::{Format, environment_error, print_report};

#[derive(Debug, Args)]
pub struct ReferralsArgs {
    /// Access logs, plain or gzip-compressed (`-` for standard input); oldest first.
    #[arg(value_name = "LOG", required = true)]
    logs: Vec<PathBuf>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the report as a self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Also write the referral ledger as CSV (UTF-8 with BOM, for Excel).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// First date counted (YYYY-MM-DD, in the log's time zone).
    #[arg(long, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Last date counted (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE")]
    until: Option<chrono::NaiveDate>,
}

/// Runs `referrals`.
pub fn referrals(args: &ReferralsArgs, root: &Path, build_date: chrono::NaiveDate) -> ExitCode {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since > until
    {
        let error = anyhow::anyhow!(
            "--since {since} is after --until {until}\n  = help: give the earlier date to --since"
        );
        return environment_error(&error);
    }
    let (site, errors) = match referrals::load_site(root, build_date) {
        Ok(loaded) => loaded,
        Err(report) => {
            print_report(&report);
            return ExitCode::from(1);
        }
    };
    if errors > 0 {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "parkpress: the content has {errors} error(s) (run `parkpress check`); counting with what loaded"
        );
    }
    let range = DateRange {
        since: args.since,
        until: args.until,
    };
    let summary = match referrals::read_logs(&site, &args.logs, range) {
        Ok(summary) => summary,
        Err(error) => return environment_error(&error),
    };
    if let Some(path) = &args.html
        && let Err(error) = std::fs::write(path, referrals::html::render(&summary))
    {
        return environment_error(&anyhow::anyhow!(
            "cannot write `{}`: {error}",
            path.display()
        ));
    }
    if let Some(path) = &args.csv {
        let written = summary
            .to_csv()
            .and_then(|bytes| Ok(std::fs::write(path, bytes)?));
        if let Err(error) = written {
            return environment_error(&anyhow::anyhow!(
                "cannot write `{}`: {error:#}",
                path.display()
            ));
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        Format::Text => write!(out, "{}", summary.to_text()),
        Format::Json => writeln!(out, "{}", summary.to_json()),
    };
    ExitCode::SUCCESS
}
