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

/// The investors' languages fixture (German, Japanese, Korean, Italian interface) as a
/// government site: `site_code`, sponsor and filing numbers add head metadata and footer lines.
fn investor_langs_government_site() -> Site {
    let site = Site::fixture("investor-langs");
    site.edit(
        "content/site.toml",
        "[zone]\n",
        "[zone]\nsite_code = \"3701250001\"\nicp = \"鲁ICP备00000000号\"\n\
         police_record = \"鲁公网安备 37012502000123号\"\n\
         sponsor = { zh = \"港区人民政府\", en = \"Port District Government\", de = \"Bezirksregierung Hafen\" }\n\
         organizer = \"港区管委会\"\n",
    );
    site
}

#[test]
fn investor_language_government_pages_pass_the_nu_html_checker() {
    let site = investor_langs_government_site();
    site.build();
    let de = site.out("de/index.html");
    assert!(de.contains(r#"<meta name="SiteIDCode" content="3701250001">"#));
    assert!(de.contains("Herausgeber: Bezirksregierung Hafen"));
    assert_no_vnu_errors(&site);
}

/// axe-core violations on `paths` of the built site at 390 and 1280 px, one line each.
fn axe_violations(site: &Site, paths: &[&str]) -> Vec<String> {
    axe_violations_in(site, paths, false)
}

/// As [`axe_violations`], with elderly mode on or off.
fn axe_violations_in(site: &Site, paths: &[&str], elderly: bool) -> Vec<String> {
    let mut args: Vec<OsString> = Vec::new();
    if elderly {
        args.push("--elderly".into());
    }
    args.push(site.path("output").into());
    args.extend(paths.iter().map(OsString::from));
    let report = run_browser_script("axe.mjs", &args);
    let mut lines = Vec::new();
    for page in report.as_array().expect("array of pages") {
        assert_eq!(
            page["elderly"], elderly,
            "{} opened in the wrong mode",
            page["path"]
        );
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
    // The investor tools, once.
    for tool in [
        "/costs/",
        "/finder/",
        "/carriers/",
        "/compare/",
        "/enquiry/",
    ] {
        paths.push(tool.to_owned());
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

#[test]
fn german_japanese_and_korean_pages_have_no_axe_violations() {
    if !browser_tools_ready() {
        return;
    }
    let site = investor_langs_government_site();
    site.build();
    let mut paths = Vec::new();
    for lang in ["de", "ja", "ko"] {
        for page in ["/", "/parks/port/", "/policies/", "/search/"] {
            paths.push(format!("/{lang}{page}"));
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
fn elderly_mode_pages_have_no_axe_violations() {
    if !browser_tools_ready() {
        return;
    }
    let site = example();
    site.build();
    let paths = [
        "/",
        "/parks/",
        "/parks/dawo/",
        "/parks/dawo/tenants/huawei-cloud/",
        "/policies/",
        "/news/",
        "/en/",
        "/en/parks/dawo/",
        "/costs/",
    ];
    let violations = axe_violations_in(&site, &paths, true);
    assert!(
        violations.is_empty(),
        "axe-core violations with elderly mode on:\n{}",
        violations.join("\n")
    );
}

#[test]
fn elderly_mode_enlarges_text_on_phones_and_stays_on_across_pages() {
    if !browser_tools_ready() {
        return;
    }
    let site = example();
    site.build();
    let args: Vec<OsString> = vec![
        site.path("output").into(),
        "/parks/dawo/".into(),
        "/policies/".into(),
    ];
    let r = run_browser_script("elderly.mjs", &args);
    let num = |state: &str, key: &str| r[state][key].as_f64().expect(key);
    assert_eq!(r["before"]["on"], false, "{r}");
    assert_eq!(
        r["before"]["toggle_visible"], true,
        "the header has the toggle: {r}"
    );
    // On: body text at least 18 px on a phone, line height at least 1.3, the button says so.
    assert_eq!(r["after"]["on"], true, "{r}");
    assert_eq!(r["after"]["pressed"], "true");
    assert!(
        num("after", "font_size") >= 18.0 && num("before", "font_size") < 18.0,
        "{r}"
    );
    assert!(num("after", "line_height") >= 1.3, "{r}");
    // Remembered on the next page (local storage, no cookie).
    assert_eq!(r["next_page"]["on"], true, "{r}");
    assert!(num("next_page", "font_size") >= 18.0, "{r}");
    assert_eq!(r["cookies"], 0);
    // No horizontal scrolling at phone width or at 200% zoom of a 1280 px window.
    assert_eq!(num("next_page", "overflow_x"), 0.0, "{r}");
    assert_eq!(num("zoomed", "overflow_x"), 0.0, "{r}");
    // Print is unchanged, and the toggle is not printed.
    assert_eq!(
        r["print_after"]["font_size"],
        r["print_before"]["font_size"]
    );
    assert_eq!(
        r["print_after"]["line_height"],
        r["print_before"]["line_height"]
    );
    assert_eq!(r["print_after"]["toggle_visible"], false, "{r}");
}
