//! QR codes for short links: error correction M, a 4-module quiet zone, as compact SVG (one path
//! of horizontal runs) and as PNG.

use image::GrayImage;
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border around the code, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;

/// The dark modules of a QR code for `text`, row by row, and its width in modules.
pub struct Matrix {
    width: usize,
    dark: Vec<bool>,
}

impl Matrix {
    /// Encodes `text` with error correction M and the mask that scores best, as the standard
    /// recommends for codes that are printed or sent as images.
    pub fn new(text: &str) -> Result<Self, String> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| e.to_string())?;
        Ok(Self::from_colors(code.width(), code.to_colors()))
    }

    /// The matrix of a code `width` modules wide from its modules' colours, row by row.
    fn from_colors(width: usize, colors: Vec<Color>) -> Self {
        let dark = colors.into_iter().map(|c| c == Color::Dark).collect();
        Self { width, dark }
    }

    /// Encodes `text` with error correction M and a fixed mask, for codes shown on a screen next
    /// to each page. Scoring all eight masks was 60% of a 10,000-page build; any mask is valid
    /// (readers take it from the format bits), the best one only adds margin on poor prints.
    pub fn for_screen(text: &str) -> Result<Self, String> {
        let bits =
            qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).map_err(|e| e.to_string())?;
        let version = bits.version();
        let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M)
            .map_err(|e| e.to_string())?;
        let mut canvas = qrcode::canvas::Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        canvas.apply_mask(qrcode::canvas::MaskPattern::Checkerboard);
        let width = usize::try_from(version.width()).map_err(|e| e.to_string())?;
        Ok(Self::from_colors(width, canvas.into_colors()))
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Width in modules including the quiet zone.
    pub fn size(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// An SVG that scales to any size (`viewBox` in modules); `label` becomes its accessible name.
    pub fn svg(&self, label: &str) -> String {
        let mut size = itoa::Buffer::new();
        let size = size.format(self.size());
        let label = crate::escape::escape_html(label);
        // Written once into bytes sized for it: a page's code is about 5 KB of path, a few
        // hundred runs, and every page of the default theme shows one.
        let mut svg = Vec::with_capacity(320 + label.len() + 4 * self.width * self.width);
        for part in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ",
            size,
            " ",
            size,
            "\" role=\"img\" aria-label=\"",
            &label,
            "\" shape-rendering=\"crispEdges\"><rect width=\"",
            size,
            "\" height=\"",
            size,
            "\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        ] {
            svg.extend_from_slice(part.as_bytes());
        }
        if self.width > 0 {
            for (y, row) in self.dark.chunks_exact(self.width).enumerate() {
                let mut x = 0;
                while let Some(start) = row[x..].iter().position(|&dark| dark).map(|at| x + at) {
                    let end = row[start..]
                        .iter()
                        .position(|&dark| !dark)
                        .map_or(row.len(), |at| start + at);
                    push_run(&mut svg, start + QUIET_ZONE, y + QUIET_ZONE, end - start);
                    x = end;
                }
            }
        }
        svg.extend_from_slice(b"\"/></svg>");
        // Only text and ASCII digits went in, so this is never empty.
        String::from_utf8(svg).unwrap_or_default()
    }

    /// A PNG with `scale` pixels per module, 8-bit grey.
    pub fn png(&self, scale: u32) -> Vec<u8> {
        let scale = scale as usize;
        let size = self.size() * scale;
        // Built a module row at a time (each pixel row once, then copied `scale` times): asking
        // every pixel for its module was most of the share kit's time.
        let mut pixels = vec![255u8; size * size];
        for (y, band) in pixels.chunks_exact_mut(size * scale).enumerate() {
            let Some(y) = y.checked_sub(QUIET_ZONE).filter(|&y| y < self.width) else {
                continue;
            };
            let (row, rest) = band.split_at_mut(size);
            for x in (0..self.width).filter(|&x| self.is_dark(x, y)) {
                let left = (x + QUIET_ZONE) * scale;
                row[left..left + scale].fill(0);
            }
            for copy in rest.chunks_exact_mut(size) {
                copy.copy_from_slice(row);
            }
        }
        let mut bytes = Vec::new();
        // Encoding an in-memory grayscale image cannot fail short of running out of memory.
        if let Some(image) = GrayImage::from_raw(size as u32, size as u32, pixels) {
            let _ = image.write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            );
        }
        bytes
    }
}

/// Appends the path of a run of `length` dark modules from (`x`, `y`):
/// `M<x> <y>h<length>v1h-<length>z`, a byte at a time (a push per piece of a `String` was most
/// of the drawing).
fn push_run(path: &mut Vec<u8>, x: usize, y: usize, length: usize) {
    path.push(b'M');
    push_decimal(path, x);
    path.push(b' ');
    push_decimal(path, y);
    path.push(b'h');
    push_decimal(path, length);
    path.extend_from_slice(b"v1h-");
    push_decimal(path, length);
    path.push(b'z');
}

/// Appends `number` in decimal: one or two digits directly (every coordinate of a code up to
/// version 19, 93 modules wide), more through itoa.
fn push_decimal(out: &mut Vec<u8>, number: usize) {
    match number {
        0..=9 => out.push(b'0' + number as u8),
        10..=99 => out.extend_from_slice(&[b'0' + (number / 10) as u8, b'0' + (number % 10) as u8]),
        _ => out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_pixels_are_the_modules_scaled_with_a_white_quiet_zone() {
        let matrix = Matrix::new("https://invest.example.gov.cn/s/abc").expect("encodes");
        let scale = 3;
        let image = image::load_from_memory(&matrix.png(scale))
            .expect("a PNG")
            .into_luma8();
        let size = matrix.size() as u32 * scale;
        assert_eq!(image.dimensions(), (size, size));
        for (px, py, pixel) in image.enumerate_pixels() {
            let (mx, my) = ((px / scale) as usize, (py / scale) as usize);
            let dark = (QUIET_ZONE..QUIET_ZONE + matrix.width).contains(&mx)
                && (QUIET_ZONE..QUIET_ZONE + matrix.width).contains(&my)
                && matrix.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE);
            assert_eq!(pixel.0[0], if dark { 0 } else { 255 }, "pixel {px},{py}");
        }
    }

    #[test]
    fn svg_path_draws_exactly_the_dark_modules() {
        let url = "https://invest.example.gov.cn/parks/a/?utm_source=site&utm_medium=qr";
        let matrix = Matrix::for_screen(url).expect("encodes");
        let svg = matrix.svg(url);
        let size = matrix.size();
        assert!(svg.starts_with(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" \
             aria-label=\"https://invest.example.gov.cn/parks/a/?utm_source=site&amp;utm_medium=qr\" \
             shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"M"
        )));
        assert!(svg.ends_with("z\"/></svg>"));
        let path = &svg[svg.find(" d=\"").expect("a path") + 4..svg.len() - "\"/></svg>".len()];
        let mut drawn = vec![false; size * size];
        for run in path.strip_suffix('z').expect("closed runs").split('z') {
            let (start, rest) = run[1..].split_once('h').expect("M<x> <y>h");
            let (x, y) = start.split_once(' ').expect("x and y");
            let (length, back) = rest.split_once("v1h-").expect("v1h-");
            assert_eq!(length, back, "run {run}");
            let (x, y, length): (usize, usize, usize) = (
                x.parse().expect("x"),
                y.parse().expect("y"),
                length.parse().expect("length"),
            );
            assert!(length > 0 && x + length <= size - QUIET_ZONE, "run {run}");
            for cell in &mut drawn[y * size + x..y * size + x + length] {
                assert!(!*cell, "run {run} overlaps another");
                *cell = true;
            }
        }
        for y in 0..size {
            for x in 0..size {
                let dark = (QUIET_ZONE..size - QUIET_ZONE).contains(&x)
                    && (QUIET_ZONE..size - QUIET_ZONE).contains(&y)
                    && matrix.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
                assert_eq!(drawn[y * size + x], dark, "module {x},{y}");
            }
        }
    }

    #[test]
    fn decimals_are_written_as_rust_writes_them() {
        for number in (0..1_000).chain([9_999, 123_456, usize::MAX]) {
            let mut out = Vec::new();
            push_decimal(&mut out, number);
            assert_eq!(out, number.to_string().into_bytes(), "{number}");
        }
    }
}
