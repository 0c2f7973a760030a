//! WeChat posters in the share kit through the real binary: every poster's QR code decoded with
//! `rqrr` (full size and scaled down like a phone screenshot) and compared with its audience's
//! short link; size, format and bytes; the content-hash cache. They need CJK fonts: without them
//! the tests skip with a reason, except under `CI=true`.

mod common;
use common::{AUDIENCES, Site, pdf_tools_ready};
use std::collections::BTreeMap;

const TARGETS: &[&str] = &["home", "data-lake", "zhizao"];

impl Site {
    fn with_audiences() -> Self {
        let site = Self::fixture("basic");
        site.write("content/audiences.toml", AUDIENCES);
        site
    }

    /// links.csv as (audience, target) → short link.
    fn short_links(&self) -> BTreeMap<(String, String), String> {
        self.read("share-kit/links.csv")
            .trim_start_matches('\u{feff}')
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                ((f[0].into(), f[1].into()), f[3].into())
            })
            .collect()
    }

    /// `build`, which must succeed: what it printed, warnings included.
    fn build_reporting(&self) -> String {
        let output = self.run(&["build"]);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "build failed:\n{printed}");
        printed
    }

    fn poster(&self, audience: &str, target: &str) -> Vec<u8> {
        std::fs::read(self.path(&format!("share-kit/posters/{audience}/{target}.png")))
            .unwrap_or_else(|e| panic!("poster {audience}/{target}: {e}"))
    }
}

/// Decodes the one QR code of a greyscale image; also returns the share of the image its code
/// (finder corners, without the quiet zone) covers.
fn decode(image: &image::GrayImage) -> (String, f64) {
    let (w, h) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            image.get_pixel(x as u32, y as u32)[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let b = grids[0].bounds;
    let side =
        |p: rqrr::Point, q: rqrr::Point| f64::from((p.x - q.x).pow(2) + (p.y - q.y).pow(2)).sqrt();
    let area = side(b[0], b[1]) * side(b[1], b[2]);
    let text = grids[0].decode().expect("the QR code decodes").1;
    (text, area / f64::from(w * h))
}

#[test]
fn every_poster_carries_its_audiences_short_link_in_a_qr_code_a_phone_reads() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::with_audiences();
    let out = site.build();
    assert!(out.contains("Posters: 6 rendered, 0 from cache"), "{out}");
    let links = site.short_links();
    for audience in ["beijing-chamber", "hk-investors"] {
        for target in TARGETS {
            let bytes = site.poster(audience, target);
            assert!(
                bytes.len() < 500 * 1024,
                "{audience}/{target}: {} bytes",
                bytes.len()
            );
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
            // IHDR: width, height, bit depth 8, colour type 3 (indexed: a reduced palette).
            assert_eq!(&bytes[16..20], &1080u32.to_be_bytes());
            assert_eq!(&bytes[20..24], &1920u32.to_be_bytes());
            assert_eq!((bytes[24], bytes[25]), (8, 3), "8-bit indexed colour");
            let image = image::load_from_memory(&bytes).expect("decodes").to_luma8();
            let expected = &links[&(audience.to_string(), target.to_string())];
            assert!(expected.contains("/s/"), "a short link: {expected}");
            let (text, share) = decode(&image);
            assert_eq!(&text, expected, "{audience}/{target}");
            assert!(
                share >= 0.08,
                "{audience}/{target}: the code covers {share:.3}"
            );
            // A phone screenshot shared in a chat is smaller: half size still reads.
            let small =
                image::imageops::resize(&image, 540, 960, image::imageops::FilterType::Triangle);
            assert_eq!(
                &decode(&small).0,
                expected,
                "{audience}/{target} at half size"
            );
        }
    }
    // Each audience's language: the English audience's posters are not the Chinese ones.
    assert_ne!(
        site.poster("beijing-chamber", "data-lake"),
        site.poster("hk-investors", "data-lake")
    );
    let kit = site.read("share-kit/index.html");
    for target in TARGETS {
        assert!(
            kit.contains(&format!(
                "href=\"posters/beijing-chamber/{target}.png\" download="
            )),
            "the kit page offers the poster {target} for download"
        );
    }
    assert!(
        !site.exists("posters"),
        "posters stay out of the public site"
    );
}

#[test]
fn only_posters_whose_content_changed_are_rendered_again() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::with_audiences();
    site.build();
    let before = site.poster("hk-investors", "zhizao");
    let home = site.poster("hk-investors", "home");
    let again = site.build();
    assert!(
        again.contains("Posters: 0 rendered, 6 from cache"),
        "{again}"
    );
    site.edit(
        "content/parks/zhizao/park.toml",
        "en = \"Intelligent manufacturing\"",
        "en = \"Cold-chain logistics\"",
    );
    let edited = site.build();
    // The English name of one park: its English poster only (the Chinese one reads the same).
    assert!(
        edited.contains("Posters: 1 rendered, 5 from cache"),
        "{edited}"
    );
    assert_ne!(site.poster("hk-investors", "zhizao"), before);
    assert_eq!(site.poster("hk-investors", "home"), home);
    // `share` writes the same kit, posters included.
    let share = site.run(&["share"]);
    assert!(share.status.success());
    assert!(String::from_utf8_lossy(&share.stdout).contains("Posters: 0 rendered, 6 from cache"));
    assert!(
        site.path("share-kit/posters/hk-investors/home.png")
            .is_file()
    );
}

/// A positioning of some eighty words: five lines and more on a poster, in either language.
const LONG_POSITIONING: &str = r#"positioning = { zh = "以大数据与云计算为核心，集聚数据中心、算力调度、工业互联网平台、数据要素交易、人工智能训练与推理、信息安全服务、软件外包和数字内容产业，建设面向京津冀与环渤海的区域性算力枢纽和数据要素流通示范区，配套人才公寓、研发楼宇与绿电直供", en = "Big data and cloud computing at the core: data centres, compute scheduling, industrial internet platforms, data exchanges, artificial intelligence training and inference, information security services, software outsourcing and digital content, building a regional compute hub and a data circulation pilot zone for the Beijing-Tianjin-Hebei region, with talent housing, research buildings and green power supplied directly" }"#;

const SHORT_POSITIONING: &str =
    r#"positioning = { zh = "大数据与云计算", en = "Big data and cloud computing" }"#;

#[test]
fn a_long_positioning_ends_cleanly_on_the_poster_and_text_cut_by_its_box_is_reported() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::with_audiences();
    let park = "content/parks/data-lake/park.toml";
    site.edit(park, SHORT_POSITIONING, LONG_POSITIONING);
    let out = site.build_reporting();
    assert!(out.contains("Posters: 6 rendered"), "{out}");
    assert!(
        !out.contains("poster-layout"),
        "the default poster fits the positioning to its box:\n{out}"
    );
    // The default template as it was, with the positioning clipped at the edge of its box: the
    // lines it cuts are reported for the Chinese and the English poster, naming the field.
    let fitted = include_str!("../themes/default/print/poster.typ");
    let fit_line = fitted
        .lines()
        .find(|l| l.contains("fit-text({{ poster.positioning"))
        .expect("the default poster fits its positioning");
    let clipping = fitted.replace(
        fit_line,
        "  #block(height: 40pt, clip: true)[#text(size: 10pt, fill: pale)[{{ poster.positioning | typst }}]]",
    );
    site.write("themes/clipping/theme.toml", "extends = \"default\"\n");
    site.write("themes/clipping/print/poster.typ", &clipping);
    let config = site.read("content/site.toml");
    site.write(
        "content/site.toml",
        &format!("theme = \"clipping\"\n{config}"),
    );
    let clipped = site.build_reporting();
    for poster in ["beijing-chamber/data-lake", "hk-investors/data-lake"] {
        let warning = clipped
            .lines()
            .find(|l| l.contains("warning[poster-layout]") && l.contains(poster))
            .unwrap_or_else(|| panic!("{poster} is reported:\n{clipped}"));
        assert!(
            warning.contains("`positioning`") && warning.contains("cut off"),
            "{warning}"
        );
    }
    // A damaged poster is not cached: the next build reports it again.
    let again = site.build_reporting();
    assert!(again.contains("poster-layout"), "{again}");
}

/// A file standing where the poster cache should be: the posters are made all the same (rendered
/// again every time, none cached), with a `print-cache` warning naming the folder and the OS error.
#[test]
fn a_poster_cache_that_cannot_be_made_is_a_warning_and_the_posters_are_made() {
    if !pdf_tools_ready() {
        return;
    }
    let site = Site::with_audiences();
    site.write(".parkpress-cache/posters", "not a folder");
    // The second build in full: the posters are not taken from a cache that could not be made.
    for args in [&["build"][..], &["build", "--no-cache"]] {
        let output = site.run(args);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{printed}");
        assert!(
            printed.contains("print-cache")
                && printed.contains("could not make the folder .parkpress-cache/posters: ")
                && printed.contains("(os error"),
            "{printed}"
        );
        assert!(
            printed.contains("Posters: 6 rendered, 0 from cache"),
            "{printed}"
        );
    }
    assert!(!site.poster("hk-investors", "home").is_empty());
}
