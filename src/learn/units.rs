//! The units a model learns from and suggests for: one passage of one interview, a segment
//! group and its aligned translation (as the reports count a passage once whatever languages
//! it is coded in), with its words, and which codes a set of coders gave it.

use crate::codebook::Codebook;
use crate::codings::AllCodings;
use crate::project::Project;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// One passage: per language, the segments it spans and their code point span.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub interview: String,
    /// language -> (segments, span in that transcript)
    pub parts: BTreeMap<String, (Range<usize>, Range<usize>)>,
    /// The passage's text in every language, one after the other (for the features).
    pub text: BTreeMap<String, String>,
    pub speaker: Option<String>,
    /// An interviewer's turn: left out of suggestions and scores, as the rules' are.
    pub interviewer: bool,
}

impl Unit {
    /// The first language's part (for a suggestion's place).
    pub fn first(&self) -> Option<(&str, usize, &Range<usize>)> {
        self.parts
            .iter()
            .next()
            .map(|(l, (segs, span))| (l.as_str(), segs.start, span))
    }
}

/// The units of every interview, in interview and time order.
pub fn units(project: &Project) -> Vec<Unit> {
    let settings = crate::report::Settings::load(&project.root).unwrap_or_default();
    let mut out = Vec::new();
    for (id, interview) in &project.interviews {
        let langs: Vec<&String> = interview.versions.keys().collect();
        // Two languages: aligned groups; otherwise every segment alone.
        let groups: Vec<Vec<(String, Range<usize>)>> = match langs.as_slice() {
            [a, b] => match interview.alignment(a, b) {
                Some(al) => al
                    .groups
                    .iter()
                    .map(|(l, r)| vec![((*a).clone(), l.clone()), ((*b).clone(), r.clone())])
                    .collect(),
                None => continue,
            },
            _ => langs
                .iter()
                .flat_map(|l| {
                    (0..interview.versions[*l].segments.len())
                        .map(move |k| vec![((*l).clone(), k..k + 1)])
                })
                .collect(),
        };
        for g in groups {
            let mut u = Unit {
                interview: id.clone(),
                parts: BTreeMap::new(),
                text: BTreeMap::new(),
                speaker: None,
                interviewer: false,
            };
            for (lang, segs) in g {
                if segs.is_empty() {
                    continue;
                }
                let t = &interview.versions[&lang];
                let span = t.segment_span(segs.start).start..t.segment_span(segs.end - 1).end;
                let text: Vec<&str> = t.segments[segs.clone()]
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect();
                if u.speaker.is_none() {
                    u.speaker = t.segments[segs.start].speaker.clone();
                }
                u.text.insert(lang.clone(), text.join(" "));
                u.parts.insert(lang, (segs, span));
            }
            if u.parts.is_empty() {
                continue;
            }
            u.interviewer = u
                .speaker
                .as_deref()
                .is_some_and(|s| settings.is_interviewer(s));
            out.push(u);
        }
    }
    out
}

/// A unit's span in one language, and the unit.
type Spanned = (Range<usize>, usize);

/// Which codes the `coders` gave each unit (a code counts for its ancestors too, as reports
/// roll codes up): one set of code ids per unit. A coding counts where it overlaps a unit's
/// span in its language.
pub fn label(
    units: &[Unit],
    all: &AllCodings,
    coders: &[String],
    codebook: &Codebook,
) -> Vec<BTreeSet<String>> {
    // Code -> itself and its ancestors.
    let mut up: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in codebook.walk() {
        let mut chain = vec![r.code.id.clone()];
        let mut id = r.code.id.as_str();
        while let Some(p) = codebook.parent_of(id) {
            chain.push(p.id.clone());
            id = &p.id;
        }
        up.insert(r.code.id.clone(), chain);
    }
    // (interview, lang) -> units there, by span start, to find overlaps quickly.
    let mut at: BTreeMap<(&str, &str), Vec<Spanned>> = BTreeMap::new();
    for (k, u) in units.iter().enumerate() {
        for (lang, (_, span)) in &u.parts {
            at.entry((u.interview.as_str(), lang.as_str()))
                .or_default()
                .push((span.clone(), k));
        }
    }
    let mut out = vec![BTreeSet::new(); units.len()];
    for f in all.files.iter().filter(|f| coders.contains(&f.coder)) {
        for c in &f.codings {
            let Some(chain) = up.get(c.code.as_str()) else {
                continue;
            };
            let Some(list) = at.get(&(f.interview.as_str(), c.lang.as_str())) else {
                continue;
            };
            let first = list.partition_point(|(s, _)| s.end <= c.start);
            for (span, k) in &list[first..] {
                if span.start >= c.end.max(c.start + 1) {
                    break;
                }
                out[*k].extend(chain.iter().cloned());
            }
        }
    }
    out
}
