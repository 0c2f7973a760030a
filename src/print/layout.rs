//! Layout checks of a typeset document, read from the frames Typst laid out: text squeezed into a
//! column so narrow that it stands one or two characters per line, and text that runs past the
//! cell or box it is in. Each finding carries the text, so the caller can name the field it is.

use typst::layout::{Abs, Frame, FrameItem, Point};

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
}

/// Lines of at most this many characters, stacked this many times, are a squeezed column.
const NARROW_CHARS: usize = 2;
const SQUEEZED_LINES: usize = 4;

/// A run of text on one line, in page coordinates.
#[derive(Debug, Clone)]
struct Segment {
    x: Abs,
    end: Abs,
    y: Abs,
    size: Abs,
    text: String,
}

/// Every squeezed or overflowing text of `pages`.
pub fn problems<'a>(pages: impl IntoIterator<Item = &'a Frame>) -> Vec<LayoutProblem> {
    let mut out = Vec::new();
    for (index, frame) in pages.into_iter().enumerate() {
        let page = index + 1;
        let mut segments = Vec::new();
        let mut overflowing = Vec::new();
        walk(
            frame,
            Point::zero(),
            (Point::zero(), frame.size().x),
            &mut segments,
            &mut overflowing,
        );
        for text in overflowing {
            out.push(LayoutProblem {
                page,
                text,
                damage: Damage::Overflows,
            });
        }
        out.extend(
            squeezed(merge(segments))
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

/// Collects the text of `frame` (at `origin` on the page) as segments, and the text that goes
/// past the edges of the nearest hard frame (a cell, a box, a block: `hard` is its left edge on
/// the page and its width).
fn walk(
    frame: &Frame,
    origin: Point,
    hard: (Point, Abs),
    segments: &mut Vec<Segment>,
    overflowing: &mut Vec<String>,
) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => {
                let shift = Point::new(group.transform.tx, group.transform.ty);
                let inner = at + shift;
                // Clipped groups cannot show text outside them; rotated or scaled ones are
                // not measured here.
                let plain = group.transform.sx.get() == 1.0
                    && group.transform.sy.get() == 1.0
                    && group.transform.kx.get() == 0.0
                    && group.transform.ky.get() == 0.0;
                if !plain {
                    continue;
                }
                let hard = if group.frame.kind().is_hard() && group.clip.is_none() {
                    (inner, group.frame.width())
                } else {
                    hard
                };
                walk(&group.frame, inner, hard, segments, overflowing);
            }
            FrameItem::Text(text) => {
                let width = text.width();
                let tolerance = text.size * 0.6;
                let (left, max) = hard;
                if at.x + width > left.x + max + tolerance || at.x < left.x - tolerance {
                    overflowing.push(text.text.to_string());
                }
                segments.push(Segment {
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
    fn touching_items_on_a_line_are_one_segment() {
        let merged = merge(vec![seg(10.0, 50.0, "户"), seg(19.0, 50.0, "，")]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].text, "户，");
    }
}
