//! Suggestions learned from the coders' own codings, on this machine: a logistic regression
//! per code over passages (a segment with its aligned translation), on the words the search
//! analyzer already computes (Russian and English stems, cross-script keys) and pairs of
//! neighbouring stems. Nothing leaves the machine; training on the sample takes well under a
//! second. A linear model explains itself: the words that weighed most are shown beside
//! each suggestion.
//!
//! - [`units`]: the passages of a project and their labels (which codes the coders gave them);
//! - [`model`]: the features, the solver, and the model of every code;
//! - [`evaluate`]: leave-one-interview-out scores for the learned model, the codebook's rules
//!   and the two human coders side by side.

/// The coder a model's suggestions are saved as (`intercode autocode --as-model`): never a
/// human's file, and not counted in reports unless named.
pub const MODEL_CODER: &str = "model";

pub mod evaluate;
pub mod model;
pub mod units;

pub use evaluate::{evaluate, Evaluation, Scores};
pub use model::{Model, Suggestion};
pub use units::{label, units, Unit};

use crate::autocode;
use crate::codings::AllCodings;
use crate::project::Project;
use std::collections::HashSet;

/// What to learn from and what to suggest for.
#[derive(Debug, Clone, Default)]
pub struct Ask<'a> {
    /// The coders whose codings are the examples (a passage is a code's when any of them
    /// gave it the code).
    pub coders: &'a [String],
    /// Suggestions the coder rejected, (interview, language, segment, code): negative
    /// examples of the code from then on.
    pub rejected: Option<&'a HashSet<(String, String, usize, String)>>,
    /// Suggest only for this interview.
    pub interview: Option<&'a str>,
    /// Train without that interview (an honest model of it, e.g. to compare with the humans).
    pub hold_out: bool,
}

/// A trained model and its suggestions, in the shape the rules' suggestions have (so both
/// shells offer, accept and reject them the same way). Interviewers' turns get none.
pub struct Learned {
    pub model: Model,
    pub suggestions: Vec<autocode::Suggestion>,
    /// Passages learned from.
    pub examples: usize,
}

/// Trains a model of every code on the project's codings and suggests codes for passages.
/// A code is not suggested where one of its sub-codes is (the sub-code says more).
pub fn learn(project: &Project, all: &AllCodings, ask: &Ask) -> crate::Result<Learned> {
    let codebook = project
        .codebook
        .as_ref()
        .ok_or_else(|| crate::Error::usage("the project has no codebook"))?;
    let units = units(project);
    let mut labels = label(&units, all, ask.coders, codebook);
    if let Some(rejected) = ask.rejected {
        for (k, u) in units.iter().enumerate() {
            for (lang, (segs, _)) in &u.parts {
                for (i, l, s, code) in rejected {
                    if i == &u.interview && l == lang && segs.contains(s) {
                        labels[k].remove(code);
                    }
                }
            }
        }
    }
    let feats = model::features_of(&units);
    let codes: Vec<String> = codebook.walk().iter().map(|r| r.code.id.clone()).collect();
    let held = |k: usize| ask.hold_out && Some(units[k].interview.as_str()) == ask.interview;
    let train = |k: usize| !units[k].interviewer && !held(k);
    let examples = (0..units.len()).filter(|&k| train(k)).count();
    let model = Model::train(&feats, &labels, &codes, train);
    // The language a suggestion is placed in: Russian where there is one (the interviews'
    // own language), else the first.
    let mut suggestions = Vec::new();
    for (k, u) in units.iter().enumerate() {
        if u.interviewer || ask.interview.is_some_and(|i| i != u.interview) {
            continue;
        }
        let Some((lang, (segs, span))) = u
            .parts
            .get_key_value("ru")
            .or_else(|| u.parts.iter().next())
        else {
            continue;
        };
        let found = model.suggest(k, &feats[k]);
        for s in &found {
            let more_specific = found.iter().any(|o| {
                o.code.len() > s.code.len() && o.code.starts_with(&format!("{}.", s.code))
            });
            if more_specific {
                continue;
            }
            suggestions.push(autocode::Suggestion {
                interview: u.interview.clone(),
                lang: lang.clone(),
                segment: segs.start,
                span: span.clone(),
                code: s.code.clone(),
                rule: "learned".into(),
                matched: s.words.join(", "),
                speaker: project.interviews[&u.interview].versions[lang].segments[segs.start]
                    .speaker
                    .clone(),
                confidence: Some((s.confidence * 100.0).round().clamp(0.0, 100.0) as u8),
                model: Some(model.version.clone()),
            });
        }
    }
    Ok(Learned {
        model,
        suggestions,
        examples,
    })
}
