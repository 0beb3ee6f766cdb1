//! Rewriting a transcript file for one edit: the cue's text lines (in the style the cue had:
//! a `<v Name>` voice, a `Name: ` label, or none), its timing line for a split or a merge,
//! a document's text. Only what the edit touches changes, so the file's diff is as small as
//! the edit. The rest of the use case (codings, the transaction) is in the parent module.

use super::Edit;
use crate::error::{Error, Result};
use crate::transcript::{format_time, Imported, Transcript};
use std::ops::Range;

/// Text made safe for a cue payload: one line, and `&`, `<`, `>` escaped (a `-->` can then
/// never end up in it).
pub(super) fn cue_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One line of text: line breaks and tabs become spaces, runs of spaces one, ends trimmed.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A cue of the file as lines: `timing` is the index of its timing line, `payload` the
/// indexes of its text lines.
struct CueLines {
    timing: usize,
    payload: Range<usize>,
}

fn cue_lines(lines: &[&str], timing_line: usize) -> CueLines {
    let timing = timing_line - 1;
    let mut end = timing + 1;
    while end < lines.len() && !lines[end].trim().is_empty() {
        end += 1;
    }
    CueLines {
        timing,
        payload: timing + 1..end,
    }
}

/// The payload line of a cue with `speaker` and `text`, written in the style the cue had: a
/// `<v Name>` voice tag, a `Name: ` label, or no speaker.
fn payload(old_first_line: &str, speaker: Option<&str>, text: &str) -> String {
    match speaker {
        Some(name) if old_first_line.trim_start().starts_with("<v") => {
            format!("<v {}>{}", cue_escape(name), cue_escape(text))
        }
        Some(name) => format!("{}: {}", cue_escape(name), cue_escape(text)),
        None => cue_escape(text),
    }
}

/// The timing line with new start and/or end times, its settings kept.
pub(super) fn retime(line: &str, start: Option<u64>, end: Option<u64>) -> String {
    let Some((a, rest)) = line.split_once("-->") else {
        return line.to_string();
    };
    let rest = rest.trim_start();
    let (b, settings) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    let start = start.map_or_else(|| a.trim().to_string(), format_time);
    let end = end.map_or_else(|| b.trim().to_string(), format_time);
    if settings.is_empty() {
        format!("{start} --> {end}")
    } else {
        format!("{start} --> {end} {settings}")
    }
}

/// The new file text for `edit` on a WebVTT transcript.
pub(super) fn edit_vtt(imp: &Imported, edit: &Edit) -> Result<String> {
    let lines: Vec<&str> = imp.normalised.split('\n').collect();
    let segs = &imp.segments;
    let seg = |k: usize| -> Result<&crate::transcript::Segment> {
        segs.get(k).ok_or_else(|| {
            Error::usage(format!(
                "no segment {k}: the transcript has segments 0 to {}",
                segs.len().saturating_sub(1)
            ))
        })
    };
    // Replacements of line ranges, applied from the end.
    let mut out: Vec<(Range<usize>, Vec<String>)> = Vec::new();
    match edit {
        Edit::Text { segment, text } => {
            let s = seg(*segment)?;
            if one_line(text).is_empty() {
                return Err(empty_text());
            }
            let c = cue_lines(&lines, imp.cue_lines[*segment]);
            let first = lines.get(c.payload.start).copied().unwrap_or("");
            out.push((
                c.payload,
                vec![payload(first, s.speaker.as_deref(), &one_line(text))],
            ));
        }
        Edit::Speaker { segment, from, to } => {
            let to = one_line(to);
            if to.is_empty() || to.contains(':') {
                return Err(Error::usage(
                    "a speaker's name must be non-empty and without a colon",
                ));
            }
            let targets: Vec<usize> = match (segment, from) {
                (Some(k), _) => {
                    seg(*k)?;
                    vec![*k]
                }
                (None, Some(f)) => (0..segs.len())
                    .filter(|&k| segs[k].speaker.as_deref() == Some(f.as_str()))
                    .collect(),
                (None, None) => {
                    return Err(Error::usage(
                        "say which speaker to rename, or which segment",
                    ))
                }
            };
            if targets.is_empty() {
                return Err(Error::usage(format!(
                    "no segment is spoken by `{}` (speakers: {})",
                    from.as_deref().unwrap_or_default(),
                    speakers(segs).join(", ")
                )));
            }
            for k in targets {
                let c = cue_lines(&lines, imp.cue_lines[k]);
                let first = lines.get(c.payload.start).copied().unwrap_or("");
                let first = if first.trim_start().starts_with("<v") || segs[k].speaker.is_some() {
                    first
                } else {
                    ""
                };
                out.push((c.payload, vec![payload(first, Some(&to), &segs[k].text)]));
            }
        }
        Edit::Split {
            segment,
            at,
            time_ms,
        } => {
            let s = seg(*segment)?;
            let chars: Vec<char> = s.text.chars().collect();
            let left: String = chars[..(*at).min(chars.len())].iter().collect();
            let right: String = chars[(*at).min(chars.len())..].iter().collect();
            let (left, right) = (left.trim_end().to_string(), right.trim_start().to_string());
            if left.is_empty() || right.is_empty() {
                return Err(Error::usage(format!(
                    "split inside the text: both parts need text (the segment has {} characters)",
                    chars.len()
                )));
            }
            let t = match time_ms {
                Some(t) => *t,
                None => {
                    let len = chars.len().max(1) as u64;
                    s.start_ms + (s.end_ms - s.start_ms) * (*at as u64).min(len) / len
                }
            };
            if t < s.start_ms || t > s.end_ms {
                return Err(Error::usage(format!(
                    "the split time {} is outside the segment ({} to {})",
                    format_time(t),
                    format_time(s.start_ms),
                    format_time(s.end_ms)
                )));
            }
            let c = cue_lines(&lines, imp.cue_lines[*segment]);
            let first = lines.get(c.payload.start).copied().unwrap_or("");
            let id_line = (c.timing > 0 && !lines[c.timing - 1].trim().is_empty())
                .then(|| lines[c.timing - 1].trim().to_string());
            let mut block = vec![
                retime(lines[c.timing], None, Some(t)),
                payload(first, s.speaker.as_deref(), &left),
                String::new(),
            ];
            if let Some(id) = id_line {
                block.push(format!("{id}-2"));
            }
            block.push(retime(lines[c.timing], Some(t), None));
            block.push(payload(first, s.speaker.as_deref(), &right));
            out.push((c.timing..c.payload.end, block));
        }
        Edit::Merge { segment } => {
            let (s, next) = (seg(*segment)?, seg(*segment + 1)?);
            if s.speaker != next.speaker {
                return Err(Error::usage(format!(
                    "segments {segment} and {} have different speakers ({} and {}): rename one first",
                    segment + 1,
                    s.speaker.as_deref().unwrap_or("none"),
                    next.speaker.as_deref().unwrap_or("none")
                )));
            }
            let c = cue_lines(&lines, imp.cue_lines[*segment]);
            let d = cue_lines(&lines, imp.cue_lines[*segment + 1]);
            let first = lines.get(c.payload.start).copied().unwrap_or("");
            let text = format!("{} {}", s.text, next.text);
            // The second cue goes whole: its id line, timing, text and the blank line before.
            let mut second_start = d.timing;
            if second_start > 0 && !lines[second_start - 1].trim().is_empty() {
                second_start -= 1;
            }
            out.push((
                c.timing..second_start.max(c.payload.end),
                vec![
                    retime(lines[c.timing], None, Some(next.end_ms)),
                    payload(first, s.speaker.as_deref(), &text),
                    String::new(),
                ],
            ));
            out.push((second_start..d.payload.end, Vec::new()));
        }
    }
    out.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut new: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for (range, with) in out {
        new.splice(range, with);
    }
    // A merge leaves the blank line after the removed cue: one blank line between cues.
    let mut text = new.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    Ok(text)
}

fn empty_text() -> Error {
    Error::usage(
        "a segment's text cannot be empty (to remove a segment, merge it with the one after: \
         `transcript merge`, or & in the TUI); nothing was changed",
    )
}

fn speakers(segs: &[crate::transcript::Segment]) -> Vec<String> {
    let mut v: Vec<String> = segs.iter().filter_map(|s| s.speaker.clone()).collect();
    v.sort();
    v.dedup();
    v
}

/// The new text of a document for a text edit (a document has no cues to split or rename).
pub(super) fn edit_document(t: &Transcript, edit: &Edit) -> Result<String> {
    let Edit::Text { segment, text } = edit else {
        return Err(Error::usage(
            "a document (.text) has no cues or speakers: only a segment's text can be edited",
        ));
    };
    if *segment >= t.segments.len() {
        return Err(Error::usage(format!("no segment {segment}")));
    }
    let span = t.segment_span(*segment);
    let new = one_line(text);
    if new.is_empty() {
        return Err(empty_text());
    }
    Ok(format!(
        "{}{}{}",
        t.slice(0..span.start),
        new,
        t.slice(span.end..t.char_len())
    ))
}
