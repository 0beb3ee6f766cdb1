//! Changes that span files are all or nothing: `codebook merge` killed (SIGKILL) at random
//! moments, then the next command (`check`) finds the project wholly merged or wholly as it
//! was, with no temporary file left; and a codebook edited from the command line while
//! another session holds an older copy is never overwritten by that copy.

#[path = "support/kills.rs"]
mod kills;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_intercode")
}

/// A copy of the sample project (transcripts, codebook, both coders' codings).
fn sample(into: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = into.join("study");
    for sub in ["transcripts", "codebook", "codings/ana", "codings/boris"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// Every coding's code in every coder's files, sorted.
fn codes(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for coder in ["ana", "boris"] {
        for e in std::fs::read_dir(dir.join("codings").join(coder)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                for c in v["codings"].as_array().unwrap() {
                    out.push(c["code"].as_str().unwrap().to_string());
                }
            }
        }
    }
    out.sort();
    out
}

fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".intercode-tmp-")
            {
                found.push(p);
            }
        }
    }
    found
}

#[test]
fn a_killed_merge_is_wholly_done_or_wholly_undone() {
    let tmp = tempfile::tempdir().unwrap();
    let (from, into) = ("fear.surveillance", "security.border");
    let original = codes(&sample(&tmp.path().join("probe")));
    let n_from = original.iter().filter(|c| *c == from).count();
    assert!(n_from > 10);
    // How long an uninterrupted merge takes here, to spread the kills over it.
    let probe = sample(&tmp.path().join("timed"));
    let t = std::time::Instant::now();
    let o = Command::new(bin())
        .args([
            "--project",
            probe.to_str().unwrap(),
            "codebook",
            "merge",
            from,
            into,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let full = t.elapsed().as_micros() as u64;
    // 60 kills spread over the measured run (more if one outcome was never seen).
    let (done, undone, i) = kills::spread(60, full, |i, delay| {
        let dir = sample(&tmp.path().join(format!("k{i}")));
        let child = Command::new(bin())
            .args([
                "--project",
                dir.to_str().unwrap(),
                "codebook",
                "merge",
                from,
                into,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        kills::kill_after(child, delay);
        let o = Command::new(bin())
            .args(["--project", dir.to_str().unwrap(), "check"])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "check after kill {i}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let cb = std::fs::read_to_string(dir.join("codebook/codebook.json")).unwrap();
        let now = codes(&dir);
        let done = if cb.contains(&format!("\"{from}\"")) {
            assert_eq!(
                now, original,
                "kill {i}: the codebook was not merged, the codings were"
            );
            false
        } else {
            assert!(
                !now.contains(&from.to_string()),
                "kill {i}: merged codebook, codings left"
            );
            assert_eq!(now.len(), original.len());
            true
        };
        assert!(
            temporaries(&dir).is_empty(),
            "kill {i}: {:?}",
            temporaries(&dir)
        );
        assert!(!dir.join(".intercode-journal/manifest.tsv").exists());
        let _ = std::fs::remove_dir_all(&dir);
        done
    });
    eprintln!("{i} kills: {done} merges wholly done, {undone} wholly undone");
    assert!(
        done > 0 && undone > 0,
        "kills landed before and after the commit point"
    );
}

#[test]
fn an_older_copy_of_the_codebook_never_overwrites_a_newer_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample(tmp.path());
    // A terminal session reads the codebook...
    let mut app = intercode::tui::App::new(&dir, "ana", false).unwrap();
    let before = app.project.codebook.clone().unwrap();
    // ...the command line adds and renames codes in the meantime...
    for args in [
        vec![
            "codebook",
            "add",
            "fear.family",
            "--parent",
            "fear",
            "--en",
            "Family",
        ],
        vec![
            "codebook",
            "rename",
            "integration",
            "--en",
            "Integration (all)",
        ],
    ] {
        let o = Command::new(bin())
            .args(["--project", dir.to_str().unwrap()])
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        app.project.codebook.as_ref(),
        Some(&before),
        "the session's copy is old"
    );
    // ...and the session then edits its (older) copy.
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |app: &mut intercode::tui::App, c: KeyCode| {
        app.handle_key(KeyEvent::new(c, KeyModifiers::NONE));
    };
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('a'));
    for c in "security.police".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let cb = std::fs::read_to_string(dir.join("codebook/codebook.json")).unwrap();
    assert!(
        cb.contains("\"fear.family\""),
        "the CLI's new code survives"
    );
    assert!(
        cb.contains("Integration (all)"),
        "the CLI's rename survives"
    );
    assert!(
        cb.contains("police"),
        "the session's edit is there too: {cb}"
    );
    // The session now shows what is on disk.
    let shown = app.project.codebook.as_ref().unwrap();
    assert!(shown.contains("fear.family"));

    // A change from outside while the session only looks is noticed and shown.
    assert!(
        !app.reload_if_changed(),
        "nothing changed since the session's own edit"
    );
    std::thread::sleep(Duration::from_millis(20));
    let o = Command::new(bin())
        .args(["--project", dir.to_str().unwrap()])
        .args([
            "codebook",
            "add",
            "fear.neighbours",
            "--parent",
            "fear",
            "--en",
            "Neighbours",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(app.reload_if_changed());
    assert!(app
        .project
        .codebook
        .as_ref()
        .unwrap()
        .contains("fear.neighbours"));
}
