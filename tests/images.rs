//! Image processing through the real binary: variants, srcset, sizes, EXIF orientation,
//! transparency, broken and oversized files, and the cache.

mod common;
use common::Site;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use std::path::{Path, PathBuf};

impl Site {
    /// The `basic` fixture with a cover, a logo and a Markdown image added.
    fn with_images() -> Self {
        let site = Self::fixture("basic");
        photo(2000, 1000)
            .save(site.path("content/parks/data-lake/cover.jpg"))
            .expect("cover");
        logo(600, 300)
            .save(site.path("content/parks/data-lake/tenants/cloud-logo.png"))
            .expect("logo");
        photo(700, 500)
            .save(site.path("content/parks/data-lake/hall.jpg"))
            .expect("hall");
        site.edit(
            "content/parks/data-lake/park.toml",
            "order = 1\n",
            "order = 1\ncover = \"cover.jpg\"\n",
        );
        site.edit(
            "content/parks/data-lake/tenants/cloud-co.md",
            "featured = true\n",
            "featured = true\nlogo = \"cloud-logo.png\"\n",
        );
        site.edit(
            "content/parks/data-lake/index.md",
            "数据湖产业园位于开发区北部。\n",
            "数据湖产业园位于开发区北部。\n\n![展厅](hall.jpg)\n",
        );
        site
    }

    /// Output files under `dir` whose names start with `stem.`.
    fn variants(&self, dir: &str, stem: &str) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.path("output").join(dir))
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{stem}.")))
            })
            .collect();
        found.sort();
        found
    }
}

/// A photo-like image: gradients plus texture, so JPEG sizes are realistic.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let noise = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23) as u8;
        Rgb([
            (x * 255 / width) as u8 ^ noise,
            (y * 255 / height) as u8,
            120u8.wrapping_add(noise),
        ])
    })
}

/// A logo with transparent corners.
fn logo(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let inside = x > width / 4 && x < width * 3 / 4 && y > height / 4 && y < height * 3 / 4;
        if inside {
            Rgba([200, 30, 40, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    })
}

fn dimensions(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).expect("dimensions")
}

#[test]
fn covers_get_responsive_variants_without_upscaling() {
    let site = Site::with_images();
    site.build();
    let names: Vec<String> = site
        .variants("parks/data-lake", "cover")
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    for width in ["480w", "960w", "1600w"] {
        assert!(
            names.iter().any(|n| n.contains(width)),
            "no {width} variant in {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.contains("2000w")),
        "variants above the largest theme width"
    );
    for file in site.variants("parks/data-lake", "cover") {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let (w, h) = dimensions(&file);
        if let Some(width) = name
            .split('.')
            .find_map(|part| part.strip_suffix('w')?.parse::<u32>().ok())
        {
            assert_eq!(w, width, "{name}");
            assert_eq!(h, width / 2, "{name} keeps the 2:1 shape");
        }
    }
    // The original is not published: its variants are.
    assert!(!site.path("output/parks/data-lake/cover.jpg").exists());

    // A 700 px image gets 480 and its own width, never 960.
    let hall: Vec<(u32, u32)> = site
        .variants("parks/data-lake", "hall")
        .iter()
        .map(|p| dimensions(p))
        .collect();
    assert_eq!(hall, vec![(480, 343), (700, 500)]);
}

#[test]
fn pages_use_srcset_and_intrinsic_sizes() {
    let site = Site::with_images();
    site.build();
    let page = site.out("parks/data-lake/index.html");
    let hero = page
        .split("<img")
        .find(|tag| tag.contains("park-hero-img"))
        .expect("hero image");
    assert!(
        hero.contains("srcset=\"/invest/parks/data-lake/cover."),
        "{hero}"
    );
    assert!(
        hero.contains(" 480w, ") && hero.contains(" 1600w\""),
        "{hero}"
    );
    assert!(hero.contains("width=\"1600\" height=\"800\""), "{hero}");
    assert!(
        !hero.contains("loading=\"lazy\""),
        "the hero is above the fold"
    );

    let body_image = page
        .split("<img")
        .find(|tag| tag.contains("alt=\"展厅\""))
        .expect("markdown image");
    assert!(
        body_image.contains("srcset=") && body_image.contains("width=\"700\" height=\"500\""),
        "{body_image}"
    );
    assert!(body_image.contains("loading=\"lazy\""));

    // The share image: a 1200×630 crop, under 300 KB, with its size in the page.
    assert!(page.contains(
        "og:image\" content=\"https://invest.example.gov.cn/invest/parks/data-lake/cover."
    ));
    assert!(
        page.contains("og:image:width\" content=\"1200\"")
            && page.contains("og:image:height\" content=\"630\"")
    );
    let share = site
        .variants("parks/data-lake", "cover")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("share"))
        .expect("share");
    assert_eq!(dimensions(&share), (1200, 630));
    assert!(std::fs::metadata(&share).expect("meta").len() < 300 * 1024);
}

/// The file of a page's hidden first image, the one old WeChat clients take as the thumbnail.
fn wechat_image(site: &Site, page: &str) -> PathBuf {
    let html = site.out(page);
    let src = html
        .split(r#"<div style="display:none"><img src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{page} has no hidden share image"));
    let rel = src
        .strip_prefix("/invest/")
        .unwrap_or_else(|| panic!("{page}: {src} is not root-relative"));
    site.path("output").join(rel)
}

#[test]
fn the_hidden_wechat_image_is_a_small_square_thumbnail() {
    let site = Site::with_images();
    site.build();
    // A park shares its cover; the home page, with no image of its own, the theme's default.
    for (page, made_from) in [
        ("parks/data-lake/index.html", "parks/data-lake/cover."),
        ("en/parks/data-lake/index.html", "parks/data-lake/cover."),
        ("index.html", "images/share."),
    ] {
        let file = wechat_image(&site, page);
        let rel = file.strip_prefix(site.path("output")).expect("in output");
        assert!(
            rel.to_string_lossy().starts_with(made_from),
            "{page}: {}",
            rel.display()
        );
        let (width, height) = dimensions(&file);
        assert!(width >= 300 && height >= 300, "{page}: {width}×{height}");
        let bytes = std::fs::metadata(&file).expect("thumbnail").len();
        assert!(bytes <= 30 * 1024, "{page}: {bytes} bytes");
        // Chat previews that read og:image still get the large crop.
        assert!(site.out(page).contains("og:image:width\" content=\"1200\""));
    }
}

#[test]
fn variants_are_never_larger_than_the_source() {
    let site = Site::with_images();
    site.build();
    let source = std::fs::metadata(site.path("content/parks/data-lake/hall.jpg"))
        .expect("meta")
        .len();
    for variant in site.variants("parks/data-lake", "hall") {
        assert!(
            std::fs::metadata(&variant).expect("meta").len() <= source,
            "{}",
            variant.display()
        );
    }
}

#[test]
fn logos_fit_the_box_and_keep_transparency() {
    let site = Site::with_images();
    site.build();
    let logo = site
        .variants("parks/data-lake/tenants", "cloud-logo")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("logo400x200"))
        .expect("logo variant");
    let image = image::open(&logo).expect("open").to_rgba8();
    assert_eq!(image.dimensions(), (400, 200));
    assert_eq!(image.get_pixel(0, 0)[3], 0, "corner stays transparent");
    assert_eq!(image.get_pixel(200, 100)[3], 255, "centre stays opaque");
    let tenant = site.out("parks/data-lake/tenants/cloud-co/index.html");
    assert!(
        tenant.contains("cloud-logo.") && tenant.contains("logo400x200.png"),
        "tenant page shows the boxed logo"
    );
}

/// A JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6).
fn jpeg_with_orientation_6(width: u32, height: u32) -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(
            photo(width, height).as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    let tiff: [u8; 26] = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation (SHORT) = 6
        0, 0, 0, 0, // no next IFD
    ];
    let mut app1 = vec![0xFF, 0xE1, 0, (2 + 6 + tiff.len()) as u8];
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_applied() {
    let site = Site::with_images();
    std::fs::write(
        site.path("content/parks/data-lake/cover.jpg"),
        jpeg_with_orientation_6(1000, 500),
    )
    .expect("write");
    site.build();
    let largest = site
        .variants("parks/data-lake", "cover")
        .into_iter()
        .find(|p| p.to_string_lossy().contains(".500w."))
        .expect("a 500 px wide variant (the rotated width)");
    assert_eq!(dimensions(&largest), (500, 1000), "portrait after rotation");
    assert!(
        site.out("parks/data-lake/index.html")
            .contains("width=\"500\" height=\"1000\"")
    );
}

#[test]
fn a_warm_rebuild_encodes_nothing_and_stale_cache_entries_go() {
    let site = Site::with_images();
    let cold = site.build();
    assert!(
        cold.contains("images: ") && !cold.contains("images: 0 encoded"),
        "{cold}"
    );
    let warm = site.build();
    assert!(warm.contains("images: 0 encoded"), "{warm}");
    let cache = site.path(".parkpress-cache/images");
    let before = std::fs::read_dir(&cache).expect("cache").count();
    photo(1800, 900)
        .save(site.path("content/parks/data-lake/cover.jpg"))
        .expect("new cover");
    let changed = site.build();
    assert!(!changed.contains("images: 0 encoded"), "{changed}");
    let after: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        after.len(),
        before,
        "entries of the old cover were pruned: {after:?}"
    );
}

#[test]
fn corrupt_images_are_content_errors_naming_the_file() {
    let site = Site::with_images();
    std::fs::write(
        site.path("content/parks/data-lake/cover.jpg"),
        b"\xFF\xD8\xFF\xE0 definitely not a jpeg",
    )
    .expect("write");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("invalid-image") && err.contains("content/parks/data-lake/cover.jpg"),
        "{err}"
    );
    assert!(!site.path("output").exists(), "nothing written");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    chunk
}

/// A PNG of a few dozen bytes that declares 20000×20000 pixels (1.2 GB decoded).
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 20_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

#[test]
fn decompression_bombs_are_refused_without_decoding() {
    let site = Site::with_images();
    std::fs::write(site.path("content/parks/data-lake/hall.jpg"), b"").expect("clear");
    std::fs::remove_file(site.path("content/parks/data-lake/hall.jpg")).expect("rm");
    std::fs::write(site.path("content/parks/data-lake/hall.png"), png_bomb()).expect("write");
    site.edit(
        "content/parks/data-lake/index.md",
        "(hall.jpg)",
        "(hall.png)",
    );
    let output = site.run(&["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let bomb = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["file"] == "content/parks/data-lake/hall.png")
        .expect("a diagnostic naming the file");
    assert!(
        ["image-too-large", "invalid-image"].contains(&bomb["code"].as_str().unwrap_or("")),
        "{bomb}"
    );
    assert_eq!(bomb["severity"], "error");
}

#[test]
fn svg_is_published_redrawn_by_the_sanitizer() {
    let site = Site::with_images();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\"/></svg>\n";
    std::fs::write(site.path("content/parks/data-lake/map.svg"), svg).expect("write");
    site.edit(
        "content/parks/data-lake/park.toml",
        "order = 1\n",
        "order = 1\nmap = \"map.svg\"\n",
    );
    site.build();
    // Re-serialized by usvg (see tests/hostile.rs for what it removes): the same drawing.
    let published =
        std::fs::read_to_string(site.path("output/parks/data-lake/map.svg")).expect("svg");
    assert!(
        published.starts_with("<svg")
            && published.contains("width=\"40\"")
            && published.contains("<path"),
        "{published}"
    );
    assert!(
        site.out("parks/data-lake/index.html")
            .contains("src=\"/invest/parks/data-lake/map.svg\"")
    );
}

#[test]
fn templates_can_ask_for_any_image_at_a_width() {
    let site = Site::with_images();
    std::fs::create_dir_all(site.path("themes/pictures/templates")).expect("mkdir");
    std::fs::write(
        site.path("themes/pictures/theme.toml"),
        "extends = \"default\"\n",
    )
    .expect("theme");
    std::fs::write(
        site.path("themes/pictures/templates/404.html"),
        "{% set hall = image(path=\"parks/data-lake/hall.jpg\", width=500) %}<img src=\"{{ hall.url }}\" width=\"{{ hall.width }}\" height=\"{{ hall.height }}\" srcset=\"{{ hall.srcset }}\">\n",
    )
    .expect("template");
    let config = std::fs::read_to_string(site.path("content/site.toml")).expect("site");
    std::fs::write(
        site.path("content/site.toml"),
        format!("theme = \"pictures\"\n{config}"),
    )
    .expect("site");
    site.build();
    let page = site.out("404.html");
    // The narrowest variant at least 500 px wide is the image's own 700 px.
    assert!(
        page.contains("hall.") && page.contains(".700w.jpg\" width=\"700\" height=\"500\""),
        "{page}"
    );
    assert!(
        page.contains(" 480w, "),
        "srcset lists every variant: {page}"
    );
}

/// Whether `jpegtran` (Debian's libjpeg-turbo-progs) is installed; prints why not, or fails under
/// `CI=true`.
fn jpegtran_ready() -> bool {
    if std::process::Command::new("jpegtran")
        .arg("-version")
        .output()
        .is_ok()
    {
        return true;
    }
    let reason = "the JPEG test needs jpegtran (apt-get install libjpeg-turbo-progs)";
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{reason}: .ci/run installs it"
    );
    eprintln!("skipping: {reason}");
    false
}

#[test]
fn jpeg_variants_are_progressive_optimized_and_without_metadata() {
    if !jpegtran_ready() {
        return;
    }
    // The example's real photographs, encoded as the site publishes them.
    let site = Site {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &site.path("content"),
    );
    site.build();
    let variants: Vec<PathBuf> = common::walk(&site.path("output"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("w.jpg"))
        .collect();
    assert!(variants.len() >= 5, "{variants:?}");
    let (mut ours, mut optimized) = (0usize, 0usize);
    for path in &variants {
        let bytes = std::fs::read(path).expect("variant");
        assert!(
            bytes.windows(2).any(|w| w == [0xFF, 0xC2]),
            "{} is not progressive (no SOF2)",
            path.display()
        );
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "{} keeps EXIF metadata",
            path.display()
        );
        let out = std::process::Command::new("jpegtran")
            .args(["-optimize", "-progressive", "-copy", "none"])
            .arg(path)
            .output()
            .expect("run jpegtran");
        assert!(out.status.success());
        ours += bytes.len();
        optimized += out.stdout.len();
    }
    // A lossless optimizer finds less than 5% left over all variants.
    let left = 1.0 - optimized as f64 / ours as f64;
    assert!(
        left < 0.05,
        "jpegtran saves {:.1}% of {ours} bytes",
        left * 100.0
    );
}
