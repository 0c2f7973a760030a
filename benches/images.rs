//! Image benchmark: a site with 30 large photos (4000×3000 JPEG), built cold (empty cache) and
//! warm, with the bytes published against the bytes of the sources.
//!
//! Run with `cargo bench --bench images`. Prints times; asserts nothing.

use image::{ImageEncoder, Rgb, RgbImage};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const PHOTOS: usize = 30;

fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000, 3000);
    let image = RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919 + seed) ^ y.wrapping_mul(104_729)) % 37;
        Rgb([
            ((x / 16 + seed * 13) % 256) as u8 ^ n as u8,
            ((y / 12) % 256) as u8,
            (120 + n) as u8,
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88)
        .write_image(image.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encode");
    bytes
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn build(root: &Path) -> f64 {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_parkpress"))
        .args(["build", "--root"])
        .arg(root)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn dir_bytes(dir: &Path, filter: &dyn Fn(&Path) -> bool) -> u64 {
    walk(dir)
        .iter()
        .filter(|p| filter(p))
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "content/site.toml",
        "base_url = \"https://bench.example.gov.cn\"\nlanguages = [\"zh\", \"en\"]\ntitle = \"图片基准\"\n\n[zone]\nname = \"基准开发区\"\n",
    );
    for i in 0..PHOTOS {
        let park = format!("content/parks/park-{}", i / 3);
        let name = format!("photo-{i}.jpg");
        std::fs::create_dir_all(root.join(&park)).expect("mkdir");
        std::fs::write(root.join(&park).join(&name), photo(i as u32)).expect("photo");
        if i % 3 == 0 {
            write(
                root,
                &format!("{park}/park.toml"),
                &format!(
                    "name = \"园区{i}\"\noperator = \"运营商\"\npositioning = \"定位\"\ncover = \"{name}\"\ngallery = [{{ src = \"photo-{}.jpg\" }}, {{ src = \"photo-{}.jpg\" }}]\n",
                    i + 1,
                    i + 2
                ),
            );
        }
    }
    let sources = dir_bytes(&root.join("content"), &|p| {
        p.extension().is_some_and(|e| e == "jpg")
    });
    let cold = build(root);
    let warm = build(root);
    let warm_again = build(root);
    let published = dir_bytes(&root.join("output"), &|p| {
        p.extension().is_some_and(|e| e == "jpg")
    });
    let largest = dir_bytes(&root.join("output"), &|p| {
        p.to_string_lossy().ends_with(".1600w.jpg")
    });
    println!(
        "{PHOTOS} photos of 4000×3000, {:.1} MB of JPEG",
        sources as f64 / 1e6
    );
    println!("cold build (empty cache): {cold:.2} s");
    println!(
        "warm build:               {:.2} s ({:.1}% of cold)",
        warm.min(warm_again),
        warm.min(warm_again) * 100.0 / cold
    );
    println!(
        "published: {:.1} MB in all variants; the 1600 px variants a desktop loads: {:.1} MB ({:.0}% less than the sources)",
        published as f64 / 1e6,
        largest as f64 / 1e6,
        100.0 - largest as f64 * 100.0 / sources as f64
    );
}
