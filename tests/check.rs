//! Integration tests for `parkpress check`: every error and warning code on a minimal site, with
//! the file, line, column and exit code a user sees.
//!
//! Most tests copy `tests/fixtures/check-clean/` (a small zh/en site that checks with no
//! diagnostic at all) and overwrite one file, so each test shows exactly what it breaks.

mod common;
use common::{Site, parkpress};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

impl Site {
    /// The clean zh/en site: park `p` with index and tenant `t`, news `opening`, page `about`.
    fn clean() -> Self {
        Self::fixture("check-clean")
    }

    fn append(&self, rel: &str, more: &str) {
        let text = self.read(rel);
        self.write(rel, &format!("{text}{more}"));
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).expect("remove fixture file");
    }

    /// `parkpress check --format json` plus `extra` arguments.
    fn check(&self, extra: &[&str]) -> Check {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        Check::from(self.run(&args))
    }
}

fn run_at(root: &Path, args: &[&str]) -> Output {
    parkpress(root, args).output().expect("run parkpress")
}

/// The result of `check --format json`.
struct Check {
    exit: Option<i32>,
    json: Value,
    stderr: String,
}

impl From<Output> for Check {
    fn from(output: Output) -> Self {
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{stderr}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        Self {
            exit: output.status.code(),
            json,
            stderr,
        }
    }
}

impl Check {
    fn diagnostics(&self) -> &[Value] {
        self.json["diagnostics"]
            .as_array()
            .map_or(&[], Vec::as_slice)
    }

    /// Every diagnostic, one per line, for failure messages.
    fn dump(&self) -> String {
        let mut out = String::new();
        for d in self.diagnostics() {
            out.push_str(&format!(
                "  {} {} {}:{}:{} {} (hint: {})\n",
                d["severity"],
                d["code"],
                d["file"],
                d["line"],
                d["column"],
                d["message"],
                d["hint"]
            ));
        }
        if out.is_empty() {
            out.push_str("  (no diagnostics)\n");
        }
        out.push_str(&format!("stderr:\n{}", self.stderr));
        out
    }

    fn all(&self, code: &str) -> Vec<&Value> {
        self.diagnostics()
            .iter()
            .filter(|d| d["code"] == code)
            .collect()
    }

    fn has(&self, code: &str) -> bool {
        !self.all(code).is_empty()
    }

    /// The one diagnostic with `code`.
    fn one(&self, code: &str) -> &Value {
        let found = self.all(code);
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{code}`, got:\n{}",
            self.dump()
        );
        found[0]
    }

    /// The one diagnostic with `code` in `file`.
    fn one_in(&self, code: &str, file: &str) -> &Value {
        let found: Vec<&Value> = self
            .all(code)
            .into_iter()
            .filter(|d| d["file"] == file)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{code}` in {file}, got:\n{}",
            self.dump()
        );
        found[0]
    }

    fn assert_exit(&self, expected: i32) {
        assert_eq!(
            self.exit,
            Some(expected),
            "exit code; got:\n{}",
            self.dump()
        );
    }

    fn assert_absent(&self, code: &str) {
        assert!(!self.has(code), "unexpected `{code}`:\n{}", self.dump());
    }

    /// Every error has `code` (nothing else broke along with the edit).
    fn assert_only_errors(&self, codes: &[&str]) {
        for d in self.diagnostics() {
            if d["severity"] == "error" {
                assert!(
                    codes.iter().any(|c| d["code"] == *c),
                    "unexpected error {}:\n{}",
                    d["code"],
                    self.dump()
                );
            }
        }
    }
}

/// Asserts severity, file, line and (when given) column of a diagnostic.
fn assert_at(d: &Value, severity: &str, file: &str, line: u64, column: Option<u64>) {
    assert_eq!(d["severity"], severity, "severity of {d:#}");
    assert_eq!(d["file"], file, "file of {d:#}");
    assert_eq!(d["line"], line, "line of {d:#}");
    if let Some(column) = column {
        assert_eq!(d["column"], column, "column of {d:#}");
    }
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap_or_default()
}

fn hint(d: &Value) -> &str {
    d["hint"].as_str().unwrap_or_default()
}

const PARK: &str = "content/parks/p/park.toml";
const INDEX: &str = "content/parks/p/index.md";
const TENANT: &str = "content/parks/p/tenants/t.md";
const NEWS: &str = "content/news/opening.md";
const SITE: &str = "content/site.toml";

/// The `parks = ["p"]` line of the news item, removed where a broken park.toml would otherwise
/// also make the park unknown there.
const NEWS_PARKS: &str = "parks = [\"p\"]\n";

// ---------------------------------------------------------------------------------------------
// The base fixture
// ---------------------------------------------------------------------------------------------

#[test]
fn clean_fixture_checks_without_any_diagnostic() {
    let check = Site::clean().check(&[]);
    check.assert_exit(0);
    assert!(check.diagnostics().is_empty(), "{}", check.dump());
    let en = &check.json["translation"]["languages"]["en"];
    assert!(en["total"].as_u64().unwrap_or(0) > 0, "{en}");
    assert_eq!(en["present"], en["total"], "fully translated: {en}");
}

// ---------------------------------------------------------------------------------------------
// Syntax and shape of TOML and front matter
// ---------------------------------------------------------------------------------------------

#[test]
fn toml_syntax_error_points_at_its_line() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    // The inline table of line 1 is never closed: the parser stops at the start of line 2.
    site.edit(PARK, "en = \"Test Park\" }", "en = \"Test Park\"");
    let check = site.check(&[]);
    check.assert_exit(1);
    assert_at(check.one("toml-syntax"), "error", PARK, 2, Some(1));
    check.assert_only_errors(&["toml-syntax"]);
}

#[test]
fn unknown_field_names_the_nearest_known_field() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    site.edit(PARK, "operator =", "operater =");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("unknown-field");
    assert_at(d, "error", PARK, 2, Some(1));
    assert!(message(d).contains("`operater`"), "{d:#}");
    assert_eq!(hint(d), "did you mean `operator`?");
    check.assert_only_errors(&["unknown-field"]);
}

#[test]
fn missing_required_field_in_toml_and_front_matter() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    site.edit(
        PARK,
        "operator = { zh = \"测试运营公司\", en = \"Test Operator\" }\n",
        "",
    );
    site.write(
        TENANT,
        "+++\nstatus = \"settled\"\n+++\n云计算公司已入驻。\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let park = check.one_in("missing-field", PARK);
    assert_at(park, "error", PARK, 1, Some(1));
    assert!(message(park).contains("`operator`"), "{park:#}");
    // In front matter the position counts the `+++` line before the TOML.
    let tenant = check.one_in("missing-field", TENANT);
    assert_at(tenant, "error", TENANT, 2, Some(1));
    assert!(message(tenant).contains("`name`"), "{tenant:#}");
    check.assert_only_errors(&["missing-field"]);
}

#[test]
fn wrong_type_points_at_the_value() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    site.edit(PARK, "status = \"operating\"", "order = \"first\"");
    site.write(
        TENANT,
        "+++\nname = \"云计算公司\"\nstatus = \"settled\"\nindustry = 5\n+++\n云计算公司已入驻。\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let park = check.one_in("wrong-type", PARK);
    assert_at(park, "error", PARK, 5, Some(9));
    assert!(hint(park).contains("numbers have no quotes"), "{park:#}");
    assert_at(
        check.one_in("wrong-type", TENANT),
        "error",
        TENANT,
        4,
        Some(12),
    );
    check.assert_only_errors(&["wrong-type"]);
}

#[test]
fn unknown_value_lists_the_allowed_ones() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    site.edit(PARK, "status = \"operating\"", "status = \"open\"");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("unknown-value");
    assert_at(d, "error", PARK, 5, Some(10));
    assert!(message(d).contains("`open`"), "{d:#}");
    for allowed in ["operating", "building", "planning"] {
        assert!(hint(d).contains(allowed), "{d:#}");
    }
    check.assert_only_errors(&["unknown-value"]);
}

#[test]
fn invalid_date_in_front_matter() {
    let site = Site::clean();
    site.edit(NEWS, "date = 2026-05-20", "date = 2020-13-45");
    let check = site.check(&[]);
    check.assert_exit(1);
    assert_at(check.one("invalid-date"), "error", NEWS, 3, Some(8));
    check.assert_only_errors(&["invalid-date"]);
}

#[test]
fn invalid_utf8_points_at_the_bad_byte() {
    let site = Site::clean();
    let mut bytes = "+++\nname = \"云计算公司\"\n+++\n云计算公司"
        .as_bytes()
        .to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice("已入驻。\n".as_bytes());
    site.write_bytes(TENANT, &bytes);
    let check = site.check(&[]);
    check.assert_exit(1);
    // Five characters precede the byte on line 4: column 6, counted in characters.
    let d = check.one("invalid-utf8");
    assert_at(d, "error", TENANT, 4, Some(6));
    assert!(hint(d).contains("UTF-8"), "{d:#}");
    check.assert_only_errors(&["invalid-utf8"]);
}

#[test]
fn unclosed_front_matter() {
    let site = Site::clean();
    site.write(
        NEWS,
        "+++\ntitle = \"园区开园\"\ndate = 2026-05-20\n开园了。\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("front-matter-unclosed");
    assert_at(d, "error", NEWS, 1, Some(1));
    assert!(hint(d).contains("+++"), "{d:#}");
    check.assert_only_errors(&["front-matter-unclosed"]);
}

// ---------------------------------------------------------------------------------------------
// Referenced files
// ---------------------------------------------------------------------------------------------

/// Adds `cover = "<path>"` as line 6 of the park (column 9 is the opening quote).
fn with_cover(site: &Site, path: &str) {
    site.edit(
        PARK,
        "status = \"operating\"\n",
        &format!("status = \"operating\"\ncover = \"{path}\"\n"),
    );
}

#[test]
fn missing_cover_file() {
    let site = Site::clean();
    with_cover(&site, "nope.jpg");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("missing-file");
    assert_at(d, "error", PARK, 6, Some(9));
    assert!(message(d).contains("nope.jpg"), "{d:#}");
    assert!(hint(d).contains("content/parks/p"), "{d:#}");
    check.assert_only_errors(&["missing-file"]);
}

#[test]
fn cover_that_is_not_an_image() {
    let site = Site::clean();
    assert!(site.path("content/parks/p/notes.txt").is_file());
    with_cover(&site, "notes.txt");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("not-an-image");
    assert_at(d, "error", PARK, 6, Some(9));
    assert!(message(d).contains("notes.txt"), "{d:#}");
    check.assert_only_errors(&["not-an-image"]);
}

#[test]
fn cover_paths_leaving_content_are_refused() {
    // From content/parks/p, `../../` is still content/ itself: three levels leave it.
    let site = Site::clean();
    site.write("secret.jpg", "not published");
    with_cover(&site, "../../../secret.jpg");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("path-outside-content");
    assert_at(d, "error", PARK, 6, Some(9));
    assert!(message(d).contains("../../../secret.jpg"), "{d:#}");
    check.assert_only_errors(&["path-outside-content"]);

    let site = Site::clean();
    with_cover(&site, "/etc/secret.jpg");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("path-outside-content");
    assert_at(d, "error", PARK, 6, Some(9));
    assert!(message(d).contains("absolute"), "{d:#}");
}

#[cfg(unix)]
#[test]
fn symlink_leading_out_of_content_is_an_error() {
    let site = Site::clean();
    site.write("secret.jpg", "not published");
    std::os::unix::fs::symlink(
        site.path("secret.jpg"),
        site.path("content/parks/p/linked.jpg"),
    )
    .expect("symlink");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("path-outside-content");
    assert_eq!(d["severity"], "error");
    assert!(
        message(d).contains("content/parks/p/linked.jpg"),
        "the link is named: {d:#}"
    );
    check.assert_only_errors(&["path-outside-content"]);
}

#[cfg(unix)]
#[test]
fn symlink_inside_content_is_fine() {
    let site = Site::clean();
    site.write_bytes(
        "content/parks/p/real.svg",
        br#"<svg xmlns="http://www.w3.org/2000/svg"/>"#,
    );
    std::os::unix::fs::symlink("real.svg", site.path("content/parks/p/alias.svg"))
        .expect("symlink");
    let check = site.check(&[]);
    check.assert_absent("path-outside-content");
    check.assert_exit(0);
}

// ---------------------------------------------------------------------------------------------
// Keys: slugs, reserved paths, duplicates, references
// ---------------------------------------------------------------------------------------------

#[test]
fn folder_and_file_names_that_are_not_slugs() {
    let site = Site::clean();
    site.write("content/parks/Data_Lake/park.toml", &site.read(PARK));
    site.write("content/news/My News.md", &site.read(NEWS));
    let check = site.check(&[]);
    check.assert_exit(1);
    let slugs = check.all("invalid-slug");
    assert_eq!(slugs.len(), 2, "{}", check.dump());
    let park = slugs
        .iter()
        .find(|d| message(d).contains("`Data_Lake`"))
        .unwrap_or_else(|| panic!("park folder not named:\n{}", check.dump()));
    assert_eq!(park["severity"], "error");
    assert!(
        hint(park).contains("`data-lake`"),
        "suggests a slug: {park:#}"
    );
    let news = slugs
        .iter()
        .find(|d| message(d).contains("content/news/My News.md"))
        .unwrap_or_else(|| panic!("news file not named:\n{}", check.dump()));
    assert!(
        hint(news).contains("`my-news.md`"),
        "suggests a slug: {news:#}"
    );
    check.assert_only_errors(&["invalid-slug"]);
}

#[test]
fn pages_may_not_take_reserved_paths() {
    let site = Site::clean();
    let about = site.read("content/pages/about.md");
    site.write("content/pages/search.md", &about);
    site.write("content/pages/en.md", &about);
    let check = site.check(&[]);
    check.assert_exit(1);
    let search = check.one_in("reserved-key", "content/pages/search.md");
    assert_eq!(search["severity"], "error");
    assert!(message(search).contains("/search/"), "{search:#}");
    // A language code is reserved too: /en/ is the English site.
    let en = check.one_in("reserved-key", "content/pages/en.md");
    assert!(message(en).contains("/en/"), "{en:#}");
    check.assert_only_errors(&["reserved-key"]);
}

#[test]
fn duplicate_policy_key_in_one_park() {
    let site = Site::clean();
    site.append(
        PARK,
        "\n[[policies]]\nkey = \"rent-subsidy\"\ntitle = { zh = \"另一项租金补贴\", en = \"Another rent subsidy\" }\nsummary = { zh = \"租金减免\", en = \"Rent relief\" }\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    // The second `key = "rent-subsidy"` (line 15), at its value.
    let d = check.one("duplicate-key");
    assert_at(d, "error", PARK, 15, Some(7));
    assert!(message(d).contains("`rent-subsidy`"), "{d:#}");
    check.assert_only_errors(&["duplicate-key"]);
}

#[test]
fn unknown_industry() {
    let site = Site::clean();
    site.edit(
        PARK,
        "industries = [\"new-generation-it\"]",
        "industries = [\"aerospace\"]",
    );
    site.edit(
        TENANT,
        "industry = \"new-generation-it\"",
        "industry = \"food-beverages\"",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let park = check.one_in("unknown-industry", PARK);
    assert_at(park, "error", PARK, 4, Some(15));
    assert!(message(park).contains("`aerospace`"), "{park:#}");
    // Nothing is close: the hint lists the zone's industries.
    assert!(
        hint(park).contains("food-beverage") && hint(park).contains("new-generation-it"),
        "{park:#}"
    );
    let tenant = check.one_in("unknown-industry", TENANT);
    assert_at(tenant, "error", TENANT, 4, Some(12));
    assert_eq!(hint(tenant), "did you mean `food-beverage`?");
    check.assert_only_errors(&["unknown-industry"]);
}

#[test]
fn unknown_park_in_news() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "parks = [\"nope\"]\n");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("unknown-park");
    assert_at(d, "error", NEWS, 4, Some(10));
    assert!(message(d).contains("`nope`"), "{d:#}");
    assert!(hint(d).contains("known parks: p"), "{d:#}");
    check.assert_only_errors(&["unknown-park"]);
}

// ---------------------------------------------------------------------------------------------
// Languages and translations
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_language_in_a_table_and_a_translation_file() {
    let site = Site::clean();
    site.edit(
        PARK,
        "positioning = { zh = \"大数据与云计算\", en = \"Big data and cloud computing\" }",
        "positioning = { zh = \"大数据与云计算\", fr = \"Mégadonnées\" }",
    );
    site.write("content/parks/p/index.fr.md", "Le parc.\n");
    let check = site.check(&[]);
    check.assert_exit(1);
    let table = check.one_in("unknown-language", PARK);
    assert_at(table, "error", PARK, 3, Some(15));
    assert!(
        message(table).contains("`positioning`") && message(table).contains("`fr`"),
        "{table:#}"
    );
    let file = check.one_in("unknown-language", "content/parks/p/index.fr.md");
    assert_eq!(file["severity"], "error");
    assert!(hint(file).contains("zh, en"), "{file:#}");
    check.assert_only_errors(&["unknown-language"]);
}

#[test]
fn table_without_the_default_language() {
    let site = Site::clean();
    site.edit(
        PARK,
        "name = { zh = \"测试产业园\", en = \"Test Park\" }",
        "name = { en = \"x\" }",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("missing-default-language");
    assert_at(d, "error", PARK, 1, Some(8));
    assert!(message(d).contains("`zh`"), "{d:#}");
    check.assert_only_errors(&["missing-default-language"]);
}

#[test]
fn translation_front_matter_may_only_set_text() {
    let site = Site::clean();
    site.write(
        "content/parks/p/tenants/t.en.md",
        "+++\nname = \"Cloud Co\"\nstatus = \"signed\"\n+++\nCloud Co has moved in.\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("translation-field");
    assert_at(d, "error", "content/parks/p/tenants/t.en.md", 3, Some(1));
    assert!(message(d).contains("`status`"), "{d:#}");
    check.assert_only_errors(&["translation-field"]);
}

#[test]
fn translation_without_its_original() {
    let site = Site::clean();
    site.write("content/news/x.en.md", "An orphan.\n");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("orphan-translation");
    assert_eq!(d["severity"], "error");
    assert!(
        message(d).contains("content/news/x.en.md") && message(d).contains("`x.md`"),
        "{d:#}"
    );
    check.assert_only_errors(&["orphan-translation"]);
}

// ---------------------------------------------------------------------------------------------
// Links in Markdown
// ---------------------------------------------------------------------------------------------

/// Writes the park's index.md: three lines of front matter, then `body_line_8` on line 8.
fn index_with(site: &Site, body_line_8: &str) {
    site.write(
        INDEX,
        &format!(
            "+++\nsummary = {{ zh = \"测试产业园简介\", en = \"About the Test Park\" }}\n+++\n测试产业园位于开发区北部。\n\n## 园区优势\n\n{body_line_8}\n"
        ),
    );
}

#[test]
fn broken_content_link_is_placed_in_the_file_counting_front_matter() {
    let site = Site::clean();
    index_with(&site, "靠近[另一园区](@/parks/nope)，交通便利。");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("broken-link");
    assert_at(d, "error", INDEX, 8, Some(3));
    assert!(message(d).contains("@/parks/nope"), "{d:#}");
    check.assert_only_errors(&["broken-link"]);
}

#[test]
fn unknown_anchor_on_an_existing_page() {
    let site = Site::clean();
    index_with(
        &site,
        "见[入园](@/parks/p#nope)和[优势](@/parks/p#园区优势)。",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    // Only the first link: `#园区优势` is the id of the heading on that page.
    let d = check.one("unknown-anchor");
    assert_at(d, "error", INDEX, 8, Some(2));
    assert!(message(d).contains("#nope"), "{d:#}");
    check.assert_only_errors(&["unknown-anchor"]);
}

#[test]
fn missing_relative_image_in_markdown() {
    let site = Site::clean();
    index_with(&site, "![展厅](missing.png)");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("missing-file");
    assert_at(d, "error", INDEX, 8, Some(1));
    assert!(message(d).contains("content/parks/p/missing.png"), "{d:#}");
    check.assert_only_errors(&["missing-file"]);
}

// ---------------------------------------------------------------------------------------------
// Themes
// ---------------------------------------------------------------------------------------------

fn with_theme(site: &Site, name: &str) {
    site.edit(
        SITE,
        "languages = [\"zh\", \"en\"]\n",
        &format!("languages = [\"zh\", \"en\"]\ntheme = \"{name}\"\n"),
    );
}

fn with_bad_theme(site: &Site) {
    site.write("themes/bad/theme.toml", "extends = \"default\"\n");
    site.write(
        "themes/bad/templates/park.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n",
    );
    with_theme(site, "bad");
}

#[test]
fn template_syntax_error_in_a_site_theme() {
    let site = Site::clean();
    with_bad_theme(&site);
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("template-error");
    assert_eq!(d["severity"], "error");
    assert!(
        message(d).contains("park.html") && message(d).contains("bad"),
        "the template and theme are named: {d:#}"
    );
    check.assert_only_errors(&["template-error"]);
}

#[test]
fn unknown_theme() {
    let site = Site::clean();
    with_theme(&site, "nope");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("unknown-theme");
    assert_eq!(d["severity"], "error");
    assert!(message(d).contains("`nope`"), "{d:#}");
    check.assert_only_errors(&["unknown-theme"]);
}

// ---------------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------------

/// Sets `valid_until` of the park's policy (line 12, value at column 15).
fn policy_until(site: &Site, date: &str) {
    site.edit(
        PARK,
        "valid_until = 2030-12-31",
        &format!("valid_until = {date}"),
    );
}

#[test]
fn expiring_and_expired_policies_are_warnings() {
    let site = Site::clean();
    policy_until(&site, "2026-06-20");
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("policy-expiring");
    assert_at(d, "warning", PARK, 12, Some(15));
    assert!(message(d).contains("2026-06-20"), "{d:#}");
    check.assert_absent("policy-expired");

    let site = Site::clean();
    policy_until(&site, "2026-05-31");
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("policy-expired");
    assert_at(d, "warning", PARK, 12, Some(15));
    check.assert_absent("policy-expiring");

    // 60 days ahead is still reported; 61 is not.
    let site = Site::clean();
    policy_until(&site, "2026-07-31");
    site.check(&[]).one("policy-expiring");
    let site = Site::clean();
    policy_until(&site, "2026-08-01");
    let check = site.check(&[]);
    check.assert_absent("policy-expiring");
    check.assert_absent("policy-expired");
}

const OLD_FACTOR: &str = "\n[[factors]]\nkind = \"electricity\"\nvalue = 0.62\nunit = { zh = \"元/千瓦时\", en = \"yuan/kWh\" }\nas_of = 2020-01-01\n";

#[test]
fn stale_figures_respect_stale_after_months() {
    let site = Site::clean();
    site.append(PARK, OLD_FACTOR);
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("stale-figure");
    assert_at(d, "warning", PARK, 18, Some(9));
    assert!(message(d).contains("2020-01-01"), "{d:#}");

    let site = Site::clean();
    site.append(PARK, OLD_FACTOR);
    site.edit(
        SITE,
        "languages = [\"zh\", \"en\"]\n",
        "languages = [\"zh\", \"en\"]\nstale_after_months = 120\n",
    );
    let check = site.check(&[]);
    check.assert_absent("stale-figure");
    check.assert_exit(0);
}

#[test]
fn units_that_do_not_fit_their_factor_kind() {
    let site = Site::clean();
    site.append(
        PARK,
        "\n[[factors]]\nkind = \"steam\"\nvalue = 200\nunit = { zh = \"元/立方米\", en = \"yuan/m³\" }\n\
         \n[[factors]]\nkind = \"land\"\nvalue = 20\nunit = { zh = \"元/千瓦时\", en = \"yuan/kWh\" }\n\
         \n[[factors]]\nkind = \"steam\"\nvalue = 200\nunit = { zh = \"元/吨\", en = \"yuan/t\" }\n",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    let found = check.all("unit-mismatch");
    assert_eq!(found.len(), 2, "steam per tonne fits:\n{}", check.dump());
    assert_at(found[0], "warning", PARK, 17, Some(8));
    assert!(
        message(found[0]).contains("元/立方米") && message(found[0]).contains("`steam`"),
        "{:#}",
        found[0]
    );
    assert_at(found[1], "warning", PARK, 22, Some(8));
    assert!(
        message(found[1]).contains("元/千瓦时") && message(found[1]).contains("`land`"),
        "{:#}",
        found[1]
    );
}

#[test]
fn prices_whose_rate_is_not_understood() {
    let site = Site::clean();
    site.append(
        PARK,
        "\n[[factors]]\nkind = \"water\"\nvalue = 3.9\nunit = { zh = \"元/吨\", en = \"yuan/t\" }\n\
         \n[[factors]]\nkind = \"electricity\"\nvalue = 0.6\nunit = { zh = \"元/千度\", en = \"yuan per thousand\" }\n\
         \n[[factors]]\nkind = \"electricity\"\nvalue = 110\nunit = \"kV\"\n\
         \n[[carriers]]\nkind = \"factory\"\nname = \"A\"\nprice = { value = 12, unit = { zh = \"元/平方米·季\", en = \"yuan/m² a quarter\" } }\n\
         \n[[carriers]]\nkind = \"office\"\nname = \"B\"\nprice = { value = 1.2, unit = { zh = \"元/平方米·天\", en = \"yuan/m²·day\" } }\n",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    check.assert_absent("unit-mismatch");
    let found = check.all("unit-unknown");
    assert_eq!(
        found.len(),
        2,
        "water per t, a capacity in kV and a daily rent are understood:\n{}",
        check.dump()
    );
    assert_at(found[0], "warning", PARK, 22, Some(8));
    assert!(message(found[0]).contains("元/千度"), "{:#}", found[0]);
    assert!(hint(found[0]).contains("元/千瓦时"), "{:#}", found[0]);
    assert_at(found[1], "warning", PARK, 32, Some(9));
    assert!(message(found[1]).contains("元/平方米·季"), "{:#}", found[1]);
}

#[test]
fn structured_eligibility_is_checked() {
    let site = Site::clean();
    site.edit(
        PARK,
        "valid_until = 2030-12-31\n",
        "valid_until = 2030-12-31\neligible = { industries = [\"new-generation-it\", \"fod-beverage\"], company = [\"new\"], min_investment = { value = 1, unit = \"yi-yuan\" } }\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("unknown-industry");
    assert_at(d, "error", PARK, 13, Some(49));
    assert!(hint(d).contains("food-beverage"), "{d:#}");

    for (bad, code) in [
        ("company = [\"newcomer\"]", "unknown"),
        ("sector = [\"it\"]", "unknown"),
        (
            "min_investment = { value = 1, unit = \"mu\" }",
            "invalid-unit",
        ),
    ] {
        let site = Site::clean();
        site.edit(
            PARK,
            "valid_until = 2030-12-31\n",
            &format!("valid_until = 2030-12-31\neligible = {{ {bad} }}\n"),
        );
        let check = site.check(&[]);
        check.assert_exit(1);
        let errors: Vec<_> = check
            .diagnostics()
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{bad}:\n{}", check.dump());
        assert!(
            errors[0]["code"].as_str().unwrap_or("").contains(code)
                || message(errors[0]).contains(code),
            "{bad}: {:#}",
            errors[0]
        );
        assert_eq!(errors[0]["file"], PARK, "{bad}: {:#}", errors[0]);
        assert_eq!(errors[0]["line"], 13, "{bad}: {:#}", errors[0]);
    }
}

#[test]
fn rewards_tied_to_fiscal_contribution() {
    let site = Site::clean();
    site.append(
        PARK,
        "\n[[policies]]\nkey = \"landing-reward\"\ntitle = { zh = \"落户奖励\", en = \"Landing reward\" }\n\
         summary = { zh = \"新落户企业奖励\", en = \"A reward for new companies\" }\n\
         benefit = { zh = \"按企业财政贡献给予奖励\", en = \"A reward for each new company\" }\n",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("fair-competition");
    assert_at(d, "warning", PARK, 18, Some(11));
    assert!(message(d).contains("财政贡献"), "{d:#}");
    assert!(hint(d).contains("公平竞争审查条例"), "{d:#}");
}

#[test]
fn absolute_claim_in_a_text_field_unless_cited() {
    let site = Site::clean();
    site.edit(
        PARK,
        "positioning = { zh = \"大数据与云计算\",",
        "positioning = { zh = \"打造全国最大的数据湖\",",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("absolute-claim");
    assert_at(d, "warning", PARK, 3, Some(15));
    assert!(message(d).contains("最大"), "{d:#}");

    let site = Site::clean();
    site.edit(
        PARK,
        "positioning = { zh = \"大数据与云计算\",",
        "positioning = { zh = \"据《济南日报》报道，这是全国最大的数据湖\",",
    );
    let check = site.check(&[]);
    check.assert_absent("absolute-claim");
    check.assert_exit(0);
}

#[test]
fn absolute_claim_in_a_markdown_body_with_its_position() {
    let site = Site::clean();
    index_with(
        &site,
        "园区交通便利，是全国最大的数据湖。\n据《济南日报》报道，这是省内最大的数据湖。",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    // Line 8, at `最大` (column 11); the cited sentence on line 9 is not reported.
    let d = check.one("absolute-claim");
    assert_at(d, "warning", INDEX, 8, Some(11));
}

#[test]
fn translation_gaps_lower_coverage_and_are_listed() {
    let site = Site::clean();
    site.edit(
        PARK,
        "operator = { zh = \"测试运营公司\", en = \"Test Operator\" }",
        "operator = { zh = \"测试运营公司\" }",
    );
    site.remove("content/parks/p/tenants/t.en.md");
    let check = site.check(&[]);
    check.assert_exit(0);
    let gaps = check.all("translation-missing");
    assert_eq!(gaps.len(), 2, "{}", check.dump());
    let operator = check.one_in("translation-missing", PARK);
    assert_eq!(operator["severity"], "warning");
    assert_eq!(operator["line"], 2, "{operator:#}");
    assert!(message(operator).contains("`operator`"), "{operator:#}");
    let body = check.one_in("translation-missing", TENANT);
    assert!(message(body).contains("`body`"), "{body:#}");

    let translation = &check.json["translation"];
    let en = &translation["languages"]["en"];
    let (present, total) = (
        en["present"].as_u64().expect("present"),
        en["total"].as_u64().expect("total"),
    );
    assert_eq!(present + 2, total, "two gaps: {en}");
    let park = &translation["parks"]["p"]["en"];
    assert_eq!(
        park["present"].as_u64().expect("present") + 2,
        park["total"].as_u64().expect("total"),
        "both gaps are in park p: {park}"
    );
    let missing = translation["missing"].as_array().expect("missing list");
    assert!(
        missing.iter().any(|m| m["field"] == "operator"
            && m["lang"] == "en"
            && m["file"] == PARK
            && m["line"] == 2
            && m["park"] == "p"),
        "{translation:#}"
    );
    assert!(
        missing
            .iter()
            .any(|m| m["field"] == "body" && m["lang"] == "en" && m["file"] == TENANT),
        "{translation:#}"
    );
}

#[test]
fn share_image_too_small() {
    let site = Site::clean();
    site.edit(SITE, "[zone]\n", "[zone]\nshare_image = \"share.png\"\n");
    image::RgbImage::new(100, 100)
        .save(site.path("content/share.png"))
        .expect("write png");
    let check = site.check(&[]);
    check.assert_exit(0);
    let d = check.one("image-too-small");
    assert_at(d, "warning", SITE, 6, Some(15));
    assert!(message(d).contains("100×100"), "{d:#}");

    image::RgbImage::new(1200, 630)
        .save(site.path("content/share.png"))
        .expect("write png");
    let check = site.check(&[]);
    check.assert_absent("image-too-small");
    check.assert_exit(0);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = Site::clean();
    policy_until(&site, "2026-06-20");
    let check = site.check(&[]);
    check.assert_exit(0);
    assert_eq!(check.one("policy-expiring")["severity"], "warning");

    let strict = site.check(&["--strict"]);
    strict.assert_exit(1);
    assert_at(strict.one("policy-expiring"), "error", PARK, 12, Some(15));
}

// ---------------------------------------------------------------------------------------------
// All in one run, text output, build, the example site
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_in_several_files_are_all_reported_in_one_run() {
    let site = Site::clean();
    site.edit(PARK, "operator =", "operater =");
    site.edit(NEWS, "date = 2026-05-20", "date = 2020-13-45");
    site.write(
        "content/pages/about.md",
        "+++\ntitle = { zh = \"关于我们\", en = \"About us\" }\n+++\n见[园区](@/parks/nope)。\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    assert_at(check.one("unknown-field"), "error", PARK, 2, Some(1));
    assert_at(check.one("invalid-date"), "error", NEWS, 3, Some(8));
    assert_at(
        check.one("broken-link"),
        "error",
        "content/pages/about.md",
        4,
        Some(2),
    );

    let text = site.run(&["check"]);
    assert_eq!(text.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&text.stderr);
    for location in [
        "content/parks/p/park.toml:2:1",
        "content/news/opening.md:3:8",
        "content/pages/about.md:4:2",
    ] {
        assert!(stderr.contains(location), "{location} missing:\n{stderr}");
    }
}

#[test]
fn text_output_shows_location_source_line_caret_and_help() {
    let site = Site::clean();
    site.edit(NEWS, NEWS_PARKS, "");
    site.edit(PARK, "operator =", "operater =");
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = "error[unknown-field]: unknown field `operater`";
    let start = stderr
        .find(expected)
        .unwrap_or_else(|| panic!("no header:\n{stderr}"));
    let lines: Vec<&str> = stderr[start..].lines().take(6).collect();
    assert_eq!(
        lines[1..],
        [
            "  --> content/parks/p/park.toml:2:1",
            "  |",
            "2 | operater = { zh = \"测试运营公司\", en = \"Test Operator\" }",
            // The whole key is underlined, not its first letter.
            "  | ^^^^^^^^",
            "  = help: did you mean `operator`?",
        ],
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 error(s), 0 warning(s)"), "{stdout}");
}

#[test]
fn every_mistake_of_a_file_is_reported_in_one_run_and_the_rest_is_still_checked() {
    let site = Site::clean();
    site.write(
        PARK,
        "name = { zh = \"测试产业园\", en = \"Test Park\" }\n\
         operator = { zh = \"测试运营公司\", en = \"Test Operator\" }\n\
         positioning = { zh = \"大数据与云计算\", en = \"Big data and cloud computing\" }\n\
         industries = [\"new-generation-itt\"]\n\
         status = \"operating\"\n\
         developper = \"某开发公司\"\n\
         order = \"first\"\n\
         \n\
         [[policies]]\n\
         key = \"rent-subsidy\"\n\
         title = { zh = \"租金补贴\", en = \"Rent subsidy\" }\n\
         category = \"rent\"\n\
         summary = { zh = \"前三年租金减半\", en = \"Half rent for the first three years\" }\n\
         sumary = \"重复\"\n\
         valid_until = 2030-12-31\n",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    // Both unknown fields, the one in the policy table too.
    let unknown = check.all("unknown-field");
    assert_eq!(unknown.len(), 2, "{}", check.dump());
    assert_at(unknown[0], "error", PARK, 6, Some(1));
    assert_eq!(hint(unknown[0]), "did you mean `developer`?");
    assert_at(unknown[1], "error", PARK, 14, Some(1));
    assert_eq!(hint(unknown[1]), "did you mean `summary`?");
    // The type error, at its value.
    assert_at(check.one("wrong-type"), "error", PARK, 7, Some(9));
    // And the checks that need the parsed park still ran on what could be read.
    let industry = check.one("unknown-industry");
    assert_at(industry, "error", PARK, 4, Some(15));
    // The park was read: the news item and tenant that name it are not broken.
    check.assert_absent("unknown-park");
    check.assert_only_errors(&["unknown-field", "wrong-type", "unknown-industry"]);

    let text = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&text.stderr);
    for (location, underline) in [
        ("content/parks/p/park.toml:6:1", "  | ^^^^^^^^^^"),
        ("content/parks/p/park.toml:7:9", "  |         ^^^^^^^"),
        ("content/parks/p/park.toml:14:1", "   | ^^^^^^"),
        (
            "content/parks/p/park.toml:4:15",
            "  |               ^^^^^^^^^^^^^^^^^^^^",
        ),
    ] {
        let at = stderr
            .find(location)
            .unwrap_or_else(|| panic!("{location} missing:\n{stderr}"));
        let caret = stderr[at..].lines().nth(3).unwrap_or_default();
        assert_eq!(caret, underline, "caret under {location}:\n{stderr}");
    }
}

/// `check --format json` of the clean site with `line` appended to the tenant's front matter.
fn check_tenant_line(line: &str) -> Check {
    let site = Site::clean();
    site.edit(
        TENANT,
        "status = \"settled\"\n",
        &format!("status = \"settled\"\n{line}\n"),
    );
    site.check(&[])
}

#[test]
fn curly_quotes_get_a_straight_quote_hint() {
    let site = Site::clean();
    site.edit(TENANT, "status = \"settled\"", "status = “settled”");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("curly-quote");
    assert_at(d, "error", TENANT, 3, None);
    assert!(message(d).contains('“'), "{d:#}");
    assert!(hint(d).contains("`status = \"settled\"`"), "{d:#}");
    check.assert_only_errors(&["curly-quote"]);
}

#[test]
fn full_width_punctuation_gets_the_ascii_character_to_use() {
    for (line, found, fixed) in [
        ("status ＝ \"settled\"", '＝', "`status = \"settled\"`"),
        (
            "aliases = ［\"a\"， \"b\"］",
            '［',
            "`aliases = [\"a\", \"b\"]`",
        ),
        // A colon where the `=` belongs is named as the `=` it stands for.
        ("name ： \"x\"", '：', "`name = \"x\"`"),
    ] {
        let site = Site::clean();
        site.edit(TENANT, "status = \"settled\"", line);
        let check = site.check(&[]);
        check.assert_exit(1);
        let d = check.all("full-width-punctuation");
        assert!(!d.is_empty(), "{line}: {}", check.dump());
        assert_at(d[0], "error", TENANT, 3, None);
        assert!(message(d[0]).contains(found), "{d:#?}");
        assert!(hint(d[0]).contains(fixed), "{line}: {d:#?}");
    }
}

#[test]
fn unquoted_spoken_date_says_how_to_write_dates_and_names_the_impossible_month() {
    let site = Site::clean();
    site.edit(NEWS, "date = 2026-05-20", "date = 2024/13/01");
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("invalid-date");
    assert_at(d, "error", NEWS, 3, None);
    assert!(message(d).contains("no month 13"), "{d:#}");
    assert!(hint(d).contains("write dates as 2024-01-31"), "{d:#}");
    assert!(!hint(d).contains("must be quoted"), "{d:#}");

    site.edit(NEWS, "date = 2024/13/01", "date = 2024-02-30");
    let d = site.check(&[]);
    let d = d.one("invalid-date");
    assert!(message(d).contains("2024-02 has no day 30"), "{d:#}");
}

#[test]
fn chinese_yes_or_no_for_a_boolean_says_true_or_false() {
    for (line, word) in [("draft = 是", "true"), ("draft = \"否\"", "false")] {
        let check = check_tenant_line(line);
        check.assert_exit(1);
        let d = check.one("wrong-type");
        assert_at(d, "error", TENANT, 4, None);
        assert!(hint(d).contains(&format!("`{word}`")), "{line}: {d:#}");
    }
}

#[test]
fn text_caret_is_aligned_under_cjk_text() {
    let site = Site::clean();
    index_with(&site, "园区交通便利，是全国最大的数据湖。");
    let output = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("content/parks/p/index.md:8:11"), "{stderr}");
    // Ten wide characters (园区交通便利，是全国) take 20 terminal columns before `最`, and
    // the caret under the wide `最` takes two.
    let caret = format!("  | {}^^", " ".repeat(20));
    assert!(
        stderr.lines().any(|l| l == caret),
        "expected `{caret}` under `最`:\n{stderr}"
    );
}

#[test]
fn build_with_errors_writes_nothing_and_exits_1() {
    let site = Site::clean();
    site.edit(NEWS, "date = 2026-05-20", "date = 2020-13-45");
    let output = site.run(&["build"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("content/news/opening.md:3:8"), "{stderr}");
    assert!(!site.path("output").exists(), "output/ was written");
    let entries: Vec<String> = std::fs::read_dir(site.root())
        .expect("read root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        entries,
        ["content"],
        "nothing beside content/ (no staging folder)"
    );

    // The same site builds once fixed, so the failure above was the error and nothing else.
    site.edit(NEWS, "date = 2020-13-45", "date = 2026-05-20");
    let output = site.run(&["build"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(site.path("output/parks/p/index.html").is_file());
}

#[test]
fn example_site_passes_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = Check::from(run_at(root, &["check", "--format", "json"]));
    check.assert_exit(0);
    let errors: Vec<&Value> = check
        .diagnostics()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{}", check.dump());
    assert!(check.json["translation"]["languages"]["en"].is_object());
}

// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn file_level_errors_name_their_file() {
    let site = Site::clean();
    site.write("content/news/x.en.md", "An orphan.\n");
    site.write("content/news/My News.md", &site.read(NEWS));
    site.write("secret.jpg", "not published");
    std::os::unix::fs::symlink(
        site.path("secret.jpg"),
        site.path("content/parks/p/linked.jpg"),
    )
    .expect("symlink");
    let check = site.check(&[]);
    check.assert_exit(1);
    assert_eq!(
        check.one("orphan-translation")["file"],
        "content/news/x.en.md"
    );
    assert_eq!(check.one("invalid-slug")["file"], "content/news/My News.md");
    assert_eq!(
        check.one("path-outside-content")["file"],
        "content/parks/p/linked.jpg"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_cover_is_not_also_called_missing() {
    let site = Site::clean();
    site.write("secret.jpg", "not published");
    std::os::unix::fs::symlink(
        site.path("secret.jpg"),
        site.path("content/parks/p/linked.jpg"),
    )
    .expect("symlink");
    with_cover(&site, "linked.jpg");
    let check = site.check(&[]);
    check.assert_exit(1);
    check.one("path-outside-content");
    check.assert_absent("missing-file");
}

#[test]
fn unknown_theme_points_at_site_toml() {
    let site = Site::clean();
    with_theme(&site, "nope");
    let check = site.check(&[]);
    assert_at(check.one("unknown-theme"), "error", SITE, 3, Some(9));
}

#[test]
fn template_error_points_at_the_template_file() {
    let site = Site::clean();
    with_bad_theme(&site);
    let check = site.check(&[]);
    assert_at(
        check.one("template-error"),
        "error",
        "themes/bad/templates/park.html",
        2,
        None,
    );
}

#[test]
fn broken_park_toml_does_not_make_the_park_unknown_elsewhere() {
    let site = Site::clean();
    site.edit(PARK, "operator =", "operater =");
    let check = site.check(&[]);
    check.assert_exit(1);
    check.one("unknown-field");
    check.assert_absent("unknown-park");
}

#[test]
fn park_cover_too_narrow_for_print() {
    let site = Site::clean();
    image::RgbImage::new(800, 450)
        .save(site.path("content/parks/p/narrow.jpg"))
        .expect("image");
    with_cover(&site, "narrow.jpg");
    let check = site.check(&[]);
    check.assert_exit(0);
    let warning = check.one("image-too-small");
    assert!(
        warning["message"]
            .as_str()
            .unwrap_or("")
            .contains("800 px wide: under 150 dpi"),
        "{warning}"
    );
}

// ---------------------------------------------------------------------------------------------
// Ready to publish: placeholders (warnings; errors with --release) and same-domain links
// ---------------------------------------------------------------------------------------------

const CLEAN_BASE: &str = "base_url = \"https://invest.test-zone.gov.cn\"";

/// `check` warns about `code` (exit 0) and `check --release` makes it an error (exit 1).
fn assert_release_blocks(site: &Site, code: &str) -> Value {
    let check = site.check(&[]);
    check.assert_exit(0);
    let warning = check.one(code).clone();
    assert_eq!(warning["severity"], "warning", "{}", check.dump());
    let release = site.check(&["--release"]);
    release.assert_exit(1);
    assert_eq!(release.one(code)["severity"], "error", "{}", release.dump());
    warning
}

#[test]
fn reserved_and_loopback_base_urls_block_a_release() {
    for url in [
        "https://example.com",
        "https://invest.example.org/zone/",
        "http://localhost:1111",
        "http://127.0.0.1",
        "http://[::1]:8080",
    ] {
        let site = Site::clean();
        site.edit(SITE, CLEAN_BASE, &format!("base_url = \"{url}\""));
        let d = assert_release_blocks(&site, "placeholder-domain");
        assert_at(&d, "warning", SITE, 1, Some(12));
        assert!(message(&d).contains(url.trim_end_matches('/')), "{d:#}");
    }
}

#[test]
fn the_sample_notice_blocks_a_release() {
    let site = Site::clean();
    site.edit(
        SITE,
        CLEAN_BASE,
        &format!("{CLEAN_BASE}\nnotice = {{ zh = \"示例站点：本站内容均为示例。\", en = \"Sample site: all content is illustrative.\" }}"),
    );
    let d = assert_release_blocks(&site, "sample-notice");
    assert_at(&d, "warning", SITE, 2, Some(10));
}

#[test]
fn a_cn_domain_without_icp_blocks_a_release() {
    let site = Site::clean();
    site.edit(SITE, "icp = \"鲁ICP备20260001号-1\"\n", "");
    let d = assert_release_blocks(&site, "missing-icp");
    assert!(message(&d).contains("invest.test-zone.gov.cn"), "{d:#}");
    assert!(hint(&d).contains("icp"), "{d:#}");
    // A domain outside .cn needs no filing.
    site.edit(
        SITE,
        CLEAN_BASE,
        "base_url = \"https://invest.test-zone.com\"",
    );
    site.check(&["--release"]).assert_exit(0);
}

#[test]
fn phone_numbers_of_zeros_block_a_release() {
    let site = Site::clean();
    site.append(
        PARK,
        "\n[[contacts]]\nname = { zh = \"招商中心\", en = \"Investment centre\" }\nphone = \"0531-0000000\"\n",
    );
    let d = assert_release_blocks(&site, "placeholder-phone");
    assert_at(&d, "warning", PARK, 16, Some(9));
    // A real number is fine.
    site.edit(PARK, "0531-0000000", "0531-88001234");
    site.check(&["--release"]).assert_exit(0);
}

#[test]
fn scaffold_text_that_new_wrote_blocks_a_release_once_published() {
    let site = Site::clean();
    let output = site.run(&["new", "park", "fresh"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // As a draft it is not published: nothing to report.
    site.check(&["--release"]).assert_exit(0);
    site.edit(
        "content/parks/fresh/park.toml",
        "draft = true",
        "draft = false",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    let found = check.all("placeholder-text");
    let text: Vec<String> = found.iter().map(|d| message(d).to_owned()).collect();
    for expected in [
        "New park",
        "Operating company",
        "Lead industries and direction",
        "About the park",
    ] {
        assert!(
            text.iter().any(|m| m.contains(expected)),
            "no placeholder-text for `{expected}`:\n{}",
            check.dump()
        );
    }
    assert!(
        text.iter().any(|m| m.contains("the text of park `fresh`")),
        "the body `new` wrote is reported:\n{}",
        check.dump()
    );
    site.check(&["--release"]).assert_exit(1);
}

#[test]
fn init_site_lists_what_to_replace_before_going_live() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("zone");
    let init = run_at(dir.path(), &["init", root.to_str().expect("utf-8 path")]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let check = Check::from(run_at(&root, &["check", "--format", "json"]));
    check.assert_exit(0);
    let release = Check::from(run_at(&root, &["check", "--format", "json", "--release"]));
    release.assert_exit(1);
    for code in [
        "placeholder-domain",
        "sample-notice",
        "placeholder-text",
        "placeholder-phone",
        "missing-icp",
    ] {
        assert!(release.has(code), "no `{code}`:\n{}", release.dump());
    }
}

#[test]
fn a_source_url_on_the_own_domain_that_the_site_lacks_is_a_broken_link() {
    let site = Site::clean();
    site.edit(
        PARK,
        "valid_until = 2030-12-31",
        "valid_until = 2030-12-31\nsource_url = \"https://invest.test-zone.gov.cn/docs/support-2025.pdf\"",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("broken-link");
    assert_at(d, "error", PARK, 13, Some(15));
    assert!(message(d).contains("/docs/support-2025.pdf"), "{d:#}");
    // A page the site has, and other domains, are fine.
    site.edit(
        PARK,
        "https://invest.test-zone.gov.cn/docs/support-2025.pdf",
        "https://invest.test-zone.gov.cn/parks/p/",
    );
    site.check(&[]).assert_exit(0);
    site.edit(
        PARK,
        "https://invest.test-zone.gov.cn/parks/p/",
        "https://www.gov.cn/docs/support-2025.pdf",
    );
    site.check(&[]).assert_exit(0);
}

#[test]
fn an_absolute_link_to_a_missing_page_of_the_own_domain_in_a_body_is_broken() {
    let site = Site::clean();
    index_with(
        &site,
        "详见[政策](https://invest.test-zone.gov.cn/policies/)和[旧页](https://invest.test-zone.gov.cn/old-page/)。",
    );
    let check = site.check(&[]);
    check.assert_exit(1);
    let d = check.one("broken-link");
    assert_at(d, "error", INDEX, 8, Some(56));
    assert!(message(d).contains("/old-page/"), "{d:#}");
}

#[test]
fn chinese_text_shown_on_english_pages_is_a_translation_gap() {
    let site = Site::clean();
    site.edit(
        PARK,
        "positioning = { zh = \"大数据与云计算\", en = \"Big data and cloud computing\" }",
        "positioning = \"以冷链仓储为主的物流园区\"",
    );
    site.append(
        PARK,
        "\n[[factors]]\nkind = \"broadband\"\nvalue = \"已覆盖\"\n",
    );
    let check = site.check(&[]);
    check.assert_exit(0);
    let gaps: Vec<&Value> = check
        .all("translation-missing")
        .into_iter()
        .filter(|d| message(d).contains("written in Chinese"))
        .collect();
    assert_eq!(gaps.len(), 2, "{}", check.dump());
    let field = |name: &str| {
        *gaps
            .iter()
            .find(|d| message(d).contains(&format!("`{name}`")))
            .unwrap_or_else(|| panic!("no gap for `{name}`:\n{}", check.dump()))
    };
    let positioning = field("positioning");
    assert_at(positioning, "warning", PARK, 3, Some(15));
    assert!(
        message(positioning).contains("`en` pages"),
        "{}",
        check.dump()
    );
    // A factor value is named with its line and column like any other field.
    assert_at(field("factors.value"), "warning", PARK, 16, Some(9));
    let en = &check.json["translation"]["languages"]["en"];
    assert!(
        en["present"].as_u64() < en["total"].as_u64(),
        "counted as a gap: {en}"
    );
    // A plain string in Latin script is the same in every language: no gap.
    site.edit(
        PARK,
        "\"以冷链仓储为主的物流园区\"",
        "\"Cold-chain logistics\"",
    );
    site.edit(PARK, "value = \"已覆盖\"", "value = \"100 Mbps\"");
    site.check(&["--strict"]).assert_exit(0);
    site.edit(PARK, "\"Cold-chain logistics\"", "\"冷链物流\"");
    site.check(&["--strict"]).assert_exit(1);
}
