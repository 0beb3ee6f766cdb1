//! Documents: text kept exactly as another tool (or the user) gave it, coded by position.
//!
//! A REFI-QDA text source, a single-line NVivo export, a memo typed in a word processor: none
//! of these is a timed transcript, and their positions only stay true if their text is kept
//! byte for byte. A document is stored as `transcripts/<ID>.<lang>.text` (UTF-8, no BOM) and
//! its canonical text *is* the file's text, CRLF, trailing spaces, tabs and all. Segments are
//! only a way to show and search it: each non-blank line, split at sentence ends when it is
//! long, without its leading and trailing white space. What lies between two segments (line
//! breaks, blank lines, spaces) stays in the text, counted in every position, and is shown by
//! no view.

use super::Segment;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// A segment longer than this (in code points) is split at sentence ends: one hit, one row
/// group and one disagreement should be a readable passage, not a whole single-line file.
pub const MAX_SEGMENT_CHARS: usize = 600;

/// The segments of a document: byte ranges into `text` and their 1-based source lines.
pub fn segment_ranges(text: &str) -> Vec<(Range<usize>, u32)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut line_no = 1u32;
    let mut at = 0usize;
    while at <= bytes.len() {
        // A line ends at `\n`, `\r\n` or a lone `\r` (old Mac files).
        let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        push_line(text, at..end, line_no, &mut out);
        if end >= bytes.len() {
            break;
        }
        at = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
        line_no = line_no.saturating_add(1);
    }
    out
}

fn push_line(text: &str, line: Range<usize>, no: u32, out: &mut Vec<(Range<usize>, u32)>) {
    let s = &text[line.clone()];
    let trimmed = s.trim_start_matches(is_blank);
    let start = line.start + (s.len() - trimmed.len());
    let end = start + trimmed.trim_end_matches(is_blank).len();
    if start >= end {
        return;
    }
    let body = &text[start..end];
    if body.len() <= MAX_SEGMENT_CHARS || body.chars().count() <= MAX_SEGMENT_CHARS {
        out.push((start..end, no));
        return;
    }
    // Gather sentences into pieces of at most MAX_SEGMENT_CHARS; a single longer sentence
    // is cut at word boundaries, and a single longer word stands alone.
    let mut piece_start = start;
    let mut piece_chars = 0usize;
    let mut last_end = start;
    let flush = |from: usize, to: usize, out: &mut Vec<(Range<usize>, u32)>| {
        let p = &text[from..to];
        let a = from + (p.len() - p.trim_start_matches(is_blank).len());
        let b = from + p.trim_end_matches(is_blank).len();
        if a < b {
            out.push((a..b, no));
        }
    };
    for (off, sentence) in body.split_sentence_bound_indices() {
        let parts: Vec<(usize, &str)> = if sentence.chars().count() > MAX_SEGMENT_CHARS {
            sentence.split_word_bound_indices().collect()
        } else {
            vec![(0, sentence)]
        };
        for (o, part) in parts {
            let n = part.chars().count();
            let part_start = start + off + o;
            if piece_chars > 0 && piece_chars + n > MAX_SEGMENT_CHARS {
                flush(piece_start, last_end, out);
                piece_start = part_start;
                piece_chars = 0;
            }
            piece_chars += n;
            last_end = part_start + part.len();
        }
    }
    flush(piece_start, last_end, out);
}

/// White space that may lead or trail a segment: stays in the text, not in the segment.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The segments of a document, untimed, each with its source line.
pub fn segments(text: &str) -> Vec<Segment> {
    segment_ranges(text)
        .into_iter()
        .enumerate()
        .map(|(i, (r, line))| {
            let mut s = Segment::new(i, 0, 0, None, &text[r]);
            s.line = Some(line);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<(&str, u32)> {
        segment_ranges(t)
            .into_iter()
            .map(|(r, l)| (&t[r], l))
            .collect()
    }

    #[test]
    fn lines_are_segments_and_the_space_between_stays_out() {
        let t = "  First line.  \r\n\r\n\tSecond\tline\r\nthird\rfourth\n\n";
        assert_eq!(
            texts(t),
            [
                ("First line.", 1),
                ("Second\tline", 3),
                ("third", 4),
                ("fourth", 5)
            ]
        );
        assert!(texts("\n \r\n\t").is_empty());
        assert_eq!(texts("one"), [("one", 1)]);
    }

    #[test]
    fn a_long_single_line_is_cut_at_sentence_ends_and_loses_nothing() {
        let sentence = "Это предложение о страхе и безопасности в Сербии. ";
        let line = sentence.repeat(100);
        let ranges = segment_ranges(&line);
        assert!(ranges.len() > 5, "{}", ranges.len());
        for (r, l) in &ranges {
            assert_eq!(*l, 1);
            let s = &line[r.clone()];
            assert!(s.chars().count() <= MAX_SEGMENT_CHARS);
            assert!(s.ends_with('.'), "cut inside a sentence: {s:?}");
        }
        // Only the spaces between sentences fall between segments.
        let mut at = 0;
        for (r, _) in &ranges {
            assert!(line[at..r.start].trim().is_empty());
            at = r.end;
        }
        assert!(line[at..].trim().is_empty());
    }

    #[test]
    fn a_sentence_longer_than_a_segment_is_cut_between_words() {
        let line = "слово ".repeat(400);
        let ranges = segment_ranges(&line);
        assert!(ranges.len() >= 4);
        for (r, _) in &ranges {
            let s = &line[r.clone()];
            assert!(s.chars().count() <= MAX_SEGMENT_CHARS);
            assert!(s.starts_with('с') && s.ends_with('о'), "{s:?}");
        }
    }
}
