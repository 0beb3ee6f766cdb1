//! Learned suggestions on the sample study: the evaluation's folds see nothing of the
//! held-out interview, the learned model beats the rules on micro-F1 (the figures the command
//! prints), a model saved as the coder `model` is compared with the humans and left out of
//! reports, and the Suggestions view accepts a learned suggestion as `origin: suggested` with
//! the model's name and keeps a rejection as a negative example.

use intercode::learn::{self, evaluate::fold, model::features};
use intercode::tui::App;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[path = "support/sample.rs"]
mod sample_project;
use sample_project::sample;

fn run(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_intercode"))
        .arg("--project")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_fold_sees_nothing_of_the_held_out_interview() {
    let (_t, dir) = sample();
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let all = intercode::codings::load_all(&dir, None);
    let cb = project.codebook.as_ref().unwrap();
    let coders = vec!["ana".to_string(), "boris".to_string()];
    let units = learn::units(&project);
    let truth = learn::label(&units, &all, &coders, cb);
    let feats: Vec<Vec<String>> = units.iter().map(features).collect();
    let codes: Vec<String> = cb.walk().iter().map(|r| r.code.id.clone()).collect();
    let before = fold(&units, &feats, &truth, &codes, "P03");
    assert!(
        before.values().any(|s| !s.is_empty()),
        "it suggests something"
    );
    assert!(before.keys().all(|&k| units[k].interview == "P03"));
    // The held-out interview's labels turned upside down: the same predictions.
    let mut flipped = truth.clone();
    for (k, u) in units.iter().enumerate() {
        if u.interview == "P03" {
            flipped[k] = codes
                .iter()
                .filter(|c| !truth[k].contains(*c))
                .cloned()
                .collect::<BTreeSet<_>>();
        }
    }
    assert_eq!(fold(&units, &feats, &flipped, &codes, "P03"), before);
    // Its words replaced by words found nowhere else: the other interviews' model is the
    // same, so a unit made only of unseen words scores as an empty one.
    let mut strange = feats.clone();
    for (k, u) in units.iter().enumerate() {
        if u.interview == "P03" {
            strange[k] = vec![format!("w:zz{k}")];
        }
    }
    let m = learn::Model::train(&feats, &truth, &codes, |k| units[k].interview != "P03");
    let m2 = learn::Model::train(&strange, &truth, &codes, |k| units[k].interview != "P03");
    assert_eq!(m.version, m2.version, "the held-out text changed the model");
    assert_eq!(m.scores(&["w:zz1".into()]), m.scores(&[]));
}

#[test]
fn the_learned_model_beats_the_rules_on_micro_f1_as_the_command_prints() {
    let (_t, dir) = sample();
    let (ok, out, err) = run(&dir, &["autocode", "--evaluate", "--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f1 = |s: &serde_json::Value| {
        let (tp, fp, fn_) = (
            s["tp"].as_f64().unwrap(),
            s["fp"].as_f64().unwrap(),
            s["fn"].as_f64().unwrap(),
        );
        2.0 * tp / (2.0 * tp + fp + fn_)
    };
    let (learned, rules) = (f1(&v["micro"]["learned"]), f1(&v["micro"]["rules"]));
    assert!(learned > rules, "learned {learned:.3} vs rules {rules:.3}");
    let humans = f1(&v["micro"]["humans"]);
    assert!(humans > learned, "the humans are the ceiling: {humans:.3}");
    assert_eq!(v["folds"], 6);
    assert_eq!(v["coders"], serde_json::json!(["ana", "boris"]));
    // The table says the same figures.
    let (ok, table, _) = run(&dir, &["autocode", "--evaluate"]);
    assert!(ok);
    let micro = table
        .lines()
        .find(|l| l.starts_with("micro-average"))
        .unwrap();
    assert!(
        micro.contains(&format!("{learned:.2}")) && micro.contains(&format!("{rules:.2}")),
        "{micro}"
    );
    // Per code, the counts add up to the passages the coders coded.
    for row in v["rows"].as_array().unwrap() {
        let l = &row["learned"];
        assert_eq!(
            l["tp"].as_u64().unwrap() + l["fn"].as_u64().unwrap(),
            row["passages"].as_u64().unwrap(),
            "{row}"
        );
    }
}

#[test]
fn the_model_as_a_coder_is_compared_with_the_humans_and_left_out_of_reports() {
    let (_t, dir) = sample();
    let (_, freq_before, _) = run(&dir, &["report", "frequencies", "--format", "csv"]);
    let (ok, out, err) = run(&dir, &["autocode", "--as-model", "--interview", "P02"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("P02:") && out.contains("saved as the coder `model`"),
        "{out}"
    );
    let file = std::fs::read_to_string(dir.join("codings/model/P02.json")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&file).unwrap();
    let codings = f["codings"].as_array().unwrap();
    assert!(!codings.is_empty());
    for c in codings {
        assert_eq!(c["origin"], "suggested");
        assert!(c["model"].as_str().unwrap().starts_with("logreg-1-"), "{c}");
    }
    // Again: replaced, not doubled.
    let n = codings.len();
    assert!(run(&dir, &["autocode", "--as-model", "--interview", "P02"]).0);
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("codings/model/P02.json")).unwrap())
            .unwrap();
    assert_eq!(again["codings"].as_array().unwrap().len(), n);
    // The humans' files are untouched, the reports count the humans only, and agreement
    // compares the model with a human when asked.
    let (_, freq_after, _) = run(&dir, &["report", "frequencies", "--format", "csv"]);
    assert_eq!(freq_before, freq_after);
    let (ok, agree, err) = run(
        &dir,
        &["agree", "--coders", "ana,model", "--format", "json"],
    );
    assert!(ok, "{err}");
    assert!(agree.contains("\"model\""), "{agree}");
    // The learned suggestions for one coder, with reasons.
    let (ok, out, err) = run(
        &dir,
        &["autocode", "--coder", "ana", "--learned", "--code", "fear"],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("learned from") && out.contains(" learned"),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains("learned") && l.contains('%'))
        .unwrap();
    assert!(line.contains('“'), "reasons are shown: {line}");
}

fn key(app: &mut App, c: KeyCode) {
    app.handle_key(KeyEvent::new(c, KeyModifiers::NONE));
}

#[test]
fn the_view_accepts_a_learned_suggestion_and_keeps_a_rejection() {
    let (_t, dir) = sample();
    let mut app = App::new(&dir, "ana", false).unwrap();
    key(&mut app, KeyCode::Char('6'));
    app.wait_for_learning();
    let v = &app.suggestions_view;
    let (version, _) = v.model.clone().expect("a model");
    let learned: Vec<usize> = (0..v.shown.len())
        .filter(|&k| v.list[v.shown[k]].model.is_some())
        .collect();
    assert!(learned.len() > 10, "{}", learned.len());
    // Narrowed to one interview, on the first learned suggestion.
    let first = learned[0];
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..first {
        key(&mut app, KeyCode::Char('j'));
    }
    let s = app.suggestions_view.list[app.suggestions_view.shown[first]].clone();
    assert_eq!(s.model.as_deref(), Some(version.as_str()));
    assert!(s.confidence.unwrap() >= 50 && !s.matched.is_empty());
    key(&mut app, KeyCode::Enter);
    assert!(app.status.contains("accepted"), "{}", app.status);
    let mine = intercode::codings::load_all(&dir, Some("ana"));
    let c = mine
        .iter()
        .map(|(_, c)| c)
        .find(|c| {
            c.code == s.code && c.start < s.span.end && s.span.start < c.end && c.model.is_some()
        })
        .unwrap_or_else(|| {
            let f = std::fs::read_to_string(dir.join("codings/ana/P01.json")).unwrap();
            let lines: Vec<&str> = f.lines().filter(|l| l.contains("suggested")).collect();
            panic!("accepted as a coding: {s:?} {lines:?} {:?}", mine.problems)
        });
    assert_eq!(c.origin, intercode::codings::Origin::Suggested);
    assert_eq!(c.model.as_deref(), Some(version.as_str()));
    // Reject the next learned one: it is kept, and it is a negative example from then on.
    let v = &app.suggestions_view;
    let k = (0..v.shown.len())
        .find(|&k| v.list[v.shown[k]].model.is_some())
        .unwrap();
    let sel = app.suggestions_view.selected;
    for _ in sel..k {
        key(&mut app, KeyCode::Char('j'));
    }
    for _ in k..sel {
        key(&mut app, KeyCode::Char('k'));
    }
    let r = app.suggestions_view.list[app.suggestions_view.shown[k]].clone();
    key(&mut app, KeyCode::Char('d'));
    let rejected = intercode::autocode::rejected(&dir, "ana");
    assert!(rejected.contains(&(
        r.interview.clone(),
        r.lang.clone(),
        r.segment,
        r.code.clone()
    )));
    // Learned again: not offered, and the model learned from one fewer positive example if
    // the coders had coded it (else it was already a negative one): never offered again.
    key(&mut app, KeyCode::Char('5'));
    app.refresh_suggestions();
    app.wait_for_learning();
    let v = &app.suggestions_view;
    assert!(!v
        .list
        .iter()
        .any(|x| x.interview == r.interview && x.segment == r.segment && x.code == r.code));
}
