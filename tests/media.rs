//! Recordings linked to interviews (`intercode media add|list`, `check`): linked, never
//! copied; kept relative to the project or to the machine's media folder; a missing or
//! swapped file and a bad link are reported, and nothing else changes.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, env: Option<&Path>, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_intercode"));
    c.arg("--project").arg(dir).args(args);
    match env {
        Some(m) => c.env("INTERCODE_MEDIA_DIR", m),
        None => c.env_remove("INTERCODE_MEDIA_DIR"),
    };
    c.output().unwrap()
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn recordings_are_linked_listed_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_intercode"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    std::fs::create_dir_all(dir.join("transcripts")).unwrap();
    std::fs::write(
        dir.join("transcripts/P01.ru.vtt"),
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nАня: Привет.\n",
    )
    .unwrap();
    // Beside the project, and in a per-machine media folder.
    let rec = tmp.path().join("recordings");
    std::fs::create_dir_all(&rec).unwrap();
    std::fs::write(rec.join("audio_only.m4a"), vec![1u8; 5000]).unwrap();
    let media = tmp.path().join("media");
    std::fs::create_dir_all(media.join("P01")).unwrap();
    std::fs::write(media.join("P01/zoom_0.mp4"), vec![2u8; 3000]).unwrap();

    let o = run(
        &dir,
        None,
        &[
            "media",
            "add",
            rec.join("audio_only.m4a").to_str().unwrap(),
            "--interview",
            "P01",
            "--offset",
            "-1500",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let links: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("media.json")).unwrap()).unwrap();
    assert_eq!(links["media"][0]["path"], "../recordings/audio_only.m4a");
    assert_eq!(links["media"][0]["offset_ms"], -1500);
    assert_eq!(links["media"][0]["kind"], "audio");
    // Never copied.
    assert!(!std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name() == "audio_only.m4a"));
    let o = run(&dir, None, &["media", "list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows[0]["state"], "ok", "{rows}");
    let clean = |o: std::process::Output| {
        let s = out(&o);
        o.status.success() && !s.contains("media.json")
    };
    assert!(clean(run(&dir, None, &["check"])));

    // A swapped file (same size, other content) and a missing one are reported by check.
    std::fs::write(rec.join("audio_only.m4a"), vec![9u8; 5000]).unwrap();
    let o = run(&dir, None, &["check"]);
    assert!(
        out(&o).contains("P01: the recording at") && out(&o).contains("is not the one linked"),
        "{}",
        out(&o)
    );
    std::fs::remove_file(rec.join("audio_only.m4a")).unwrap();
    assert!(out(&run(&dir, None, &["check"])).contains("the recording is missing"));

    // Under the media folder: linked relative to it, found on a machine that sets its own.
    let o = run(
        &dir,
        Some(&media),
        &[
            "media",
            "add",
            media.join("P01/zoom_0.mp4").to_str().unwrap(),
            "--interview",
            "P01",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let text = std::fs::read_to_string(dir.join("media.json")).unwrap();
    assert!(
        text.contains("\"media:P01/zoom_0.mp4\"") && text.contains("\"video\""),
        "{text}"
    );
    assert!(
        !text.contains("audio_only"),
        "one recording per interview: {text}"
    );
    let moved = tmp.path().join("elsewhere");
    std::fs::rename(&media, &moved).unwrap();
    assert!(clean(run(&dir, Some(&moved), &["check"])));
    assert!(out(&run(&dir, None, &["check"])).contains("INTERCODE_MEDIA_DIR is not set"));

    // Refused, with nothing written: not a recording, an unknown interview, no such file.
    let before = std::fs::read_to_string(dir.join("media.json")).unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "x").unwrap();
    let args_of = |file: &Path, interview: &str| -> Vec<String> {
        [
            "media",
            "add",
            file.to_str().unwrap(),
            "--interview",
            interview,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    for (args, says) in [
        (
            args_of(&tmp.path().join("notes.txt"), "P01"),
            "not a recording",
        ),
        (
            args_of(&moved.join("P01/zoom_0.mp4"), "P99"),
            "no interview `P99`",
        ),
        (args_of(&tmp.path().join("none.m4a"), "P01"), "none.m4a"),
    ] {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&dir, None, &a);
        assert!(!o.status.success(), "{a:?}");
        assert!(out(&o).contains(says), "{a:?}: {}", out(&o));
        assert_eq!(
            std::fs::read_to_string(dir.join("media.json")).unwrap(),
            before
        );
    }
    // A broken media.json is named with its line, by check and by list.
    std::fs::write(
        dir.join("media.json"),
        "{\"version\": 1,\n \"media\": [ {\"interview\": 3} ]}",
    )
    .unwrap();
    let o = run(&dir, None, &["check"]);
    assert!(out(&o).contains("media.json:2"), "{}", out(&o));
    let o = run(&dir, None, &["media", "list"]);
    assert!(
        !o.status.success() && out(&o).contains("media.json:2"),
        "{}",
        out(&o)
    );
}

#[path = "support/sample.rs"]
mod sample_project;

#[test]
fn quotes_carry_their_time_in_the_recording_when_asked() {
    let (_tmp, dir) = sample_project::sample();
    let rec = dir.parent().unwrap().join("P01.m4a");
    std::fs::write(&rec, vec![7u8; 4000]).unwrap();
    let o = run(
        &dir,
        None,
        &[
            "media",
            "add",
            rec.to_str().unwrap(),
            "--interview",
            "P01",
            "--offset",
            "1500",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let quotes = |extra: &[&str]| {
        let mut args = vec!["report", "quotes", "--code", "fear", "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&dir, None, &args);
        assert!(o.status.success(), "{}", out(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    // Without the flag, nothing changes.
    let plain = quotes(&[]);
    assert!(plain["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q.get("media").is_none()));
    let v = quotes(&["--media-time"]);
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let mut p01 = 0;
    for q in v["quotes"].as_array().unwrap() {
        if q["interview"] != "P01" {
            assert!(q.get("media").is_none(), "only P01 has a recording: {q}");
            continue;
        }
        p01 += 1;
        // The start is the passage's first segment's start, plus the offset.
        let t = &project.interviews["P01"].versions[q["lang"].as_str().unwrap()];
        let start = q["media"]["start"].as_f64().unwrap();
        let end = q["media"]["end"].as_f64().unwrap();
        assert!(end > start, "{q}");
        let seg = t
            .segments
            .iter()
            .find(|s| (s.start_ms as f64 + 1500.0) / 1000.0 == start)
            .unwrap_or_else(|| panic!("no segment starts at {start} - 1.5 s: {q}"));
        assert_eq!(seg.locator().to_string(), q["time"].as_str().unwrap());
    }
    assert!(p01 > 5, "{p01} P01 quotes");
    // Markdown says it beside the attribution.
    let o = run(
        &dir,
        None,
        &[
            "report",
            "quotes",
            "--code",
            "fear",
            "--format",
            "md",
            "--media-time",
        ],
    );
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("P01, 00:") && md.contains("(recording 00:"),
        "{md}"
    );
    // The recording's file name is never exported (Zoom names files after people).
    assert!(
        !md.contains("P01.m4a")
            && !String::from_utf8_lossy(&serde_json::to_vec(&v).unwrap()).contains("P01.m4a")
    );
}
