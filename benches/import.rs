//! Import throughput: how many MB/s of Zoom-style VTT intercode turns into transcripts.
//!
//! Prints one table. "parse" is decoding plus parsing in memory (budget: at least 200 MB/s);
//! "load project" reads every file of a generated project from disk and builds the model
//! (the path `intercode check` and every command take). As a peer on the same bytes in the
//! same run, `rg -c -F -- -->` counts the cue timing lines (when ripgrep is installed): it
//! reads the same files but understands nothing, so the ratio says what parsing costs.
//!
//! Run: `cargo bench --bench import` (or `benches/run.sh` for every benchmark).

#[path = "support/corpus.rs"]
mod corpus;

use intercode::transcript::parse_bytes;
use std::path::Path;
use std::time::{Duration, Instant};

fn best_of<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn mbps(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful. Keep
    // the work small when not asked to measure, so a test run stays fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let interviews = if quick { 4 } else { 200 };
    let tmp = tempfile::tempdir().expect("temp dir");
    let total = corpus::write_project(tmp.path(), interviews, 42).expect("write corpus");
    let files: Vec<(std::path::PathBuf, Vec<u8>)> =
        std::fs::read_dir(tmp.path().join("transcripts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "vtt"))
            .map(|p| {
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect();
    let runs = if quick { 1 } else { 5 };

    let mut segments = 0usize;
    let parse = best_of(runs, || {
        segments = files
            .iter()
            .map(|(p, b)| parse_bytes(b, p).expect("parse").segments.len())
            .sum();
    });
    let load = best_of(runs, || {
        let (project, problems) = intercode::Project::load(tmp.path()).expect("load");
        assert_eq!(project.interviews.len(), interviews);
        assert!(problems
            .iter()
            .all(|p| p.severity != intercode::Severity::Error));
    });
    let rg = rg_time(tmp.path(), runs, segments);

    println!("import benchmark: {interviews} one-hour interviews x 2 languages, {:.1} MB of VTT, {segments} cues", total as f64 / 1e6);
    println!("| step | time | throughput | vs rg |");
    println!("|---|---:|---:|---:|");
    let ratio = |d: Duration| {
        rg.map_or("-".to_string(), |r| {
            format!("{:.2}x", d.as_secs_f64() / r.as_secs_f64())
        })
    };
    println!(
        "| parse (decode + parse, in memory) | {:.1} ms | {:.0} MB/s | {} |",
        parse.as_secs_f64() * 1e3,
        mbps(total, parse),
        ratio(parse)
    );
    println!(
        "| load project (read files + parse + model) | {:.1} ms | {:.0} MB/s | {} |",
        load.as_secs_f64() * 1e3,
        mbps(total, load),
        ratio(load)
    );
    match rg {
        Some(r) => println!(
            "| peer: rg -c -F -- '-->' (same files) | {:.1} ms | {:.0} MB/s | 1.00x |",
            r.as_secs_f64() * 1e3,
            mbps(total, r)
        ),
        None => println!("| peer: rg not installed (apt-get install ripgrep) | - | - | - |"),
    }
}

/// Times ripgrep counting timing lines over the same files; checks it sees as many cues.
fn rg_time(dir: &Path, runs: usize, segments: usize) -> Option<Duration> {
    let tdir = dir.join("transcripts");
    let mut count = 0usize;
    let d = best_of(runs, || {
        let out = std::process::Command::new("rg")
            .args([
                "-c",
                "-F",
                "--no-filename",
                "-j1",
                "-g",
                "*.vtt",
                "--",
                "-->",
            ])
            .arg(&tdir)
            .output();
        count = match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.parse::<usize>().ok())
                .sum(),
            _ => 0,
        };
    });
    (count > 0).then(|| {
        assert_eq!(
            count, segments,
            "rg and intercode disagree on the number of cues"
        );
        d
    })
}
