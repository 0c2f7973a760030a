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

    /// Runs `build --pdf`, fails the test when it fails, and returns how many PDFs it made.
    fn build_pdfs(&self) -> usize {
        let output = self.run(&["build", "--pdf"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        common::walk(&self.path("output"))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .count()
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

/// Defect 2: an SVG logo with a script, an event handler and a `foreignObject` is published
/// re-serialized without them; one with an external reference fails `check` like `build --pdf`.
#[test]
fn svgs_are_published_sanitized_or_refused() {
    let site = Site::fixture("basic");
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="red"/><foreignObject><body xmlns="http://www.w3.org/1999/xhtml" onload="alert(3)"/></foreignObject></svg>"#;
    site.write("content/parks/data-lake/tenants/logo.svg", svg);
    site.edit(
        TENANT,
        "featured = true",
        "featured = true\nlogo = \"logo.svg\"",
    );
    site.write(
        "content/parks/data-lake/index.en.md",
        "+++\n+++\n![map](map.svg)\n",
    );
    site.write("content/parks/data-lake/map.svg", svg);
    site.build();
    for file in [
        "parks/data-lake/tenants/logo.svg",
        "parks/data-lake/map.svg",
    ] {
        let published = site.out(file);
        assert!(published.starts_with("<svg"), "{published}");
        for gone in ["alert", "script", "onload", "foreignObject"] {
            assert!(!published.contains(gone), "{gone} in {file}:\n{published}");
        }
    }

    site.write(
        "content/parks/data-lake/tenants/logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image width="9" height="9" xlink:href="https://evil.example/pixel.png"/></svg>"#,
    );
    let (ok, text) = site.check();
    assert!(!ok, "{text}");
    assert!(
        text.contains("unsafe-svg")
            && text.contains("tenants/logo.svg")
            && text.contains("evil.example"),
        "{text}"
    );
}

/// Defect 3: images from other hosts in Markdown are errors (Markdown syntax, `<img src="//…">`
/// and `srcset`) unless `[markdown] external_images = "allow"`.
#[test]
fn external_images_in_markdown_are_errors_unless_allowed() {
    let site = Site::fixture("basic");
    site.write(
        "content/parks/data-lake/index.en.md",
        "+++\n+++\nIntro.\n\n![t](https://evil.example/pixel.gif)\n\n<img src=\"//evil.example/a.gif\">\n\n<img src=\"x.png\" srcset=\"https://evil.example/b.gif 2x\">\n",
    );
    let (ok, text) = site.check();
    assert!(!ok, "{text}");
    for line in [5, 7, 9] {
        assert!(
            text.contains(&format!("parks/data-lake/index.en.md:{line}:")),
            "no error on line {line}:\n{text}"
        );
    }
    assert!(
        text.contains("download the image into the park folder"),
        "{text}"
    );
    site.edit(
        "content/site.toml",
        "[zone]",
        "[markdown]\nexternal_images = \"allow\"\n\n[zone]",
    );
    site.build();
    assert!(
        site.out("en/parks/data-lake/index.html")
            .contains("https://evil.example/pixel.gif")
    );
}

/// Defect 4: a PNG with a text chunk of markup and HTML after its end is published without
/// them; a NUL or ESC in a text value does not reach the HTML.
#[test]
fn polyglot_images_and_control_characters_are_not_published() {
    let site = Site::fixture("basic");
    // Compressed harder than parkpress compresses, so the original (not a re-encoding) is what
    // a build would publish, once its extra bytes are gone.
    let image = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 7) as u8])
    });
    let mut png = Vec::new();
    image
        .write_with_encoder(image::codecs::png::PngEncoder::new_with_quality(
            &mut png,
            image::codecs::png::CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        ))
        .expect("encode");
    let iend = png.len() - 12;
    let text = b"Comment\0<script>alert(7)</script>";
    let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(text);
    chunk.extend_from_slice(&[0, 0, 0, 0]);
    png.splice(iend..iend, chunk);
    png.extend_from_slice(b"<html><script>alert(8)</script></html>");
    site.write_bytes("content/parks/data-lake/tenants/logo.png", &png);
    site.edit(
        TENANT,
        "featured = true",
        "featured = true\nlogo = \"logo.png\"",
    );
    site.edit(
        TENANT,
        "summary = { zh = \"云服务\"",
        "summary = { zh = \"云\\u0000服\\u001b[31m务\"",
    );
    site.build();
    let published = site.published();
    assert!(!published.contains("alert(7)") && !published.contains("alert(8)"));
    let page = site.out("parks/data-lake/tenants/cloud-co/index.html");
    assert!(
        page.contains("云服[31m务"),
        "the text is kept without its controls"
    );
    assert!(!page.contains('\u{0}') && !page.contains('\u{1b}'));
}

/// A small PNG.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([30, 110, 60]));
    let mut bytes = Vec::new();
    image
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut bytes))
        .expect("encode");
    bytes
}

/// Defect 5: an image file name made of Typst code is typeset as a name, not code: every PDF
/// is made and shows the logo.
#[test]
fn typst_code_in_file_names_stays_a_file_name() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let name = "l.png\", width: 0.1pt, alt: \"x.png";
    site.write_bytes(
        &format!("content/parks/data-lake/tenants/{name}"),
        &png(60, 30),
    );
    site.edit(
        TENANT,
        "featured = true",
        &format!("featured = true\nlogo = {}", toml_string(name)),
    );
    let pdfs = site.build_pdfs();
    assert!(pdfs >= 3, "{pdfs} PDFs");
    let listed = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(site.path("output/pdf/parks/data-lake.zh.pdf"))
        .output()
        .expect("pdfimages");
    let list = String::from_utf8_lossy(&listed.stdout);
    assert!(
        list.lines()
            .any(|l| l.contains(" 60 ") && l.contains(" 30 ")),
        "the 60×30 logo is in the brochure:\n{list}"
    );
}

/// Defect 5: `[language_tags]` values are BCP 47 tags or errors; Typst code never reaches `lang:`.
#[test]
fn language_tags_must_be_bcp47() {
    let site = Site::fixture("basic");
    site.edit(
        "content/site.toml",
        "[zone]",
        "[language_tags]\nzh = \"zh\\\", region: \\\"cn\\\") #let f(n) = if n > 0 { f(n - 1) + f(n - 1) } else { 1 }; #f(64) //\"\n\n[zone]",
    );
    let (ok, text) = site.check();
    assert!(!ok, "{text}");
    assert!(
        text.contains("invalid-language") && text.contains("site.toml:"),
        "{text}"
    );
    let text = site.fails(&["build", "--pdf"]);
    assert!(text.contains("BCP 47"), "{text}");
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Defect 7: a named pipe used as a cover (or as Markdown) is reported; `check` and `build`
/// finish instead of hanging.
#[test]
fn named_pipes_are_reported_not_opened() {
    let site = Site::fixture("basic");
    for fifo in ["content/news/cover.jpg", "content/news/pipe.md"] {
        let made = std::process::Command::new("mkfifo")
            .arg(site.path(fifo))
            .status()
            .expect("mkfifo");
        assert!(made.success());
    }
    site.edit(
        NEWS,
        "parks = [\"data-lake\"]",
        "parks = [\"data-lake\"]\ncover = \"cover.jpg\"",
    );
    let (ok, text) = site.check();
    assert!(!ok, "{text}");
    assert!(
        text.contains("news/cover.jpg") && text.contains("named pipe"),
        "{text}"
    );
    assert!(text.contains("news/pipe.md"), "{text}");
    let _ = site.fails(&["build"]);
}

/// Defect 8: `site.toml`, `park.toml` and Markdown linked out of content/ are reported without
/// being read (no line of /etc/passwd in a message); a tenant linking to its sibling and a
/// Markdown file named `.md` are reported, not skipped.
#[test]
fn links_out_of_content_are_never_followed() {
    let site = Site::fixture("basic");
    let outside = site.path("secret.toml");
    std::fs::write(&outside, "root:$6$secret-hash:19000:0:99999:7:::\n").expect("write");
    std::fs::remove_file(site.path("content/site.toml")).expect("rm");
    std::os::unix::fs::symlink(&outside, site.path("content/site.toml")).expect("ln");
    let (ok, text) = site.check();
    assert!(!ok);
    assert!(
        text.contains("content/site.toml") && text.contains("outside content/"),
        "{text}"
    );
    assert!(!text.contains("secret-hash"), "{text}");

    let site = Site::fixture("basic");
    std::fs::remove_file(site.path(PARK)).expect("rm");
    std::os::unix::fs::symlink(outside_park(&site), site.path(PARK)).expect("ln");
    std::os::unix::fs::symlink(
        site.path(TENANT),
        site.path("content/parks/data-lake/tenants/copy.md"),
    )
    .expect("ln");
    site.write(
        "content/news/.md",
        "+++\ntitle = \"x\"\ndate = 2020-01-01\n+++\n",
    );
    let (ok, text) = site.check();
    assert!(!ok);
    for reported in [
        "parks/data-lake/park.toml",
        "tenants/copy.md",
        "content/news/.md",
    ] {
        assert!(text.contains(reported), "{reported} not reported:\n{text}");
    }
    assert!(!text.contains("Outside Park"), "{text}");
}

/// A park.toml outside the site, with a name that must never be published.
fn outside_park(site: &Site) -> std::path::PathBuf {
    let path = site.path("outside-park.toml");
    std::fs::write(&path, "name = \"Outside Park\"\nstatus = \"building\"\n").expect("write");
    path
}

/// Defect 14: a cover named `封面 图片.png` (a space, and a comma in a second name) stays one
/// percent-encoded URL in `src`, `srcset` and `og:image`, and that URL names the published file.
#[test]
fn image_file_names_are_percent_encoded_in_urls() {
    let site = Site::fixture("basic");
    site.write_bytes("content/parks/data-lake/封面 图片.png", &png(1600, 800));
    site.write_bytes("content/parks/data-lake/hall, east 2x.png", &png(700, 400));
    site.edit(
        PARK,
        "order = 1\n",
        "order = 1\ncover = \"封面 图片.png\"\n",
    );
    site.edit(
        "content/parks/data-lake/index.md",
        "数据湖产业园位于开发区北部。\n",
        "数据湖产业园位于开发区北部。\n\n![展厅](<hall, east 2x.png>)\n",
    );
    site.build();
    let page = site.out("parks/data-lake/index.html");
    let encoded = "/parks/data-lake/%E5%B0%81%E9%9D%A2%20%E5%9B%BE%E7%89%87.";
    let attribute = |name: &str| -> Vec<String> {
        page.split(&format!(" {name}=\""))
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_owned))
            .collect()
    };
    let srcsets = attribute("srcset");
    let cover = srcsets
        .iter()
        .find(|s| s.contains(encoded))
        .unwrap_or_else(|| panic!("no srcset of the cover: {srcsets:?}"));
    let hall = srcsets
        .iter()
        .find(|s| s.contains("hall%2C%20east%202x."))
        .unwrap_or_else(|| panic!("no srcset of the hall: {srcsets:?}"));
    for srcset in [cover, hall] {
        // Each candidate is exactly "URL WIDTHw", and the URL names a published file.
        for candidate in srcset.split(", ") {
            let parts: Vec<&str> = candidate.split(' ').collect();
            assert!(
                parts.len() == 2 && parts[1].ends_with('w'),
                "{candidate:?} in {srcset:?}"
            );
            let url = parts[0].split("/parks/").nth(1).expect("under parks/");
            let path = percent_encoding::percent_decode_str(url)
                .decode_utf8()
                .expect("utf-8");
            assert!(
                site.exists(&format!("parks/{path}")),
                "{url} names no published file"
            );
        }
    }
    for src in attribute("src").iter().filter(|s| s.contains("data-lake/")) {
        assert!(!src.contains(' ') && !src.contains(','), "{src}");
    }
    let og = page
        .split("property=\"og:image\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("og:image");
    assert!(og.contains(encoded) && !og.contains(' '), "{og}");
}

/// Defect 13: terminal control sequences in content (an OSC that sets the window title, a CSI
/// colour, a BEL), as a TOML escape, raw in a file and in a file name, reach `check`'s and
/// `build`'s output only escaped.
#[test]
fn terminal_control_sequences_never_reach_the_terminal() {
    let site = Site::fixture("basic");
    site.edit(
        TENANT,
        "featured = true",
        "featured = true\nwebsite = \"javascript:\\u001b]0;pwned\\u0007\\u001b[2J\"",
    );
    // Raw in a TOML file, where it is a syntax error whose line is shown.
    site.edit(
        "content/parks/zhizao/park.toml",
        "name = {",
        "# \u{1b}]0;pwned\u{7}\u{1b}[31m\nname = {",
    );
    site.write(
        "content/parks/data-lake/tenants/x\u{1b}[2J.md",
        "+++\nname = { zh = \"\u{1b}[2J\" }\n+++\n",
    );
    for args in [&["check"][..], &["build"][..], &["build", "--pdf"][..]] {
        let output = site.run(args);
        assert!(!output.status.success(), "{args:?}");
        let printed = [output.stdout, output.stderr].concat();
        let text = String::from_utf8_lossy(&printed);
        assert!(
            !printed.iter().any(|b| *b == 0x1b || *b == 0x07),
            "{args:?} printed a raw control character:\n{text}"
        );
        assert!(
            text.contains("\\u{1b}"),
            "{args:?} shows it escaped:\n{text}"
        );
    }
}

/// Defect 15: a code block in a park's text is printed as written: no backslashes added, each
/// line on its own line.
#[test]
fn code_blocks_in_pdfs_keep_their_characters_and_lines() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.edit(
        "content/parks/data-lake/index.md",
        "数据湖产业园位于开发区北部。\n",
        "数据湖产业园位于开发区北部。\n\n```toml\nrent = \"0-3 years: 50%\" # see *note*\n[contact.hotline]\npath = 'C:\\parks\\data'\n```\n",
    );
    site.build_pdfs();
    let text = common::pdf_text(&site, "pdf/parks/data-lake.zh.pdf", true);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for expected in [
        "rent = \"0-3 years: 50%\" # see *note*",
        "[contact.hotline]",
        "path = 'C:\\parks\\data'",
    ] {
        assert!(
            lines.contains(&expected),
            "{expected:?} is not a line of the brochure:\n{text}"
        );
    }
}

/// A JPEG photo of `width`×`height` carrying an EXIF segment with GPS coordinates and
/// `padding` bytes of further metadata (Photoshop segments), as a camera or editor leaves it.
fn photo_with_metadata(width: u32, height: u32, padding: usize) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x / 7 % 256) as u8,
            (y / 5 % 256) as u8,
            ((x + y) / 9 % 256) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut jpeg, 80,
        ))
        .expect("encode");
    let segment = |marker: u8, body: &[u8]| {
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(body);
        out
    };
    let mut metadata = segment(0xE1, b"Exif\0\0GPSLatitude 36.6512N GPSLongitude 117.1201E");
    let mut left = padding;
    while left > 0 {
        let n = left.min(65_000);
        let mut body = b"Photoshop 3.0\0".to_vec();
        body.resize(n, b'M');
        metadata.extend(segment(0xED, &body));
        left -= n;
    }
    jpeg.splice(2..2, metadata);
    jpeg
}

/// Defect 12: a brochure embeds photos without their metadata and at print resolution: no GPS
/// coordinates in the PDF, a photo with 13 MB of metadata does not make a 13 MB brochure, and a
/// 4000 px photo is embedded at most 2480 px wide (300 dpi across A4).
#[test]
fn pdfs_embed_photos_without_metadata_at_print_resolution() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let photo = photo_with_metadata(4000, 2500, 13_000_000);
    assert!(photo.len() > 13_000_000);
    site.write_bytes("content/parks/data-lake/cover.jpg", &photo);
    site.edit(PARK, "order = 1\n", "order = 1\ncover = \"cover.jpg\"\n");
    site.build_pdfs();
    let brochure = site.path("output/pdf/parks/data-lake.zh.pdf");
    let pdf = std::fs::read(&brochure).expect("brochure");
    let contains = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(b"GPSLatitude") && !contains(b"Photoshop 3.0"));
    assert!(
        !contains(&[b'M'; 256]),
        "the metadata padding is not embedded"
    );
    assert!(pdf.len() < 3_000_000, "brochure of {} bytes", pdf.len());

    let listed = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&brochure)
        .output()
        .expect("pdfimages");
    let list = String::from_utf8_lossy(&listed.stdout);
    let sizes: Vec<(u32, u32)> = list
        .lines()
        .skip(2)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some((fields.get(3)?.parse().ok()?, fields.get(4)?.parse().ok()?))
        })
        .collect();
    assert!(
        sizes.contains(&(2480, 1550)),
        "the cover at print size:\n{list}"
    );
    assert!(
        sizes.iter().all(|(w, h)| *w <= 2480 && *h <= 2480),
        "{list}"
    );
}

/// Defect 6: content beyond sane sizes (the probe's 1,000,000-character line, 100,000
/// footnotes, headings and policies) is an error naming the file, the line and the limit, from
/// `check` as from `build --pdf`, instead of minutes of typesetting and gigabytes of memory.
#[test]
fn content_beyond_sane_sizes_is_an_error_naming_the_limit() {
    let body = "content/parks/data-lake/index.md";
    let cases: [(&str, &str, String, &str); 4] = [
        (
            body,
            "数据湖产业园位于开发区北部。\n",
            format!("数据湖产业园位于开发区北部。\n\n{}\n", "长".repeat(1_000_000)),
            "parks/data-lake/index.md:6:",
        ),
        (
            body,
            "数据湖产业园位于开发区北部。\n",
            format!(
                "数据湖产业园位于开发区北部。\n\n{}",
                (1..=100_000).map(|n| format!("注[^{n}]\n\n[^{n}]: 来源\n\n")).collect::<String>()
            ),
            "parks/data-lake/index.md:",
        ),
        (
            body,
            "数据湖产业园位于开发区北部。\n",
            format!("数据湖产业园位于开发区北部。\n\n{}", "## 标题\n\n".repeat(100_000)),
            "parks/data-lake/index.md:",
        ),
        (
            PARK,
            "[[factors]]",
            format!(
                "{}[[factors]]",
                (1..=100_000)
                    .map(|n| format!("[[policies]]\nkey = \"p{n}\"\ntitle = {{ zh = \"政策\" }}\ncategory = \"rent\"\nsummary = {{ zh = \"摘要\" }}\n\n"))
                    .collect::<String>()
            ),
            "parks/data-lake/park.toml:",
        ),
    ];
    for (file, from, to, place) in cases {
        let site = Site::fixture("basic");
        site.edit(file, from, &to);
        let (ok, text) = site.check();
        assert!(!ok, "check passed with {place}");
        assert!(
            text.lines().any(|l| l.contains(place)),
            "no error at {place}:\n{}",
            &text[..text.len().min(3000)]
        );
        assert!(
            text.contains("20,000") || text.contains("2,000") || text.contains("MB"),
            "the limit is named:\n{}",
            &text[..text.len().min(3000)]
        );
        let text = site.fails(&["build", "--pdf"]);
        assert!(text.contains(place), "{}", &text[..text.len().min(3000)]);
    }
}

/// Typst code, markup and string breakers from the probe, each followed by a word to find in
/// the PDFs' text.
const TYPST_PAYLOADS: &[&str] = &[
    "\"); #panic(\"zq1\") //",
    "#image(\"/etc/passwd\") zq2",
    "#set page(width: 0.1pt) zq3",
    "#lorem(100000000) zq4",
    "*b* _e_ $x^2$ @ref <l> `r` = h ~ -- zq5",
    "\\\" \\\\ ] [ } { ) ( zq6",
    "/* c zq7",
];

/// Issue 14, "done when": the probe's Typst payloads go into every text field of the basic
/// fixture (names, titles, summaries, positioning, operators, descriptions, a Markdown body)
/// and into image file names; `build --pdf` makes every PDF, and the payloads are printed as
/// text, not run.
#[test]
fn typst_payloads_in_every_field_and_file_name_are_printed_as_text() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    let files: Vec<std::path::PathBuf> = common::walk(&site.path("content"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "md"))
        .collect();
    let fields = [
        "name",
        "title",
        "summary",
        "positioning",
        "operator",
        "description",
    ];
    let mut n = 0;
    for file in &files {
        let mut text = std::fs::read_to_string(file).expect("read");
        for field in fields {
            for lang in ["zh", "en"] {
                let pattern = format!("{field} = {{ {lang} = \"");
                let mut at = 0;
                while let Some(found) = text[at..].find(&pattern) {
                    let insert = at + found + pattern.len();
                    let payload = TYPST_PAYLOADS[n % TYPST_PAYLOADS.len()];
                    n += 1;
                    let value = toml_string(&format!("{payload} "));
                    let value = &value[1..value.len() - 1];
                    text.insert_str(insert, value);
                    at = insert + value.len();
                }
            }
        }
        std::fs::write(file, text).expect("write");
    }
    assert!(n >= 20, "{n} fields");
    site.edit(
        "content/parks/data-lake/index.md",
        "数据湖产业园位于开发区北部。\n",
        &format!(
            "数据湖产业园位于开发区北部。\n\n{}\n\n![图](<hall \"), panic(\"x [*] $y$.png>)\n",
            TYPST_PAYLOADS.join("\n\n")
        ),
    );
    site.write_bytes(
        "content/parks/data-lake/hall \"), panic(\"x [*] $y$.png",
        &png(80, 40),
    );
    // `#` and `?` start a fragment or query in a reference, so they are not in these names.
    let cover = "c\"), panic(\"x\" [*] <b>.png";
    site.write_bytes(&format!("content/parks/data-lake/{cover}"), &png(300, 150));
    site.edit(
        PARK,
        "order = 1\n",
        &format!("order = 1\ncover = {}\n", toml_string(cover)),
    );

    let pdfs = site.build_pdfs();
    assert!(pdfs >= 3, "{pdfs} PDFs");
    let brochure = common::pdf_text(&site, "pdf/parks/data-lake.zh.pdf", true);
    for (i, payload) in TYPST_PAYLOADS.iter().enumerate() {
        let word = format!("zq{}", i + 1);
        assert!(
            brochure.contains(&word),
            "{payload:?} did not come out as text:\n{brochure}"
        );
    }
    assert!(
        brochure.contains("#panic") && brochure.contains("#image"),
        "{brochure}"
    );
    let page = site.out("parks/data-lake/index.html");
    assert!(
        page.contains("#panic") && page.contains("&lt;l&gt;"),
        "{page}"
    );
}

/// Defect 6, the watchdog: no document typesets for longer than the limit. With a limit of 0 s
/// every document runs over: `build --pdf` stops with an error naming one and the limit, and
/// `output/` stays as the previous build left it.
#[test]
fn a_document_typesetting_past_the_limit_stops_the_build_and_keeps_the_output() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("basic");
    site.build();
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = common::walk(&site.path("output"))
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    site.edit(PARK, "数据湖产业园", "新数据湖产业园");
    let output = common::parkpress(site.root(), &["build", "--pdf"])
        .env("PARKPRESS_TYPESET_LIMIT", "0")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("typeset-time-out") && stderr.contains("`pdf/") && stderr.contains("0 s"),
        "{stderr}"
    );
    let after: Vec<(std::path::PathBuf, Vec<u8>)> = common::walk(&site.path("output"))
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    assert_eq!(before, after, "output/ untouched");
}
