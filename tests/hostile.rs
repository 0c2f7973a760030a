//! Hostile content (issue 14): each test is a case of the probe, with its exact payload, run
//! through the real binary on a copy of a fixture site.

mod common;

use common::Site;

impl Site {
    /// `check` output (stdout and stderr) and whether it passed.
    fn check(&self) -> (bool, String) {
        let output = self.run(&["check"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }

    /// Runs `args`, expects it to fail, and returns what it printed.
    fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{args:?} succeeded:\n{text}");
        text
    }

    /// Every built file's text joined, to search for what must not be published.
    fn published(&self) -> String {
        common::walk(&self.path("output"))
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }
}

const TENANT: &str = "content/parks/data-lake/tenants/cloud-co.md";
const PARK: &str = "content/parks/data-lake/park.toml";
const NEWS: &str = "content/news/opening.md";

/// Defect 1: `javascript:` and `data:` URLs in every URL field are errors with file, line and
/// field, in any case; nothing is published.
#[test]
fn script_urls_in_link_fields_are_errors() {
    for payload in [
        "javascript:alert(62)",
        "JaVaScRiPt:alert(62)",
        "data:text/html,<script>alert(62)</script>",
    ] {
        let site = Site::fixture("basic");
        site.edit(
            TENANT,
            "featured = true",
            &format!("featured = true\nwebsite = \"{payload}\""),
        );
        site.edit(
            PARK,
            "valid_until = 2030-12-31",
            &format!("valid_until = 2030-12-31\nsource_url = \"{payload}\""),
        );
        site.edit(
            NEWS,
            "en = \"Jinan Daily\" } }",
            &format!("en = \"Jinan Daily\" }}, url = \"{payload}\" }}"),
        );
        let (ok, text) = site.check();
        assert!(!ok, "check passed with {payload}:\n{text}");
        for (file, line, field) in [
            (TENANT, 7, "`website`"),
            (PARK, 15, "`policies.source_url`"),
            (NEWS, 6, "`source.url`"),
        ] {
            let place = format!("{}:{line}:", file.trim_start_matches("content/"));
            assert!(
                text.lines().any(|l| l.contains(&place)) && text.contains(field),
                "no error at {place} for {field} with {payload}:\n{text}"
            );
        }
        let _ = site.fails(&["build"]);
        assert!(!site.published().contains("alert(62)"));
    }
}

/// Defect 1: `--base-url` and `base_url` are validated like link fields.
#[test]
fn hostile_base_urls_are_refused() {
    let site = Site::fixture("basic");
    let text = site.fails(&["build", "--base-url", "javascript:alert(1)//"]);
    assert!(text.contains("--base-url"), "{text}");
    assert!(!site.path("output").exists());
    site.edit(
        "content/site.toml",
        "base_url = \"https://invest.example.gov.cn/invest/\"",
        "base_url = \"https://invest.example.gov.cn/<!--<script>\"",
    );
    let (ok, text) = site.check();
    assert!(
        !ok && text.contains("site.toml:1:") && text.contains("base_url"),
        "{text}"
    );
}
