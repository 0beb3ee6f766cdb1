//! Zoom's local "save transcript" text: a `[Name] HH:MM:SS` line, then what was said, with
//! wall-clock times and no end times. Times become offsets from the first line (midnight
//! wrap-around handled); each segment ends where the next begins, and the last one lasts as
//! long as its words take to say.

use super::{ParseError, RawCue};

/// True if the line is a `[Name] HH:MM:SS` header.
pub fn is_header(line: &str) -> bool {
    parse_header(line).is_some()
}

fn parse_header(line: &str) -> Option<(&str, u64)> {
    let line = line.trim_end();
    let rest = line.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    let name = rest[..close].trim();
    let time = rest[close + 1..].trim();
    let parts: Vec<&str> = time.split(':').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, m, s): (u64, u64, u64) = (
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    );
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some((name, (h * 3600 + m * 60 + s) * 1000))
}

/// Parses the text (line endings already normalised).
pub fn parse(input: &str) -> Result<Vec<RawCue<'static>>, ParseError> {
    let mut cues: Vec<RawCue> = Vec::new();
    let mut first: Option<u64> = None;
    let mut day_offset = 0u64;
    let mut last_clock = 0u64;
    for (i, line) in input.split('\n').enumerate() {
        if let Some((name, clock)) = parse_header(line) {
            let base = *first.get_or_insert(clock);
            // A clock running backwards by hours means the meeting passed midnight.
            if clock + 12 * 3_600_000 < last_clock {
                day_offset += 24 * 3_600_000;
            }
            last_clock = clock;
            let t = (clock + day_offset).saturating_sub(base);
            cues.push(RawCue {
                id: "".into(),
                start_ms: t,
                end_ms: t,
                text: if name.is_empty() {
                    String::new().into()
                } else {
                    format!("{name}: ").into()
                },
                line: i + 1,
            });
        } else if line.trim().is_empty() {
            continue;
        } else {
            let cue = cues.last_mut().ok_or_else(|| {
                ParseError::at(
                    i + 1,
                    "text before the first `[Name] HH:MM:SS` line".to_string(),
                )
            })?;
            if !cue.text.is_empty() && !cue.text.ends_with(": ") {
                cue.text.to_mut().push(' ');
            }
            cue.text.to_mut().push_str(line.trim());
        }
    }
    if cues.is_empty() {
        return Err(ParseError::at(
            1,
            "no `[Name] HH:MM:SS` lines found".to_string(),
        ));
    }
    for k in 0..cues.len() {
        let next = cues.get(k + 1).map(|c| c.start_ms);
        cues[k].end_ms = match next {
            Some(n) if n > cues[k].start_ms => n,
            // The last line (or one stamped the same second as the next): as long as its
            // words take to say, at about 150 words a minute.
            _ => {
                let said = cues[k]
                    .text
                    .split_once(": ")
                    .map_or(cues[k].text.as_ref(), |x| x.1);
                let words = said.split_whitespace().count() as u64;
                cues[k].start_ms + (words * 400).max(1000)
            }
        };
    }
    Ok(cues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_text_and_derived_end_times() {
        let cues = parse("[Interviewer] 14:03:22\nДобрый день.\n\n[Катя Иванова] 14:03:25\nЗдравствуйте.\nСлышно?\n").unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (0, 3000));
        assert_eq!(cues[1].start_ms, 3000);
        assert_eq!(cues[1].text, "Катя Иванова: Здравствуйте. Слышно?");
        assert!(cues[1].end_ms > cues[1].start_ms);
    }

    #[test]
    fn midnight_wraps_forward() {
        let cues = parse("[A] 23:59:58\nx\n[B] 00:00:03\ny\n").unwrap();
        assert_eq!(cues[1].start_ms, 5000);
    }

    #[test]
    fn text_before_any_header_is_an_error() {
        assert_eq!(parse("hello\n[A] 10:00:00\nx").unwrap_err().line, Some(1));
    }
}
