//! Our `.qdpx` read by a real REFI-QDA client: QualCoder's own importer, run headlessly by the
//! harness in `../shared/conformance/qualcoder` (needs Python 3 and PyQt6, which `.ci/run`
//! installs). The sample project's export (with P01's recording as an audio source) must
//! import whole: every source with its exact
//! text, every code, every coding at exactly the quoted text, every coding memo, every case
//! and attribute value. Skipped, saying why, where the harness cannot run.

use std::path::Path;
use std::process::Command;

#[test]
fn qualcoder_imports_our_export_whole() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let harness = repo.join("../shared/conformance/qualcoder/qc_import.py");
    if !harness.exists() {
        eprintln!("skipping: no QualCoder harness at {}", harness.display());
        return;
    }
    let ready = Command::new("python3")
        .args(["-c", "import PyQt6.QtWidgets, PyQt6.QtMultimedia"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!("skipping: PyQt6 is not installed (sh ../shared/conformance/qualcoder/setup.sh)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("sample.qdpx");
    let o = Command::new(env!("CARGO_BIN_EXE_intercode"))
        .arg("--project")
        .arg(repo)
        .args(["export", "qdpx"])
        .arg(&archive)
        // The sample's recording of P01 goes in as an audio source with its transcripts.
        .arg("--with-media")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new("python3")
        .arg(&harness)
        .arg(&archive)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "the harness printed no JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert_eq!(
        out["error"],
        serde_json::Value::Null,
        "QualCoder failed: {out:#}"
    );
    // What the sample holds, counted from its files.
    let all = intercode::codings::load_all(repo, None);
    let memos = all.iter().filter(|(_, c)| !c.memo.is_empty()).count();
    let (project, _) = intercode::Project::load(repo).unwrap();
    let sources: usize = project.interviews.values().map(|i| i.versions.len()).sum();
    let codes = project.codebook.as_ref().unwrap().walk().len();
    let i = &out["imported"];
    // Every text source, plus the recording and the transcript QualCoder makes for it.
    assert_eq!(
        i["sources"].as_array().map(|a| a.len()),
        Some(sources + 2),
        "{i:#}"
    );
    let names: Vec<&str> = i["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"P01.opus"), "{names:?}");
    assert!(names.contains(&"P01.opus.txt"), "{names:?}");
    assert_eq!(i["codes"].as_array().map(|a| a.len()), Some(codes), "{i:#}");
    assert_eq!(i["codings_total"].as_u64(), Some(all.len() as u64), "{i:#}");
    assert_eq!(i["seltext_mismatches"].as_u64(), Some(0), "{i:#}");
    assert_eq!(
        i["coding_memos"].as_u64(),
        Some(memos as u64),
        "memos: {i:#}"
    );
    assert_eq!(
        i["cases"]["count"].as_u64(),
        Some(project.interviews.len() as u64)
    );
    assert!(
        i["attributes"]["values"].as_u64().unwrap_or(0) >= 24,
        "{i:#}"
    );
}

/// QualCoder's own export of our project, imported back: every coding at its text, every
/// coding memo (QualCoder writes them as the selection's description), every case and its
/// attributes.
#[test]
fn qualcoders_export_of_our_project_comes_back_whole() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let harness = repo.join("../shared/conformance/qualcoder/qc_roundtrip.py");
    let ready = harness.exists()
        && Command::new("python3")
            .args(["-c", "import PyQt6.QtWidgets, PyQt6.QtMultimedia"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!("skipping: the QualCoder harness or PyQt6 is missing");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ours = tmp.path().join("ours.qdpx");
    let theirs = tmp.path().join("theirs.qdpx");
    let bin = env!("CARGO_BIN_EXE_intercode");
    let o = Command::new(bin)
        .arg("--project")
        .arg(repo)
        .args(["export", "qdpx"])
        .arg(&ours)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = Command::new("python3")
        .arg(&harness)
        .arg(&ours)
        .arg(&theirs)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["error"], serde_json::Value::Null, "{out:#}");
    let dir = tmp.path().join("back");
    assert!(Command::new(bin)
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap()
        .status
        .success());
    let o = Command::new(bin)
        .arg("--project")
        .arg(&dir)
        .arg("import-refi")
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(bin)
        .arg("--project")
        .arg(&dir)
        .arg("check")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let ours_all = intercode::codings::load_all(repo, None);
    let back = intercode::codings::load_all(&dir, None);
    assert_eq!(back.len(), ours_all.len(), "every coding");
    let memos = |a: &intercode::codings::AllCodings| {
        let mut m: Vec<String> = a
            .iter()
            .filter(|(_, c)| !c.memo.is_empty())
            .map(|(_, c)| c.memo.trim().to_string())
            .collect();
        m.sort();
        m
    };
    assert_eq!(memos(&back), memos(&ours_all), "every coding memo");
    let quotes = |a: &intercode::codings::AllCodings| {
        let mut q: Vec<(String, String)> = a
            .iter()
            .map(|(f, c)| (f.coder.clone(), c.quote.as_str().to_string()))
            .collect();
        q.sort();
        q
    };
    assert_eq!(
        quotes(&back),
        quotes(&ours_all),
        "every coding at its text, by coder"
    );
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let (sample, _) = intercode::Project::load(repo).unwrap();
    for (id, i) in &sample.interviews {
        let mut want = i.attributes.clone();
        want.remove("pseudonym");
        assert_eq!(project.interviews[id].attributes, want, "case {id}");
    }
}
