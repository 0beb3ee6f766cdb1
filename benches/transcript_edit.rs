//! Transcript edit benchmark (issue budget: an edit in a 10-hour transcript with 5,000 codings
//! by each of 3 coders, saved and searchable, under 50 ms p50). One row per step:
//!
//! - `edit`: `ops::transcript_edit::edit_transcript` (read and parse the transcript, rewrite
//!   the cue, move every coder's codings, commit the transaction with its fsyncs);
//! - `searchable`: the search worker's `replace_segment` of the edited segment's document
//!   (the new text is then found), started as soon as the new text is known good, on the
//!   other core while the transaction syncs the files (as the TUI does);
//! - `reindex (after)`: the worker's `update_interview` that follows, when no query waits
//!   (positions of the later segments shift with the edit);
//! - `peer`: writing and fsyncing the same four files' bytes with no intercode logic (the
//!   floor of a durable save of that edit), in the same run.
//!
//! Run: `cargo bench --bench transcript_edit` (3 samples under `cargo test --benches`).

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::codings::{self, Coding, CodingFile, Origin};
use intercode::ops::transcript_edit::{edit_transcript_with, Edit, Request};
use intercode::search::SearchIndex;
use std::io::Write;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("transcripts")).unwrap();
    std::fs::create_dir_all(root.join("codebook")).unwrap();
    std::fs::write(
        root.join("codebook/codebook.json"),
        intercode::codebook::default_codebook_json(),
    )
    .unwrap();
    let (ru, en) = corpus::interview(11, 600);
    std::fs::write(root.join("transcripts/T1.ru.vtt"), &ru).unwrap();
    std::fs::write(root.join("transcripts/T1.en.vtt"), &en).unwrap();
    let (project, _) = intercode::Project::open(root).expect("project");
    let t = project.interviews["T1"].versions["ru"].clone();
    let segments = t.segments.len();
    // 5,000 codings per coder, spread over the transcript, each on whole words of a segment.
    let mut rng = corpus::Rng::new(5);
    for coder in ["ana", "boris", "vera"] {
        let mut f = CodingFile::new(coder, "T1");
        for i in 0..5000 {
            let seg = rng.below(segments as u64) as usize;
            let span = t.segment_span(seg);
            let len = span.end - span.start;
            let start = span.start + rng.below((len / 2).max(1) as u64) as usize;
            let end = (start + 5 + rng.below(len as u64) as usize).min(span.end);
            f.codings.push(Coding {
                id: format!("0193a2b4-0000-7000-8000-{coder:0>4}{i:08}"),
                lang: "ru".into(),
                start,
                end,
                code: "fear".into(),
                quote: t.slice(start..end).into(),
                memo: String::new(),
                created: "2026-12-03T10:00:00Z".into(),
                origin: Origin::Manual,
                model: None,
            });
        }
        f.sort();
        let p = codings::coding_path(root, coder, "T1");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, f.to_json().unwrap()).unwrap();
    }
    let (mut idx, _) = SearchIndex::open(root, None, &mut |_, _| {}).expect("index");

    let samples = if quick { 3 } else { 40 };
    let (mut edits, mut reindexes, mut totals, mut replaced) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut interview = project.interviews["T1"].clone();
    let mut found = 0;
    for k in 0..samples {
        // A segment in the middle third: codings before and after it move or stay.
        let seg = segments / 3 + k * 7 % (segments / 3);
        let word = format!("правка{k}");
        let text = format!("{} {word}", t.segments[seg].text);
        // As the TUI does: the edited segment goes to the index (on the other core) as soon
        // as the new text is known good, while the transaction syncs the files.
        let started = Instant::now();
        let (tx, rx) = std::sync::mpsc::channel::<intercode::project::Interview>();
        let (done, edited, replace) = std::thread::scope(|sc| {
            let idx = &mut idx;
            let indexer = sc.spawn(move || {
                let i = rx.recv().expect("the new text");
                let r = Instant::now();
                idx.replace_segment(&i, "ru", seg).expect("replace");
                r.elapsed()
            });
            let base = &interview;
            let done = edit_transcript_with(
                root,
                &Request {
                    interview: "T1".into(),
                    lang: "ru".into(),
                    edit: Edit::Text { segment: seg, text },
                    expect: None,
                },
                &mut |_| {},
                &mut |t| {
                    let mut i = base.clone();
                    i.versions.insert("ru".into(), t.clone());
                    tx.send(i).expect("indexer");
                },
            )
            .expect("edit");
            let edited = started.elapsed();
            (done, edited, indexer.join().expect("indexer"))
        });
        replaced.push(replace);
        totals.push(started.elapsed());
        edits.push(edited);
        interview.versions.insert("ru".into(), done.transcript);
        if idx
            .search(&format!("={word}"), 10, None)
            .expect("search")
            .total
            == 1
        {
            found += 1;
        }
        // And then, when no query waits, the whole interview again.
        let r = Instant::now();
        let (mut p, _) = intercode::Project::load_outline(root).expect("outline");
        if let Some(i) = p.interviews.get_mut("T1") {
            i.versions = i.read_versions().versions;
        }
        idx.update_interview(&p, "T1").expect("reindex");
        reindexes.push(r.elapsed());
        // A coder's next edit comes seconds later: the index's background merges are done
        // by then, and must not be timed as part of the next edit.
        std::thread::sleep(Duration::from_millis(if quick { 0 } else { 500 }));
    }
    assert_eq!(
        found, samples,
        "every edit is found by a search right after it"
    );

    // The peer: the same four files written and fsynced, nothing else.
    let files: Vec<Vec<u8>> = ["transcripts/T1.ru.vtt"]
        .iter()
        .map(|f| std::fs::read(root.join(f)).unwrap())
        .chain(
            ["ana", "boris", "vera"]
                .iter()
                .map(|c| std::fs::read(codings::coding_path(root, c, "T1")).unwrap()),
        )
        .collect();
    let mut peer = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        for (n, bytes) in files.iter().enumerate() {
            let p = root.join(format!("peer{n}"));
            let mut f = std::fs::File::create(&p).unwrap();
            f.write_all(bytes).unwrap();
            f.sync_all().unwrap();
        }
        std::fs::File::open(root).unwrap().sync_all().unwrap();
        peer.push(started.elapsed());
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let p50 = pct(&mut peer, 0.5);
    let e50 = pct(&mut edits, 0.5);
    println!(
        "transcript: {segments} segments ({} KB), 3 coders x 5,000 codings; {samples} edits; files written per edit: {} KB",
        ru.len() / 1024,
        bytes / 1024
    );
    println!("| step | p50 | p99 | peer (write+fsync same bytes) p50 | ratio |");
    println!("|---|---|---|---|---|");
    println!(
        "| edit (saved, codings moved) | {} | {} | {} | {:.1}x |",
        ms(e50),
        ms(pct(&mut edits, 0.99)),
        ms(p50),
        e50.as_secs_f64() / p50.as_secs_f64()
    );
    println!(
        "| searchable (the segment's document replaced, beside the commit) | {} | {} | | |",
        ms(pct(&mut replaced, 0.5)),
        ms(pct(&mut replaced, 0.99))
    );
    println!(
        "| **edit saved + searchable** | **{}** | {} | | budget 50 ms |",
        ms(pct(&mut totals, 0.5)),
        ms(pct(&mut totals, 0.99))
    );
    println!(
        "| reindex the interview after (in the background) | {} | {} | | |",
        ms(pct(&mut reindexes, 0.5)),
        ms(pct(&mut reindexes, 0.99))
    );
}
