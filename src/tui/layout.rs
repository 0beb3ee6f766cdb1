//! Laying out a transcript for the screen: turns with a header line, segment text wrapped
//! to the width by display columns (never splitting a grapheme cluster), and, in the parallel
//! view, the aligned other-language text beside each group of segments. The layout is
//! computed once per transcript, width and mode and cached; drawing reads only the visible
//! rows. Positions are code points of the canonical text, as everywhere in intercode.

use crate::transcript::{align::Alignment, Transcript};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of a grapheme cluster: at least 1, so that every character can hold the
/// cursor; control characters (which never reach here) would count 1 too.
pub fn grapheme_width(g: &str) -> usize {
    if g.is_ascii() {
        return 1;
    }
    g.width().max(1)
}

pub use crate::transcript::cuetext::inert;

/// What a screen row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// `00:01:02  Speaker` above a turn.
    Header { segment: usize },
    /// A line of segment text: code points `start..end` of the canonical text.
    Text {
        segment: usize,
        start: usize,
        end: usize,
    },
    /// Nothing on the left (the right column is longer).
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    /// The other language's line beside this row (parallel view).
    pub right: Option<String>,
}

/// A transcript laid out for one width.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub rows: Vec<Row>,
    /// For each segment, the index of its first text row.
    pub first_row: Vec<usize>,
    pub text_width: usize,
}

/// Wraps `text` (one segment, starting at code point `base`) into lines of at most `width`
/// columns, breaking after spaces where possible. Returns code point ranges.
pub fn wrap(text: &str, base: usize, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line_start = base;
    let mut col = 0usize;
    let mut pos = base;
    let mut last_break: Option<(usize, usize)> = None; // (position after a space, column there)
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        let n = g.chars().count();
        // A space may hang past the edge (it is where the line breaks); anything else wraps.
        if col + w > width && col > 0 && g != " " {
            match last_break.filter(|(p, _)| *p > line_start) {
                Some((p, c)) => {
                    lines.push((line_start, p));
                    line_start = p;
                    col -= c;
                }
                None => {
                    lines.push((line_start, pos));
                    line_start = pos;
                    col = 0;
                }
            }
            last_break = None;
        }
        pos += n;
        col += w;
        if g == " " {
            last_break = Some((pos, col));
        }
    }
    if pos > line_start || lines.is_empty() {
        lines.push((line_start, pos));
    }
    lines
}

/// Wraps plain text to lines of strings (for the right column and other panels).
pub fn wrap_str(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    wrap(text, 0, width)
        .into_iter()
        .map(|(a, b)| {
            chars[a..b]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

impl Layout {
    /// Lays out `t` for a text column of `width`; with `other`, the aligned other-language
    /// version fills a right column of `right_width`.
    pub fn build(
        t: &Transcript,
        width: usize,
        other: Option<(&Transcript, &Alignment, usize)>,
    ) -> Layout {
        let mut rows = Vec::new();
        let mut first_row = vec![0; t.segments.len()];
        let groups: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = match other {
            Some((_, al, _)) => al.groups.clone(),
            None => (0..t.segments.len()).map(|i| (i..i + 1, 0..0)).collect(),
        };
        let mut prev_speaker: Option<Option<&str>> = None;
        for (left, right) in groups {
            let block_start = rows.len();
            for i in left.clone() {
                let seg = &t.segments[i];
                let speaker = seg.speaker.as_deref();
                if prev_speaker != Some(speaker) {
                    rows.push(Row {
                        kind: RowKind::Header { segment: i },
                        right: None,
                    });
                    prev_speaker = Some(speaker);
                }
                first_row[i] = rows.len();
                let span = t.segment_span(i);
                for (a, b) in wrap(&seg.text, span.start, width) {
                    rows.push(Row {
                        kind: RowKind::Text {
                            segment: i,
                            start: a,
                            end: b,
                        },
                        right: None,
                    });
                }
            }
            if let Some((ot, _, rw)) = other {
                let mut lines = Vec::new();
                for j in right {
                    let s = &ot.segments[j];
                    let who = s
                        .speaker
                        .as_deref()
                        .map(|x| format!("{x}: "))
                        .unwrap_or_default();
                    lines.extend(wrap_str(&format!("{who}{}", s.text), rw));
                }
                for (k, line) in lines.into_iter().enumerate() {
                    if block_start + k < rows.len() {
                        rows[block_start + k].right = Some(line);
                    } else {
                        rows.push(Row {
                            kind: RowKind::Blank,
                            right: Some(line),
                        });
                    }
                }
            }
        }
        Layout {
            rows,
            first_row,
            text_width: width,
        }
    }

    /// The row showing code point `pos` (the last row of its segment if `pos` is past it).
    pub fn row_of(&self, t: &Transcript, pos: usize) -> usize {
        let Some(seg) = t.segment_at(pos) else {
            return 0;
        };
        let mut r = self.first_row[seg];
        while r + 1 < self.rows.len() {
            match self.rows[r + 1].kind {
                RowKind::Text { segment, start, .. } if segment == seg && start <= pos => r += 1,
                _ => break,
            }
        }
        r
    }
}

/// Header text of a segment: time and speaker.
pub fn header_text(t: &Transcript, segment: usize) -> String {
    let s = &t.segments[segment];
    format!("{}  {}", s.locator(), s.speaker.as_deref().unwrap_or("—"))
}

/// The first item to draw in a list of items of varying heights so that the selected one is
/// shown whole (when it fits) with as many before it as fill half of `height` rows.
pub fn first_shown(selected: usize, height: usize, rows_of: impl Fn(usize) -> usize) -> usize {
    let mut first = selected;
    let mut used = rows_of(selected);
    while first > 0 {
        let n = rows_of(first - 1);
        if used + n > height / 2 {
            break;
        }
        used += n;
        first -= 1;
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Segment;

    #[test]
    fn wrapping_breaks_after_spaces_and_never_inside_a_grapheme() {
        assert_eq!(wrap("aaa bbb ccc", 0, 7), vec![(0, 8), (8, 11)]);
        assert_eq!(wrap("abcdefgh", 10, 3), vec![(10, 13), (13, 16), (16, 18)]);
        // Wide CJK characters take two columns; an emoji with a skin tone is one cluster.
        assert_eq!(wrap("日本語", 0, 4), vec![(0, 2), (2, 3)]);
        assert_eq!(wrap("a👋🏽b", 0, 3), vec![(0, 3), (3, 4)]);
        assert_eq!(wrap("", 5, 10), vec![(5, 5)]);
    }

    #[test]
    fn layout_has_turn_headers_and_finds_rows() {
        let t = Transcript::new(
            "P",
            "en",
            vec![
                Segment::new(0, 0, 1000, Some("A"), "one two three four"),
                Segment::new(1, 1000, 2000, Some("A"), "five"),
                Segment::new(2, 2000, 3000, Some("B"), "six"),
            ],
        );
        let l = Layout::build(&t, 10, None);
        let kinds: Vec<_> = l
            .rows
            .iter()
            .map(|r| matches!(r.kind, RowKind::Header { .. }))
            .collect();
        assert_eq!(kinds, [true, false, false, false, true, false]);
        assert_eq!(l.row_of(&t, 0), 1);
        assert_eq!(l.row_of(&t, 15), 2);
        assert_eq!(l.row_of(&t, 19), 3);
        assert_eq!(l.row_of(&t, 24), 5);
    }

    #[test]
    fn inert_text() {
        assert_eq!(inert("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
    }
}
