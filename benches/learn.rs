//! Learned suggestions at scale. Budgets (issue 20): training on 1,000,000 codings under 10 s,
//! suggesting for one interview under 100 ms.
//!
//! The study: 500 hour-long interviews in Russian and English (the corpus generator's), two
//! coders who code every participant passage with codes that follow its words (each code has
//! a few trigger words, so there is something to learn), about a million codings in all.
//! Training is everything `intercode autocode --learned` does before suggesting: the units
//! (alignment), the labels, every unit's features (both cores) and the model of every code
//! (both cores). Suggesting for one interview is its units' features and scores. The peer
//! in the same run is one pass that only counts the units' words, split at whitespace: the
//! floor for touching the same text.
//!
//! Run: `cargo bench --bench learn`.

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::codings::{AllCodings, Coding, CodingFile, Origin, Quote};
use intercode::learn::{self, model};
use std::time::Instant;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let interviews: usize = std::env::var("LEARN_BENCH_INTERVIEWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    corpus::write_project(&dir, interviews, 20).unwrap();
    std::fs::create_dir_all(dir.join("codebook")).unwrap();
    std::fs::write(
        dir.join("codebook/codebook.json"),
        intercode::codebook::default_codebook_json(),
    )
    .unwrap();
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let cb = project.codebook.clone().unwrap();
    let codes: Vec<String> = cb.walk().iter().map(|r| r.code.id.clone()).collect();
    // Codings: every participant passage, by both coders, with the codes its words trigger
    // (a code per word class, by the word's hash) and, for one coder, one more at random.
    let units = learn::units(&project);
    let mut files: std::collections::BTreeMap<(String, String), CodingFile> = Default::default();
    let mut rng = corpus::Rng::new(7);
    let mut n = 0usize;
    for u in units.iter().filter(|u| !u.interviewer) {
        let Some((lang, (_, span))) = u.parts.get_key_value("ru") else {
            continue;
        };
        let words: Vec<&str> = u.text[lang].split_whitespace().collect();
        let mut picked: Vec<&String> = words
            .iter()
            .filter(|w| w.len() > 8)
            .map(|w| &codes[w.bytes().map(|b| b as usize).sum::<usize>() % codes.len()])
            .take(3)
            .collect();
        picked.sort();
        picked.dedup();
        for coder in ["ana", "boris"] {
            let mut mine = picked.clone();
            if coder == "boris" {
                mine.push(rng.pick(&codes));
            }
            for code in mine {
                let f = files
                    .entry((coder.to_string(), u.interview.clone()))
                    .or_insert_with(|| CodingFile::new(coder, &u.interview));
                f.codings.push(Coding {
                    id: format!("{coder}-{n}"),
                    lang: lang.as_str().into(),
                    start: span.start,
                    end: span.end,
                    code: code.as_str().into(),
                    quote: Quote::from(""),
                    memo: String::new(),
                    created: "2026-12-03T00:00:00Z".into(),
                    origin: Origin::Manual,
                    model: None,
                });
                n += 1;
            }
        }
    }
    let all = AllCodings {
        files: files.into_values().collect(),
        problems: Vec::new(),
    };
    let coders = vec!["ana".to_string(), "boris".to_string()];
    let chars: usize = units
        .iter()
        .flat_map(|u| u.text.values())
        .map(|t| t.len())
        .sum();
    println!(
        "learn benchmark: {interviews} interviews, {} units ({} MB of text), {n} codings, {} codes",
        units.len(),
        chars >> 20,
        codes.len()
    );
    println!("| step | time | peer: count the words | ratio |");
    println!("|---|---:|---:|---:|");
    // The peer.
    let t = Instant::now();
    let words: usize = units
        .iter()
        .flat_map(|u| u.text.values())
        .map(|t| t.split_whitespace().count())
        .sum();
    let peer = t.elapsed();
    std::hint::black_box(words);
    // Training, step by step.
    let t0 = Instant::now();
    let units = learn::units(&project);
    let t_units = t0.elapsed();
    let t = Instant::now();
    let labels = learn::label(&units, &all, &coders, &cb);
    let t_labels = t.elapsed();
    let t = Instant::now();
    let feats = model::features_of(&units);
    let t_feats = t.elapsed();
    let t = Instant::now();
    let m = learn::Model::train(&feats, &labels, &codes, |k| !units[k].interviewer);
    let t_train = t.elapsed();
    let total = t0.elapsed();
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    println!("| units (alignment) | {} | | |", ms(t_units));
    println!("| labels | {} | | |", ms(t_labels));
    println!("| features (2 cores) | {} | | |", ms(t_feats));
    println!(
        "| model of every code ({} passes, 2 cores) | {} | | |",
        model::epochs_for(units.iter().filter(|u| !u.interviewer).count()),
        ms(t_train)
    );
    println!(
        "| **training on {n} codings, total** | **{}** | {} | {:.0}x |",
        ms(total),
        ms(peer),
        total.as_secs_f64() / peer.as_secs_f64()
    );
    // Suggesting for one interview (the middle one), best of 5.
    let id = units[units.len() / 2].interview.clone();
    let mut best = std::time::Duration::MAX;
    let mut made = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let mine: Vec<usize> = (0..units.len())
            .filter(|&k| units[k].interview == id && !units[k].interviewer)
            .collect();
        made = 0;
        for &k in &mine {
            made += m.suggest(k, &model::features(&units[k])).len();
        }
        best = best.min(t.elapsed());
    }
    println!(
        "| suggesting for one interview ({id}: {made} suggestions), best of 5 | {:.1} ms | | |",
        best.as_secs_f64() * 1e3
    );
}
