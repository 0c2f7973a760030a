//! PDFs typeset in-process with Typst, checked with poppler's `pdfinfo`, `pdffonts` and
//! `pdftotext`. They need CJK fonts (`fonts-noto-cjk`) and `poppler-utils`: without them the tests
//! skip with a reason, except under `CI=true`, where a missing package fails them.

mod common;
use common::{Site, parkpress, pdf_tools_ready};
use std::path::Path;
use std::process::{Command, Output};

impl Site {
    /// Runs parkpress with the theme's fonts and `--font-path` only.
    fn run_without_system_fonts(&self, args: &[&str]) -> Output {
        parkpress(self.root(), args)
            .env("PARKPRESS_NO_SYSTEM_FONTS", "1")
            .output()
            .expect("run parkpress")
    }

    fn pdf(&self, args: &[&str]) {
        let mut all = vec!["pdf"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        assert!(
            output.status.success(),
            "pdf failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn tool(&self, tool: &str, pdf: &str) -> String {
        let mut command = Command::new(tool);
        if tool == "pdftotext" {
            command.args(["-layout", "-enc", "UTF-8"]);
        }
        command.arg(self.path("output").join(pdf));
        if tool == "pdftotext" {
            command.arg("-");
        }
        let output = command.output().expect(tool);
        assert!(
            output.status.success(),
            "{tool} {pdf}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

fn info_field<'a>(info: &'a str, field: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map_or("", str::trim)
}

#[test]
fn brochures_and_flyers_are_a4_with_metadata_and_extractable_text() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&[]);
    for pdf in [
        "pdf/zone.zh.pdf",
        "pdf/zone.en.pdf",
        "pdf/parks/data-lake.zh.pdf",
        "pdf/parks/zhizao.en.pdf",
        "pdf/flyers/data-lake.zh.pdf",
        "pdf/flyers/data-lake.en.pdf",
    ] {
        let info = site.tool("pdfinfo", pdf);
        assert!(
            info_field(&info, "Page size").starts_with("595.276 x 841.89"),
            "{pdf} is not A4:\n{info}"
        );
        assert_eq!(
            info_field(&info, "Author"),
            if pdf.contains(".en.") {
                "Test Economic Development Zone"
            } else {
                "测试经济开发区"
            },
            "{pdf}"
        );
    }
    assert_eq!(
        info_field(&site.tool("pdfinfo", "pdf/zone.zh.pdf"), "Title"),
        "测试经济开发区投资指南"
    );
    assert_eq!(
        info_field(&site.tool("pdfinfo", "pdf/parks/data-lake.en.pdf"), "Title"),
        "Data Lake Park: Investment Brochure"
    );
    assert_eq!(
        info_field(
            &site.tool("pdfinfo", "pdf/flyers/data-lake.zh.pdf"),
            "Pages"
        ),
        "1",
        "a flyer is one page"
    );

    let zh = site.tool("pdftotext", "pdf/parks/data-lake.zh.pdf");
    assert!(
        zh.contains("数据湖产业园") && zh.contains("租金补贴") && zh.contains("前三年租金减半"),
        "{zh}"
    );
    assert!(zh.contains("0.62"), "factor values are printed");
    let en = site.tool("pdftotext", "pdf/parks/data-lake.en.pdf");
    assert!(
        en.contains("Data Lake Park") && en.contains("Rent subsidy"),
        "{en}"
    );
    for (pdf, text) in [("zh", &zh), ("en", &en)] {
        assert!(
            !text.contains("已过期的旧政策") && !text.contains("An expired old policy"),
            "{pdf}: expired policy printed"
        );
        assert!(
            !text.contains("机密洽谈项目"),
            "{pdf}: a confidential tenant printed"
        );
        assert!(!text.contains("alert"), "{pdf}: raw HTML printed");
    }
    let zone = site.tool("pdftotext", "pdf/zone.zh.pdf");
    assert!(
        zone.contains("265.92") && zone.contains("智造小镇") && zone.contains("数据湖产业园"),
        "{zone}"
    );
}

/// The PDF's bookmarks (outline) as `pdftohtml -xml` lists them: (depth, title, page), in order.
fn bookmarks(site: &Site, pdf: &str) -> Vec<(usize, String, u32)> {
    let output = Command::new("pdftohtml")
        .args(["-xml", "-i", "-stdout", "-q"])
        .arg(site.path("output").join(pdf))
        .output()
        .expect("pdftohtml (poppler-utils)");
    let xml = String::from_utf8_lossy(&output.stdout);
    let mut depth = 0;
    let mut marks = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<outline") {
            depth += 1;
        } else if line.starts_with("</outline>") {
            depth -= 1;
        } else if let Some(rest) = line.strip_prefix("<item page=\"") {
            let (page, rest) = rest.split_once("\">").expect("item");
            let title = rest.trim_end_matches("</item>").to_owned();
            marks.push((depth, title, page.parse().expect("page number")));
        }
    }
    marks
}

#[test]
fn the_zone_brochure_has_a_bookmark_for_every_park_with_its_sections_under_it() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--lang", "en"]);
    let marks = bookmarks(&site, "pdf/zone.en.pdf");
    let top: Vec<&str> = marks
        .iter()
        .filter(|(depth, ..)| *depth == 1)
        .map(|(_, title, _)| title.as_str())
        .collect();
    let parks = ["Data Lake Park", "Smart Manufacturing Town"];
    let at = |name: &str| {
        top.iter()
            .position(|t| *t == name)
            .unwrap_or_else(|| panic!("no top-level bookmark {name}: {marks:?}"))
    };
    assert!(at(parks[0]) < at(parks[1]), "parks in listing order");
    // Each park's sections are bookmarks under it, on its pages.
    let park = marks
        .iter()
        .position(|(d, t, _)| *d == 1 && t == parks[0])
        .expect("park");
    let (_, _, park_page) = marks[park];
    let sections: Vec<&(usize, String, u32)> = marks[park + 1..]
        .iter()
        .take_while(|(d, ..)| *d > 1)
        .collect();
    assert!(
        sections
            .iter()
            .any(|(d, t, p)| *d == 2 && t == "Preferential policies" && *p >= park_page),
        "{marks:?}"
    );
}

/// Raster images on page 1 of a PDF as `pdfimages -list` gives them: (width, height).
fn cover_images(site: &Site, pdf: &str) -> Vec<(u32, u32)> {
    let output = Command::new("pdfimages")
        .args(["-list", "-f", "1", "-l", "1"])
        .arg(site.path("output").join(pdf))
        .output()
        .expect("pdfimages (poppler-utils)");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(2)
        .filter_map(|row| {
            let columns: Vec<&str> = row.split_whitespace().collect();
            Some((columns.get(3)?.parse().ok()?, columns.get(4)?.parse().ok()?))
        })
        .collect()
}

#[test]
fn the_zone_brochure_cover_shows_the_cover_photo_when_the_zone_has_one() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--lang", "zh"]);
    let without = cover_images(&site, "pdf/zone.zh.pdf");
    assert!(!without.contains(&(1600, 900)), "{without:?}");

    image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 4) as u8, ((x + y) / 10) as u8])
    })
    .save(site.path("content/zone-cover.jpg"))
    .expect("cover photo");
    site.edit(
        "content/site.toml",
        "icp = ",
        "cover = \"zone-cover.jpg\"\nicp = ",
    );
    site.pdf(&["--lang", "zh"]);
    let with = cover_images(&site, "pdf/zone.zh.pdf");
    assert!(
        with.contains(&(1600, 900)),
        "the photo is on the cover at full resolution: {with:?}"
    );
    assert_eq!(with.len(), without.len() + 1, "{without:?} → {with:?}");
    let text = site.tool("pdftotext", "pdf/zone.zh.pdf");
    assert!(
        text.contains("测试经济开发区"),
        "the cover text is still there"
    );
}

#[test]
fn a_park_brochure_does_not_end_on_a_page_with_only_a_few_lines() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    // Narratives of 26, 29 and 32 one-line paragraphs: set as the theme sets them, each brochure
    // runs one page over, onto a last page holding the contact card alone (four lines).
    let park = site.read("content/parks/data-lake/park.toml");
    for lines in [26, 29, 32] {
        let dir = format!("content/parks/long-{lines}");
        site.write(
            &format!("{dir}/park.toml"),
            &park
                .replace("数据湖产业园", &format!("长文园区{lines}"))
                .replace("Data Lake Park", &format!("Long Park {lines}"))
                .replace("order = 1", &format!("order = {lines}")),
        );
        let body: Vec<String> = (1..=lines)
            .map(|i| format!("第{i}段：园区提供标准厂房、人才公寓和一站式服务。"))
            .collect();
        site.write(&format!("{dir}/index.md"), &body.join("\n\n"));
    }
    site.pdf(&["--lang", "zh"]);
    for lines in [26, 29, 32] {
        let pdf = format!("pdf/parks/long-{lines}.zh.pdf");
        let pages: usize = info_field(&site.tool("pdfinfo", &pdf), "Pages")
            .parse()
            .expect("pages");
        let output = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8", "-f", &pages.to_string()])
            .args(["-l", &pages.to_string()])
            .arg(site.path("output").join(&pdf))
            .arg("-")
            .output()
            .expect("pdftotext");
        let last = String::from_utf8_lossy(&output.stdout).into_owned();
        let text_lines = last.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(
            text_lines >= 8,
            "{pdf} ends on a page of {text_lines} lines (footer included):\n{last}"
        );
        let all: String = site
            .tool("pdftotext", &pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            all.contains(&format!("第{lines}段")) && all.contains("张经理"),
            "nothing is left out: {pdf}"
        );
    }
}

#[test]
fn fonts_are_embedded_and_chinese_uses_simplified_glyphs() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--lang", "zh", "--park", "data-lake"]);
    let fonts = site.tool("pdffonts", "pdf/parks/data-lake.zh.pdf");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns.iter().rev().nth(4).copied().unwrap_or("");
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
    assert!(
        fonts.contains("SC") || fonts.contains("CJK"),
        "a Simplified Chinese face is used:\n{fonts}"
    );
    assert!(
        !site.path("output/pdf/zone.zh.pdf").exists(),
        "--park makes only that park's PDFs"
    );
    assert!(
        !site.path("output/pdf/parks/data-lake.en.pdf").exists(),
        "--lang makes only that language"
    );
}

#[test]
fn same_input_and_date_give_identical_pdfs() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--park", "data-lake"]);
    let first = std::fs::read(site.path("output/pdf/parks/data-lake.zh.pdf")).expect("pdf");
    site.pdf(&["--park", "data-lake"]);
    let second = std::fs::read(site.path("output/pdf/parks/data-lake.zh.pdf")).expect("pdf");
    assert!(first == second, "PDF bytes differ between two builds");
}

#[test]
fn web_pages_link_the_pdfs_that_exist() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let plain = site.run(&["build"]);
    assert!(plain.status.success());
    let page =
        std::fs::read_to_string(site.path("output/parks/data-lake/index.html")).expect("page");
    assert!(!page.contains(".pdf\""), "no PDF links without PDFs");
    let with_pdf = site.run(&["build", "--pdf"]);
    assert!(
        with_pdf.status.success(),
        "{}",
        String::from_utf8_lossy(&with_pdf.stderr)
    );
    let page =
        std::fs::read_to_string(site.path("output/parks/data-lake/index.html")).expect("page");
    assert!(
        page.contains("href=\"/invest/pdf/parks/data-lake.zh.pdf\""),
        "park brochure link"
    );
    assert!(
        page.contains("href=\"/invest/pdf/flyers/data-lake.zh.pdf\""),
        "flyer link"
    );
    assert!(
        std::fs::read_to_string(site.path("output/en/index.html"))
            .expect("home")
            .contains("href=\"/invest/pdf/zone.en.pdf\"")
    );
}

#[test]
fn a_flyer_that_overflows_its_page_fails_naming_the_park() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let long = "园区提供完善的配套设施与服务，".repeat(250);
    let park =
        std::fs::read_to_string(site.path("content/parks/data-lake/park.toml")).expect("park");
    let park = park.replace(
        "positioning = { zh = \"大数据与云计算\", en = \"Big data and cloud computing\" }",
        &format!("positioning = {{ zh = \"{long}\", en = \"Big data\" }}"),
    );
    std::fs::write(site.path("content/parks/data-lake/park.toml"), park).expect("write");
    let output = site.run(&["pdf", "--lang", "zh"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("flyer-overflow") && err.contains("pdf/flyers/data-lake.zh.pdf"),
        "{err}"
    );
    assert!(!site.path("output").exists(), "nothing written");
}

/// The `basic` site with a theme `broken` whose print/flyer.typ is `flyer`.
fn with_flyer_template(flyer: &str) -> Site {
    let site = Site::fixture("basic");
    site.write("themes/broken/theme.toml", "extends = \"default\"\n");
    site.write("themes/broken/print/flyer.typ", flyer);
    let config = site.read("content/site.toml");
    site.write(
        "content/site.toml",
        &format!("theme = \"broken\"\n{config}"),
    );
    site
}

#[test]
fn print_template_syntax_errors_name_the_theme_file_and_line() {
    if !pdf_tools_ready() {
        return;
    }
    let site = with_flyer_template("= {{ park.name | typst }}\n\n{% if park.name %}\nno end\n");
    let output = site.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("template-error"), "{err}");
    assert!(
        err.contains("--> themes/broken/print/flyer.typ:5:1"),
        "{err}"
    );
}

#[test]
fn typst_errors_name_the_template_and_the_generated_line() {
    if !pdf_tools_ready() {
        return;
    }
    let site = with_flyer_template("= {{ park.name | typst }}\n\n#let oops = (1, 2\n");
    let output = site.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("typst-error") && err.contains("flyer.typ"),
        "{err}"
    );
    assert!(
        err.contains(".parkpress-cache/print/flyers.data-lake.en.typ:3:"),
        "points at the kept source: {err}"
    );
    assert!(
        site.path(".parkpress-cache/print/flyers.data-lake.en.typ")
            .exists()
    );
}

/// A file standing where the folder of kept Typst sources should be: the PDFs are made all the
/// same, a `print-cache` warning names the folder and the OS error, and a Typst error's hint does
/// not claim the source was kept.
#[test]
fn a_cache_folder_that_cannot_be_made_is_a_warning_and_no_hint_claims_a_kept_source() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.write(".parkpress-cache/print", "not a folder");
    let output = site.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("print-cache")
            && err.contains("could not make the folder .parkpress-cache/print: ")
            && err.contains("(os error"),
        "{err}"
    );
    assert!(site.exists("pdf/flyers/data-lake.en.pdf"));

    let broken = with_flyer_template("= {{ park.name | typst }}\n\n#let oops = (1, 2\n");
    broken.write(".parkpress-cache/print", "not a folder");
    let output = broken.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("typst-error"), "{err}");
    assert!(
        err.contains("the generated Typst source could not be kept") && !err.contains("is kept in"),
        "{err}"
    );
}

#[test]
fn without_fonts_for_chinese_the_command_exits_2_naming_the_package() {
    let site = Site::fixture("basic");
    let output = site.run_without_system_fonts(&["pdf"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("Chinese") && err.contains("fonts-noto-cjk"),
        "{err}"
    );
}

#[test]
fn font_path_supplies_fonts_when_system_fonts_are_off() {
    if !pdf_tools_ready() {
        return;
    }
    // Where the machine keeps its CJK font: passed explicitly, with system fonts turned off.
    let listing = Command::new("fc-list")
        .args([":lang=zh", "file"])
        .output()
        .expect("fc-list");
    let first = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches(':')
        .to_owned();
    let dir = Path::new(&first)
        .parent()
        .expect("font folder")
        .to_path_buf();
    let site = Site::fixture("basic");
    let without = site.run_without_system_fonts(&["pdf", "--park", "data-lake"]);
    assert_eq!(
        without.status.code(),
        Some(2),
        "no fonts at all without --font-path"
    );
    let with = site.run_without_system_fonts(&[
        "pdf",
        "--park",
        "data-lake",
        "--font-path",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let text = site.tool("pdftotext", "pdf/parks/data-lake.zh.pdf");
    assert!(text.contains("数据湖产业园"), "{text}");
}

#[test]
fn partial_and_plain_builds_keep_current_pdfs_and_typeset_stale_ones_again() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let pdfs = |site: &Site| -> Vec<String> {
        common::walk(&site.path("output/pdf"))
            .iter()
            .map(|p| {
                p.strip_prefix(site.path("output"))
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect()
    };
    let stdout = |args: &[&str]| {
        let output = site.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let all = stdout(&["pdf"]);
    assert!(all.contains("PDFs: 10 typeset"), "{all}");
    let made = pdfs(&site);
    assert_eq!(made.len(), 10, "{made:?}");
    let flyer = std::fs::read(site.path("output/pdf/flyers/data-lake.zh.pdf")).expect("flyer");

    // One park's PDFs replace only those: the other six stay.
    let one = stdout(&["pdf", "--park", "zhizao"]);
    assert!(one.contains("PDFs: 4 typeset, 6 kept (unchanged)"), "{one}");
    assert_eq!(pdfs(&site), made, "pdf --park removed other PDFs");

    // A plain build keeps current PDFs, and the pages still link them.
    let plain = stdout(&["build"]);
    assert!(plain.contains("PDFs: 10 kept (unchanged)"), "{plain}");
    assert_eq!(pdfs(&site), made, "a plain build removed the PDFs");
    assert!(
        site.out("parks/data-lake/index.html")
            .contains("data-lake.zh.pdf")
    );

    // After an edit, what it changes is typeset again, never published stale; the rest is kept.
    site.edit(
        "content/parks/zhizao/park.toml",
        "en = \"Intelligent manufacturing\"",
        "en = \"Cold-chain logistics and smart manufacturing base\"",
    );
    let after = stdout(&["build"]);
    assert!(
        after.contains("typeset again (their content changed)"),
        "{after}"
    );
    assert!(after.contains("kept (unchanged)"), "{after}");
    assert!(
        site.tool("pdftotext", "pdf/parks/zhizao.en.pdf")
            .contains("Cold-chain logistics")
    );
    assert_eq!(
        std::fs::read(site.path("output/pdf/flyers/data-lake.zh.pdf")).expect("flyer"),
        flyer,
        "an unchanged PDF is kept as it was"
    );
    assert_eq!(pdfs(&site), made);
}

#[test]
fn chinese_factor_value_on_the_english_flyer_is_flagged_not_silently_printed() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let park = "content/parks/data-lake/park.toml";
    let text = format!(
        "{}\n[[factors]]\nkind = \"broadband\"\nvalue = \"已覆盖\"\n",
        site.read(park)
    );
    site.write(park, &text);
    let line = text
        .lines()
        .position(|l| l == "value = \"已覆盖\"")
        .expect("the factor")
        + 1;
    let location = format!("{park}:{line}:9");

    // `check --strict` fails on the gap, naming file, line and field.
    let strict = site.run(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    let at = stderr
        .find(&location)
        .unwrap_or_else(|| panic!("no diagnostic at {location}:\n{stderr}"));
    let header = stderr[..at].lines().rev().nth(1).unwrap_or_default();
    assert!(
        header.contains("translation-missing") && header.contains("`factors.value`"),
        "{header}"
    );

    // The site's decision: the untranslated value is shown as is (like every missing
    // translation, the default language) and the PDF run says so in its summary.
    let output = site.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(summary.contains("translation-missing"), "{summary}");
    let flyer = site.tool("pdftotext", "pdf/flyers/data-lake.en.pdf");
    assert!(flyer.contains("已覆盖"), "{flyer}");
}

/// A broadband factor whose English label is long and whose value is only in Chinese: the row
/// that squeezed the flyer's Terms column to one character per line.
const LONG_LABEL_FACTOR: &str = "\n[[factors]]\nkind = \"broadband\"\nlabel = { zh = \"千兆光纤宽带与5G网络覆盖情况\", en = \"Gigabit fibre broadband and 5G mobile network coverage across the park\" }\nvalue = \"园区全域千兆光纤入户，5G信号全覆盖\"\n";

#[test]
fn a_long_label_no_longer_squeezes_the_flyer_terms_column() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let park = "content/parks/data-lake/park.toml";
    site.write(park, &format!("{}{LONG_LABEL_FACTOR}", site.read(park)));
    site.pdf(&["--park", "data-lake", "--lang", "en"]);
    let flyer = site.tool("pdftotext", "pdf/flyers/data-lake.en.pdf");
    // The value wraps in lines of several characters, not one character per line.
    let longest = flyer
        .lines()
        .map(|line| {
            line.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(longest >= 5, "the value is squeezed:\n{flyer}");
    assert!(flyer.contains("Gigabit fibre"), "{flyer}");
}

#[test]
fn a_squeezed_flyer_column_is_an_error_naming_park_document_and_field() {
    if !pdf_tools_ready() {
        return;
    }
    // A theme whose factor table gives the label column all the room it wants (as the
    // default theme did).
    let flyer = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/print/flyer.typ"),
    )
    .expect("default flyer");
    let squeezing = "#table(columns: (auto, 1fr), fill: head-fill,\n  table.header(th[Item], th[Terms]),\n{%- for f in park.factors %}\n  [{{ f.label | typst }}], [{{ f.value | default(value=\"–\") | typst }}],\n{%- endfor %}\n)\n";
    let flyer = flyer.replace(
        "{{ m::factors(list=park.factors | slice(end=7), t=t, notes=false) }}",
        squeezing,
    );
    let site = with_flyer_template(&flyer);
    let park = "content/parks/data-lake/park.toml";
    site.write(park, &format!("{}{LONG_LABEL_FACTOR}", site.read(park)));
    let output = site.run(&["pdf", "--park", "data-lake", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("error[print-layout]"))
        .unwrap_or_else(|| panic!("no layout error:\n{err}"));
    for named in [
        "flyer `pdf/flyers/data-lake.en.pdf`",
        "park `data-lake`",
        "`factors.value` of the `broadband` factor",
        "squeezed",
    ] {
        assert!(line.contains(named), "`{named}` not in: {line}");
    }
    assert!(!site.path("output/pdf/flyers/data-lake.en.pdf").exists());
}
