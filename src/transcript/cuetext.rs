//! From raw cue text to transcript text: WebVTT markup (`<v Name>`, `<i>`, `<c.class>`,
//! timestamps) is removed, the first voice tag gives the speaker, character references are
//! decoded, lines are joined with a space (a segment's text never contains a line break, since
//! line breaks separate segments in the canonical text) and control characters are dropped
//! (transcript text is displayed in terminals and must never carry escape sequences).

use std::borrow::Cow;

/// Plain text of a cue and the speaker named by its first `<v>` tag, if any. Plain cues
/// (the common case) come back borrowed.
pub fn plain_text(raw: &str) -> (Option<String>, Cow<'_, str>) {
    if memchr::memchr2(b'<', b'&', raw.as_bytes()).is_none() {
        return (None, clean_line(raw));
    }
    let mut voice = None;
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(lt) = rest.find(['<', '&']) {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        if tail.starts_with('<') {
            match tail.find('>') {
                Some(gt) => {
                    let tag = &tail[1..gt];
                    if voice.is_none() {
                        voice = voice_name(tag);
                    }
                    rest = &tail[gt + 1..];
                }
                // An unclosed `<` runs to the end of the cue in the spec's tokenizer.
                None => rest = "",
            }
        } else {
            let (decoded, used) = char_reference(tail);
            out.push_str(&decoded);
            rest = &tail[used..];
        }
    }
    out.push_str(rest);
    (voice, Cow::Owned(clean_line(&out).into_owned()))
}

/// Collapses line breaks and tabs to spaces, drops control characters (C0, DEL, C1) and
/// trims the ends.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    // Fast path: nothing to replace (C1 controls are U+0080..U+009F, UTF-8 lead byte 0xC2).
    // A non-short-circuiting fold lets the compiler vectorise the scan.
    let special = s
        .bytes()
        .fold(false, |acc, b| acc | (b < 0x20) | (b == 0x7f) | (b == 0xc2));
    if !special {
        return Cow::Borrowed(s.trim());
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    Cow::Owned(if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    })
}

/// Text safe to show on a terminal, on one line: line breaks and tabs become spaces, other
/// control characters (escape sequences, bells) and bidirectional controls (which reorder
/// what follows them, U+202E among them) become U+FFFD. Used by every shell and report for
/// strings read from files (speaker names, memos, codebooks, quotes).
pub fn inert(s: &str) -> Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control() || is_bidi_control(c)
    }
    if s.chars().any(unsafe_char) {
        s.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if unsafe_char(c) => '\u{FFFD}',
                c => c,
            })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// Text kept as data (JSON, CSV) but never carrying what a terminal or a viewer would act
/// on: line breaks (a document's CRLF too) and tabs stay, other control characters (ESC,
/// C1) and bidirectional controls become U+FFFD.
pub fn data_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c);
    if s.chars().any(bad) {
        s.chars()
            .map(|c| if bad(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// Text for XML (REFI-QDA files, SVG): markup characters escaped, control characters other
/// than line breaks and tabs dropped (XML 1.0 cannot hold them).
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Unicode's explicit bidirectional formatting characters.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn voice_name(tag: &str) -> Option<String> {
    let body = tag.strip_prefix('v')?;
    // `<v Name>` or `<v.class Name>`; `<vertical>` is not a voice tag.
    let body = match body.chars().next()? {
        '.' => body.split_once([' ', '\t'])?.1,
        ' ' | '\t' => body,
        _ => return None,
    };
    let name = clean_line(&decode_references(body)).into_owned();
    (!name.is_empty()).then_some(name)
}

fn decode_references(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let (d, used) = char_reference(&rest[amp..]);
        out.push_str(&d);
        rest = &rest[amp + used..];
    }
    out.push_str(rest);
    out
}

/// Decodes one character reference at the start of `s` (which starts with `&`). Returns the
/// text and how many bytes were consumed; an unknown reference is kept literally.
fn char_reference(s: &str) -> (String, usize) {
    const NAMED: [(&str, &str); 6] = [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", "\u{a0}"),
        ("&lrm;", "\u{200e}"),
        ("&rlm;", "\u{200f}"),
    ];
    for (name, value) in NAMED {
        if s.starts_with(name) {
            return (value.to_string(), name.len());
        }
    }
    if let Some(num) = s.strip_prefix("&#") {
        if let Some(semi) = num.find(';').filter(|i| *i <= 8) {
            let digits = &num[..semi];
            let code = match digits.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => digits.parse().ok(),
            };
            if let Some(ch) = code.and_then(char::from_u32) {
                return (ch.to_string(), 2 + semi + 1);
            }
        }
    }
    ("&".to_string(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_tags_give_the_speaker() {
        assert_eq!(
            plain_text("<v Мария Петровна>Да, <i>конечно</i>.</v>"),
            (Some("Мария Петровна".into()), "Да, конечно.".into())
        );
        assert_eq!(
            plain_text("<v.loud Bob>Hi"),
            (Some("Bob".into()), "Hi".into())
        );
        assert_eq!(plain_text("<vertical>x").0, None);
    }

    #[test]
    fn entities_timestamps_and_lines() {
        assert_eq!(
            plain_text("a &amp; b &lt;3 <00:01.500>next\nline &#1046; &bogus;").1,
            "a & b <3 next line Ж &bogus;"
        );
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(
            plain_text("\u{1b}[2J\u{1b}]0;pwned\u{7}ok\u{9b}").1,
            "[2J]0;pwnedok"
        );
    }
}
