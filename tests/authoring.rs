//! The authoring workflow through the real binary: `init`, `new`, `import` (CSV in UTF-8 and GBK,
//! XLSX written here) and `diff` between fixture editions and git revisions.

mod common;
use common::{BUILD_EPOCH, Site, copy_dir, walk};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

impl Site {
    /// `parkpress import FILE --park PARK --kind KIND` plus `extra` arguments.
    fn import(&self, file: &Path, park: &str, kind: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "import",
            file.to_str().expect("utf-8 path"),
            "--park",
            park,
            "--kind",
            kind,
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Appends `more` to the file `rel`.
    fn append_text(&self, rel: &str, more: &str) {
        let text = self.read(rel);
        self.write(rel, &format!("{text}{more}"));
    }

    /// Every file under content/ with its bytes, to prove nothing changed.
    fn content_snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        walk(&self.root().join("content"))
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).expect("read");
                (p, bytes)
            })
            .collect()
    }
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs parkpress with `--root` when given, at the fixed build date.
fn parkpress(args: &[&str], root: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parkpress"));
    command.args(args);
    if let Some(root) = root {
        command.arg("--root").arg(root);
    }
    command
        .env("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        .output()
        .expect("run parkpress")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// The body of a Markdown file: everything after the closing `+++`.
fn body(text: &str) -> &str {
    text.splitn(3, "+++\n").nth(2).unwrap_or("")
}

const TENANTS_CSV: &str = "\
序号,标识,名称,名称.en,状态,行业,入驻时间,重点,网址
1,cloud-co,云计算公司,Cloud Computing Co,入驻,新一代信息技术,2026/3/1,是,https://cloud.example.com
2,food-co,食品公司,Food Co,签约,food-beverage,2026-04-15,否,
";

#[test]
fn import_csv_utf8_with_bom_creates_and_updates_tenants() {
    let site = Site::fixture("authoring-import");
    let before = site.read("content/parks/p/tenants/cloud-co.md");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(TENANTS_CSV.as_bytes());
    let csv = site.write_bytes("tenants.csv", &bytes);
    let output = site.import(&csv, "p", "tenants", &["--publish"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("UTF-8 with BOM"), "{out}");
    assert!(out.contains("row 2: updated tenant `cloud-co`"), "{out}");
    assert!(out.contains("row 3: created tenant `food-co`"), "{out}");

    let cloud = site.read("content/parks/p/tenants/cloud-co.md");
    assert!(
        cloud.contains(r#"name = { zh = "云计算公司", en = "Cloud Computing Co" }"#),
        "{cloud}"
    );
    assert!(
        cloud.contains("status = \"settled\"   # 2026年签约"),
        "the comment stays: {cloud}"
    );
    assert!(cloud.contains("since = 2026-03-01"), "{cloud}");
    assert!(cloud.contains("featured = true"), "{cloud}");
    assert!(
        cloud.contains("website = \"https://cloud.example.com\""),
        "{cloud}"
    );
    assert!(
        cloud.contains(r#"summary = { zh = "云服务", en = "Cloud services" }"#),
        "fields the sheet lacks stay: {cloud}"
    );
    assert!(cloud.contains("public = true"), "{cloud}");
    assert_eq!(body(&cloud), body(&before), "the body is kept");

    let food = site.read("content/parks/p/tenants/food-co.md");
    assert!(
        food.contains(r#"name = { zh = "食品公司", en = "Food Co" }"#),
        "{food}"
    );
    assert!(food.contains("status = \"signed\""), "{food}");
    assert!(food.contains("industry = \"food-beverage\""), "{food}");
    assert!(food.contains("since = 2026-04-15"), "{food}");
    assert!(!food.contains("website"), "empty cells set nothing: {food}");

    site.build();
    let page = site.read("output/parks/p/tenants/food-co/index.html");
    assert!(page.contains("食品公司"));

    // The same sheet again changes nothing.
    let again = site.import(&csv, "p", "tenants", &["--publish"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 new, 0 changed, 2 unchanged; 0 file(s) written"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn imported_rows_are_drafts_with_their_text_as_a_table_of_the_default_language() {
    let site = Site::fixture("authoring-import");
    let csv = site.write_bytes(
        "new.csv",
        "标识,名称,状态\nnew-co,新材料公司,签约\n".as_bytes(),
    );
    let output = site.import(&csv, "p", "tenants", &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("draft: true"),
        "{}",
        stdout(&output)
    );
    let file = "content/parks/p/tenants/new-co.md";
    let new = site.read(file);
    // Chinese written as Chinese: the missing English is a gap, not text for every language.
    assert!(new.contains(r#"name = { zh = "新材料公司" }"#), "{new}");
    assert!(new.contains("draft = true"), "{new}");
    let build = site.run(&["build"]);
    assert_eq!(code(&build), 0, "{}", stderr(&build));
    assert!(
        stdout(&build).contains("1 draft not published"),
        "{}",
        stdout(&build)
    );
    assert!(!site.path("output/parks/p/tenants/new-co").exists());

    // `--publish` adds the row published; then its missing English shows in `check`.
    std::fs::remove_file(site.path(file)).expect("remove");
    let output = site.import(&csv, "p", "tenants", &["--publish"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!site.read(file).contains("draft"), "{}", site.read(file));
    let check = site.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).expect("json");
    let gap = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| {
            d["code"] == "translation-missing"
                && d["file"] == file
                && d["message"].as_str().unwrap_or("").contains("`name`")
        })
        .unwrap_or_else(|| panic!("no gap of `name` in {file}: {json:#}"));
    assert_eq!(gap["line"], 2, "{gap}");

    // A new policy and a new factor are drafts too.
    let policies = site.root().join("policies.csv");
    std::fs::write(&policies, "标识,标题,摘要\nnew-policy,新政策,新政策摘要\n").expect("write");
    let output = site.import(&policies, "p", "policies", &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let factors = site.root().join("factors.csv");
    std::fs::write(&factors, "类型,名称,数值\n宽带,千兆光纤,已覆盖\n").expect("write");
    let output = site.import(&factors, "p", "factors", &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let park = site.read("content/parks/p/park.toml");
    assert_eq!(park.matches("draft = true").count(), 2, "{park}");
    site.build();
    let page = site.read("output/parks/p/index.html");
    assert!(
        !page.contains("新政策") && !page.contains("千兆光纤"),
        "drafts are left out"
    );
}

#[test]
fn import_gbk_csv_updates_and_adds_policies_keeping_comments() {
    let site = Site::fixture("authoring-import");
    let text = "\
标识,标题,类别,摘要,摘要.en,截止日期,生效日期
rent-subsidy,,,前三年租金减半，第四年租金八折,\"Half rent for three years, 20% off in the fourth\",2028/12/31,
talent-housing,人才公寓,人才,引进人才可申请人才公寓,Talent apartments for recruited staff,2029-06-30,2026/1/1
";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK, not UTF-8");
    let csv = site.write_bytes("policies.csv", &gbk);
    let factors_before = {
        let park = site.read("content/parks/p/park.toml");
        park[park.find("[[factors]]").expect("factors")..].to_owned()
    };
    let output = site.import(&csv, "p", "policies", &["--publish"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("GBK"), "{}", stdout(&output));

    let park = site.read("content/parks/p/park.toml");
    assert!(
        park.starts_with("# 测试产业园：资料由园区运营方维护\n"),
        "{park}"
    );
    assert!(park.contains("# 政策由招商局审核\n[[policies]]"), "{park}");
    assert!(
        park.contains("document = \"测政发〔2026〕1号\"   # 文号以正式文件为准"),
        "{park}"
    );
    assert!(
        park.contains(r#"title = { zh = "租金补贴", en = "Rent subsidy" }"#),
        "an empty cell keeps the field: {park}"
    );
    assert!(
        park.contains(r#"summary = { zh = "前三年租金减半，第四年租金八折", en = "Half rent for three years, 20% off in the fourth" }"#),
        "{park}"
    );
    assert!(park.contains("valid_until = 2028-12-31"), "{park}");
    assert!(park.contains("key = \"talent-housing\""), "{park}");
    assert!(park.contains("category = \"talent\""), "{park}");
    assert!(park.contains("valid_from = 2026-01-01"), "{park}");
    assert!(park.contains("valid_until = 2029-06-30"), "{park}");
    let new_policy = park.find("talent-housing").expect("new policy");
    let factors = park.find("[[factors]]").expect("factors");
    assert!(
        new_policy < factors,
        "the new policy follows the others: {park}"
    );
    assert!(park.ends_with(&factors_before), "factors untouched: {park}");

    site.build();
    let page = site.read("output/parks/p/index.html");
    assert!(page.contains("人才公寓"));
    assert!(page.contains("第四年租金八折"));
}

#[test]
fn import_xlsx_factors_from_a_named_sheet() {
    let site = Site::fixture("authoring-import");
    let path = site.root().join("factors.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("说明").expect("name");
    notes
        .write_string(0, 0, "本表由园区运营方每季度更新")
        .expect("write");
    let sheet = workbook.add_worksheet();
    sheet.set_name("要素").expect("name");
    for (col, header) in [
        "序号",
        "类型",
        "名称",
        "数值",
        "单位",
        "单位.en",
        "截至日期",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *header).expect("header");
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_number(1, 0, 1).expect("write");
    sheet.write_string(1, 1, "电").expect("write");
    sheet.write_string(1, 2, "工业电价").expect("write");
    sheet.write_number(1, 3, 0.65).expect("write");
    sheet
        .write_datetime_with_format(
            1,
            6,
            rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 5, 1).expect("date"),
            &date,
        )
        .expect("write");
    sheet.write_number(2, 0, 2).expect("write");
    sheet.write_string(2, 1, "水").expect("write");
    sheet.write_string(2, 2, "工业用水").expect("write");
    sheet.write_number(2, 3, 3.9).expect("write");
    sheet.write_string(2, 4, "元/立方米").expect("write");
    sheet.write_string(2, 5, "yuan/m³").expect("write");
    sheet.write_string(2, 6, "2026/5/1").expect("write");
    workbook.save(&path).expect("save xlsx");

    let output = site.import(&path, "p", "factors", &["--sheet", "要素", "--publish"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("value: 0.62 → 0.65"), "{out}");
    assert!(out.contains("as_of: 2026-01-01 → 2026-05-01"), "{out}");

    let park = site.read("content/parks/p/park.toml");
    assert!(park.contains("value = 0.65"), "{park}");
    assert!(park.contains("as_of = 2026-05-01"), "{park}");
    assert!(
        park.contains(r#"note = { zh = "双回路供电", en = "Two grid feeds" }   # 以供电公司为准"#),
        "{park}"
    );
    assert!(
        park.contains(r#"unit = { zh = "元/千瓦时", en = "yuan/kWh" }"#),
        "{park}"
    );
    assert!(park.contains("kind = \"water\""), "{park}");
    assert!(
        park.contains(r#"unit = { zh = "元/立方米", en = "yuan/m³" }"#),
        "{park}"
    );
    assert_eq!(park.matches("[[factors]]").count(), 2, "{park}");
    site.build();
    assert!(site.read("output/parks/p/index.html").contains("工业用水"));

    // The first sheet is read by default: its header is not a factor column.
    let first = site.import(&path, "p", "factors", &[]);
    assert_eq!(code(&first), 1);
    assert!(
        stderr(&first).contains("sheet `说明`, row 1, column A"),
        "{}",
        stderr(&first)
    );
}

#[test]
fn a_bad_row_leaves_every_file_untouched_and_names_row_and_column() {
    let site = Site::fixture("authoring-import");
    let csv = site.write_bytes(
        "tenants.csv",
        "标识,名称,状态,行业,入驻时间\n\
         cloud-co,云计算公司,入驻,新一代信息技术,2026-03-01\n\
         food-co,食品公司,签约,food-beverage,2026-13-45\n\
         bad-co,坏公司,倒闭,food-beverage,2026-01-01\n"
            .as_bytes(),
    );
    let before = site.content_snapshot();
    let output = site.import(&csv, "p", "tenants", &[]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        located(
            &err,
            "error[import-row]: `2026-13-45` is not a date",
            "tenants.csv, sheet `tenants`, row 3, column E (`入驻时间`)"
        ),
        "{err}"
    );
    assert!(err.contains("YYYY-MM-DD or YYYY/M/D"), "{err}");
    assert!(
        located(
            &err,
            "`倒闭` is not a status",
            "sheet `tenants`, row 4, column C (`状态`)"
        ),
        "every bad row is reported: {err}"
    );
    assert!(err.contains("no file was changed"), "{err}");
    assert_eq!(site.content_snapshot(), before, "no file changed");
}

#[test]
fn unknown_headers_and_languages_are_errors_naming_the_column() {
    let site = Site::fixture("authoring-import");
    let csv = site.write_bytes(
        "tenants.csv",
        "no,key,name,name.fr,staus\ncloud-co,云计算公司,Cloud,x,settled\n".as_bytes(),
    );
    let before = site.content_snapshot();
    let output = site.import(&csv, "p", "tenants", &[]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(
        located(
            &err,
            "`fr` is not a language of this site",
            "row 1, column D (`name.fr`)"
        ),
        "{err}"
    );
    assert!(
        located(&err, "unknown column `staus`", "row 1, column E (`staus`)"),
        "{err}"
    );
    assert!(err.contains("did you mean `status`?"), "{err}");
    assert_eq!(site.content_snapshot(), before);
}

#[test]
fn dry_run_shows_the_changes_and_writes_nothing() {
    let site = Site::fixture("authoring-import");
    let csv = site.write_bytes("tenants.csv", TENANTS_CSV.as_bytes());
    let before = site.content_snapshot();
    let output = site.import(&csv, "p", "tenants", &["--dry-run"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("row 2: would update tenant `cloud-co`"),
        "{out}"
    );
    assert!(out.contains("status: signed → settled"), "{out}");
    assert!(
        out.contains("row 3: would create tenant `food-co`"),
        "{out}"
    );
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert_eq!(site.content_snapshot(), before);
}

#[test]
fn import_usage_errors_exit_2() {
    let site = Site::fixture("authoring-import");
    let csv = site.write_bytes("tenants.csv", TENANTS_CSV.as_bytes());
    let unknown_park = site.import(&csv, "nope", "tenants", &[]);
    assert_eq!(code(&unknown_park), 2);
    assert!(
        stderr(&unknown_park).contains("there is no park `nope`"),
        "{}",
        stderr(&unknown_park)
    );
    assert!(stderr(&unknown_park).contains("known parks: p"));
    let missing = site.import(Path::new("no-such-file.xlsx"), "p", "tenants", &[]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("no-such-file.xlsx"));
}

/// `check` found no error, and its only warnings are the placeholders the example or scaffold
/// text holds (what `check --release` lists for staff to replace before going live).
fn assert_only_placeholder_warnings(check: &std::process::Output) {
    let out = stdout(check);
    assert!(out.contains("0 error(s)"), "{out}{}", stderr(check));
    for line in stderr(check).lines().filter(|l| l.starts_with("warning[")) {
        assert!(
            ["placeholder-", "sample-notice", "missing-icp"]
                .iter()
                .any(|code| line.starts_with(&format!("warning[{code}"))),
            "unexpected warning: {line}\n{}",
            stderr(check)
        );
    }
}

#[test]
fn init_makes_a_site_that_builds_and_passes_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("zone");
    let root_arg = root.to_str().expect("path");
    let output = parkpress(&["init", root_arg], None);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("parkpress serve"));
    assert!(stdout(&output).contains("parkpress check"));
    assert!(!root.join("themes").exists(), "the built-in theme is used");

    let check = parkpress(&["check"], Some(&root));
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    assert_only_placeholder_warnings(&check);
    assert!(stdout(&check).contains("translation en: 100%"));
    let build = parkpress(&["build"], Some(&root));
    assert_eq!(code(&build), 0, "{}", stderr(&build));
    let park = std::fs::read_to_string(root.join("output/parks/example-park/index.html"))
        .expect("park page");
    assert!(park.contains("厂房租金补贴"), "the policy is shown");
    assert!(park.contains("工业电价"), "the factor is shown");
    assert!(
        root.join("output/parks/example-park/tenants/example-tech/index.html")
            .is_file()
    );
    assert!(root.join("output/en/index.html").is_file());

    let again = parkpress(&["init", root_arg], None);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("is not empty"),
        "{}",
        stderr(&again)
    );
    let forced = parkpress(&["init", root_arg, "--force"], None);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
}

#[test]
fn new_files_pass_check_and_are_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("zone");
    assert_eq!(
        code(&parkpress(&["init", root.to_str().expect("path")], None)),
        0
    );
    for args in [
        ["new", "park", "data-lake"],
        ["new", "tenant", "data-lake/huawei-cloud"],
        ["new", "news", "expo-2026"],
        ["new", "page", "contact"],
    ] {
        let output = parkpress(&args, Some(&root));
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    }
    let park_toml = root.join("content/parks/data-lake/park.toml");
    let text = std::fs::read_to_string(&park_toml).expect("park.toml");
    assert!(
        text.contains("# 运营商") || text.contains("运营商（必填）"),
        "{text}"
    );
    assert!(text.contains("operating company (required)"), "{text}");
    assert!(text.contains("# [[policies]]"), "{text}");
    for rel in [
        "content/parks/data-lake/index.md",
        "content/parks/data-lake/index.en.md",
        "content/parks/data-lake/tenants/huawei-cloud.md",
        "content/parks/data-lake/tenants/huawei-cloud.en.md",
        "content/news/expo-2026.md",
        "content/pages/contact.md",
    ] {
        assert!(root.join(rel).is_file(), "{rel}");
    }

    let check = parkpress(&["check", "--drafts"], Some(&root));
    assert_eq!(code(&check), 0, "{}{}", stdout(&check), stderr(&check));
    assert_only_placeholder_warnings(&check);

    // Published as they are, they still pass.
    for rel in [
        "content/parks/data-lake/park.toml",
        "content/parks/data-lake/tenants/huawei-cloud.md",
        "content/news/expo-2026.md",
        "content/pages/contact.md",
    ] {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("draft = true"), "{rel} starts as a draft");
        std::fs::write(&path, text.replace("draft = true", "draft = false")).expect("write");
    }
    let check = parkpress(&["check"], Some(&root));
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    assert!(stdout(&check).contains("0 error(s)"), "{}", stdout(&check));
    let build = parkpress(&["build"], Some(&root));
    assert_eq!(code(&build), 0, "{}", stderr(&build));
    assert!(root.join("output/parks/data-lake/index.html").is_file());

    // Never overwritten without --force.
    let edited = "# mine\n".to_owned() + &std::fs::read_to_string(&park_toml).expect("read");
    std::fs::write(&park_toml, &edited).expect("write");
    let again = parkpress(&["new", "park", "data-lake"], Some(&root));
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("already exist"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&park_toml).expect("read"), edited);
    let forced = parkpress(&["new", "park", "data-lake", "--force"], Some(&root));
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_ne!(std::fs::read_to_string(&park_toml).expect("read"), edited);

    let bad_key = parkpress(&["new", "park", "Data_Lake"], Some(&root));
    assert_eq!(code(&bad_key), 2);
    assert!(
        stderr(&bad_key).contains("[a-z0-9]+(-[a-z0-9]+)*"),
        "{}",
        stderr(&bad_key)
    );
    assert!(stderr(&bad_key).contains("try `data-lake`"));
    let no_park = parkpress(&["new", "tenant", "nowhere/acme"], Some(&root));
    assert_eq!(code(&no_park), 2);
    assert!(stderr(&no_park).contains("there is no park `nowhere`"));
    let reserved = parkpress(&["new", "page", "news"], Some(&root));
    assert_eq!(code(&reserved), 2);
}

/// The facts that differ between the two diff fixtures, and some that do not.
fn assert_fixture_changes(out: &str) {
    for expected in [
        "== Zone: 测试经济开发区 ==",
        "changed  新签约合同额",
        "value: 265.92亿元 (as of 2026-01-31) → 301.5亿元 (as of 2026-04-30)",
        "changed  zone pipeline",
        "signed: 20 → 22",
        "to_sign: 12 → 10",
        "== Park alpha: 甲产业园 ==",
        "changed  loan-interest 贷款贴息",
        "benefit: 按利息的30%补贴 → 按利息的50%补贴",
        "benefit (en): 30% of the interest → 50% of the interest",
        "removed  old-policy 旧政策",
        "added    talent-housing 人才公寓",
        "expired  short-relief 短期减免",
        "valid until 2026-04-30: now hidden from the site and print",
        "changed  electricity 工业电价",
        "value: 0.62 元/千瓦时 (as of 2026-01-01) → 0.65 元/千瓦时 (as of 2026-05-01)",
        "changed  pipeline",
        "signed: 6 → 8",
        "as_of: 2026-01-31 → 2026-05-31",
        "changed  data-co 数据公司",
        "status: signed → settled",
        "removed  gone-co 离开公司",
        "added    new-co 新来公司",
        "translated: content/parks/alpha/index.md `body`",
        "missing: content/parks/alpha/park.toml `policies.title`",
        "== Park gamma: 丙产业园 (added) ==",
        "added    logistics 仓储租金",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    for unchanged in [
        "入园企业",
        "rent-subsidy",
        "water",
        "工业用水",
        "cloud-co",
        "beta",
        "乙产业园",
        "negotiating",
    ] {
        assert!(
            !out.contains(unchanged),
            "`{unchanged}` did not change but is listed:\n{out}"
        );
    }
}

/// `parkpress diff OLD --html FILE` in `new`: the text report and the HTML sheet.
fn diff_with_sheet(new: &Site, old: &Site) -> (String, String) {
    let html = new.root().join("review.html");
    let output = new.run(&[
        "diff",
        old.root().to_str().expect("path"),
        "--html",
        html.to_str().expect("path"),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let page = std::fs::read_to_string(&html).expect("html report");
    (stdout(&output), page)
}

#[test]
fn diff_lists_exactly_the_changed_facts() {
    let new = Site::fixture("authoring-diff-new");
    let old = Site::fixture("authoring-diff-old");
    let (out, page) = diff_with_sheet(&new, &old);
    assert!(
        out.contains("(as of 2026-03-01, its newest dated fact)"),
        "{out}"
    );
    assert_fixture_changes(&out);

    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert!(page.contains("审核人"), "sign-off line");
    assert!(page.contains("日期"));
    assert!(page.contains("talent-housing 人才公寓"));
    assert!(page.contains("0.62 元/千瓦时 (as of 2026-01-01) → 0.65 元/千瓦时"));
    assert!(!page.contains("rent-subsidy"));

    // An edition compared with itself: nothing changed, still exit 0.
    let same = new.run(&["diff", new.root().to_str().expect("path")]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(
        stdout(&same).contains("No facts changed."),
        "{}",
        stdout(&same)
    );
}

#[test]
fn diff_shows_narrative_highlight_and_positioning_changes_and_the_compliance_warnings() {
    let new = Site::fixture("authoring-diff-new");
    let old = Site::fixture("authoring-diff-old");
    let index = "content/parks/alpha/index.md";
    for site in [&old, &new] {
        site.write(
            index,
            "甲产业园。\n\n园区交通便利，\n紧邻高速。\n\n欢迎投资。\n",
        );
    }
    new.write(
        index,
        "甲产业园。\n\n园区是全国最大的数据湖，\n紧邻高速。\n\n欢迎投资。\n",
    );
    let park = "content/parks/alpha/park.toml";
    old.edit(park, "positioning = { zh = \"云计算\", en = \"Cloud computing\" }\n", "positioning = { zh = \"云计算\", en = \"Cloud computing\" }\nhighlights = [\"五分钟上高速\"]\n");
    new.edit(park, "positioning = { zh = \"云计算\", en = \"Cloud computing\" }\n", "positioning = { zh = \"云计算与数据中心\", en = \"Cloud computing\" }\nhighlights = [\"五分钟上高速\", \"电价全国第一\"]\n");
    let tenant = "content/parks/alpha/tenants/data-co.md";
    new.append_text(tenant, "\n公司已扩产。\n");

    let (out, page) = diff_with_sheet(&new, &old);
    for expected in [
        "changed  positioning, highlights, narrative",
        "positioning: 云计算 → 云计算与数据中心",
        "highlights: + 电价全国第一",
        // The changed paragraph, old and new; the unchanged ones are not listed.
        "body: − 园区交通便利， 紧邻高速。",
        "body: + 园区是全国最大的数据湖， 紧邻高速。",
        "body: + 公司已扩产。",
        "Compliance warnings of the new edition:",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(
        !out.contains("欢迎投资"),
        "an unchanged paragraph is listed:\n{out}"
    );
    assert!(
        !out.contains("+ 五分钟上高速"),
        "an unchanged highlight is listed:\n{out}"
    );

    // Field names in the sheet's language.
    assert!(page.contains("截止日期: 2030-12-31"), "{page}");
    assert!(
        page.contains("产业定位: 云计算 → 云计算与数据中心"),
        "{page}"
    );
    assert!(page.contains("正文: + 园区是全国最大的数据湖"), "{page}");
    assert!(
        !page.contains("valid_until:") && !page.contains("positioning:"),
        "{page}"
    );
    // The new edition's compliance warnings, above the signature line.
    let warnings = page.find("合规提示").expect("compliance section");
    let signature = page.find("审核人").expect("signature line");
    assert!(warnings < signature, "warnings come before the signature");
    let compliance = &page[warnings..signature];
    assert!(compliance.contains("广告法"), "{compliance}");
    assert!(compliance.contains(index), "{compliance}");
    assert!(
        compliance.contains("short-relief"),
        "expired policy: {compliance}"
    );
}

#[test]
fn diff_against_a_git_revision() {
    let site = Site::fixture("authoring-diff-old");
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .arg("-C")
            .arg(site.root())
            .args([
                "-c",
                "user.name=Reviewer",
                "-c",
                "user.email=review@example.gov.cn",
            ])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2026-03-01T08:00:00+08:00")
            .env("GIT_AUTHOR_DATE", "2026-03-01T08:00:00+08:00")
            .output()
            .expect("run git");
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "published edition"]);
    std::fs::remove_dir_all(site.root().join("content")).expect("remove old content");
    copy_dir(&fixture_path("authoring-diff-new"), site.root());

    let output = site.run(&["diff", "--git", "HEAD"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("git HEAD (as of 2026-03-01, the commit date)"),
        "{out}"
    );
    assert_fixture_changes(&out);

    let unknown = site.run(&["diff", "--git", "no-such-tag"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("`no-such-tag` is not a revision"),
        "{}",
        stderr(&unknown)
    );
}

/// Whether `stderr` has a diagnostic whose first line ends with `message` and whose location
/// line (`  --> file, sheet …`) ends with `place`.
fn located(stderr: &str, message: &str, place: &str) -> bool {
    let lines: Vec<&str> = stderr.lines().collect();
    lines.windows(2).any(|pair| {
        pair[0].ends_with(message) && pair[1].starts_with("  --> ") && pair[1].ends_with(place)
    })
}

#[test]
fn the_sign_off_sheet_comes_from_the_site_theme() {
    let new = Site::fixture("authoring-diff-new");
    let old = Site::fixture("authoring-diff-old");
    new.write(
        "themes/review/theme.toml",
        "name = \"review\"\nextends = \"default\"\n",
    );
    new.write(
        "themes/review/internal/diff-report.html",
        "<h1>{{ changes }} change(s) since {{ old.date }}</h1>\n{% for s in sections %}<h2>{{ s.name }}</h2>{% endfor %}\n",
    );
    new.edit(
        "content/site.toml",
        "base_url",
        "theme = \"review\"\nbase_url",
    );
    let (_, page) = diff_with_sheet(&new, &old);
    assert!(page.starts_with("<h1>"), "{page}");
    assert!(page.contains("change(s) since 2026-03-01</h1>"), "{page}");
    assert!(
        !page.contains("审核人"),
        "the default sheet is replaced: {page}"
    );

    // A template that does not parse is an error naming it, and no sheet is written.
    new.write(
        "themes/review/internal/diff-report.html",
        "<h1>{{ changes </h1>\n",
    );
    let html = new.root().join("broken.html");
    let output = new.run(&[
        "diff",
        old.root().to_str().expect("path"),
        "--html",
        html.to_str().expect("path"),
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("themes/review/internal/diff-report.html"),
        "{}",
        stderr(&output)
    );
    assert!(!html.exists());
}
