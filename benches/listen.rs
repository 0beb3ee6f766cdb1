//! Listening while coding. Budgets (issue 19): a key to playback started, with a warm player,
//! under 100 ms p50; a follow-mode tick on a 10-hour transcript under 1 ms.
//!
//! 1. Key to playback: the TUI on the sample study with its recording, mpv warm (`--ao=null`).
//!    Each round puts the cursor on a random segment of P01 and presses `p`; the clock stops
//!    when mpv reports playing at the segment's start ("started"), and again when it reports
//!    the first later position ("audio flowing"). The peer in the same run is mpv started cold
//!    for the same segment (`mpv --start --end --ao=null`, until it exits): what a coder without
//!    intercode waits for, at best.
//! 2. Follow tick: `App::follow_tick` every 40 ms of media time (the event loop's tick)
//!    through a 10-hour transcript in follow mode, so the cursor moves at every segment. The
//!    peer is a linear scan for the segment heard, the naive way.
//!
//! Run: `cargo bench --bench listen` (needs mpv).

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::media::{self, Kind, Link};
use intercode::player::Options;
use intercode::tui::App;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.2} µs", d.as_secs_f64() * 1e6)
}

fn player(app: &App) -> &intercode::player::Player {
    app.listen.player.as_ref().expect("started")
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let recording = repo.join("media/P01.opus");
    println!("Listening benchmark");
    println!("| case | p50 | p95 | peer | peer p50 | ratio (peer / ours, p50) |");
    println!("|---|---:|---:|---|---:|---:|");

    // 1. Key to playback, warm player.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    for sub in ["transcripts", "codebook"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    media::add(&dir, &recording, "P01", 0).unwrap();
    let mut app = App::new(&dir, "bench", false).unwrap();
    app.listen.options = Some(Options {
        program: "mpv".into(),
        extra: vec!["--ao=null".into()],
        video: false,
    });
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let segments = app.current().unwrap().0.segments.clone();
    // Warm up: the first press starts mpv and loads the file.
    app.handle_key(key('p'));
    player(&app)
        .wait(Duration::from_secs(20), |s| s.file.is_some() && !s.paused)
        .expect("mpv plays (is it installed?)");
    let mut rng = corpus::Rng::new(19);
    let (mut started, mut flowing) = (Vec::new(), Vec::new());
    let mut picked = Vec::new();
    for _ in 0..40 {
        let k = rng.below(segments.len() as u64 - 1) as usize;
        let from = segments[k].start_ms as f64 / 1000.0;
        let pos = app.current().unwrap().0.segment_span(k).start;
        app.transcript.as_mut().unwrap().cursor = pos;
        std::thread::sleep(Duration::from_millis(150));
        let seq = player(&app).status().seq;
        let t0 = Instant::now();
        app.handle_key(key('p'));
        let near = |t: Option<f64>| t.is_some_and(|t| (t - from).abs() < 0.1);
        player(&app)
            .wait(Duration::from_secs(5), |s| {
                s.seq > seq && !s.paused && near(s.time)
            })
            .expect("playback starts");
        started.push(t0.elapsed());
        player(&app)
            .wait(Duration::from_secs(5), |s| {
                s.time.is_some_and(|t| t > from + 0.001 && t < from + 0.5)
            })
            .expect("audio flows");
        flowing.push(t0.elapsed());
        picked.push((from, segments[k].end_ms as f64 / 1000.0));
    }
    // The peer: mpv started cold for 10 of the same segments, until it exits at the end of a
    // 0.05 s slice (its start-up and seek, with almost no playing).
    let mut cold = Vec::new();
    for (from, _) in picked.iter().take(10) {
        let t0 = Instant::now();
        let ok = Command::new("mpv")
            .args(["--no-config", "--no-terminal", "--ao=null", "--vid=no"])
            .arg(format!("--start={from:.3}"))
            .arg(format!("--end={:.3}", from + 0.05))
            .arg(&recording)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mpv runs");
        cold.push(t0.elapsed());
    }
    let cold50 = pct(&mut cold, 0.5);
    for (name, v) in [
        (
            "key `p` to playback started (mpv reports playing at the segment's start)",
            &mut started,
        ),
        (
            "key `p` to audio flowing (first later position)",
            &mut flowing,
        ),
    ] {
        let p50 = pct(v, 0.5);
        println!(
            "| {name}, 40 random P01 segments, warm mpv | {} | {} | cold mpv --start --end | {} | {:.1}x |",
            ms(p50),
            ms(pct(v, 0.95)),
            ms(cold50),
            cold50.as_secs_f64() / p50.as_secs_f64()
        );
    }
    drop(app);

    // 2. Follow tick on a 10-hour transcript.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    corpus::write_project(&dir, 1, 10).unwrap();
    let (ru, en) = corpus::interview(99, 600);
    std::fs::write(dir.join("transcripts/I00000.ru.vtt"), ru).unwrap();
    std::fs::write(dir.join("transcripts/I00000.en.vtt"), en).unwrap();
    let mut app = App::new(&dir, "bench", false).unwrap();
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let (interview, segs) = {
        let (t, ts) = app.current().unwrap();
        (ts.interview.clone(), t.segments.clone())
    };
    let hours = segs.last().unwrap().end_ms as f64 / 3.6e6;
    app.listen.follow = true;
    app.listen.playing = Some((
        interview,
        Link {
            interview: "I00000".into(),
            path: "x.opus".into(),
            kind: Kind::Audio,
            size: 0,
            fingerprint: String::new(),
            offset_ms: 0,
        },
    ));
    let end = segs.last().unwrap().end_ms as f64 / 1000.0;
    let (mut ticks, mut moves) = (Vec::new(), Vec::new());
    let mut secs = 0.0;
    let mut last = app.current().unwrap().1.cursor;
    while secs < end {
        let t0 = Instant::now();
        app.follow_tick(secs);
        let d = t0.elapsed();
        let now = app.current().unwrap().1.cursor;
        if now != last {
            moves.push(d);
            last = now;
        } else {
            ticks.push(d);
        }
        secs += 0.04;
    }
    let n_ticks = ticks.len() + moves.len();
    assert!(
        moves.len() + 10 > segs.len(),
        "the cursor followed every segment"
    );
    // The peer: a linear scan for the segment heard at the same times (1 tick in 50).
    let mut scan = Vec::new();
    let mut secs = 0.0;
    while secs < end {
        let ms_now = (secs * 1000.0) as u64;
        let t0 = Instant::now();
        let k = segs.iter().rposition(|s| s.start_ms <= ms_now);
        std::hint::black_box(k);
        scan.push(t0.elapsed());
        secs += 2.0;
    }
    let scan50 = pct(&mut scan, 0.5);
    let all: Vec<Duration> = ticks.iter().chain(&moves).copied().collect();
    let mut all = all;
    let p50 = pct(&mut all, 0.5);
    println!(
        "| follow tick, {hours:.1}-hour transcript ({} segments), {n_ticks} ticks of 40 ms | {} | {} | linear scan for the segment | {} | {:.1}x |",
        segs.len(),
        us(p50),
        us(pct(&mut all, 0.95)),
        us(scan50),
        scan50.as_secs_f64() / p50.as_secs_f64()
    );
    println!(
        "| follow tick that moves the cursor ({} moves) | {} | {} (max {}) | - | - | - |",
        moves.len(),
        us(pct(&mut moves, 0.5)),
        us(pct(&mut moves, 0.95)),
        us(pct(&mut moves, 1.0))
    );
}
