//! Playing interviews' recordings: one mpv child process per session, driven over its JSON
//! IPC socket (`--input-ipc-server`, a private temporary folder). This module owns that
//! process and the conversation with it; what to play (a segment's times, a link's offset)
//! is the caller's business, in media seconds.
//!
//! Nothing here blocks the caller: [`Player::start`] returns at once, and commands go to a
//! driver thread that starts mpv, connects, and sends them in order (waiting for a file to
//! load before seeking in it). A reader thread keeps a [`Status`] (time, pause, speed, the
//! passage's end, errors) that the caller reads when it likes, or waits on ([`Player::wait`]).
//!
//! The player ends with its owner: dropping the [`Player`] asks mpv to quit (and kills it if it
//! does not); on Linux, mpv is also told to end when the driver thread dies (`PR_SET_PDEATHSIG`),
//! so a crash or `kill -9` of intercode does not leave it playing.

pub mod ipc;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The environment variable naming the mpv program (default: `mpv` on the PATH).
pub const MPV_VAR: &str = "INTERCODE_MPV";
/// Extra arguments for mpv, split at whitespace (tests use `--ao=null`).
pub const MPV_ARGS_VAR: &str = "INTERCODE_MPV_ARGS";
/// Set (to anything but empty or 0) to open a window for video recordings.
pub const VIDEO_VAR: &str = "INTERCODE_VIDEO";

/// What to tell a user without mpv.
pub const INSTALL_HINT: &str = "mpv is not installed: install it (sudo apt install mpv; brew \
    install mpv) or set INTERCODE_MPV to it; all else works without it";

/// What mpv says of a file it cannot play (the driver adds the file's name).
const UNPLAYABLE: &str = "not audio or video it can read";

/// How to start mpv.
#[derive(Debug, Clone)]
pub struct Options {
    pub program: PathBuf,
    pub extra: Vec<String>,
    /// Open a window for video (default: audio only).
    pub video: bool,
}

impl Options {
    /// From `INTERCODE_MPV`, `INTERCODE_MPV_ARGS` and `INTERCODE_VIDEO`.
    pub fn from_env() -> Options {
        Options {
            program: std::env::var_os(MPV_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("mpv")),
            extra: std::env::var(MPV_ARGS_VAR)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            video: std::env::var(VIDEO_VAR).is_ok_and(|v| !v.is_empty() && v != "0"),
        }
    }
}

/// What the player is doing, as mpv last said. Times are media seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Connected to mpv.
    pub running: bool,
    /// Why it cannot play (mpv missing, a file it cannot read, mpv gone); shown to the user.
    pub error: Option<String>,
    /// The file loaded, once mpv has loaded it.
    pub file: Option<PathBuf>,
    pub time: Option<f64>,
    pub duration: Option<f64>,
    pub paused: bool,
    pub speed: f64,
    /// Where the passage being played stops (`None`: plays on).
    pub end: Option<f64>,
    /// The passage reached its end (or the file its last second) and playback stopped there.
    pub ended: bool,
    /// Looping between these times.
    pub looping: Option<(f64, f64)>,
    /// Bumped on every change, so waiters and pollers see that something happened.
    pub seq: u64,
    /// When mpv last reported the time (to tell a stale time from a fresh one).
    pub at: Option<Instant>,
    /// Files mpv has loaded so far (the driver waits for this to grow after `loadfile`).
    pub loads: u64,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            running: false,
            error: None,
            file: None,
            time: None,
            duration: None,
            paused: true,
            speed: 1.0,
            end: None,
            ended: false,
            looping: None,
            seq: 0,
            at: None,
            loads: 0,
        }
    }
}

impl Status {
    /// Playing now (not paused, not at an end).
    pub fn playing(&self) -> bool {
        self.running && self.file.is_some() && !self.paused && !self.ended
    }
}

/// A request to the player.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Play `file` from `from` to `to` (or on, without `to`).
    Play {
        file: PathBuf,
        from: f64,
        to: Option<f64>,
    },
    /// Loop `file` between two times until told otherwise.
    Loop {
        file: PathBuf,
        from: f64,
        to: f64,
    },
    /// Stop looping (playback goes on).
    LoopOff,
    /// Pause, or resume `rewind` seconds earlier (as oTranscribe does, so the listener
    /// catches the words cut off by the pause). Resuming after a passage ended plays on.
    Toggle {
        rewind: f64,
    },
    Pause,
    /// Jump by this many seconds (negative: back).
    Jump(f64),
    Speed(f64),
    Quit,
}

type Shared = Arc<(Mutex<Status>, Condvar)>;

/// One mpv, for one session.
pub struct Player {
    tx: mpsc::Sender<Cmd>,
    shared: Shared,
    driver: Option<std::thread::JoinHandle<()>>,
    pid: Arc<Mutex<Option<u32>>>,
}

impl Player {
    /// Starts mpv in the background; commands sent before it is ready wait for it.
    pub fn start(options: Options) -> Player {
        let (tx, rx) = mpsc::channel();
        let shared: Shared = Arc::new((Mutex::new(Status::default()), Condvar::new()));
        let pid = Arc::new(Mutex::new(None));
        let (s, p) = (shared.clone(), pid.clone());
        let driver = std::thread::Builder::new()
            .name("mpv-driver".into())
            .spawn(move || drive(options, rx, s, p))
            .ok();
        if driver.is_none() {
            update(&shared, |st| {
                st.error = Some("could not start a thread for the player".into())
            });
        }
        Player {
            tx,
            shared,
            driver,
            pid,
        }
    }

    pub fn send(&self, cmd: Cmd) {
        // A driver that has ended has already said why in the status.
        let _ = self.tx.send(cmd);
    }

    pub fn status(&self) -> Status {
        lock(&self.shared).clone()
    }

    /// Waits until `pred` holds for the status (returned), or `timeout` passes (`None`).
    pub fn wait(&self, timeout: Duration, pred: impl Fn(&Status) -> bool) -> Option<Status> {
        let deadline = Instant::now() + timeout;
        let (m, cv) = &*self.shared;
        let mut st = m.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if pred(&st) {
                return Some(st.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            st = cv
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// mpv's process id, once started (tests check that it ends with its owner).
    pub fn pid(&self) -> Option<u32> {
        *self.pid.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.tx.send(Cmd::Quit);
        if let Some(d) = self.driver.take() {
            let _ = d.join();
        }
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Status> {
    shared.0.lock().unwrap_or_else(|e| e.into_inner())
}

fn update(shared: &Shared, f: impl FnOnce(&mut Status)) {
    let mut st = lock(shared);
    f(&mut st);
    st.seq += 1;
    drop(st);
    shared.1.notify_all();
}

/// The driver thread: starts mpv, connects, and turns commands into IPC requests.
fn drive(options: Options, rx: mpsc::Receiver<Cmd>, shared: Shared, pid: Arc<Mutex<Option<u32>>>) {
    #[cfg(unix)]
    unix::drive(options, rx, shared, pid);
    #[cfg(not(unix))]
    {
        let _ = (options, rx, pid);
        update(&shared, |st| {
            st.error = Some("playing recordings needs a Unix system (Linux, macOS)".into())
        });
    }
}

/// `12.5` as mpv's argument.
fn secs(t: f64) -> Value {
    json!(format!("{:.3}", t.max(0.0)))
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::process::{Child, Command, Stdio};

    pub(super) fn drive(
        options: Options,
        rx: mpsc::Receiver<Cmd>,
        shared: Shared,
        pid: Arc<Mutex<Option<u32>>>,
    ) {
        let (mut child, dir, stream) = match start(&options) {
            Ok(x) => x,
            Err(e) => {
                update(&shared, |st| st.error = Some(e));
                // Keep answering: every later command finds the same error in the status.
                while let Ok(cmd) = rx.recv() {
                    if cmd == Cmd::Quit {
                        break;
                    }
                }
                return;
            }
        };
        *pid.lock().unwrap_or_else(|e| e.into_inner()) = Some(child.id());
        let reader = stream.try_clone().ok().map(|r| {
            let s = shared.clone();
            std::thread::Builder::new()
                .name("mpv-reader".into())
                .spawn(move || read(r, s))
        });
        let mut conn = Conn {
            stream,
            next: 1,
            shared: shared.clone(),
        };
        update(&shared, |st| st.running = true);
        for (i, p) in ["time-pos", "pause", "speed", "eof-reached", "duration"]
            .iter()
            .enumerate()
        {
            conn.send(&[json!("observe_property"), json!(i + 1), json!(p)]);
        }
        let mut loaded: Option<PathBuf> = None;
        while let Ok(cmd) = rx.recv() {
            if cmd == Cmd::Quit {
                break;
            }
            conn.run(cmd, &mut loaded);
        }
        conn.send(&[json!("quit")]);
        // mpv quits at once when asked; a hung one is killed.
        let deadline = Instant::now() + Duration::from_millis(1500);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = conn.stream.shutdown(std::net::Shutdown::Both);
        if let Some(Ok(r)) = reader {
            let _ = r.join();
        }
        drop(dir);
        update(&shared, |st| st.running = false);
    }

    /// Removes socket folders that players killed with their owner left behind (a folder
    /// older than a minute whose socket nobody answers: a live player answers at once).
    fn sweep_stale() {
        let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for e in dir.flatten() {
            if !e.file_name().to_string_lossy().starts_with("intercode-mpv") {
                continue;
            }
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(60));
            if old && UnixStream::connect(e.path().join("ipc")).is_err() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    /// Starts mpv and connects to its socket (within 5 s).
    fn start(
        options: &Options,
    ) -> std::result::Result<(Child, tempfile::TempDir, UnixStream), String> {
        sweep_stale();
        // A private folder (mode 0700): nobody else on the machine can drive this player.
        let dir = tempfile::Builder::new()
            .prefix("intercode-mpv")
            .tempdir()
            .map_err(|e| format!("could not make a folder for the player's socket: {e}"))?;
        let sock = dir.path().join("ipc");
        let log = dir.path().join("stderr");
        let mut cmd = Command::new(&options.program);
        cmd.arg("--no-config")
            .arg("--idle=yes")
            .arg("--no-terminal")
            .arg("--keep-open=yes")
            .arg("--pause")
            .arg("--hr-seek=yes")
            .arg("--title=intercode")
            .arg(format!("--input-ipc-server={}", sock.display()));
        if options.video {
            cmd.arg("--force-window=yes");
        } else {
            cmd.arg("--vid=no").arg("--force-window=no");
        }
        cmd.args(&options.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(&log)
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            );
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe, and this closure touches nothing else between
            // fork and exec. It makes the kernel end mpv when this (driver) thread dies, which
            // is also what happens when intercode crashes or is killed.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os(MPV_VAR).is_some() {
                format!(
                    "{MPV_VAR}={}: no such program; {INSTALL_HINT}",
                    options.program.display()
                )
            } else if e.kind() == std::io::ErrorKind::NotFound {
                INSTALL_HINT.to_string()
            } else {
                format!("could not start {}: {e}", options.program.display())
            }
        })?;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let said = std::fs::read_to_string(&log).unwrap_or_default();
                let said = said.trim();
                return Err(format!(
                    "mpv ended at start ({status}){}{}",
                    if said.is_empty() { "" } else { ": " },
                    said.lines().last().unwrap_or("")
                ));
            }
            if let Ok(s) = UnixStream::connect(&sock) {
                return Ok((child, dir, s));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err("mpv did not open its control socket within 5 s".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    struct Conn {
        stream: UnixStream,
        next: u64,
        shared: Shared,
    }

    impl Conn {
        fn send(&mut self, args: &[Value]) {
            let line = ipc::command(self.next, args);
            self.next += 1;
            if self.stream.write_all(line.as_bytes()).is_err() {
                update(&self.shared, |st| {
                    if st.error.is_none() {
                        st.error = Some("the player (mpv) has ended".into());
                    }
                    st.running = false;
                });
            }
        }

        fn set(&mut self, property: &str, value: Value) {
            self.send(&[json!("set"), json!(property), value]);
        }

        /// Loads `file` unless it is loaded; false when it cannot be.
        fn load(&mut self, file: &Path, loaded: &mut Option<PathBuf>) -> bool {
            if loaded.as_deref() == Some(file) {
                return true;
            }
            let mut before = 0;
            update(&self.shared, |st| {
                st.file = None;
                st.error = None;
                st.time = None;
                before = st.loads;
            });
            self.send(&[json!("loadfile"), json!(file.to_string_lossy())]);
            // Seeking in a file that is still loading fails, so wait for it (on this thread:
            // the caller is not kept waiting).
            let (m, cv) = &*self.shared;
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut st = m.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if st.loads > before {
                    st.file = Some(file.to_path_buf());
                    st.seq += 1;
                    *loaded = Some(file.to_path_buf());
                    cv.notify_all();
                    return true;
                }
                if st.error.is_some() || !st.running {
                    if st.error.as_deref() == Some(UNPLAYABLE) {
                        st.error =
                            Some(format!("mpv cannot play {}: {UNPLAYABLE}", file.display()));
                        st.seq += 1;
                    }
                    return false;
                }
                let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                    st.error = Some(format!("mpv did not load {} within 10 s", file.display()));
                    st.seq += 1;
                    return false;
                };
                st = cv
                    .wait_timeout(st, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }

        fn run(&mut self, cmd: Cmd, loaded: &mut Option<PathBuf>) {
            match cmd {
                Cmd::Play { file, from, to } => {
                    if !self.load(&file, loaded) {
                        return;
                    }
                    update(&self.shared, |st| {
                        st.end = to;
                        st.ended = false;
                        st.looping = None;
                    });
                    self.set("ab-loop-a", json!("no"));
                    self.set("ab-loop-b", json!("no"));
                    // mpv stops exactly at `end` (and, kept open, pauses there).
                    self.set("end", to.map(secs).unwrap_or(json!("none")));
                    self.send(&[json!("seek"), secs(from), json!("absolute+exact")]);
                    self.set("pause", json!("no"));
                }
                Cmd::Loop { file, from, to } => {
                    if !self.load(&file, loaded) {
                        return;
                    }
                    update(&self.shared, |st| {
                        st.end = None;
                        st.ended = false;
                        st.looping = Some((from, to));
                    });
                    self.set("end", json!("none"));
                    self.set("ab-loop-a", secs(from));
                    self.set("ab-loop-b", secs(to));
                    self.send(&[json!("seek"), secs(from), json!("absolute+exact")]);
                    self.set("pause", json!("no"));
                }
                Cmd::Toggle { rewind } => {
                    let st = lock(&self.shared).clone();
                    if st.file.is_none() {
                        return;
                    }
                    if st.paused || st.ended {
                        if st.ended {
                            update(&self.shared, |s| {
                                s.end = None;
                                s.ended = false;
                            });
                            self.set("end", json!("none"));
                        }
                        if rewind > 0.0 {
                            let to = (st.time.unwrap_or(0.0) - rewind).max(0.0);
                            self.send(&[json!("seek"), secs(to), json!("absolute+exact")]);
                        }
                        self.set("pause", json!("no"));
                    } else {
                        self.set("pause", json!("yes"));
                    }
                }
                Cmd::LoopOff => {
                    update(&self.shared, |st| st.looping = None);
                    self.set("ab-loop-a", json!("no"));
                    self.set("ab-loop-b", json!("no"));
                }
                Cmd::Pause => self.set("pause", json!("yes")),
                Cmd::Jump(by) => {
                    let st = lock(&self.shared).clone();
                    if let Some(t) = st.time {
                        let to = (t + by).max(0.0);
                        self.send(&[json!("seek"), secs(to), json!("absolute+exact")]);
                        // Kept open at an end, mpv stays paused: a jump back is to hear it.
                        if st.ended && by < 0.0 {
                            self.set("pause", json!("no"));
                        }
                    }
                }
                Cmd::Speed(s) => self.set("speed", json!(format!("{:.2}", s))),
                Cmd::Quit => {}
            }
        }
    }

    /// The reader thread: keeps the status as mpv reports it.
    fn read(mut stream: UnixStream, shared: Shared) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            buf.extend_from_slice(&chunk[..n]);
            for line in ipc::take_lines(&mut buf) {
                if let Some(msg) = ipc::parse(&line) {
                    apply(&shared, msg);
                }
            }
        }
        update(&shared, |st| {
            if st.running && st.error.is_none() {
                st.error = Some("the player (mpv) has ended".into());
            }
            st.running = false;
        });
    }

    fn apply(shared: &Shared, msg: ipc::Message) {
        use ipc::Message;
        match msg {
            Message::Property { name, data } => update(shared, |st| match name.as_str() {
                "time-pos" => {
                    st.time = data.as_f64();
                    st.at = Some(Instant::now());
                }
                "pause" => st.paused = data.as_bool().unwrap_or(true),
                "speed" => st.speed = data.as_f64().unwrap_or(1.0),
                "duration" => st.duration = data.as_f64(),
                // Reaching the end sets it; only a seek or a new passage clears it.
                "eof-reached" if data.as_bool() == Some(true) => st.ended = true,
                _ => {}
            }),
            Message::Event { name, reason } => match name.as_str() {
                "file-loaded" => update(shared, |st| {
                    st.loads += 1;
                    st.ended = false;
                }),
                "end-file" if reason.as_deref() == Some("error") => update(shared, |st| {
                    st.error =
                        Some("mpv could not play the recording (is it audio or video?)".into());
                }),
                "seek" => update(shared, |st| st.ended = false),
                _ => {}
            },
            Message::Reply { .. } => {}
        }
    }
}
