//! A fast reader for codings files in exactly the layout [`CodingFile::to_json`] writes, and
//! the writer of one coding's line in that layout.
//!
//! Loading a million codings is mostly string scanning, and serde_json scans strings a byte
//! at a time. Files this tool wrote have a fixed shape (one header line, one coding per line,
//! keys in a fixed order, no escapes in most strings), so this reader walks that shape with
//! `memchr` and gives up, returning `None`, at the first byte that differs: a reordered key,
//! extra spaces, anything hand-edited. (A string with escapes is handed to serde_json alone.)
//! The caller then parses the file with serde_json, which also gives the error messages. So
//! this reader never decides whether a file is valid; it only takes the common case faster,
//! and a property test checks that it agrees with serde_json on every file it accepts.

use super::{Coding, CodingFile, Origin, Quote, Quotes};
use compact_str::CompactString;
use std::borrow::Cow;

/// Parses `text` if it is in the canonical layout; `None` means "use serde_json".
pub(super) fn parse(text: &str, quotes: Quotes) -> Option<CodingFile> {
    // serde_json refuses raw control characters inside strings; the only one the layout
    // has between them is the newline, which `Cursor::string` refuses inside a string.
    if has_control(text.as_bytes()) {
        return None;
    }
    let mut c = Cursor {
        s: text,
        pos: 0,
        quotes,
    };
    c.lit("{\"version\": ")?;
    let version = u32::try_from(c.uint()?).ok()?;
    c.lit(", \"coder\": ")?;
    let coder = c.string()?.into_owned();
    c.lit(", \"interview\": ")?;
    let interview = c.string()?.into_owned();
    c.lit(", \"codings\": [")?;
    // One coding per line: the line count bounds the number of codings, so the vector is
    // allocated once (capped so a strange file cannot ask for a huge allocation up front).
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let mut codings = Vec::with_capacity(lines.min(1 << 20));
    if c.lit("\n").is_some() {
        loop {
            codings.push(c.coding()?);
            if c.lit(",\n").is_none() {
                c.lit("\n")?;
                break;
            }
        }
    }
    c.lit("]}")?;
    if !c
        .rest()
        .bytes()
        .all(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        return None;
    }
    Some(CodingFile {
        version,
        coder,
        interview,
        codings,
    })
}

/// Whether `bytes` has a control character other than the newline. Checked in blocks
/// without an early exit inside a block, so that the compiler vectorises it.
fn has_control(bytes: &[u8]) -> bool {
    bytes.chunks(256).any(|block| {
        block
            .iter()
            .fold(0u8, |m, &b| m | u8::from(b < 0x20 && b != b'\n'))
            != 0
    })
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
    quotes: Quotes,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    /// Consumes `lit` if the text continues with it.
    fn lit(&mut self, lit: &str) -> Option<()> {
        self.rest().starts_with(lit).then(|| self.pos += lit.len())
    }

    /// A JSON string. Without escapes (nearly every string) its content is borrowed from
    /// the text as it is; with escapes (a quote that quotes someone: `\"`) the literal is
    /// handed to serde_json, which unescapes and checks it.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.pos;
        self.lit("\"")?;
        let bytes = self.s.as_bytes();
        let mut at = self.pos;
        let mut escaped = false;
        loop {
            // Other control characters were ruled out for the whole file at once by `parse`;
            // a raw newline inside a string is one more thing serde_json refuses.
            let n = memchr::memchr3(b'"', b'\\', b'\n', &bytes[at..])?;
            match bytes[at + n] {
                b'"' => {
                    let end = at + n;
                    self.pos = end + 1;
                    // `"` is ASCII, so both ends are on character boundaries.
                    return if escaped {
                        serde_json::from_str::<String>(&self.s[start..=end])
                            .ok()
                            .map(Cow::Owned)
                    } else {
                        Some(Cow::Borrowed(&self.s[start + 1..end]))
                    };
                }
                b'\\' => {
                    // Skip the escaped character: `\"` does not end the string. (`\uXXXX`
                    // has no quote or backslash in its digits.)
                    escaped = true;
                    at += n + 2;
                    if at > bytes.len() {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    /// A non-negative integer as JSON writes it: no sign, no leading zero, no fraction.
    fn uint(&mut self) -> Option<usize> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let d = &self.rest()[..digits];
        if digits == 0 || (digits > 1 && d.starts_with('0')) {
            return None;
        }
        let n = d.parse().ok()?;
        self.pos += digits;
        Some(n)
    }

    fn coding(&mut self) -> Option<Coding> {
        self.lit("{\"id\":")?;
        let id = self.string()?.into_owned();
        self.lit(",\"lang\":")?;
        let lang = CompactString::from(self.string()?.as_ref());
        self.lit(",\"start\":")?;
        let start = self.uint()?;
        self.lit(",\"end\":")?;
        let end = self.uint()?;
        self.lit(",\"code\":")?;
        let code = CompactString::from(self.string()?.as_ref());
        self.lit(",\"quote\":")?;
        // A fingerprint is hashed from the borrowed text: no copy, no allocation.
        let quote = match self.quotes {
            Quotes::Whole => Quote::from(self.string()?.into_owned()),
            Quotes::Fingerprints => Quote::fingerprint_of(&self.string()?),
        };
        self.lit(",\"memo\":")?;
        let memo = self.string()?.into_owned();
        self.lit(",\"created\":")?;
        let created = CompactString::from(self.string()?.as_ref());
        self.lit(",\"origin\":")?;
        let origin = match self.string()?.as_ref() {
            "manual" => Origin::Manual,
            "suggested-accepted" => Origin::SuggestedAccepted,
            "copied" => Origin::Copied,
            "suggested" => Origin::Suggested,
            _ => return None,
        };
        // The model that suggested it, when there is one (written only then).
        let model = if self.s[self.pos..].starts_with(",\"model\":") {
            self.lit(",\"model\":")?;
            Some(CompactString::from(self.string()?.as_ref()))
        } else {
            None
        };
        self.lit("}")?;
        Some(Coding {
            id,
            lang,
            start,
            end,
            code,
            quote,
            memo,
            created,
            origin,
            model,
        })
    }
}

/// A coding loaded for analysis keeps only its quote's fingerprint: it cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a quote loaded only as a fingerprint cannot be written; read the file whole")]
pub struct FingerprintOnly;

/// Appends `c` as one line of JSON, exactly as `serde_json::to_string` writes it (keys in
/// field order, no spaces), without serde's byte-at-a-time escaping: nearly every string needs
/// none, and saving a coding rewrites its interview's whole file (5,000 codings is 2 MB).
/// Fails for a quote loaded as a fingerprint only.
pub(super) fn write_line(out: &mut String, c: &Coding) -> Result<(), FingerprintOnly> {
    let quote = c.quote.text().ok_or(FingerprintOnly)?;
    out.push_str("{\"id\":");
    string(out, &c.id);
    out.push_str(",\"lang\":");
    string(out, &c.lang);
    out.push_str(",\"start\":");
    out.push_str(itoa::Buffer::new().format(c.start));
    out.push_str(",\"end\":");
    out.push_str(itoa::Buffer::new().format(c.end));
    out.push_str(",\"code\":");
    string(out, &c.code);
    out.push_str(",\"quote\":");
    string(out, quote);
    out.push_str(",\"memo\":");
    string(out, &c.memo);
    out.push_str(",\"created\":");
    string(out, &c.created);
    out.push_str(",\"origin\":\"");
    out.push_str(c.origin.as_str());
    out.push('"');
    if let Some(m) = &c.model {
        out.push_str(",\"model\":");
        string(out, m);
    }
    out.push('}');
    Ok(())
}

/// A JSON string as serde_json writes it; one that needs escaping is written by serde_json.
fn string(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Checked in blocks without an early exit inside a block, so that both scans vectorise.
    let control = b
        .chunks(64)
        .any(|block| block.iter().fold(false, |m, &x| m | (x < 0x20)));
    if control || memchr::memchr2(b'"', b'\\', b).is_some() {
        // serde_json cannot fail to write a string into memory.
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(quote: &str, memo: &str) -> Coding {
        Coding {
            id: "0193a2b4-0000-7000-8000-000000000001".into(),
            lang: "ru".into(),
            start: 10,
            end: 20,
            code: "fear.deportation".into(),
            quote: quote.into(),
            memo: memo.into(),
            created: "2026-11-22T10:00:00Z".into(),
            origin: Origin::SuggestedAccepted,
            model: None,
        }
    }

    fn parse_whole(text: &str) -> Option<CodingFile> {
        parse(text, Quotes::Whole)
    }

    fn file(codings: Vec<Coding>) -> CodingFile {
        let mut f = CodingFile::new("ана", "P01");
        f.codings = codings;
        f
    }

    use proptest::prelude::*;

    /// Strings that exercise the JSON writer: quotes, backslashes, control characters,
    /// Cyrillic, emoji and combining marks.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("страх".to_string()),
                Just("fear ".to_string()),
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just("\n".to_string()),
                Just("\u{1}".to_string()),
                Just("👩‍👩‍👧".to_string()),
                Just("е\u{308}".to_string()),
                any::<char>().prop_map(String::from),
            ],
            0..6,
        )
        .prop_map(|v| v.concat())
    }

    fn arb_coding() -> impl Strategy<Value = Coding> {
        (text(), text(), 0usize..100_000, 0usize..100, 0u8..4).prop_map(
            |(quote, memo, start, len, origin)| Coding {
                id: format!("id-{start}"),
                lang: if start % 2 == 0 { "ru" } else { "en" }.into(),
                start,
                end: start + len,
                code: "fear".into(),
                quote: quote.into(),
                memo,
                created: "2026-11-22T10:00:00Z".into(),
                origin: [
                    Origin::Manual,
                    Origin::Copied,
                    Origin::SuggestedAccepted,
                    Origin::Suggested,
                ][origin as usize],
                // A learned suggestion names its model (any text: escapes too).
                model: (origin == 3).then(|| format!("logreg-1-{start}\"\\é").into()),
            },
        )
    }

    proptest! {
        /// Whatever the writer produced, and whatever a stray edit did to it, the fast
        /// reader either gives up or agrees with serde_json exactly.
        #[test]
        fn agrees_with_serde_json(
            codings in proptest::collection::vec(arb_coding(), 0..6),
            cut in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            // Each line is what serde_json writes for the coding.
            for c in &codings {
                let mut line = String::new();
                write_line(&mut line, c).unwrap();
                prop_assert_eq!(line, serde_json::to_string(c).unwrap());
            }
            let mut f = file(codings);
            f.sort();
            let json = f.to_json().unwrap();
            let serde: CodingFile = serde_json::from_str(&json).unwrap();
            if let Some(fast) = parse(&json, Quotes::Whole) {
                prop_assert_eq!(&fast, &serde);
                // Loaded for analysis: the same codings, each quote only fingerprinted (a
                // fingerprint equals a whole quote when it is that quote's fingerprint).
                let prints = parse(&json, Quotes::Fingerprints).expect("same layout");
                prop_assert_eq!(&prints, &serde);
                prop_assert!(prints.codings.iter().all(|c| c.quote.text().is_none()));
            }
            // One byte replaced: if the result is still text, both readers must agree on it.
            let mut bytes = json.into_bytes();
            let at = cut.index(bytes.len());
            bytes[at] = byte;
            if let Ok(edited) = std::str::from_utf8(&bytes) {
                if let Some(fast) = parse(edited, Quotes::Whole) {
                    let serde: Result<CodingFile, _> = serde_json::from_str(edited);
                    prop_assert_eq!(Some(fast), serde.ok());
                }
            }
        }
    }

    #[test]
    fn the_sample_coders_files_take_the_fast_path() {
        // Every file in the bundled study was written by this tool, so every one must take
        // the fast path (they quote speech, so they have escaped quotes) and read the same.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codings");
        let (mut fast, mut slow) = (0, 0);
        for coder in std::fs::read_dir(root).unwrap().flatten() {
            for f in std::fs::read_dir(coder.path()).unwrap().flatten() {
                if f.path().extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let text = std::fs::read_to_string(f.path()).unwrap();
                let serde: CodingFile = serde_json::from_str(&text).unwrap();
                match parse(&text, Quotes::Whole) {
                    Some(file) => {
                        assert_eq!(file, serde);
                        fast += 1;
                    }
                    None => slow += 1,
                }
            }
        }
        assert_eq!(slow, 0, "{fast} files took the fast path, {slow} did not");
    }

    #[test]
    fn reads_what_to_json_writes() {
        for f in [
            file(vec![]),
            file(vec![coding("Я боялась 👩‍👩‍👧", "")]),
            file(vec![coding("a", "m"), coding("b", "")]),
        ] {
            let json = f.to_json().unwrap();
            assert_eq!(parse(&json, Quotes::Whole).as_ref(), Some(&f), "{json}");
            let serde: CodingFile = serde_json::from_str(&json).unwrap();
            assert_eq!(serde, f);
        }
    }

    #[test]
    fn unescapes_strings_and_leaves_other_layouts_to_serde() {
        // Escaped quotes and newlines are unescaped (by serde_json, string by string).
        for (q, m) in [
            ("say \"no\"", ""),
            ("a", "line\nbreak"),
            ("back\\slash \u{1}", "\""),
        ] {
            let f = file(vec![coding(q, m)]);
            assert_eq!(parse(&f.to_json().unwrap(), Quotes::Whole), Some(f));
        }
        // Pretty-printed (hand-edited) and reordered keys.
        let f = file(vec![coding("a", "")]);
        assert!(parse(&serde_json::to_string_pretty(&f).unwrap(), Quotes::Whole).is_none());
        let reordered = f.to_json().unwrap().replace(
            "\"lang\":\"ru\",\"start\":10",
            "\"start\":10,\"lang\":\"ru\"",
        );
        assert!(parse(&reordered, Quotes::Whole).is_none());
        // Numbers serde_json would refuse or read differently.
        let json = f.to_json().unwrap();
        for (from, to) in [
            ("\"start\":10", "\"start\":010"),
            ("\"start\":10", "\"start\":-10"),
            ("\"start\":10", "\"start\":99999999999999999999999"),
        ] {
            assert!(parse_whole(&json.replace(from, to)).is_none(), "{to}");
        }
        // Unknown origin, trailing garbage, truncated file.
        assert!(parse_whole(&json.replace("suggested-accepted", "robot")).is_none());
        // Raw control characters inside a string, which serde_json refuses.
        assert!(parse_whole(&json.replace("\"a\"", "\"a\tb\"")).is_none());
        assert!(parse_whole(&json.replace("\"a\"", "\"a\nb\"")).is_none());
        assert!(parse(&format!("{json}x"), Quotes::Whole).is_none());
        assert!(parse(&json[..json.len() - 4], Quotes::Whole).is_none());
    }
}
