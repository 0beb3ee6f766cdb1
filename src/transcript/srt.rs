//! SubRip (`.srt`): numbered blocks, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text lines, a blank line.
//! Real-world SRT is loose: the number may be missing, the separator may be `.`, hours may be
//! short; all of those are accepted. Basic HTML-ish tags (`<i>`, `<font>`) and ASS overrides
//! (`{\an8}`) are stripped by the caller's markup pass.

use super::{ParseError, RawCue};

/// Parses SRT text (line endings already normalised to `\n`).
pub fn parse(input: &str) -> Result<Vec<RawCue<'static>>, ParseError> {
    let lines: Vec<&str> = input.split('\n').collect();
    let mut cues = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        // Optional counter line, then the timing line.
        let (timing_idx, id) = if !line.contains("-->") {
            if i + 1 < lines.len() && lines[i + 1].contains("-->") {
                (i + 1, line.to_string())
            } else {
                return Err(ParseError::at(
                    i + 1,
                    format!(
                        "expected a cue number or a `start --> end` line, found `{}`",
                        clip(line)
                    ),
                ));
            }
        } else {
            (i, String::new())
        };
        let timing = lines[timing_idx];
        let (start_ms, end_ms) = parse_timing(timing).ok_or_else(|| {
            ParseError::at(
                timing_idx + 1,
                format!(
                    "unreadable timing `{}` (expected `00:00:01,000 --> 00:00:04,000`)",
                    clip(timing)
                ),
            )
        })?;
        let mut j = timing_idx + 1;
        let mut text = String::new();
        while j < lines.len() && !lines[j].trim().is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(lines[j]);
            j += 1;
        }
        cues.push(RawCue {
            id: id.into(),
            start_ms,
            end_ms,
            text: strip_ass_overrides(&text).into(),
            line: timing_idx + 1,
        });
        i = j;
    }
    Ok(cues)
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    super::cuetext::clean_line(&out).into_owned()
}

fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = parse_time(a.trim())?;
    // Anything after the end time (SRT position hints like `X1:...`) is ignored.
    let end = parse_time(b.split_whitespace().next()?)?;
    Some((start, end))
}

/// `H:MM:SS,mmm` (or `MM:SS,mmm`) with `,` or `.`; one to three fraction digits; minutes
/// and seconds always two digits, so a line cut short is not read as a time.
fn parse_time(s: &str) -> Option<u64> {
    let (hms, frac) = s.split_once([',', '.']).unwrap_or((s, "0"));
    let digits = |p: &str, min: usize, max: usize| {
        (p.len() >= min && p.len() <= max && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (digits(h, 1, 3)?, digits(m, 2, 2)?, digits(s, 2, 2)?),
        [m, s] => (0, digits(m, 2, 2)?, digits(s, 2, 2)?),
        _ => return None,
    };
    let ms = digits(frac, 1, 3)? * 10u64.pow(3 - frac.len() as u32);
    if m > 59 || sec > 59 {
        return None;
    }
    Some(h * 3_600_000 + m * 60_000 + sec * 1000 + ms)
}

/// Removes `{\...}` override blocks some SRT writers copy from ASS subtitles.
fn strip_ass_overrides(s: &str) -> String {
    if !s.contains("{\\") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("{\\") {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_srt() {
        let cues = parse("1\n00:00:01,000 --> 00:00:04,500\n{\\an8}Катя: Привет\nкак дела\n\n2\n00:00:05.000 --> 00:00:06.000\nHi\n").unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 4500));
        assert_eq!(cues[0].text, "Катя: Привет\nкак дела");
        assert_eq!(cues[1].start_ms, 5000);
    }

    #[test]
    fn garbage_is_an_error_with_a_line() {
        let err = parse("1\n00:00:01,000 --> 00:00:04,500\nok\n\nhello there\n").unwrap_err();
        assert_eq!(err.line, Some(5));
        let err = parse("1\n00:00:01,000 --> 00:0x:04,500\nok\n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
