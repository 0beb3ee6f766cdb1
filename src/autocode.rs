//! Auto-coding suggestions from the codebook's per-language `rules`: a plain word matches a
//! whole word, case-insensitively, with `*` as a wildcard inside or at the end of a word and
//! `е` also matching `ё`; `/regex/` is a regular expression over the segment text. A rule
//! that fires suggests its code for the whole segment. Suggestions are only applied when a
//! coder accepts them; comparing them with a coder's manual codings (precision and recall)
//! shows which rules to tune.

use crate::codebook::Codebook;
use crate::codings::Coding;
use crate::error::{Error, Result};
use crate::project::Project;
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub code: String,
    pub lang: String,
    /// The rule as written in the codebook.
    pub source: String,
    regex: Regex,
}

/// One suggestion: a code for a segment, and the rule that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub interview: String,
    pub lang: String,
    pub segment: usize,
    pub span: Range<usize>,
    pub code: String,
    pub rule: String,
    /// The words that matched, as they appear in the text.
    pub matched: String,
    /// Who speaks in the segment, if the transcript says.
    pub speaker: Option<String>,
    /// A learned suggestion: the model's probability in percent, and the model (see
    /// [`crate::learn`]).
    pub confidence: Option<u8>,
    pub model: Option<String>,
}

impl Suggestion {
    /// The coding that accepting this suggestion makes.
    pub fn accepted(&self) -> crate::codings::store::NewCoding {
        crate::codings::store::NewCoding {
            interview: self.interview.clone(),
            lang: self.lang.clone(),
            span: self.span.clone(),
            code: self.code.clone(),
            memo: String::new(),
            // A learned suggestion names its model; a rule's is "suggested-accepted".
            origin: if self.model.is_some() {
                crate::codings::Origin::Suggested
            } else {
                crate::codings::Origin::SuggestedAccepted
            },
            model: self.model.clone(),
        }
    }
}

/// Turns a word rule into a regex: whole word, case-insensitive, `*` = any word characters.
fn word_regex(rule: &str) -> String {
    let mut out = String::from(r"(?i)\b");
    for ch in rule.chars() {
        match ch {
            '*' => out.push_str(r"\w*"),
            'е' | 'ё' => out.push_str("[её]"),
            c => out.push_str(&regex::escape(&c.to_string())),
        }
    }
    if !rule.ends_with('*') {
        out.push_str(r"\b");
    }
    out
}

/// Compiles every rule of the codebook; a bad rule is an error naming it.
pub fn compile(codebook: &Codebook) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for r in codebook.walk() {
        for (lang, list) in &r.code.rules {
            for source in list {
                let pattern =
                    if source.len() >= 2 && source.starts_with('/') && source.ends_with('/') {
                        source[1..source.len() - 1].to_string()
                    } else {
                        word_regex(source.trim())
                    };
                let regex = Regex::new(&pattern).map_err(|e| {
                    Error::data(
                        crate::project::CODEBOOK_FILE,
                        None,
                        format!(
                            "code `{}`: rule `{source}` ({lang}) does not compile: {e}",
                            r.code.id
                        ),
                    )
                })?;
                rules.push(Rule {
                    code: r.code.id.clone(),
                    lang: lang.clone(),
                    source: source.clone(),
                    regex,
                });
            }
        }
    }
    Ok(rules)
}

/// Runs the rules over every segment of every interview (one suggestion per code and
/// segment: the first rule that fires).
pub fn suggest(project: &Project, rules: &[Rule]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (id, interview) in &project.interviews {
        for (lang, t) in &interview.versions {
            let lang_rules: Vec<&Rule> = rules.iter().filter(|r| &r.lang == lang).collect();
            if lang_rules.is_empty() {
                continue;
            }
            for seg in &t.segments {
                let mut seen: Vec<&str> = Vec::new();
                for rule in &lang_rules {
                    if seen.contains(&rule.code.as_str()) {
                        continue;
                    }
                    if let Some(m) = rule.regex.find(&seg.text) {
                        seen.push(&rule.code);
                        out.push(Suggestion {
                            interview: id.clone(),
                            lang: lang.clone(),
                            segment: seg.index,
                            span: t.segment_span(seg.index),
                            code: rule.code.clone(),
                            rule: rule.source.clone(),
                            matched: m.as_str().to_string(),
                            speaker: seg.speaker.clone(),
                            confidence: None,
                            model: None,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Suggestions a coder rejected, kept in `codings/<coder>/rejected.tsv` (interview, language,
/// segment, code per line) so they are not offered again.
pub fn rejected_path(root: &std::path::Path, coder: &str) -> std::path::PathBuf {
    root.join(crate::project::CODINGS_DIR)
        .join(coder)
        .join("rejected.tsv")
}

/// The (interview, lang, segment, code) a coder has rejected.
pub fn rejected(
    root: &std::path::Path,
    coder: &str,
) -> std::collections::HashSet<(String, String, usize, String)> {
    crate::fsutil::read_records(&rejected_path(root, coder))
        .into_iter()
        .filter_map(|r| match r.as_slice() {
            [i, l, seg, code, ..] => Some((i.clone(), l.clone(), seg.parse().ok()?, code.clone())),
            _ => None,
        })
        .collect()
}

/// A coder's suggestions, as both shells offer them.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// Each suggestion the coder has not rejected, and whether the coder already has its
    /// code over any part of its passage (same interview and language): those are shown as
    /// "already coded" and never applied twice.
    pub suggestions: Vec<(Suggestion, bool)>,
    /// How many the coder rejected before (not offered again).
    pub rejected: usize,
    /// How many fell on interviewers' turns (not evidence: see `codebook/analysis.json`).
    pub interviewer: usize,
}

impl Pending {
    /// The suggestions still open: not rejected, not already coded.
    pub fn open(&self) -> impl Iterator<Item = &Suggestion> {
        self.suggestions.iter().filter(|(_, c)| !c).map(|(s, _)| s)
    }
}

/// The rules' suggestions for `coder`, less the rejected ones, each marked when the coder's
/// `mine` (interview, coding) already covers it. The one behaviour of `intercode autocode`
/// and the Suggestions view.
pub fn pending<'a>(
    root: &std::path::Path,
    coder: &str,
    suggestions: Vec<Suggestion>,
    mine: impl IntoIterator<Item = (&'a str, &'a crate::codings::Coding)>,
) -> Pending {
    let rejected = rejected(root, coder);
    // Interviewers' questions are not what the codes are for: left out, and counted.
    let settings = crate::report::Settings::load(root).unwrap_or_default();
    let on_interviewer = |s: &Suggestion| {
        s.speaker
            .as_deref()
            .is_some_and(|sp| settings.is_interviewer(sp))
    };
    let all_n = suggestions.len();
    let suggestions: Vec<Suggestion> = suggestions
        .into_iter()
        .filter(|s| !on_interviewer(s))
        .collect();
    let interviewer = all_n - suggestions.len();
    let mut by_interview: std::collections::HashMap<&str, Vec<&crate::codings::Coding>> =
        Default::default();
    for (i, c) in mine {
        by_interview.entry(i).or_default().push(c);
    }
    let before = suggestions.len();
    let kept: Vec<Suggestion> = suggestions
        .into_iter()
        .filter(|s| {
            !rejected.contains(&(
                s.interview.clone(),
                s.lang.clone(),
                s.segment,
                s.code.clone(),
            ))
        })
        .collect();
    let rejected_n = before - kept.len();
    let suggestions = kept
        .into_iter()
        .map(|s| {
            let covered = by_interview.get(s.interview.as_str()).is_some_and(|v| {
                v.iter().any(|c| {
                    c.lang == s.lang
                        && c.code == s.code
                        && c.start < s.span.end
                        && s.span.start < c.end
                })
            });
            (s, covered)
        })
        .collect();
    Pending {
        suggestions,
        rejected: rejected_n,
        interviewer,
    }
}

/// Records a rejection (appended and synced, so it survives a crash).
pub fn reject(root: &std::path::Path, coder: &str, s: &Suggestion) -> std::io::Result<()> {
    crate::fsutil::append_record(
        &rejected_path(root, coder),
        &[&s.interview, &s.lang, &s.segment.to_string(), &s.code],
    )
}

/// How well the suggestions of one code match a coder's manual codings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleQuality {
    pub suggestions: usize,
    /// Suggestions that overlap a manual coding with the same code.
    pub confirmed: usize,
    pub manual: usize,
    /// Manual codings that some suggestion of the same code overlaps.
    pub found: usize,
}

impl RuleQuality {
    pub fn precision(&self) -> Option<f64> {
        (self.suggestions > 0).then(|| self.confirmed as f64 / self.suggestions as f64)
    }
    pub fn recall(&self) -> Option<f64> {
        (self.manual > 0).then(|| self.found as f64 / self.manual as f64)
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Compares suggestions with manual codings, per code. Only languages that have rules for a
/// code count, so a code with English rules is not blamed for missing Russian passages.
/// `codings` are (interview, coding) pairs of one coder.
pub fn quality(
    suggestions: &[Suggestion],
    codings: &[(String, Coding)],
    rules: &[Rule],
) -> BTreeMap<String, RuleQuality> {
    let mut q: BTreeMap<String, RuleQuality> = BTreeMap::new();
    let manual: Vec<&(String, Coding)> = codings
        .iter()
        .filter(|(_, c)| c.origin == crate::codings::Origin::Manual)
        .filter(|(_, c)| rules.iter().any(|r| r.code == c.code && r.lang == c.lang))
        .collect();
    for s in suggestions {
        let e = q.entry(s.code.clone()).or_default();
        e.suggestions += 1;
        if manual.iter().any(|(i, c)| {
            i == &s.interview
                && c.lang == s.lang
                && c.code == s.code
                && overlaps(&c.span(), &s.span)
        }) {
            e.confirmed += 1;
        }
    }
    for (i, c) in &manual {
        let e = q.entry(c.code.to_string()).or_default();
        e.manual += 1;
        if suggestions.iter().any(|s| {
            &s.interview == i
                && s.lang == c.lang
                && s.code == c.code
                && overlaps(&c.span(), &s.span)
        }) {
            e.found += 1;
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_leaves_out_the_rejected_and_marks_what_the_coder_has_coded() {
        let dir = tempfile::tempdir().unwrap();
        let sug = |seg: usize, span: Range<usize>, code: &str| Suggestion {
            interview: "P01".into(),
            lang: "en".into(),
            segment: seg,
            span,
            code: code.into(),
            rule: "afraid".into(),
            matched: "afraid".into(),
            speaker: Some(if seg == 5 { "Interviewer" } else { "Vera" }.into()),
            confidence: None,
            model: None,
        };
        let all = vec![
            sug(0, 0..6, "fear"),   // rejected before
            sug(1, 10..16, "fear"), // coded exactly
            sug(2, 20..26, "fear"), // coded over part of it
            sug(3, 30..36, "fear"), // another code there only
            sug(4, 40..46, "fear"), // open
            sug(5, 50..56, "fear"), // an interviewer's question
        ];
        reject(dir.path(), "ana", &all[0]).unwrap();
        let coding = |start, end, code: &str| crate::codings::Coding {
            id: format!("{start}"),
            lang: "en".into(),
            start,
            end,
            code: code.into(),
            quote: "x".into(),
            memo: String::new(),
            created: "2026-01-01T00:00:00Z".into(),
            origin: crate::codings::Origin::Manual,
            model: None,
        };
        let mine = [
            coding(10, 16, "fear"),
            coding(24, 28, "fear"),
            coding(30, 36, "security"),
        ];
        let p = pending(dir.path(), "ana", all, mine.iter().map(|c| ("P01", c)));
        assert_eq!((p.rejected, p.interviewer), (1, 1));
        let covered: Vec<(usize, bool)> =
            p.suggestions.iter().map(|(s, c)| (s.segment, *c)).collect();
        assert_eq!(covered, [(1, true), (2, true), (3, false), (4, false)]);
        let open: Vec<usize> = p.open().map(|s| s.segment).collect();
        assert_eq!(open, [3, 4]);
    }

    fn re(rule: &str) -> Regex {
        Regex::new(&word_regex(rule)).unwrap()
    }

    #[test]
    fn word_rules() {
        assert!(re("afraid").is_match("I was Afraid."));
        assert!(!re("afraid").is_match("unafraid"));
        assert!(re("deport*").is_match("they were deported"));
        assert!(re("страх*").is_match("Это был страхом"));
        assert!(re("боится").is_match("он боится"));
        assert!(re("всё").is_match("все равно"));
        assert!(re("гражданств*").is_match("Гражданство Сербии"));
        assert!(!re("вид").is_match("видно"));
    }
}
