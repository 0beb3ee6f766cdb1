//! Agreement benchmark (issue budget: two coders, 100,000 segments, 50 codes, all statistics
//! in under 1 s). The segments come from generated interviews; each coder codes about one
//! segment in eight with a code drawn from 50, agreeing with the other most of the time. The
//! peer in the same run is the floor of the work: one pass that reads every coding once.
//!
//! Run: `cargo bench --bench agreement`.

#[path = "support/corpus.rs"]
mod corpus;

use intercode::agreement::{self, Unit};
use intercode::codings::{AllCodings, Coding, CodingFile, Origin};
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // 112 one-hour interviews x 2 languages is about 100,000 segments.
    corpus::write_project(tmp.path(), 112, 5).unwrap();
    let (project, _) = intercode::Project::load(tmp.path()).unwrap();
    let segments: usize = project
        .interviews
        .values()
        .flat_map(|i| i.versions.values())
        .map(|t| t.segments.len())
        .sum();
    let codes: Vec<String> = (0..50).map(|i| format!("code{i:02}")).collect();
    let mut rng = corpus::Rng::new(9);
    let mut files = Vec::new();
    for (id, i) in &project.interviews {
        let (mut a, mut b) = (CodingFile::new("ana", id), CodingFile::new("boris", id));
        for (lang, t) in &i.versions {
            for s in 0..t.segments.len() {
                if rng.below(8) != 0 {
                    continue;
                }
                let span = t.segment_span(s);
                let code = codes[rng.below(50) as usize].clone();
                let c = Coding {
                    id: format!("{id}{lang}{s}"),
                    lang: lang.as_str().into(),
                    start: span.start,
                    end: span.end,
                    code: code.as_str().into(),
                    quote: "".into(),
                    memo: String::new(),
                    created: Default::default(),
                    origin: Origin::Manual,
                    model: None,
                };
                a.codings.push(c.clone());
                match rng.below(10) {
                    0 => {}
                    1 => b.codings.push(Coding {
                        code: codes[rng.below(50) as usize].as_str().into(),
                        ..c
                    }),
                    _ => b.codings.push(c),
                }
            }
        }
        files.push(a);
        files.push(b);
    }
    let all = AllCodings {
        files,
        problems: vec![],
    };
    let coders = vec!["ana".to_string(), "boris".to_string()];
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..5 {
        let t = Instant::now();
        result = Some(agreement::agree(&project, &all, &coders, Unit::Segment, None).unwrap());
        times.push(t.elapsed());
    }
    times.sort();
    let peer = {
        let t = Instant::now();
        let n: usize = all.iter().map(|(_, c)| c.end - c.start).sum();
        std::hint::black_box(n);
        t.elapsed()
    };
    let r = result.unwrap();
    println!(
        "agreement benchmark: 2 coders, {segments} segments, {} codes, {} codings",
        r.codes.len(),
        all.len()
    );
    println!("| work | best | median | peer: one pass over the codings |");
    println!("|---|---:|---:|---:|");
    println!(
        "| all statistics, per code and overall (segment unit) | {:.1} ms | {:.1} ms | {:.2} ms |",
        times[0].as_secs_f64() * 1e3,
        times[2].as_secs_f64() * 1e3,
        peer.as_secs_f64() * 1e3
    );
    println!(
        "overall: percent {:?}, cohen {:?}, alpha {:?}",
        r.overall.percent_agreement, r.overall.cohen_kappa, r.overall.krippendorff_alpha
    );
}
