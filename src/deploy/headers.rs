//! The HTTP headers each published file is stored with: `Content-Type` (with `charset=utf-8` for
//! text), `Cache-Control` by how long a file may be kept, and `Content-Disposition` for PDFs.

use serde::{Deserialize, Serialize};

/// Headers of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headers {
    /// `Content-Type`.
    pub content_type: String,
    /// `Cache-Control`.
    pub cache_control: String,
    /// `Content-Disposition` (PDFs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
}

/// Files whose name carries a content hash: never change, kept for a year.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Feeds, the sitemap, search indexes and short links: checked again after five minutes.
pub const SHORT: &str = "public, max-age=300";
/// Pages: as [`SHORT`], and `no-transform`, so mobile search engines (Baidu) and carriers'
/// proxies do not re-wrap them in their own ad-carrying pages (transcoding, 转码).
pub const PAGE: &str = "public, max-age=300, no-transform";
/// PDFs: replaced now and then under the same name, kept for a day.
pub const PDF: &str = "public, max-age=86400";
/// Other files without a hash in their name (theme CSS and JS, icons): an hour.
pub const ASSET: &str = "public, max-age=3600";

/// The headers for the file at `path` (relative, `/`-separated). `zone` names the zone in the
/// download name of PDFs.
pub fn for_path(path: &str, zone: &str) -> Headers {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let cache_control = if is_fingerprinted(name) {
        IMMUTABLE
    } else {
        match extension.as_str() {
            "html" => PAGE,
            "xml" | "json" | "txt" => SHORT,
            "pdf" => PDF,
            _ => ASSET,
        }
    };
    Headers {
        content_type: content_type(&extension).to_owned(),
        cache_control: cache_control.to_owned(),
        disposition: (extension == "pdf").then(|| pdf_disposition(path, zone)),
    }
}

/// `Content-Type` by extension; text types carry `charset=utf-8`.
fn content_type(extension: &str) -> &'static str {
    match extension {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "vcf" | "vcard" => "text/vcard; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries a content hash: a dot-separated part of at least 8 hexadecimal
/// digits with both a digit and a letter, as in `cover.3f9a0c6d1e.w800.webp`.
pub fn is_fingerprinted(name: &str) -> bool {
    let mut parts: Vec<&str> = name.split('.').collect();
    parts.pop(); // the extension
    parts.iter().skip(1).any(|part| {
        part.len() >= 8
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && part.bytes().any(|b| b.is_ascii_digit())
            && part.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// `inline`, with a download name from the zone and the brochure (`pdf/parks/<park>.<lang>.pdf`
/// is the park's brochure, `pdf/flyers/…` its flyer). The zone's name is content, so it only
/// travels percent-encoded (RFC 6266 `filename*`); the plain `filename` is the file's own slug.
fn pdf_disposition(path: &str, zone: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = match path.split('/').rev().nth(1) {
        Some("parks") => "brochure-",
        Some("flyers") => "flyer-",
        _ => "",
    };
    let ascii: String = format!("{kind}{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let zone = zone.trim();
    if zone.is_empty() {
        return format!("inline; filename=\"{ascii}\"");
    }
    let full = format!("{zone}-{kind}{name}");
    let encoded = percent_encoding::utf8_percent_encode(&full, ATTR_CHAR_COMPLEMENT);
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Everything but RFC 5987 `attr-char` is percent-encoded.
const ATTR_CHAR_COMPLEMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_short_lived_text() {
        let page = for_path("parks/data-lake/index.html", "");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(page.cache_control, PAGE);
        assert!(page.cache_control.contains("no-transform"));
        assert_eq!(for_path("sitemap.xml", "").cache_control, SHORT);
        assert_eq!(for_path("search-index.zh.json", "").cache_control, SHORT);
        assert_eq!(for_path("css/site.css", "").cache_control, ASSET);
        let card = for_path("parks/data-lake/contact-1.vcf", "");
        assert_eq!(card.content_type, "text/vcard; charset=utf-8");
        assert_eq!(card.cache_control, ASSET);
    }

    #[test]
    fn fingerprinted_files_are_immutable() {
        let image = for_path("images/parks/x/cover.3f9a0c6d1e.w800.webp", "");
        assert_eq!(image.cache_control, IMMUTABLE);
        assert_eq!(image.content_type, "image/webp");
        assert!(!is_fingerprinted("index.html"));
        assert!(!is_fingerprinted("zone.zh.pdf"));
        assert!(
            !is_fingerprinted("deadbeef.png"),
            "the stem alone is a name, not a hash"
        );
    }

    #[test]
    fn pdfs_are_inline_with_the_zone_in_their_name() {
        let pdf = for_path("pdf/parks/data-lake.zh.pdf", "济北开发区\r\nX: y");
        assert_eq!(pdf.cache_control, PDF);
        assert_eq!(pdf.content_type, "application/pdf");
        let disposition = pdf.disposition.unwrap();
        assert!(disposition.starts_with(
            "inline; filename=\"brochure-data-lake.zh.pdf\"; filename*=UTF-8''%E6%B5%8E"
        ));
        assert!(!disposition.contains(['\r', '\n']));
        assert!(disposition.contains("%0D%0AX%3A%20y"));
    }
}
