//! Layout checks of a typeset document, read from the frames Typst laid out: text squeezed into a
//! column so narrow that it stands one or two characters per line, text that runs past the cell
//! or box it is in, and text cut off (or hidden) by the edge of a box that clips it. Each finding
//! carries the text, so the caller can name the field it is.

use typst::layout::{Abs, Frame, FrameItem, Point, Size};

/// Text the layout damaged.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutProblem {
    /// 1-based page.
    pub page: usize,
    /// The text, as laid out (lines joined).
    pub text: String,
    /// What happened to it.
    pub damage: Damage,
}

/// How text was damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// Broken into this many lines of at most two characters, in a column far too narrow for it.
    Squeezed {
        /// Lines of the squeezed run.
        lines: usize,
    },
    /// Extends past the right or left edge of the cell or box holding it.
    Overflows,
    /// Cut off or hidden by an edge of a box that clips what it holds (`block(clip: true)`).
    Clipped,
}

/// Lines of at most this many characters, stacked this many times, are a squeezed column.
const NARROW_CHARS: usize = 2;
const SQUEEZED_LINES: usize = 4;

/// How far glyphs reach above and below their baseline, in ems, for the clipping check: the
/// height of capitals and CJK characters, and of descenders.
const GLYPH_TOP: f64 = 0.75;
const GLYPH_BOTTOM: f64 = 0.2;
/// How much of a glyph (in ems) may be clipped before it counts as cut off.
const CLIP_TOLERANCE: f64 = 0.1;

/// A run of text on one line, in page coordinates.
#[derive(Debug, Clone)]
struct Segment {
    x: Abs,
    end: Abs,
    y: Abs,
    size: Abs,
    text: String,
}

/// Every squeezed, overflowing or clipped text of `pages`.
pub fn problems<'a>(pages: impl IntoIterator<Item = &'a Frame>) -> Vec<LayoutProblem> {
    let mut out = Vec::new();
    for (index, frame) in pages.into_iter().enumerate() {
        let page = index + 1;
        let mut found = Found::default();
        let edges = Edges {
            hard: (Point::zero(), frame.size().x),
            clip: None,
        };
        walk(frame, Point::zero(), edges, &mut found);
        let found_as = |texts: Vec<String>, damage: Damage| {
            texts
                .into_iter()
                .map(move |text| LayoutProblem { page, text, damage })
        };
        out.extend(found_as(found.overflowing, Damage::Overflows));
        out.extend(found_as(found.clipped, Damage::Clipped));
        out.extend(
            squeezed(merge(found.segments))
                .into_iter()
                .map(|(text, lines)| LayoutProblem {
                    page,
                    text,
                    damage: Damage::Squeezed { lines },
                }),
        );
    }
    out
}

/// What walking a page collects.
#[derive(Default)]
struct Found {
    segments: Vec<Segment>,
    overflowing: Vec<String>,
    clipped: Vec<String>,
}

/// The edges text is judged against, on the page.
#[derive(Clone, Copy)]
struct Edges {
    /// The nearest hard frame (a cell, a box, a block): its left edge and its width.
    hard: (Point, Abs),
    /// The area that clipping boxes around the text leave visible: top left and size.
    clip: Option<(Point, Size)>,
}

/// Collects the text of `frame` (at `origin` on the page) as segments, the text that goes past
/// the edges of the nearest hard frame, and the text a clipping box cuts off.
fn walk(frame: &Frame, origin: Point, edges: Edges, found: &mut Found) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => {
                let shift = Point::new(group.transform.tx, group.transform.ty);
                let inner = at + shift;
                // Rotated or scaled groups are not measured here.
                let plain = group.transform.sx.get() == 1.0
                    && group.transform.sy.get() == 1.0
                    && group.transform.kx.get() == 0.0
                    && group.transform.ky.get() == 0.0;
                if !plain {
                    continue;
                }
                let mut inside = edges;
                if group.clip.is_some() {
                    inside.clip = Some(intersect(edges.clip, (inner, group.frame.size())));
                } else if group.frame.kind().is_hard() {
                    // Text cannot show past a clipping box: it is judged by the clip instead.
                    inside.hard = (inner, group.frame.width());
                }
                walk(&group.frame, inner, inside, found);
            }
            FrameItem::Text(text) => {
                let width = text.width();
                let tolerance = text.size * 0.6;
                let (left, max) = edges.hard;
                if at.x + width > left.x + max + tolerance || at.x < left.x - tolerance {
                    found.overflowing.push(text.text.to_string());
                }
                if let Some(clip) = edges.clip
                    && is_cut(at, width, text.size, clip)
                {
                    found.clipped.push(text.text.to_string());
                }
                found.segments.push(Segment {
                    x: at.x,
                    end: at.x + width,
                    y: at.y,
                    size: text.size,
                    text: text.text.to_string(),
                });
            }
            _ => {}
        }
    }
}

/// The part of the visible area `clip` (none: all of it) that a box at `at` of `size` leaves.
fn intersect(clip: Option<(Point, Size)>, (at, size): (Point, Size)) -> (Point, Size) {
    let Some((outer, outer_size)) = clip else {
        return (at, size);
    };
    let top_left = Point::new(at.x.max(outer.x), at.y.max(outer.y));
    let right = (at.x + size.x).min(outer.x + outer_size.x);
    let bottom = (at.y + size.y).min(outer.y + outer_size.y);
    let size = Size::new(
        (right - top_left.x).max(Abs::zero()),
        (bottom - top_left.y).max(Abs::zero()),
    );
    (top_left, size)
}

/// Whether a run of text with its baseline starting at `at` reaches out of the visible area
/// `clip` by more than [`CLIP_TOLERANCE`].
fn is_cut(at: Point, width: Abs, size: Abs, (top_left, clip): (Point, Size)) -> bool {
    let tolerance = size * CLIP_TOLERANCE;
    let (top, bottom) = (at.y - size * GLYPH_TOP, at.y + size * GLYPH_BOTTOM);
    top < top_left.y - tolerance
        || bottom > top_left.y + clip.y + tolerance
        || at.x < top_left.x - tolerance
        || at.x + width > top_left.x + clip.x + tolerance
}

/// Joins the text items that continue each other on one line (same baseline, touching).
fn merge(mut segments: Vec<Segment>) -> Vec<Segment> {
    segments.sort_by(|a, b| {
        (a.y.to_pt(), a.x.to_pt())
            .partial_cmp(&(b.y.to_pt(), b.x.to_pt()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<Segment> = Vec::new();
    for segment in segments {
        if let Some(last) = out.last_mut()
            && (last.y - segment.y).abs() < Abs::pt(0.5)
            && (segment.x - last.end).abs() < Abs::pt(1.0)
        {
            last.end = segment.end;
            last.text.push_str(&segment.text);
            continue;
        }
        out.push(segment);
    }
    out
}

/// Runs of at least [`SQUEEZED_LINES`] stacked lines of at most [`NARROW_CHARS`] characters each,
/// starting at the same x: the text and the number of lines.
fn squeezed(segments: Vec<Segment>) -> Vec<(String, usize)> {
    let narrow = |s: &Segment| {
        let chars = s
            .text
            .trim()
            .chars()
            .filter(|c| !c.is_ascii_punctuation())
            .count();
        chars > 0 && chars <= NARROW_CHARS
    };
    let mut used = vec![false; segments.len()];
    let mut out = Vec::new();
    for start in 0..segments.len() {
        if used[start] || !narrow(&segments[start]) {
            continue;
        }
        let mut run = vec![start];
        let mut last = start;
        for next in start + 1..segments.len() {
            let (a, b) = (&segments[last], &segments[next]);
            if b.y - a.y > a.size * 2.5 {
                break;
            }
            if !used[next] && narrow(b) && (b.x - a.x).abs() < Abs::pt(1.0) && b.y > a.y {
                run.push(next);
                last = next;
            }
        }
        if run.len() >= SQUEEZED_LINES {
            for &i in &run {
                used[i] = true;
            }
            let text: String = run.iter().map(|&i| segments[i].text.as_str()).collect();
            out.push((text, run.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(x: f64, y: f64, text: &str) -> Segment {
        Segment {
            x: Abs::pt(x),
            end: Abs::pt(x + 9.0 * text.chars().count() as f64),
            y: Abs::pt(y),
            size: Abs::pt(9.0),
            text: text.into(),
        }
    }

    #[test]
    fn a_column_of_single_characters_is_squeezed_and_ordinary_lines_are_not() {
        let column: Vec<Segment> = "园区全域千兆"
            .chars()
            .enumerate()
            .map(|(i, c)| seg(300.0, 100.0 + 11.0 * i as f64, &c.to_string()))
            .chain([
                seg(20.0, 100.0, "Gigabit fibre"),
                seg(20.0, 111.0, "coverage"),
            ])
            .collect();
        assert_eq!(
            squeezed(merge(column)),
            vec![("园区全域千兆".to_owned(), 6)]
        );
        // Three short lines (a number, a unit) are no squeezed column.
        let short = vec![
            seg(300.0, 100.0, "0.62"),
            seg(300.0, 111.0, "元/"),
            seg(300.0, 122.0, "度"),
        ];
        assert!(squeezed(merge(short)).is_empty());
    }

    #[test]
    fn text_past_the_bottom_of_a_clipping_box_is_cut_and_text_inside_is_not() {
        let clip = (
            Point::new(Abs::pt(10.0), Abs::pt(100.0)),
            Size::new(Abs::pt(200.0), Abs::pt(40.0)),
        );
        let line = |y: f64| {
            is_cut(
                Point::new(Abs::pt(10.0), Abs::pt(y)),
                Abs::pt(150.0),
                Abs::pt(10.0),
                clip,
            )
        };
        // Baselines of lines 13.3 pt apart: the third line's descenders still fit, the fourth is hidden.
        assert!(!line(107.3) && !line(120.6) && !line(133.9));
        assert!(line(147.2));
        // A line whose lower half is below the edge.
        assert!(line(142.0));
        // Running past the right edge.
        assert!(is_cut(
            Point::new(Abs::pt(100.0), Abs::pt(110.0)),
            Abs::pt(150.0),
            Abs::pt(10.0),
            clip
        ));
        // Nested clips leave their intersection.
        let inner = intersect(
            Some(clip),
            (
                Point::new(Abs::pt(0.0), Abs::pt(120.0)),
                Size::new(Abs::pt(50.0), Abs::pt(50.0)),
            ),
        );
        assert_eq!(
            inner,
            (
                Point::new(Abs::pt(10.0), Abs::pt(120.0)),
                Size::new(Abs::pt(40.0), Abs::pt(20.0))
            )
        );
    }

    #[test]
    fn touching_items_on_a_line_are_one_segment() {
        let merged = merge(vec![seg(10.0, 50.0, "户"), seg(19.0, 50.0, "，")]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].text, "户，");
    }
}
