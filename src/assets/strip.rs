//! Image files reduced to their image data: what a PNG or JPEG carries besides pixels (text
//! chunks, comments, EXIF with GPS coordinates, bytes after the end of the image, where a
//! polyglot hides its HTML) is dropped, so an original published or embedded as it is holds
//! nothing else.

/// PNG chunks that describe the pixels; every other chunk (text, EXIF, time, private) is dropped.
const PNG_KEPT: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"pHYs", b"cICP", b"acTL", b"fcTL", b"fdAT",
];

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The image data of a PNG or JPEG file, or None when the file is neither, is malformed, or
/// (a JPEG with EXIF) holds metadata that changes how it is shown (its orientation), so it
/// must be re-encoded instead.
pub fn image_data(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(PNG_SIGNATURE) {
        png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else {
        None
    }
}

fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut at = PNG_SIGNATURE.len();
    loop {
        let length = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind: &[u8; 4] = bytes.get(at + 4..at + 8)?.try_into().ok()?;
        let end = at.checked_add(12)?.checked_add(length)?;
        let chunk = bytes.get(at..end)?;
        if PNG_KEPT.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        at = end;
    }
}

fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    loop {
        // Fill bytes (0xFF runs) may precede a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Some(out);
        }
        let length = usize::from(u16::from_be_bytes(
            bytes.get(at + 2..at + 4)?.try_into().ok()?,
        ));
        let end = at.checked_add(2)?.checked_add(length)?;
        let segment = bytes.get(at..end)?;
        match marker {
            // EXIF (orientation, GPS): re-encoding is the only safe way to drop it.
            0xE1 if segment.get(4..8) == Some(b"Exif") => return None,
            // JFIF, ICC profile, Adobe colour transform: they change the colours shown.
            0xE0 | 0xE2 | 0xEE => out.extend_from_slice(segment),
            // Other application data and comments.
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => {}
            0xDA => {
                out.extend_from_slice(segment);
                let data_end = scan_end(bytes, end)?;
                out.extend_from_slice(&bytes[end..data_end]);
                at = data_end;
                continue;
            }
            _ => out.extend_from_slice(segment),
        }
        at = end;
    }
}

/// Where the entropy-coded data that starts at `from` ends: at the first marker that is not a
/// stuffed zero or a restart marker.
fn scan_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let next = at + bytes.get(at..)?.iter().position(|b| *b == 0xFF)?;
        match bytes.get(next + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => at = next + 1,
            _ => return Some(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with(extra: &[u8]) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 30]));
        let mut bytes = Vec::new();
        image
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut bytes))
            .expect("encode");
        // A text chunk with markup before IEND, and HTML after it.
        let iend = bytes.len() - 12;
        let text = b"Comment\0<script>alert(1)</script>";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        bytes.splice(iend..iend, chunk);
        bytes.extend_from_slice(extra);
        bytes
    }

    #[test]
    fn polyglot_png_loses_text_and_trailing_html() {
        let bytes = png_with(b"<html><script>alert(2)</script>");
        let clean = image_data(&bytes).expect("a PNG");
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("script"), "{text}");
        let decoded = image::load_from_memory(&clean).expect("still a PNG");
        assert_eq!(decoded.width(), 4);
    }

    #[test]
    fn jpeg_loses_comments_and_trailing_bytes() {
        let image = image::RgbImage::from_pixel(8, 8, image::Rgb([10, 120, 200]));
        let mut bytes = Vec::new();
        image
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut bytes, 80,
            ))
            .expect("encode");
        let comment = b"<script>alert(1)</script>";
        let mut segment = vec![0xFF, 0xFE];
        segment.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(comment);
        bytes.splice(2..2, segment);
        bytes.extend_from_slice(b"<html>trailing</html>");
        let clean = image_data(&bytes).expect("a JPEG");
        assert!(!String::from_utf8_lossy(&clean).contains("script"));
        assert!(!String::from_utf8_lossy(&clean).contains("html"));
        assert_eq!(
            image::load_from_memory(&clean)
                .expect("still a JPEG")
                .width(),
            8
        );
    }
}
