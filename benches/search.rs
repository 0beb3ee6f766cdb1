//! Search benchmark: import + index throughput, and warm query latency (p50/p99) for term,
//! phrase and boolean queries at 100, 1,000 and 10,000 one-hour bilingual interviews, next to
//! ripgrep (`rg -c -w -F`) running the same word queries over the same files in the same run.
//! For exact-word queries (`=word`) our count of matching segments must equal rg's count of
//! matching lines (each Zoom cue is one line), and the benchmark checks that it does.
//!
//! Run: `cargo bench --bench search` (sizes: `SEARCH_BENCH_SIZES=100,1000,10000`, the default).
//! Corpora are generated into `target/bench-corpus/` once and reused. `SEARCH_BENCH_VERBOSE=1`
//! also times each query alone; `SEARCH_BENCH_REUSE=1` keeps the last run's index (queries
//! only); `SEARCH_BENCH_INDEX_ONLY=1` stops after the build (profiling).

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::search::SearchIndex;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// Every query matches something in the corpus: a query with no hits would flatter p50.
const TERM: &[&str] = &["боюсь", "граница", "passport", "remote"];
const PHRASE: &[&str] = &[
    "\"вид на жительство\"",
    "\"residence permit\"",
    "\"хотела бы\"",
];
const BOOLEAN: &[&str] = &[
    "боюсь AND граница",
    "(afraid OR scary) -war",
    "паспорт lang:ru -мобилизация",
];
const EXACT: &[&str] = &["=паспорт", "=граница", "=passport", "=border"];

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn corpus(n: usize) -> (PathBuf, u64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-corpus/{n}"));
    let done = dir.join("done");
    if let Ok(s) = std::fs::read_to_string(&done) {
        return (dir, s.trim().parse().unwrap_or(0));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = corpus::write_project(&dir, n, 2026).expect("write corpus");
    std::fs::write(&done, bytes.to_string()).unwrap();
    (dir, bytes)
}

/// (total matches, time) of `rg -c -w -F word` over the transcripts.
fn rg(dir: &Path, word: &str) -> Option<(usize, Duration)> {
    let t = Instant::now();
    let out = std::process::Command::new("rg")
        .args(["-c", "-w", "-F", "--no-filename", "-g", "*.vtt", "--", word])
        .arg(dir.join("transcripts"))
        .output()
        .ok()?;
    let d = t.elapsed();
    let n = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse::<usize>().ok())
        .sum();
    Some((n, d))
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test --benches` should not generate gigabytes
    }
    let sizes: Vec<usize> = std::env::var("SEARCH_BENCH_SIZES")
        .unwrap_or_else(|_| "100,1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut rows = Vec::new();
    for n in sizes {
        let (dir, bytes) = corpus(n);
        // SEARCH_BENCH_REUSE keeps the last run's index, for working on queries alone; the
        // build figures of such a run are only an open, not a build.
        let reuse = std::env::var_os("SEARCH_BENCH_REUSE").is_some();
        if reuse {
            eprintln!("{n} interviews: reusing the index; build figures are not a build");
        } else {
            let _ = std::fs::remove_dir_all(dir.join(".intercode"));
        }
        // The files are read once first, so that the build is timed on files in the page
        // cache (as after an import or a checkout) and not on this shared machine's disk.
        for e in std::fs::read_dir(dir.join("transcripts"))
            .unwrap()
            .flatten()
        {
            std::hint::black_box(std::fs::read(e.path()).unwrap());
        }
        reset_peak_memory();
        let sampler = AnonPeak::start();
        let t = Instant::now();
        let (idx, _) = SearchIndex::open(&dir, None, &mut |_, _| {}).expect("index");
        let build = t.elapsed();
        let anon_peak = sampler.stop();
        let build_peak = format!("{} MB ({anon_peak} MB)", peak_memory_mb());
        if std::env::var_os("SEARCH_BENCH_INDEX_ONLY").is_some() {
            println!("{n} interviews: indexed in {build:?}, peak memory {build_peak}");
            continue; // for profiling the indexing alone
        }
        let reopen = {
            drop(idx);
            let t = Instant::now();
            let _ = SearchIndex::open(&dir, None, &mut |_, _| {}).expect("reopen");
            t.elapsed()
        };
        let (idx, _) = SearchIndex::open(&dir, None, &mut |_, _| {}).expect("reopen");
        let runs = if n >= 10_000 { 40 } else { 200 };
        let measure = |qs: &[&str]| {
            let mut v = Vec::new();
            for _ in 0..runs {
                for q in qs {
                    let t = Instant::now();
                    let r = idx.search(q, 10, None).expect("query");
                    v.push(t.elapsed());
                    std::hint::black_box(r);
                }
            }
            (pct(&mut v, 0.5), pct(&mut v, 0.99))
        };
        if std::env::var_os("SEARCH_BENCH_VERBOSE").is_some() {
            for q in TERM.iter().chain(PHRASE).chain(BOOLEAN).chain(EXACT) {
                let (p50, p99) = measure(&[q]);
                let total = idx.search(q, 10, None).expect("query").total;
                println!("{n} {q}: p50 {} p99 {} ms, {total} hits", ms(p50), ms(p99));
            }
        }
        let term = measure(TERM);
        let phrase = measure(PHRASE);
        let boolean = measure(BOOLEAN);
        let exact = measure(EXACT);
        // An edited transcript: how long until its new text is searchable (the re-index of
        // one interview and a query that finds it).
        let update = {
            let id = "I00000";
            let path = dir.join(format!("transcripts/{id}.en.vtt"));
            let original = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                original.replacen("Interviewer: ", "Interviewer: Zyxwvut ", 1),
            )
            .unwrap();
            let mut project = intercode::Project::load(&dir).unwrap().0;
            std::fs::write(&path, &original).unwrap();
            let (mut idx2, _) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
            let t = Instant::now();
            idx2.update_interview(&project, id).unwrap();
            let found = idx2.search("zyxwvut", 1, None).unwrap().total;
            let d = t.elapsed();
            assert_eq!(found, 1);
            // Put the index back to the unedited text.
            project = intercode::Project::load(&dir).unwrap().0;
            idx2.update_interview(&project, id).unwrap();
            d
        };
        // The same exact-word queries with ripgrep; counts must agree.
        let mut rg_times = Vec::new();
        let mut counts = Vec::new();
        for q in EXACT {
            let word = q.trim_start_matches('=');
            let ours = idx.search(q, 1, None).expect("query").total;
            if let Some((theirs, d)) = rg(&dir, word) {
                assert_eq!(ours, theirs, "{n} interviews: `{q}` counts {ours} segments, rg -c -w -F counts {theirs} lines");
                rg_times.push(d);
                counts.push(format!("{word} {ours}"));
            }
        }
        let rg_p50 = (!rg_times.is_empty()).then(|| pct(&mut rg_times, 0.5));
        rows.push((
            n, bytes, build, build_peak, reopen, term, phrase, boolean, exact, rg_p50, counts,
            update,
        ));
        eprintln!("done: {n} interviews");
    }
    println!("search benchmark (warm queries in process, limit 10, highlights and translations included)");
    println!();
    println!("| interviews | VTT MB | import+index | MB/s | build peak memory (anonymous) | reopen | edit searchable | term p50/p99 ms | phrase p50/p99 ms | boolean p50/p99 ms | exact word p50/p99 ms | rg -c -w -F p50 ms | rg / exact | equal counts |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (
        n,
        bytes,
        build,
        build_peak,
        reopen,
        term,
        phrase,
        boolean,
        exact,
        rg_p50,
        counts,
        update,
    ) in rows
    {
        println!(
            "| {n} | {:.0} | {:.1} s | {:.1} | {build_peak} | {} ms | {} ms | {} / {} | {} / {} | {} / {} | {} / {} | {} | {} | {} |",
            bytes as f64 / 1e6,
            build.as_secs_f64(),
            bytes as f64 / 1e6 / build.as_secs_f64(),
            ms(reopen),
            ms(update),
            ms(term.0), ms(term.1),
            ms(phrase.0), ms(phrase.1),
            ms(boolean.0), ms(boolean.1),
            ms(exact.0), ms(exact.1),
            rg_p50.map_or("-".into(), ms),
            rg_p50.map_or("-".into(), |r| format!("{:.0}x", r.as_secs_f64() / exact.0.as_secs_f64())),
            counts.join(", "),
        );
    }
}

/// The peak of the process's anonymous resident memory (its heap, without the index files
/// tantivy maps while merging, which the kernel can drop at will), sampled every 5 ms.
struct AnonPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl AnonPeak {
    fn start() -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kb("RssAnon:"));
                std::thread::sleep(Duration::from_millis(5));
            }
            peak.max(status_kb("RssAnon:")) / 1024
        });
        AnonPeak { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// Resets the process's peak resident memory (Linux: `5` to `/proc/self/clear_refs`), so that
/// the next reading is the peak of what follows.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory since the last reset, in MB (0 where `/proc` does not say).
fn peak_memory_mb() -> u64 {
    status_kb("VmHWM:") / 1024
}
