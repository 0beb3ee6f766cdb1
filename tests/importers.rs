//! Importers on real-shaped files: every format, every encoding we promise, line endings,
//! speaker labels, alignment of a translation whose cues are not one to one, canonical
//! positions, and bad input that must produce a clear message instead of a panic.

use intercode::transcript::{
    align::align_by_time, encoding, parse_bytes, Format, Imported, Transcript,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

fn import(bytes: &[u8], name: &str) -> Imported {
    parse_bytes(bytes, Path::new(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn speakers_and_texts(imp: &Imported) -> Vec<(Option<&str>, &str)> {
    imp.segments
        .iter()
        .map(|s| (s.speaker.as_deref(), s.text.as_str()))
        .collect()
}

#[test]
fn zoom_cloud_vtt_with_cyrillic_names_and_speakerless_cues() {
    let (_, bytes) = fixture("zoom_cloud.ru.vtt");
    let imp = import(&bytes, "zoom_cloud.ru.vtt");
    assert_eq!(imp.format, Format::WebVtt);
    let got = speakers_and_texts(&imp);
    let name = Some("Анна-Мария Петрова (Нови Сад)");
    assert_eq!(
        got,
        vec![
            (Some("Интервьюер"), "Добрый день! Меня хорошо слышно?"),
            (name, "Да, слышно. Подождите, включу камеру."),
            (None, "[смеётся]"),
            (
                Some("Интервьюер"),
                "Вопрос простой: почему вы выбрали Сербию?"
            ),
            (
                name,
                "Ну, во-первых, безвиз. А во-вторых, язык похож, и друзья уже были в Београде."
            ),
            (Some("ana"), "Запись идёт, всё в порядке."),
            (None, "Тогда я ей сказала: уезжаем, и всё."),
        ]
    );
    assert_eq!(
        (imp.segments[0].start_ms, imp.segments[0].end_ms),
        (1020, 4310)
    );
}

#[test]
fn crlf_bom_utf16_and_legacy_encodings_give_identical_transcripts() {
    let (_, bytes) = fixture("zoom_cloud.ru.vtt");
    let text = String::from_utf8(bytes.clone()).unwrap();
    let reference = import(&bytes, "a.vtt").segments;
    let crlf = text.replace('\n', "\r\n");
    let mut bom_crlf = vec![0xEF, 0xBB, 0xBF];
    bom_crlf.extend_from_slice(crlf.as_bytes());
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        ("crlf", crlf.clone().into_bytes(), "UTF-8"),
        ("bom+crlf", bom_crlf, "UTF-8"),
        ("utf-16le", encoding::utf16le_with_bom(&crlf), "UTF-16LE"),
        ("utf-16be", encoding::utf16be_with_bom(&text), "UTF-16BE"),
        (
            "windows-1251",
            encoding_rs::WINDOWS_1251.encode(&crlf).0.into_owned(),
            "windows-1251",
        ),
        (
            "koi8-r",
            encoding_rs::KOI8_R.encode(&text).0.into_owned(),
            "KOI8-R",
        ),
    ];
    for (what, bytes, enc) in variants {
        let imp = import(&bytes, "a.vtt");
        assert_eq!(imp.encoding, enc, "{what}");
        assert_eq!(imp.segments, reference, "{what}");
        assert!(
            !imp.normalised.contains('\r') && !imp.normalised.starts_with('\u{feff}'),
            "{what}"
        );
    }
}

#[test]
fn generic_webvtt_voices_markup_and_blocks() {
    let (_, bytes) = fixture("voices.en.vtt");
    let imp = import(&bytes, "voices.en.vtt");
    assert_eq!(
        speakers_and_texts(&imp),
        vec![
            (
                Some("Interviewer"),
                "Thank you for joining & for agreeing to the recording."
            ),
            (Some("Oleg"), "I was very nervous at first, uh, I admit it."),
            (Some("Oleg"), "Then it got easier. Much easier."),
            (None, "<crosstalk>"),
        ]
    );
    assert_eq!(imp.segments[0].start_ms, 1000);
    assert_eq!(imp.segments[1].end_ms, 9250);
}

#[test]
fn zoom_saved_transcript_txt() {
    let (_, bytes) = fixture("saved_transcript.txt");
    // Russian Zoom installations on Windows save in Windows-1251.
    let cp1251 = encoding_rs::WINDOWS_1251
        .encode(std::str::from_utf8(&bytes).unwrap())
        .0;
    for b in [bytes.clone(), cp1251.into_owned()] {
        let imp = import(&b, "P06.ru.txt");
        assert_eq!(imp.format, Format::ZoomTxt);
        let got: Vec<(u64, u64, Option<&str>, &str)> = imp
            .segments
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.speaker.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 4000, Some("Interviewer"), "Shall we begin?"),
                (4000, 22000, Some("Ирина"), "Да, давайте. Я готова."),
                (
                    22000,
                    29000,
                    Some("Interviewer"),
                    "When did you arrive in Novi Sad?"
                ),
                (29000, 30600, Some("Ирина"), "В январе двадцать третьего."),
            ]
        );
    }
}

#[test]
fn srt_with_tags() {
    let (_, bytes) = fixture("subtitles.srt");
    let imp = import(&bytes, "P04.en.srt");
    assert_eq!(imp.format, Format::Srt);
    assert_eq!(
        speakers_and_texts(&imp),
        vec![
            (Some("Interviewer"), "Do you feel safe here?"),
            (
                Some("Lera"),
                "Yes, mostly. Safer than in Moscow, to be honest."
            ),
            (None, "[laughs]"),
        ]
    );
}

#[test]
fn sample_p05_translation_with_merged_cues_aligns() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts");
    let load = |lang: &str| {
        let p = dir.join(format!("P05.{lang}.vtt"));
        let imp = intercode::transcript::parse_file(&p).unwrap();
        Transcript::new("P05", lang, imp.segments)
    };
    let (ru, en) = (load("ru"), load("en"));
    assert!(
        ru.segments.len() > en.segments.len(),
        "the English version merges cues"
    );
    let al = align_by_time(&ru.segments, &en.segments);
    // Every segment of both sides is in exactly one group, in order.
    let (mut i, mut j) = (0, 0);
    for (a, b) in &al.groups {
        assert_eq!((a.start, b.start), (i, j));
        (i, j) = (a.end, b.end);
    }
    assert_eq!((i, j), (ru.segments.len(), en.segments.len()));
    // Merged pairs: two Russian cues map to one English cue, whose text starts with the
    // translation of the first.
    let merged: Vec<_> = al
        .groups
        .iter()
        .filter(|(a, b)| a.len() == 2 && b.len() == 1)
        .collect();
    assert_eq!(merged.len(), ru.segments.len() - en.segments.len());
    assert!(al.groups.iter().all(|(a, b)| a.len() <= 2 && b.len() == 1));
}

#[test]
fn canonical_positions_on_combining_marks_and_emoji() {
    let f = "WEBVTT\n\n00:01.000 --> 00:02.000\nКатя: Приве\u{301}т 👋🏽!\n\n00:02.000 --> 00:03.000\nКатя: ещё 🇷🇸 раз\n";
    let imp = import(f.as_bytes(), "x.ru.vtt");
    let t = Transcript::new("X", "ru", imp.segments);
    assert_eq!(t.text(), "Приве\u{301}т 👋🏽!\nещё 🇷🇸 раз");
    // "Приве" 5 + combining acute 1 + "т" 1 + space 1 = 8; waving hand + skin tone = 2.
    assert_eq!(t.slice(8..10), "👋🏽");
    assert_eq!(t.segment_span(0), 0..11);
    assert_eq!(t.segment_span(1), 12..22);
    assert_eq!(t.slice(16..18), "🇷🇸");
}

mod bad_input {
    use super::*;

    fn err(bytes: &[u8], name: &str) -> String {
        parse_bytes(bytes, Path::new(name)).unwrap_err().to_string()
    }

    #[test]
    fn empty_and_binary_files() {
        assert_eq!(err(b"", "P01.ru.vtt"), "P01.ru.vtt: the file is empty");
        let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
        assert!(err(&binary, "P01.ru.vtt").contains("binary"));
        // A PNG header renamed to .srt.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
        assert!(err(png, "x.srt").starts_with("x.srt: "));
    }

    #[test]
    fn truncated_cue() {
        // The file ends in the middle of a timing line: that cue is unreadable and reported,
        // the rest imports.
        let f = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nКатя: Да.\n\n2\n00:00:03.000 --> 00:0";
        let imp = import(f.as_bytes(), "t.vtt");
        assert_eq!(imp.segments.len(), 1);
        assert_eq!(imp.warnings.len(), 1);
        assert_eq!(imp.warnings[0].0, 8);
        // Truncated SRT is an error with the line.
        let e = err(b"1\n00:00:01,000 --> 00:00:0", "t.srt");
        assert!(e.starts_with("t.srt:2: unreadable timing"), "{e}");
    }

    #[test]
    fn timestamps_out_of_order() {
        let f = "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA: one\n\n00:00:01.000 --> 00:00:02.000\nA: two\n";
        let e = err(f.as_bytes(), "o.vtt");
        assert!(e.starts_with("o.vtt:6: timestamps out of order"), "{e}");
    }

    #[test]
    fn escape_sequences_never_reach_the_text() {
        let f = "WEBVTT\n\n00:01.000 --> 00:02.000\n\u{1b}[31mEvil\u{1b}[0m: \u{1b}]52;c;ZWNobyBwd25lZA==\u{7}clipboard \u{9b}2J\u{8}\u{8}x\n";
        let imp = import(f.as_bytes(), "e.vtt");
        for s in &imp.segments {
            assert!(!s.text.chars().any(char::is_control), "{:?}", s.text);
            assert!(!s
                .speaker
                .as_deref()
                .unwrap_or("")
                .chars()
                .any(char::is_control));
        }
    }

    #[test]
    fn a_fifty_megabyte_file_imports() {
        let mut f = String::from("WEBVTT\n\n");
        let mut i = 0u64;
        while f.len() < 50 * 1024 * 1024 {
            let (a, b) = (i * 3000, i * 3000 + 2500);
            f.push_str(&format!(
                "{}\n{} --> {}\nИнтервьюер: Расскажите, пожалуйста, как вы оказались в Сербии? Segment {i}.\n\n",
                i + 1,
                intercode::transcript::format_time(a),
                intercode::transcript::format_time(b)
            ));
            i += 1;
        }
        let imp = import(f.as_bytes(), "big.vtt");
        assert_eq!(imp.segments.len() as u64, i);
    }
}
