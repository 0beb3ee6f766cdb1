//! Inter-coder agreement: percent agreement, Cohen's kappa, Fleiss' kappa and Krippendorff's
//! alpha (nominal), on any units x coders table of categories with missing values, and on the
//! codings of a project by segment or by character, per code and pooled over codes.
//! Definitions, formulas and references: docs/agreement.md. A statistic that is undefined for
//! the data (no variation, no units) is `None`, never 0 or NaN.

use crate::codings::AllCodings;
use crate::project::Project;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Reliability data: units x coders, each value a category number or missing. Identical
/// units are stored once with a weight (codings give millions of identical 0/0 units).
#[derive(Debug, Clone, Default)]
pub struct Reliability {
    pub coders: usize,
    units: HashMap<Vec<Option<u32>>, u64>,
}

impl Reliability {
    pub fn new(coders: usize) -> Self {
        Reliability {
            coders,
            units: HashMap::new(),
        }
    }

    /// Adds `weight` units with these values (one per coder).
    pub fn add(&mut self, values: Vec<Option<u32>>, weight: u64) {
        debug_assert_eq!(values.len(), self.coders);
        if weight > 0 {
            *self.units.entry(values).or_default() += weight;
        }
    }

    pub fn units(&self) -> u64 {
        self.units.values().sum()
    }
}

/// The statistics for one set of units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Units with values from at least two coders.
    pub units: u64,
    pub percent_agreement: Option<f64>,
    /// Exactly two coders only.
    pub cohen_kappa: Option<f64>,
    pub fleiss_kappa: Option<f64>,
    pub krippendorff_alpha: Option<f64>,
}

fn counts(values: &[Option<u32>]) -> BTreeMap<u32, f64> {
    let mut m = BTreeMap::new();
    for v in values.iter().flatten() {
        *m.entry(*v).or_insert(0.0) += 1.0;
    }
    m
}

/// Computes every statistic.
pub fn compute(data: &Reliability) -> Stats {
    let mut s = Stats::default();
    // Percent agreement: agreeing pairs of coders over all pairs, units with two or more values.
    let (mut agree, mut pairs) = (0.0f64, 0.0f64);
    // Krippendorff: the coincidence matrix.
    let mut o: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    // Fleiss: units every coder rated.
    let (mut fleiss_p, mut fleiss_n) = (0.0f64, 0.0f64);
    let mut fleiss_cat: BTreeMap<u32, f64> = BTreeMap::new();
    // Cohen: both coders present.
    let (mut cohen_agree, mut cohen_n) = (0.0f64, 0.0f64);
    let (mut marg_a, mut marg_b): (BTreeMap<u32, f64>, BTreeMap<u32, f64>) = Default::default();
    for (values, w) in &data.units {
        let w = *w as f64;
        let c = counts(values);
        let m: f64 = c.values().sum();
        if m < 2.0 {
            continue;
        }
        s.units += w as u64;
        let same: f64 = c.values().map(|n| n * (n - 1.0) / 2.0).sum();
        agree += w * same;
        pairs += w * m * (m - 1.0) / 2.0;
        for (a, na) in &c {
            for (b, nb) in &c {
                let pair = if a == b { na * (na - 1.0) } else { na * nb };
                *o.entry((*a, *b)).or_default() += w * pair / (m - 1.0);
            }
        }
        if m as usize == data.coders {
            let n = m;
            fleiss_p += w * (c.values().map(|x| x * x).sum::<f64>() - n) / (n * (n - 1.0));
            fleiss_n += w;
            for (k, x) in &c {
                *fleiss_cat.entry(*k).or_default() += w * x;
            }
        }
        if data.coders == 2 {
            if let (Some(a), Some(b)) = (values[0], values[1]) {
                cohen_n += w;
                if a == b {
                    cohen_agree += w;
                }
                *marg_a.entry(a).or_default() += w;
                *marg_b.entry(b).or_default() += w;
            }
        }
    }
    if pairs > 0.0 {
        s.percent_agreement = Some(agree / pairs);
    }
    // Krippendorff's alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.
    let mut n_c: BTreeMap<u32, f64> = BTreeMap::new();
    for ((a, _), v) in &o {
        *n_c.entry(*a).or_default() += v;
    }
    let n: f64 = n_c.values().sum();
    let disagree: f64 = o.iter().filter(|((a, b), _)| a != b).map(|(_, v)| v).sum();
    let total_sq: f64 =
        n_c.values().sum::<f64>().powi(2) - n_c.values().map(|x| x * x).sum::<f64>();
    if n > 1.0 && total_sq > 0.0 {
        s.krippendorff_alpha = Some(1.0 - (n - 1.0) * disagree / total_sq);
    }
    if fleiss_n > 0.0 && data.coders >= 2 {
        let p_bar = fleiss_p / fleiss_n;
        let total = fleiss_n * data.coders as f64;
        let pe: f64 = fleiss_cat.values().map(|x| (x / total).powi(2)).sum();
        if (1.0 - pe).abs() > 1e-15 {
            s.fleiss_kappa = Some((p_bar - pe) / (1.0 - pe));
        }
    }
    if data.coders == 2 && cohen_n > 0.0 {
        let po = cohen_agree / cohen_n;
        let pe: f64 = marg_a
            .iter()
            .map(|(k, a)| a / cohen_n * marg_b.get(k).copied().unwrap_or(0.0) / cohen_n)
            .sum();
        if (1.0 - pe).abs() > 1e-15 {
            s.cohen_kappa = Some((po - pe) / (1.0 - pe));
        }
    }
    s
}

/// Reads a units x coders CSV: a header (first column the unit id, then one column per
/// coder), then one row per unit with category labels; an empty cell is a missing value.
pub fn read_matrix(text: &str) -> Result<(Vec<String>, Reliability), String> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.len() < 3 {
        return Err("line 1: expected a unit column and at least two coder columns".into());
    }
    let coders = headers[1..].to_vec();
    let mut labels: BTreeMap<String, u32> = BTreeMap::new();
    let mut data = Reliability::new(coders.len());
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("line {}: {e}", e.position().map_or(0, |p| p.line())))?;
        let values = rec
            .iter()
            .skip(1)
            .map(|v| {
                (!v.is_empty()).then(|| {
                    let n = labels.len() as u32;
                    *labels.entry(v.to_string()).or_insert(n)
                })
            })
            .collect();
        data.add(values, 1);
    }
    Ok((coders, data))
}

/// What a unit of analysis is for codings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Segment,
    Char,
}

/// Agreement between coders on a project's codings.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub unit: Unit,
    pub coders: Vec<String>,
    pub overall: Stats,
    pub codes: BTreeMap<String, Stats>,
    /// Interviews every compared coder has a codings file for (the ones compared).
    #[serde(skip)]
    pub interviews: Vec<String>,
}

/// Interviews for which every one of `coders` has a codings file.
pub fn shared_interviews(all: &AllCodings, coders: &[String]) -> Vec<String> {
    let mut sets = coders.iter().map(|c| {
        all.files
            .iter()
            .filter(|f| &f.coder == c)
            .map(|f| f.interview.clone())
            .collect::<BTreeSet<_>>()
    });
    let first = sets.next().unwrap_or_default();
    sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect())
        .into_iter()
        .collect()
}

/// For one interview version and code: per coder, which units the code covers.
fn coverage(t: &crate::transcript::Transcript, spans: &[(usize, usize)], unit: Unit) -> Vec<bool> {
    match unit {
        Unit::Segment => {
            let mut v = vec![false; t.segments.len()];
            for &(s, e) in spans {
                if e <= s || t.segments.is_empty() {
                    continue;
                }
                let (a, b) = (
                    t.segment_at(s).unwrap_or(0),
                    t.segment_at(e - 1).unwrap_or(0),
                );
                for (i, slot) in v.iter_mut().enumerate().take(b + 1).skip(a) {
                    let span = t.segment_span(i);
                    if span.start < e && s < span.end {
                        *slot = true;
                    }
                }
            }
            v
        }
        Unit::Char => {
            let mut v = vec![false; t.char_len()];
            for &(s, e) in spans {
                for slot in v.iter_mut().take(e.min(t.char_len())).skip(s) {
                    *slot = true;
                }
            }
            v
        }
    }
}

/// Agreement of `coders` on the project's codings. With `codes`, only those codes.
pub fn agree(
    project: &Project,
    all: &AllCodings,
    coders: &[String],
    unit: Unit,
    codes: Option<&[String]>,
) -> crate::Result<Agreement> {
    if coders.len() < 2 {
        return Err(crate::Error::usage("agreement needs at least two coders"));
    }
    if coders.len() > 16 {
        return Err(crate::Error::usage(
            "at most 16 coders can be compared at once",
        ));
    }
    let interviews = shared_interviews(all, coders);
    // Codes any compared coder used (or the requested ones).
    let used: BTreeSet<String> = all
        .iter()
        .filter(|(f, _)| coders.contains(&f.coder))
        .map(|(_, c)| c.code.to_string())
        .collect();
    let codes: Vec<String> = match codes {
        Some(cs) => cs.to_vec(),
        None => used.into_iter().collect(),
    };
    let k = coders.len();
    // Pattern counts per code: index = bit mask of the coders whose value is 1.
    let mut patterns: BTreeMap<String, Vec<u64>> = codes
        .iter()
        .map(|c| (c.clone(), vec![0u64; 1 << k]))
        .collect();
    for id in &interviews {
        let Some(interview) = project.interviews.get(id) else {
            continue;
        };
        for (lang, t) in &interview.versions {
            // spans[code][coder]
            let mut spans: HashMap<&str, Vec<Vec<(usize, usize)>>> = HashMap::new();
            for (ci, coder) in coders.iter().enumerate() {
                for f in all
                    .files
                    .iter()
                    .filter(|f| &f.coder == coder && &f.interview == id)
                {
                    for c in f.codings.iter().filter(|c| c.lang == *lang) {
                        if let Some(slot) = spans.get_mut(c.code.as_str()) {
                            slot[ci].push((c.start, c.end));
                        } else if patterns.contains_key(c.code.as_str()) {
                            let mut v = vec![Vec::new(); k];
                            v[ci].push((c.start, c.end));
                            spans.insert(c.code.as_str(), v);
                        }
                    }
                }
            }
            let n_units = match unit {
                Unit::Segment => t.segments.len(),
                Unit::Char => t.char_len(),
            } as u64;
            for (code, counts) in patterns.iter_mut() {
                match spans.get(code.as_str()) {
                    // Nobody used the code here: every unit is all zeros.
                    None => counts[0] += n_units,
                    Some(per_coder) => {
                        let cov: Vec<Vec<bool>> =
                            per_coder.iter().map(|s| coverage(t, s, unit)).collect();
                        for u in 0..n_units as usize {
                            let mut mask = 0usize;
                            for (ci, c) in cov.iter().enumerate() {
                                if c[u] {
                                    mask |= 1 << ci;
                                }
                            }
                            counts[mask] += 1;
                        }
                    }
                }
            }
        }
    }
    let to_data = |counts: &[u64]| {
        let mut d = Reliability::new(k);
        for (mask, n) in counts.iter().enumerate() {
            d.add(
                (0..k).map(|ci| Some(((mask >> ci) & 1) as u32)).collect(),
                *n,
            );
        }
        d
    };
    let mut pooled = vec![0u64; 1 << k];
    let mut per_code = BTreeMap::new();
    for (code, counts) in &patterns {
        for (p, n) in pooled.iter_mut().zip(counts) {
            *p += n;
        }
        per_code.insert(code.clone(), compute(&to_data(counts)));
    }
    Ok(Agreement {
        unit,
        coders: coders.to_vec(),
        overall: compute(&to_data(&pooled)),
        codes: per_code,
        interviews,
    })
}

/// A passage the coders disagree on: a segment and each coder's codes on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub interview: String,
    pub lang: String,
    pub segment: usize,
    pub start_ms: u64,
    /// A document's segment: its line (documents have no times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub text: String,
    /// Coder -> codes on this segment.
    pub codes: BTreeMap<String, Vec<String>>,
}

impl Disagreement {
    /// Where it is, for people: its time, or a document's line.
    pub fn locator(&self) -> crate::transcript::Locator {
        crate::transcript::Locator {
            start_ms: self.start_ms,
            line: self.line,
        }
    }
}

/// Segments where the compared coders' sets of codes differ.
pub fn disagreements(project: &Project, all: &AllCodings, coders: &[String]) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for id in shared_interviews(all, coders) {
        let Some(interview) = project.interviews.get(&id) else {
            continue;
        };
        for (lang, t) in &interview.versions {
            let mut per_seg: BTreeMap<usize, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
            for coder in coders {
                for f in all
                    .files
                    .iter()
                    .filter(|f| &f.coder == coder && f.interview == id)
                {
                    for c in f.codings.iter().filter(|c| c.lang == *lang) {
                        for (i, hit) in coverage(t, &[(c.start, c.end)], Unit::Segment)
                            .iter()
                            .enumerate()
                        {
                            if *hit {
                                per_seg
                                    .entry(i)
                                    .or_default()
                                    .entry(coder.clone())
                                    .or_default()
                                    .insert(c.code.to_string());
                            }
                        }
                    }
                }
            }
            for (seg, by_coder) in per_seg {
                let sets: Vec<BTreeSet<String>> = coders
                    .iter()
                    .map(|c| by_coder.get(c).cloned().unwrap_or_default())
                    .collect();
                if sets.windows(2).any(|w| w[0] != w[1]) {
                    let s = &t.segments[seg];
                    out.push(Disagreement {
                        interview: id.clone(),
                        lang: lang.clone(),
                        segment: seg,
                        start_ms: s.start_ms,
                        line: s.line,
                        text: s.text.clone(),
                        codes: coders
                            .iter()
                            .cloned()
                            .zip(sets.into_iter().map(|s| s.into_iter().collect()))
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

/// A disputed passage: the disagreements on a segment and on the aligned segments of the
/// other language version, listed and decided once (a coder who coded a passage in both
/// languages disagrees once, not twice).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputedPassage {
    pub interview: String,
    /// One disagreement per language segment, in language and segment order.
    pub parts: Vec<Disagreement>,
}

impl DisputedPassage {
    /// Each coder's codes over the whole passage, every language.
    pub fn codes(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &self.parts {
            for (coder, codes) in &p.codes {
                out.entry(coder.clone())
                    .or_default()
                    .extend(codes.iter().cloned());
            }
        }
        out.into_iter()
            .map(|(c, s)| (c, s.into_iter().collect()))
            .collect()
    }
}

/// The disagreements of `coders`, a segment and the aligned segments of the other language
/// joined into one passage (as the consensus counts them).
pub fn disputed_passages(
    project: &Project,
    all: &AllCodings,
    coders: &[String],
) -> Vec<DisputedPassage> {
    let ds = disagreements(project, all, coders);
    let mut by_interview: BTreeMap<String, Vec<Disagreement>> = BTreeMap::new();
    for d in ds {
        by_interview.entry(d.interview.clone()).or_default().push(d);
    }
    let mut out = Vec::new();
    for (id, parts) in by_interview {
        // Union-find over this interview's parts, joined through the time alignment.
        let mut parent: Vec<usize> = (0..parts.len()).collect();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        if let Some(interview) = project.interviews.get(&id) {
            let langs: Vec<&String> = interview.versions.keys().collect();
            for (a, la) in langs.iter().enumerate() {
                for lb in langs.iter().skip(a + 1) {
                    let Some(al) = interview.alignment(la, lb) else {
                        continue;
                    };
                    for i in 0..parts.len() {
                        if &&parts[i].lang != la {
                            continue;
                        }
                        let other = al.other_side(parts[i].segment);
                        let aligned: Vec<usize> = parts
                            .iter()
                            .enumerate()
                            .filter(|(_, q)| &&q.lang == lb && other.contains(&q.segment))
                            .map(|(j, _)| j)
                            .collect();
                        for j in aligned {
                            let (x, y) = (find(&mut parent, i), find(&mut parent, j));
                            parent[x] = y;
                        }
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<Disagreement>> = BTreeMap::new();
        for (i, d) in parts.into_iter().enumerate() {
            let root = find(&mut parent, i);
            groups.entry(root).or_default().push(d);
        }
        let mut passages: Vec<DisputedPassage> = groups
            .into_values()
            .map(|mut parts| {
                parts.sort_by(|a, b| (&a.lang, a.segment).cmp(&(&b.lang, b.segment)));
                DisputedPassage {
                    interview: id.clone(),
                    parts,
                }
            })
            .collect();
        // In the order of the interview: by the earliest part's time (or line), then segment.
        passages.sort_by_key(|p| {
            p.parts
                .iter()
                .map(|d| (d.start_ms, d.line, d.segment))
                .min()
        });
        out.extend(passages);
    }
    out
}

/// The coder that holds decisions made while reconciling two coders.
pub const CONSENSUS: &str = "consensus";

/// How a disputed passage was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    First,
    Second,
    Both,
    Neither,
}

/// Every decision, `Neither` too (it leaves no coding behind), is logged in
/// `codings/consensus/decisions.tsv`, so decided passages are not offered again.
pub fn decisions_path(root: &std::path::Path) -> std::path::PathBuf {
    root.join(crate::project::CODINGS_DIR)
        .join(CONSENSUS)
        .join("decisions.tsv")
}

/// The (interview, lang, segment) already decided.
pub fn decided(root: &std::path::Path) -> std::collections::HashSet<(String, String, usize)> {
    crate::fsutil::read_records(&decisions_path(root))
        .into_iter()
        .filter_map(|r| match r.as_slice() {
            [i, l, seg, ..] => Some((i.clone(), l.clone(), seg.parse().ok()?)),
            _ => None,
        })
        .collect()
}

/// Logs a decision, with when and by whom it was made.
pub fn record_decision(
    root: &std::path::Path,
    d: &Disagreement,
    decision: Decision,
    by: &str,
) -> std::io::Result<()> {
    let choice = match decision {
        Decision::First => "first",
        Decision::Second => "second",
        Decision::Both => "both",
        Decision::Neither => "neither",
    };
    let when = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    crate::fsutil::append_record(
        &decisions_path(root),
        &[
            &d.interview,
            &d.lang,
            &d.segment.to_string(),
            choice,
            &when,
            by,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: &[&[Option<u32>]]) -> Reliability {
        let mut d = Reliability::new(rows[0].len());
        for r in rows {
            d.add(r.to_vec(), 1);
        }
        d
    }

    #[test]
    fn perfect_and_undefined() {
        let d = matrix(&[&[Some(1), Some(1)], &[Some(0), Some(0)]]);
        let s = compute(&d);
        assert_eq!(s.percent_agreement, Some(1.0));
        assert_eq!(s.cohen_kappa, Some(1.0));
        assert_eq!(s.krippendorff_alpha, Some(1.0));
        // Everyone says 0 always: agreement is total but chance-corrected statistics are undefined.
        let d = matrix(&[&[Some(0), Some(0)], &[Some(0), Some(0)]]);
        let s = compute(&d);
        assert_eq!(s.percent_agreement, Some(1.0));
        assert_eq!(
            (s.cohen_kappa, s.fleiss_kappa, s.krippendorff_alpha),
            (None, None, None)
        );
        // No pairable units at all.
        let s = compute(&matrix(&[&[Some(1), None]]));
        assert_eq!(s, Stats::default());
    }

    #[test]
    fn hand_computed_two_by_two() {
        // 10 units: both 1 (3), both 0 (5), a=1 b=0 (1), a=0 b=1 (1).
        let mut d = Reliability::new(2);
        d.add(vec![Some(1), Some(1)], 3);
        d.add(vec![Some(0), Some(0)], 5);
        d.add(vec![Some(1), Some(0)], 1);
        d.add(vec![Some(0), Some(1)], 1);
        let s = compute(&d);
        // po = 0.8; pa(1) = pb(1) = 0.4; pe = 0.16 + 0.36 = 0.52; kappa = 0.28/0.48.
        assert!((s.percent_agreement.unwrap() - 0.8).abs() < 1e-12);
        assert!((s.cohen_kappa.unwrap() - 0.28 / 0.48).abs() < 1e-12);
        // alpha: n = 20, n_0 = 12, n_1 = 8, o_01 = o_10 = 2: 1 - 19 * 4 / (2 * 12 * 8) = 1 - 76/192.
        assert!((s.krippendorff_alpha.unwrap() - (1.0 - 76.0 / 192.0)).abs() < 1e-12);
    }
}
