//! Images: planned before rendering, processed after it.
//!
//! Planning reads each raster image's header and hashes its bytes, so every page knows at once the
//! URLs, sizes and `srcset` of its images. Processing then decodes each source once, makes the
//! variants it needs in parallel (responsive widths, a 1200×630 share image, a logo fitted to a
//! box), and keeps them in a cache keyed by the source hash and the operation, so a warm rebuild
//! re-encodes nothing. Decoders run with limits, so a corrupt file or a decompression bomb is a
//! content error naming the file, never a crash.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::content::cache::{SourceCache, cached};
use crate::diagnostics::Diagnostic;
use crate::files::{Contents, OutputFile};
use crate::urls::Urls;

/// Size of share images (Open Graph, WeChat previews).
pub const SHARE_SIZE: (u32, u32) = (1200, 630);
/// The small square share image kept in each page for WeChat clients that take the first image
/// of the body as the chat thumbnail: WeChat asks for at least 300×300.
pub const WECHAT_THUMB: (u32, u32) = (300, 300);
/// Box logos are fitted into for tenant grids.
pub const LOGO_BOX: (u32, u32) = (400, 200);
/// Widths used when the theme sets none.
pub const DEFAULT_WIDTHS: &[u32] = &[480, 960, 1600];
/// Longest side accepted: larger images are decompression bombs or unusable on the web.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels accepted (80 megapixels, above any camera's photo).
pub const MAX_PIXELS: u64 = 80_000_000;
/// JPEG quality of variants.
const JPEG_QUALITY: u8 = 82;
/// JPEG quality of the WeChat thumbnail: shown at chat-list size, it stays far under 30 KB.
const THUMB_QUALITY: u8 = 70;
/// Changes whenever the encoding changes, so old cache entries are not reused.
const CACHE_VERSION: &str = "v3";

/// One file made from a source image.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Variant {
    /// Root-relative URL.
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// What templates and pages know about an image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageInfo {
    /// URL of the largest responsive variant (the original for SVG).
    pub url: String,
    /// Width of that file, when known.
    pub width: Option<u32>,
    /// Height of that file, when known.
    pub height: Option<u32>,
    /// `srcset` over all responsive variants.
    pub srcset: Option<String>,
    /// Responsive variants, narrowest first.
    pub variants: Vec<Variant>,
    /// The 1200×630 share crop, when the image is large enough (300×300 or more).
    pub share: Option<Variant>,
    /// The image fitted into the logo box.
    pub logo: Option<Variant>,
    /// The 300×300 WeChat thumbnail (JPEG), made beside the share crop when the image is at
    /// least that large.
    pub thumb: Option<Variant>,
}

impl ImageInfo {
    /// The narrowest variant at least `width` wide (else the widest).
    pub fn at_least(&self, width: u32) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| v.width >= width)
            .or(self.variants.last())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Jpeg,
    Png,
}

impl Encoding {
    fn extension(self) -> &'static str {
        match self {
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    /// Scale to this width.
    Width(u32, u32),
    /// Cover-crop to the share size (or the largest crop of that shape that fits).
    Share(u32, u32),
    /// Fit inside the logo box.
    Logo(u32, u32),
    /// Cover-crop to the WeChat thumbnail.
    Thumb(u32, u32),
}

impl Operation {
    /// Width and height of the result.
    fn target(self) -> (u32, u32) {
        match self {
            Operation::Width(w, h)
            | Operation::Share(w, h)
            | Operation::Logo(w, h)
            | Operation::Thumb(w, h) => (w, h),
        }
    }

    fn signature(self) -> String {
        match self {
            Operation::Width(w, _) => format!("{w}w"),
            Operation::Share(w, h) => format!("share{w}x{h}"),
            Operation::Logo(w, h) => format!("logo{w}x{h}"),
            Operation::Thumb(w, h) => format!("thumb{w}x{h}"),
        }
    }
}

/// A raster source and the files that can be made from it.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    byte_len: u64,
    hash: String,
    encoding: Encoding,
    /// Same format as the source: a variant larger in bytes can be replaced by the source itself.
    same_format: bool,
    jobs: Vec<(Operation, String)>,
}

/// Sizes and URLs of every image under content/, and what it takes to make them.
#[derive(Debug, Default)]
pub struct ImagePlan {
    images: HashMap<String, ImageInfo>,
    sources: BTreeMap<String, Source>,
    /// Sanitized SVGs (see [`super::svg`]), published and typeset instead of the files.
    svgs: HashMap<String, Arc<Vec<u8>>>,
    /// Broken, unsupported or oversized images, by file.
    pub diagnostics: Vec<Diagnostic>,
    /// Copies made for print ([`ImagePlan::print_copy`]), by the hash of the original's bytes
    /// and whether they keep its full resolution.
    print_copies: std::sync::Mutex<PrintCopies>,
}

/// Print copies by the hash of the original's bytes and whether they keep its full resolution.
type PrintCopies = HashMap<(u128, bool), Arc<Vec<u8>>>;

/// Counts of a processing run.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImageStats {
    /// Variants encoded in this run.
    pub encoded: usize,
    /// Variants taken from the cache.
    pub cached: usize,
    /// Bytes of the source images used.
    pub source_bytes: u64,
    /// Bytes of the variants published.
    pub output_bytes: u64,
}

/// What an image is used for, beyond being shown: decides which extra variants are made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purpose {
    /// Used as a share image (covers, `share_image`): make the 1200×630 crop.
    pub share: bool,
    /// Used as a logo: make the boxed variant.
    pub logo: bool,
}

/// Whether processing may write the cache and produce files, or only validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `build`: encode what is missing, fill the cache, prune stale entries.
    Build,
    /// `check`: decode what is not cached to find corrupt files; write nothing.
    Validate,
}

fn is_raster(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp", ".gif"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn decoder_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits
}

impl ImagePlan {
    /// Plans every image under content/: SVG is sanitized, raster images get variants.
    /// Each raster image's header is read and its bytes hashed; with `sources`, only images
    /// that changed since an earlier build are read again.
    pub fn new(
        content_dir: &Path,
        assets: &BTreeSet<String>,
        purposes: &HashMap<String, Purpose>,
        widths: &[u32],
        urls: &Urls,
        sources: Option<&SourceCache>,
    ) -> Self {
        let widths: Vec<u32> = if widths.is_empty() {
            DEFAULT_WIDTHS.to_vec()
        } else {
            let mut w = widths.to_vec();
            w.sort_unstable();
            w.dedup();
            w
        };
        let planned: Vec<(String, Result<Planned, Diagnostic>)> = assets
            .par_iter()
            .filter(|path| is_raster(path) || path.to_ascii_lowercase().ends_with(".svg"))
            .map(|path| {
                let purpose = purposes.get(path).copied().unwrap_or_default();
                (
                    path.clone(),
                    plan_one(content_dir, path, purpose, &widths, urls, sources),
                )
            })
            .collect();
        let mut plan = ImagePlan::default();
        for (path, result) in planned {
            match result {
                Ok((info, prepared)) => {
                    plan.images.insert(path.clone(), info);
                    match prepared {
                        Prepared::Raster(source) => {
                            plan.sources.insert(path, source);
                        }
                        Prepared::Svg(svg) => {
                            plan.svgs.insert(path, svg);
                        }
                    }
                }
                Err(diagnostic) => plan.diagnostics.push(diagnostic),
            }
        }
        plan
    }

    /// What is known about the image at a content-relative path.
    pub fn get(&self, path: &str) -> Option<&ImageInfo> {
        self.images.get(path)
    }

    /// A hash of everything [`Self::get`] tells of every image, by path: what a page rendered with
    /// the `image()` function or a body with image attributes depends on.
    pub fn fingerprint(&self) -> u128 {
        let mut paths: Vec<&String> = self.images.keys().collect();
        paths.sort();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for path in paths {
            hasher.update(format!("{path:?}{:?}", self.images[path]).as_bytes());
        }
        hasher.digest128()
    }

    /// Pixel sizes of raster images as they are shown (EXIF orientation applied).
    pub fn sizes(&self) -> HashMap<String, (u32, u32)> {
        self.sources
            .keys()
            .filter_map(|path| {
                let info = self.images.get(path)?;
                let largest = info.variants.last()?;
                Some((path.clone(), (largest.width, largest.height)))
            })
            .collect()
    }

    /// The sanitized SVG of the image at `path`, when it is an SVG that could be made safe.
    pub fn svg(&self, path: &str) -> Option<&Arc<Vec<u8>>> {
        self.svgs.get(path)
    }

    /// The copy of the raster image at `file` that a PDF embeds, or None for a file that is
    /// not a raster image: only its image data (no EXIF with GPS coordinates, comments, text
    /// chunks or bytes after the image), no larger than a screen PDF needs ([`PRINT_SIDE`])
    /// unless `full` (the print shop's files: all the pixels of the original), re-encoded when
    /// it is made smaller or its EXIF orientation must be applied. Made once per original.
    pub fn print_copy(&self, file: &Path, full: bool) -> Option<Result<Arc<Vec<u8>>, String>> {
        if !is_raster(&file.to_string_lossy()) {
            return None;
        }
        let bytes = match crate::safe_fs::read_regular(file) {
            Ok(bytes) => bytes,
            Err(error) => return Some(Err(error.to_string())),
        };
        let key = (xxhash_rust::xxh3::xxh3_128(&bytes), full);
        let copies = || {
            self.print_copies
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(copy) = copies().get(&key) {
            return Some(Ok(Arc::clone(copy)));
        }
        let copy = Arc::new(match print_copy(bytes, (!full).then_some(PRINT_SIDE)) {
            Ok(copy) => copy,
            Err(error) => return Some(Err(error)),
        });
        copies().insert(key, Arc::clone(&copy));
        Some(Ok(copy))
    }

    /// Whether the image at `path` is published through variants rather than copied.
    pub fn is_processed(&self, path: &str) -> bool {
        self.sources.contains_key(path)
    }

    /// Makes the variants of the `used` images: from the cache when there, else by decoding the
    /// source once. Returns the files to publish and the problems found.
    pub fn process(
        &self,
        used: &BTreeSet<String>,
        cache_dir: &Path,
        mode: Mode,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> (Vec<OutputFile>, Vec<Diagnostic>, ImageStats) {
        let cache = cache_dir.join("images");
        if mode == Mode::Build
            && let Err(e) = std::fs::create_dir_all(&cache)
        {
            let d = Diagnostic::error(
                "environment",
                format!("cannot create the image cache `{}`: {e}", cache.display()),
            );
            return (Vec::new(), vec![d], ImageStats::default());
        }
        let sources: Vec<(&String, &Source)> = self
            .sources
            .iter()
            .filter(|(path, _)| used.contains(*path))
            .collect();
        let total = sources.len();
        let done = AtomicUsize::new(0);
        let results: Vec<SourceResult> = sources
            .par_iter()
            .map(|(path, source)| {
                let result = process_source(path, source, &cache, mode);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                result
            })
            .collect();
        let mut files = Vec::new();
        let mut diagnostics = Vec::new();
        let mut stats = ImageStats::default();
        let mut keep = BTreeSet::new();
        for result in results {
            files.extend(result.files);
            diagnostics.extend(result.diagnostic);
            stats.encoded += result.encoded;
            stats.cached += result.cached;
            stats.source_bytes += result.source_bytes;
            stats.output_bytes += result.output_bytes;
            keep.extend(result.cache_names);
        }
        if mode == Mode::Build && diagnostics.is_empty() {
            prune(&cache, &keep);
        }
        (files, diagnostics, stats)
    }
}

/// An image's info, and what it is published from.
type Planned = (ImageInfo, Prepared);

/// What an image is published from.
enum Prepared {
    /// A raster image, published through variants.
    Raster(Source),
    /// An SVG, published sanitized.
    Svg(Arc<Vec<u8>>),
}

fn plan_one(
    content_dir: &Path,
    path: &str,
    purpose: Purpose,
    widths: &[u32],
    urls: &Urls,
    sources: Option<&SourceCache>,
) -> Result<Planned, Diagnostic> {
    let file = content_dir.join(path);
    let display = format!("content/{path}");
    if path.to_ascii_lowercase().ends_with(".svg") {
        let svg = cached(sources, &file, || clean_svg(&file, &display))?;
        let url = urls.file(path);
        let info = ImageInfo {
            url,
            width: None,
            height: None,
            srcset: None,
            variants: Vec::new(),
            share: None,
            logo: None,
            thumb: None,
        };
        return Ok((info, Prepared::Svg(svg)));
    }
    let Probe {
        width,
        height,
        encoding,
        same_format,
        hash,
        byte_len,
    } = cached(sources, &file, || probe(&file, &display))?;
    let (dir, stem) = match path.rsplit_once('/') {
        Some((dir, name)) => (
            format!("{dir}/"),
            name.rsplit_once('.').map_or(name, |(s, _)| s),
        ),
        None => (
            String::new(),
            path.rsplit_once('.').map_or(path, |(s, _)| s),
        ),
    };
    let name =
        |op: Operation, ext: &str| format!("{dir}{stem}.{}.{}.{ext}", &hash[..10], op.signature());
    let ext = encoding.extension();

    let mut variant_widths: Vec<u32> = widths.iter().copied().filter(|w| *w < width).collect();
    let largest = widths.last().copied().unwrap_or(width);
    if width <= largest {
        variant_widths.push(width);
    }
    let mut jobs = Vec::new();
    // One image to encode: its job, and the variant pages show.
    let mut job = |op: Operation, ext: &str, (width, height): (u32, u32)| {
        let out = name(op, ext);
        let variant = Variant {
            url: urls.file(&out),
            width,
            height,
        };
        jobs.push((op, out));
        variant
    };
    let mut variants = Vec::new();
    for w in variant_widths {
        let h = scaled(height, w, width);
        variants.push(job(Operation::Width(w, h), ext, (w, h)));
    }
    let share = share_size(width, height)
        .filter(|_| purpose.share)
        .map(|(w, h)| job(Operation::Share(w, h), "jpg", (w, h)));
    let (tw, th) = WECHAT_THUMB;
    let thumb = (purpose.share && width >= tw && height >= th)
        .then(|| job(Operation::Thumb(tw, th), "jpg", (tw, th)));
    let logo = purpose.logo.then(|| {
        let (lw, lh) = fit(width, height, LOGO_BOX);
        job(Operation::Logo(lw, lh), ext, (lw, lh))
    });
    let srcset = (!variants.is_empty()).then(|| {
        variants
            .iter()
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let main = variants.last().cloned();
    let info = ImageInfo {
        url: main
            .as_ref()
            .map_or_else(|| urls.file(path), |v| v.url.clone()),
        width: main.as_ref().map(|v| v.width),
        height: main.as_ref().map(|v| v.height),
        srcset,
        variants,
        share,
        logo,
        thumb,
    };
    let source = Source {
        path: file,
        byte_len,
        hash,
        encoding,
        same_format,
        jobs,
    };
    Ok((info, Prepared::Raster(source)))
}

/// Reads and sanitizes the SVG at `file` (shown as `display`).
fn clean_svg(file: &Path, display: &str) -> Result<Arc<Vec<u8>>, Diagnostic> {
    let bytes = crate::safe_fs::read_regular(file).map_err(|e| {
        Diagnostic::error("unreadable-file", format!("cannot read `{display}`: {e}"))
            .in_path(display)
            .with_hint("put a regular SVG file there")
    })?;
    super::svg::sanitize(&bytes).map(Arc::new).map_err(|why| {
        Diagnostic::error("unsafe-svg", format!("the SVG `{display}` {why}"))
            .in_path(display)
            .with_hint("export the drawing again as a plain SVG (shapes and embedded PNG/JPEG only), or use a PNG")
    })
}

fn rotates(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    )
}

fn scaled(side: u32, new_width: u32, width: u32) -> u32 {
    ((u64::from(side) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width)).max(1)
        as u32
}

/// The share crop: 1200×630, or the largest crop of that shape the image holds, if 300 px high or more.
fn share_size(width: u32, height: u32) -> Option<(u32, u32)> {
    let (sw, sh) = SHARE_SIZE;
    let w = width
        .min(sw)
        .min((u64::from(height) * u64::from(sw) / u64::from(sh)) as u32);
    let h = scaled(sh, w, sw);
    (w >= 300 && h >= 300).then_some((w, h))
}

/// `width`×`height` scaled to fit the box, never enlarged.
fn fit(width: u32, height: u32, (bw, bh): (u32, u32)) -> (u32, u32) {
    if width <= bw && height <= bh {
        return (width, height);
    }
    let by_width = (bw, scaled(height, bw, width));
    if by_width.1 <= bh {
        by_width
    } else {
        (scaled(width, bh, height), bh)
    }
}

struct SourceResult {
    files: Vec<OutputFile>,
    diagnostic: Option<Diagnostic>,
    encoded: usize,
    cached: usize,
    source_bytes: u64,
    output_bytes: u64,
    cache_names: Vec<String>,
}

fn process_source(path: &str, source: &Source, cache: &Path, mode: Mode) -> SourceResult {
    let mut result = SourceResult {
        files: Vec::new(),
        diagnostic: None,
        encoded: 0,
        cached: 0,
        source_bytes: source.byte_len,
        output_bytes: 0,
        cache_names: Vec::new(),
    };
    let cache_name = |op: Operation, out: &str| {
        let ext = out.rsplit('.').next().unwrap_or("bin");
        format!("{}-{}-{CACHE_VERSION}.{ext}", source.hash, op.signature())
    };
    let missing: Vec<&(Operation, String)> = source
        .jobs
        .iter()
        .filter(|(op, out)| !cache.join(cache_name(*op, out)).is_file())
        .collect();
    let decoded = if missing.is_empty() {
        None
    } else {
        match decode(&source.path) {
            Ok(image) => Some(image),
            Err(why) => {
                let display = format!("content/{path}");
                let mut d = Diagnostic::error(
                    "invalid-image",
                    format!("`{display}` cannot be decoded: {why}"),
                )
                .with_hint(
                    "the file is damaged or not really an image: export it again as JPEG or PNG",
                );
                d.file = Some(display);
                result.diagnostic = Some(d);
                return result;
            }
        }
    };
    // Largest first, so each smaller variant is made from the previous one rather than from the
    // full-size source: scaling 12 megapixels once instead of once per variant.
    let mut order: Vec<&(Operation, String)> = source.jobs.iter().collect();
    order.sort_by_key(|(op, _)| std::cmp::Reverse(op.target()));
    let mut made: Vec<DynamicImage> = Vec::new();
    for (op, out) in order {
        let cached_file = cache.join(cache_name(*op, out));
        result.cache_names.push(cache_name(*op, out));
        if mode == Mode::Validate {
            continue;
        }
        if let Some(full) = decoded.as_ref().filter(|_| !cached_file.is_file()) {
            let (tw, th) = op.target();
            let base = made
                .iter()
                .filter(|m| m.width() >= tw && m.height() >= th)
                .min_by_key(|m| m.width())
                .unwrap_or(full);
            let transformed = transform(base, *op);
            let (encoding, quality) = match op {
                Operation::Share(..) => (Encoding::Jpeg, JPEG_QUALITY),
                Operation::Thumb(..) => (Encoding::Jpeg, THUMB_QUALITY),
                _ => (source.encoding, JPEG_QUALITY),
            };
            let mut bytes = match encode(&transformed, encoding, quality) {
                Ok(bytes) => bytes,
                Err(e) => {
                    result.diagnostic = Some(Diagnostic::error(
                        "invalid-image",
                        format!("`content/{path}` cannot be re-encoded: {e}"),
                    ));
                    return result;
                }
            };
            // A variant must never cost more than the original: then the original serves, reduced
            // to its image data (no text chunks, comments or trailing bytes of a polyglot).
            if matches!(op, Operation::Width(..))
                && source.same_format
                && bytes.len() as u64 >= source.byte_len
            {
                match crate::safe_fs::read_regular(&source.path) {
                    Ok(original) => {
                        if let Some(clean) = super::strip::image_data(&original)
                            .filter(|clean| clean.len() < bytes.len())
                        {
                            bytes = clean;
                        }
                    }
                    Err(e) => {
                        result.diagnostic = Some(Diagnostic::error(
                            "unreadable-file",
                            format!("cannot read `content/{path}`: {e}"),
                        ));
                        return result;
                    }
                }
            }
            if let Err(e) = write_atomically(&cached_file, &bytes) {
                result.diagnostic = Some(Diagnostic::error(
                    "environment",
                    format!(
                        "cannot write the image cache `{}`: {e}",
                        cached_file.display()
                    ),
                ));
                return result;
            }
            result.encoded += 1;
            if matches!(op, Operation::Width(..)) {
                made.push(transformed);
            }
        } else {
            result.cached += 1;
        }
        if matches!(op, Operation::Width(..)) {
            result.output_bytes += std::fs::metadata(&cached_file)
                .map(|m| m.len())
                .unwrap_or(0);
        }
        result.files.push(OutputFile {
            path: out.clone(),
            contents: Contents::Copy(cached_file),
        });
    }
    result
}

/// Longest side of an image in a PDF: 300 dpi across the 210 mm of an A4 page.
pub const PRINT_SIDE: u32 = 2480;

/// JPEG quality of a print-shop copy that must be re-encoded at full size (its EXIF orientation
/// applied): a press shows what a screen hides.
const PRINT_SHOP_QUALITY: u8 = 95;

/// See [`ImagePlan::print_copy`]: the copy of an image's bytes with at most `side` pixels on its
/// longest side (`None`: as many as it has).
fn print_copy(bytes: Vec<u8>, side: Option<u32>) -> Result<Vec<u8>, String> {
    let (width, height) = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_dimensions()
        .map_err(|e| e.to_string())?;
    let too_large = |longest: u32| side.is_some_and(|side| longest > side);
    if !too_large(width.max(height))
        && let Some(data) = super::strip::image_data(&bytes)
    {
        return Ok(data);
    }
    let png = bytes.starts_with(b"\x89PNG");
    let image = decode_bytes(bytes)?;
    let image = match side {
        Some(side) if too_large(image.width().max(image.height())) => {
            image.resize(side, side, image::imageops::FilterType::CatmullRom)
        }
        _ => image,
    };
    let encoding = if png || image.color().has_alpha() {
        Encoding::Png
    } else {
        Encoding::Jpeg
    };
    let quality = if side.is_some() {
        JPEG_QUALITY
    } else {
        PRINT_SHOP_QUALITY
    };
    encode(&image, encoding, quality).map_err(|e| e.to_string())
}

fn decode(path: &Path) -> Result<DynamicImage, String> {
    decode_bytes(crate::safe_fs::read_regular(path).map_err(|e| e.to_string())?)
}

/// Decodes an image with the decoder limits, its EXIF orientation applied.
fn decode_bytes(bytes: Vec<u8>) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(decoder_limits());
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn transform(image: &DynamicImage, op: Operation) -> DynamicImage {
    let filter = image::imageops::FilterType::CatmullRom;
    match op {
        Operation::Width(w, h) | Operation::Logo(w, h) => {
            if (w, h) == (image.width(), image.height()) {
                image.clone()
            } else {
                image.resize_exact(w, h, filter)
            }
        }
        Operation::Share(w, h) | Operation::Thumb(w, h) => image.resize_to_fill(w, h, filter),
    }
}

/// Where the WeChat thumbnail of the image at `path` is published: `<stem>.thumb300x300.jpg`.
pub fn wechat_thumb_path(path: &str) -> String {
    let (tw, th) = WECHAT_THUMB;
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    format!("{stem}.thumb{tw}x{th}.jpg")
}

/// The WeChat thumbnail of an image file's bytes (the theme's default share image), or `None`
/// when it does not decode or is smaller than [`WECHAT_THUMB`].
pub fn wechat_thumb(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    reader.limits(decoder_limits());
    let image = reader.decode().ok()?;
    let (tw, th) = WECHAT_THUMB;
    if image.width() < tw || image.height() < th {
        return None;
    }
    let thumb = transform(&image, Operation::Thumb(tw, th));
    encode(&thumb, Encoding::Jpeg, THUMB_QUALITY).ok()
}

fn encode(image: &DynamicImage, encoding: Encoding, quality: u8) -> image::ImageResult<Vec<u8>> {
    let mut bytes = Vec::new();
    match encoding {
        Encoding::Jpeg => {
            // Progressive with optimized Huffman tables (jpeg-encoder; the `image` crate's
            // encoder writes baseline with the standard tables, 16% larger). No metadata.
            let rgb = image.to_rgb8();
            let (Ok(width), Ok(height)) = (u16::try_from(rgb.width()), u16::try_from(rgb.height()))
            else {
                return Err(image::ImageError::Limits(
                    image::error::LimitError::from_kind(
                        image::error::LimitErrorKind::DimensionError,
                    ),
                ));
            };
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
            encoder.set_progressive(true);
            encoder.set_optimized_huffman_tables(true);
            encoder
                .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| {
                    image::ImageError::Encoding(image::error::EncodingError::new(
                        image::error::ImageFormatHint::Exact(image::ImageFormat::Jpeg),
                        e,
                    ))
                })?;
        }
        Encoding::Png => {
            image.write_with_encoder(image::codecs::png::PngEncoder::new(&mut bytes))?;
        }
    }
    Ok(bytes)
}

/// Writes via a temporary file and a rename, so an interrupted build never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Removes cache entries no image of this build uses.
fn prune(cache: &Path, keep: &BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What planning needs to know of a raster image, read from its bytes.
#[derive(Debug, Clone)]
struct Probe {
    /// Width as shown (EXIF orientation applied).
    width: u32,
    /// Height as shown.
    height: u32,
    encoding: Encoding,
    same_format: bool,
    /// xxh3-128 of the bytes, in hex: names the variants and keys the cache.
    hash: String,
    byte_len: u64,
}

/// Reads the image at `file` (shown as `display` in errors): its header, and a hash of its bytes.
fn probe(file: &Path, display: &str) -> Result<Probe, Diagnostic> {
    let bytes = crate::safe_fs::read_regular(file).map_err(|e| {
        Diagnostic::error("unreadable-file", format!("cannot read `{display}`: {e}"))
            .with_hint("check that the file exists and may be read")
    })?;
    let invalid = |why: String| {
        let mut d = Diagnostic::error(
            "invalid-image",
            format!("`{display}` is not a usable image: {why}"),
        )
        .with_hint("open it in an image editor and save it again as JPEG or PNG");
        d.file = Some(display.to_owned());
        d
    };
    let mut reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| invalid(e.to_string()))?;
    reader.limits(decoder_limits());
    let format = reader
        .format()
        .ok_or_else(|| invalid("unknown or unsupported format".into()))?;
    let mut decoder = reader.into_decoder().map_err(|e| invalid(e.to_string()))?;
    let (raw_w, raw_h) = decoder.dimensions();
    if raw_w == 0 || raw_h == 0 {
        return Err(invalid("it has no pixels".into()));
    }
    if raw_w > MAX_SIDE || raw_h > MAX_SIDE || u64::from(raw_w) * u64::from(raw_h) > MAX_PIXELS {
        let mut d = Diagnostic::error(
            "image-too-large",
            format!("`{display}` declares {raw_w}×{raw_h} pixels, more than parkpress accepts ({MAX_PIXELS} pixels, {MAX_SIDE} per side)"),
        )
        .with_hint("scale the image down (web pages need at most about 2400 px) or replace the file if it is damaged");
        d.file = Some(display.to_owned());
        return Err(d);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if rotates(orientation) {
        (raw_h, raw_w)
    } else {
        (raw_w, raw_h)
    };
    let has_alpha = decoder.color_type().has_alpha();
    let source_is_jpeg = format == image::ImageFormat::Jpeg;
    let encoding = if source_is_jpeg || !has_alpha {
        Encoding::Jpeg
    } else {
        Encoding::Png
    };
    let encoding = if format == image::ImageFormat::Png {
        Encoding::Png
    } else {
        encoding
    };
    let same_format = (format == image::ImageFormat::Jpeg && encoding == Encoding::Jpeg)
        || (format == image::ImageFormat::Png && encoding == Encoding::Png);
    Ok(Probe {
        width,
        height,
        encoding,
        same_format,
        hash: format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes)),
        byte_len: bytes.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme ships its share image's WeChat thumbnail so builds need not make it
    /// (a decode and resize were 7% of a plain build); it must be the file a build would make.
    #[test]
    fn the_built_in_theme_ships_the_thumbnail_a_build_would_make() {
        let image = include_bytes!("../../themes/default/static/images/share.png");
        let shipped = include_bytes!("../../themes/default/static/images/share.thumb300x300.jpg");
        assert_eq!(
            wechat_thumb_path("images/share.png"),
            "images/share.thumb300x300.jpg"
        );
        assert!(
            wechat_thumb(image).as_deref() == Some(&shipped[..]),
            "themes/default/static/images/share.thumb300x300.jpg is stale: delete it, build the \
             example (`cargo run -- build`) and copy output/images/share.thumb300x300.jpg there"
        );
    }

    #[test]
    fn share_crops_keep_the_shape_and_never_upscale() {
        assert_eq!(share_size(4000, 3000), Some((1200, 630)));
        assert_eq!(share_size(800, 600), Some((800, 420)));
        assert_eq!(share_size(500, 200), None);
    }

    #[test]
    fn logos_fit_the_box() {
        assert_eq!(fit(800, 800, LOGO_BOX), (200, 200));
        assert_eq!(fit(1000, 100, LOGO_BOX), (400, 40));
        assert_eq!(fit(100, 50, LOGO_BOX), (100, 50));
    }

    /// A PNG of `width` x 40 with a text chunk (metadata) before its image data.
    fn png_with_text(width: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, 40, |x, _| image::Rgb([(x % 256) as u8, 0, 0]));
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .expect("encode");
        let text = b"Comment\0GPS 36.65N 117.12E";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        // CRC-32 of the chunk's type and data (bitwise, polynomial 0xEDB88320).
        let crc = !chunk[4..].iter().fold(!0u32, |crc, byte| {
            (0..8).fold(crc ^ u32::from(*byte), |c, _| {
                if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                }
            })
        });
        chunk.extend_from_slice(&crc.to_be_bytes());
        bytes.splice(33..33, chunk);
        bytes
    }

    #[test]
    fn print_copies_are_capped_for_screens_and_whole_for_the_print_shop_without_metadata() {
        let original = png_with_text(3000);
        let size = |bytes: &[u8]| {
            let image = image::load_from_memory(bytes).expect("decodes");
            (image.width(), image.height())
        };
        let capped = print_copy(original.clone(), Some(PRINT_SIDE)).expect("copy");
        assert_eq!(size(&capped), (PRINT_SIDE, 33));
        let whole = print_copy(original, None).expect("copy");
        assert_eq!(size(&whole), (3000, 40));
        for copy in [capped, whole] {
            assert!(!copy.windows(4).any(|w| w == b"tEXt"), "metadata dropped");
        }
    }
}
