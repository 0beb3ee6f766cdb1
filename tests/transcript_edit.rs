//! Correcting transcripts inside intercode (`intercode transcript edit|speaker|split|merge`):
//! an edit killed (SIGKILL) at any moment leaves the old text with the old codings or the new
//! text with the new ones; refusals change nothing. (The property test of codings following
//! any sequence of edits is in `transcript_edit_props.rs`: it holds coders' locks, which must
//! not meet the child processes these tests start.)

#[path = "support/kills.rs"]
mod kills;

use intercode::codings::store::Session;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_intercode")
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("--project")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// A transcript of the sample study, with codings by both coders.
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

/// The text of segment `k` of P01 (ru), as `transcript --format json` prints it.
fn segment_text(dir: &Path, k: usize) -> String {
    let o = run(
        dir,
        &["transcript", "P01", "--lang", "ru", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["segments"][k]["text"].as_str().unwrap().to_string()
}

/// 120 edits killed (SIGKILL) at moments spread over an edit's run: after each, `check` is
/// clean (no coding drifted, no journal or temporary file left) and the segment holds the
/// old or the new text.
#[test]
fn a_killed_edit_leaves_the_old_text_or_the_new_never_drift() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample(tmp.path());
    // A segment early in P01 with codings of both coders after the edited word.
    let k = 5;
    let base = segment_text(&dir, k);
    let versions = [base.clone(), format!("Ну вот, {base}")];
    let time_one = |dir: &Path, text: &str| {
        let t = std::time::Instant::now();
        let o = run(
            dir,
            &[
                "transcript",
                "edit",
                "P01",
                "--lang",
                "ru",
                "--segment",
                "5",
                "--text",
                text,
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        t.elapsed().as_micros() as u64
    };
    let full = time_one(&dir, &versions[1]).max(time_one(&dir, &versions[0]));
    // 120 kills spread over the measured run (more if one outcome was never seen).
    let (new, old, i) = kills::spread(120, full, |i, delay| {
        let now = segment_text(&dir, k);
        let target = if now == versions[0] {
            &versions[1]
        } else {
            &versions[0]
        };
        let child = Command::new(bin())
            .arg("--project")
            .arg(&dir)
            .args([
                "transcript",
                "edit",
                "P01",
                "--lang",
                "ru",
                "--segment",
                "5",
                "--text",
            ])
            .arg(target)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        kills::kill_after(child, delay);
        // The next command finishes (or drops) the interrupted change, and says so; the
        // project is then clean.
        let o = run(&dir, &["check"]);
        assert!(
            o.status.success(),
            "check after kill {i}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        let o = run(&dir, &["check"]);
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(
            o.status.success() && out.contains("No problems found"),
            "check after kill {i}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let after = segment_text(&dir, k);
        let done = after == *target;
        if !done {
            assert_eq!(after, now, "kill {i}: neither version");
        }
        assert!(!dir.join(".intercode-journal/manifest.tsv").exists());
        done
    });
    eprintln!("{i} kills: {new} edits done, {old} not");
    assert!(
        new > 0 && old > 0,
        "kills landed before and after the commit point"
    );
}

/// The CLI's edits: text from standard input, a speaker renamed everywhere, refusals that
/// change nothing (a coder at work elsewhere, a text that would read as a speaker, a segment
/// that does not exist), and segment-numbered logs renumbered by a split.
#[test]
fn cli_edits_and_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample(tmp.path());
    let vtt = || std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap();
    let before = vtt();
    // --stdin
    let mut child = Command::new(bin())
        .arg("--project")
        .arg(&dir)
        .args([
            "transcript",
            "edit",
            "P01",
            "--lang",
            "ru",
            "--segment",
            "2",
            "--stdin",
            "--format",
            "json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Да, теперь слышно\nхорошо.".as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["summary"].as_str().unwrap().contains("edited segment 2"),
        "{v}"
    );
    assert_eq!(segment_text(&dir, 2), "Да, теперь слышно хорошо.");
    // A speaker renamed in every segment: the text (and so every coding) is untouched.
    let o = run(
        &dir,
        &[
            "transcript",
            "speaker",
            "P01",
            "--lang",
            "ru",
            "--from",
            "Катя",
            "--to",
            "Екатерина",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 coding(s) moved"));
    assert!(vtt().contains("Екатерина: ") && !vtt().contains("Катя: "));
    let now = vtt();
    // Refusals change nothing.
    for (args, says) in [
        (
            vec![
                "edit",
                "P01",
                "--lang",
                "ru",
                "--segment",
                "9999",
                "--text",
                "x",
            ],
            "no segment 9999",
        ),
        (
            vec![
                "edit",
                "P01",
                "--lang",
                "ru",
                "--segment",
                "3",
                "--text",
                "   ",
            ],
            "cannot be empty",
        ),
        (
            vec!["merge", "P01", "--lang", "ru", "--segment", "0"],
            "different speakers",
        ),
        (
            vec![
                "split",
                "P01",
                "--lang",
                "ru",
                "--segment",
                "3",
                "--at",
                "0",
            ],
            "both parts",
        ),
        (
            vec![
                "edit",
                "P01",
                "--lang",
                "de",
                "--segment",
                "1",
                "--text",
                "x",
            ],
            "no `de` transcript",
        ),
    ] {
        let mut a = vec!["transcript"];
        a.extend(args.iter().copied());
        let o = run(&dir, &a);
        assert!(!o.status.success(), "{a:?}");
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(err.contains(says), "{a:?}: {err}");
        assert_eq!(vtt(), now, "{a:?} changed the file");
    }
    // Another session of a coder holds that coder's lock: refused, naming the coder.
    let held = Session::open(&dir, "boris").unwrap();
    let o = run(
        &dir,
        &[
            "transcript",
            "edit",
            "P01",
            "--lang",
            "ru",
            "--segment",
            "4",
            "--text",
            "Новый текст.",
        ],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("boris"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(vtt(), now);
    drop(held);
    // A split renumbers decisions and rejections after the split segment.
    std::fs::create_dir_all(dir.join("codings/consensus")).unwrap();
    std::fs::write(
        dir.join("codings/consensus/decisions.tsv"),
        "P01\tru\t3\tfirst\t2026-12-01T00:00:00Z\tana\nP01\tru\t9\tboth\t2026-12-01T00:00:00Z\tana\n",
    )
    .unwrap();
    let o = run(
        &dir,
        &[
            "transcript",
            "split",
            "P01",
            "--lang",
            "ru",
            "--segment",
            "4",
            "--at",
            "10",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = std::fs::read_to_string(dir.join("codings/consensus/decisions.tsv")).unwrap();
    assert!(
        d.contains("P01\tru\t3\tfirst") && d.contains("P01\tru\t10\tboth"),
        "{d}"
    );
    let o = run(&dir, &["check"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("No problems found"));
    assert_ne!(before, vtt());
}
