//! Snapshots of what users read: `check`'s diagnostics (text and JSON) on the error fixture, the
//! `share` table and `diff`'s change report. A change of wording shows up here as a failing test
//! and is reviewed on purpose: run `INSTA_UPDATE=always cargo test --test snapshots` (or
//! `cargo insta review`), read the diff of `tests/snapshots/`, and commit it with the change.
//! Temporary paths are redacted to `[ROOT]` and `[OLD]`.

mod common;

use common::Site;

/// What a run printed, stdout then stderr, with the site's folder as `[ROOT]`.
fn printed(site: &Site, output: &std::process::Output) -> String {
    let text = format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    redact(&text, site, "[ROOT]")
}

fn redact(text: &str, site: &Site, label: &str) -> String {
    let root = site.root().display().to_string();
    // Canonical forms too (macOS /private/var, symlinked temp folders).
    let canonical = site
        .root()
        .canonicalize()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| root.clone());
    text.replace(&canonical, label).replace(&root, label)
}

#[test]
fn check_text_diagnostics_of_the_error_fixture() {
    let site = Site::fixture("errors");
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1), "the fixture has errors");
    insta::assert_snapshot!(printed(&site, &output));
}

#[test]
fn check_json_diagnostics_of_the_error_fixture() {
    let site = Site::fixture("errors");
    let output = site.run(&["check", "--format", "json"]);
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("check --format json prints JSON");
    let pretty = serde_json::to_string_pretty(&json).expect("JSON");
    insta::assert_snapshot!(redact(&pretty, &site, "[ROOT]"));
}

#[test]
fn share_table_of_an_audience() {
    let site = Site::fixture("referrals");
    let output = site.run(&["share", "--audience", "beijing-chamber"]);
    assert!(output.status.success(), "{}", printed(&site, &output));
    insta::assert_snapshot!(printed(&site, &output));
}

#[test]
fn diff_change_report_between_two_editions() {
    let new = Site::fixture("authoring-diff-new");
    let old = Site::fixture("authoring-diff-old");
    let output = new.run(&["diff", old.root().to_str().expect("path")]);
    let text = redact(&printed(&new, &output), &old, "[OLD]");
    insta::assert_snapshot!(text);
}
