//! Codings of every coder follow any sequence of transcript edits, splits, merges and speaker
//! renames (`ops::transcript_edit`): a property test with three coders. In its own test
//! binary: it holds coders' locks, and a child process started by another test in the same
//! process could inherit a lock's file for a moment.

use intercode::codings::store::{NewCoding, Session};
use intercode::codings::Origin;
use intercode::ops::transcript_edit::{edit_transcript, Edit, Request};
use intercode::Project;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_intercode")
}

/// A project with one interview `T1` in Russian: `cues` as (speaker, text), 4 s each.
fn project(into: &Path, cues: &[(&str, String)]) -> PathBuf {
    let dir = into.join("study");
    let o = Command::new(bin()).arg("init").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::create_dir_all(dir.join("transcripts")).unwrap();
    let mut vtt = String::from("WEBVTT\n");
    for (k, (sp, text)) in cues.iter().enumerate() {
        let t = k as u64 * 4000;
        vtt.push_str(&format!(
            "\n{}\n{} --> {}\n{sp}: {text}\n",
            k + 1,
            intercode::transcript::format_time(t),
            intercode::transcript::format_time(t + 3500)
        ));
    }
    std::fs::write(dir.join("transcripts/T1.ru.vtt"), vtt).unwrap();
    dir
}

/// Every coding of every coder in T1 (ru): (coder, id, start, end, quote).
fn codings_of(dir: &Path) -> Vec<(String, String, usize, usize, String)> {
    let all = intercode::codings::load_all(dir, None);
    all.iter()
        .filter(|(f, _)| f.interview == "T1")
        .map(|(f, c)| {
            (
                f.coder.clone(),
                c.id.clone(),
                c.start,
                c.end,
                c.quote.as_str().to_string(),
            )
        })
        .collect()
}

/// Whether every coding's quote is its span's text, except those flagged as deleted (an empty
/// span keeping the old quote); returns what is wrong.
fn mismatches(dir: &Path) -> Vec<String> {
    let (project, _) = Project::load(dir).unwrap();
    let t = &project.interviews["T1"].versions["ru"];
    codings_of(dir)
        .into_iter()
        .filter(|(_, _, s, e, q)| !(s == e || (*e <= t.char_len() && t.slice(*s..*e) == q)))
        .map(|(coder, id, s, e, q)| format!("{coder} {id} {s}..{e} “{q}”"))
        .collect()
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("страх".to_string()),
        Just("ёлка".to_string()),
        Just("Белград".to_string()),
        Just("fear".to_string()),
        Just("и".to_string()),
        Just("👋🏽".to_string()),
        "[а-яa-z]{1,8}",
    ]
}

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(word(), n).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
enum Op {
    Text(usize, String),
    Split(usize, usize),
    Merge(usize),
    Speaker(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..10usize, words(0..6)).prop_map(|(s, t)| Op::Text(s, t)),
        2 => (0..10usize, 0..60usize).prop_map(|(s, a)| Op::Split(s, a)),
        2 => (0..10usize).prop_map(Op::Merge),
        1 => (0..10usize, any::<bool>()).prop_map(|(s, all)| Op::Speaker(s, all)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random edits, splits, merges and renames of a transcript three coders coded: after
    /// each, every coding's quote is its span's text, except those flagged as deleted.
    #[test]
    fn every_coding_follows_any_sequence_of_edits(
        texts in proptest::collection::vec(words(1..8), 3..8),
        spans in proptest::collection::vec((0..3usize, 0..400usize, 1..40usize), 1..30),
        ops in proptest::collection::vec(op(), 1..7),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let cues: Vec<(&str, String)> = texts
            .iter()
            .enumerate()
            .map(|(k, t)| (if k % 2 == 0 { "Анна" } else { "Interviewer" }, t.clone()))
            .collect();
        let dir = project(tmp.path(), &cues);
        let (project, _) = Project::load(&dir).unwrap();
        let len = project.interviews["T1"].versions["ru"].char_len();
        let coders = ["ana", "boris", "vera"];
        for (c, s, n) in spans {
            let start = s % len;
            let end = (start + n).min(len);
            if end <= start {
                continue;
            }
            let mut session = Session::open(&dir, coders[c]).unwrap();
            let _ = session.add(&project, NewCoding {
                interview: "T1".into(),
                lang: "ru".into(),
                span: start..end,
                code: "fear".into(),
                memo: String::new(),
                origin: Origin::Manual,
                model: None,
            });
        }
        prop_assert!(mismatches(&dir).is_empty());
        let before = codings_of(&dir).len();
        for op in ops {
            let (project, _) = Project::load(&dir).unwrap();
            let t = &project.interviews["T1"].versions["ru"];
            let n = t.segments.len();
            let edit = match op {
                Op::Text(s, text) => Edit::Text { segment: s % n, text },
                Op::Split(s, at) => {
                    let k = s % n;
                    let len = t.segments[k].text.chars().count();
                    Edit::Split { segment: k, at: at % len.max(1), time_ms: None }
                }
                Op::Merge(s) => Edit::Merge { segment: s % n },
                Op::Speaker(s, all) => Edit::Speaker {
                    segment: (!all).then_some(s % n),
                    from: all.then(|| "Анна".to_string()),
                    to: "Анна Петровна".into(),
                },
            };
            let files_before = std::fs::read(dir.join("transcripts/T1.ru.vtt")).unwrap();
            match edit_transcript(&dir, &Request {
                interview: "T1".into(),
                lang: "ru".into(),
                edit: edit.clone(),
                expect: None,
            }) {
                Ok(_) => {}
                Err(_) => {
                    // A refused edit changes nothing.
                    prop_assert_eq!(std::fs::read(dir.join("transcripts/T1.ru.vtt")).unwrap(), files_before);
                    continue;
                }
            }
            let wrong = mismatches(&dir);
            prop_assert!(wrong.is_empty(), "after {:?}: {:?}", edit, wrong);
            // Never dropped.
            prop_assert_eq!(codings_of(&dir).len(), before);
        }
    }
}
