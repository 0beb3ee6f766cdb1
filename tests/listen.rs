//! Listening while coding, with the real mpv headless (`--ao=null`): the player reaches a
//! segment's start and stops at its end, resume rewinds, the player ends with its owner (even
//! one killed with SIGKILL), follow mode moves the TUI's cursor, and without mpv or without
//! the file there is a message and nothing else changes.
//!
//! The recording is the sample's synthetic `media/P01.opus` (scripts/make-sample-audio.sh).
//! `.ci/run` installs mpv and sets INTERCODE_REQUIRE_MPV, so there a missing mpv fails these
//! tests instead of skipping them.

use intercode::player::{Cmd, Options, Player};
use intercode::tui::App;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/sample.rs"]
mod sample_project;
use sample_project::sample;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn recording() -> PathBuf {
    repo().join("media/P01.opus")
}

/// Whether mpv is here; where it must be (CI), its absence fails the test.
fn have_mpv() -> bool {
    let ok = Command::new("mpv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("INTERCODE_REQUIRE_MPV").is_none(),
            "mpv is required here (INTERCODE_REQUIRE_MPV is set) and is not installed"
        );
        eprintln!("mpv is not installed: skipped");
    }
    ok
}

fn headless() -> Options {
    Options {
        program: "mpv".into(),
        extra: vec!["--ao=null".into()],
        video: false,
    }
}

/// P01's segments (media time equals transcript time: the sample's offset is 0).
fn p01_segment(k: usize) -> (f64, f64) {
    let (project, _) = intercode::Project::load(repo()).unwrap();
    let s = &project.interviews["P01"].versions["ru"].segments[k];
    (s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0)
}

#[test]
fn the_player_reaches_a_segments_start_and_stops_at_its_end() {
    if !have_mpv() {
        return;
    }
    let (from, to) = p01_segment(7);
    let p = Player::start(headless());
    p.send(Cmd::Play {
        file: recording(),
        from,
        to: Some(to),
    });
    // The first time reported while playing is the segment's start.
    let st = p
        .wait(Duration::from_secs(15), |s| {
            s.file.is_some() && !s.paused && s.time.is_some()
        })
        .expect("playback starts");
    let first = st.time.unwrap();
    assert!(
        (first - from).abs() < 0.1,
        "started at {first}, the segment at {from}"
    );
    p.wait(Duration::from_secs_f64(to - from + 10.0), |s| s.ended)
        .expect("playback stops at the segment's end");
    // mpv may report the end before its last time update: the position settles at the end.
    let st = p.wait(Duration::from_secs(2), |s| {
        s.time.is_some_and(|t| (t - to).abs() < 0.1)
    });
    assert!(
        st.is_some(),
        "stopped at {:?}, the end is {to}",
        p.status().time
    );
    // It stays there.
    std::thread::sleep(Duration::from_millis(400));
    let st = p.status();
    assert!(st.ended && (st.time.unwrap() - to).abs() < 0.1, "{st:?}");
}

#[test]
fn resuming_rewinds_two_seconds_and_jumps_move_five() {
    if !have_mpv() {
        return;
    }
    let (from, _) = p01_segment(4);
    let p = Player::start(headless());
    p.send(Cmd::Play {
        file: recording(),
        from,
        to: None,
    });
    p.wait(Duration::from_secs(15), |s| {
        s.time.is_some_and(|t| t > from + 2.5) && !s.paused
    })
    .expect("plays on");
    p.send(Cmd::Toggle { rewind: 2.0 });
    let paused = p
        .wait(Duration::from_secs(5), |s| s.paused)
        .expect("pauses");
    std::thread::sleep(Duration::from_millis(200));
    let at = p.status().time.unwrap();
    assert!(at >= paused.time.unwrap() - 0.01);
    let seq = p.status().seq;
    p.send(Cmd::Toggle { rewind: 2.0 });
    let resumed = p
        .wait(Duration::from_secs(5), |s| {
            s.seq > seq && !s.paused && s.time.is_some_and(|t| t < at - 1.0)
        })
        .expect("resumes earlier");
    let back = at - resumed.time.unwrap();
    assert!(
        (back - 2.0).abs() < 0.15,
        "paused at {at}, resumed {back} s earlier"
    );
    // Forward 5 s from there.
    let before = p.status().time.unwrap();
    p.send(Cmd::Jump(5.0));
    let st = p
        .wait(Duration::from_secs(5), |s| {
            s.time.is_some_and(|t| t > before + 4.0)
        })
        .expect("jumps");
    assert!(st.time.unwrap() - before < 5.5);
}

fn alive(pid: u32) -> bool {
    // A zombie has exited; only its parent's wait is missing.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

fn wait_gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn the_player_ends_with_its_owner_even_a_killed_one() {
    if !have_mpv() {
        return;
    }
    let p = Player::start(headless());
    p.send(Cmd::Play {
        file: recording(),
        from: 10.0,
        to: None,
    });
    p.wait(Duration::from_secs(15), |s| s.file.is_some())
        .expect("loads");
    let pid = p.pid().unwrap();
    assert!(alive(pid));
    drop(p);
    assert!(wait_gone(pid), "mpv {pid} outlived its Player");

    // `intercode play` killed with SIGKILL runs no destructor: the kernel ends mpv.
    let (_tmp, dir) = sample();
    link_sample(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_intercode"))
        .args([
            "--project",
            dir.to_str().unwrap(),
            "play",
            "P01",
            "--segment",
            "0",
        ])
        .args(["--to-segment", "100"])
        .env("INTERCODE_MPV_ARGS", "--ao=null")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mpv = loop {
        if let Some(p) = child_of(child.id()) {
            break p;
        }
        assert!(Instant::now() < deadline, "intercode play started no mpv");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(wait_gone(mpv), "mpv {mpv} outlived a killed intercode");
}

/// A child process of `parent` (from /proc).
fn child_of(parent: u32) -> Option<u32> {
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let rest = stat.rsplit(')').next().unwrap_or("");
        let ppid = rest.split_whitespace().nth(1).and_then(|x| x.parse().ok());
        if ppid == Some(parent) {
            return Some(pid);
        }
    }
    None
}

/// Links the sample recording to P01 in a copy of the sample.
fn link_sample(dir: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_intercode"))
        .args(["--project", dir.to_str().unwrap(), "media", "add"])
        .arg(recording())
        .args(["--interview", "P01"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn play(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_intercode"));
    c.args(["--project", dir.to_str().unwrap(), "play"])
        .args(args);
    c.env("INTERCODE_MPV_ARGS", "--ao=null");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn intercode_play_plays_a_passage_and_says_what_in_media_time() {
    if !have_mpv() {
        return;
    }
    let (_tmp, dir) = sample();
    link_sample(&dir);
    let (from, to) = p01_segment(2);
    let t0 = Instant::now();
    let (ok, out, err) = play(&dir, &[], &["P01", "--segment", "2", "--format", "json"]);
    assert!(ok, "{err}");
    let took = t0.elapsed().as_secs_f64();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["interview"], "P01");
    assert_eq!(v["segment"], 2);
    assert!(v["media"].as_str().unwrap().ends_with("P01.opus"), "{v}");
    assert!((v["start"].as_f64().unwrap() - from).abs() < 0.001, "{v}");
    assert!((v["end"].as_f64().unwrap() - to).abs() < 0.001, "{v}");
    assert!((v["played_to"].as_f64().unwrap() - to).abs() < 0.1, "{v}");
    // It played in real time and ended with the passage.
    assert!(
        took > (to - from) - 0.3 && took < (to - from) + 20.0,
        "{took} s"
    );

    // --at: from that time to the end of the segment heard there.
    let (ok, out, err) = play(&dir, &[], &["P01", "--at", "00:00:20", "--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["start"], 20.0);
    assert!((v["end"].as_f64().unwrap() - to).abs() < 0.001, "{v}");
}

#[test]
fn without_mpv_or_without_the_file_a_message_and_nothing_changes() {
    let (_tmp, dir) = sample();
    link_sample(&dir);
    let before = std::fs::read(dir.join("media.json")).unwrap();
    let (ok, _, err) = play(
        &dir,
        &[("INTERCODE_MPV", "/nonexistent/mpv")],
        &["P01", "--segment", "1"],
    );
    assert!(!ok);
    assert!(err.contains("sudo apt install mpv"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // No recording linked for P02; a bad segment; a bad time.
    let (ok, _, err) = play(&dir, &[], &["P02", "--segment", "1"]);
    assert!(!ok && err.contains("intercode media add"), "{err}");
    let (ok, _, err) = play(&dir, &[], &["P01", "--segment", "9999"]);
    assert!(!ok && err.contains("no segment 9999"), "{err}");
    let (ok, _, err) = play(&dir, &[], &["P01", "--at", "1:75"]);
    assert!(!ok && err.contains("HH:MM:SS"), "{err}");
    assert_eq!(std::fs::read(dir.join("media.json")).unwrap(), before);

    // The TUI says the same and goes on working.
    let mut ui = Ui::new(
        &dir,
        Some(Options {
            program: "/nonexistent/mpv".into(),
            extra: vec![],
            video: false,
        }),
    );
    ui.key(KeyCode::Enter).keys("jp");
    let st = ui.until(Duration::from_secs(5), |ui| {
        ui.screen().contains("not installed")
    });
    assert!(st, "{}", ui.screen());
    ui.keys("j ");
    assert!(!ui.screen().contains("panicked"));
    assert!(ui.app.transcript.is_some());

    // A linked file that went missing is named.
    let mut copy = std::fs::read_to_string(dir.join("media.json")).unwrap();
    copy = copy.replace("P01.opus", "gone.opus");
    std::fs::write(dir.join("media.json"), copy).unwrap();
    let (ok, _, err) = play(&dir, &[], &["P01", "--segment", "1"]);
    assert!(
        !ok && err.contains("missing") && err.contains("gone.opus"),
        "{err}"
    );
    let mut ui = Ui::new(&dir, Some(headless()));
    ui.key(KeyCode::Enter).keys("p");
    assert!(ui.screen().contains("missing"), "{}", ui.screen());
}

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
}

impl Ui {
    fn new(dir: &Path, options: Option<Options>) -> Ui {
        Ui::with(dir, options, false)
    }

    /// With the search worker (and the transcripts read behind the outline) when `worker`.
    fn with(dir: &Path, options: Option<Options>, worker: bool) -> Ui {
        let mut app = App::new(dir, "ana", worker).unwrap();
        app.listen.options = options;
        let mut ui = Ui {
            app,
            term: Terminal::new(TestBackend::new(100, 30)).unwrap(),
        };
        ui.draw();
        ui
    }

    fn draw(&mut self) {
        let app = &mut self.app;
        self.term
            .draw(|f| {
                app.prepare(f.area());
                app.draw(f)
            })
            .unwrap();
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.draw();
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn screen(&self) -> String {
        let b = self.term.backend().buffer();
        let mut s = String::new();
        for y in 0..b.area.height {
            for x in 0..b.area.width {
                s.push_str(b[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    /// Ticks (as the event loop does every 40 ms) until `pred` holds or `limit` passes.
    fn until(&mut self, limit: Duration, pred: impl Fn(&Ui) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            self.app.step(intercode::tui::Msg::Tick);
            self.draw();
            if pred(self) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the player plays near media time `from`.
    fn expect_playing_near(&mut self, from: f64) {
        let ok = self.until(Duration::from_secs(10), |ui| {
            ui.app
                .listen
                .last
                .as_ref()
                .is_some_and(|s| !s.paused && s.time.is_some_and(|t| (t - from).abs() < 0.5))
        });
        assert!(ok, "not playing near {from}: {}", self.screen());
    }

    fn cursor_segment(&self) -> Option<usize> {
        let (t, ts) = self.app.current()?;
        t.segment_at(ts.cursor)
    }
}

#[test]
fn follow_mode_moves_the_cursor_with_playback_plain_and_parallel() {
    if !have_mpv() {
        return;
    }
    let (_tmp, dir) = sample();
    link_sample(&dir);
    let mut ui = Ui::new(&dir, Some(headless()));
    // P01, segment 1; follow, play on, twice as fast.
    ui.key(KeyCode::Enter).keys("j");
    assert_eq!(ui.cursor_segment(), Some(1));
    ui.keys("FP))))))");
    assert!(
        ui.until(Duration::from_secs(10), |ui| ui.cursor_segment() == Some(2)),
        "the cursor did not follow to segment 2: {}",
        ui.screen()
    );
    // The segment heard is marked, and the status bar shows media time and mode.
    let screen = ui.screen();
    let status = screen.lines().last().unwrap().to_string();
    assert!(
        status.contains("▶ 00:00:") && status.contains("×2"),
        "{status}"
    );
    assert!(status.contains("follow"), "{status}");
    let marked: Vec<&str> = screen.lines().filter(|l| l.contains('▶')).collect();
    assert_eq!(marked.len(), 2, "{screen}");
    assert!(marked[0].contains("Да, теперь отлично"), "{screen}");
    // The parallel view follows too.
    ui.keys("t");
    assert!(
        ui.until(Duration::from_secs(10), |ui| ui.cursor_segment() == Some(3)),
        "the parallel view did not follow: {}",
        ui.screen()
    );
    assert!(ui.screen().contains('│'));
    // Pause stops it; the cursor stays.
    ui.keys(" ");
    assert!(ui.until(Duration::from_secs(5), |ui| ui
        .screen()
        .lines()
        .last()
        .unwrap()
        .contains('⏸')));
    // The player ends with the app.
    let pid = ui.app.listen.player.as_ref().unwrap().pid().unwrap();
    drop(ui);
    assert!(wait_gone(pid), "mpv {pid} outlived the TUI");
}

#[test]
fn lists_play_the_row_under_the_selection() {
    if !have_mpv() {
        return;
    }
    let (_tmp, dir) = sample();
    link_sample(&dir);
    let mut ui = Ui::with(&dir, Some(headless()), true);
    assert!(
        ui.until(Duration::from_secs(30), |ui| ui.app.loading.is_none()
            && ui.app.index_state.to_string().contains("segments"))
    );
    // Disagreements: the first passage in P01 is heard from its start.
    ui.keys("7");
    let first = ui
        .app
        .disputes_view
        .list
        .iter()
        .position(|d| d.interview == "P01")
        .expect("a disagreement in P01");
    for _ in 0..first {
        ui.keys("j");
    }
    let seg = ui.app.disputes_view.list[first].parts[0].segment;
    let (from, _) = p01_segment(seg);
    ui.keys("p");
    ui.expect_playing_near(from);
    // A search hit and a suggestion are heard the same way (the hit's segment).
    ui.keys("4");
    for c in "Екатеринбург".chars() {
        ui.key(KeyCode::Char(c));
    }
    ui.until(Duration::from_secs(5), |ui| !ui.app.search.hits.is_empty());
    ui.key(KeyCode::Down);
    let hit = ui.app.search.hits.get(ui.app.search.selected).cloned();
    {
        let h = hit.expect("a hit");
        assert_eq!(
            h.interview, "P01",
            "the sample's Екатеринбург is Katya's (P01)"
        );
        ui.keys("p");
        let from = h.start_ms as f64 / 1000.0;
        ui.expect_playing_near(from);
    }
    ui.key(KeyCode::Esc);
    ui.keys("6");
    let k = ui
        .app
        .suggestions_view
        .shown
        .iter()
        .position(|&k| ui.app.suggestions_view.list[k].interview == "P01");
    {
        let k = k.expect("a suggestion in P01");
        for _ in 0..k {
            ui.keys("j");
        }
        let s = &ui.app.suggestions_view.list[ui.app.suggestions_view.shown[k]];
        let (from, _) = p01_segment(s.segment);
        ui.keys("p");
        ui.expect_playing_near(from);
    }
    ui.keys("7");
    // A row of an interview without a recording says so.
    ui.keys("G");
    let last = ui.app.disputes_view.list.last().unwrap().interview.clone();
    if last != "P01" {
        ui.keys("p");
        assert!(
            ui.screen().contains("no recording: intercode media add"),
            "{}",
            ui.screen()
        );
    }
}
