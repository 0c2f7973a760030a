//! The built pages measured with checkers nobody here wrote: the W3C Nu Html Checker (vnu-jar)
//! on every page, and axe-core in headless Chromium at phone and desktop widths.

mod common;

use common::{Site, browser_dir, browser_tools_ready, run_browser_script};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example site of the repository (`content/`), copied into a temporary folder.
fn example() -> Site {
    let site = Site {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &site.path("content"),
    );
    site
}

fn vnu_jar() -> Option<PathBuf> {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java").arg("-version").output().is_ok();
    if java && jar.is_file() {
        return Some(jar);
    }
    let reason = "the Nu Html Checker needs Java and `npm ci --prefix tests/browser`";
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{reason}: .ci/run installs them"
    );
    eprintln!("skipping: {reason}");
    None
}

/// The Nu Html Checker's errors on every HTML file of `output/`, one line each.
fn vnu_errors(jar: &Path, site: &Site) -> Vec<String> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--format", "json", "--errors-only", "--skip-non-html"])
        .arg(site.path("output"))
        .output()
        .expect("run vnu");
    let report: serde_json::Value =
        serde_json::from_slice(&output.stderr).expect("vnu prints JSON on stderr");
    let messages = report["messages"].as_array().expect("messages");
    assert!(
        output.status.success() || !messages.is_empty(),
        "vnu failed without messages"
    );
    messages
        .iter()
        .map(|m| {
            format!(
                "{}:{}: {}",
                m["url"].as_str().unwrap_or("?"),
                m["lastLine"],
                m["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

fn assert_no_vnu_errors(site: &Site) {
    let Some(jar) = vnu_jar() else { return };
    site.build();
    let errors = vnu_errors(&jar, site);
    assert!(
        errors.is_empty(),
        "{} Nu Html Checker errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn example_pages_pass_the_nu_html_checker() {
    assert_no_vnu_errors(&example());
}

#[test]
fn three_language_pages_pass_the_nu_html_checker() {
    assert_no_vnu_errors(&Site::fixture("three-langs"));
}

/// axe-core violations on `paths` of the built site at 390 and 1280 px, one line each.
fn axe_violations(site: &Site, paths: &[&str]) -> Vec<String> {
    let mut args: Vec<OsString> = vec![site.path("output").into()];
    args.extend(paths.iter().map(OsString::from));
    let report = run_browser_script("axe.mjs", &args);
    let mut lines = Vec::new();
    for page in report.as_array().expect("array of pages") {
        for v in page["violations"].as_array().expect("violations") {
            lines.push(format!(
                "{} at {} px: {} ({}) {}",
                page["path"], page["width"], v["id"], v["impact"], v["targets"]
            ));
        }
    }
    assert_eq!(
        report.as_array().map(Vec::len),
        Some(paths.len() * 2),
        "every page at both widths"
    );
    lines
}

#[test]
fn example_pages_have_no_axe_violations() {
    if !browser_tools_ready() {
        return;
    }
    let site = example();
    site.build();
    let mut paths = Vec::new();
    for lang in ["", "/en"] {
        for page in [
            "/",
            "/parks/",
            "/parks/dawo/",
            "/parks/dawo/tenants/huawei-cloud/",
            "/policies/",
            "/tenants/",
            "/news/",
            "/news/jibei-park-in-park-2020/",
            "/search/",
            "/404.html",
        ] {
            if lang.is_empty() || page != "/404.html" {
                paths.push(format!("{lang}{page}"));
            }
        }
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let violations = axe_violations(&site, &paths);
    assert!(
        violations.is_empty(),
        "axe-core violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn three_language_pages_have_no_axe_violations() {
    if !browser_tools_ready() {
        return;
    }
    let site = Site::fixture("three-langs");
    site.build();
    let violations = axe_violations(&site, &["/", "/parks/port/", "/ja/", "/ja/parks/port/"]);
    assert!(
        violations.is_empty(),
        "axe-core violations:\n{}",
        violations.join("\n")
    );
}
