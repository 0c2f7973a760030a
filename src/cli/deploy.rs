//! `parkpress deploy`: arguments, progress bar and the summary.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use parkpress::deploy::{BaiduOutcome, DeployError, DeployOptions, DeploySummary};

use super::{Format, environment_error, print_report};

/// `parkpress deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Where to publish: s3://BUCKET[/PREFIX] or file:///PATH (default: [deploy] to in site.toml).
    #[arg(long, value_name = "URL")]
    to: Option<String>,
    /// Endpoint of the S3-compatible service, e.g. https://oss-cn-jinan.aliyuncs.com.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Region of the bucket, e.g. cn-jinan.
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Address the bucket in the path (MinIO, Garage) instead of the host name.
    #[arg(long)]
    path_style: bool,
    /// List what would be uploaded and deleted; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Publish even a staging build, a build with drafts or a site with placeholders.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Uploads at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// The built site to publish (default: <root>/output).
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
}

/// Runs `deploy`.
pub fn deploy(args: DeployArgs, root: &Path, build_date: chrono::NaiveDate) -> ExitCode {
    let options = DeployOptions {
        build_date,
        root: root.to_path_buf(),
        output: args.output,
        to: args.to,
        endpoint: args.endpoint,
        region: args.region,
        path_style: args.path_style,
        dry_run: args.dry_run,
        force: args.force,
        concurrency: usize::from(args.concurrency),
    };
    let bar =
        (std::io::IsTerminal::is_terminal(&std::io::stderr()) && !options.dry_run).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("deploy {bar:30} {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = parkpress::deploy::deploy(&options, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            print_summary(&summary, options.dry_run, args.format);
            ExitCode::SUCCESS
        }
        Err(DeployError::Content(report)) => {
            print_report(&report);
            ExitCode::from(1)
        }
        Err(DeployError::Environment(error)) => environment_error(&error),
    }
}

fn print_summary(summary: &DeploySummary, dry_run: bool, format: Format) {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for reason in &summary.forced {
        let _ = writeln!(
            err,
            "parkpress: warning: published with --force although {reason}"
        );
    }
    if dry_run {
        for path in &summary.uploads {
            let _ = writeln!(out, "upload {path}");
        }
        for path in &summary.deletes {
            let _ = writeln!(out, "delete {path}");
        }
    }
    let verb = if dry_run { "Would upload" } else { "Uploaded" };
    let repaired = match summary.repaired {
        0 => String::new(),
        n => format!(" ({n} the bucket had lost or changed)"),
    };
    let _ = writeln!(
        out,
        "{verb} {} files{repaired} ({:.1} MB), {} {}, {} unchanged, to {} in {:.2} s",
        summary.uploads.len(),
        summary.bytes as f64 / 1e6,
        if dry_run { "would delete" } else { "deleted" },
        summary.deletes.len(),
        summary.unchanged,
        summary.place,
        summary.seconds
    );
    match &summary.baidu {
        Some(BaiduOutcome::NoToken) => {
            let _ = writeln!(
                err,
                "parkpress: warning: baidu_push is on but BAIDU_PUSH_TOKEN is not set; no links were submitted"
            );
        }
        Some(BaiduOutcome::Pushed(pushed)) => {
            if let Some(problem) = &pushed.problem {
                let _ = writeln!(
                    err,
                    "parkpress: warning: Baidu link submission failed: {problem}"
                );
            }
            let remain = pushed
                .remain
                .map_or_else(String::new, |r| format!(", {r} left of today's quota"));
            let _ = writeln!(
                out,
                "Baidu: submitted {} page URL(s){remain}; {} kept for tomorrow{}",
                pushed.sent,
                pushed.left,
                if pushed.refused > 0 {
                    format!(", {} refused as invalid", pushed.refused)
                } else {
                    String::new()
                }
            );
        }
        None => {}
    }
    if let Format::Json = format {
        let json = serde_json::json!({
            "uploaded": summary.uploads.len(),
            "deleted": summary.deletes.len(),
            "unchanged": summary.unchanged,
            "bytes": summary.bytes,
            "seconds": summary.seconds,
        });
        let _ = writeln!(out, "{json}");
    }
}
