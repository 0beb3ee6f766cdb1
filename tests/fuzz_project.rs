//! A fuzz harness over every project file a user edits by hand (codebook, survey, codings,
//! participants, redactions, analysis settings): each is mutated from a valid file (bytes cut,
//! repeated, or replaced by fragments of JSON, CSV, escapes and Cyrillic), and the project is
//! loaded, checked and reported on in-process. No input may panic, and what `check` passes,
//! the reports must be able to use.

use intercode::codings;
use intercode::report::{self, CoderSet, Redactions, Settings};
use intercode::Project;
use proptest::prelude::*;
use std::path::Path;

const FILES: [&str; 6] = [
    "codebook/codebook.json",
    "codebook/survey.json",
    "codings/ana/P01.json",
    "transcripts/participants.csv",
    "codebook/redactions.json",
    "codebook/analysis.json",
];

fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\"children\": [{\"id\": \"x\", \"children\": [".to_vec()),
        Just(b"\"min_cell\": 0".to_vec()),
        Just(b"\"private_columns\": [\"gender\"]".to_vec()),
        Just(b"\"start\": 99999999999".to_vec()),
        Just(b"\"end\": 0".to_vec()),
        Just(b"\"code\": \"nope\"".to_vec()),
        Just(b"P01,,,,\n".to_vec()),
        Just("Дима Димы".as_bytes().to_vec()),
        Just(b"\x1b[2J\xe2\x80\xae".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"1e400".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

/// A mutation: which file, where, how much to cut, what to insert.
fn mutation() -> impl Strategy<Value = (usize, f64, usize, Vec<u8>)> {
    (0..FILES.len(), 0.0f64..1.0, 0usize..40, fragment())
}

fn copy_sample(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["transcripts", "codebook", "codings/ana", "codings/boris"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            // Two interviews keep each case fast.
            let keep = !name.starts_with('.')
                && (sub.starts_with("codings") && (name == "P01.json" || name == "P02.json")
                    || sub == "transcripts"
                        && (name.starts_with("P01")
                            || name.starts_with("P02")
                            || name.ends_with(".csv"))
                    || sub == "codebook");
            if p.is_file() && keep {
                std::fs::copy(&p, dir.join(sub).join(&name)).unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_project_file_makes_anything_panic(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        copy_sample(dir);
        for (file, at, cut, insert) in &mutations {
            let path = dir.join(FILES[*file]);
            let mut bytes = std::fs::read(&path).unwrap_or_default();
            let pos = ((bytes.len() as f64) * at) as usize;
            let end = (pos + cut).min(bytes.len());
            bytes.splice(pos..end, insert.iter().copied());
            std::fs::write(&path, bytes).unwrap();
        }
        // Everything a command does on load, in-process.
        let loaded = Project::load(dir);
        let Ok((project, mut problems)) = loaded else { return Ok(()); };
        let all = codings::load_for_analysis(dir, None);
        problems.extend(codings::validate_all(&project, &all));
        problems.extend(all.problems.iter().cloned());
        let settings = Settings::load(dir);
        let redactions = Redactions::load(dir);
        let clean = problems.iter().all(|p| p.severity != intercode::Severity::Error)
            && settings.is_ok()
            && redactions.is_ok();
        let settings = settings.unwrap_or_default();
        let redactions = redactions.unwrap_or_default();
        // The reports run on whatever loaded, clean or not, and never panic.
        let set = CoderSet::default_for(&project, &all);
        let an = report::analyse(&project, &all, &set, None, &settings);
        let freq = report::frequency_table(&project, &an, &settings);
        let _ = report::cooccurrence(&an);
        let _ = report::themes(&project, &an, "en", 2, &redactions, &settings);
        for attr in &project.attribute_names {
            let _ = report::crosstab_from(&project, &freq, attr, &settings);
        }
        if clean {
            // What check passes, the reports use whole: every coding is counted somewhere.
            prop_assert!(an.drifted.is_empty(), "check passed a drifted coding");
            prop_assert!(project.codebook.is_some());
            let quotes = report::quotes(&project, &an, "fear", "en", &redactions, &settings);
            let _ = quotes;
        }
    }
}

/// The sample's codebook and project as REFI-QDA XML, to mutate.
fn refi_texts() -> (String, String) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (project, _) = Project::load(repo).unwrap();
    let all = codings::load_all(repo, None);
    let qdc = intercode::refi::export_qdc(project.codebook.as_ref().unwrap());
    let (qde, _) = intercode::refi::export_project(&project, &all);
    (qdc, qde)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// REFI-QDA files from other tools: no mutation of a real one makes the reader panic,
    /// abort or recurse without bound.
    #[test]
    fn no_refi_file_makes_the_reader_panic(
        which in 0..2usize,
        edits in proptest::collection::vec((0.0f64..1.0, 0usize..60, prop_oneof![
            Just("<Code name=\"x\" guid=\"1\">".to_string()),
            Just("</Code>".to_string()),
            Just("<PlainTextSelection startPosition=\"-5\" endPosition=\"99999999\">".to_string()),
            Just("guid=\"\"".to_string()),
            Just("&#0;&#xD800;".to_string()),
            Just("<Project>".to_string()),
            Just("\u{1b}]0;x\u{7}".to_string()),
            "[ -~]{0,12}",
        ]), 1..6),
    ) {
        static TEXTS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
        let (qdc, qde) = TEXTS.get_or_init(refi_texts);
        let mut text = if which == 0 { qdc.clone() } else { qde.clone() };
        for (at, cut, insert) in edits {
            let mut pos = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            let mut end = (pos + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(pos..end, &insert);
        }
        let _ = if which == 0 {
            intercode::refi::read_qdc(&text)
        } else {
            intercode::refi::read_qde(&text)
        };
    }
}
