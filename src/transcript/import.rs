//! From a file on disk to a [`Transcript`]: decode the bytes, recognise the format, parse
//! cues, interpret speaker labels and markup, and check the timeline. Every failure names the
//! file and, where there is one, the line.

use super::{
    cuetext, document, encoding, speaker, srt, webvtt, zoom_txt, ParseError, RawCue, Segment,
    Transcript,
};
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// The transcript formats intercode reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// WebVTT, including Zoom cloud recording transcripts (`Name: text` cues).
    WebVtt,
    /// Zoom's local "save transcript" text (`[Name] HH:MM:SS` then text).
    ZoomTxt,
    /// SubRip.
    Srt,
    /// Untimed text kept exactly (`.text`): see [`document`].
    Document,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::WebVtt => "vtt",
            Format::ZoomTxt => "txt",
            Format::Srt => "srt",
            Format::Document => "text",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::WebVtt => "WebVTT",
            Format::ZoomTxt => "Zoom saved transcript",
            Format::Srt => "SRT",
            Format::Document => "document (text kept exactly)",
        }
    }
}

/// A parsed transcript file, before it is attached to an interview.
#[derive(Debug, Clone)]
pub struct Imported {
    pub format: Format,
    pub encoding: &'static str,
    /// The decoded text with `\n` line endings and no BOM: what `import` writes to the project.
    /// A document's text exactly as it is (without a BOM).
    pub normalised: String,
    pub segments: Vec<Segment>,
    /// Per segment, the 1-based line of its cue's timing line in `normalised` (empty for a
    /// document): where an edit of the segment rewrites the file.
    pub cue_lines: Vec<usize>,
    /// Non-fatal problems (e.g. cues with unreadable timings that were skipped), by line.
    pub warnings: Vec<(usize, String)>,
}

impl Imported {
    /// The transcript of interview `id` in `lang` this file gives.
    pub fn transcript(self, id: &str, lang: &str) -> Transcript {
        match self.format {
            Format::Document => Transcript::document(id, lang, self.normalised),
            _ => Transcript::new(id, lang, self.segments),
        }
    }
}

/// Recognises the format from the content; the extension decides only when the content is
/// ambiguous. A `.vtt` file without the `WEBVTT` signature is still WebVTT (and rejected by
/// the WebVTT parser with a clear message).
pub fn detect_format(text: &str, extension: Option<&str>) -> Format {
    let ext = extension.map(|e| e.to_ascii_lowercase());
    if ext.as_deref() == Some("text") {
        return Format::Document;
    }
    if text.starts_with("WEBVTT") || ext.as_deref() == Some("vtt") {
        return Format::WebVtt;
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if zoom_txt::is_header(first) {
        return Format::ZoomTxt;
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (a, b) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    if a.contains("-->") || (a.bytes().all(|c| c.is_ascii_digit()) && b.contains("-->")) {
        return Format::Srt;
    }
    match ext.as_deref() {
        Some("txt") => Format::ZoomTxt,
        _ => Format::Srt,
    }
}

/// Reads and parses a transcript file.
pub fn parse_file(path: &Path) -> Result<Imported> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_bytes(&bytes, path)
}

/// Parses transcript bytes; `path` names the file in messages and gives the extension.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Imported> {
    if bytes.is_empty() {
        return Err(Error::data(path, None, "the file is empty"));
    }
    let ext = path.extension().and_then(|e| e.to_str());
    if detect_format("", ext) == Format::Document {
        return parse_document(bytes, path);
    }
    let decoded = encoding::decode(bytes).map_err(|e| Error::data(path, None, e.0))?;
    let normalised = if webvtt::needs_normalising(&decoded.text) {
        webvtt::normalise(&decoded.text)
    } else {
        decoded.text
    };
    let format = detect_format(&normalised, ext);
    let err = |e: ParseError| Error::data(path, e.line, e.message);
    let (raw, warnings) = match format {
        Format::WebVtt => {
            let parsed = webvtt::parse(&normalised).map_err(|e| Error::data(path, Some(1), e.0))?;
            let cues = parsed
                .cues
                .into_iter()
                .map(|c| RawCue {
                    id: c.id,
                    start_ms: c.start_ms,
                    end_ms: c.end_ms,
                    text: c.text,
                    line: c.line,
                })
                .collect();
            (cues, parsed.skipped)
        }
        Format::ZoomTxt => (zoom_txt::parse(&normalised).map_err(err)?, Vec::new()),
        Format::Srt => (srt::parse(&normalised).map_err(err)?, Vec::new()),
        // Only by extension, which returned above.
        Format::Document => unreachable!("a document is read by parse_document"),
    };
    let (segments, cue_lines) = segments_from_cues(raw).map_err(err)?;
    Ok(Imported {
        format,
        encoding: decoded.encoding,
        normalised,
        segments,
        cue_lines,
        warnings,
    })
}

/// A document is read byte for byte: strict UTF-8 (a BOM is not text), nothing else
/// changed, since every position counts in exactly this text.
fn parse_document(bytes: &[u8], path: &Path) -> Result<Imported> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let line = 1 + body[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            return Err(Error::data(
                path,
                Some(line),
                "a document must be UTF-8 (its text is kept byte for byte, so it is not converted); \
                 convert it, or import it as a transcript",
            ));
        }
    };
    let segments = document::segments(&text);
    if segments.is_empty() {
        return Err(Error::data(
            path,
            None,
            "the document has no text, only blank lines",
        ));
    }
    Ok(Imported {
        format: Format::Document,
        encoding: "UTF-8",
        normalised: text,
        segments,
        cue_lines: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Interprets markup and speaker labels, drops empty cues, and checks the timeline; returns
/// the segments and the line of each one's cue.
type Segments = (Vec<Segment>, Vec<usize>);
fn segments_from_cues(raw: Vec<RawCue<'_>>) -> std::result::Result<Segments, ParseError> {
    if raw.is_empty() {
        return Err(ParseError::whole(
            "no cues found: the file has no timed text".into(),
        ));
    }
    let (voices, texts): (Vec<Option<String>>, Vec<Cow<'_, str>>) =
        raw.iter().map(|cue| cuetext::plain_text(&cue.text)).unzip();
    let labels = speaker::split_speakers(&texts);
    let mut segments: Vec<Segment> = Vec::with_capacity(raw.len());
    let mut lines: Vec<usize> = Vec::with_capacity(raw.len());
    // Speaker names repeat on nearly every cue; allocate each once and clone the String.
    let mut names: HashMap<&str, String> = HashMap::new();
    let mut prev: Option<&RawCue> = None;
    for (((cue, voice), text), label) in raw.iter().zip(voices).zip(&texts).zip(labels) {
        if cue.end_ms < cue.start_ms {
            return Err(ParseError::at(
                cue.line,
                format!(
                    "the cue ends ({}) before it starts ({})",
                    super::format_time(cue.end_ms),
                    super::format_time(cue.start_ms)
                ),
            ));
        }
        if let Some(p) = prev {
            if cue.start_ms < p.start_ms {
                return Err(ParseError::at(
                    cue.line,
                    format!(
                        "timestamps out of order: this cue starts at {}, before the cue on line {} ({}); \
                         cues must be in time order",
                        super::format_time(cue.start_ms),
                        p.line,
                        super::format_time(p.start_ms)
                    ),
                ));
            }
        }
        prev = Some(cue);
        // A voice tag names the speaker; otherwise a Zoom-style label does.
        let (speaker, text) = match (voice, label) {
            (Some(v), _) => (Some(v), text.as_ref()),
            (None, Some((name, rest))) => {
                let name = names.entry(name).or_insert_with(|| name.to_string());
                (Some(name.clone()), rest)
            }
            (None, None) => (None, text.as_ref()),
        };
        if text.is_empty() {
            continue;
        }
        lines.push(cue.line);
        segments.push(Segment {
            index: segments.len(),
            start_ms: cue.start_ms,
            end_ms: cue.end_ms,
            speaker,
            text: text.to_string(),
            line: None,
        });
    }
    if segments.is_empty() {
        return Err(ParseError::whole("every cue in the file is empty".into()));
    }
    Ok((segments, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, name: &str) -> Result<Imported> {
        parse_bytes(text.as_bytes(), Path::new(name))
    }

    #[test]
    fn formats_are_recognised_by_content() {
        assert_eq!(detect_format("WEBVTT\n", Some("txt")), Format::WebVtt);
        assert_eq!(
            detect_format("[Катя] 10:00:01\nДа\n", None),
            Format::ZoomTxt
        );
        assert_eq!(
            detect_format("1\n00:00:01,000 --> 00:00:02,000\nx\n", Some("txt")),
            Format::Srt
        );
    }

    #[test]
    fn zoom_vtt_speakers_and_nulls() {
        let f = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nКатя: Да: именно так.\n\n2\n00:00:02.500 --> 00:00:03.000\n[смеётся]\n";
        let imp = parse(f, "P01.ru.vtt").unwrap();
        assert_eq!(imp.segments[0].speaker.as_deref(), Some("Катя"));
        assert_eq!(imp.segments[0].text, "Да: именно так.");
        assert_eq!(imp.segments[1].speaker, None);
    }

    #[test]
    fn timeline_errors_name_the_line() {
        let f = "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n";
        let e = parse(f, "x.vtt").unwrap_err().to_string();
        assert!(e.starts_with("x.vtt:6: timestamps out of order"), "{e}");
        let f = "WEBVTT\n\n00:05.000 --> 00:04.000\na\n";
        let e = parse(f, "x.vtt").unwrap_err().to_string();
        assert!(e.contains("x.vtt:3: the cue ends"), "{e}");
    }

    #[test]
    fn empty_inputs() {
        assert!(parse("", "a.vtt")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(parse("WEBVTT\n\n", "a.vtt")
            .unwrap_err()
            .to_string()
            .contains("no cues"));
        assert!(parse("hello", "a.vtt")
            .unwrap_err()
            .to_string()
            .contains("WEBVTT"));
    }
}
