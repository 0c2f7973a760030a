//! `pdf --print-shop` and `pdf --audience` through the real binary, checked with poppler
//! (`pdfinfo -box`, `pdffonts`, `pdftoppm`) and QR codes decoded with `rqrr`: bleed and trim
//! boxes, embedded fonts, the low-resolution warning, banner and card sizes, and QR codes that
//! carry the right short link. They need CJK fonts and poppler-utils: without them the tests skip
//! with a reason, except under `CI=true`.

mod common;
use common::{Site, pdf_tools_ready};
use std::path::Path;
use std::process::Command;

/// A4 in PDF points, and 3 mm.
const A4: (f64, f64) = (595.276, 841.89);
const BLEED: f64 = 3.0 * 72.0 / 25.4;

const AUDIENCES: &str = r#"
[[audience]]
key = "hk-investors"
name = { zh = "香港投资者", en = "Hong Kong investors" }
kind = "investor"
channel = "email"
language = "en"
"#;

impl Site {
    fn pdf(&self, args: &[&str]) -> String {
        let mut all = vec!["pdf"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        assert!(
            output.status.success(),
            "pdf {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }

    /// `[x0, y0, x1, y1]` of each box pdfinfo reports for the first page.
    fn boxes(&self, pdf: &str) -> std::collections::HashMap<String, [f64; 4]> {
        let info = tool("pdfinfo", &["-box"], &self.path(pdf));
        info.lines()
            .filter_map(|line| {
                let (name, values) = line.split_once("Box:")?;
                let v: Vec<f64> = values
                    .split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect();
                (v.len() == 4).then(|| (format!("{}Box", name.trim()), [v[0], v[1], v[2], v[3]]))
            })
            .collect()
    }

    /// The short link of an audience to a target, from the kit's links.csv.
    fn short_link(&self, audience: &str, target: &str) -> String {
        self.read("share-kit/links.csv")
            .lines()
            .map(|l| l.trim_start_matches('\u{feff}'))
            .find_map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                (f[0] == audience && f[1] == target).then(|| f[3].to_owned())
            })
            .unwrap_or_else(|| panic!("no link {audience} → {target}"))
    }
}

fn tool(name: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(name)
        .args(args)
        .arg(file)
        .output()
        .expect(name);
    assert!(
        output.status.success(),
        "{name} {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Renders one page of a PDF with pdftoppm at `dpi` and decodes its one QR code.
fn qr_of_page(pdf: &Path, page: u32, dpi: u32) -> String {
    let image = render(pdf, page, dpi);
    let (w, h) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            image.get_pixel(x as u32, y as u32)[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(
        grids.len(),
        1,
        "one QR code on page {page} of {}",
        pdf.display()
    );
    grids[0].decode().expect("decodes").1
}

/// The text of a PDF (or of its pages `first..=last`), by pdftotext.
fn text(pdf: &Path, pages: Option<(u32, u32)>) -> String {
    let mut command = Command::new("pdftotext");
    command.args(["-enc", "UTF-8"]);
    if let Some((first, last)) = pages {
        command.args(["-f", &first.to_string(), "-l", &last.to_string()]);
    }
    let output = command.arg(pdf).arg("-").output().expect("pdftotext");
    assert!(output.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A JPEG photo of `width` x `height` with an EXIF segment holding GPS coordinates, as a
/// camera leaves it.
fn photo_with_gps(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x / 7 % 256) as u8, (y / 5 % 256) as u8, 120])
    });
    let mut jpeg = Vec::new();
    image
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut jpeg, 80,
        ))
        .expect("encode");
    let body = b"Exif\0\0GPSLatitude 36.6512N GPSLongitude 117.1201E";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(body);
    jpeg.splice(2..2, segment);
    jpeg
}

/// (Width, Height) of every image XObject of a PDF, read with lopdf.
fn embedded_image_sizes(pdf: &Path) -> Vec<(i64, i64)> {
    let document = lopdf::Document::load(pdf).expect("a PDF lopdf reads");
    document
        .objects
        .values()
        .filter_map(|object| {
            let dict = &object.as_stream().ok()?.dict;
            (dict.get(b"Subtype").ok()?.as_name().ok()? == b"Image").then_some(())?;
            let width = dict.get(b"Width").ok()?.as_i64().ok()?;
            let height = dict.get(b"Height").ok()?.as_i64().ok()?;
            Some((width, height))
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.05
}

#[test]
fn print_shop_pdfs_are_a4_with_3mm_bleed_crop_mark_room_and_embedded_fonts() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let out = site.pdf(&["--print-shop"]);
    assert!(out.contains("Print shop: 18 files in"), "{out}");
    assert!(
        !site.path("output/pdf").exists(),
        "print-shop files are not the site's PDFs"
    );
    for pdf in [
        "print-shop/zone.zh.pdf",
        "print-shop/parks/data-lake.en.pdf",
        "print-shop/flyers/zhizao.zh.pdf",
    ] {
        let boxes = site.boxes(pdf);
        let trim = boxes["TrimBox"];
        let bleed = boxes["BleedBox"];
        let media = boxes["MediaBox"];
        assert!(
            close(trim[2] - trim[0], A4.0) && close(trim[3] - trim[1], A4.1),
            "{pdf}: TrimBox {trim:?} is not A4"
        );
        for side in 0..4 {
            let outward = if side < 2 { -1.0 } else { 1.0 };
            assert!(
                close(bleed[side], trim[side] + outward * BLEED),
                "{pdf}: BleedBox {bleed:?} is not 3 mm outside TrimBox {trim:?}"
            );
            assert!(
                media[side] * outward > bleed[side] * outward + 10.0,
                "{pdf}: no room for crop marks outside the bleed: {media:?}"
            );
        }
        let fonts = tool("pdffonts", &[], &site.path(pdf));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{pdf}: {fonts}");
        for row in rows {
            assert!(!row.contains("Type 3"), "{pdf}: a Type 3 font: {row}");
            let emb = row.split_whitespace().rev().nth(4).unwrap_or("");
            assert_eq!(emb, "yes", "{pdf}: font not embedded: {row}");
        }
        let meta = tool("pdfinfo", &["-meta"], &site.path(pdf));
        assert!(
            meta.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"),
            "{pdf} declares PDF/A-2b:\n{meta}"
        );
    }
    // The zone brochure's navy cover runs into the bleed: the corner of the bleed box is dark.
    let cover = render(&site.path("print-shop/zone.zh.pdf"), 1, 72);
    let (dx, dy) = (13.0 - 1.5, 13.0 - 1.5); // 10 mm slug + 1.5 mm into the bleed, at 72 dpi
    let at = |mm: f64| (mm * 72.0 / 25.4) as u32;
    assert!(
        cover.get_pixel(at(dx), at(dy))[0] < 100,
        "the cover's background does not reach the bleed"
    );
    assert!(
        cover.get_pixel(at(5.0), at(5.0))[0] > 200,
        "the slug outside the bleed is white"
    );
}

/// Renders one page to a greyscale image.
fn render(pdf: &Path, page: u32, dpi: u32) -> image::GrayImage {
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    image::open(dir.path().join("page.png"))
        .expect("page image")
        .to_luma8()
}

#[test]
fn an_image_under_300_dpi_at_its_printed_size_is_reported() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    // 400 px across the A4 cover's full width: about 48 dpi.
    let photo = image::RgbImage::from_fn(400, 240, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    photo
        .save(site.path("content/parks/data-lake/cover.jpg"))
        .expect("write cover");
    site.edit(
        "content/parks/data-lake/park.toml",
        "name = { zh = \"数据湖产业园\", en = \"Data Lake Park\" }",
        "name = { zh = \"数据湖产业园\", en = \"Data Lake Park\" }\ncover = \"cover.jpg\"",
    );
    let out = site.pdf(&["--print-shop", "--park", "data-lake", "--lang", "en"]);
    let warning = out
        .lines()
        .find(|l| {
            l.contains("warning[print-resolution]")
                && l.contains("print-shop/parks/data-lake.en.pdf")
        })
        .unwrap_or_else(|| panic!("a print-resolution warning:\n{out}"));
    assert!(
        warning.contains("`content/parks/data-lake/cover.jpg`")
            && warning.contains("400 x 240 px")
            && warning.contains("print-shop/parks/data-lake.en.pdf"),
        "the warning names the image file, its pixels and the PDF: {warning}"
    );
    let check = site.run(&["pdf", "--print-shop", "--park", "zhizao", "--lang", "en"]);
    assert!(
        !String::from_utf8_lossy(&check.stderr).contains("print-resolution"),
        "a park without images has nothing to report"
    );
}

#[test]
fn banners_are_800_by_2000_mm_and_their_qr_code_reads_at_20_dpi() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--print-shop", "--park", "data-lake"]);
    site.build();
    let pdf = site.path("print-shop/banners/data-lake.zh.pdf");
    let boxes = site.boxes("print-shop/banners/data-lake.zh.pdf");
    let trim = boxes["TrimBox"];
    let mm = |pt: f64| pt * 25.4 / 72.0;
    assert!(
        (mm(trim[2] - trim[0]) - 800.0).abs() < 0.1 && (mm(trim[3] - trim[1]) - 2000.0).abs() < 0.1,
        "banner trim {trim:?}"
    );
    assert_eq!(
        qr_of_page(&pdf, 1, 20),
        site.short_link("brochure", "data-lake")
    );
}

#[test]
fn contact_cards_are_90_by_54_mm_front_and_back_per_contact_with_the_park_qr_code() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.pdf(&["--print-shop", "--lang", "zh"]);
    site.build();
    let pdf = site.path("print-shop/cards/data-lake.zh.pdf");
    let info = tool("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Pages:           2"),
        "one contact, front and back:\n{info}"
    );
    let trim = site.boxes("print-shop/cards/data-lake.zh.pdf")["TrimBox"];
    let mm = |pt: f64| pt * 25.4 / 72.0;
    assert!(
        (mm(trim[2] - trim[0]) - 90.0).abs() < 0.1 && (mm(trim[3] - trim[1]) - 54.0).abs() < 0.1,
        "card trim {trim:?}"
    );
    let front = text(&pdf, Some((1, 1)));
    assert!(front.contains("张经理"), "{front}");
    assert_eq!(
        qr_of_page(&pdf, 2, 300),
        site.short_link("brochure", "data-lake")
    );
    // A park without contacts gets one card with the zone's hotline.
    let zhizao = text(&site.path("print-shop/cards/zhizao.zh.pdf"), None);
    assert!(zhizao.contains("0531-0000000"), "{zhizao}");
}

#[test]
fn an_audiences_brochures_carry_its_short_links_in_its_language() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.write("content/audiences.toml", AUDIENCES);
    site.pdf(&["--audience", "hk-investors"]);
    let dir = "share-kit/pdf/hk-investors";
    for pdf in [
        "zone.en.pdf",
        "parks/data-lake.en.pdf",
        "flyers/data-lake.en.pdf",
        "flyers/zhizao.en.pdf",
    ] {
        assert!(site.path(&format!("{dir}/{pdf}")).is_file(), "{pdf}");
    }
    assert!(
        !site.path(&format!("{dir}/zone.zh.pdf")).exists(),
        "only the audience's language"
    );
    assert!(
        !site.path("output/pdf/flyers/data-lake.en.pdf").exists(),
        "not the public site's"
    );
    let flyer = site.path(&format!("{dir}/flyers/data-lake.en.pdf"));
    assert_eq!(
        qr_of_page(&flyer, 1, 200),
        site.short_link("hk-investors", "data-lake")
    );
    let english = text(&flyer, None);
    assert!(english.contains("Data Lake Park"), "in English: {english}");
    // A later build keeps them (they are made by `pdf --audience` only).
    site.build();
    assert!(flyer.is_file(), "a build keeps the audience's PDFs");
    let unknown = site.run(&["pdf", "--audience", "nobody"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("hk-investors"));
}

#[test]
fn print_shop_pdfs_embed_photos_at_full_resolution_and_screen_pdfs_at_print_size_both_without_gps()
{
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    // 3300 px: more than the 2480 px (300 dpi across A4) a screen PDF keeps.
    site.write_bytes(
        "content/parks/data-lake/cover.jpg",
        &photo_with_gps(3300, 2000),
    );
    site.edit(
        "content/parks/data-lake/park.toml",
        "order = 1\n",
        "order = 1\ncover = \"cover.jpg\"\n",
    );
    site.pdf(&["--print-shop", "--park", "data-lake", "--lang", "zh"]);
    let built = site.run(&["build", "--pdf"]);
    assert!(built.status.success());
    let shop = site.path("print-shop/parks/data-lake.zh.pdf");
    let screen = site.path("output/pdf/parks/data-lake.zh.pdf");
    assert!(
        embedded_image_sizes(&shop).contains(&(3300, 2000)),
        "the print shop's brochure has every pixel of the cover: {:?}",
        embedded_image_sizes(&shop)
    );
    let sizes = embedded_image_sizes(&screen);
    assert!(
        sizes
            .iter()
            .any(|(w, h)| *w == 2480 && (1500..=1505).contains(h)),
        "the public brochure's cover is capped: {sizes:?}"
    );
    assert!(
        sizes.iter().all(|(w, h)| *w <= 2480 && *h <= 2480),
        "{sizes:?}"
    );
    for pdf in [&shop, &screen] {
        let bytes = std::fs::read(pdf).expect("PDF");
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(
            !contains(b"GPSLatitude") && !contains(b"Exif\0\0"),
            "{}: no EXIF or GPS",
            pdf.display()
        );
    }
}

#[test]
fn a_long_positioning_on_a_banner_is_cut_after_a_whole_word_with_an_ellipsis() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let words = "Big data and cloud computing at the core: data centres, compute scheduling, \
        industrial internet platforms, data exchanges, artificial intelligence training and \
        inference, information security services, software outsourcing, digital content, \
        a regional compute hub and a data circulation pilot zone for the whole region, with \
        talent housing, research buildings and green power supplied directly to every tenant \
        of the park, from the first day of operation to the last, together with training \
        centres, laboratories, logistics services, a customs inspection station, conference \
        halls, exhibition space, venture capital funds, legal and accounting services, \
        canteens, sports grounds, kindergartens and schools for the families of employees, \
        shuttle buses to the city centre and the high-speed railway station every morning";
    site.edit(
        "content/parks/data-lake/park.toml",
        "en = \"Big data and cloud computing\" }",
        &format!("en = \"{words}\" }}"),
    );
    site.pdf(&["--print-shop", "--park", "data-lake", "--lang", "en"]);
    let banner = text(&site.path("print-shop/banners/data-lake.en.pdf"), None);
    let flat = banner.split_whitespace().collect::<Vec<_>>().join(" ");
    let (shown, _) = flat
        .split_once('…')
        .unwrap_or_else(|| panic!("the positioning ends with an ellipsis: {flat}"));
    let start = shown
        .find("Big data")
        .expect("the positioning is on the banner");
    let shown = shown[start..].trim_end();
    assert!(
        shown.len() > 40 && shown.len() < words.len(),
        "a part of the positioning: {shown}"
    );
    let words: String = words.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.starts_with(shown), "{shown}");
    let next = words[shown.len()..].chars().next();
    assert!(
        matches!(next, Some(' ' | ',' | ':')),
        "cut after a whole word, not inside one: {shown}…"
    );
}

#[test]
fn a_stale_audience_pdf_is_typeset_again_by_the_next_build_and_a_current_one_kept() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.write("content/audiences.toml", AUDIENCES);
    site.pdf(&["--audience", "hk-investors"]);
    let flyer = site.path("share-kit/pdf/hk-investors/flyers/data-lake.en.pdf");
    let zhizao = site.path("share-kit/pdf/hk-investors/flyers/zhizao.en.pdf");
    let before = std::fs::read(&zhizao).expect("flyer");
    // Nothing changed: the build keeps them as they are.
    let kept = site.build();
    assert!(kept.contains("kept (unchanged)"), "{kept}");
    assert!(!kept.contains("typeset again"), "{kept}");
    site.edit(
        "content/parks/data-lake/park.toml",
        "en = \"Big data and cloud computing\" }",
        "en = \"Cold-chain logistics and cloud computing\" }",
    );
    let out = site.build();
    assert!(
        out.contains("typeset again (their content changed)"),
        "{out}"
    );
    let english = text(&flyer, None);
    assert!(
        english.contains("Cold-chain logistics"),
        "the audience's flyer shows the new positioning: {english}"
    );
    assert_eq!(
        qr_of_page(&flyer, 1, 200),
        site.short_link("hk-investors", "data-lake"),
        "typeset again with the audience's link"
    );
    assert_eq!(
        std::fs::read(&zhizao).expect("flyer"),
        before,
        "the other park's flyer did not change"
    );
    // `share` keeps them too; it typesets nothing, so it reports the ones that went stale.
    let share = site.run(&["share"]);
    assert!(share.status.success());
    assert!(
        !String::from_utf8_lossy(&share.stderr).contains("stale-pdf"),
        "all current"
    );
    assert!(
        flyer.is_file() && zhizao.is_file(),
        "share keeps the audience's PDFs"
    );
    site.edit(
        "content/parks/data-lake/park.toml",
        "Cold-chain logistics",
        "Cold-chain storage",
    );
    let share = site.run(&["share"]);
    let reported = String::from_utf8_lossy(&share.stderr);
    assert!(
        reported.contains("stale-pdf")
            && reported.contains("share-kit/pdf/hk-investors/flyers/data-lake.en.pdf")
            && !reported.contains("flyers/zhizao.en.pdf"),
        "{reported}"
    );
    assert!(flyer.is_file(), "a stale PDF is reported, not removed");
}
