//! The authoring commands: `init`, `new`, `import` and `diff`.

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use parkpress::authoring::diff::{DiffError, DiffOptions, OldEdition};
use parkpress::authoring::import::{ImportError, ImportKind, ImportOptions};
use parkpress::authoring::scaffold::NewItem;

use super::{content_failure, environment_error, print_report};

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// Folder for the new site (created when missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Add the example files to a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub(super) struct NewArgs {
    #[command(subcommand)]
    what: NewCommand,
}

#[derive(Debug, Subcommand)]
enum NewCommand {
    /// A park: content/parks/KEY/park.toml and its index.md.
    Park {
        /// The park's key (a slug: lower-case letters, digits, hyphens).
        #[arg(value_name = "KEY")]
        key: String,
        #[command(flatten)]
        force: Force,
    },
    /// A tenant of an existing park: content/parks/PARK/tenants/KEY.md.
    Tenant {
        /// The park and the tenant's key, e.g. data-lake/huawei-cloud.
        #[arg(value_name = "PARK/KEY")]
        target: String,
        #[command(flatten)]
        force: Force,
    },
    /// A news item: content/news/SLUG.md.
    News {
        /// The news item's slug.
        #[arg(value_name = "SLUG")]
        slug: String,
        #[command(flatten)]
        force: Force,
    },
    /// A free page: content/pages/SLUG.md, served at /SLUG/.
    Page {
        /// The page's slug.
        #[arg(value_name = "SLUG")]
        slug: String,
        #[command(flatten)]
        force: Force,
    },
}

#[derive(Debug, Args)]
struct Force {
    /// Replace files that exist already.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The spreadsheet: .xlsx, .xls, .ods or .csv (UTF-8 or GBK).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The park the rows belong to.
    #[arg(long, value_name = "KEY")]
    park: String,
    /// What the rows are.
    #[arg(long, value_enum)]
    kind: KindArg,
    /// The sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Show what would change, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Publish the entries the sheet adds (default: they are drafts, `draft = true`).
    #[arg(long)]
    publish: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Tenants,
    Policies,
    Factors,
}

#[derive(Debug, Args)]
pub(super) struct DiffArgs {
    /// Root folder of the old edition (holding its content/).
    #[arg(
        value_name = "OLD_ROOT",
        required_unless_present = "git",
        conflicts_with = "git"
    )]
    old: Option<PathBuf>,
    /// Compare with the content at this git revision (commit, tag, branch) instead.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Also write a printable page for the reviewer to sign.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The old edition's date, for policies that expired since (default: the commit date with
    /// --git, else the newest date in the old edition).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<NaiveDate>,
}

pub(super) fn init(args: &InitArgs, today: NaiveDate) -> ExitCode {
    match parkpress::authoring::init::init(&args.dir, args.force, today) {
        Ok(summary) => {
            let dir = summary.root.display();
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "Created a new site in {dir} ({} files).\n\nNext steps:\n  cd {dir}\n  \
                 parkpress serve                 preview while you edit (http://127.0.0.1:1111)\n  \
                 parkpress check                 find mistakes and translation gaps\n  \
                 parkpress build                 write the website to output/\n  \
                 parkpress new park KEY          add a park (also: new tenant PARK/KEY, new news SLUG, new page SLUG)\n  \
                 parkpress import FILE.xlsx --park example-park --kind tenants\n\n\
                 Start with content/site.toml: base_url, the zone's name, hotline and filing numbers.\n\
                 The example is illustrative: replace its text, or delete content/parks/example-park.",
                summary.files.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => environment_error(&error),
    }
}

pub(super) fn new(args: &NewArgs, root: &Path, today: NaiveDate) -> ExitCode {
    let (item, force) = match &args.what {
        NewCommand::Park { key, force } => (NewItem::Park(key.clone()), force.force),
        NewCommand::Tenant { target, force } => match NewItem::tenant(target) {
            Ok(item) => (item, force.force),
            Err(error) => return environment_error(&error),
        },
        NewCommand::News { slug, force } => (NewItem::News(slug.clone()), force.force),
        NewCommand::Page { slug, force } => (NewItem::Page(slug.clone()), force.force),
    };
    match parkpress::authoring::scaffold::create(root, &item, force, today) {
        Ok(paths) => {
            let mut out = std::io::stdout().lock();
            for path in &paths {
                let _ = writeln!(out, "created {}", path.display());
            }
            let _ = writeln!(
                out,
                "Fill in the fields (each is explained in the file), then set `draft = false` to \
                 publish; `parkpress check` shows what is still wrong."
            );
            ExitCode::SUCCESS
        }
        Err(error) => environment_error(&error),
    }
}

pub(super) fn import(args: &ImportArgs, root: &Path) -> ExitCode {
    let options = ImportOptions {
        root: root.to_path_buf(),
        file: args.file.clone(),
        park: args.park.clone(),
        kind: match args.kind {
            KindArg::Tenants => ImportKind::Tenants,
            KindArg::Policies => ImportKind::Policies,
            KindArg::Factors => ImportKind::Factors,
        },
        sheet: args.sheet.clone(),
        dry_run: args.dry_run,
        publish: args.publish,
    };
    match parkpress::authoring::import::import(&options) {
        Ok(summary) => {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{}", summary.render());
            ExitCode::SUCCESS
        }
        Err(ImportError::Rows { problems, .. }) => {
            let mut err = std::io::stderr().lock();
            for problem in &problems {
                let _ = writeln!(err, "{}", problem.render_text());
            }
            drop(err);
            content_failure(&format!(
                "import failed with {} problem(s); no file was changed",
                problems.len()
            ))
        }
        Err(ImportError::Usage(error)) => environment_error(&error),
    }
}

pub(super) fn diff(args: &DiffArgs, root: &Path, today: NaiveDate) -> ExitCode {
    let old = match (&args.old, &args.git) {
        (_, Some(rev)) => OldEdition::Git(rev.clone()),
        (Some(path), None) => OldEdition::Root(path.clone()),
        (None, None) => {
            return environment_error(&anyhow::anyhow!(
                "name the old edition: `parkpress diff OLD_ROOT` or `parkpress diff --git REV`"
            ));
        }
    };
    let options = DiffOptions {
        root: root.to_path_buf(),
        old,
        build_date: today,
        since: args.since,
    };
    match parkpress::authoring::diff::diff(&options) {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{}", report.render_text());
            if let Some(path) = &args.html {
                let html = match report.render_html() {
                    Ok(html) => html,
                    Err(diagnostic) => {
                        print_report(&parkpress::diagnostics::Report {
                            diagnostics: vec![diagnostic],
                        });
                        return ExitCode::from(1);
                    }
                };
                if let Err(error) = std::fs::write(path, html) {
                    return environment_error(&anyhow::anyhow!(
                        "cannot write `{}`: {error}",
                        path.display()
                    ));
                }
                let _ = writeln!(
                    out,
                    "Wrote {}: print it, and sign it off (审核人/日期).",
                    path.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(DiffError::Content { edition, report }) => {
            print_report(&report);
            content_failure(&format!(
                "the {edition} edition cannot be read; fix the errors above first"
            ))
        }
        Err(DiffError::Usage(error)) => environment_error(&error),
    }
}
