//! The share kit through the real binary: QR codes decoded with `rqrr`, short-link pages followed
//! to their tracked links, stable codes, old park keys, and nothing internal in the public site.

mod common;
use common::{AUDIENCES, Site, walk};
use std::collections::BTreeMap;
use std::path::Path;

const BASE: &str = "https://invest.example.gov.cn/invest";

impl Site {
    fn new() -> Self {
        let site = Self::fixture("basic");
        site.write("content/audiences.toml", AUDIENCES);
        site
    }

    /// links.csv as (audience, target) → (language, short, tracked).
    fn links(&self) -> BTreeMap<(String, String), (String, String, String)> {
        let csv = self.read("share-kit/links.csv");
        csv.trim_start_matches('\u{feff}')
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                (
                    (f[0].into(), f[1].into()),
                    (f[2].into(), f[3].into(), f[4].into()),
                )
            })
            .collect()
    }

    /// Follows a short link to the URL its page forwards to.
    fn follow(&self, short: &str) -> String {
        let code = short
            .strip_prefix(&format!("{BASE}/s/"))
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not a short link of the site: {short}"));
        let page = self.read(&format!("output/s/{code}/index.html"));
        let refresh = page
            .split("http-equiv=\"refresh\" content=\"0; url=")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("meta refresh");
        assert!(page.contains("location.replace("), "script fallback");
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
        refresh.replace("&amp;", "&")
    }
}

/// Decodes the QR code in a PNG file.
fn decode_png(path: &Path) -> String {
    let image = image::open(path).expect("open QR").to_luma8();
    let (w, h) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            image.get_pixel(x as u32, y as u32)[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in {}", path.display());
    grids[0].decode().expect("decodes").1
}

/// Decodes an SVG QR code of this crate's shape (one path of `M x y h n v1 h-n z` runs).
fn decode_svg(svg: &str) -> String {
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("viewBox");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("path");
    let mut dark = vec![false; size * size];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("number"))
            .collect();
        let (x, y, len) = (numbers[0], numbers[1], numbers[2]);
        for i in 0..len {
            dark[y * size + x + i] = true;
        }
    }
    let scale = 8;
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
            if dark[(y / scale) * size + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("decodes").1
}

#[test]
fn qr_codes_lead_through_short_links_to_tracked_links_in_each_audience_language() {
    let site = Site::new();
    site.build();
    let links = site.links();
    let zh = &links[&("beijing-chamber".into(), "data-lake".into())];
    let en = &links[&("hk-investors".into(), "data-lake".into())];
    assert_eq!(zh.0, "zh");
    assert_eq!(en.0, "en");

    let from_png = decode_png(&site.path("share-kit/qr/beijing-chamber/data-lake.png"));
    assert_eq!(
        from_png, zh.1,
        "the QR code carries the short link, not the long one"
    );
    assert_eq!(
        site.follow(&from_png),
        format!(
            "{BASE}/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat&utm_campaign=2026-spring"
        )
    );

    let from_svg = decode_svg(&site.read("share-kit/qr/hk-investors/data-lake.svg"));
    assert_eq!(from_svg, en.1);
    assert_eq!(
        site.follow(&from_svg),
        format!("{BASE}/en/parks/data-lake/?utm_source=hk-investors&utm_medium=email"),
        "no utm_campaign when none is set"
    );

    let home = decode_png(&site.path("share-kit/qr/hk-investors/home.png"));
    assert_eq!(
        site.follow(&home),
        format!("{BASE}/en/?utm_source=hk-investors&utm_medium=email")
    );
}

#[test]
fn codes_are_short_and_survive_unrelated_edits() {
    let site = Site::new();
    site.build();
    let before = site.links();
    for (_, short, _) in before.values() {
        let code = short
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .expect("code");
        assert!(
            (4..=8).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{code}"
        );
    }
    // An unrelated edit: new positioning, a new park, a new audience.
    let park = site
        .read("content/parks/data-lake/park.toml")
        .replace("大数据与云计算", "数据中心与云服务");
    std::fs::write(site.path("content/parks/data-lake/park.toml"), park).expect("edit");
    std::fs::create_dir_all(site.path("content/parks/port")).expect("mkdir");
    std::fs::write(
        site.path("content/parks/port/park.toml"),
        "name = \"物流园\"\noperator = \"港务\"\npositioning = \"物流\"\n",
    )
    .expect("new park");
    let audiences = format!(
        "{AUDIENCES}\n[[audience]]\nkey = \"expo-2026\"\nname = \"投洽会\"\nkind = \"expo\"\n"
    );
    std::fs::write(site.path("content/audiences.toml"), audiences).expect("audience");
    site.build();
    let after = site.links();
    for (key, (_, short, _)) in &before {
        assert_eq!(&after[key].1, short, "code of {key:?} changed");
    }
    assert!(after.contains_key(&("expo-2026".into(), "port".into())));
}

#[test]
fn old_park_keys_keep_their_short_links_and_urls() {
    let site = Site::new();
    site.build();
    let old_code = site.links()[&("beijing-chamber".into(), "data-lake".into())]
        .1
        .clone();
    // The park is renamed from data-lake to big-data; the old key becomes an alias.
    std::fs::rename(
        site.path("content/parks/data-lake"),
        site.path("content/parks/big-data"),
    )
    .expect("rename");
    let park = site.read("content/parks/big-data/park.toml") + "aliases = [\"data-lake\"]\n";
    let park = park.replacen("aliases = [\"data-lake\"]\n", "", 1);
    let park = format!("aliases = [\"data-lake\"]\n{park}");
    std::fs::write(site.path("content/parks/big-data/park.toml"), park).expect("alias");
    for file in [
        "content/parks/big-data/index.md",
        "content/parks/big-data/index.en.md",
        "content/news/opening.md",
    ] {
        let text = site
            .read(file)
            .replace("@/parks/data-lake", "@/parks/big-data")
            .replace("[\"data-lake\"]", "[\"big-data\"]");
        std::fs::write(site.path(file), text).expect("relink");
    }
    site.build();
    assert_eq!(
        site.follow(&old_code),
        format!(
            "{BASE}/parks/big-data/?utm_source=beijing-chamber&utm_medium=wechat&utm_campaign=2026-spring"
        ),
        "the printed QR code of the old key still works"
    );
    assert!(
        site.read("output/parks/data-lake/index.html")
            .contains(&format!("{BASE}/parks/big-data/")),
        "old URL forwards"
    );
}

#[test]
fn the_kit_stays_out_of_the_public_site() {
    let site = Site::new();
    site.build();
    assert!(site.path("share-kit/index.html").exists());
    assert!(!site.path("output/share-kit").exists());
    let csv = std::fs::read(site.path("share-kit/links.csv")).expect("csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM for Excel");
    let kit = site.read("share-kit/index.html");
    assert!(
        kit.contains("北京济阳商会") && kit.contains("Hong Kong investors"),
        "audience names in the kit"
    );
    assert!(kit.contains("香港投资者"), "and in the default language");
    for file in walk(&site.path("output")) {
        if let Ok(text) = std::fs::read_to_string(&file) {
            for name in [
                "北京济阳商会",
                "Jiyang Chamber of Commerce in Beijing",
                "香港投资者",
                "Hong Kong investors",
            ] {
                assert!(!text.contains(name), "{} names an audience", file.display());
            }
        }
    }
}

#[test]
fn the_kit_has_a_wechat_message_per_link_in_the_audience_language() {
    let site = Site::new();
    site.build();
    let kit = site.read("share-kit/index.html");
    let links = site.links();
    let zh_short = &links[&("beijing-chamber".into(), "data-lake".into())].1;
    let en_short = &links[&("hk-investors".into(), "data-lake".into())].1;
    let message = |short: &str| {
        kit.split("<textarea readonly rows=\"4\">")
            .skip(1)
            .map(|m| m.split("</textarea>").next().unwrap_or(""))
            .find(|m| m.contains(short))
            .unwrap_or_else(|| panic!("no message with {short}"))
            .to_owned()
    };
    assert!(message(zh_short).contains("数据湖产业园"));
    assert!(message(en_short).contains("Data Lake Park"));
}

#[test]
fn pages_carry_their_own_qr_code_and_contacts_as_vcards() {
    let site = Site::new();
    site.build();
    let page = site.read("output/en/parks/data-lake/index.html");
    let svg_start = page
        .find("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox")
        .expect("page QR");
    let svg = &page[svg_start..svg_start + page[svg_start..].find("</svg>").expect("end") + 6];
    let short = decode_svg(svg);
    assert_eq!(
        site.follow(&short),
        format!("{BASE}/en/parks/data-lake/?utm_source=site&utm_medium=qr")
    );

    assert!(page.contains("href=\"/invest/en/parks/data-lake/contact-1.vcf\""));
    let card = site.read("output/en/parks/data-lake/contact-1.vcf");
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n") && card.ends_with("END:VCARD\r\n"));
    assert!(
        card.contains("FN:Manager Zhang\r\n")
            && card.contains("TEL;TYPE=WORK,VOICE:0531-0000001\r\n")
    );

    for tag in [
        "og:url",
        "og:type",
        "og:title",
        "og:description",
        "og:image",
    ] {
        assert!(page.contains(&format!("property=\"{tag}\"")), "{tag}");
    }
    // Structured data for search engines and chat previews: JSON-LD, not loose itemprop tags.
    let start = page
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD")
        + 35;
    let end = start + page[start..].find("</script>").expect("end of JSON-LD");
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).expect("JSON-LD parses");
    assert_eq!(data["@type"], "Place");
    for prop in ["name", "description", "image", "url"] {
        assert!(
            data[prop].as_str().is_some_and(|v| !v.is_empty()),
            "JSON-LD {prop}: {data}"
        );
    }
    assert!(!page.contains("itemprop="));
}

#[test]
fn brochure_links_exist_for_every_language() {
    let site = Site::new();
    site.build();
    let links = site.links();
    let brochure = &links[&("brochure".into(), "data-lake".into())];
    assert_eq!(
        site.follow(&brochure.1),
        format!("{BASE}/parks/data-lake/?utm_source=brochure&utm_medium=print")
    );
    // The English brochure and page QR codes have links of their own, opening the English page.
    for (audience, medium) in [("brochure", "print"), ("site", "qr")] {
        let code = parkpress::share::short_code(audience, "en/data-lake");
        assert_eq!(
            site.follow(&format!("{BASE}/s/{code}/")),
            format!("{BASE}/en/parks/data-lake/?utm_source={audience}&utm_medium={medium}")
        );
    }
}

#[test]
fn share_prints_the_table_and_rejects_unknown_audiences() {
    let site = Site::new();
    let output = site.run(&["share", "--audience", "hk-investors"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("hk-investors\tdata-lake\ten\thttps://invest.example.gov.cn/invest/s/"));
    assert!(!table.contains("beijing-chamber"));
    assert!(
        site.path("share-kit/qr/hk-investors/data-lake.png")
            .exists()
    );
    assert!(!site.path("output").exists(), "share writes the kit only");
    let unknown = site.run(&["share", "--audience", "nobody"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn a_staging_build_leaves_the_share_kit_alone() {
    let site = Site::new();
    site.build();
    let kit = |rel: &str| std::fs::read(site.path("share-kit").join(rel)).expect("kit file");
    let csv = kit("links.csv");
    let qr = kit("qr/beijing-chamber/data-lake.svg");
    let staging = tempfile::tempdir().expect("temp dir");
    let staging_out = staging.path().join("site");
    for args in [
        vec!["build", "--base-url", "http://staging.test:8080"],
        vec!["build", "--output", staging_out.to_str().expect("utf-8")],
        vec![
            "build",
            "--base-url",
            "http://staging.test:8080",
            "--output",
            staging_out.to_str().expect("utf-8"),
        ],
    ] {
        let output = site.run(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("share-kit/ left as it was"),
            "{args:?}: {stdout}"
        );
        assert_eq!(kit("links.csv"), csv, "{args:?} rewrote links.csv");
        assert_eq!(
            kit("qr/beijing-chamber/data-lake.svg"),
            qr,
            "{args:?} rewrote a QR code"
        );
    }
    assert!(!String::from_utf8_lossy(&csv).contains("staging.test"));
    // The site's own build makes it again.
    let stdout = site.build();
    assert!(!stdout.contains("share-kit/ left as it was"), "{stdout}");
}

#[test]
fn share_says_plainly_which_short_links_are_not_live_yet() {
    let site = Site::new();
    let share = |site: &Site| {
        let output = site.run(&["share"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let before = share(&site);
    assert!(before.contains("short links are not live yet"), "{before}");
    assert!(before.contains("next `parkpress build`"), "{before}");
    site.build();
    let after = share(&site);
    assert!(!after.contains("not live"), "{after}");
    // A new campaign changes where the links lead: their pages must be built again.
    site.write(
        "content/audiences.toml",
        &AUDIENCES.replace("2026-spring", "2026-autumn"),
    );
    let changed = share(&site);
    assert!(
        changed.contains("short links are not live yet"),
        "{changed}"
    );
}

#[test]
fn a_site_theme_changes_the_kit_page() {
    let site = Site::new();
    site.write(
        "themes/mine/theme.toml",
        "name = \"mine\"\nextends = \"default\"\n",
    );
    site.write(
        "themes/mine/internal/share-kit.html",
        "<!doctype html><title>{{ zone }}</title>\n{% for a in audiences %}<h2>{{ a.name }}</h2>\
         {% for l in a.links %}<p>{{ l.short_url }}</p>{% endfor %}{% endfor %}\n",
    );
    site.edit(
        "content/site.toml",
        "base_url",
        "theme = \"mine\"\nbase_url",
    );
    site.build();
    let kit = site.read("share-kit/index.html");
    assert!(
        kit.starts_with("<!doctype html><title>测试经济开发区</title>"),
        "{kit}"
    );
    assert!(kit.contains("<h2>北京济阳商会</h2>"), "{kit}");
    let (_, short, _) = &site.links()[&("beijing-chamber".into(), "data-lake".into())];
    assert!(kit.contains(&format!("<p>{short}</p>")), "{kit}");
    assert!(
        !kit.contains("<table>"),
        "the default page is replaced: {kit}"
    );
}
