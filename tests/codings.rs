//! Codings end to end: the store survives `kill -9`, one session per coder, bad input changes
//! nothing, codebook edits keep codings consistent, drift is found and re-anchored, copies
//! land on the aligned passage, and auto-coding suggestions apply only when asked.

use intercode::codings::{self, store::NewCoding, store::Session, CodingFile, Origin};
use intercode::Project;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
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
        .env_remove("INTERCODE_CODER")
        .output()
        .unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the sample study's transcripts and codebook, without codings.
fn sample_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["transcripts", "codebook"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    (tmp, dir)
}

/// Every file under codings/, with its bytes (to prove nothing changed).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(coders) = std::fs::read_dir(dir.join("codings")) {
        for c in coders.flatten() {
            for f in std::fs::read_dir(c.path()).unwrap().flatten() {
                if f.file_name() != ".lock" {
                    out.push((f.path(), std::fs::read(f.path()).unwrap()));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn kill_9_never_loses_an_acknowledged_coding() {
    let (_tmp, dir) = sample_project();
    let project = Project::load(&dir).unwrap().0;
    // Whole segments of each interview's English version, as spans to code.
    let mut spans = Vec::new();
    for (id, i) in &project.interviews {
        let t = &i.versions["en"];
        for s in 0..t.segments.len() {
            let r = t.segment_span(s);
            spans.push(format!(
                r#"{{"interview":"{id}","lang":"en","start":{},"end":{},"code":"fear"}}"#,
                r.start, r.end
            ));
        }
    }
    let mut acked: Vec<String> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut total_lines = 0;
    for round in 0..12 {
        let mut child = bin()
            .args([
                "--project",
                dir.to_str().unwrap(),
                "--coder",
                "crash",
                "code",
                "add",
                "--stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let lines: Vec<String> = (0..400)
            .map(|k| spans[(round * 400 + k) % spans.len()].clone())
            .collect();
        total_lines += lines.len();
        let writer = std::thread::spawn(move || {
            for l in lines {
                if writeln!(stdin, "{l}").is_err() {
                    break;
                }
            }
        });
        let reader = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let reader_thread = std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // The clock starts at the first answer (loading the project takes a while in a debug
        // build), then the child is killed at a random moment while it writes.
        let first: Value =
            serde_json::from_str(&rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap())
                .unwrap();
        acked.extend(
            first["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string()),
        );
        let deadline = std::time::Duration::from_millis(5 + next(300));
        let start = std::time::Instant::now();
        loop {
            let left = deadline.saturating_sub(start.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let v: Value = serde_json::from_str(&line).unwrap();
                    assert_eq!(v["ok"], true, "{line}");
                    acked.extend(
                        v["ids"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|x| x.as_str().unwrap().to_string()),
                    );
                }
                Err(_) => break,
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let _ = writer.join();
        // Answers that were already in the pipe were acknowledged too.
        for line in rx.try_iter() {
            let v: Value = serde_json::from_str(&line).unwrap();
            acked.extend(
                v["ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string()),
            );
        }
        let _ = reader_thread.join();

        // Every file parses, and every acknowledged coding is there.
        let mut on_disk = std::collections::HashSet::new();
        for (path, _) in snapshot(&dir) {
            if path.extension().is_some_and(|e| e == "json") {
                let f = CodingFile::read(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
                on_disk.extend(f.codings.into_iter().map(|c| c.id));
            } else {
                // Only a leftover temp file of the write in flight may remain.
                assert!(
                    path.file_name()
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .starts_with(".intercode-tmp-"),
                    "{path:?}"
                );
            }
        }
        for id in &acked {
            assert!(
                on_disk.contains(id),
                "round {round}: acknowledged coding {id} is missing"
            );
        }
    }
    assert!(
        acked.len() > 200,
        "only {} of {total_lines} codings were acknowledged",
        acked.len()
    );
}

#[test]
fn one_session_per_coder() {
    let (_tmp, dir) = sample_project();
    // A session that stays open: `code add --stdin` waiting for input.
    let mut first = bin()
        .args([
            "--project",
            dir.to_str().unwrap(),
            "--coder",
            "ana",
            "code",
            "add",
            "--stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = first.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"interview":"P01","lang":"en","start":0,"end":5,"code":"fear"}}"#
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(first.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("\"ok\":true"), "{line}");

    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "code",
            "add",
            "--interview",
            "P01",
            "--lang",
            "en",
            "--start",
            "0",
            "--end",
            "5",
            "--code",
            "fear",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let msg = err(&o);
    assert!(
        msg.contains("coder `ana` is already working in another session"),
        "{msg}"
    );
    assert!(msg.contains(&format!("pid {}", first.id())), "{msg}");

    let o = run(
        &dir,
        &[
            "--coder",
            "boris",
            "code",
            "add",
            "--interview",
            "P01",
            "--lang",
            "en",
            "--start",
            "0",
            "--end",
            "5",
            "--code",
            "fear",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));

    drop(stdin);
    assert!(first.wait().unwrap().success());
    let o = run(&dir, &["--coder", "ana", "code", "list"]);
    assert!(o.status.success());
    assert_eq!(out(&o).lines().count(), 1);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let (_tmp, dir) = sample_project();
    let add = |extra: &[&str]| {
        let mut args = vec!["--coder", "ana", "code", "add"];
        args.extend_from_slice(extra);
        run(&dir, &args)
    };
    let o = add(&[
        "--interview",
        "P01",
        "--lang",
        "en",
        "--start",
        "0",
        "--end",
        "10",
        "--code",
        "fear",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let before = snapshot(&dir);
    let len = Project::load(&dir).unwrap().0.interviews["P01"].versions["en"]
        .char_len()
        .to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "en",
                "--start",
                "0",
                "--end",
                "10",
                "--code",
                "fear.nonsense",
            ],
            "unknown code `fear.nonsense`",
        ),
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "en",
                "--start",
                "0",
                "--end",
                "99999999",
                "--code",
                "fear",
            ],
            "past the end",
        ),
        (
            vec![
                "--interview",
                "P99",
                "--lang",
                "en",
                "--start",
                "0",
                "--end",
                "1",
                "--code",
                "fear",
            ],
            "unknown interview `P99`",
        ),
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "de",
                "--start",
                "0",
                "--end",
                "1",
                "--code",
                "fear",
            ],
            "no `de` version",
        ),
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "en",
                "--start",
                "5",
                "--end",
                "5",
                "--code",
                "fear",
            ],
            "empty span",
        ),
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "en",
                "--start",
                &len,
                "--end",
                &len,
                "--code",
                "fear",
            ],
            "empty span",
        ),
        (
            vec![
                "--interview",
                "P01",
                "--lang",
                "en",
                "--quote",
                "no such words anywhere",
                "--code",
                "fear",
            ],
            "does not occur",
        ),
    ];
    for (args, expected) in cases {
        let o = add(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains(expected),
            "{args:?}: expected `{expected}` in {}",
            err(&o)
        );
        assert_eq!(snapshot(&dir), before, "{args:?} changed files");
    }

    // A span that splits a grapheme cluster, in a transcript with emoji and combining marks.
    std::fs::write(
        dir.join("transcripts/P07.ru.vtt"),
        "WEBVTT\n\n00:01.000 --> 00:02.000\nКатя: Приве\u{301}т 👋🏽 ok\n",
    )
    .unwrap();
    let o = add(&[
        "--interview",
        "P07",
        "--lang",
        "ru",
        "--start",
        "0",
        "--end",
        "5",
        "--code",
        "fear",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("splits a character"), "{}", err(&o));
    let o = add(&[
        "--interview",
        "P07",
        "--lang",
        "ru",
        "--start",
        "8",
        "--end",
        "9",
        "--code",
        "fear",
    ]);
    assert!(err(&o).contains("splits a character"), "{}", err(&o));
    assert_eq!(snapshot(&dir), before);

    // A malformed codings file is never overwritten: changes to it are refused, with its line.
    let p01 = dir.join("codings/ana/P01.json");
    let broken = String::from_utf8(std::fs::read(&p01).unwrap())
        .unwrap()
        .replacen("\"lang\"", "\"lang\" \"", 1);
    std::fs::write(&p01, &broken).unwrap();
    let o = add(&[
        "--interview",
        "P01",
        "--lang",
        "en",
        "--start",
        "0",
        "--end",
        "10",
        "--code",
        "fear",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("codings/ana/P01.json:") && err(&o).contains("invalid codings file"),
        "{}",
        err(&o)
    );
    assert_eq!(std::fs::read_to_string(&p01).unwrap(), broken);
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("codings/ana/P01.json:"), "{}", out(&o));
}

#[test]
fn undo_redo_and_memos_in_the_core() {
    let (_tmp, dir) = sample_project();
    let project = Project::open(&dir).unwrap().0;
    let fixed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
    let mut s = Session::open(&dir, "ana")
        .unwrap()
        .with_clock(move || fixed);
    let new = |start, end, code: &str| NewCoding {
        interview: "P02".into(),
        lang: "ru".into(),
        span: start..end,
        code: code.into(),
        memo: String::new(),
        origin: Origin::Manual,
        model: None,
    };
    let a = s.add(&project, new(0, 10, "fear")).unwrap();
    // 1,795,000,000 s after the epoch (python: datetime.utcfromtimestamp(1795000000)).
    assert_eq!(a.created, "2026-11-18T11:06:40Z");
    let b = s.add(&project, new(5, 20, "security")).unwrap(); // overlapping is fine
    s.set_memo(&b.id, "check the Russian").unwrap();
    let on_disk = || {
        CodingFile::read(&dir.join("codings/ana/P02.json"))
            .unwrap()
            .codings
    };
    assert_eq!(on_disk().len(), 2);
    assert_eq!(on_disk()[1].memo, "check the Russian");
    assert_eq!(s.undo().unwrap().as_deref(), Some("edited security in P02"));
    assert_eq!(on_disk()[1].memo, "");
    s.undo().unwrap();
    assert_eq!(on_disk().len(), 1);
    s.redo().unwrap();
    s.redo().unwrap();
    assert_eq!(on_disk()[1].memo, "check the Russian");
    assert!(s.redo().unwrap().is_none());
    s.remove(&a.id).unwrap();
    assert_eq!(on_disk().len(), 1);
    s.undo().unwrap();
    assert_eq!(on_disk().len(), 2);
    // Recoding keeps the span, the memo and the id, and is undone as one change.
    let r = s.recode(&project, &b.id, "integration").unwrap();
    assert_eq!((r.id.as_str(), r.start, r.end), (b.id.as_str(), 5, 20));
    let after = on_disk();
    let c = after.iter().find(|c| c.id == b.id).unwrap();
    assert_eq!(
        (c.code.as_str(), c.memo.as_str()),
        ("integration", "check the Russian")
    );
    assert!(s.recode(&project, &b.id, "no.such.code").is_err());
    assert!(s.recode(&project, &b.id, "integration").is_err());
    assert_eq!(
        s.undo().unwrap().as_deref(),
        Some("recoded security as integration in P02")
    );
    assert!(on_disk()
        .iter()
        .any(|c| c.id == b.id && c.code == "security"));
    // A new action clears the redo stack.
    s.undo().unwrap();
    s.add(&project, new(30, 40, "fear")).unwrap();
    assert!(!s.can_redo());
}

#[test]
fn copies_land_on_the_aligned_passage() {
    let (_tmp, dir) = sample_project();
    let project = Project::open(&dir).unwrap().0;
    let p05 = &project.interviews["P05"];
    let (ru, en) = (&p05.versions["ru"], &p05.versions["en"]);
    let al = p05.alignment("ru", "en").unwrap();
    // A Russian cue whose English translation was merged with the next cue's.
    let (group_ru, group_en) = al
        .groups
        .iter()
        .find(|(a, b)| a.len() == 2 && b.len() == 1)
        .unwrap()
        .clone();
    let span = ru.segment_span(group_ru.start);
    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "code",
            "add",
            "--interview",
            "P05",
            "--lang",
            "ru",
            "--start",
            &span.start.to_string(),
            "--end",
            &span.end.to_string(),
            "--code",
            "fear",
            "--both",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let f = CodingFile::read(&dir.join("codings/ana/P05.json")).unwrap();
    let copy = f.codings.iter().find(|c| c.lang == "en").unwrap();
    assert_eq!(copy.origin, Origin::Copied);
    assert_eq!(copy.span(), en.segment_span(group_en.start));
    assert_eq!(copy.quote, en.segments[group_en.start].text);
    // And back: the English merged cue maps to both Russian cues.
    let (lang, back) = codings::aligned_span(p05, "en", &copy.span()).unwrap();
    assert_eq!(lang, "ru");
    assert_eq!(
        back,
        ru.segment_span(group_ru.start).start..ru.segment_span(group_ru.end - 1).end
    );
}

#[test]
fn drift_is_reported_and_reanchored() {
    let (_tmp, dir) = sample_project();
    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "code",
            "add",
            "--interview",
            "P01",
            "--lang",
            "en",
            "--quote",
            "If I'm expelled, I have nowhere to go except Russia.",
            "--code",
            "fear.deportation",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let id = out(&o).trim().to_string();
    // Someone corrects the transcript: a word is inserted in the first cue.
    let path = dir.join("transcripts/P01.en.vtt");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("Interviewer: ").unwrap() + "Interviewer: ".len();
    std::fs::write(&path, format!("{}So, {}", &text[..at], &text[at..])).unwrap();
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = out(&o);
    assert!(
        report.contains(&format!("coding {id} (fear.deportation"))
            && report.contains("has drifted")
            && report.contains("codings/ana/P01.json:2: error"),
        "{report}"
    );
    assert!(
        report.contains(&format!("intercode code reanchor {id}")),
        "{report}"
    );
    let o = run(&dir, &["--coder", "ana", "code", "reanchor", &id]);
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}

#[test]
fn codebook_merge_and_delete_keep_codings_consistent() {
    let (_tmp, dir) = sample_project();
    for (coder, code) in [
        ("ana", "fear.surveillance"),
        ("boris", "fear.surveillance"),
        ("boris", "security.border"),
    ] {
        let o = run(
            &dir,
            &[
                "--coder",
                coder,
                "code",
                "add",
                "--interview",
                "P01",
                "--lang",
                "en",
                "--start",
                "0",
                "--end",
                "10",
                "--code",
                code,
            ],
        );
        assert!(o.status.success(), "{}", err(&o));
    }
    // Deleting a code in use needs a decision.
    let before = snapshot(&dir);
    let o = run(&dir, &["codebook", "delete", "fear.surveillance"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("used by 2 coding(s)"), "{}", err(&o));
    assert_eq!(snapshot(&dir), before);

    let o = run(
        &dir,
        &["codebook", "merge", "fear.surveillance", "security.border"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("2 coding(s) reassigned"));
    let o = run(&dir, &["code", "list", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        rows.iter().all(|r| r["code"] == "security.border"),
        "{rows:?}"
    );
    let o = run(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));

    // The survey links figures to `security`: removing it outright is refused...
    let o = run(
        &dir,
        &["codebook", "delete", "security", "--remove-codings"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("survey.json links"), "{}", err(&o));
    // ...but the figures can follow a reassignment (and so do the codings).
    let o = run(
        &dir,
        &["codebook", "delete", "security", "--reassign", "fear"],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&dir, &["code", "list", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        rows.len() == 3 && rows.iter().all(|r| r["code"] == "fear"),
        "{rows:?}"
    );
    let survey = std::fs::read_to_string(dir.join("codebook/survey.json")).unwrap();
    assert!(
        !survey.contains("\"code\": \"security"),
        "survey still links security codes"
    );
    assert!(survey.contains("\"code\": \"fear\""));
    let o = run(
        &dir,
        &["codebook", "delete", "fear.prosecution", "--remove-codings"],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&dir, &["codebook", "list"]);
    assert!(
        !out(&o).contains("security") && !out(&o).contains("prosecution"),
        "{}",
        out(&o)
    );
    assert_eq!(run(&dir, &["check"]).status.code(), Some(0));

    // Add, rename, move.
    assert!(run(
        &dir,
        &[
            "codebook",
            "add",
            "fear.family",
            "--parent",
            "fear",
            "--en",
            "Fear for family",
            "--ru",
            "Страх за семью",
            "--color",
            "#e06666"
        ]
    )
    .status
    .success());
    assert!(run(
        &dir,
        &[
            "codebook",
            "rename",
            "fear.family",
            "--en",
            "Fear for relatives"
        ]
    )
    .status
    .success());
    assert!(run(&dir, &["codebook", "move", "fear.family", "--top"])
        .status
        .success());
    let o = run(
        &dir,
        &["codebook", "move", "fear", "--parent", "fear.speaking_out"],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(&dir, &["codebook", "list"]);
    assert!(
        out(&o)
            .lines()
            .any(|l| l.starts_with("fear.family") && l.contains("Fear for relatives")),
        "{}",
        out(&o)
    );
}

#[test]
fn autocode_lists_then_applies_only_when_asked() {
    let (_tmp, dir) = sample_project();
    // A manual coding of a passage the rules will find, and one they will not.
    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "code",
            "add",
            "--interview",
            "P01",
            "--lang",
            "en",
            "--quote",
            "If I'm expelled, I have nowhere to go except Russia.",
            "--code",
            "fear.deportation",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = run(
        &dir,
        &["--coder", "ana", "autocode", "--code", "fear.deportation"],
    );
    assert!(o.status.success(), "{}", err(&o));
    let report = out(&o);
    assert!(report.contains("(nothing saved; pass --apply"), "{report}");
    let row = report
        .lines()
        .find(|l| l.starts_with("fear.deportation "))
        .unwrap();
    let cols: Vec<&str> = row.split_whitespace().collect();
    // suggestions, confirmed, precision, manual, recall
    assert_eq!(cols[4], "1", "{row}");
    assert_eq!(cols[5], "100%", "{row}");
    assert_eq!(snapshot(&dir).len(), 1);
    let n: usize = report
        .lines()
        .filter(|l| l.contains(" fear.deportation "))
        .count();
    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "autocode",
            "--code",
            "fear.deportation",
            "--apply",
            "-q",
        ],
    );
    assert!(o.status.success());
    let f: Vec<Value> =
        serde_json::from_slice(&run(&dir, &["code", "list", "--format", "json"]).stdout).unwrap();
    let applied = f
        .iter()
        .filter(|r| r["origin"] == "suggested-accepted")
        .count();
    assert!(applied > 0 && applied <= n, "{applied} of {n}");
    // Applying again adds nothing new.
    let o = run(
        &dir,
        &[
            "--coder",
            "ana",
            "autocode",
            "--code",
            "fear.deportation",
            "--apply",
            "-q",
        ],
    );
    assert!(out(&o).contains("applied 0 suggestion(s)"), "{}", out(&o));
}

/// Sets a file's modification time `secs` seconds into the past (the snapshot leaves out files
/// changed in the last two seconds).
fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
        .unwrap();
}

#[test]
fn the_codings_snapshot_never_hides_a_change() {
    // The sample study's two coders, with their files a minute old.
    let (_tmp, dir) = sample_project();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for coder in ["ana", "boris"] {
        std::fs::create_dir_all(dir.join("codings").join(coder)).unwrap();
        for e in std::fs::read_dir(repo.join("codings").join(coder))
            .unwrap()
            .flatten()
        {
            if e.path().extension().is_some_and(|x| x == "json") {
                let to = dir.join("codings").join(coder).join(e.file_name());
                std::fs::copy(e.path(), &to).unwrap();
                age(&to, 60);
                files.push(to);
            }
        }
    }
    let whole = codings::load_all(&dir, None);
    let snap = dir.join(".intercode/codings.bin");
    assert!(!snap.exists());
    // The first load for analysis writes the snapshot; the next one reads it, the same codings.
    let first = codings::load_for_analysis(&dir, None);
    assert!(snap.exists());
    assert_eq!(first.files, whole.files);
    let written = std::fs::metadata(&snap).unwrap().modified().unwrap();
    assert_eq!(codings::load_for_analysis(&dir, None).files, whole.files);
    assert_eq!(
        std::fs::metadata(&snap).unwrap().modified().unwrap(),
        written
    );

    // A hand edit of one file, same size (a code id swapped for another of the same length):
    // seen at once, though the snapshot is not rewritten for one file.
    let path = &files[0];
    let text = std::fs::read_to_string(path).unwrap();
    let edited = text.replacen("\"code\":\"fear", "\"code\":\"FEAR", 1);
    assert_ne!(text, edited);
    std::fs::write(path, &edited).unwrap();
    age(path, 30);
    let after = codings::load_for_analysis(&dir, None);
    assert_eq!(after.files, codings::load_all(&dir, None).files);
    assert!(after.iter().any(|(_, c)| c.code.starts_with("FEAR")));

    // A file removed: gone from the load, though the snapshot still lists it.
    std::fs::remove_file(&files[1]).unwrap();
    let after = codings::load_for_analysis(&dir, None);
    assert_eq!(after.files.len(), whole.files.len() - 1);
    assert_eq!(after.files, codings::load_all(&dir, None).files);

    // A damaged snapshot (truncated, a byte changed in every block, or not one at all) costs
    // only a parse: every block has a checksum.
    let bytes = std::fs::read(&snap).unwrap();
    // One character of a coding's id changed: the block still decodes, and only its checksum
    // tells that it is not what was written.
    let id = codings::load_all(&dir, None).files.last().unwrap().codings[0]
        .id
        .clone();
    let at = bytes
        .windows(id.len())
        .position(|w| w == id.as_bytes())
        .expect("ids are stored as they are");
    let mut one = bytes.clone();
    one[at] = if one[at] == b'0' { b'1' } else { b'0' };
    for damaged in [
        one,
        bytes[..bytes.len() / 2].to_vec(),
        bytes
            .iter()
            .enumerate()
            .map(|(i, b)| if i % 97 == 50 { b ^ 0x55 } else { *b })
            .collect(),
        b"not a snapshot".to_vec(),
    ] {
        std::fs::write(&snap, &damaged).unwrap();
        let loaded = codings::load_for_analysis(&dir, None);
        assert!(loaded.problems.is_empty());
        assert_eq!(loaded.files, codings::load_all(&dir, None).files);
    }
}
