//! The unit of every count: a **passage**, one span of one interview carrying one code, whatever
//! languages it is coded in and however many coders coded it. A coding and its aligned copy in
//! the other language are one passage; two coders' overlapping codings of one code are one
//! passage. Every report, the codebook list and the terminal UI count through [`analyse`], so
//! their numbers agree, and every count carries the [`CoderSet`] it counted.
//!
//! What is left out, and said: drifted codings (the transcript changed under them; they are
//! never quoted or counted until re-anchored) and codings that lie wholly on interviewers'
//! turns (a question is not evidence).

use super::settings::Settings;
use crate::agreement::CONSENSUS;
use crate::codebook::Codebook;
use crate::codings::{AllCodings, Coding};
use crate::project::{Interview, Project};
use crate::transcript::align::Alignment;
use std::collections::{BTreeSet, HashMap, HashSet};
use compact_str::CompactString;
use std::ops::Range;

/// Whose codings a count counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CoderSet {
    pub kind: SetKind,
    /// Union: the coders counted. Consensus: the coders reconciled.
    pub coders: Vec<String>,
    /// Consensus only: disputed segments decided so far, and all disputed segments.
    pub decided: usize,
    pub disputed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SetKind {
    /// Every passage any of the coders coded.
    Union,
    /// The passages all reconciled coders agree on, plus the decisions of the consensus coder;
    /// on a decided segment only the decision counts.
    Consensus,
}

impl CoderSet {
    /// Every listed coder's codings, as one set.
    pub fn union(coders: Vec<String>) -> CoderSet {
        CoderSet {
            kind: SetKind::Union,
            coders,
            decided: 0,
            disputed: 0,
        }
    }

    /// The coder set a report counts when none is named: the consensus of the coders when
    /// any disagreement has been decided, otherwise every coder's codings.
    pub fn default_for(project: &Project, all: &AllCodings) -> CoderSet {
        let coders = independent_coders(all);
        let has_consensus = all.files.iter().any(|f| f.coder == CONSENSUS)
            || crate::agreement::decisions_path(&project.root).exists();
        if has_consensus && coders.len() >= 2 {
            CoderSet::consensus(project, all, coders)
        } else {
            CoderSet::union(coders)
        }
    }

    /// The consensus of `coders`, with how far reconciling has come.
    pub fn consensus(project: &Project, all: &AllCodings, coders: Vec<String>) -> CoderSet {
        let decided = crate::agreement::decided(&project.root);
        let mut disputed: HashSet<(String, String, usize)> = decided.clone();
        if coders.len() >= 2 {
            for d in crate::agreement::disagreements(project, all, &coders) {
                disputed.insert((d.interview, d.lang, d.segment));
            }
        }
        CoderSet {
            kind: SetKind::Consensus,
            coders,
            decided: decided.len(),
            disputed: disputed.len(),
        }
    }

    /// Resolves what a user asked for: `--coders` (the name `consensus` alone means the
    /// consensus of every other coder), `--all-coders`, or the default.
    pub fn choose(
        project: &Project,
        all: &AllCodings,
        named: &[String],
        all_coders: bool,
    ) -> Result<CoderSet, String> {
        let known: BTreeSet<&str> = all.files.iter().map(|f| f.coder.as_str()).collect();
        if all_coders {
            return Ok(CoderSet::union(independent_coders(all)));
        }
        if named.is_empty() {
            return Ok(CoderSet::default_for(project, all));
        }
        if let Some(unknown) = named.iter().find(|c| !known.contains(c.as_str())) {
            return Err(format!(
                "no codings by coder `{unknown}` (coders: {})",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        if named == [CONSENSUS] {
            return Ok(CoderSet::consensus(project, all, independent_coders(all)));
        }
        Ok(CoderSet::union(named.to_vec()))
    }

    /// Whose codings were counted, in words, for captions and CSV/JSON fields:
    /// "codings of ana and boris", "consensus of ana and boris, 41 of 309 disagreements decided".
    pub fn describe(&self) -> String {
        let names = join_names(&self.coders);
        match self.kind {
            SetKind::Union if self.coders.is_empty() => "no coders".into(),
            SetKind::Union => format!("codings of {names}"),
            SetKind::Consensus => format!(
                "consensus of {names}, {} of {} disagreements decided",
                self.decided, self.disputed
            ),
        }
    }

    fn includes_file(&self, coder: &str) -> bool {
        self.coders.iter().any(|c| c == coder)
            || (self.kind == SetKind::Consensus && coder == CONSENSUS)
    }
}

/// "ana", "ana and boris", "ana, boris and vera".
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Every coder with codings, other than the consensus coder, sorted.
pub fn independent_coders(all: &AllCodings) -> Vec<String> {
    let mut c: Vec<String> = all
        .files
        .iter()
        .map(|f| f.coder.clone())
        .filter(|c| c != CONSENSUS)
        .collect();
    c.sort();
    c.dedup();
    c
}

/// A coding by its place in [`AllCodings`]: file index, coding index.
pub type CodingRef = (u32, u32);

/// One passage: a code on one span of one interview.
#[derive(Debug, Clone)]
pub struct Passage<'a> {
    pub interview: &'a str,
    /// The code (for a rolled-up passage, the ancestor it is counted under).
    pub code: CompactString,
    /// The codings it is made of, in file order.
    pub codings: Vec<CodingRef>,
}

/// A coding left out of the counts because its transcript changed under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drifted {
    pub coder: String,
    pub interview: String,
    pub lang: String,
    pub id: String,
    pub code: String,
    pub start: usize,
    pub end: usize,
}

/// The passages of a project for one coder set.
#[derive(Debug)]
pub struct Analysis<'a> {
    pub set: CoderSet,
    /// Only codings in this language, when set.
    pub lang: Option<String>,
    /// Passages per code with its sub-codes (a parent's passage is any of its subtree's codes
    /// on one span), grouped by code in no particular order.
    pub rolled: Vec<Passage<'a>>,
    /// Passages per code exactly as applied (co-occurrence counts these).
    pub exact: Vec<Passage<'a>>,
    /// Codings left out because they drifted.
    pub drifted: Vec<Drifted>,
    /// Codings left out because they lie wholly on interviewers' turns.
    pub on_interviewer_turns: usize,
    all: &'a AllCodings,
}

impl<'a> Analysis<'a> {
    pub fn coding(&self, r: CodingRef) -> (&'a crate::codings::CodingFile, &'a Coding) {
        let f = &self.all.files[r.0 as usize];
        (f, &f.codings[r.1 as usize])
    }

    /// Rolled-up passages of one code (with its sub-codes).
    pub fn of_code<'s>(&'s self, code: &'s str) -> impl Iterator<Item = &'s Passage<'a>> + 's {
        self.rolled.iter().filter(move |p| p.code == *code)
    }

    /// One sentence on what was left out, for notes under tables ("" when nothing was).
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.drifted.is_empty() {
            parts.push(format!(
                "{} drifted coding(s) left out until re-anchored (`intercode check` lists them)",
                self.drifted.len()
            ));
        }
        if self.on_interviewer_turns > 0 {
            parts.push(format!(
                "{} coding(s) on interviewers' turns not counted",
                self.on_interviewer_turns
            ));
        }
        parts.join("; ")
    }
}

/// A coding as the clustering sees it.
struct Item {
    r: CodingRef,
    lang: u8,
    span: Range<usize>,
    /// The aligned span in the other language (a whole-segment span), if there is one.
    mapped: Option<(u8, Range<usize>)>,
    coder: u32,
    /// Touches a segment the consensus coder decided.
    decided: bool,
}

/// Counts `all` for `set`: every coding of the set's coders (in `lang` only, when given) is put
/// into passages; drifted codings and codings on interviewers' turns are left out and listed.
pub fn analyse<'a>(
    project: &Project,
    all: &'a AllCodings,
    set: &CoderSet,
    lang: Option<&str>,
    settings: &Settings,
) -> Analysis<'a> {
    let decided = if set.kind == SetKind::Consensus {
        crate::agreement::decided(&project.root)
    } else {
        HashSet::new()
    };
    let ancestors = ancestor_table(project.codebook.as_ref());
    // Files of the set, grouped by interview.
    let mut by_interview: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, f) in all.files.iter().enumerate() {
        if set.includes_file(&f.coder) {
            by_interview.entry(&f.interview).or_default().push(i as u32);
        }
    }
    let mut groups: Vec<(&str, Vec<u32>)> = by_interview.into_iter().collect();
    groups.sort();
    // Interviews are independent: split them over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = groups.len().div_ceil(threads).max(1);
    let ctx = Ctx {
        project,
        all,
        set,
        lang,
        settings,
        decided: &decided,
        ancestors: &ancestors,
    };
    let parts: Vec<Part<'a>> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .chunks(chunk)
            .map(|part| {
                let ctx = &ctx;
                s.spawn(move || {
                    let mut out = Part::default();
                    for (interview, files) in part {
                        ctx.interview(interview, files, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("passage counting"))
            .collect()
    });
    let mut out = Analysis {
        set: set.clone(),
        lang: lang.map(str::to_string),
        rolled: Vec::new(),
        exact: Vec::new(),
        drifted: Vec::new(),
        on_interviewer_turns: 0,
        all,
    };
    for p in parts {
        out.rolled.extend(p.rolled);
        out.exact.extend(p.exact);
        out.drifted.extend(p.drifted);
        out.on_interviewer_turns += p.on_interviewer_turns;
    }
    out
}

#[derive(Default)]
struct Part<'a> {
    rolled: Vec<Passage<'a>>,
    exact: Vec<Passage<'a>>,
    drifted: Vec<Drifted>,
    on_interviewer_turns: usize,
}

/// Code -> itself and its ancestors, from the codebook (a code missing from it counts only
/// as itself; `check` reports it).
fn ancestor_table(cb: Option<&Codebook>) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let Some(cb) = cb else { return out };
    let mut chain: Vec<String> = Vec::new();
    for r in cb.walk() {
        chain.truncate(r.depth);
        chain.push(r.code.id.clone());
        out.insert(r.code.id.clone(), chain.iter().rev().cloned().collect());
    }
    out
}

struct Ctx<'p, 'a> {
    project: &'p Project,
    all: &'a AllCodings,
    set: &'p CoderSet,
    lang: Option<&'p str>,
    settings: &'p Settings,
    decided: &'p HashSet<(String, String, usize)>,
    ancestors: &'p HashMap<String, Vec<String>>,
}

impl<'a> Ctx<'_, 'a> {
    fn interview(&self, id: &'a str, files: &[u32], out: &mut Part<'a>) {
        let Some(interview) = self.project.interviews.get(id) else {
            return;
        };
        let langs: Vec<&str> = interview.versions.keys().map(String::as_str).collect();
        let mut aligner = Aligner::new(interview);
        // Segments spoken by interviewers, per language.
        let interviewer_segs: Vec<Vec<bool>> = langs
            .iter()
            .map(|l| {
                interview.versions[*l]
                    .segments
                    .iter()
                    .map(|s| {
                        s.speaker
                            .as_deref()
                            .is_some_and(|sp| self.settings.is_interviewer(sp))
                    })
                    .collect()
            })
            .collect();
        let mut items: Vec<Item> = Vec::new();
        let mut codes: Vec<&'a str> = Vec::new();
        for &fi in files {
            let f = &self.all.files[fi as usize];
            let coder = self
                .set
                .coders
                .iter()
                .position(|c| *c == f.coder)
                .map_or(u32::MAX, |p| p as u32);
            for (ci, c) in f.codings.iter().enumerate() {
                if self.lang.is_some_and(|l| l != c.lang) {
                    continue;
                }
                let Some(li) = langs.iter().position(|l| *l == c.lang) else {
                    continue;
                };
                let t = &interview.versions[langs[li]];
                if crate::codings::drift::is_drifted(t, c) {
                    out.drifted.push(Drifted {
                        coder: f.coder.clone(),
                        interview: id.to_string(),
                        lang: c.lang.to_string(),
                        id: c.id.clone(),
                        code: c.code.to_string(),
                        start: c.start,
                        end: c.end,
                    });
                    continue;
                }
                let segs = segment_range(t, &c.span());
                if segs.clone().all(|s| interviewer_segs[li][s]) {
                    out.on_interviewer_turns += 1;
                    continue;
                }
                let decided = !self.decided.is_empty()
                    && segs.clone().any(|s| {
                        self.decided
                            .contains(&(id.to_string(), c.lang.to_string(), s))
                    });
                let mapped = aligner.map(li, &segs);
                items.push(Item {
                    r: (fi, ci as u32),
                    lang: li as u8,
                    span: c.span(),
                    mapped,
                    coder,
                    decided,
                });
                codes.push(c.code.as_str());
            }
        }
        // Exact passages: one code's codings joined by overlap.
        let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, code) in codes.iter().enumerate() {
            by_code.entry(code).or_default().push(i);
        }
        let mut by_code: Vec<(&str, Vec<usize>)> = by_code.into_iter().collect();
        by_code.sort();
        let mut kept: Vec<usize> = Vec::new();
        for (code, members) in &by_code {
            for comp in cluster(&items, members) {
                if self.counts(&items, &comp) {
                    kept.extend(comp.iter().copied());
                    out.exact.push(Passage {
                        interview: id,
                        code: CompactString::from(*code),
                        codings: comp.iter().map(|&i| items[i].r).collect(),
                    });
                }
            }
        }
        // Rolled-up passages: the kept codings under each of their codes' ancestors.
        let mut by_ancestor: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in &kept {
            let code = codes[i];
            match self.ancestors.get(code) {
                Some(chain) => {
                    for a in chain {
                        by_ancestor.entry(a.as_str()).or_default().push(i);
                    }
                }
                None => by_ancestor.entry(code).or_default().push(i),
            }
        }
        let mut by_ancestor: Vec<(&str, Vec<usize>)> = by_ancestor.into_iter().collect();
        by_ancestor.sort();
        for (code, members) in by_ancestor {
            for comp in cluster(&items, &members) {
                out.rolled.push(Passage {
                    interview: id,
                    code: CompactString::from(code),
                    codings: comp.iter().map(|&i| items[i].r).collect(),
                });
            }
        }
    }

    /// Whether a passage counts for the coder set. A union counts everything; a consensus
    /// counts a decision, or an agreement of every reconciled coder on an undecided span.
    fn counts(&self, items: &[Item], comp: &[usize]) -> bool {
        if self.set.kind == SetKind::Union {
            return true;
        }
        if comp.iter().any(|&i| items[i].coder == u32::MAX) {
            return true; // the consensus coder's decision
        }
        if comp.iter().any(|&i| items[i].decided) {
            return false; // decided otherwise
        }
        let mut seen = vec![false; self.set.coders.len()];
        for &i in comp {
            if let Some(s) = seen.get_mut(items[i].coder as usize) {
                *s = true;
            }
        }
        seen.iter().all(|s| *s)
    }
}

/// The segments a span touches.
fn segment_range(t: &crate::transcript::Transcript, span: &Range<usize>) -> Range<usize> {
    let first = t.segment_at(span.start).unwrap_or(0);
    let last = t
        .segment_at(span.end.saturating_sub(1).max(span.start))
        .unwrap_or(first);
    first..last + 1
}

/// Maps segment ranges of one language version to the aligned span of the other, with the
/// alignment computed once per interview.
struct Aligner<'i> {
    interview: &'i Interview,
    langs: Vec<&'i str>,
    alignment: Option<Alignment>,
}

impl<'i> Aligner<'i> {
    fn new(interview: &'i Interview) -> Self {
        let langs: Vec<&str> = interview.versions.keys().map(String::as_str).collect();
        let alignment = (langs.len() == 2).then(|| interview.alignment(langs[0], langs[1]));
        Aligner {
            interview,
            langs,
            alignment: alignment.flatten(),
        }
    }

    /// The other language's span aligned with segments `segs` of language `li`.
    fn map(&mut self, li: usize, segs: &Range<usize>) -> Option<(u8, Range<usize>)> {
        let al = self.alignment.as_ref()?;
        let other = 1 - li;
        let mut range: Option<Range<usize>> = None;
        for s in segs.clone() {
            let r = if li == 0 {
                al.other_side(s)
            } else {
                al.this_side(s)
            };
            if r.is_empty() {
                continue;
            }
            range = Some(match range {
                None => r,
                Some(x) => x.start.min(r.start)..x.end.max(r.end),
            });
        }
        let range = range?;
        let t = &self.interview.versions[self.langs[other]];
        let span = t.segment_span(range.start).start..t.segment_span(range.end - 1).end;
        Some((other as u8, span))
    }
}

/// Splits `members` (indices into `items`) into passages: codings in one language joined when
/// their spans overlap, and across languages when a coding overlaps the span aligned with
/// another. Two codings of one language are never joined only because both align with the
/// same text of the other language (two sentences of one long cue stay two passages).
fn cluster(items: &[Item], members: &[usize]) -> Vec<Vec<usize>> {
    let mut uf = UnionFind::new(members.len());
    // Per language: the real spans, sorted, joined into runs of overlapping spans.
    let mut langs: Vec<u8> = members.iter().map(|&i| items[i].lang).collect();
    langs.sort_unstable();
    langs.dedup();
    let mut runs_by_lang: Vec<(u8, Vec<(usize, usize, usize)>)> = Vec::new();
    for &l in &langs {
        let mut here: Vec<usize> = (0..members.len())
            .filter(|&k| items[members[k]].lang == l)
            .collect();
        here.sort_by_key(|&k| (items[members[k]].span.start, items[members[k]].span.end));
        // Runs: (start, end, a member of the run).
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for k in here {
            let s = &items[members[k]].span;
            match runs.last_mut() {
                Some(run) if s.start < run.1 => {
                    run.1 = run.1.max(s.end);
                    uf.union(run.2, k);
                }
                _ => runs.push((s.start, s.end, k)),
            }
        }
        runs_by_lang.push((l, runs));
    }
    // Across languages: an aligned span joins the runs it overlaps.
    for (k, &i) in members.iter().enumerate() {
        let Some((ol, span)) = &items[i].mapped else {
            continue;
        };
        let Some((_, runs)) = runs_by_lang.iter().find(|(l, _)| l == ol) else {
            continue;
        };
        let first = runs.partition_point(|r| r.1 <= span.start);
        for run in runs[first..].iter().take_while(|r| r.0 < span.end) {
            uf.union(run.2, k);
        }
    }
    let mut comps: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, &i) in members.iter().enumerate() {
        comps.entry(uf.find(k)).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = comps.into_values().collect();
    for c in &mut out {
        c.sort_unstable();
    }
    out.sort();
    out
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Co-occurrence of codes as applied: two passages of different codes in one interview
/// co-occur when a coding of one overlaps a coding of the other in the same language, or the
/// span aligned with it in the other language. Each pair of passages counts once.
pub fn cooccurrence(
    project: &Project,
    an: &Analysis,
) -> std::collections::BTreeMap<(String, String), usize> {
    let mut by_interview: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in an.exact.iter().enumerate() {
        by_interview.entry(p.interview).or_default().push(i);
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for (id, members) in by_interview {
        let Some(interview) = project.interviews.get(id) else {
            continue;
        };
        let langs: Vec<&str> = interview.versions.keys().map(String::as_str).collect();
        let mut aligner = Aligner::new(interview);
        // (lang, start, end, passage, real)
        let mut spans: Vec<(u8, usize, usize, usize, bool)> = Vec::new();
        for &pi in &members {
            for r in &an.exact[pi].codings {
                let (_, c) = an.coding(*r);
                let Some(li) = langs.iter().position(|l| *l == c.lang) else {
                    continue;
                };
                spans.push((li as u8, c.start, c.end, pi, true));
                let segs = segment_range(&interview.versions[langs[li]], &c.span());
                if let Some((ol, s)) = aligner.map(li, &segs) {
                    spans.push((ol, s.start, s.end, pi, false));
                }
            }
        }
        spans.sort_unstable();
        // Sweep each language: a span meets the later ones that start before it ends. Two
        // aligned spans never meet (they only say which cues correspond).
        for (i, a) in spans.iter().enumerate() {
            for b in spans[i + 1..]
                .iter()
                .take_while(|b| b.0 == a.0 && b.1 < a.2)
            {
                if a.3 != b.3 && (a.4 || b.4) && an.exact[a.3].code != an.exact[b.3].code {
                    pairs.insert((a.3.min(b.3), a.3.max(b.3)));
                }
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    for (a, b) in pairs {
        let (x, y) = (an.exact[a].code.as_str(), an.exact[b].code.as_str());
        let key = if x < y { (x, y) } else { (y, x) };
        *out.entry((key.0.to_string(), key.1.to_string()))
            .or_insert(0) += 1;
    }
    out
}
