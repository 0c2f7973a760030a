//! The print shop's PDFs (`pdf --print-shop`): Typst lays each page out at its finished size with
//! a bleed around it (`#set page(bleed: 3mm)`: full-bleed backgrounds run into it) and writes the
//! TrimBox; afterwards each page gets its BleedBox, a MediaBox with room for crop marks outside
//! the bleed, and the crop marks themselves (lopdf). Images are embedded at the full resolution
//! of their files (`world::Shared::full_resolution`); those printed at under 300 dpi are
//! reported, naming the file.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use typst::layout::{Frame, FrameItem};
use typst::visualize::{ImageKind, RasterImage};

use crate::diagnostics::Diagnostic;

/// Millimetres to PDF points.
const MM: f32 = 72.0 / 25.4;
/// Room beyond the bleed for the crop marks, in millimetres.
const SLUG_MM: f32 = 10.0;
/// Crop marks start this far outside the bleed and are this long, in millimetres.
const MARK_GAP_MM: f32 = 1.0;
const MARK_LENGTH_MM: f32 = 6.0;
/// Printed images below this resolution are reported.
pub const MIN_DPI: f64 = 300.0;

/// The standards the print shop's PDFs are written to: PDF/A-2b, which Typst enforces (fonts
/// embedded, device-independent colour, no transparency groups it cannot describe).
pub fn standards() -> typst_pdf::PdfStandards {
    typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
        .unwrap_or_else(|_| typst_pdf::PdfStandards::default())
}

/// Adds BleedBox, room for crop marks and the marks to every page of a PDF Typst wrote: its
/// MediaBox is the bleed box, its TrimBox (when it has a bleed) the finished size.
pub fn finish(pdf: &[u8]) -> Result<Vec<u8>, lopdf::Error> {
    let mut doc = Document::load_mem(pdf)?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let dict = doc.get_object(page)?.as_dict()?;
        let media = rect(dict.get(b"MediaBox")?)?;
        // Pages without bleed (banners, cards) are trimmed at their edges.
        let trim = dict
            .get(b"TrimBox")
            .ok()
            .and_then(|r| rect(r).ok())
            .unwrap_or(media);
        let contents = dict.get(b"Contents").ok().cloned();
        let save = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let marks = doc.add_object(Stream::new(Dictionary::new(), crop_marks(trim, media)));
        let mut list = vec![Object::Reference(save)];
        match contents {
            Some(Object::Array(items)) => list.extend(items),
            Some(other) => list.push(other),
            None => {}
        }
        list.push(Object::Reference(marks));
        let slug = SLUG_MM * MM;
        let dict = doc.get_object_mut(page)?.as_dict_mut()?;
        dict.set("BleedBox", boxed(media));
        dict.set("TrimBox", boxed(trim));
        dict.set(
            "MediaBox",
            boxed([
                media[0] - slug,
                media[1] - slug,
                media[2] + slug,
                media[3] + slug,
            ]),
        );
        dict.remove(b"CropBox");
        dict.set("Contents", Object::Array(list));
    }
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out)?;
    Ok(out)
}

/// `[x0 y0 x1 y1]` of a PDF rectangle.
fn rect(object: &Object) -> Result<[f32; 4], lopdf::Error> {
    let items = object.as_array()?;
    let mut out = [0.0; 4];
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = item.as_float()?;
    }
    Ok(out)
}

fn boxed(r: [f32; 4]) -> Object {
    Object::Array(r.iter().map(|v| Object::Real(*v)).collect())
}

/// Eight hairlines at the corners of the trim box, outside the bleed box, after restoring the
/// graphics state of the page's own content (opened by the `q` before it).
fn crop_marks(trim: [f32; 4], bleed: [f32; 4]) -> Vec<u8> {
    let gap = MARK_GAP_MM * MM;
    let length = MARK_LENGTH_MM * MM;
    let mut ops = String::from("Q\nq\n0 G 0.25 w\n");
    let [left, bottom, right, top] = trim;
    for x in [left, right] {
        // Vertical marks above and below the bleed, in line with the trim's sides.
        for (from, to) in [
            (bleed[1] - gap, bleed[1] - gap - length),
            (bleed[3] + gap, bleed[3] + gap + length),
        ] {
            ops.push_str(&format!("{x:.3} {from:.3} m {x:.3} {to:.3} l S\n"));
        }
    }
    for y in [bottom, top] {
        for (from, to) in [
            (bleed[0] - gap, bleed[0] - gap - length),
            (bleed[2] + gap, bleed[2] + gap + length),
        ] {
            ops.push_str(&format!("{from:.3} {y:.3} m {to:.3} {y:.3} l S\n"));
        }
    }
    ops.push_str("Q\n");
    ops.into_bytes()
}

/// A warning for each raster image printed at under [`MIN_DPI`], naming the image's file under
/// `content/` (`file_of` finds it from the image's bytes), the page, its pixels and its printed
/// size.
pub fn low_resolution_images(
    document: &typst_layout::PagedDocument,
    path: &str,
    file_of: &dyn Fn(&[u8]) -> Option<String>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        images(&page.frame, &mut |raster, width_pt, height_pt| {
            let (width_px, height_px) = (f64::from(raster.width()), f64::from(raster.height()));
            let dpi = (width_px / (width_pt / 72.0)).min(height_px / (height_pt / 72.0));
            if dpi >= MIN_DPI {
                return;
            }
            let image = file_of(raster.data()).map_or_else(
                || "an image".to_owned(),
                |file| format!("the image `content/{file}`"),
            );
            found.push(
                Diagnostic::warning(
                    "print-resolution",
                    format!(
                        "`{path}` page {}: {image} ({width_px:.0} x {height_px:.0} px) is printed at {:.0} x {:.0} mm, {dpi:.0} dpi (a print shop needs {MIN_DPI:.0})",
                        index + 1,
                        width_pt / 72.0 * 25.4,
                        height_pt / 72.0 * 25.4,
                    ),
                )
                .with_hint("replace the file with a larger original, or print it smaller"),
            );
        });
    }
    found
}

/// Calls `found(image, width pt, height pt)` for each raster image in a frame.
fn images(frame: &Frame, found: &mut dyn FnMut(&RasterImage, f64, f64)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => images(&group.frame, found),
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind() {
                    found(raster, size.x.to_pt(), size.y.to_pt());
                }
            }
            _ => {}
        }
    }
}
