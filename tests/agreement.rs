//! Agreement statistics against independent implementations (Python krippendorff,
//! scikit-learn and statsmodels: see tests/agreement/reference.py and reference.json, where the
//! package versions are recorded), Krippendorff's own worked example, and the edge cases of
//! coding data.

use intercode::agreement::{self, Unit};
use intercode::codings::{AllCodings, Coding, CodingFile, Origin};
use intercode::Project;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreement")
}

fn close(a: Option<f64>, b: &Value, what: &str) {
    let b = b.as_f64().unwrap_or_else(|| panic!("{what}: no reference"));
    let a = a.unwrap_or_else(|| panic!("{what}: undefined, reference {b}"));
    assert!((a - b).abs() < 1e-9, "{what}: ours {a}, reference {b}");
}

#[test]
fn equal_to_independent_implementations() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("reference.json")).unwrap())
            .unwrap();
    let results = reference["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let file = r["file"].as_str().unwrap();
        let (coders, data) =
            agreement::read_matrix(&std::fs::read_to_string(dir().join(file)).unwrap()).unwrap();
        assert_eq!(coders.len(), r["coders"].as_array().unwrap().len());
        let s = agreement::compute(&data);
        close(
            s.krippendorff_alpha,
            &r["krippendorff_alpha"],
            &format!("{file} alpha"),
        );
        close(
            s.fleiss_kappa,
            &r["fleiss_kappa"],
            &format!("{file} fleiss"),
        );
        if coders.len() == 2 {
            close(s.cohen_kappa, &r["cohen_kappa"], &format!("{file} cohen"));
        } else {
            assert_eq!(
                s.cohen_kappa, None,
                "Cohen's kappa is for exactly two coders"
            );
        }
    }
}

#[test]
fn krippendorffs_worked_example() {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units,
    // missing values; nominal alpha = 0.743.
    let (_, data) = agreement::read_matrix(
        &std::fs::read_to_string(dir().join("krippendorff_example.csv")).unwrap(),
    )
    .unwrap();
    let s = agreement::compute(&data);
    assert_eq!(format!("{:.3}", s.krippendorff_alpha.unwrap()), "0.743");
    // Unit 12 has a single value and cannot be paired.
    assert_eq!(s.units, 11);
}

fn coding(code: &str, start: usize, end: usize) -> Coding {
    Coding {
        id: format!("{code}{start}"),
        lang: "en".into(),
        start,
        end,
        code: code.into(),
        quote: "".into(),
        memo: String::new(),
        created: Default::default(),
        origin: Origin::Manual,
        model: None,
    }
}

fn project() -> Project {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("transcripts")).unwrap();
    let mut vtt = String::from("WEBVTT\n\n");
    for i in 0..10 {
        vtt.push_str(&format!(
            "00:{i:02}.000 --> 00:{i:02}.900\nA: segment number {i}\n\n"
        ));
    }
    for id in ["I1", "I2"] {
        std::fs::write(d.join(format!("transcripts/{id}.en.vtt")), &vtt).unwrap();
    }
    Project::load(d).unwrap().0
}

fn file(coder: &str, interview: &str, codings: Vec<Coding>) -> CodingFile {
    CodingFile {
        codings,
        ..CodingFile::new(coder, interview)
    }
}

fn seg(p: &Project, i: usize) -> (usize, usize) {
    let r = p.interviews["I1"].versions["en"].segment_span(i);
    (r.start, r.end)
}

#[test]
fn edge_cases_of_coding_data() {
    let p = project();
    let coders = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (s0, s1, s2) = (seg(&p, 0), seg(&p, 1), seg(&p, 2));

    // One coder coded nothing (an empty file): agreement is the share of segments the other
    // left uncoded, and the chance-corrected statistics are defined (there is variation).
    let all = AllCodings {
        files: vec![
            file("a", "I1", vec![coding("fear", s0.0, s0.1)]),
            file("b", "I1", vec![]),
        ],
        problems: vec![],
    };
    let r = agreement::agree(&p, &all, &coders(&["a", "b"]), Unit::Segment, None).unwrap();
    assert_eq!(r.codes["fear"].units, 10);
    assert!((r.codes["fear"].percent_agreement.unwrap() - 0.9).abs() < 1e-12);
    assert!(
        r.codes["fear"].cohen_kappa.unwrap().abs() < 1e-12,
        "no agreement beyond chance"
    );

    // Both coded everything: full agreement, and kappa/alpha undefined (no variation).
    let everything = |c: &str| {
        file(
            c,
            "I1",
            vec![coding(
                "fear",
                0,
                p.interviews["I1"].versions["en"].char_len(),
            )],
        )
    };
    let all = AllCodings {
        files: vec![everything("a"), everything("b")],
        problems: vec![],
    };
    let r = agreement::agree(&p, &all, &coders(&["a", "b"]), Unit::Segment, None).unwrap();
    assert_eq!(r.codes["fear"].percent_agreement, Some(1.0));
    assert_eq!(
        (
            r.codes["fear"].cohen_kappa,
            r.codes["fear"].krippendorff_alpha
        ),
        (None, None)
    );
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["codes"]["fear"]["cohen_kappa"].is_null());
    assert_eq!(json["unit"], "segment");

    // A code used by only one coder is compared too (the other coder's value is always 0).
    let all = AllCodings {
        files: vec![
            file(
                "a",
                "I1",
                vec![coding("fear", s0.0, s0.1), coding("security", s1.0, s1.1)],
            ),
            file("b", "I1", vec![coding("fear", s0.0, s0.1)]),
        ],
        problems: vec![],
    };
    let r = agreement::agree(&p, &all, &coders(&["a", "b"]), Unit::Segment, None).unwrap();
    assert_eq!(r.codes["fear"].cohen_kappa, Some(1.0));
    assert!(r.codes.contains_key("security"));
    assert!((r.codes["security"].percent_agreement.unwrap() - 0.9).abs() < 1e-12);
    // Pooled: 20 (unit, code) pairs, one disagreement.
    assert_eq!(r.overall.units, 20);
    assert!((r.overall.percent_agreement.unwrap() - 0.95).abs() < 1e-12);

    // Three coders; the third has no file for I2, so only I1 is compared.
    let all = AllCodings {
        files: vec![
            file("a", "I1", vec![coding("fear", s0.0, s0.1)]),
            file(
                "b",
                "I1",
                vec![coding("fear", s0.0, s0.1), coding("fear", s2.0, s2.1)],
            ),
            file("c", "I1", vec![coding("fear", s0.0, s0.1)]),
            file("a", "I2", vec![coding("fear", 0, 5)]),
            file("b", "I2", vec![]),
        ],
        problems: vec![],
    };
    let r = agreement::agree(&p, &all, &coders(&["a", "b", "c"]), Unit::Segment, None).unwrap();
    assert_eq!(r.interviews, ["I1"]);
    assert_eq!(r.codes["fear"].units, 10);
    assert_eq!(r.codes["fear"].cohen_kappa, None);
    assert!(r.codes["fear"].fleiss_kappa.is_some() && r.codes["fear"].krippendorff_alpha.is_some());
    // By character: the units are code points.
    let r = agreement::agree(&p, &all, &coders(&["a", "b", "c"]), Unit::Char, None).unwrap();
    assert_eq!(
        r.codes["fear"].units as usize,
        p.interviews["I1"].versions["en"].char_len()
    );
    let d = agreement::disagreements(&p, &all, &coders(&["a", "b", "c"]));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].segment, 2);
    assert_eq!(d[0].codes["b"], ["fear"]);
    assert!(d[0].codes["a"].is_empty());
}

#[test]
fn cli_json_and_matrix() {
    let bin = env!("CARGO_BIN_EXE_intercode");
    let repo = env!("CARGO_MANIFEST_DIR");
    let o = std::process::Command::new(bin)
        .args([
            "--project",
            repo,
            "agree",
            "--coders",
            "ana,boris",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["unit"], "segment");
    assert_eq!(v["coders"], serde_json::json!(["ana", "boris"]));
    for key in [
        "units",
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
    ] {
        assert!(v["overall"].get(key).is_some(), "{key}");
    }
    let alpha = v["overall"]["krippendorff_alpha"].as_f64().unwrap();
    assert!(
        alpha > 0.3 && alpha < 0.95,
        "the sample coders agree often, not always: {alpha}"
    );
    let o = std::process::Command::new(bin)
        .args([
            "agree",
            "--matrix",
            &format!("{repo}/tests/agreement/krippendorff_example.csv"),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("0.743"));
    let o = std::process::Command::new(bin)
        .args(["--project", repo, "agree", "--coders", "ana,nobody"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
