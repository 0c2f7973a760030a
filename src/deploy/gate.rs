//! What must not be published: an output made for staging (`--base-url`) or with drafts, a build
//! that did not finish, and a site whose release checks fail (`check --release`: placeholder
//! domain, the sample notice, scaffold text, numbers of zeros). `--force` lets each through.

use chrono::NaiveDate;
use std::path::Path;

use crate::diagnostics::{Report, Severity};
use crate::model::ResolveOptions;
use crate::output::{BuildRecord, read_build_record};

use super::DeployError;

/// Why a deploy is refused, one reason each; empty when it may go ahead. Content errors (the
/// site does not resolve) are [`DeployError::Content`].
pub fn refusals(
    root: &Path,
    output: &Path,
    build_date: NaiveDate,
) -> Result<Vec<String>, DeployError> {
    let Some(record) = read_build_record(output).unwrap_or_else(|_| Some(BuildRecord::default()))
    else {
        return Err(DeployError::Environment(anyhow::anyhow!(
            "`{}` is not a site parkpress built\n  = help: run `parkpress build` first (deploy publishes what it made)",
            output.display()
        )));
    };
    let mut reasons = Vec::new();
    if !record.finished {
        reasons
            .push("the last build into it did not finish (run `parkpress build` again)".to_owned());
    }
    if let Some(base_url) = &record.base_url {
        reasons.push(format!(
            "it is a staging build made with --base-url {base_url} (run `parkpress build` without --base-url)"
        ));
    }
    if record.drafts {
        reasons
            .push("it was built with --drafts (run `parkpress build` without --drafts)".to_owned());
    }
    let loaded = crate::content::load(root, None, None);
    let options = ResolveOptions {
        build_date,
        drafts: false,
    };
    let (site, diagnostics) = crate::model::resolve(root, loaded, &options);
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let Some(site) = site.filter(|_| errors.is_empty()) else {
        let mut report = Report {
            diagnostics: errors,
        };
        report.sort();
        return Err(DeployError::Content(report));
    };
    reasons.extend(
        crate::checks::release_problems(&site)
            .iter()
            .map(|d| d.render_text().trim_end().replace('\n', "\n    ")),
    );
    Ok(reasons)
}
