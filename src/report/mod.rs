//! Reports: what a paper prints beside its survey figures. Every count goes through
//! [`passages::analyse`], whose unit is the passage (one span of one interview, counted once
//! whatever languages and coders coded it), and says whose codings it counted
//! ([`CoderSet`]). Frequencies are rolled up to parent codes; co-occurrence counts codes as
//! applied; quotes are attributed by participant attributes only and redacted by word form
//! ([`redact`]); the survey themes are a joint display of each figure, the share of
//! interviewees whose codings carry its code, and quotes. Pure functions over loaded data; the
//! CLI's reports and the TUI's report view both use them.

pub mod build;
pub mod passages;
pub mod redact;
pub mod render;
pub mod retrieve;
pub mod settings;

pub use build::{build, Built, Kind, Request};
pub use passages::{analyse, Analysis, CoderSet, Passage, SetKind};
pub use settings::Settings;

use crate::codebook::Codebook;
use crate::project::Project;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

/// Counts for one code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeCount {
    pub code: String,
    pub parent: Option<String>,
    pub depth: usize,
    /// Passages with this code or a sub-code.
    pub passages: usize,
    /// Interviews (participants) with at least one such passage.
    pub interviews: usize,
}

/// Passages and interviews of every code of the codebook, in tree order, rolled up.
pub fn frequencies(codebook: &Codebook, an: &Analysis) -> Vec<CodeCount> {
    let mut own: HashMap<&str, (usize, BTreeSet<&str>)> = HashMap::new();
    for p in &an.rolled {
        let e = own.entry(p.code).or_default();
        e.0 += 1;
        e.1.insert(p.interview);
    }
    codebook
        .walk()
        .into_iter()
        .map(|r| {
            let (passages, interviews) = own
                .get(r.code.id.as_str())
                .map_or((0, 0), |(n, s)| (*n, s.len()));
            CodeCount {
                code: r.code.id.clone(),
                parent: r.parent.map(|p| p.id.clone()),
                depth: r.depth,
                passages,
                interviews,
            }
        })
        .collect()
}

/// How many passages of two codes overlap (in either language), for every pair of codes as
/// applied. Keys are ordered pairs (a < b); the diagonal is not counted.
pub fn cooccurrence(an: &Analysis) -> BTreeMap<(String, String), usize> {
    an.cooccurring
        .iter()
        .map(|((a, b), n)| ((a.to_string(), b.to_string()), *n))
        .collect()
}

/// A participant count in a breakdown by attribute: shown as `<3` (for a minimum of 3) when
/// it is small enough to point at a person, in every format. In a group smaller than the
/// minimum every count is hidden, zero too (a 0 among one participant says what that
/// participant did not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub n: usize,
    pub min: usize,
    /// Participants with this attribute value.
    pub group: usize,
}

impl Cell {
    pub fn suppressed(&self) -> bool {
        (self.n > 0 && self.n < self.min) || (self.group < self.min && self.group > 0)
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.suppressed() {
            write!(f, "<{}", self.min)
        } else {
            write!(f, "{}", self.n)
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.suppressed() {
            s.serialize_str(&self.to_string())
        } else {
            s.serialize_u64(self.n as u64)
        }
    }
}

/// Words in a text: runs of letters and digits, where an apostrophe or hyphen inside a word
/// (`don't`, `кто-то`) does not start a new one.
pub fn word_count(text: &str) -> usize {
    count_words(text, usize::MAX)
}

/// [`word_count`] of the first `chars` characters of `text`. Reports count the words of every
/// coded passage, a million of them at scale, so this reads bytes: ASCII and Cyrillic (two
/// bytes, lead byte 0xD0 to 0xD3: U+0400 to U+04FF) without decoding, anything else decoded.
pub(crate) fn count_words(text: &str, mut chars: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut n, mut i) = (0, 0);
    let (mut in_word, mut prev_joiner) = (false, false);
    while chars > 0 && i < bytes.len() {
        let b = bytes[i];
        let (letter, joiner, width) = match b {
            0..=0x7f => (b.is_ascii_alphanumeric(), b == b'\'' || b == b'-', 1),
            0xd0..=0xd3 => (true, false, 2),
            _ => {
                // `i` is on a character boundary: every step moves by a whole character.
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_alphanumeric(), c == '’', c.len_utf8())
            }
        };
        if letter {
            n += usize::from(!in_word && !prev_joiner);
            in_word = true;
            prev_joiner = false;
        } else {
            prev_joiner = in_word && joiner;
            in_word = false;
        }
        i += width;
        chars -= 1;
    }
    n
}

/// A code's row in the frequency report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrequencyRow {
    pub code: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub name: String,
    pub passages: usize,
    pub words: usize,
    /// Participants (interviews) with the code, of `participants_total`.
    pub participants: usize,
    pub participants_total: usize,
    /// Public attribute -> value -> participants with the code.
    pub by_attribute: BTreeMap<String, BTreeMap<String, Cell>>,
}

/// Frequencies with coded words and participants by (public) attribute, rolled up to parents.
pub fn frequency_table(project: &Project, an: &Analysis, settings: &Settings) -> Vec<FrequencyRow> {
    let Some(cb) = &project.codebook else {
        return Vec::new();
    };
    // Words were counted with the passages (`analyse`); this only adds them up.
    // Passages come grouped by interview, so an interview is new to a code when it differs
    // from the last one seen with that code.
    type Tally<'a> = HashMap<&'a str, (usize, usize, Vec<&'a str>)>;
    let mut own: Tally = HashMap::new();
    for p in &an.rolled {
        let e = own.entry(p.code).or_default();
        e.0 += 1;
        e.1 += p.words as usize;
        if e.2.last() != Some(&p.interview) {
            e.2.push(p.interview);
        }
    }
    for e in own.values_mut() {
        e.2.sort_unstable();
        e.2.dedup();
    }
    let names: Vec<&String> = project
        .attribute_names
        .iter()
        .filter(|n| settings.is_public(n))
        .collect();
    let empty = (0, 0, Vec::new());
    // Every value of every public attribute appears, zeros too, so columns line up; `groups`
    // holds how many participants have each value.
    let mut groups: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); names.len()];
    for i in project.interviews.values() {
        for (m, name) in groups.iter_mut().zip(&names) {
            if let Some(v) = i.attributes.get(name.as_str()) {
                *m.entry(v.as_str()).or_default() += 1;
            }
        }
    }
    let values: Vec<BTreeMap<&str, usize>> = groups
        .iter()
        .map(|m| m.keys().map(|k| (*k, 0)).collect())
        .collect();
    cb.walk()
        .into_iter()
        .map(|r| {
            let (passages, words, ivs) = own.get(r.code.id.as_str()).unwrap_or(&empty);
            let mut counts = values.clone();
            for i in ivs.iter().filter_map(|iv| project.interviews.get(*iv)) {
                for (m, name) in counts.iter_mut().zip(&names) {
                    if let Some(v) = i.attributes.get(name.as_str()) {
                        *m.entry(v.as_str()).or_default() += 1;
                    }
                }
            }
            let by_attribute: BTreeMap<String, BTreeMap<String, Cell>> = names
                .iter()
                .zip(counts)
                .zip(&groups)
                .map(|((name, m), group)| {
                    let m = m
                        .into_iter()
                        .map(|(v, n)| {
                            let cell = Cell {
                                n,
                                min: settings.min_cell,
                                group: group.get(v).copied().unwrap_or(0),
                            };
                            (v.to_string(), cell)
                        })
                        .collect();
                    (name.to_string(), m)
                })
                .collect();
            FrequencyRow {
                code: r.code.id.clone(),
                parent: r.parent.map(|p| p.id.clone()),
                depth: r.depth,
                name: r
                    .code
                    .name
                    .get("en")
                    .or_else(|| r.code.name.values().next())
                    .cloned()
                    .unwrap_or_default(),
                passages: *passages,
                words: *words,
                participants: ivs.len(),
                participants_total: project.interviews.len(),
                by_attribute,
            }
        })
        .collect()
}

/// Codes x values of one participant attribute: participants (interviews) with the code, and
/// their share of all participants with that value; small cells suppressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crosstab {
    pub attribute: String,
    pub values: Vec<String>,
    /// Participants per value (hidden, `<3`, below the minimum cell).
    pub totals: Vec<Cell>,
    pub rows: Vec<CrosstabRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabRow {
    pub code: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub counts: Vec<Cell>,
    /// `None` where the cell is suppressed or the value has no participants.
    pub shares: Vec<Option<f64>>,
}

/// The crosstab from frequencies already computed (they carry participants by attribute).
pub fn crosstab_from(
    project: &Project,
    freq: &[FrequencyRow],
    attribute: &str,
    settings: &Settings,
) -> Crosstab {
    let values: Vec<String> = project
        .interviews
        .values()
        .filter_map(|i| i.attributes.get(attribute).cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let totals: Vec<usize> = values
        .iter()
        .map(|v| {
            project
                .interviews
                .values()
                .filter(|i| i.attributes.get(attribute) == Some(v))
                .count()
        })
        .collect();
    let rows = freq
        .iter()
        .map(|r| {
            let counts: Vec<Cell> = values
                .iter()
                .map(|v| {
                    r.by_attribute
                        .get(attribute)
                        .and_then(|m| m.get(v))
                        .copied()
                        .unwrap_or(Cell {
                            n: 0,
                            min: 0,
                            group: 0,
                        })
                })
                .collect();
            let shares = counts
                .iter()
                .zip(&totals)
                .map(|(c, t)| (*t > 0 && !c.suppressed()).then(|| c.n as f64 / *t as f64))
                .collect();
            CrosstabRow {
                code: r.code.clone(),
                parent: r.parent.clone(),
                depth: r.depth,
                counts,
                shares,
            }
        })
        .collect();
    Crosstab {
        attribute: attribute.to_string(),
        values,
        totals: totals
            .into_iter()
            .map(|t| Cell {
                n: t,
                min: settings.min_cell,
                group: t,
            })
            .collect(),
        rows,
    }
}

/// The redaction list: `codebook/redactions.json`, `{"all": [...], "interviews": {"P01": [...]}}`.
/// Every word form of every listed name is hidden in every exported quote and memo
/// ([`redact`]); participants' pseudonyms and speaker names (other than interviewers') are
/// always added, so no participant name reaches an export.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Redactions {
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub interviews: BTreeMap<String, Vec<String>>,
}

pub const REDACTIONS_FILE: &str = "codebook/redactions.json";

impl Redactions {
    pub fn load(root: &std::path::Path) -> Result<Redactions, crate::Error> {
        let path = root.join(REDACTIONS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                crate::Error::data(
                    &path,
                    Some(e.line()),
                    format!("invalid redaction list: {e}"),
                )
            }),
            Err(_) => Ok(Redactions::default()),
        }
    }

    /// The names to hide in every quote: every listed name (for all interviews and for each
    /// one: a name listed under one interview is hidden wherever it occurs, since people and
    /// places recur across interviews), every participant's pseudonym and every speaker
    /// other than an interviewer.
    pub fn terms(&self, project: &Project, settings: &Settings) -> Vec<String> {
        let mut t: Vec<String> = self.all.clone();
        for list in self.interviews.values() {
            t.extend(list.iter().cloned());
        }
        for i in project.interviews.values() {
            t.extend(i.attributes.get("pseudonym").cloned());
            for v in i.versions.values() {
                t.extend(
                    v.speakers()
                        .into_iter()
                        .filter(|s| !settings.is_interviewer(s))
                        .map(str::to_string),
                );
            }
        }
        t.sort();
        t.dedup();
        t
    }

    /// The redactor for every quote of the project.
    pub fn redactor(&self, project: &Project, settings: &Settings) -> redact::Redactor {
        redact::Redactor::new(&self.terms(project, settings))
    }
}

/// Quote text as one line: a cue break is a space, a break inside a memo is " / ".
pub fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn memo_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// "(Female, 30–39 years old)" from a participant's attributes.
pub fn attribution(attrs: &BTreeMap<String, String>) -> String {
    let mut parts = Vec::new();
    if let Some(g) = attrs.get("gender") {
        let mut c = g.chars();
        parts.push(
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default(),
        );
    }
    if let Some(a) = attrs.get("age_group") {
        parts.push(format!("{} years old", a.replace('-', "–")));
    }
    if parts.is_empty() {
        "(participant)".into()
    } else {
        format!("({})", parts.join(", "))
    }
}

/// An attributed, redacted quote: one passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The codes applied on the passage (the asked code or its sub-codes), as applied.
    pub code: String,
    pub interview: String,
    pub attribution: String,
    pub time: String,
    pub lang: String,
    pub text: String,
    pub other_lang: Option<String>,
    pub other_text: Option<String>,
    /// The coders whose codings make the passage.
    pub coders: Vec<String>,
    pub memo: String,
    /// Passage start in `lang`, for ordering.
    #[serde(skip)]
    pub start: usize,
    /// The passage's time in the transcript (start of its first segment, end of its last),
    /// milliseconds; `None` for a document.
    #[serde(skip)]
    pub span_ms: Option<(u64, u64)>,
    /// Where the passage is in the interview's recording (with `--media-time`, when one is
    /// linked): a reader of the paper's draft can hear it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaTime>,
}

/// A passage's place in its recording, in seconds of media time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MediaTime {
    pub start: f64,
    pub end: f64,
}

/// Adds each quote's time in its interview's recording, for the interviews with one linked.
pub fn add_media_times(root: &std::path::Path, qs: &mut [Quote]) -> crate::Result<()> {
    let links = crate::media::Links::load(root)?;
    for q in qs {
        if let (Some(link), Some((a, b))) = (links.of(&q.interview), q.span_ms) {
            let round = |x: f64| (x * 1000.0).round() / 1000.0;
            q.media = Some(MediaTime {
                start: round(link.media_secs(a)),
                end: round(link.media_secs(b)),
            });
        }
    }
    Ok(())
}

/// The passages of `code` (and its sub-codes), one quote each, in `lang` (the aligned text
/// when the passage was coded only in the other language), each with the other language's
/// text, attributed by participant attributes only and redacted by word form.
pub fn quotes(
    project: &Project,
    an: &Analysis,
    code: &str,
    lang: &str,
    redactions: &Redactions,
    settings: &Settings,
) -> Vec<Quote> {
    quotes_with(
        project,
        an,
        code,
        lang,
        &redactions.redactor(project, settings),
    )
}

/// [`quotes`] with a redactor built once (building one compiles every word form of every
/// listed name).
fn quotes_with(
    project: &Project,
    an: &Analysis,
    code: &str,
    lang: &str,
    redactor: &redact::Redactor,
) -> Vec<Quote> {
    let mut out = Vec::new();
    for p in an.of_code(code) {
        let Some(interview) = project.interviews.get(p.interview) else {
            continue;
        };
        if let Some(q) = passage_quote(interview, an, p, lang, redactor) {
            out.push(q);
        }
    }
    out.sort_by(|a, b| (&a.interview, a.start).cmp(&(&b.interview, b.start)));
    out
}

/// The hull of a passage's codings in one language, if it has any there.
fn hull(an: &Analysis, p: &Passage, lang: &str) -> Option<Range<usize>> {
    an.codings(p)
        .iter()
        .map(|r| an.coding(*r).1)
        .filter(|c| c.lang == lang)
        .map(|c| c.span())
        .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
}

pub(super) fn passage_quote(
    interview: &crate::project::Interview,
    an: &Analysis,
    p: &Passage,
    lang: &str,
    redactor: &redact::Redactor,
) -> Option<Quote> {
    let other = interview.other_lang(lang).map(str::to_string);
    let own = hull(an, p, lang);
    let theirs = other.as_deref().and_then(|o| hull(an, p, o));
    // Where the passage is coded in one language only, the other's text is the aligned span.
    let aligned = |from: &str, span: &Range<usize>| {
        crate::codings::aligned_span(interview, from, span)
            .ok()
            .map(|(_, s)| s)
    };
    let span = match (&own, &theirs, &other) {
        (Some(s), _, _) => s.clone(),
        (None, Some(s), Some(o)) => aligned(o, s)?,
        _ => return None,
    };
    let other_span = match (&theirs, &other) {
        (Some(s), Some(_)) => Some(s.clone()),
        (None, Some(_)) => aligned(lang, &span),
        _ => None,
    };
    let t = interview.versions.get(lang)?;
    if span.end > t.char_len() {
        return None;
    }
    let time = t
        .segment_at(span.start)
        .map(|s| t.segments[s].locator().to_string())
        .unwrap_or_default();
    let span_ms = match (
        t.segment_at(span.start),
        t.segment_at(span.end.saturating_sub(1).max(span.start)),
    ) {
        (Some(a), Some(b)) if !t.is_document() => {
            Some((t.segments[a].start_ms, t.segments[b].end_ms))
        }
        _ => None,
    };
    let other_text = match (&other, other_span) {
        (Some(o), Some(s)) => interview
            .versions
            .get(o)
            .filter(|ot| s.end <= ot.char_len())
            .map(|ot| redactor.apply(&one_line(ot.slice(s)))),
        _ => None,
    };
    let mut codes: Vec<&str> = Vec::new();
    let mut coders: Vec<String> = Vec::new();
    let mut memos: Vec<String> = Vec::new();
    for r in an.codings(p) {
        let (f, c) = an.coding(*r);
        codes.push(&c.code);
        coders.push(f.coder.clone());
        if !c.memo.trim().is_empty() {
            memos.push(memo_line(&c.memo));
        }
    }
    codes.sort_unstable();
    codes.dedup();
    coders.sort();
    coders.dedup();
    memos.sort();
    memos.dedup();
    Some(Quote {
        code: codes.join(", "),
        interview: p.interview.to_string(),
        attribution: attribution(&interview.attributes),
        time,
        lang: lang.to_string(),
        text: redactor.apply(&one_line(t.slice(span.clone()))),
        other_lang: other_text.as_ref().and(other),
        other_text,
        coders,
        memo: redactor.apply(&memos.join(" / ")),
        start: span.start,
        span_ms,
        media: None,
    })
}

/// The interview evidence beside one survey figure: a joint display row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureEvidence {
    pub theme: String,
    pub figure: String,
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub code: String,
    /// The researcher's note on how interviews and survey agree or differ.
    pub comment: Option<String>,
    /// Interviewees whose passages carry the code, of all interviewees.
    pub participants: usize,
    pub participants_total: usize,
    pub passages: usize,
    /// Quotes for this figure; a quote serves one figure only.
    pub quotes: Vec<Quote>,
}

/// Every survey figure with the participants and passages of its linked code (sub-codes
/// included) and up to `per_figure` quotes in `lang`, none used twice.
pub fn themes(
    project: &Project,
    an: &Analysis,
    lang: &str,
    per_figure: usize,
    redactions: &Redactions,
    settings: &Settings,
) -> Vec<FigureEvidence> {
    let (Some(survey), Some(cb)) = (&project.survey, &project.codebook) else {
        return Vec::new();
    };
    let freq: HashMap<String, CodeCount> = frequencies(cb, an)
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect();
    let mut used: BTreeSet<(String, usize, String)> = BTreeSet::new();
    let redactor = redactions.redactor(project, settings);
    let mut out = Vec::new();
    for t in &survey.themes {
        for f in &t.figures {
            let c = freq.get(&f.code).cloned().unwrap_or_default();
            let mut quotes = Vec::new();
            if per_figure > 0 {
                let fresh: Vec<Quote> = quotes_with(project, an, &f.code, lang, &redactor)
                    .into_iter()
                    .filter(|q| !used.contains(&(q.interview.clone(), q.start, q.lang.clone())))
                    .collect();
                quotes = representative(&fresh, per_figure);
                for q in &quotes {
                    used.insert((q.interview.clone(), q.start, q.lang.clone()));
                }
            }
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
                comment: f.comment.clone(),
                participants: c.interviews,
                participants_total: project.interviews.len(),
                passages: c.passages,
                quotes,
            });
        }
    }
    out
}

/// Two or three representative quotes: from different interviews, of a readable length
/// (20 to 60 words), the longest first.
pub fn representative(quotes: &[Quote], n: usize) -> Vec<Quote> {
    let mut pool: Vec<&Quote> = quotes
        .iter()
        .filter(|q| (12..=60).contains(&word_count(&q.text)))
        .collect();
    pool.sort_by_key(|q| std::cmp::Reverse(word_count(&q.text)));
    let mut out: Vec<Quote> = Vec::new();
    for q in pool {
        if out.len() < n && !out.iter().any(|o| o.interview == q.interview) {
            out.push(q.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_like_a_reader_would() {
        assert_eq!(word_count("My name is Zoya, and I am afraid."), 8);
        assert_eq!(word_count("во-первых, don't — 2024 год"), 4);
        assert_eq!(word_count("  "), 0);
        assert_eq!(word_count("Ёж’s café naïve Ǆemal ҂1"), 5);
    }

    /// The definition `count_words` implements, a character at a time.
    fn reference(text: &str, chars: usize) -> usize {
        let (mut n, mut in_word, mut prev_joiner) = (0, false, false);
        for c in text.chars().take(chars) {
            let letter = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                ('\u{0400}'..='\u{04FF}').contains(&c) || c.is_alphanumeric()
            };
            if letter {
                n += usize::from(!in_word && !prev_joiner);
                in_word = true;
                prev_joiner = false;
            } else {
                prev_joiner = in_word && matches!(c, '\'' | '’' | '-');
                in_word = false;
            }
        }
        n
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn counting_bytes_agrees_with_counting_characters(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("страх".to_string()),
                proptest::strategy::Just("don't".to_string()),
                proptest::strategy::Just("кто-то".to_string()),
                proptest::strategy::Just("’".to_string()),
                proptest::strategy::Just(" ".to_string()),
                proptest::strategy::Just("ѣ҂Ӿ".to_string()),
                proptest::strategy::Just("é👩‍👩‍👧".to_string()),
                proptest::arbitrary::any::<char>().prop_map(String::from),
            ], 0..12),
            chars in 0usize..40,
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(count_words(&text, chars), reference(&text, chars));
            proptest::prop_assert_eq!(word_count(&text), reference(&text, usize::MAX));
        }
    }

    #[test]
    fn attribution_style() {
        let a = BTreeMap::from([
            ("gender".to_string(), "female".to_string()),
            ("age_group".to_string(), "30-39".to_string()),
        ]);
        assert_eq!(attribution(&a), "(Female, 30–39 years old)");
        assert_eq!(attribution(&BTreeMap::new()), "(participant)");
    }
}
