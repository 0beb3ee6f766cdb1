//! Counting codings for reports: frequencies per code (rolled up to parent codes), interviews
//! with each code, co-occurrence of codes on overlapping passages, and the interview evidence
//! beside each survey figure. Pure functions over loaded data; the CLI's reports and the TUI's
//! report view both use them.

use crate::codebook::Codebook;
use crate::codings::AllCodings;
use crate::project::Project;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Counts for one code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeCount {
    pub code: String,
    pub parent: Option<String>,
    pub depth: usize,
    /// Codings with this code (or, rolled up, a sub-code).
    pub passages: usize,
    /// Interviews with at least one such coding.
    pub interviews: usize,
}

/// Which codings a report counts.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these coders (all when empty).
    pub coders: Vec<String>,
    /// Only this language (all when `None`).
    pub lang: Option<String>,
}

impl Filter {
    fn keeps(&self, coder: &str, lang: &str) -> bool {
        (self.coders.is_empty() || self.coders.iter().any(|c| c == coder))
            && self.lang.as_deref().is_none_or(|l| l == lang)
    }
}

/// Frequencies for every code of the codebook, in tree order; parents include their
/// sub-codes' codings.
pub fn frequencies(codebook: &Codebook, all: &AllCodings, filter: &Filter) -> Vec<CodeCount> {
    let mut own: HashMap<&str, (usize, BTreeSet<&str>)> = HashMap::new();
    for (f, c) in all.iter().filter(|(f, c)| filter.keeps(&f.coder, &c.lang)) {
        let e = own.entry(c.code.as_str()).or_default();
        e.0 += 1;
        e.1.insert(f.interview.as_str());
    }
    codebook
        .walk()
        .into_iter()
        .map(|r| {
            let ids = codebook.subtree_ids(&r.code.id);
            let mut passages = 0;
            let mut interviews: BTreeSet<&str> = BTreeSet::new();
            for id in &ids {
                if let Some((n, set)) = own.get(id.as_str()) {
                    passages += n;
                    interviews.extend(set.iter().copied());
                }
            }
            CodeCount {
                code: r.code.id.clone(),
                parent: r.parent.map(|p| p.id.clone()),
                depth: r.depth,
                passages,
                interviews: interviews.len(),
            }
        })
        .collect()
}

/// How often two codes are applied to overlapping passages (same coder, interview and
/// language). Keys are ordered pairs (a < b); the diagonal is not counted.
pub fn cooccurrence(all: &AllCodings, filter: &Filter) -> BTreeMap<(String, String), usize> {
    let mut out: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in all
        .files
        .iter()
        .filter(|f| filter.coders.is_empty() || filter.coders.contains(&f.coder))
    {
        let mut by_lang: BTreeMap<&str, Vec<&crate::codings::Coding>> = BTreeMap::new();
        for c in f
            .codings
            .iter()
            .filter(|c| filter.lang.as_deref().is_none_or(|l| l == c.lang))
        {
            by_lang.entry(&c.lang).or_default().push(c);
        }
        for codings in by_lang.values_mut() {
            codings.sort_by_key(|c| (c.start, c.end));
            // Sweep: each coding meets the later ones that start before it ends.
            for (i, a) in codings.iter().enumerate() {
                for b in codings[i + 1..].iter().take_while(|b| b.start < a.end) {
                    if a.code != b.code {
                        let key = if a.code < b.code {
                            (a.code.clone(), b.code.clone())
                        } else {
                            (b.code.clone(), a.code.clone())
                        };
                        *out.entry(key).or_default() += 1;
                    }
                }
            }
        }
    }
    out
}

/// The interview evidence beside one survey figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureEvidence {
    pub theme: String,
    pub figure: String,
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub code: String,
    pub passages: usize,
    pub interviews: usize,
    pub interviews_total: usize,
}

/// Every survey figure with the counts of its linked code (sub-codes included).
pub fn themes(
    project: &Project,
    all: &AllCodings,
    filter: &Filter,
    lang: &str,
) -> Vec<FigureEvidence> {
    let (Some(survey), Some(cb)) = (&project.survey, &project.codebook) else {
        return Vec::new();
    };
    let freq: HashMap<String, CodeCount> = frequencies(cb, all, filter)
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect();
    let mut out = Vec::new();
    for t in &survey.themes {
        for f in &t.figures {
            let c = freq.get(&f.code).cloned().unwrap_or_default();
            out.push(FigureEvidence {
                theme: t.id.clone(),
                figure: f.id.clone(),
                label: f
                    .label
                    .get(lang)
                    .or_else(|| f.label.values().next())
                    .cloned()
                    .unwrap_or_default(),
                value: f.value,
                unit: f.unit.clone(),
                code: f.code.clone(),
                passages: c.passages,
                interviews: c.interviews,
                interviews_total: project.interviews.len(),
            });
        }
    }
    out
}
