//! Property tests: no input makes an importer panic, generated transcripts survive a write
//! and re-read unchanged, and alignment always partitions both sides in order.

use intercode::transcript::{
    align::align_by_time, format_time, parse_bytes, srt, webvtt, zoom_txt, Segment, Transcript,
};
use proptest::prelude::*;
use std::path::Path;

/// Bytes that are often close to a transcript: fragments of real syntax mixed with noise.
fn transcript_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"WEBVTT\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"00:00:01.000 --> 00:00:02.000".to_vec()),
        Just(b"00:01,5 --> 99:99".to_vec()),
        Just(b"-->".to_vec()),
        Just(b"[Name] 12:00:00\n".to_vec()),
        Just("Катя: привет".as_bytes().to_vec()),
        Just(b"<v Bob>".to_vec()),
        Just(b"&amp;&#99999999;&#x;".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\x1b[2J".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn importers_never_panic(bytes in transcript_like()) {
        for name in ["a.vtt", "a.srt", "a.txt", "a"] {
            let _ = parse_bytes(&bytes, Path::new(name));
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = webvtt::parse(&text);
        let _ = srt::parse(&text);
        let _ = zoom_txt::parse(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for name in ["a.vtt", "a.srt", "a.txt"] {
            let _ = parse_bytes(&bytes, Path::new(name));
        }
    }

    #[test]
    fn written_vtt_reads_back_identically(
        cues in proptest::collection::vec(
            (0u64..5000, 1u64..8000, proptest::option::of("[A-ZА-Я][a-zа-яё]{1,8}( [A-ZА-Я][a-zа-я]{1,8})?"), "[a-zа-яё0-9 ,.?!🙂-]{1,60}"),
            1..30)
    ) {
        let mut t = 0u64;
        let mut file = String::from("WEBVTT\n\n");
        let mut expected = Vec::new();
        for (i, (gap, dur, speaker, text)) in cues.iter().enumerate() {
            let text = text.trim();
            prop_assume!(!text.is_empty() && !text.contains(": "));
            let (start, end) = (t + gap, t + gap + dur);
            t = start;
            let line = match speaker { Some(s) => format!("{s}: {text}"), None => text.to_string() };
            file.push_str(&format!("{}\n{} --> {}\n{line}\n\n", i + 1, format_time(start), format_time(end)));
            expected.push(Segment::new(i, start, end, speaker.as_deref(), text));
        }
        let imp = parse_bytes(file.as_bytes(), Path::new("p.vtt")).unwrap();
        prop_assert_eq!(imp.segments, expected);
    }

    #[test]
    fn alignment_partitions_both_sides(
        left in proptest::collection::vec((0u64..3000, 1u64..5000), 0..40),
        right in proptest::collection::vec((0u64..3000, 1u64..5000), 0..40),
    ) {
        let build = |v: &[(u64, u64)]| {
            let mut t = 0;
            v.iter().enumerate().map(|(i, (gap, dur))| { t += gap; let s = Segment::new(i, t, t + dur, None, "x"); t += dur; s }).collect::<Vec<_>>()
        };
        let (l, r) = (build(&left), build(&right));
        let al = align_by_time(&l, &r);
        let (mut i, mut j) = (0, 0);
        for (a, b) in &al.groups {
            prop_assert_eq!((a.start, b.start), (i, j));
            prop_assert!(!a.is_empty() || !b.is_empty());
            i = a.end;
            j = b.end;
        }
        prop_assert_eq!((i, j), (l.len(), r.len()));
        for x in 0..l.len() {
            for y in al.other_side(x) {
                prop_assert!(al.this_side(y).contains(&x));
            }
        }
    }

    #[test]
    fn slices_agree_with_char_positions(texts in proptest::collection::vec("\\PC{0,20}", 1..10)) {
        let segs: Vec<Segment> = texts.iter().enumerate().map(|(i, t)| Segment::new(i, 0, 0, None, t)).collect();
        let t = Transcript::new("X", "ru", segs);
        let chars: Vec<char> = t.text().chars().collect();
        prop_assert_eq!(chars.len(), t.char_len());
        for (i, text) in texts.iter().enumerate() {
            let span = t.segment_span(i);
            prop_assert_eq!(t.slice(span.clone()), text.as_str());
            let expected: String = chars[span].iter().collect();
            prop_assert_eq!(t.slice(t.segment_span(i)), expected.as_str());
        }
    }

    /// A document is its text exactly: any text (CRLF, lone CR, tabs, blank lines, controls,
    /// long lines) gives segments whose slices are their texts, positions that map to the
    /// right bytes everywhere, and a cursor that always lands inside the text.
    #[test]
    fn a_document_keeps_any_text_and_maps_every_position(
        pieces in proptest::collection::vec(prop_oneof![
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\n".to_string()),
            Just("  ".to_string()),
            Just("\t".to_string()),
            Just("Страх. ".repeat(120)),
            Just("👩‍👩‍👧".to_string()),
            "\\PC{0,12}",
            "[\\x00-\\x1f]{0,3}",
        ], 0..20),
        forward in any::<bool>(),
    ) {
        let text = pieces.concat();
        let t = Transcript::document("D", "en", text.clone());
        prop_assert_eq!(t.text(), text.as_str());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        prop_assert_eq!(t.char_len(), chars.len());
        for (i, seg) in t.segments.iter().enumerate() {
            prop_assert_eq!(t.slice(t.segment_span(i)), seg.text.as_str());
            prop_assert!(!seg.text.is_empty() && !seg.text.contains(['\n', '\r']));
        }
        for pos in 0..=chars.len() {
            let want = chars.get(pos).map_or(text.len(), |(b, _)| *b);
            prop_assert_eq!(t.byte_offset(pos), want);
            let snapped = t.snap(pos, forward);
            prop_assert!(snapped <= chars.len());
        }
        if !t.segments.is_empty() {
            // Written and read back as a `.text` file, it is the same document.
            let imp = parse_bytes(text.as_bytes(), Path::new("D.en.text")).unwrap();
            let back = imp.transcript("D", "en");
            prop_assert_eq!(back.text(), text.as_str());
            prop_assert_eq!(back.segments.len(), t.segments.len());
        }
    }
}
