//! Rebuilds across runs (`.parkpress-cache/build.json`): a `build` in a new process that finds
//! nothing changed skips the work, and whatever changed in between, what a build with the cache
//! leaves in `output/` and `share-kit/` is byte for byte what a cold build (no cache, a new copy
//! of the site) writes, with the same warnings; a damaged cache is ignored and a failed build
//! replaces nothing.

mod common;

use common::{BUILD_EPOCH, Site, copy_dir, parkpress};
use std::collections::BTreeMap;
use std::path::Path;

/// What the summary line says when the build was skipped.
const FROM_CACHE: &str = "nothing changed since the last build";

/// The pages of a summary line (`Built 24 pages, 20 as the last build rendered them (…`): how
/// many were built and how many of them were taken as the last build rendered them.
fn pages(summary: &str) -> (usize, usize) {
    let number = |text: &str| -> usize {
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().expect("a number")
    };
    let built = summary.split("Built ").nth(1).expect("a summary line");
    let reused = built
        .split_once(" pages, ")
        .filter(|(_, rest)| rest.contains(" as the last build rendered them"))
        .map_or(0, |(_, rest)| number(rest));
    (number(built), reused)
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::walk(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("read output file");
            let relative = path.strip_prefix(dir).expect("inside").to_string_lossy();
            (relative.into_owned(), bytes)
        })
        .collect()
}

/// A finished run: stdout, stderr.
fn run(root: &Path, args: &[&str], epoch: &str) -> (String, String) {
    let output = parkpress(root, args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run parkpress");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(
        output.status.success(),
        "parkpress {args:?} failed:\n{}",
        text(&output.stderr)
    );
    (text(&output.stdout), text(&output.stderr))
}

/// Builds `site` with its cache, then builds a copy of its content and themes cold, and asserts
/// that both wrote the same bytes and warnings, and that `check` reports the same on both.
/// Returns the cached build's summary line.
fn build_matches_cold(site: &Site, epoch: &str) -> String {
    let (stdout, stderr) = run(site.root(), &["build"], epoch);
    let cold = tempfile::tempdir().expect("temp dir");
    for folder in ["content", "themes"] {
        copy_dir(&site.path(folder), &cold.path().join(folder));
    }
    let (_, cold_stderr) = run(cold.path(), &["build"], epoch);
    assert_eq!(stderr, cold_stderr, "the warnings of the cached build");
    for folder in ["output", "share-kit"] {
        let (cached, fresh) = (tree(&site.path(folder)), tree(&cold.path().join(folder)));
        assert!(!fresh.is_empty(), "the cold build wrote {folder}/");
        assert_eq!(
            cached.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "the files of {folder}/"
        );
        for (path, bytes) in &fresh {
            assert!(
                cached[path] == *bytes,
                "{folder}/{path} differs from a cold build's"
            );
        }
    }
    assert_eq!(
        run(site.root(), &["check"], epoch),
        run(cold.path(), &["check"], epoch),
        "what check reports"
    );
    stdout
}

/// The basic fixture with a theme of its own (extending the built-in one), so templates, the
/// share kit and warnings (an expired policy) are all in play.
fn site() -> Site {
    let site = Site::fixture("basic");
    site.edit(
        "content/site.toml",
        "title = ",
        "theme = \"local\"\ntitle = ",
    );
    site.write("themes/local/theme.toml", "extends = \"default\"\n");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let not_found = std::fs::read_to_string(root.join("themes/default/templates/404.html"))
        .expect("built-in 404 template");
    site.write("themes/local/templates/404.html", &not_found);
    site
}

#[test]
fn posters_of_the_share_kit_stay_as_a_cold_build_makes_them() {
    let site = site();
    site.write("content/audiences.toml", common::AUDIENCES);
    assert!(!build_matches_cold(&site, BUILD_EPOCH).contains(FROM_CACHE));
    let again = build_matches_cold(&site, BUILD_EPOCH);
    assert!(again.contains(FROM_CACHE), "{again}");
    assert!(site.path("share-kit/links.csv").is_file());
}

#[test]
fn a_cached_rebuild_writes_what_a_cold_build_writes() {
    let site = site();
    let first = build_matches_cold(&site, BUILD_EPOCH);
    assert!(!first.contains(FROM_CACHE), "{first}");
    // Nothing changed: skipped, and still the cold build's output.
    let again = build_matches_cold(&site, BUILD_EPOCH);
    assert!(again.contains(FROM_CACHE), "{again}");
    assert!(again.contains(" 0 written"), "{again}");

    let tenant = "content/parks/data-lake/tenants/cloud-co.md";
    let changes: [(&str, &dyn Fn()); 4] = [
        ("one tenant edited", &|| {
            site.edit(tenant, "云计算公司已入驻。", "云计算公司已入驻，二期扩建。")
        }),
        ("a theme template edited", &|| {
            let template = "themes/local/templates/404.html";
            site.write(
                template,
                &format!("{}\n<!-- edited -->\n", site.read(template)),
            );
        }),
        ("site.toml edited", &|| {
            site.edit("content/site.toml", "0531-0000000", "0531-1111111")
        }),
        ("a file deleted", &|| {
            std::fs::remove_file(site.path("content/news/opening.md")).expect("remove")
        }),
    ];
    for (what, change) in changes {
        change();
        let rebuilt = build_matches_cold(&site, BUILD_EPOCH);
        assert!(!rebuilt.contains(FROM_CACHE), "{what}: {rebuilt}");
        // Pages are taken as the last build rendered them when their inputs are unchanged: after
        // one tenant or one news item fewer, most; after a template (every page's key has the
        // templates) or the contact phone every footer shows, none.
        let (built, reused) = pages(&rebuilt);
        match what {
            "one tenant edited" | "a file deleted" => assert!(
                reused > built / 2 && reused < built,
                "{what}: {reused} of {built} pages reused: {rebuilt}"
            ),
            _ => assert_eq!(reused, 0, "{what}: {rebuilt}"),
        }
        let again = build_matches_cold(&site, BUILD_EPOCH);
        assert!(again.contains(FROM_CACHE), "{what}, then nothing: {again}");
    }

    // Another build date (the expired policy's warning, the sitemap): built again, as cold.
    let next_year = "1811808000";
    let dated = build_matches_cold(&site, next_year);
    assert!(!dated.contains(FROM_CACHE), "another build date: {dated}");
    assert!(build_matches_cold(&site, next_year).contains(FROM_CACHE));

    // Another binary (a new version or build of parkpress): built again.
    let bin = tempfile::tempdir().expect("temp dir");
    let copy = bin.path().join("parkpress");
    std::fs::copy(env!("CARGO_BIN_EXE_parkpress"), &copy).expect("copy the binary");
    let output = std::process::Command::new(&copy)
        .args(["build", "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", next_year)
        .output()
        .expect("run the copy");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains(FROM_CACHE), "another binary: {stdout}");
}

#[test]
fn a_damaged_cache_is_ignored_and_rebuilt() {
    let site = site();
    site.build();
    let record = site.path(".parkpress-cache/build.json");
    let whole = std::fs::read(&record).expect("the build recorded itself");
    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let damaged: [&[u8]; 4] = [&whole[..whole.len() / 3], &flipped, b"", b"\x00\xff{"];
    for bytes in damaged {
        std::fs::write(&record, bytes).expect("damage the record");
        let rebuilt = build_matches_cold(&site, BUILD_EPOCH);
        assert!(!rebuilt.contains(FROM_CACHE), "{rebuilt}");
    }
    // The rendering kept for the next build likewise: a damaged one renders every page again.
    let rendering = site.path(".parkpress-cache/render.bin");
    let whole = std::fs::read(&rendering).expect("the build kept its rendering");
    let mut flipped = whole.clone();
    flipped[whole.len() / 2] ^= 0x20;
    let damaged: [&[u8]; 4] = [&whole[..whole.len() / 3], &flipped, b"", b"\x00\xff{"];
    for bytes in damaged {
        std::fs::write(&rendering, bytes).expect("damage the rendering");
        std::fs::remove_file(&record).expect("no record, so the build runs");
        let rebuilt = build_matches_cold(&site, BUILD_EPOCH);
        assert_eq!(pages(&rebuilt).1, 0, "{rebuilt}");
    }
    std::fs::remove_file(&record).expect("no record, so the build runs");
    let rebuilt = build_matches_cold(&site, BUILD_EPOCH);
    let (built, reused) = pages(&rebuilt);
    assert_eq!(
        reused, built,
        "a whole rendering: every page as it was: {rebuilt}"
    );

    std::fs::remove_dir_all(site.path(".parkpress-cache")).expect("remove the cache");
    assert!(!build_matches_cold(&site, BUILD_EPOCH).contains(FROM_CACHE));
}

#[test]
fn a_failed_build_leaves_the_output_and_the_cache_trusts_nothing_it_did_not_write() {
    let site = site();
    site.build();
    let before = tree(&site.path("output"));
    site.edit("content/site.toml", "languages = ", "languages = = ");
    let failed = site.run(&["build"]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(
        tree(&site.path("output")),
        before,
        "a failed build replaced output/"
    );
    site.edit("content/site.toml", "languages = = ", "languages = ");
    let restored = build_matches_cold(&site, BUILD_EPOCH);
    assert!(restored.contains(FROM_CACHE), "{restored}");

    // A file of output/ changed by hand: not skipped, refused as a cold build over it refuses.
    let page = site.path("output/404.html");
    std::fs::write(&page, "edited by hand").expect("edit the output");
    let refused = site.run(&["build"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("changed since parkpress wrote it"),
        "{stderr}"
    );
    std::fs::remove_file(&page).expect("remove");

    // --no-cache builds in full.
    let (stdout, _) = run(site.root(), &["build", "--no-cache"], BUILD_EPOCH);
    assert!(!stdout.contains(FROM_CACHE), "{stdout}");
}

#[test]
fn a_skipped_build_reports_every_diagnostic_of_the_build_it_skips() {
    let site = site();
    let options = parkpress::BuildOptions {
        root: site.root().to_path_buf(),
        output: None,
        base_url: None,
        drafts: false,
        build_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        pdf: None,
        font_paths: Vec::new(),
        kept: None,
        kit: true,
        carry_pdfs_from: None,
        build_cache: true,
    };
    let full = parkpress::build(&options, &|_, _| {}).expect("build");
    let skipped = parkpress::build(&options, &|_, _| {}).expect("build");
    assert!(!full.from_cache && skipped.from_cache);
    assert!(
        full.report.warning_count() > 0,
        "the fixture has warnings to compare"
    );
    assert_eq!(skipped.report.diagnostics, full.report.diagnostics);
    assert_eq!(
        (
            skipped.page_count,
            skipped.file_count,
            skipped.drafts_left_out
        ),
        (full.page_count, full.file_count, full.drafts_left_out)
    );
}

#[test]
fn a_build_run_under_another_command_name_is_still_skipped() {
    let site = Site::fixture("basic");
    // Shells set `_` to the command they run: `parkpress build`, then the same under `time`.
    let build = |shell_underscore: &str| {
        let output = parkpress(site.root(), &["build"])
            .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
            .env("_", shell_underscore)
            .output()
            .expect("run parkpress");
        assert!(output.status.success(), "the build failed");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = build("/usr/local/bin/parkpress");
    assert!(!first.contains(FROM_CACHE), "{first}");
    let again = build("/usr/bin/time");
    assert!(again.contains(FROM_CACHE), "{again}");
}
