//! Coding store benchmarks (issue budgets: saving one coding in an interview that already has
//! 5,000 codings under 20 ms; loading 1,000,000 codings across 10,000 interviews under
//! 300 ms). Each row has a peer measured in the same run on the same files: for the save,
//! writing and fsyncing the same bytes with no intercode logic; for the load, reading the same
//! files into memory without parsing them.
//!
//! Run: `cargo bench --bench codings`.

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::codings::{self, store::NewCoding, store::Session, Coding, CodingFile, Origin};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// A coding of a plausible size: a one- or two-sentence quote, sometimes a memo.
fn coding(rng: &mut corpus::Rng, i: usize) -> Coding {
    let quote: String = "Я боялась, что нас не выпустят на границе, honestly. "
        .chars()
        .cycle()
        .skip(rng.below(40) as usize)
        .take(60 + rng.below(120) as usize)
        .collect();
    // About one passage in twenty quotes someone, as in the sample study: escaped quotes.
    let quote = if rng.below(20) == 0 {
        format!("Она сказала: \"{quote}\"")
    } else {
        quote
    };
    Coding {
        id: format!(
            "0193a2b4-{:04x}-7{:03x}-8{:03x}-{:012x}",
            i % 65536,
            rng.below(4096),
            rng.below(4096),
            rng.next() & 0xffff_ffff_ffff
        ),
        lang: if i.is_multiple_of(2) {
            "ru".into()
        } else {
            "en".into()
        },
        start: i * 40,
        end: i * 40 + 120,
        code: (*rng.pick(&[
            "fear",
            "fear.deportation",
            "security.leaving",
            "integration.language",
            "citizenship.residence",
        ]))
        .into(),
        quote: quote.into(),
        memo: if rng.below(10) == 0 {
            "check the translation".into()
        } else {
            String::new()
        },
        created: "2026-11-22T10:00:00Z".into(),
        origin: Origin::Manual,
        model: None,
    }
}

fn main() {
    if let Some(dir) = std::env::var_os("BENCH_CODINGS_LOAD") {
        let whole = std::env::var_os("BENCH_CODINGS_WHOLE").is_some();
        let started = Instant::now();
        let all = load(Path::new(&dir), whole);
        let took = started.elapsed();
        assert!(all.problems.is_empty() && !all.is_empty());
        println!("{}", took.as_micros());
        return;
    }
    let quick = !std::env::args().any(|a| a == "--bench");
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    corpus::write_project(root, 1, 7).expect("corpus");
    let (project, _) = intercode::Project::open(root).expect("project");
    let id = project.interviews.keys().next().unwrap().clone();
    let t = &project.interviews[&id].versions["en"];
    let mut rng = corpus::Rng::new(3);

    // 1. Save one coding into a file with 5,000 codings.
    let mut file = CodingFile::new("bench", &id);
    file.codings = (0..5000).map(|i| coding(&mut rng, i)).collect();
    let path = codings::coding_path(root, "bench", &id);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, file.to_json().unwrap()).unwrap();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let mut session = Session::open(root, "bench").expect("session");
    let samples = if quick { 3 } else { 60 };
    let mut saves = Vec::new();
    for k in 0..samples {
        let seg = k % t.segments.len();
        let span = t.segment_span(seg);
        let started = Instant::now();
        session
            .add(
                &project,
                NewCoding {
                    interview: id.clone(),
                    lang: "en".into(),
                    span,
                    code: "fear".into(),
                    memo: String::new(),
                    origin: Origin::Manual,
                    model: None,
                },
            )
            .expect("add");
        saves.push(started.elapsed());
    }
    let json = std::fs::read(&path).unwrap();
    let mut peer = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        let p = root.join("peer.json");
        let mut f = std::fs::File::create(&p).unwrap();
        f.write_all(&json).unwrap();
        f.sync_all().unwrap();
        std::fs::File::open(root).unwrap().sync_all().unwrap();
        peer.push(started.elapsed());
    }
    drop(session);

    if std::env::var_os("BENCH_CODINGS_SAVES_ONLY").is_some() {
        let (s50, s99) = (percentile(&mut saves, 0.5), percentile(&mut saves, 0.99));
        let p50 = percentile(&mut peer, 0.5);
        println!("saves p50 {} p99 {}, peer {}", ms(s50), ms(s99), ms(p50));
        return; // for profiling the saves alone
    }

    // 2. Load 1,000,000 codings across 10,000 interviews (10 and 1,000 when not benchmarking).
    let (interviews, per): (usize, usize) = if quick { (10, 100) } else { (10_000, 100) };
    // The generated files are kept under target/ between runs (they are seeded, so the same
    // every time); a half-written set is detected by its missing marker and rewritten.
    let big = if quick {
        root.join("big")
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus/codings-10000")
    };
    let marker = big.join("complete-2"); // 2: some quotes with escaped quotation marks
    let mut total_bytes = 0u64;
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&big);
        for i in 0..interviews {
            let coder = if i.is_multiple_of(2) { "ana" } else { "boris" };
            let mut f = CodingFile::new(coder, &format!("I{i:05}"));
            f.codings = (0..per).map(|k| coding(&mut rng, k)).collect();
            let p = codings::coding_path(&big, coder, &f.interview);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, f.to_json().unwrap()).unwrap();
        }
        std::fs::write(&marker, "").unwrap();
    }
    for c in std::fs::read_dir(big.join("codings")).unwrap().flatten() {
        for f in std::fs::read_dir(c.path()).unwrap().flatten() {
            total_bytes += f.metadata().unwrap().len();
        }
    }
    // A command run from the shell loads in a fresh process, which starts with no memory from
    // the allocator, so the loads are timed in child processes that only load. Three kinds:
    // for analysis (quotes as fingerprints: reports, agreement, check, the TUI) without a
    // snapshot (every JSON file parsed, then the snapshot written) and with a current one
    // (what every later command finds), and with whole quotes (`code list`, exports). Loads
    // repeated in one process (the allocator already holding memory) are timed too.
    let runs = if quick { 1 } else { 7 };
    let snapshot = big.join(".intercode");
    let child = |whole: bool| -> Duration {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child.env("BENCH_CODINGS_LOAD", &big);
        if whole {
            child.env("BENCH_CODINGS_WHOLE", "1");
        }
        let out = child.output().expect("child load");
        let micros: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("child prints its load time");
        Duration::from_micros(micros)
    };
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut whole = Vec::new();
    let mut repeated = Vec::new();
    let mut reads = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&snapshot);
        cold.push(child(false));
        warm.push(child(false));
        whole.push(child(true));
        let started = Instant::now();
        let all = load(&big, false);
        repeated.push(started.elapsed());
        assert_eq!(all.len(), interviews * per);
        assert!(all.problems.is_empty());
        assert!(all.files[0].codings[0].quote.text().is_none());
        drop(all);
        let all = load(&big, true);
        assert!(all.files[0].codings[0].quote.text().is_some());
        drop(all);
        let started = Instant::now();
        let n = read_all(&big);
        reads.push(started.elapsed());
        assert_eq!(n, total_bytes);
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprintln!(
                "fresh process: no snapshot {:?}, snapshot {:?}, whole {:?}; repeated {:?}",
                cold.last().unwrap(),
                warm.last().unwrap(),
                whole.last().unwrap(),
                repeated.last().unwrap()
            );
        }
    }

    println!("coding store benchmark");
    println!("| operation | p50 | p99 / max | peer (same bytes, no parsing) | ratio |");
    println!("|---|---:|---:|---:|---:|");
    let (s50, s99) = (percentile(&mut saves, 0.5), percentile(&mut saves, 0.99));
    let p50 = percentile(&mut peer, 0.5);
    println!(
        "| save 1 coding into a file of 5,000 ({:.1} MB) | {} | {} | write+fsync {} | {:.2}x |",
        bytes as f64 / 1e6,
        ms(s50),
        ms(s99),
        ms(p50),
        s50.as_secs_f64() / p50.as_secs_f64()
    );
    let r50 = percentile(&mut reads, 0.5);
    for (what, v) in [
        ("for analysis, snapshot current (fresh process)", &mut warm),
        (
            "for analysis, no snapshot: JSON parsed, snapshot written (fresh process)",
            &mut cold,
        ),
        (
            "for analysis, snapshot current, repeated in one process",
            &mut repeated,
        ),
        ("with whole quotes, JSON parsed (fresh process)", &mut whole),
    ] {
        let (l50, lmax) = (percentile(v, 0.5), *v.iter().max().unwrap());
        println!(
            "| load {} codings in {} files ({:.0} MB) {what} | {} | {} | read only {} | {:.2}x |",
            interviews * per,
            interviews,
            total_bytes as f64 / 1e6,
            ms(l50),
            ms(lmax),
            ms(r50),
            l50.as_secs_f64() / r50.as_secs_f64()
        );
    }
}

fn load(root: &Path, whole: bool) -> codings::AllCodings {
    if whole {
        codings::load_all(root, None)
    } else {
        codings::load_for_analysis(root, None)
    }
}

/// Reads every codings file into memory (two threads, like the loader), returning the bytes.
fn read_all(root: &Path) -> u64 {
    let mut paths = Vec::new();
    for c in std::fs::read_dir(root.join("codings")).unwrap().flatten() {
        for f in std::fs::read_dir(c.path()).unwrap().flatten() {
            paths.push(f.path());
        }
    }
    let half = paths.len() / 2;
    let (a, b) = paths.split_at(half);
    std::thread::scope(|s| {
        let h = s.spawn(|| {
            a.iter()
                .map(|p| std::fs::read(p).unwrap().len() as u64)
                .sum::<u64>()
        });
        let y: u64 = b
            .iter()
            .map(|p| std::fs::read(p).unwrap().len() as u64)
            .sum();
        h.join().unwrap() + y
    })
}
