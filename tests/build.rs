//! Integration tests: the real `parkpress` binary on small fixture sites copied to temp folders.

mod common;
use common::{Site, walk};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

impl Site {
    /// Every output file's text, for "appears nowhere" assertions.
    fn all_output_text(&self) -> String {
        let mut all = String::new();
        for entry in walk(&self.root().join("output")) {
            if let Ok(text) = std::fs::read_to_string(&entry) {
                all.push_str(&text);
            }
        }
        all
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn builds_every_page_in_both_languages() {
    let site = Site::fixture("basic");
    site.build();
    for page in [
        "index.html",
        "parks/index.html",
        "parks/data-lake/index.html",
        "parks/data-lake/tenants/cloud-co/index.html",
        "tenants/index.html",
        "policies/index.html",
        "news/index.html",
        "news/opening/index.html",
        "news/atom.xml",
        "about/index.html",
        "en/index.html",
        "en/parks/data-lake/index.html",
        "en/news/atom.xml",
        "en/about/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        ".parkpress-output",
    ] {
        assert!(site.exists(page), "missing {page}");
    }
    assert!(site.out("index.html").contains(r#"<html lang="zh-CN""#));
    assert!(site.out("en/index.html").contains(r#"<html lang="en""#));
}

#[test]
fn localized_text_falls_back_to_the_default_language() {
    let site = Site::fixture("basic");
    site.build();
    let en = site.out("en/parks/data-lake/index.html");
    assert!(en.contains("Data Lake Park"));
    assert!(en.contains("Big data and cloud computing"));
    // `operator` has only Chinese: the English page shows it rather than nothing.
    assert!(en.contains("智达公司"), "operator should fall back to zh");
    let zh = site.out("parks/data-lake/index.html");
    assert!(zh.contains("数据湖产业园") && zh.contains("大数据与云计算"));
    // Money in each language's own scale.
    assert!(site.out("index.html").contains("265.92"));
    assert!(site.out("en/index.html").contains("26.59"));
}

#[test]
fn text_from_toml_is_escaped() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.out("parks/data-lake/index.html");
    assert!(
        page.contains("智达公司 &lt;Zhida&gt; &amp; 合作方"),
        "operator must be HTML-escaped"
    );
    assert!(!page.contains("<Zhida>"));
}

#[test]
fn raw_script_in_markdown_is_sanitized() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.out("parks/data-lake/index.html");
    assert!(
        !page.contains("alert(\"stolen\")"),
        "script from Markdown must be removed"
    );
    assert!(!page.contains("<script>alert"));
}

#[test]
fn expired_policies_are_hidden_everywhere() {
    let site = Site::fixture("basic");
    site.build();
    for page in [
        "parks/data-lake/index.html",
        "policies/index.html",
        "en/policies/index.html",
    ] {
        let html = site.out(page);
        assert!(
            html.contains("租金补贴") || html.contains("Rent subsidy"),
            "{page} lacks the live policy"
        );
        assert!(
            !html.contains("已过期的旧政策") && !html.contains("An expired old policy"),
            "{page} shows an expired policy"
        );
    }
    assert!(
        site.out("parks/data-lake/index.html")
            .contains(r#"id="rent-subsidy""#)
    );
}

#[test]
fn content_links_resolve_per_language() {
    let site = Site::fixture("basic");
    site.build();
    let zh = site.out("parks/data-lake/index.html");
    assert!(
        zh.contains(r#"href="/invest/parks/zhizao/""#),
        "zh link to the other park"
    );
    // The anchor keeps its Chinese id; in the href it is percent-encoded, as URLs are.
    assert!(
        zh.contains(r#"href="/invest/about/#%E5%85%A5%E5%9B%AD%E6%B5%81%E7%A8%8B""#),
        "link to a page with a CJK anchor"
    );
    let en = site.out("en/parks/data-lake/index.html");
    assert!(
        en.contains(r#"href="/invest/en/parks/zhizao/""#),
        "en link to the other park"
    );
}

#[test]
fn cjk_headings_get_stable_unique_ids() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.out("parks/data-lake/index.html");
    assert!(page.contains(r#"id="园区优势""#));
    assert!(page.contains(r#"id="园区优势-1""#));
    assert!(site.out("about/index.html").contains(r#"id="入园流程""#));
}

#[test]
fn drafts_and_confidential_tenants_are_left_out() {
    let site = Site::fixture("basic");
    site.build();
    assert!(!site.exists("news/hidden-draft/index.html"));
    assert!(!site.exists("parks/data-lake/tenants/secret-deal/index.html"));
    assert!(
        !site.exists("parks/data-lake/tenants/secret-logo.svg"),
        "files of hidden tenants stay private"
    );
    let all = site.all_output_text();
    assert!(
        !all.contains("草稿新闻不应发布"),
        "draft news appears somewhere"
    );
    assert!(
        !all.contains("机密洽谈项目"),
        "a negotiating tenant is named somewhere"
    );
    assert!(
        site.out("parks/data-lake/index.html")
            .contains("云计算公司")
    );

    let with_drafts = site.run(&["build", "--drafts"]);
    assert!(with_drafts.status.success(), "{}", stderr(&with_drafts));
    assert!(site.exists("news/hidden-draft/index.html"));
    assert!(
        !site.exists("parks/data-lake/tenants/secret-deal/index.html"),
        "--drafts never publishes confidential deals"
    );
}

#[test]
fn pages_carry_absolute_canonical_og_image_and_hreflang() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.out("en/parks/data-lake/index.html");
    assert!(page.contains(
        r#"<link rel="canonical" href="https://invest.example.gov.cn/invest/en/parks/data-lake/">"#
    ));
    assert!(page.contains(
        r#"hreflang="zh-CN" href="https://invest.example.gov.cn/invest/parks/data-lake/""#
    ));
    assert!(page.contains(
        r#"hreflang="en" href="https://invest.example.gov.cn/invest/en/parks/data-lake/""#
    ));
    let og_image = page
        .split(r#"property="og:image" content=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("og:image");
    assert!(
        og_image.starts_with("https://invest.example.gov.cn/invest/"),
        "og:image not absolute: {og_image}"
    );
    assert!(page.contains(r#"property="og:title""#) && page.contains(r#"name="description""#));
    assert!(page.contains("Sample data for tests"), "notice banner");
    assert!(
        page.contains("鲁ICP备00000000号"),
        "ICP filing in the footer"
    );
    // Nothing is loaded from another host.
    for attr in ["src=\"http", "href=\"//", "src=\"//"] {
        assert!(!page.contains(attr), "external resource ({attr}) in page");
    }
}

#[test]
fn sitemap_lists_pages_with_alternates_and_no_drafts() {
    let site = Site::fixture("basic");
    site.build();
    let sitemap = site.out("sitemap.xml");
    assert!(sitemap.contains("<loc>https://invest.example.gov.cn/invest/parks/data-lake/</loc>"));
    assert!(
        sitemap.contains("<loc>https://invest.example.gov.cn/invest/en/parks/data-lake/</loc>")
    );
    assert!(
        sitemap.contains(
            r#"hreflang="en" href="https://invest.example.gov.cn/invest/en/news/opening/""#
        )
    );
    assert!(!sitemap.contains("hidden-draft"));
    assert!(!sitemap.contains("secret-deal"));
    assert!(
        site.out("robots.txt")
            .contains("Sitemap: https://invest.example.gov.cn/invest/sitemap.xml")
    );
    let feed = site.out("news/atom.xml");
    assert!(feed.contains("园区开园") && !feed.contains("草稿新闻"));
}

/// The `<lastmod>` of the sitemap entry whose `<loc>` is `url`; `None` when it has none.
fn sitemap_lastmod(sitemap: &str, url: &str) -> Option<String> {
    let entry = sitemap
        .split("<url>")
        .find(|e| e.contains(&format!("<loc>{url}</loc>")))
        .unwrap_or_else(|| panic!("{url} not in the sitemap:\n{sitemap}"));
    let date = entry
        .split("<lastmod>")
        .nth(1)?
        .split("</lastmod>")
        .next()?;
    Some(date.to_owned())
}

#[test]
fn sitemap_dates_each_page_by_the_newest_date_its_content_shows() {
    let site = Site::fixture("basic");
    // A policy in force since 2021 is the park's newest fact; one that only starts after the
    // build date (2026-06-01) has not changed anything yet.
    site.edit(
        "content/parks/data-lake/park.toml",
        "[[factors]]",
        "[[policies]]\nkey = \"talent\"\ntitle = \"人才补贴\"\ncategory = \"talent\"\nsummary = \"补贴\"\nvalid_from = 2021-03-01\n\n\
         [[policies]]\nkey = \"next-year\"\ntitle = \"明年政策\"\ncategory = \"other\"\nsummary = \"明年\"\nvalid_from = 2027-01-01\n\n[[factors]]",
    );
    site.build();
    let sitemap = site.out("sitemap.xml");
    let base = "https://invest.example.gov.cn/invest/";
    let lastmod = |path: &str| sitemap_lastmod(&sitemap, &format!("{base}{path}"));
    assert_eq!(
        lastmod("news/opening/").as_deref(),
        Some("2020-05-29"),
        "a news item: its date"
    );
    assert_eq!(lastmod("en/news/opening/").as_deref(), Some("2020-05-29"));
    assert_eq!(
        lastmod("news/").as_deref(),
        Some("2020-05-29"),
        "news list: newest item"
    );
    assert_eq!(
        lastmod("parks/data-lake/").as_deref(),
        Some("2021-03-01"),
        "a park: its newest policy start or as_of, never a future one"
    );
    assert_eq!(lastmod("policies/").as_deref(), Some("2021-03-01"));
    assert_eq!(
        lastmod("costs/").as_deref(),
        Some("2020-05-01"),
        "factor prices"
    );
    assert_eq!(
        lastmod("").as_deref(),
        Some("2021-03-01"),
        "home: newest of all it shows"
    );
    assert_eq!(
        lastmod("about/"),
        None,
        "a page that shows no date has no lastmod"
    );
    assert_eq!(lastmod("parks/zhizao/"), None, "a park with no dated facts");
    assert!(!sitemap.contains("2027-01-01") && !sitemap.contains("2026-06-01"));
}

#[test]
fn same_input_and_date_give_identical_output() {
    let site = Site::fixture("basic");
    site.build();
    let first: Vec<(PathBuf, Vec<u8>)> = walk(&site.root().join("output"))
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    site.build();
    let second: Vec<(PathBuf, Vec<u8>)> = walk(&site.root().join("output"))
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    assert_eq!(first.len(), second.len());
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{} differs between builds", path.display());
    }
}

#[test]
fn three_languages_and_a_theme_that_extends_default() {
    let site = Site::fixture("three-langs");
    site.build();
    let ja = site.out("ja/parks/port/index.html");
    assert!(ja.contains(r#"<html lang="ja-JP""#));
    assert!(ja.contains("物流パーク"));
    assert!(
        ja.contains("港务集团"),
        "ja falls back to zh where a table has no ja"
    );
    assert!(site.out("en/parks/port/index.html").contains("Port Group"));
    // The child theme overrides one template, one string and adds a static file; the rest is inherited.
    assert!(site.out("404.html").contains("Brand theme: page not found"));
    assert!(site.out("en/index.html").contains("Industrial Parks"));
    assert!(
        !site.out("index.html").contains("Industrial Parks"),
        "zh keeps the parent's string"
    );
    assert!(site.exists("brand.css"));
    assert!(
        site.exists("css/site.css"),
        "parent static files are inherited"
    );
    assert!(
        site.out("parks/port/index.html")
            .contains(r#"hreflang="ja-JP""#)
    );
}

#[test]
fn errors_in_two_files_are_all_reported_with_positions() {
    let site = Site::fixture("errors");
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("content/parks/data-lake/park.toml:2:1"),
        "{err}"
    );
    assert!(err.contains("did you mean `operator`?"), "{err}");
    assert!(err.contains("content/news/bad-date.md:3:8"), "{err}");
    assert!(
        err.contains("unknown-field") && err.contains("invalid-date"),
        "{err}"
    );

    let json = site.run(&["check", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let diagnostics = value["diagnostics"].as_array().expect("array");
    assert!(
        diagnostics
            .iter()
            .any(|d| d["file"] == "content/parks/data-lake/park.toml"
                && d["line"] == 2
                && d["column"] == 1)
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d["file"] == "content/news/bad-date.md" && d["line"] == 3)
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::fixture("basic");
    site.build();
    let before = site.out("parks/data-lake/index.html");
    site.write(
        "content/parks/zhizao/park.toml",
        "name = \"x\"\noperater = \"typo\"\n",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("content/parks/zhizao/park.toml:2:1"));
    assert_eq!(site.out("parks/data-lake/index.html"), before);
    assert!(
        site.exists("parks/zhizao/index.html"),
        "previous output kept whole"
    );
}

/// Modification times of every output file, after setting them all to one old time.
fn age_output(root: &Path) -> std::time::SystemTime {
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for path in walk(&root.join("output")) {
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .expect("set mtime");
    }
    old
}

fn modified(root: &Path, path: &str) -> std::time::SystemTime {
    std::fs::metadata(root.join("output").join(path))
        .and_then(|m| m.modified())
        .expect("mtime")
}

#[test]
fn a_rebuild_writes_only_what_changed_and_removes_what_is_gone() {
    let site = Site::fixture("basic");
    site.build();
    let old = age_output(site.root());

    // Nothing changed: nothing is written, every file keeps its time.
    let stdout = site.build();
    assert!(stdout.contains(" 0 written"), "{stdout}");
    assert!(walk(&site.root().join("output")).iter().all(|p| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .expect("mtime")
            == old
    }));

    // A park renamed, a news item deleted, a stray file dropped into output/.
    site.write(
        "content/parks/zhizao/park.toml",
        &std::fs::read_to_string(site.root().join("content/parks/zhizao/park.toml"))
            .expect("read")
            .replace("name = { zh = \"", "name = { zh = \"新"),
    );
    std::fs::remove_file(site.root().join("content/news/opening.md")).expect("rm");
    std::fs::write(site.root().join("output/stray.txt"), "left by hand").expect("write");
    // parkpress removes only what it wrote: the stray file stops the build, and is kept.
    let refused = site.run(&["build"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("did not write `stray.txt`"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("output/stray.txt")).expect("kept"),
        "left by hand"
    );
    std::fs::remove_file(site.root().join("output/stray.txt")).expect("rm");
    let stdout = site.build();
    assert!(!stdout.contains(" 0 written"), "{stdout}");

    assert!(site.out("parks/zhizao/index.html").contains("新"));
    assert_ne!(modified(site.root(), "parks/zhizao/index.html"), old);
    assert_eq!(
        modified(site.root(), "css/site.css"),
        old,
        "an unchanged file is not rewritten"
    );
    assert!(!site.exists("news/opening/index.html"));
    assert!(!site.exists("news/opening"), "its emptied folder goes too");
    assert!(!site.exists("en/news/opening"));
    assert!(site.exists(".parkpress-output"));
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("read root")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains("parkpress-staging")
        })
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}

#[test]
fn refuses_output_folders_it_did_not_make() {
    let site = Site::fixture("basic");
    let foreign = site.root().join("precious");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("thesis.docx"), "do not delete").expect("write");
    let output = site.run(&["build", "--output", foreign.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("not made by parkpress"));
    assert_eq!(
        std::fs::read_to_string(foreign.join("thesis.docx")).expect("kept"),
        "do not delete"
    );

    for target in [
        site.root().to_path_buf(),
        site.root().join("content"),
        site.root().join("share-kit"),
    ] {
        let output = site.run(&["build", "--output", target.to_str().expect("utf-8 path")]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    }
    assert!(site.root().join("content/site.toml").exists());
    let kit = site.root().join("share-kit");
    assert!(
        stderr(&site.run(&["build", "--output", kit.to_str().expect("utf-8 path")]))
            .contains("share kit"),
        "the share kit is refused by name"
    );
}

/// Issue 14, defect 9: a `.parkpress-output` marker copied by hand into a project folder does
/// not make `build --output` there delete its files.
#[test]
fn a_marker_copied_into_another_folder_does_not_make_it_parkpresss() {
    let site = Site::fixture("basic");
    site.build();
    let project = site.root().join("project");
    std::fs::create_dir_all(project.join("docs")).expect("mkdir");
    std::fs::create_dir_all(project.join(".git")).expect("mkdir");
    std::fs::write(project.join("important.txt"), "do not delete").expect("write");
    std::fs::write(project.join("docs/plan.md"), "# plan").expect("write");
    std::fs::write(project.join(".git/HEAD"), "ref: refs/heads/main").expect("write");
    std::fs::copy(
        site.root().join("output/.parkpress-output"),
        project.join(".parkpress-output"),
    )
    .expect("copy the marker");
    let before: Vec<(PathBuf, Vec<u8>)> = walk(&project)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    let output = site.run(&["build", "--output", project.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("parkpress did not write") && message.contains("important.txt"),
        "{message}"
    );
    let after: Vec<(PathBuf, Vec<u8>)> = walk(&project)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    assert_eq!(before, after, "every file of the folder is kept as it was");
}

#[test]
fn base_url_override_changes_links() {
    let site = Site::fixture("basic");
    let output = site.run(&["build", "--base-url", "https://staging.example.org"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = site.out("parks/data-lake/index.html");
    assert!(page.contains(r#"href="https://staging.example.org/parks/data-lake/""#));
    assert!(page.contains(r#"href="/parks/zhizao/""#));
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::fixture("basic");
    assert_eq!(
        site.run(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_parkpress"))
        .args(["build", "--root"])
        .arg(empty.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no content/ folder"));
}

#[test]
fn build_says_how_many_drafts_it_left_out() {
    let site = Site::fixture("basic");
    // The fixture has one draft news item; add a draft page and a draft policy.
    site.write(
        "content/pages/plans.md",
        "+++\ntitle = \"规划\"\ndraft = true\n+++\n正在编写。\n",
    );
    let park = site.read("content/parks/data-lake/park.toml");
    site.write(
        "content/parks/data-lake/park.toml",
        &format!(
            "{park}\n[[policies]]\nkey = \"draft-policy\"\ntitle = \"草拟政策\"\nsummary = \"尚未发布\"\ndraft = true\n"
        ),
    );
    let stdout = site.build();
    assert!(
        stdout.contains("3 drafts not published (--drafts shows them)"),
        "{stdout}"
    );
    assert!(!site.exists("plans/index.html"));
    let output = site.run(&["build", "--drafts"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("not published"), "{stdout}");
    assert!(site.exists("plans/index.html"));
}

#[test]
fn money_units_in_factor_and_carrier_units_are_scaled_per_language() {
    let site = Site::fixture("basic");
    let park = site.read("content/parks/data-lake/park.toml");
    site.write(
        "content/parks/data-lake/park.toml",
        &format!(
            "{park}\n[[factors]]\nkind = \"land\"\nlabel = {{ zh = \"工业用地价格\", en = \"Industrial land price\" }}\nvalue = 19.2\nunit = {{ zh = \"万元/亩\", en = \"10,000 yuan/mu\" }}\n\n[[carriers]]\nkind = \"land\"\nname = {{ zh = \"北区地块\", en = \"North plot\" }}\narea = {{ value = 48000, unit = {{ zh = \"平方米\", en = \"m²\" }} }}\nprice = {{ value = 25, unit = {{ zh = \"万元/亩\", en = \"10,000 yuan/mu\" }} }}\n"
        ),
    );
    site.build();
    let en = site.out("en/parks/data-lake/index.html");
    assert!(en.contains("192,000 yuan/mu"), "factor in English");
    assert!(en.contains("250,000 yuan/mu"), "carrier price in English");
    assert!(en.contains("48,000 m²"), "grouped area");
    assert!(
        !en.contains("10,000 yuan/mu"),
        "no scale word left in the unit"
    );
    let zh = site.out("parks/data-lake/index.html");
    assert!(zh.contains("19.2万元/亩"), "Chinese keeps 万元");
    assert!(
        zh.contains("48000平方米"),
        "Chinese numbers are not grouped"
    );
}

#[test]
fn one_not_found_page_in_every_language_that_search_engines_skip() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.out("404.html");
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!page.contains(r#"rel="canonical""#) && !page.contains("hreflang"));
    assert!(!page.contains("og:url") && !page.contains("ld+json"));
    assert!(!site.exists("en/404.html"));
    // Both languages' text, each linking to its own home page and park list.
    assert!(
        page.contains("页面未找到") && page.contains("Page not found"),
        "{page}"
    );
    assert!(page.contains(r#"<div class="not-found-version" lang="en">"#));
    for link in page
        .split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
    {
        if let Some(path) = link.strip_prefix("/invest/") {
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_owned()
            };
            assert!(
                site.exists(&file),
                "404 page links to {link}, which does not exist"
            );
        }
    }
}

#[test]
fn the_theme_ships_a_favicon_a_site_theme_can_replace() {
    let site = Site::fixture("basic");
    site.build();
    let ico = std::fs::read(site.path("output/favicon.ico")).expect("favicon.ico");
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "an ICO file");
    assert!(site.exists("favicon.svg"));
    assert!(
        site.out("index.html")
            .contains(r#"<link rel="icon" href="/invest/favicon.ico""#)
    );
    site.write(
        "themes/mine/theme.toml",
        "name = \"mine\"\nextends = \"default\"\n",
    );
    site.write("themes/mine/static/favicon.ico", "own icon");
    site.edit(
        "content/site.toml",
        "base_url",
        "theme = \"mine\"\nbase_url",
    );
    site.build();
    assert_eq!(site.out("favicon.ico"), "own icon");
}

/// The built-in theme's share image comes with its WeChat thumbnail, shipped rather than made on
/// each build; a site theme with a share image of its own gets the thumbnail made from that one.
#[test]
fn the_share_image_thumbnail_is_the_themes_own() {
    let site = Site::fixture("basic");
    site.build();
    let shipped = std::fs::read(site.path("output/images/share.thumb300x300.jpg")).expect("thumb");
    assert_eq!(
        shipped,
        include_bytes!("../themes/default/static/images/share.thumb300x300.jpg"),
        "the built-in theme's file"
    );
    assert!(
        site.out("index.html")
            .contains(r#"<img src="/invest/images/share.thumb300x300.jpg" alt="">"#),
        "WeChat's first image is the thumbnail"
    );
    site.write(
        "themes/mine/theme.toml",
        "name = \"mine\"\nextends = \"default\"\n",
    );
    let own = image::RgbImage::from_pixel(600, 600, image::Rgb([200, 30, 40]));
    std::fs::create_dir_all(site.path("themes/mine/static/images")).expect("mkdir");
    own.save(site.path("themes/mine/static/images/share.png"))
        .expect("png");
    site.edit(
        "content/site.toml",
        "base_url",
        "theme = \"mine\"\nbase_url",
    );
    site.build();
    let made = std::fs::read(site.path("output/images/share.thumb300x300.jpg")).expect("thumb");
    assert_ne!(made, shipped, "made from the site theme's image");
    let thumb = image::load_from_memory(&made).expect("a JPEG").to_rgb8();
    assert_eq!(thumb.dimensions(), (300, 300));
    let centre = thumb.get_pixel(150, 150).0;
    assert!(
        centre[0] > 150 && centre[1] < 80 && centre[2] < 90,
        "the red of the theme's own image, not the built-in one: {centre:?}"
    );
}

/// The default theme's header is rendered once per page kind (theme parts), so every kind must
/// still mark its own section: the brand and "home" on the home page, the section a park or
/// tenant page belongs to, the tool and the list page itself, a menu page by its URL; the search
/// page has no search form of its own. A tenant page shows its own park's card. Built on one
/// worker thread, so that one thread renders every kind in turn and must change parts between.
#[test]
fn the_header_marks_the_current_section_on_every_kind_of_page() {
    let site = Site::fixture("basic");
    let output = common::parkpress(site.root(), &["build"])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let current = |page: &str| -> Vec<String> {
        let html = site.out(page);
        html.match_indices("<a ")
            .filter_map(|(at, _)| {
                let tag = &html[at..at + html[at..].find('>')? + 1];
                tag.contains("aria-current").then(|| tag.to_owned())
            })
            .collect()
    };
    let cases: [(&str, &[&str]); 6] = [
        (
            "index.html",
            &[
                r#"<a class="brand" href="/invest/" aria-current="page">"#,
                r#"<a href="/invest/" aria-current="page">"#,
            ],
        ),
        (
            "parks/data-lake/index.html",
            &[r#"<a href="/invest/parks/" aria-current="true">"#],
        ),
        (
            "parks/data-lake/tenants/cloud-co/index.html",
            &[r#"<a href="/invest/tenants/" aria-current="true">"#],
        ),
        (
            "costs/index.html",
            &[r#"<a href="/invest/costs/" aria-current="page">"#],
        ),
        (
            "en/news/index.html",
            &[r#"<a href="/invest/en/news/" aria-current="page">"#],
        ),
        (
            "about/index.html",
            &[r#"<a href="/invest/about/" aria-current="page">"#],
        ),
    ];
    for (page, expected) in cases {
        assert_eq!(current(page), expected, "{page}");
        assert_eq!(
            site.out(page)
                .matches(r#"<form class="header-search""#)
                .count(),
            1,
            "{page}"
        );
    }
    assert!(
        !site
            .out("search/index.html")
            .contains(r#"<form class="header-search""#)
    );
    let tenant = site.out("parks/data-lake/tenants/cloud-co/index.html");
    assert_eq!(
        tenant
            .matches(r#"<article class="card park-card">"#)
            .count(),
        1
    );
    assert!(
        tenant.contains(r#"<a class="stretched-link" href="/invest/parks/data-lake/">"#),
        "{tenant}"
    );
}

/// Templates under `parts/` are rendered once per language and page kind (and park, on a park's
/// own pages, with its `park_card`) and shown by `parts.<name>`, without their last line break: the built-in footer is one, and a site theme
/// replaces it like any template; a part that fails is reported by its name, once per language.
#[test]
fn theme_parts_are_rendered_once_per_language_and_kind() {
    let site = Site::fixture("basic");
    site.build();
    for page in ["index.html", "parks/data-lake/index.html", "en/index.html"] {
        let html = site.out(page);
        assert_eq!(
            html.matches(r#"<footer class="site-footer">"#).count(),
            1,
            "{page}"
        );
    }
    site.write(
        "themes/mine/theme.toml",
        "name = \"mine\"\nextends = \"default\"\n",
    );
    site.write(
        "themes/mine/templates/parts/footer.html",
        "<footer>{{ t[\"nav.parks\"] }} · {{ lang }} · {{ kind }}{% if park_card %} · {{ park_card.name }}{% endif %}</footer>\n",
    );
    site.edit(
        "content/site.toml",
        "base_url",
        "theme = \"mine\"\nbase_url",
    );
    site.build();
    let zh = site.out("parks/data-lake/index.html");
    assert!(
        zh.contains("\n<footer>园区 · zh · park · 数据湖产业园</footer>\n<script"),
        "{zh}"
    );
    assert!(
        !zh.contains("site-footer"),
        "the theme's part replaces the built-in one"
    );
    assert!(
        site.out("en/index.html")
            .contains("<footer>Parks · en · home</footer>")
    );

    site.write(
        "themes/mine/templates/parts/broken.html",
        "{{ page.title }}",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("template `parts/broken.html` failed for language `zh`"),
        "{stderr}"
    );
    assert!(
        site.out("en/index.html")
            .contains("<footer>Parks · en · home</footer>"),
        "output kept"
    );

    // A broken footer is reported once per language, not again by every page that shows it.
    site.write("themes/mine/templates/parts/broken.html", "");
    site.write(
        "themes/mine/templates/parts/footer.html",
        "<footer>{{ page.title }}</footer>",
    );
    let broken = self::stderr(&site.run(&["build"]));
    assert_eq!(
        broken.matches("parts/footer.html` failed").count(),
        2,
        "{broken}"
    );
    assert!(!broken.contains("parts.footer"), "{broken}");
}

/// Every file of the site under `dir` (not parkpress's own: the marker, staging folders, the
/// journal), relative, with its bytes.
fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).expect("inside").to_path_buf())
        .filter(|p| !p.to_string_lossy().starts_with(".parkpress"))
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p)).expect("read");
            (p.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Issue 14, defect 10: builds killed (SIGKILL) the moment they start moving files in never
/// leave a mix the next build does not undo: right after each kill the output is the old or
/// the new site, or holds the journal the next build plays back; the next build then leaves
/// exactly the site, and no staging folder or journal anywhere.
#[test]
fn builds_killed_while_moving_files_in_leave_no_mix_and_no_leftovers() {
    let site = Site::fixture("basic");
    let site_toml = site.read("content/site.toml");
    let versions = [
        site_toml.clone(),
        site_toml.replace("测试经济开发区", "测试经济技术开发区"),
    ];
    // The two sites as a clean build makes them.
    let mut references = Vec::new();
    for (i, text) in versions.iter().enumerate() {
        site.write("content/site.toml", text);
        let reference = site.root().join(format!("reference-{i}"));
        let output = site.run(&["build", "--output", reference.to_str().expect("utf-8")]);
        assert!(output.status.success(), "{}", stderr(&output));
        references.push(site_files(&reference));
        std::fs::remove_dir_all(&reference).expect("rm");
    }
    assert_ne!(references[0], references[1]);
    site.write("content/site.toml", &versions[0]);
    site.build();

    let output_dir = site.root().join("output");
    let journal = output_dir.join(".parkpress-journal");
    let mut killed_in_commit = 0;
    for round in 1..=12 {
        let version = round % 2;
        site.write("content/site.toml", &versions[version]);
        let mut child = common::parkpress(site.root(), &["build"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start build");
        // Rounds 1, 2, 3… kill at the first sight of the journal, others once it is the Nth
        // time seen, so kills land at different moves.
        let mut seen = 0;
        loop {
            if journal.exists() {
                seen += 1;
                if seen >= round * 3 {
                    let _ = child.kill();
                    break;
                }
            }
            if child.try_wait().expect("wait").is_some() {
                break;
            }
        }
        let _ = child.wait();
        if journal.exists() {
            killed_in_commit += 1;
        } else {
            let now = site_files(&output_dir);
            assert!(
                now == references[0] || now == references[1],
                "round {round}: a killed build left a mix of sites"
            );
        }
        site.build();
        assert_eq!(
            site_files(&output_dir),
            references[version],
            "round {round}"
        );
        let leftovers: Vec<PathBuf> = walk(site.root())
            .into_iter()
            .filter(|p| {
                let text = p.to_string_lossy();
                text.contains("parkpress-staging") || text.contains("parkpress-journal")
            })
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
    println!("{killed_in_commit} of 12 builds were killed while moving files in");
}
