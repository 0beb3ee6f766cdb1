//! An honest score: leave-one-interview-out. For each interview, a model is trained on the
//! others (its words and labels only: the held-out interview is not seen) and suggests codes
//! for the held-out passages; the suggestions are compared with the coders' own codings, per
//! code, beside the codebook's rules on the same passages and, as the ceiling, the two human
//! coders against each other. Interviewers' turns are left out, as suggestions leave them.

use super::model::Model;
use super::units::{label, units, Unit};
use crate::autocode::Rule;
use crate::codings::AllCodings;
use crate::project::Project;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Counts of one comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Scores {
    pub fn precision(&self) -> Option<f64> {
        (self.tp + self.fp > 0).then(|| self.tp as f64 / (self.tp + self.fp) as f64)
    }
    pub fn recall(&self) -> Option<f64> {
        (self.tp + self.fn_ > 0).then(|| self.tp as f64 / (self.tp + self.fn_) as f64)
    }
    /// F1; 0 when nothing was found of something there, `None` when there was nothing to
    /// find and nothing was suggested.
    pub fn f1(&self) -> Option<f64> {
        let d = 2 * self.tp + self.fp + self.fn_;
        (d > 0).then(|| 2.0 * self.tp as f64 / d as f64)
    }
    fn add(&mut self, o: Scores) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    fn count(&mut self, truth: bool, said: bool) {
        match (truth, said) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }
}

/// One code's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeRow {
    pub code: String,
    /// Passages the coders gave this code (the truth).
    pub passages: usize,
    pub learned: Scores,
    pub rules: Scores,
    /// The first coder's passages taken as the truth for the second's (summed over pairs).
    pub humans: Option<Scores>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The coders whose codings are the truth (a passage is a code's when any of them gave
    /// it the code).
    pub coders: Vec<String>,
    /// Passages scored (interviewers' turns left out), and folds (interviews held out).
    pub passages: usize,
    pub folds: usize,
    pub rows: Vec<CodeRow>,
    pub micro: Totals,
    pub macro_f1: MacroF1,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub learned: Scores,
    pub rules: Scores,
    pub humans: Option<Scores>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MacroF1 {
    pub learned: f64,
    pub rules: f64,
    pub humans: Option<f64>,
}

/// The held-out interview's predictions of one fold: unit -> codes.
pub fn fold(
    units: &[Unit],
    feats: &[Vec<String>],
    labels: &[BTreeSet<String>],
    codes: &[String],
    held_out: &str,
) -> BTreeMap<usize, BTreeSet<String>> {
    let m = Model::train(feats, labels, codes, |k| {
        units[k].interview != held_out && !units[k].interviewer
    });
    (0..units.len())
        .filter(|&k| units[k].interview == held_out && !units[k].interviewer)
        .map(|k| {
            let said = m
                .suggest(k, &feats[k])
                .into_iter()
                .map(|s| s.code)
                .collect();
            (k, said)
        })
        .collect()
}

/// Scores the learned model, the rules and the humans on the project, per code.
pub fn evaluate(
    project: &Project,
    all: &AllCodings,
    coders: &[String],
    rules: &[Rule],
) -> crate::Result<Evaluation> {
    let codebook = project
        .codebook
        .as_ref()
        .ok_or_else(|| crate::Error::usage("the project has no codebook"))?;
    let units = units(project);
    let truth = label(&units, all, coders, codebook);
    let feats = super::model::features_of(&units);
    let codes: Vec<String> = codebook.walk().iter().map(|r| r.code.id.clone()).collect();
    let interviews: BTreeSet<&str> = units.iter().map(|u| u.interview.as_str()).collect();
    let mut learned: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for h in &interviews {
        learned.extend(fold(&units, &feats, &truth, &codes, h));
    }
    // The rules, on the same units (a rule's code counts for its ancestors too).
    let mut where_: HashMap<(&str, &str, usize), usize> = HashMap::new();
    for (k, u) in units.iter().enumerate() {
        for (lang, (segs, _)) in &u.parts {
            for s in segs.clone() {
                where_.insert((u.interview.as_str(), lang.as_str(), s), k);
            }
        }
    }
    let mut ruled: Vec<BTreeSet<String>> = vec![BTreeSet::new(); units.len()];
    for s in crate::autocode::suggest(project, rules) {
        if let Some(&k) = where_.get(&(s.interview.as_str(), s.lang.as_str(), s.segment)) {
            let mut id = s.code.as_str();
            ruled[k].insert(id.to_string());
            while let Some(p) = codebook.parent_of(id) {
                ruled[k].insert(p.id.clone());
                id = &p.id;
            }
        }
    }
    // Each pair of coders, the first as the truth for the second.
    let per_coder: Vec<Vec<BTreeSet<String>>> = coders
        .iter()
        .map(|c| label(&units, all, std::slice::from_ref(c), codebook))
        .collect();
    let scored: Vec<usize> = (0..units.len())
        .filter(|&k| !units[k].interviewer)
        .collect();
    let mut rows = Vec::new();
    for code in &codes {
        let passages = scored.iter().filter(|&&k| truth[k].contains(code)).count();
        if passages == 0 {
            continue;
        }
        let (mut l, mut r) = (Scores::default(), Scores::default());
        let mut h = (coders.len() >= 2).then(Scores::default);
        for &k in &scored {
            let t = truth[k].contains(code);
            l.count(t, learned.get(&k).is_some_and(|s| s.contains(code)));
            r.count(t, ruled[k].contains(code));
            if let Some(h) = h.as_mut() {
                for a in 0..coders.len() {
                    for b in a + 1..coders.len() {
                        h.count(
                            per_coder[a][k].contains(code),
                            per_coder[b][k].contains(code),
                        );
                    }
                }
            }
        }
        rows.push(CodeRow {
            code: code.clone(),
            passages,
            learned: l,
            rules: r,
            humans: h,
        });
    }
    let mut micro = Totals {
        learned: Scores::default(),
        rules: Scores::default(),
        humans: (coders.len() >= 2).then(Scores::default),
    };
    for row in &rows {
        micro.learned.add(row.learned);
        micro.rules.add(row.rules);
        if let (Some(m), Some(h)) = (micro.humans.as_mut(), row.humans) {
            m.add(h);
        }
    }
    let mean = |f: &dyn Fn(&CodeRow) -> Option<f64>| {
        if rows.is_empty() {
            0.0
        } else {
            rows.iter().map(|r| f(r).unwrap_or(0.0)).sum::<f64>() / rows.len() as f64
        }
    };
    let macro_f1 = MacroF1 {
        learned: mean(&|r| r.learned.f1()),
        rules: mean(&|r| r.rules.f1()),
        humans: (coders.len() >= 2).then(|| mean(&|r| r.humans.and_then(|h| h.f1()))),
    };
    Ok(Evaluation {
        coders: coders.to_vec(),
        passages: scored.len(),
        folds: interviews.len(),
        rows,
        micro,
        macro_f1,
    })
}
