//! WebVTT file parsing, following the W3C "WebVTT parser algorithm" step by step (signature,
//! header, blocks, cue timings), so that every file a browser accepts is read the same way.
//! Cue settings, regions and stylesheets are recognised and skipped: a transcript needs only
//! the cue id, times and text. Positions are tracked as 1-based line numbers for messages.

use std::borrow::Cow;

/// One cue as the W3C algorithm produces it: raw text (markup not yet interpreted). Id and
/// text borrow from the input where they can (they are contiguous lines of it).
#[derive(Debug, Clone, PartialEq)]
pub struct Cue<'a> {
    pub id: Cow<'a, str>,
    pub start_ms: u64,
    pub end_ms: u64,
    /// Raw cue text: lines joined with `\n`, tags and entities still in place.
    pub text: Cow<'a, str>,
    /// 1-based line of the timing line in the (newline-normalised) input.
    pub line: usize,
}

/// The whole file was rejected (bad signature). Individual broken cues are dropped, as the
/// algorithm demands, and reported in `Parsed::skipped`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError(pub String);

/// The result of parsing: cues plus the lines of blocks that looked like cues but whose
/// timings could not be read (browsers drop those silently; we report them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed<'a> {
    pub cues: Vec<Cue<'a>>,
    pub skipped: Vec<(usize, String)>,
}

impl Parsed<'_> {
    fn into_owned(self) -> Parsed<'static> {
        Parsed {
            cues: self
                .cues
                .into_iter()
                .map(|c| Cue {
                    id: Cow::Owned(c.id.into_owned()),
                    text: Cow::Owned(c.text.into_owned()),
                    ..c
                })
                .collect(),
            skipped: self.skipped,
        }
    }
}

/// True if the text needs [`normalise`] (it has a CR or a NUL).
pub fn needs_normalising(input: &str) -> bool {
    input.bytes().any(|b| b == b'\r' || b == 0)
}

/// Normalises line endings and NULs as the algorithm's first step does.
pub fn normalise(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c => out.push(c),
        }
    }
    out
}

/// Parses a WebVTT file (already decoded; a leading BOM must have been removed).
pub fn parse(input: &str) -> Result<Parsed<'static>, SignatureError> {
    if needs_normalising(input) {
        let normalised = normalise(input);
        parse_normalised(&normalised).map(Parsed::into_owned)
    } else {
        parse_normalised(input).map(Parsed::into_owned)
    }
}

/// Parses text whose line endings are already `\n` and that has no NUL (see [`normalise`]);
/// cues borrow from `input`.
pub fn parse_normalised(input: &str) -> Result<Parsed<'_>, SignatureError> {
    debug_assert!(!needs_normalising(input));
    check_signature(input)?;
    let mut p = BlockReader {
        input,
        lines: input.split('\n').collect(),
        pos: 0,
        seen_cue: false,
        arrow: memchr::memmem::Finder::new("-->"),
    };
    // A trailing "\n" yields an empty last element that is not a line of its own.
    if input.ends_with('\n') {
        p.lines.pop();
    }
    let mut parsed = Parsed::default();
    // Step 7-11: the signature line, then an optional header block.
    p.pos = 1;
    if p.pos < p.lines.len() {
        if !p.lines[p.pos].is_empty() {
            p.collect_block(true, &mut parsed);
        } else {
            p.pos += 1;
        }
    }
    p.skip_empty();
    while p.pos < p.lines.len() {
        if let Some(cue) = p.collect_block(false, &mut parsed) {
            parsed.cues.push(cue);
        }
        p.skip_empty();
    }
    Ok(parsed)
}

fn check_signature(input: &str) -> Result<(), SignatureError> {
    let bad = |why: &str| Err(SignatureError(format!("not a WebVTT file: {why}")));
    if !input.starts_with("WEBVTT") {
        if input.is_empty() {
            return bad("the file is empty");
        }
        return bad("line 1 must start with `WEBVTT`");
    }
    match input.as_bytes().get(6) {
        None | Some(b' ') | Some(b'\t') | Some(b'\n') => Ok(()),
        Some(_) => bad("`WEBVTT` on line 1 must be followed by a space, a tab or a line break"),
    }
}

struct BlockReader<'a> {
    input: &'a str,
    lines: Vec<&'a str>,
    pos: usize,
    seen_cue: bool,
    arrow: memchr::memmem::Finder<'static>,
}

impl<'a> BlockReader<'a> {
    fn skip_empty(&mut self) {
        while self.pos < self.lines.len() && self.lines[self.pos].is_empty() {
            self.pos += 1;
        }
    }

    /// Byte range of a line within the input (lines are slices of it).
    fn range(&self, line: &str) -> (usize, usize) {
        let start = line.as_ptr() as usize - self.input.as_ptr() as usize;
        (start, start + line.len())
    }

    /// "Collect a WebVTT block": returns a cue if the block is one. The block's buffer is a
    /// run of consecutive lines, so it is kept as a byte range of the input: joining those
    /// lines with `\n` gives exactly that slice.
    fn collect_block(&mut self, in_header: bool, parsed: &mut Parsed<'a>) -> Option<Cue<'a>> {
        let mut line_count = 0;
        let mut previous_pos = self.pos;
        let mut buffer: Option<(usize, usize)> = None;
        let mut seen_arrow = false;
        let mut cue: Option<Cue<'a>> = None;
        let first_line = self.pos + 1;
        let first = self.lines.get(self.pos).copied().unwrap_or("");
        let text_of = |b: Option<(usize, usize)>| b.map_or("", |(s, e)| &self.input[s..e]);
        loop {
            if self.pos >= self.lines.len() {
                break;
            }
            let line = self.lines[self.pos];
            let line_no = self.pos + 1;
            self.pos += 1;
            line_count += 1;
            if self.arrow.find(line.as_bytes()).is_some() {
                if !in_header && (line_count == 1 || (line_count == 2 && !seen_arrow)) {
                    seen_arrow = true;
                    previous_pos = self.pos;
                    match parse_timings(line) {
                        Some((start_ms, end_ms)) => {
                            cue = Some(Cue {
                                id: Cow::Borrowed(text_of(buffer.take())),
                                start_ms,
                                end_ms,
                                text: Cow::Borrowed(""),
                                line: line_no,
                            });
                            self.seen_cue = true;
                        }
                        None => {
                            cue = None;
                            parsed
                                .skipped
                                .push((line_no, format!("unreadable cue timing `{line}`")));
                        }
                    }
                } else {
                    self.pos = previous_pos;
                    break;
                }
            } else if line.is_empty() {
                break;
            } else {
                // A STYLE or REGION block's first line is its keyword; dropping it keeps
                // the block from ever becoming a cue id (the spec does the same).
                if !in_header && line_count == 2 && !self.seen_cue {
                    let head = text_of(buffer).trim_end_matches([' ', '\t']);
                    if head == "STYLE" || head == "REGION" {
                        buffer = None;
                    }
                }
                let (s, e) = self.range(line);
                buffer = Some(buffer.map_or((s, e), |(b0, _)| (b0, e)));
                previous_pos = self.pos;
            }
        }
        // A block that is neither a cue nor a comment, style or region is dropped by the
        // algorithm; a transcript should not lose text silently, so say so.
        let keyword = ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|k| first.starts_with(k));
        if !in_header && cue.is_none() && !seen_arrow && !keyword && !first.is_empty() {
            parsed.skipped.push((
                first_line,
                "text without a `start --> end` timing line was ignored".to_string(),
            ));
        }
        cue.map(|mut c| {
            c.text = Cow::Borrowed(text_of(buffer));
            c
        })
    }
}

/// "Collect WebVTT cue timings and settings"; settings are ignored.
fn parse_timings(line: &str) -> Option<(u64, u64)> {
    let mut s = Scanner {
        b: line.as_bytes(),
        i: 0,
    };
    s.skip_ws();
    let start = s.timestamp()?;
    s.skip_ws();
    if !s.eat(b'-') || !s.eat(b'-') || !s.eat(b'>') {
        return None;
    }
    s.skip_ws();
    let end = s.timestamp()?;
    Some((start, end))
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while matches!(
            self.b.get(self.i),
            Some(b' ' | b'\t' | b'\n' | b'\x0C' | b'\r')
        ) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self) -> (u64, usize) {
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(d) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            self.i += 1;
        }
        (v, self.i - start)
    }

    /// "Collect a WebVTT timestamp": `[hh:]mm:ss.ttt`, hours of any width, in milliseconds.
    fn timestamp(&mut self) -> Option<u64> {
        if !self.b.get(self.i)?.is_ascii_digit() {
            return None;
        }
        let (mut v1, len1) = self.digits();
        let hours_first = len1 != 2 || v1 > 59;
        if !self.eat(b':') {
            return None;
        }
        let (mut v2, len2) = self.digits();
        if len2 != 2 {
            return None;
        }
        let v3;
        if hours_first || self.b.get(self.i) == Some(&b':') {
            if !self.eat(b':') {
                return None;
            }
            let (x, len3) = self.digits();
            if len3 != 2 {
                return None;
            }
            v3 = x;
        } else {
            v3 = v2;
            v2 = v1;
            v1 = 0;
        }
        if !self.eat(b'.') {
            return None;
        }
        let (v4, len4) = self.digits();
        if len4 != 3 || v2 > 59 || v3 > 59 {
            return None;
        }
        Some(
            v1.saturating_mul(3_600_000)
                .saturating_add(v2 * 60_000 + v3 * 1000 + v4),
        )
    }
}

/// Parses one timestamp (`[hh:]mm:ss.ttt`), for other formats that share the syntax.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let mut sc = Scanner {
        b: s.as_bytes(),
        i: 0,
    };
    let v = sc.timestamp()?;
    (sc.i == s.len()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_cloud_file() {
        let f = "WEBVTT\n\n1\n00:00:02.140 --> 00:00:07.990\nInterviewer: Good afternoon.\n\n2\n00:00:08.500 --> 00:00:09.000\nKatya: Hi!\n";
        let p = parse(f).unwrap();
        assert_eq!(p.cues.len(), 2);
        assert_eq!(p.cues[0].id, "1");
        assert_eq!(p.cues[0].start_ms, 2140);
        assert_eq!(p.cues[1].text, "Katya: Hi!");
        assert_eq!(p.cues[1].line, 8);
    }

    #[test]
    fn hours_are_optional_and_wide() {
        assert_eq!(parse_timestamp("01:02.003"), Some(62_003));
        assert_eq!(parse_timestamp("100:00:00.000"), Some(360_000_000));
        assert_eq!(parse_timestamp("00:60.000"), None);
        assert_eq!(parse_timestamp("0:00:01.5"), None);
    }

    #[test]
    fn note_style_region_blocks_are_not_cues() {
        let f = "WEBVTT\n\nSTYLE\n::cue { color: red }\n\nNOTE a comment\nspanning lines\n\n00:01.000 --> 00:02.000\nhello\nworld\n";
        let p = parse(f).unwrap();
        assert_eq!(p.cues.len(), 1);
        assert_eq!(p.cues[0].text, "hello\nworld");
    }

    #[test]
    fn text_without_timing_is_reported() {
        let f = "WEBVTT\n\n1\n00:01.000 -> 00:02.000\nlost words\n\nNOTE fine\n\n00:03.000 --> 00:04.000\nkept\n";
        let p = parse(f).unwrap();
        assert_eq!(p.cues.len(), 1);
        assert_eq!(
            p.skipped,
            vec![(
                3,
                "text without a `start --> end` timing line was ignored".to_string()
            )]
        );
    }

    #[test]
    fn crlf_and_lf_parse_identically() {
        let lf = "WEBVTT\n\n00:01.000 --> 00:02.000\nа б\n\n00:03.000 --> 00:04.000\nв\n";
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(parse(lf).unwrap(), parse(&crlf).unwrap());
    }

    #[test]
    fn broken_timing_is_reported_not_fatal() {
        let f = "WEBVTT\n\n00:01.000 --> 00:0x.000\nlost\n\n00:03.000 --> 00:04.000\nkept\n";
        let p = parse(f).unwrap();
        assert_eq!(p.cues.len(), 1);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].0, 3);
    }
}
