//! Command-line interface: one clap `Args` struct per subcommand. This is the only place that prints.
//!
//! Exit codes: 0 success, 1 content errors, 2 usage or environment errors.

mod authoring;
mod deploy;
mod referrals;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use parkpress::diagnostics::Report;
use parkpress::print::PdfSelection;
use parkpress::{BuildError, BuildOptions};

/// Static site generator for investment promotion: bilingual brochure websites for development zones.
#[derive(Debug, Parser)]
#[command(name = "parkpress", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Folder holding content/ and themes/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Extra folder of fonts for PDFs (repeatable).
    #[arg(long = "font-path", global = true, value_name = "DIR")]
    font_paths: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the content, then write the website to output/.
    Build(BuildArgs),
    /// Validate everything `build` would, writing nothing.
    Check(CheckArgs),
    /// Build the site, then typeset brochures and flyers to PDF in-process with Typst.
    Pdf(PdfArgs),
    /// Print the tracked and short links of each audience and park; write the share kit.
    Share(ShareArgs),
    /// Build into memory and serve with live reload while you edit (never writes output/).
    Serve(ServeArgs),
    /// Create a new site in DIR: two languages, one example park, the built-in theme.
    Init(authoring::InitArgs),
    /// Create a park, tenant, news item or page to fill in.
    New(authoring::NewArgs),
    /// Create or update tenants, policies or factors from a spreadsheet (xlsx, xls, ods, csv).
    Import(authoring::ImportArgs),
    /// List the facts that changed since an earlier edition (a folder, or --git REV), by park.
    Diff(authoring::DiffArgs),
    /// Publish output/ to S3-compatible object storage or a folder, uploading only what changed.
    Deploy(deploy::DeployArgs),
    /// Report per audience what its tracked links brought, from web-server access logs.
    Referrals(referrals::ReferralsArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Port to listen on (the next free one when it is taken).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Include drafts.
    #[arg(long)]
    drafts: bool,
    /// Also typeset and serve the PDFs, regenerated after each change.
    #[arg(long)]
    pdf: bool,
}

#[derive(Debug, Args)]
struct ShareArgs {
    /// Only this audience (a key of content/audiences.toml, or `brochure`).
    #[arg(long, value_name = "KEY")]
    audience: Option<String>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// Output folder (default: <root>/output).
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish under another base URL than site.toml's (e.g. a staging server).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    drafts: bool,
    /// Also typeset the PDFs (brochures and flyers) into output/pdf/.
    #[arg(long)]
    pdf: bool,
    /// Build in full even when nothing changed since the last build, and record nothing in
    /// .parkpress-cache/build.json.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Args)]
struct PdfArgs {
    /// Only this park's brochure and flyer (no zone brochure).
    #[arg(long, value_name = "KEY")]
    park: Option<String>,
    /// Only this language.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Output folder (default: <root>/output).
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// This audience's brochures and flyers, in its language and with its short links in every
    /// QR code, into share-kit/pdf/<audience>/.
    #[arg(long, value_name = "KEY", conflicts_with = "print_shop")]
    audience: Option<String>,
    /// Files for the print shop in print-shop/: brochures and flyers with 3 mm bleed and crop
    /// marks, roll-up banners and contact cards.
    #[arg(long)]
    print_shop: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Check drafts too.
    #[arg(long)]
    drafts: bool,
    /// Also fail on what must not be published: placeholder domains, the sample notice,
    /// scaffold text, phone numbers of zeros, a .cn domain without ICP filing.
    #[arg(long)]
    release: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let build_date = match parkpress::build_date_from_env() {
        Ok(date) => date,
        Err(error) => return environment_error(&error),
    };
    let options = |output: Option<PathBuf>, base_url: Option<String>, drafts: bool| BuildOptions {
        root: cli.global.root.clone(),
        output,
        base_url,
        drafts,
        build_date,
        pdf: None,
        font_paths: cli.global.font_paths.clone(),
        kept: None,
        kit: true,
        carry_pdfs_from: None,
        build_cache: false,
    };
    if let Command::Init(args) = &cli.command {
        return authoring::init(args, build_date);
    }
    if !parkpress::is_site_root(&cli.global.root) && !cli.global.root.join("content").is_dir() {
        let error = anyhow::anyhow!(
            "`{}` has no content/ folder\n  = help: run parkpress in a site folder, or pass --root DIR",
            cli.global.root.display()
        );
        return environment_error(&error);
    }
    match cli.command {
        Command::Build(args) => {
            let pdf = args.pdf.then(PdfSelection::default);
            build(&BuildOptions {
                pdf,
                build_cache: !args.no_cache,
                ..options(args.output, args.base_url, args.drafts)
            })
        }
        Command::Pdf(args) => build(&BuildOptions {
            pdf: Some(PdfSelection {
                park: args.park,
                lang: args.lang,
                audience: args.audience,
                print_shop: args.print_shop,
            }),
            ..options(args.output, None, false)
        }),
        Command::Check(args) => check(&options(None, None, args.drafts), &args),
        Command::Share(args) => share(&options(None, None, false), args.audience.as_deref()),
        Command::Serve(args) => serve(parkpress::serve::ServeOptions {
            build: BuildOptions {
                pdf: args.pdf.then(PdfSelection::default),
                ..options(None, None, args.drafts)
            },
            bind: args.bind,
            port: args.port,
        }),
        Command::Init(args) => authoring::init(&args, build_date),
        Command::New(args) => authoring::new(&args, &cli.global.root, build_date),
        Command::Import(args) => authoring::import(&args, &cli.global.root),
        Command::Diff(args) => authoring::diff(&args, &cli.global.root, build_date),
        Command::Deploy(args) => deploy::deploy(args, &cli.global.root, build_date),
        Command::Referrals(args) => referrals::referrals(&args, &cli.global.root, build_date),
    }
}

fn build(options: &BuildOptions) -> ExitCode {
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message("images");
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = parkpress::build(options, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            print_warning_summary(&summary.report);
            let mut out = std::io::stdout().lock();
            let images = summary.image_stats;
            let _ = writeln!(
                out,
                "Built {} pages{} ({} files: {} written, {} unchanged, {} removed) into {} in {:.2} s; images: {} encoded, {} from cache{}{}",
                summary.page_count,
                match summary.pages_reused {
                    0 => String::new(),
                    reused => format!(", {reused} as the last build rendered them"),
                },
                summary.file_count,
                summary.written.written,
                summary.written.unchanged,
                summary.written.removed,
                summary.output.display(),
                summary.elapsed.as_secs_f64(),
                images.encoded,
                images.cached,
                parkpress::drafts_note(summary.drafts_left_out),
                if summary.from_cache {
                    "; nothing changed since the last build (.parkpress-cache/build.json)"
                } else {
                    ""
                }
            );
            let pdfs = summary.pdfs.note();
            if !pdfs.is_empty() {
                let _ = writeln!(out, "{}", pdfs.trim_start_matches("; "));
            }
            print_posters(&mut out, summary.posters);
            if let Some((dir, count)) = &summary.print_shop {
                let _ = writeln!(
                    out,
                    "Print shop: {count} files in {} (internal: not deployed)",
                    dir.display()
                );
            }
            if !summary.kit_written {
                let _ = writeln!(
                    out,
                    "share-kit/ left as it was: the share kit is made only by a build for the site's own base_url into its own output/"
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(report)) => {
            print_report(&report);
            content_failure(&format!(
                "build failed with {} error(s); output/ was left as it was",
                report.error_count()
            ))
        }
        Err(BuildError::Environment(error)) => environment_error(&error),
    }
}

fn check(options: &BuildOptions, args: &CheckArgs) -> ExitCode {
    let parkpress::CheckResult {
        mut report,
        translation,
    } = parkpress::check(options);
    if args.strict {
        report.make_strict();
    }
    if args.release {
        report.make_errors(parkpress::checks::RELEASE_CODES);
    }
    match args.format {
        Format::Text => {
            print_report(&report);
            let mut out = std::io::stdout().lock();
            for (lang, coverage) in translation.iter().flat_map(|t| &t.languages) {
                let _ = writeln!(
                    out,
                    "translation {lang}: {:.0}% ({} of {} texts)",
                    coverage.percent(),
                    coverage.present,
                    coverage.total
                );
            }
            let _ = writeln!(
                out,
                "{} error(s), {} warning(s)",
                report.error_count(),
                report.warning_count()
            );
        }
        Format::Json => {
            let json = serde_json::json!({ "diagnostics": report.diagnostics, "translation": translation });
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
    }
    if report.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn print_report(report: &Report) {
    let mut err = std::io::stderr().lock();
    for diagnostic in &report.diagnostics {
        let _ = writeln!(err, "{}", diagnostic.render_text());
    }
}

fn serve(options: parkpress::serve::ServeOptions) -> ExitCode {
    let log = std::sync::Arc::new(|line: String| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    });
    match parkpress::serve::run(options, log) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => environment_error(&error),
    }
}

fn share(options: &BuildOptions, audience: Option<&str>) -> ExitCode {
    match parkpress::share(options, audience) {
        Ok(summary) => {
            print_warning_summary(&summary.report);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "audience\ttarget\tlanguage\tshort link\ttracked link");
            for link in &summary.links {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    link.audience, link.target, link.language, link.short_url, link.tracked_url
                );
            }
            let _ = writeln!(
                out,
                "QR codes, links.csv and index.html in {}",
                summary.kit_dir.display()
            );
            print_posters(&mut out, summary.posters);
            if !summary.not_live.is_empty() {
                let _ = writeln!(
                    out,
                    "note: {} of these {} short links are not live yet: their pages are written by the next `parkpress build`, and work once output/ is deployed",
                    summary.not_live.len(),
                    summary.links.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(report)) => {
            print_report(&report);
            ExitCode::from(1)
        }
        Err(BuildError::Environment(error)) => environment_error(&error),
    }
}

/// `Posters: 3 rendered, 22 from cache (unchanged)`, when the kit has posters.
fn print_posters(out: &mut impl Write, posters: parkpress::print::poster::PosterStats) {
    if posters.rendered + posters.cached > 0 {
        let _ = writeln!(
            out,
            "Posters: {} rendered, {} from cache (unchanged)",
            posters.rendered, posters.cached
        );
    }
}

/// One line per warning code: a build stays readable, `check` shows the details.
fn print_warning_summary(report: &Report) {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for diagnostic in &report.diagnostics {
        *counts.entry(diagnostic.code).or_default() += 1;
    }
    if counts.is_empty() {
        return;
    }
    let list: Vec<String> = counts
        .iter()
        .map(|(code, n)| format!("{n} {code}"))
        .collect();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "parkpress: {} warning(s): {} (run `parkpress check` for details)",
        report.warning_count(),
        list.join(", ")
    );
    // What only typesetting finds, `check` cannot show: those are printed here in full.
    for diagnostic in (report.diagnostics.iter())
        .filter(|d| parkpress::print::TYPESETTING_WARNINGS.contains(&d.code))
    {
        let _ = writeln!(err, "{}", diagnostic.render_text());
    }
}

/// Ends a command the content stopped: `message` on stderr after what was reported, exit code 1.
pub(crate) fn content_failure(message: &str) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "parkpress: {message}");
    ExitCode::from(1)
}

pub(crate) fn environment_error(error: &anyhow::Error) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "parkpress: error: {error:#}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
