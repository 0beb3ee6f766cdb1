//! The unit of every count: a **passage**, one span of one interview carrying one code, whatever
//! languages it is coded in and however many coders coded it. A coding and its aligned copy in
//! the other language are one passage; two coders' overlapping codings of one code are one
//! passage. Every report, the codebook list and the terminal UI count through [`analyse`], so
//! their numbers agree, and every count carries the [`CoderSet`] it counted.
//!
//! What is left out, and said: drifted codings (the transcript changed under them; they are
//! never quoted or counted until re-anchored) and codings that lie wholly on interviewers'
//! turns (a question is not evidence).
//!
//! (Over 900 lines on purpose: the joining of codings into passages, the consensus and the
//! words and co-occurrences computed in the same pass must be read together; split, a reader
//! could change one count without seeing the others it must agree with.)

use super::settings::Settings;
use crate::agreement::CONSENSUS;
use crate::codings::{AllCodings, Coding};
use crate::project::{Interview, Project};
use crate::transcript::align::Alignment;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
        // A decision leaves a record (and, unless "neither", codings); an undone one leaves
        // neither, and the default is every coder's codings again.
        let has_consensus = all
            .files
            .iter()
            .any(|f| f.coder == CONSENSUS && !f.codings.is_empty())
            || !crate::agreement::decided(&project.root).is_empty();
        let reconciled = reconciled_coders(all);
        if has_consensus && reconciled.len() == 2 {
            CoderSet::consensus(project, all, reconciled)
        } else {
            CoderSet::union(independent_coders(all))
        }
    }

    /// The consensus of `coders`, with how far reconciling has come. Disagreements are listed
    /// per language version's segment; a segment and the aligned segments of the other
    /// language are one disputed passage here, decided when either was decided.
    pub fn consensus(project: &Project, all: &AllCodings, coders: Vec<String>) -> CoderSet {
        let decided = crate::agreement::decided(&project.root);
        let mut units: Vec<(String, String, usize)> = decided.iter().cloned().collect();
        if coders.len() >= 2 {
            for d in crate::agreement::disagreements(project, all, &coders) {
                units.push((d.interview, d.lang, d.segment));
            }
        }
        units.sort();
        units.dedup();
        let index: HashMap<&(String, String, usize), usize> =
            units.iter().enumerate().map(|(i, u)| (u, i)).collect();
        let mut uf = UnionFind::new(units.len());
        let mut aligners: HashMap<&str, Aligner> = HashMap::new();
        for (k, (iv, lang, seg)) in units.iter().enumerate() {
            let Some(interview) = project.interviews.get(iv) else {
                continue;
            };
            let al = aligners
                .entry(iv.as_str())
                .or_insert_with(|| Aligner::new(interview));
            let Some(li) = al.langs.iter().position(|l| l == lang) else {
                continue;
            };
            if let Some((ol, segs)) = al.segments(li, *seg) {
                for s in segs {
                    let key = (iv.clone(), al.langs[ol].to_string(), s);
                    if let Some(&j) = index.get(&key) {
                        uf.union(k, j);
                    }
                }
            }
        }
        let mut groups: HashMap<usize, bool> = HashMap::new();
        for (k, u) in units.iter().enumerate() {
            let g = groups.entry(uf.find(k)).or_default();
            *g |= decided.contains(u);
        }
        CoderSet {
            kind: SetKind::Consensus,
            coders,
            decided: groups.values().filter(|d| **d).count(),
            disputed: groups.len(),
        }
    }

    /// Resolves what a user asked for: `--coders` (the name `consensus` alone means the
    /// consensus of every other coder), `--all-coders`, or the default.
    pub fn choose(
        project: &Project,
        all: &AllCodings,
        named: &[String],
        all_coders: bool,
    ) -> crate::Result<CoderSet> {
        let known: BTreeSet<&str> = all.files.iter().map(|f| f.coder.as_str()).collect();
        if all_coders {
            return Ok(CoderSet::union(independent_coders(all)));
        }
        if named.is_empty() {
            return Ok(CoderSet::default_for(project, all));
        }
        if let Some(unknown) = named.iter().find(|c| !known.contains(c.as_str())) {
            return Err(crate::Error::usage(format!(
                "no codings by coder `{unknown}` (coders: {})",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            )));
        }
        // `consensus` alone: the pair reconciled in the Disagreements view; with other names:
        // the consensus of those.
        if named.iter().any(|c| c == CONSENSUS) {
            let mut others: Vec<String> =
                named.iter().filter(|c| *c != CONSENSUS).cloned().collect();
            if others.is_empty() {
                others = reconciled_coders(all);
            }
            others.sort();
            others.dedup();
            if others.len() < 2 {
                return Err(crate::Error::usage(
                    "a consensus needs two coders with codings",
                ));
            }
            return Ok(CoderSet::consensus(project, all, others));
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

    /// A short form for narrow places (a terminal panel's title): "ana+boris",
    /// "consensus ana+boris 4/153".
    pub fn short(&self) -> String {
        let names = self.coders.join("+");
        match self.kind {
            SetKind::Union => names,
            SetKind::Consensus => format!("consensus {names} {}/{}", self.decided, self.disputed),
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

/// The two coders the Disagreements view reconciles (and whose consensus reports count):
/// the first two independent coders, by name.
pub fn reconciled_coders(all: &AllCodings) -> Vec<String> {
    independent_coders(all).into_iter().take(2).collect()
}

/// Every coder with at least one coding, other than the consensus coder and a learned
/// model's (`model`), sorted: the human coders.
pub fn independent_coders(all: &AllCodings) -> Vec<String> {
    let mut c: Vec<String> = all
        .files
        .iter()
        .filter(|f| !f.codings.is_empty())
        .map(|f| f.coder.clone())
        .filter(|c| c != CONSENSUS && c != crate::learn::MODEL_CODER)
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
    pub code: &'a str,
    /// Its codings: a range of [`Analysis::refs`].
    refs: Range<u32>,
    /// Words of the passage, counted once (see [`Analysis::words`]).
    pub words: u32,
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
    /// on one span), grouped by interview.
    pub rolled: Vec<Passage<'a>>,
    /// Passages per code exactly as applied.
    pub exact: Vec<Passage<'a>>,
    /// Pairs of codes as applied (a < b) and how many pairs of their passages overlap.
    pub cooccurring: BTreeMap<(&'a str, &'a str), usize>,
    /// Codings left out because they drifted.
    pub drifted: Vec<Drifted>,
    /// Codings left out because they lie wholly on interviewers' turns.
    pub on_interviewer_turns: usize,
    /// Codings of codes the codebook does not have (`check` names them).
    pub unknown_codes: usize,
    refs: Vec<CodingRef>,
    all: &'a AllCodings,
}

impl<'a> Analysis<'a> {
    pub fn coding(&self, r: CodingRef) -> (&'a crate::codings::CodingFile, &'a Coding) {
        let f = &self.all.files[r.0 as usize];
        (f, &f.codings[r.1 as usize])
    }

    /// The codings a passage is made of.
    pub fn codings(&self, p: &Passage) -> &[CodingRef] {
        &self.refs[p.refs.start as usize..p.refs.end as usize]
    }

    /// Rolled-up passages of one code (with its sub-codes).
    pub fn of_code<'s>(&'s self, code: &'s str) -> impl Iterator<Item = &'s Passage<'a>> + 's {
        self.rolled.iter().filter(move |p| p.code == code)
    }

    /// Whose codings were counted, and in which language when only one: the caption of
    /// every rendering.
    pub fn describe(&self) -> String {
        match &self.lang {
            Some(l) => format!("{}, {l} codings only", self.set.describe()),
            None => self.set.describe(),
        }
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
        if self.unknown_codes > 0 {
            parts.push(format!(
                "{} coding(s) of codes not in the codebook not counted",
                self.unknown_codes
            ));
        }
        parts.join("; ")
    }
}

/// A coding as the clustering sees it.
struct Item {
    r: CodingRef,
    code: u32,
    lang: u8,
    span: Range<usize>,
    /// The aligned span in the other language (a whole-segment span), if there is one.
    mapped: Option<(u8, Range<usize>)>,
    coder: u32,
    /// Touches a segment the consensus coder decided.
    decided: bool,
}

/// The codebook's codes by index: ids, and each code's chain of itself and its ancestors.
struct Codes<'a> {
    ids: Vec<&'a str>,
    index: FxHashMap<&'a str, u32>,
    chains: Vec<Vec<u32>>,
    leaf: Vec<bool>,
}

impl<'a> Codes<'a> {
    fn new(project: &'a Project) -> Self {
        let mut c = Codes {
            ids: Vec::new(),
            index: FxHashMap::default(),
            chains: Vec::new(),
            leaf: Vec::new(),
        };
        let Some(cb) = &project.codebook else {
            return c;
        };
        let mut chain: Vec<u32> = Vec::new();
        for r in cb.walk() {
            let i = c.ids.len() as u32;
            c.ids.push(r.code.id.as_str());
            c.index.insert(r.code.id.as_str(), i);
            chain.truncate(r.depth);
            chain.push(i);
            c.chains.push(chain.iter().rev().copied().collect());
            c.leaf.push(r.code.children.is_empty());
        }
        c
    }
}

/// Counts `all` for `set`: every coding of the set's coders (in `lang` only, when given) is put
/// into passages, and their words and co-occurrences counted; drifted codings, codings on
/// interviewers' turns and codings of unknown codes are left out and counted.
pub fn analyse<'a>(
    project: &'a Project,
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
    let codes = Codes::new(project);
    // Files of the set, grouped by interview.
    let mut by_interview: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (i, f) in all.files.iter().enumerate() {
        if set.includes_file(&f.coder) {
            by_interview.entry(&f.interview).or_default().push(i as u32);
        }
    }
    let mut groups: Vec<(&str, Vec<u32>)> = by_interview.into_iter().collect();
    groups.sort();
    // Interviews are independent: they are handed out one at a time to every core.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let ctx = Ctx {
        project,
        all,
        set,
        lang,
        settings,
        decided: &decided,
        codes: &codes,
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut out = Part::default();
        let mut scratch = Scratch::default();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((interview, files)) = groups.get(i) else {
                return out;
            };
            ctx.interview(interview, files, &mut out, &mut scratch);
        }
    };
    let parts: Vec<Part<'a>> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut parts = vec![work()];
        parts.extend(
            helpers
                .into_iter()
                .map(|h| h.join().expect("passage counting")),
        );
        parts
    });
    let mut out = Analysis {
        set: set.clone(),
        lang: lang.map(str::to_string),
        rolled: Vec::new(),
        exact: Vec::new(),
        cooccurring: BTreeMap::new(),
        drifted: Vec::new(),
        on_interviewer_turns: 0,
        unknown_codes: 0,
        refs: Vec::new(),
        all,
    };
    let mut pairs: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    for p in parts {
        let base = out.refs.len() as u32;
        let shift = |mut x: Passage<'a>| {
            x.refs = x.refs.start + base..x.refs.end + base;
            x
        };
        out.rolled.extend(p.rolled.into_iter().map(shift));
        out.exact.extend(p.exact.into_iter().map(shift));
        out.refs.extend(p.refs);
        out.drifted.extend(p.drifted);
        out.on_interviewer_turns += p.on_interviewer_turns;
        out.unknown_codes += p.unknown_codes;
        for (k, n) in p.pairs {
            *pairs.entry(k).or_default() += n;
        }
    }
    for ((a, b), n) in pairs {
        let (x, y) = (codes.ids[a as usize], codes.ids[b as usize]);
        out.cooccurring
            .insert(if x < y { (x, y) } else { (y, x) }, n);
    }
    out
}

#[derive(Default)]
struct Part<'a> {
    rolled: Vec<Passage<'a>>,
    exact: Vec<Passage<'a>>,
    refs: Vec<CodingRef>,
    pairs: FxHashMap<(u32, u32), usize>,
    drifted: Vec<Drifted>,
    on_interviewer_turns: usize,
    unknown_codes: usize,
}

/// A span for the co-occurrence sweep: language, start, end, exact passage, and whether it is
/// a coding's own span (else the span aligned with one).
type Span = (u8, usize, usize, u32, bool);

/// Buffers reused from one interview to the next.
#[derive(Default)]
struct Scratch {
    items: Vec<Item>,
    order: Vec<(u32, u32)>,
    members: Vec<usize>,
    exact_of: Vec<u32>,
    spans: Vec<Span>,
    pairs: Vec<(u32, u32)>,
}

struct Ctx<'p, 'a> {
    project: &'a Project,
    all: &'a AllCodings,
    set: &'p CoderSet,
    lang: Option<&'p str>,
    settings: &'p Settings,
    decided: &'p HashSet<(String, String, usize)>,
    codes: &'p Codes<'a>,
}

impl<'a> Ctx<'_, 'a> {
    fn interview(&self, id: &'a str, files: &[u32], out: &mut Part<'a>, sc: &mut Scratch) {
        let Some(interview) = self.project.interviews.get(id) else {
            return;
        };
        let langs: Vec<&str> = interview.versions.keys().map(String::as_str).collect();
        let aligner = Aligner::new(interview);
        // Segments spoken by interviewers, per language (each speaker name judged once).
        let interviewer_segs: Vec<Vec<bool>> = langs
            .iter()
            .map(|l| {
                let mut judged: Vec<(&str, bool)> = Vec::new();
                interview.versions[*l]
                    .segments
                    .iter()
                    .map(|s| {
                        let Some(sp) = s.speaker.as_deref() else {
                            return false;
                        };
                        if let Some((_, j)) = judged.iter().find(|(n, _)| *n == sp) {
                            return *j;
                        }
                        let j = self.settings.is_interviewer(sp);
                        judged.push((sp, j));
                        j
                    })
                    .collect()
            })
            .collect();
        sc.items.clear();
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
                let Some(&code) = self.codes.index.get(c.code.as_str()) else {
                    out.unknown_codes += 1;
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
                sc.items.push(Item {
                    r: (fi, ci as u32),
                    code,
                    lang: li as u8,
                    span: c.span(),
                    mapped: aligner.map(li, &segs),
                    coder,
                    decided,
                });
            }
        }
        let items = &sc.items;
        // Exact passages: one code's codings joined by overlap.
        sc.order.clear();
        sc.order
            .extend(items.iter().enumerate().map(|(i, it)| (it.code, i as u32)));
        sc.order.sort_unstable();
        sc.exact_of.clear();
        sc.exact_of.resize(items.len(), u32::MAX);
        let exact_base = out.exact.len();
        let mut kept: Vec<(u32, u32)> = Vec::new(); // (ancestor, item) for the rolled pass
        for group in sc.order.chunk_by(|a, b| a.0 == b.0) {
            let code = group[0].0;
            sc.members.clear();
            sc.members.extend(group.iter().map(|(_, i)| *i as usize));
            for comp in cluster(items, &sc.members) {
                if !self.counts(items, &comp) {
                    continue;
                }
                let local = (out.exact.len() - exact_base) as u32;
                for &i in &comp {
                    sc.exact_of[i] = local;
                    for &a in &self.codes.chains[code as usize] {
                        kept.push((a, i as u32));
                    }
                }
                let words = words_of(interview, &langs, items, &comp, self.lang);
                let p = self.passage(&mut out.refs, items, &comp, id, code, words);
                out.exact.push(p);
            }
        }
        // Rolled-up passages: the kept codings under each of their codes' ancestors.
        kept.sort_unstable();
        for group in kept.chunk_by(|a, b| a.0 == b.0) {
            let code = group[0].0;
            sc.members.clear();
            sc.members.extend(group.iter().map(|(_, i)| *i as usize));
            for comp in cluster(items, &sc.members) {
                // A passage that is one exact passage whole has its words counted already.
                let e = sc.exact_of[comp[0]];
                let same = self.codes.leaf[code as usize]
                    || (comp.iter().all(|&i| sc.exact_of[i] == e)
                        && out.exact[exact_base + e as usize].refs.len() == comp.len());
                let words = if same {
                    out.exact[exact_base + e as usize].words
                } else {
                    words_of(interview, &langs, items, &comp, self.lang)
                };
                let p = self.passage(&mut out.refs, items, &comp, id, code, words);
                out.rolled.push(p);
            }
        }
        let buffers = (&mut sc.spans, &mut sc.pairs);
        self.cooccurrence(
            &out.exact[exact_base..],
            items,
            &sc.exact_of,
            buffers,
            &mut out.pairs,
        );
    }

    /// Counts pairs of this interview's exact passages of different codes that overlap: a
    /// coding of one meets a coding of the other in one language, or the span aligned with it.
    /// Two aligned spans never meet (they only say which cues correspond).
    fn cooccurrence(
        &self,
        exact: &[Passage<'a>],
        items: &[Item],
        exact_of: &[u32],
        (spans, found): (&mut Vec<Span>, &mut Vec<(u32, u32)>),
        pairs: &mut FxHashMap<(u32, u32), usize>,
    ) {
        if exact.len() < 2 {
            return;
        }
        spans.clear();
        for (i, it) in items.iter().enumerate() {
            let p = exact_of[i];
            if p == u32::MAX {
                continue;
            }
            spans.push((it.lang, it.span.start, it.span.end, p, true));
            if let Some((l, s)) = &it.mapped {
                spans.push((*l, s.start, s.end, p, false));
            }
        }
        spans.sort_unstable();
        found.clear();
        for (i, a) in spans.iter().enumerate() {
            for b in spans[i + 1..]
                .iter()
                .take_while(|b| b.0 == a.0 && b.1 < a.2)
            {
                if a.3 != b.3
                    && (a.4 || b.4)
                    && exact[a.3 as usize].code != exact[b.3 as usize].code
                {
                    found.push((a.3.min(b.3), a.3.max(b.3)));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        for &(a, b) in found.iter() {
            let (x, y) = (
                self.codes.index[exact[a as usize].code],
                self.codes.index[exact[b as usize].code],
            );
            *pairs.entry((x.min(y), x.max(y))).or_default() += 1;
        }
    }

    /// A passage of `code` made of the items `comp`, its coding references appended to `refs`.
    fn passage(
        &self,
        refs: &mut Vec<CodingRef>,
        items: &[Item],
        comp: &[usize],
        interview: &'a str,
        code: u32,
        words: u32,
    ) -> Passage<'a> {
        let start = refs.len() as u32;
        refs.extend(comp.iter().map(|&i| items[i].r));
        Passage {
            interview,
            code: self.codes.ids[code as usize],
            refs: start..refs.len() as u32,
            words,
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

/// The words of a passage, counted once: in one language (the analysis' language, else the
/// first of the passage's languages in alphabetical order), over the union of its codings'
/// spans, in the transcript as it is now.
fn words_of(
    interview: &Interview,
    langs: &[&str],
    items: &[Item],
    comp: &[usize],
    only: Option<&str>,
) -> u32 {
    let Some(lang) = comp.iter().map(|&i| items[i].lang).min() else {
        return 0;
    };
    debug_assert!(only.is_none_or(|l| langs[lang as usize] == l));
    let t = &interview.versions[langs[lang as usize]];
    let mut spans: Vec<Range<usize>> = comp
        .iter()
        .filter(|&&i| items[i].lang == lang)
        .map(|&i| items[i].span.clone())
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut words = 0;
    let mut cur: Option<Range<usize>> = None;
    let mut flush = |r: Range<usize>| {
        if r.start < r.end && r.end <= t.char_len() {
            words += super::count_words(&t.text()[t.byte_offset(r.start)..], r.end - r.start);
        }
    };
    for s in spans {
        cur = match cur {
            Some(c) if s.start <= c.end => Some(c.start..c.end.max(s.end)),
            Some(c) => {
                flush(c);
                Some(s)
            }
            None => Some(s),
        };
    }
    if let Some(c) = cur {
        flush(c);
    }
    words as u32
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

    /// The segments of the other language aligned with segment `seg` of language `li`.
    fn segments(&self, li: usize, seg: usize) -> Option<(usize, Range<usize>)> {
        let al = self.alignment.as_ref()?;
        Some(if li == 0 {
            (1, al.other_side(seg))
        } else {
            (0, al.this_side(seg))
        })
    }

    /// The other language's span aligned with segments `segs` of language `li`.
    fn map(&self, li: usize, segs: &Range<usize>) -> Option<(u8, Range<usize>)> {
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
    /// A run of overlapping spans: start, end, one member of it.
    type Run = (usize, usize, usize);
    let mut runs_by_lang: Vec<(u8, Vec<Run>)> = Vec::new();
    for &l in &langs {
        let mut here: Vec<usize> = (0..members.len())
            .filter(|&k| items[members[k]].lang == l)
            .collect();
        here.sort_by_key(|&k| (items[members[k]].span.start, items[members[k]].span.end));
        // Runs: (start, end, a member of the run).
        let mut runs: Vec<Run> = Vec::new();
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
