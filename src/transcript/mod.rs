//! Transcripts: the model every other part of intercode works on, and the importers that
//! produce it.
//!
//! A [`Transcript`] is one language version of one interview: an ordered list of
//! [`Segment`]s. Its **canonical text** is the segments' texts joined with `\n`, and every
//! position in the product (codings, search hits, exports) is a **Unicode code point offset**
//! into that text, end exclusive. Byte offsets stay inside this module.
//!
//! A **document** ([`Transcript::document`], see [`document`]) is the other kind: untimed
//! text kept exactly, whose canonical text is the file's text and whose segments are its
//! lines; between two of its segments may lie any text (line breaks, blank lines, spaces).
//!
//! ```
//! use intercode::transcript::{Segment, Transcript};
//! let t = Transcript::new("P01", "ru", vec![
//!     Segment::new(0, 0, 1000, Some("Катя"), "Привет 👋"),
//!     Segment::new(1, 1000, 2000, None, "ok"),
//! ]);
//! assert_eq!(t.text(), "Привет 👋\nok");
//! assert_eq!(t.segment_span(1), 9..11); // code points, not bytes
//! assert_eq!(t.slice(7..8), "👋");
//! ```

pub mod align;
pub mod cuetext;
pub mod document;
pub mod encoding;
pub mod motion;
pub mod speaker;
pub mod srt;
pub mod webvtt;
pub mod zoom_txt;

mod import;
pub use import::{detect_format, parse_bytes, parse_file, Format, Imported};

use serde::Serialize;
use std::ops::Range;

/// One cue of a transcript: who spoke, when, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Position in the transcript, from 0.
    pub index: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    /// `None` when the source gives no speaker for this cue.
    pub speaker: Option<String>,
    /// Plain text on one line: no markup, no line breaks, no control characters (a
    /// document's segment keeps its tabs and whatever else its source has).
    pub text: String,
    /// A document's segment: its 1-based line in the source text. `None` for a timed cue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Segment {
    pub fn new(
        index: usize,
        start_ms: u64,
        end_ms: u64,
        speaker: Option<&str>,
        text: &str,
    ) -> Self {
        Segment {
            index,
            start_ms,
            end_ms,
            speaker: speaker.map(str::to_string),
            text: text.to_string(),
            line: None,
        }
    }

    /// Where the segment is, for people: its time, or a document's line.
    pub fn locator(&self) -> Locator {
        Locator {
            start_ms: self.start_ms,
            line: self.line,
        }
    }
}

/// A place in an interview as people cite it: `00:12:31` in a timed transcript, `line 12` in
/// a document (which has no times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locator {
    pub start_ms: u64,
    pub line: Option<u32>,
}

impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(n) => write!(f, "line {n}"),
            None => f.write_str(&format_clock(self.start_ms)),
        }
    }
}

/// Consecutive segments of one speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub speaker: Option<String>,
    pub segments: Range<usize>,
}

/// One language version of one interview, with its canonical text.
#[derive(Debug, Clone)]
pub struct Transcript {
    pub interview: String,
    pub lang: String,
    pub segments: Vec<Segment>,
    text: String,
    /// Per segment: (code point offset, byte offset) of its first character in `text`.
    starts: Vec<(usize, usize)>,
    char_len: usize,
    document: bool,
}

impl Transcript {
    /// Builds the transcript and its canonical text. Segment indexes are renumbered 0..n.
    pub fn new(interview: &str, lang: &str, mut segments: Vec<Segment>) -> Self {
        let mut text = String::with_capacity(segments.iter().map(|s| s.text.len() + 1).sum());
        let mut starts = Vec::with_capacity(segments.len());
        let mut chars = 0usize;
        for (i, seg) in segments.iter_mut().enumerate() {
            seg.index = i;
            if i > 0 {
                text.push('\n');
                chars += 1;
            }
            starts.push((chars, text.len()));
            text.push_str(&seg.text);
            chars += char_count(&seg.text);
        }
        Transcript {
            interview: interview.to_string(),
            lang: lang.to_string(),
            segments,
            text,
            starts,
            char_len: chars,
            document: false,
        }
    }

    /// A document: `text` is the canonical text exactly; its segments are its non-blank
    /// lines (see [`document`]), untimed.
    pub fn document(interview: &str, lang: &str, text: String) -> Self {
        let ranges = document::segment_ranges(&text);
        let mut segments = Vec::with_capacity(ranges.len());
        let mut starts = Vec::with_capacity(ranges.len());
        // Code points are counted once, from one segment start to the next.
        let (mut chars, mut byte) = (0usize, 0usize);
        for (i, (r, line)) in ranges.into_iter().enumerate() {
            chars += char_count(&text[byte..r.start]);
            starts.push((chars, r.start));
            chars += char_count(&text[r.clone()]);
            byte = r.end;
            let mut seg = Segment::new(i, 0, 0, None, &text[r]);
            seg.line = Some(line);
            segments.push(seg);
        }
        let char_len = chars + char_count(&text[byte..]);
        Transcript {
            interview: interview.to_string(),
            lang: lang.to_string(),
            segments,
            text,
            starts,
            char_len,
            document: true,
        }
    }

    /// True for a document: untimed text kept exactly, cited by line.
    pub fn is_document(&self) -> bool {
        self.document
    }

    /// How long it is, for people: a duration, or a document's line count.
    pub fn extent(&self) -> String {
        if self.document {
            let lines = self.segments.last().and_then(|s| s.line).unwrap_or(0);
            format!("{lines} lines")
        } else {
            format_clock(self.duration_ms())
        }
    }

    /// The canonical text: segment texts joined with `\n` (a document's own text).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length of the canonical text in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Code point span of segment `i` (without the joining newline).
    pub fn segment_span(&self, i: usize) -> Range<usize> {
        let start = self.starts[i].0;
        start..start + char_count(&self.segments[i].text)
    }

    /// The segment containing code point `pos` (a newline, or a document's text between two
    /// segments, belongs to the segment before it; positions before the first segment belong
    /// to the first, past the end to the last). `None` for an empty transcript.
    pub fn segment_at(&self, pos: usize) -> Option<usize> {
        if self.starts.is_empty() {
            return None;
        }
        Some(match self.starts.binary_search_by(|(c, _)| c.cmp(&pos)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        })
    }

    /// The nearest position a reader can see: a position in a document's text between two
    /// segments (blank lines, spaces) moves to the next segment's start when `forward`, else
    /// to the end of the segment before; before the first segment it is the first's start.
    pub fn snap(&self, pos: usize, forward: bool) -> usize {
        let Some(s) = self.segment_at(pos) else {
            return pos;
        };
        let span = self.segment_span(s);
        if pos < span.start {
            return span.start;
        }
        if pos <= span.end {
            return pos;
        }
        match (forward, self.starts.get(s + 1)) {
            (true, Some((next, _))) => *next,
            _ => span.end,
        }
    }

    /// Byte offset of code point `pos` (clamped to the end of the text).
    pub fn byte_offset(&self, pos: usize) -> usize {
        // Start from the last segment start at or before `pos` (a document may have text
        // before its first segment, or no segment at all).
        let (c0, b0) = match self.starts.binary_search_by(|(c, _)| c.cmp(&pos)) {
            Ok(i) => self.starts[i],
            Err(0) => (0, 0),
            Err(i) => self.starts[i - 1],
        };
        // Step over whole characters by their lead bytes' widths instead of decoding them:
        // reports map a million coded spans to bytes.
        let bytes = &self.text.as_bytes()[b0..];
        let (mut i, mut left) = (0, pos - c0);
        while left > 0 && i < bytes.len() {
            i += match bytes[i] {
                0..=0x7f => 1,
                0x80..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            left -= 1;
        }
        (b0 + i).min(self.text.len())
    }

    /// Code point offset of byte offset `byte` (clamped to the text; a byte inside a
    /// character counts as that character's start).
    pub fn char_offset(&self, byte: usize) -> usize {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let i = self.starts.partition_point(|(_, b)| *b <= byte);
        let (c0, b0) = if i == 0 { (0, 0) } else { self.starts[i - 1] };
        c0 + char_count(&self.text[b0..byte])
    }

    /// The text between two code point offsets (clamped to the text).
    pub fn slice(&self, range: Range<usize>) -> &str {
        let start = self.byte_offset(range.start);
        let end = self.byte_offset(range.end.max(range.start));
        &self.text[start..end]
    }

    /// Consecutive same-speaker segments.
    pub fn turns(&self) -> Vec<Turn> {
        let mut turns: Vec<Turn> = Vec::new();
        for (i, seg) in self.segments.iter().enumerate() {
            match turns.last_mut() {
                Some(t) if t.speaker == seg.speaker => t.segments.end = i + 1,
                _ => turns.push(Turn {
                    speaker: seg.speaker.clone(),
                    segments: i..i + 1,
                }),
            }
        }
        turns
    }

    /// Distinct speakers in order of first appearance.
    pub fn speakers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.segments.iter().filter_map(|s| s.speaker.as_deref()) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Duration from the first start to the last end.
    pub fn duration_ms(&self) -> u64 {
        let first = self.segments.first().map_or(0, |s| s.start_ms);
        let last = self.segments.iter().map(|s| s.end_ms).max().unwrap_or(0);
        last.saturating_sub(first)
    }
}

fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// A cue as read from any format, before speaker labels and markup are interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCue<'a> {
    pub id: std::borrow::Cow<'a, str>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: std::borrow::Cow<'a, str>,
    /// 1-based line of the cue's timing (or header) line.
    pub line: usize,
}

/// A problem in a transcript file, at a line where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn at(line: usize, message: String) -> Self {
        ParseError {
            line: Some(line),
            message,
        }
    }

    pub fn whole(message: String) -> Self {
        ParseError {
            line: None,
            message,
        }
    }
}

/// Formats milliseconds as `HH:MM:SS.mmm`.
pub fn format_time(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Formats milliseconds as `HH:MM:SS` (for displays and quotes).
pub fn format_clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Transcript {
        Transcript::new(
            "P01",
            "ru",
            vec![
                Segment::new(0, 0, 10, Some("A"), "e\u{301}a"), // e + combining acute
                Segment::new(0, 10, 20, Some("A"), "👩‍👩‍👧 ok"),
                Segment::new(0, 20, 30, Some("B"), "Ёж"),
            ],
        )
    }

    #[test]
    fn canonical_positions_count_code_points() {
        let t = sample();
        assert_eq!(t.text(), "e\u{301}a\n👩‍👩‍👧 ok\nЁж");
        assert_eq!(t.segment_span(0), 0..3);
        // The family emoji is five code points (three people, two joiners).
        assert_eq!(t.segment_span(1), 4..12);
        assert_eq!(t.segment_span(2), 13..15);
        assert_eq!(t.char_len(), 15);
        assert_eq!(t.slice(4..9), "👩‍👩‍👧");
        assert_eq!(t.slice(13..15), "Ёж");
        assert_eq!(t.slice(14..99), "ж");
        // Every position maps to the byte where its code point starts, across segments.
        let text = t.text();
        for pos in 0..t.char_len() + 3 {
            let want = text.char_indices().nth(pos).map_or(text.len(), |(b, _)| b);
            assert_eq!(t.byte_offset(pos), want, "position {pos}");
        }
    }

    #[test]
    fn segment_lookup_and_turns() {
        let t = sample();
        assert_eq!(t.segment_at(0), Some(0));
        assert_eq!(t.segment_at(3), Some(0)); // the newline after segment 0
        assert_eq!(t.segment_at(4), Some(1));
        assert_eq!(t.segment_at(100), Some(2));
        let turns = t.turns();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].segments, 0..2);
        assert_eq!(t.speakers(), ["A", "B"]);
        assert_eq!(t.segments[2].index, 2);
    }

    #[test]
    fn a_document_keeps_its_text_exactly_and_positions_count_all_of_it() {
        let text = "\r\n  Где-то здесь. \r\n\r\n\tВторой абзац 👩‍👩‍👧\r\nlast".to_string();
        let t = Transcript::document("D", "ru", text.clone());
        assert!(t.is_document());
        assert_eq!(t.text(), text);
        assert_eq!(t.char_len(), text.chars().count());
        let segs: Vec<&str> = t.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(segs, ["Где-то здесь.", "Второй абзац 👩‍👩‍👧", "last"]);
        assert_eq!(t.segments[1].line, Some(4));
        assert_eq!(t.segments[1].locator().to_string(), "line 4");
        for i in 0..t.segments.len() {
            assert_eq!(t.slice(t.segment_span(i)), t.segments[i].text);
        }
        // Every position maps to its byte, before the first segment and between segments too.
        for pos in 0..t.char_len() + 2 {
            let want = text.char_indices().nth(pos).map_or(text.len(), |(b, _)| b);
            assert_eq!(t.byte_offset(pos), want, "position {pos}");
        }
        assert_eq!(t.segment_at(0), Some(0));
        assert_eq!(t.segment_at(t.segment_span(0).end + 2), Some(0));
        assert_eq!(t.extent(), "5 lines");
        // The cursor never rests where nothing is shown.
        let (s0, s1) = (t.segment_span(0), t.segment_span(1));
        assert_eq!(t.snap(0, true), s0.start);
        assert_eq!(t.snap(s0.end + 1, true), s1.start);
        assert_eq!(t.snap(s0.end + 1, false), s0.end);
        assert_eq!(t.snap(s1.start + 1, false), s1.start + 1);
        // A document of blank lines has no segment and still slices.
        let blank = Transcript::document("D", "en", " \r\n ".into());
        assert!(blank.segments.is_empty());
        assert_eq!(blank.slice(0..2), " \r");
    }

    #[test]
    fn time_formats() {
        assert_eq!(format_time(3_723_004), "01:02:03.004");
        assert_eq!(format_clock(59_999), "00:00:59");
    }
}
