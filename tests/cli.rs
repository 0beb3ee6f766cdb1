//! The real binary on real files: the bundled sample project, a fresh project built with
//! `init` and `import`, exit codes, and messages that name the file and line.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_intercode"))
}

fn run(project: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--project")
        .arg(project)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A new project in a temporary folder.
fn new_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let o = bin().arg("init").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (tmp, dir)
}

#[test]
fn check_on_the_sample_project_passes_and_summarises() {
    let o = run(&repo(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("6 x 2 languages (en, ru), 12 transcripts"),
        "{out}"
    );
    assert!(out.contains("codebook:     4 codes"), "{out}");
    assert!(out.contains("No problems found."), "{out}");
    for id in ["P01", "P02", "P03", "P04", "P05", "P06"] {
        assert!(out.contains(id), "{out}");
    }
}

#[test]
fn sample_interviews_are_long_enough_and_bilingual() {
    for id in ["P01", "P02", "P03", "P04", "P05", "P06"] {
        for lang in ["ru", "en"] {
            let o = run(
                &repo(),
                &["transcript", id, "--lang", lang, "--format", "json"],
            );
            assert!(o.status.success(), "{}", stderr(&o));
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            let segs = v["segments"].as_array().unwrap();
            assert!(segs.len() >= 60, "{id}.{lang}: {} cues", segs.len());
            let minutes = segs.last().unwrap()["end_ms"].as_u64().unwrap() / 60_000;
            assert!((20..=40).contains(&minutes), "{id}.{lang}: {minutes} min");
            let speakers: std::collections::BTreeSet<&str> =
                segs.iter().filter_map(|s| s["speaker"].as_str()).collect();
            assert_eq!(speakers.len(), 2, "{id}.{lang}: {speakers:?}");
        }
    }
}

#[test]
fn transcript_json_has_code_point_spans() {
    let o = run(
        &repo(),
        &["transcript", "P01", "--lang", "ru", "--format", "json"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["interview"], "P01");
    assert_eq!(v["lang"], "ru");
    let segs = v["segments"].as_array().unwrap();
    let mut canonical = String::new();
    for (i, s) in segs.iter().enumerate() {
        if i > 0 {
            canonical.push('\n');
        }
        let start = canonical.chars().count() as u64;
        canonical.push_str(s["text"].as_str().unwrap());
        assert_eq!(s["index"].as_u64(), Some(i as u64));
        assert_eq!(s["start"].as_u64(), Some(start));
        assert_eq!(s["end"].as_u64(), Some(canonical.chars().count() as u64));
        assert!(s["end_ms"].as_u64() >= s["start_ms"].as_u64());
    }
}

#[test]
fn import_detects_encoding_and_refuses_to_overwrite() {
    let (_tmp, dir) = new_project();
    // A Windows-1251 Zoom file with CRLF line endings, named by the researcher.
    let utf8 = std::fs::read_to_string(fixture("zoom_cloud.ru.vtt"))
        .unwrap()
        .replace('\n', "\r\n");
    let src = dir.parent().unwrap().join("P07.ru.vtt");
    std::fs::write(&src, encoding_rs::WINDOWS_1251.encode(&utf8).0).unwrap();
    let o = run(&dir, &["import", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("windows-1251"), "{}", stdout(&o));
    let stored = std::fs::read_to_string(dir.join("transcripts/P07.ru.vtt")).unwrap();
    assert_eq!(stored, utf8.replace("\r\n", "\n"));

    // Importing again is refused and changes nothing.
    std::fs::write(&src, "WEBVTT\n\n00:01.000 --> 00:02.000\nA: replaced\n").unwrap();
    let o = run(&dir, &["import", src.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists; pass --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("transcripts/P07.ru.vtt")).unwrap(),
        stored
    );
    let o = run(&dir, &["import", "--force", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Other formats, with the interview and language given explicitly.
    let o = run(
        &dir,
        &[
            "import",
            fixture("subtitles.srt").to_str().unwrap(),
            "--interview",
            "P07",
            "--lang",
            "en",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("transcripts/P07.en.srt").is_file());
    let o = run(&dir, &["transcript", "P07", "--lang", "en"]);
    assert_eq!(
        stdout(&o).lines().next(),
        Some("#0 [00:00:01.000] Interviewer: Do you feel safe here?")
    );
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 x 2 languages (en, ru)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_files_are_refused_with_file_and_line_and_nothing_is_written() {
    let (tmp, dir) = new_project();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("P08.ru.vtt", Vec::new(), "P08.ru.vtt: the file is empty"),
        (
            "P08.ru.vtt",
            b"WEBVTT\n\n00:05.000 --> 00:06.000\nA: x\n\n00:01.000 --> 00:02.000\nA: y\n".to_vec(),
            "P08.ru.vtt:6: timestamps out of order",
        ),
        (
            "P08.ru.vtt",
            encoding_rs::WINDOWS_1252
                .encode("WEBVTT\n\n00:01.000 --> 00:02.000\nCafé àéîõü ßøæ\n")
                .0
                .into_owned(),
            "cannot be determined confidently",
        ),
        (
            "P08.ru.srt",
            b"1\n00:00:01,000 --> 00:00:02,000\nok\n\nnot a cue\n".to_vec(),
            "P08.ru.srt:5:",
        ),
        (
            "P08.ru.vtt",
            b"webvtt\n\n00:01.000 --> 00:02.000\nx\n".to_vec(),
            "not a WebVTT file",
        ),
    ];
    for (name, bytes, expected) in cases {
        let src = tmp.path().join(name);
        std::fs::write(&src, &bytes).unwrap();
        let o = run(&dir, &["import", src.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(expected),
            "expected `{expected}` in: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
        let files: Vec<_> = std::fs::read_dir(dir.join("transcripts"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1, "only participants.csv is there");
    }
}

#[test]
fn check_lists_every_problem_with_file_and_line() {
    let (_tmp, dir) = new_project();
    std::fs::copy(
        fixture("zoom_cloud.ru.vtt"),
        dir.join("transcripts/P01.ru.vtt"),
    )
    .unwrap();
    std::fs::write(
        dir.join("transcripts/P02.en.vtt"),
        "WEBVTT\n\n00:02.000 --> 00:01.000\nA: x\n",
    )
    .unwrap();
    std::fs::write(dir.join("transcripts/notes.docx"), "x").unwrap();
    std::fs::write(
        dir.join("transcripts/participants.csv"),
        "id,gender\nP01,female\nP01,male\n",
    )
    .unwrap();
    let cb = dir.join("codebook/codebook.json");
    let text = std::fs::read_to_string(&cb)
        .unwrap()
        .replacen("\"#", "\"#zz", 1);
    std::fs::write(&cb, text).unwrap();
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("transcripts/P02.en.vtt:3: error: the cue ends"),
        "{out}"
    );
    assert!(
        out.contains("transcripts/notes.docx: warning: ignored"),
        "{out}"
    );
    assert!(
        out.contains("transcripts/participants.csv:3: error: interview `P01` is listed twice"),
        "{out}"
    );
    assert!(
        out.contains("codebook/codebook.json:") && out.contains(".color: `#zz"),
        "{out}"
    );
    assert!(out.contains("error(s)"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&repo(), &["transcript", "P99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown interview `P99`"),
        "{}",
        stderr(&o)
    );
    let o = run(&repo(), &["transcript", "P01", "--lang", "de"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&repo(), &["no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
    let o = bin()
        .args(["--project", "/nonexistent", "check"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an intercode project"));
    let o = run(&repo(), &["import", "whatever.vtt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["init", "check", "import", "transcript"] {
        let o = bin().args([cmd, "--help"]).output().unwrap();
        assert!(o.status.success());
        assert!(stdout(&o).contains("Example"), "{cmd}");
    }
}

#[test]
fn a_closed_pipe_exits_quietly() {
    // Output far larger than a pipe's buffer, so writing really fails after the hang-up.
    let (_tmp, dir) = new_project();
    let mut vtt = String::from("WEBVTT\n\n");
    for i in 0..20_000u64 {
        vtt.push_str(&format!(
            "{}.000 --> {}.500\nA: line {i} of a long transcript\n\n",
            intercode::transcript::format_time(i * 1000).trim_end_matches(".000"),
            intercode::transcript::format_time(i * 1000).trim_end_matches(".000")
        ));
    }
    std::fs::write(dir.join("transcripts/P01.en.vtt"), vtt).unwrap();
    // Text, and JSON (whose writer wraps the pipe's error in its own).
    for format in ["text", "json"] {
        let mut child = bin()
            .args([
                "--project",
                dir.to_str().unwrap(),
                "transcript",
                "P01",
                "--format",
                format,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then hang up, as `| head -c1` would.
        use std::io::Read;
        let mut buf = [0u8; 1];
        child.stdout.as_mut().unwrap().read_exact(&mut buf).unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "{format}: {:?} {}",
            o.status,
            stderr(&o)
        );
        assert!(stderr(&o).is_empty(), "{format}: {}", stderr(&o));
    }
}

#[test]
fn transcript_text_cannot_drive_the_terminal() {
    let (_tmp, dir) = new_project();
    let evil = "WEBVTT\n\n00:01.000 --> 00:02.000\nEve: plain words \u{1b}[2J\u{1b}]0;owned\u{7}hello \u{202e}dlrow\u{9b}31m\n";
    std::fs::write(dir.join("transcripts/P01.en.vtt"), evil).unwrap();
    for args in [&["transcript", "P01"][..], &["search", "plain"]] {
        let o = run(&dir, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("hello"), "{args:?}: {out}");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(!out.contains(bad), "{args:?} printed {bad:?}: {out}");
        }
    }
}
