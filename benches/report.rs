//! Report benchmark (issue budget: frequencies, crosstab and co-occurrence on 1,000,000
//! codings in under 1 s in total). Codings are generated in memory over 10,000 interviews
//! with participant attributes and transcripts in both languages, as `intercode report` has
//! them: loaded for analysis, each quote only a fingerprint, so the coded words are counted
//! in the transcript. Loading them from disk is measured by the codings benchmark.
//! Counting starts by putting the codings into passages (`report::analyse`: drift check,
//! alignment, clustering); the crosstab reuses the frequencies (as the report view does).
//! The peer in the same run is one pass over every coding that only sums the span lengths.
//!
//! Run: `cargo bench --bench report`.

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::codings::{AllCodings, Coding, CodingFile, Origin, Quote};
use intercode::project::{Interview, Project};
use intercode::report::{self, CoderSet, Settings};
use intercode::transcript::{Segment, Transcript};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let codebook: intercode::codebook::Codebook =
        serde_json::from_str(intercode::codebook::default_codebook_json()).unwrap();
    let codes: Vec<String> = codebook.walk().iter().map(|r| r.code.id.clone()).collect();
    let mut rng = corpus::Rng::new(4);
    let mut interviews = BTreeMap::new();
    let mut files = Vec::new();
    let quote = "Я боялась, что нас не выпустят на границе, и мы долго не спали перед вылетом.";
    // 520 segments of about 80 characters per language (about 40 minutes of speech): longer
    // than every coded span below.
    let template = |lang: &str, sentence: &str| {
        let segments = (0..520)
            .map(|k| Segment::new(k, k as u64 * 5000, k as u64 * 5000 + 4000, None, sentence))
            .collect();
        Transcript::new("I", lang, segments)
    };
    let ru = template("ru", quote);
    let en = template(
        "en",
        "I was afraid they would not let us through at the border, and we did not sleep.",
    );
    for i in 0..10_000 {
        let id = format!("I{i:05}");
        let attributes = BTreeMap::from([
            (
                "gender".to_string(),
                rng.pick(&["female", "male"]).to_string(),
            ),
            (
                "age_group".to_string(),
                rng.pick(&["20-29", "30-39", "40-49", "50-59"]).to_string(),
            ),
            (
                "city".to_string(),
                rng.pick(&["Belgrade", "Novi Sad", "Niš"]).to_string(),
            ),
        ]);
        interviews.insert(
            id.clone(),
            Interview {
                id: id.clone(),
                attributes,
                versions: BTreeMap::from([
                    ("ru".to_string(), ru.clone()),
                    ("en".to_string(), en.clone()),
                ]),
                ..Interview::default()
            },
        );
        let mut f = CodingFile::new(if i % 2 == 0 { "ana" } else { "boris" }, &id);
        let mut pos = 0usize;
        for _ in 0..100 {
            pos += rng.below(400) as usize;
            let len = 40 + rng.below(200) as usize;
            let (lang, t) = if rng.below(2) == 0 {
                ("ru", &ru)
            } else {
                ("en", &en)
            };
            f.codings.push(Coding {
                id: String::new(),
                lang: lang.into(),
                start: pos,
                end: pos + len,
                code: codes[rng.below(codes.len() as u64) as usize]
                    .as_str()
                    .into(),
                // The quote as coded, so that no coding counts as drifted.
                quote: Quote::fingerprint_of(t.slice(pos..pos + len)),
                memo: String::new(),
                created: Default::default(),
                origin: Origin::Manual,
                model: None,
            });
        }
        files.push(f);
    }
    let all = AllCodings {
        files,
        problems: vec![],
    };
    let project = Project {
        root: ".".into(),
        interviews,
        attribute_names: vec!["gender".into(), "age_group".into(), "city".into()],
        codebook: Some(codebook),
        survey: None,
    };
    let set = CoderSet::union(vec!["ana".into(), "boris".into()]);
    let settings = Settings::default();
    let mut rows = Vec::new();
    let mut passages = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let an = report::analyse(&project, &all, &set, None, &settings);
        let t0 = t.elapsed();
        let f = report::frequency_table(&project, &an, &settings);
        let t1 = t.elapsed();
        let c = report::crosstab_from(&project, &f, "age_group", &settings);
        let t2 = t.elapsed();
        let o = report::cooccurrence(&an);
        let t3 = t.elapsed();
        passages = an.rolled.len();
        assert!(an.drifted.is_empty());
        std::hint::black_box((f, c, o));
        rows.push((t0, t1 - t0, t2 - t1, t3 - t2, t3));
    }
    rows.sort_by_key(|r| r.4);
    let (a, f, c, o, total) = rows[0];
    let t = Instant::now();
    let n: usize = all.iter().map(|(_, c)| c.end - c.start).sum();
    std::hint::black_box(n);
    let peer = t.elapsed();
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    println!(
        "report benchmark: {} codings, 10,000 interviews, {} codes, {passages} passages rolled up (best of 3)",
        all.len(),
        codes.len()
    );
    println!(
        "| passages | frequencies | crosstab | co-occurrence | total | peer: one pass over the codings |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {} | {} |",
        ms(a),
        ms(f),
        ms(c),
        ms(o),
        ms(total),
        ms(peer)
    );
}
