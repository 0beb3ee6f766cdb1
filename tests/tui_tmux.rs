//! The real binary in a real terminal (tmux): open P01, show the parallel view, select a
//! passage, code it with a sub-code of fear through the picker, see the stripe, undo and
//! redo, search a Russian phrase and jump to a hit, open the report, quit; then the coding is
//! on disk and `intercode code list` shows it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn have_tmux() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    // CI installs tmux (see .ci/run); a developer machine without it skips this test.
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "tmux is required in CI"
    );
    ok
}

struct Tmux {
    socket: PathBuf,
    session: String,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket);
        c
    }

    fn send(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    fn literal(&self, text: &str) {
        let ok = self
            .cmd()
            .args(["send-keys", "-l", "-t", &self.session, text])
            .status()
            .unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    fn screen(&self) -> String {
        let o = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits until the screen shows `text`.
    fn expect(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "waited for `{text}`; the screen shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn copy_sample(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["transcripts", "codebook"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn a_first_coding_session_in_a_real_terminal() {
    if !have_tmux() {
        eprintln!("skipping: tmux not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    copy_sample(&dir);
    let bin = env!("CARGO_BIN_EXE_intercode");
    let t = Tmux {
        socket: tmp.path().join("tmux.sock"),
        session: "ic".into(),
    };
    let launch = format!(
        "cd '{}' && LANG=C.UTF-8 '{bin}' --coder e2e; echo EXITED $?; sleep 60",
        dir.display()
    );
    let ok = t
        .cmd()
        .args([
            "-u",
            "new-session",
            "-d",
            "-s",
            "ic",
            "-x",
            "120",
            "-y",
            "35",
            &launch,
        ])
        .status()
        .unwrap();
    assert!(ok.success());

    t.expect("1 Interviews");
    t.expect("P01");
    t.send(&["Enter"]);
    t.expect("P01 (ru, 30-39, female)");
    t.send(&["t"]);
    t.expect("│ Interviewer: Good afternoon!");
    // Select "Добрый день" and code it as fear.speaking_out through the picker.
    t.send(&["v", "w", "w"]);
    t.expect("selecting");
    t.send(&["c"]);
    t.expect("code the selection");
    t.literal("speaking");
    t.expect("fear.speaking_out");
    t.send(&["Enter"]);
    let s = t.expect("coded fear.speaking_out");
    let line = s.lines().find(|l| l.contains("Добрый день")).unwrap();
    assert!(line.starts_with('▌'), "the stripe in the gutter: {line}");
    t.send(&["u"]);
    let s = t.expect("undid: added fear.speaking_out");
    assert!(!s
        .lines()
        .find(|l| l.contains("Добрый день"))
        .unwrap()
        .starts_with('▌'));
    t.send(&["U"]);
    t.expect("redid: added fear.speaking_out");
    // Correct the coded segment's text: the coding keeps its words; undo and redo the edit.
    t.send(&["E"]);
    t.expect("edit segment 0");
    t.send(&["Home"]);
    t.literal("Ну, ");
    t.send(&["Enter"]);
    t.expect("edited segment 0; 1 coding(s) moved");
    let vtt = || std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap();
    assert!(vtt().contains(": Ну, Добрый день"), "{}", vtt());
    t.send(&["u"]);
    t.expect("undid the edit of P01 (ru)");
    assert!(!vtt().contains("Ну, Добрый день"));
    t.send(&["U"]);
    t.expect("redid the edit of P01 (ru)");
    // Search a Russian phrase in every interview and jump to a hit.
    t.send(&["4"]);
    t.expect("search all interviews");
    t.literal("\"вид на жительство\"");
    t.expect("Давайте поговорим про вид на жительство");
    t.send(&["Enter"]);
    t.expect("ru segment");
    let s = t.expect("2 Transcript");
    assert!(
        s.contains("вид на жительство"),
        "the hit is on screen:\n{s}"
    );
    t.send(&["5"]);
    t.expect("passages (interviewees)");
    t.send(&["q"]);
    t.expect("EXITED 0");

    let o = Command::new(bin)
        .args([
            "--project",
            dir.to_str().unwrap(),
            "code",
            "list",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["code"], "fear.speaking_out");
    assert_eq!(rows[0]["coder"], "e2e");
    assert_eq!(rows[0]["interview"], "P01");
    assert_eq!(rows[0]["quote"], "Добрый день");
    assert_eq!(rows[0]["start"], 4, "after the edit's “Ну, ”");
}

/// mpv processes whose command line contains `token`.
fn processes_with(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(token) && cmd.contains("--input-ipc-server") {
                out.push(cmd);
            }
        }
    }
    out
}

#[test]
fn playing_a_passage_in_a_real_terminal() {
    if !have_tmux() {
        eprintln!("skipping: tmux not installed");
        return;
    }
    let have_mpv = Command::new("mpv").arg("--version").output().is_ok();
    if !have_mpv {
        assert!(
            std::env::var_os("INTERCODE_REQUIRE_MPV").is_none(),
            "mpv is required here"
        );
        eprintln!("skipping: mpv not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    copy_sample(&dir);
    let bin = env!("CARGO_BIN_EXE_intercode");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(bin)
        .arg("--project")
        .arg(&dir)
        .args(["media", "add"])
        .arg(repo.join("media/P01.opus"))
        .args(["--interview", "P01"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A title only this test's player has, to find it among the machine's processes.
    let token = format!("intercode-e2e-{}", std::process::id());
    let t = Tmux {
        socket: tmp.path().join("tmux.sock"),
        session: "ic".into(),
    };
    let launch = format!(
        "cd '{}' && LANG=C.UTF-8 INTERCODE_MPV_ARGS='--ao=null --title={token}' '{bin}' --coder e2e; echo EXITED $?; sleep 60",
        dir.display()
    );
    let ok = t
        .cmd()
        .args([
            "-u",
            "new-session",
            "-d",
            "-s",
            "ic",
            "-x",
            "120",
            "-y",
            "35",
            &launch,
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    t.expect("P01");
    t.send(&["Enter"]);
    t.expect("P01 (ru, 30-39, female)");
    // Segment 1 (00:00:06.567 to 00:00:13.724): played, marked, and stopped at its end.
    t.send(&["j", "p"]);
    t.expect("playing P01 #1");
    t.expect("P01 ▶ 00:00:0");
    let s = t.expect("■ 00:00:13.7");
    let marked = s.lines().find(|l| l.contains('▶')).unwrap_or_default();
    assert!(marked.contains("Да, слышу"), "{s}");
    assert_eq!(processes_with(&token).len(), 1, "one player");
    // Follow while playing on: the cursor's segment moves on by itself.
    t.send(&["F", "P"]);
    t.expect("follow");
    t.expect("▶ 00:00:1");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = t.screen();
        if s.lines().any(|l| l.contains("▶Да, теперь отлично")) {
            break;
        }
        assert!(Instant::now() < deadline, "the mark did not follow:\n{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Pause, then quit: the player ends with the TUI.
    t.send(&["Space"]);
    t.expect("⏸");
    t.send(&["q"]);
    t.expect("EXITED 0");
    let deadline = Instant::now() + Duration::from_secs(3);
    while !processes_with(&token).is_empty() {
        assert!(Instant::now() < deadline, "mpv outlived the TUI");
        std::thread::sleep(Duration::from_millis(50));
    }
}
