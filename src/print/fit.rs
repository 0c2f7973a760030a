//! Keeping a park brochure from ending on a page that holds only a few lines: such a layout is
//! set again a step tighter (the template gets `doc.tighten` = 1, then 2: slightly smaller text
//! and spacing), and the first layout that does not end that way is kept, else the theme's own.

use typst::layout::{Frame, FrameItem, Point};
use typst_layout::PagedDocument;

/// How many tighter settings are tried.
pub const STEPS: u8 = 2;

/// A last page whose text spans less than this share of the text on the page before it holds
/// "only a few lines" (about seven lines of a full page of some fifty).
const SHORT_PAGE: f64 = 0.15;

/// Points the footer line sits at least this far below the body text.
const FOOTER_GAP: f64 = 12.0;

/// Whether the document ends on a page whose text is a small remainder of the page before it.
/// Only documents with a cover and at least two more pages are judged: a one-page text is as
/// long as it is.
pub fn ends_short(document: &PagedDocument) -> bool {
    let pages = document.pages();
    if pages.len() < 3 {
        return false;
    }
    let [.., before, last] = pages else {
        return false;
    };
    match (body_extent(&before.frame), body_extent(&last.frame)) {
        (Some((top, bottom)), Some((last_top, last_bottom))) => {
            last_bottom - last_top < SHORT_PAGE * (bottom - top)
        }
        _ => false,
    }
}

/// Top and bottom (pt, baselines) of a page's body text: every text run but the footer's, which
/// is the lowest line of the page and repeats on every page.
fn body_extent(frame: &Frame) -> Option<(f64, f64)> {
    let mut baselines = Vec::new();
    collect_baselines(frame, Point::zero(), &mut baselines);
    let footer = baselines.iter().copied().fold(f64::MIN, f64::max);
    baselines
        .into_iter()
        .filter(|y| *y < footer - FOOTER_GAP)
        .fold(None, |extent, y| match extent {
            None => Some((y, y)),
            Some((top, bottom)) => Some((f64::min(top, y), f64::max(bottom, y))),
        })
}

fn collect_baselines(frame: &Frame, offset: Point, out: &mut Vec<f64>) {
    for (position, item) in frame.items() {
        let at = offset + *position;
        match item {
            FrameItem::Group(group) => collect_baselines(&group.frame, at, out),
            FrameItem::Text(_) => out.push(at.y.to_pt()),
            _ => {}
        }
    }
}
