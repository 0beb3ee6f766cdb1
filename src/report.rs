//! Counting codings for reports: frequencies per code (rolled up to parent codes), interviews
//! with each code, co-occurrence of codes on overlapping passages, and the interview evidence
//! beside each survey figure. Pure functions over loaded data; the CLI's reports and the TUI's
//! report view both use them.

use crate::codebook::Codebook;
use crate::codings::AllCodings;
use crate::project::Project;
use serde::Serialize;
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
    // Counted under borrowed keys (no two strings allocated per overlap), ordered at the end.
    let mut out: rustc_hash::FxHashMap<(&str, &str), usize> = Default::default();
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
                            (a.code.as_str(), b.code.as_str())
                        } else {
                            (b.code.as_str(), a.code.as_str())
                        };
                        *out.entry(key).or_default() += 1;
                    }
                }
            }
        }
    }
    out.into_iter()
        .map(|((a, b), n)| ((a.to_string(), b.to_string()), n))
        .collect()
}

/// The interview evidence beside one survey figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Which coders a report reads, when none are named: the consensus coder if there is one
/// (the reconciled coding), otherwise every coder.
pub fn default_coders(all: &AllCodings) -> Vec<String> {
    if all.files.iter().any(|f| f.coder == "consensus") {
        vec!["consensus".into()]
    } else {
        Vec::new()
    }
}

/// Words in a text: runs of letters and digits (an apostrophe or hyphen inside a word does not
/// split it). A hand-rolled count because it runs over every coded passage of a project.
/// The words of a coded passage: of its quote when it was loaded whole, else of the
/// transcript at its span (the same text unless the coding drifted, which `check` reports;
/// codings loaded for analysis keep only a fingerprint of the quote).
fn coded_words(t: Option<&crate::transcript::Transcript>, c: &crate::codings::Coding) -> usize {
    if let Some(q) = c.quote.text() {
        return word_count(q);
    }
    match t {
        // One pass from the span's start; `slice` would look for both ends first.
        Some(t) if c.start < c.end && c.end <= t.char_len() => {
            count_words(&t.text()[t.byte_offset(c.start)..], c.end - c.start)
        }
        _ => 0,
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
fn count_words(text: &str, mut chars: usize) -> usize {
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
    pub name: String,
    pub passages: usize,
    pub words: usize,
    pub interviews: usize,
    pub interviews_total: usize,
    /// Attribute -> value -> interviews (participants) with the code.
    pub participants: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Frequencies with words and participants by attribute, rolled up to parents.
pub fn frequency_table(project: &Project, all: &AllCodings, filter: &Filter) -> Vec<FrequencyRow> {
    frequency_rows(project, all, filter, true)
}

fn frequency_rows(
    project: &Project,
    all: &AllCodings,
    filter: &Filter,
    with_words: bool,
) -> Vec<FrequencyRow> {
    let Some(cb) = &project.codebook else {
        return Vec::new();
    };
    // Per code: passages, words, and the interviews it occurs in. A file is one interview, so
    // each file adds its interview once per code it contains.
    type Tally<'a> = rustc_hash::FxHashMap<&'a str, (usize, usize, BTreeSet<&'a str>)>;
    fn tally<'a>(
        project: &Project,
        files: &'a [crate::codings::CodingFile],
        filter: &Filter,
        with_words: bool,
    ) -> Tally<'a> {
        let mut own: Tally = Default::default();
        for f in files {
            if !(filter.coders.is_empty() || filter.coders.contains(&f.coder)) {
                continue;
            }
            let mut here: Vec<&str> = Vec::new();
            let interview = project.interviews.get(&f.interview);
            // The file's transcripts by language, looked up once per language and file.
            let mut versions: Vec<(&str, Option<&crate::transcript::Transcript>)> = Vec::new();
            for c in f
                .codings
                .iter()
                .filter(|c| filter.lang.as_deref().is_none_or(|l| l == c.lang))
            {
                let e = own.entry(c.code.as_str()).or_default();
                e.0 += 1;
                if with_words {
                    let t = match versions.iter().find(|(l, _)| *l == c.lang) {
                        Some((_, t)) => *t,
                        None => {
                            let t = interview.and_then(|i| i.versions.get(c.lang.as_str()));
                            versions.push((c.lang.as_str(), t));
                            t
                        }
                    };
                    e.1 += coded_words(t, c);
                }
                here.push(c.code.as_str());
            }
            here.sort_unstable();
            here.dedup();
            for code in here {
                own.entry(code).or_default().2.insert(f.interview.as_str());
            }
        }
        own
    }
    // Counting words is most of the work: split the files over the cores, then merge.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = all.files.len().div_ceil(threads).max(1);
    let parts: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .files
            .chunks(chunk)
            .map(|part| s.spawn(move || tally(project, part, filter, with_words)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut own: Tally = Default::default();
    for part in parts {
        for (code, (p, w, ivs)) in part {
            let e = own.entry(code).or_default();
            e.0 += p;
            e.1 += w;
            e.2.extend(ivs);
        }
    }
    // Pseudonyms are never a breakdown: they name people.
    let names: Vec<&String> = project
        .attribute_names
        .iter()
        .filter(|n| *n != "pseudonym")
        .collect();
    cb.walk()
        .into_iter()
        .map(|r| {
            let (mut passages, mut words, mut ivs) = (0, 0, BTreeSet::new());
            for id in cb.subtree_ids(&r.code.id) {
                if let Some((p, w, s)) = own.get(id.as_str()) {
                    passages += p;
                    words += w;
                    ivs.extend(s.iter().copied());
                }
            }
            // Each interview is looked up once, and values are counted under borrowed keys:
            // this runs for every code over up to every interview.
            let mut counts: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); names.len()];
            for i in ivs.iter().filter_map(|iv| project.interviews.get(*iv)) {
                for (m, name) in counts.iter_mut().zip(&names) {
                    if let Some(v) = i.attributes.get(name.as_str()) {
                        *m.entry(v.as_str()).or_default() += 1;
                    }
                }
            }
            let participants: BTreeMap<String, BTreeMap<String, usize>> = names
                .iter()
                .zip(counts)
                .map(|(name, m)| {
                    let m = m.into_iter().map(|(v, n)| (v.to_string(), n)).collect();
                    (name.to_string(), m)
                })
                .collect();
            FrequencyRow {
                code: r.code.id.clone(),
                parent: r.parent.map(|p| p.id.clone()),
                name: r
                    .code
                    .name
                    .get("en")
                    .or_else(|| r.code.name.values().next())
                    .cloned()
                    .unwrap_or_default(),
                passages,
                words,
                interviews: ivs.len(),
                interviews_total: project.interviews.len(),
                participants,
            }
        })
        .collect()
}

/// Codes x values of one participant attribute: participants (interviews) with the code, and
/// their share of all participants with that value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crosstab {
    pub attribute: String,
    pub values: Vec<String>,
    /// Participants per value.
    pub totals: Vec<usize>,
    pub rows: Vec<CrosstabRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabRow {
    pub code: String,
    pub counts: Vec<usize>,
    pub shares: Vec<Option<f64>>,
}

pub fn crosstab(project: &Project, all: &AllCodings, filter: &Filter, attribute: &str) -> Crosstab {
    crosstab_from(
        project,
        &frequency_rows(project, all, filter, false),
        attribute,
    )
}

/// The crosstab from frequencies already computed (they carry participants by attribute).
pub fn crosstab_from(project: &Project, freq: &[FrequencyRow], attribute: &str) -> Crosstab {
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
            let counts: Vec<usize> = values
                .iter()
                .map(|v| {
                    r.participants
                        .get(attribute)
                        .and_then(|m| m.get(v))
                        .copied()
                        .unwrap_or(0)
                })
                .collect();
            let shares = counts
                .iter()
                .zip(&totals)
                .map(|(c, t)| (*t > 0).then(|| *c as f64 / *t as f64))
                .collect();
            CrosstabRow {
                code: r.code.clone(),
                counts,
                shares,
            }
        })
        .collect();
    Crosstab {
        attribute: attribute.to_string(),
        values,
        totals,
        rows,
    }
}

/// The redaction list: `codebook/redactions.json`, `{"all": [...], "interviews": {"P01": [...]}}`.
/// Every listed string is replaced in every exported quote; participants' pseudonyms and
/// speaker names are always added, so no participant name reaches an export.
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

    /// The strings to hide in one interview's quotes, longest first.
    pub fn terms(&self, project: &Project, interview: &str) -> Vec<String> {
        let mut t: Vec<String> = self.all.clone();
        t.extend(self.interviews.get(interview).cloned().unwrap_or_default());
        if let Some(i) = project.interviews.get(interview) {
            t.extend(i.attributes.get("pseudonym").cloned());
            for v in i.versions.values() {
                t.extend(
                    v.speakers()
                        .into_iter()
                        .filter(|s| {
                            !s.to_lowercase().starts_with("interview") && !s.starts_with("Интервью")
                        })
                        .map(str::to_string),
                );
            }
        }
        t.retain(|s| s.chars().count() >= 2);
        t.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        t.dedup();
        t
    }

    /// Replaces every term (case-insensitively, as a whole word) with `[…]`.
    pub fn apply(terms: &[String], text: &str) -> String {
        let mut out = text.to_string();
        for term in terms {
            let re = regex::Regex::new(&format!(r"(?i)\b{}\b", regex::escape(term)))
                .expect("escaped term");
            out = re.replace_all(&out, "[…]").into_owned();
        }
        out
    }
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

/// An attributed, redacted quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub code: String,
    pub interview: String,
    pub attribution: String,
    pub time: String,
    pub lang: String,
    pub text: String,
    pub other_lang: Option<String>,
    pub other_text: Option<String>,
    pub memo: String,
}

/// The passages of `code` (and its sub-codes), in `lang`, each with the aligned text of the
/// other language, attributed by participant attributes only and redacted.
pub fn quotes(
    project: &Project,
    all: &AllCodings,
    filter: &Filter,
    code: &str,
    redactions: &Redactions,
) -> Vec<Quote> {
    let Some(cb) = &project.codebook else {
        return Vec::new();
    };
    let ids = cb.subtree_ids(code);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (f, c) in all
        .iter()
        .filter(|(f, c)| filter.keeps(&f.coder, &c.lang) && ids.iter().any(|i| *i == c.code))
    {
        // Two coders on the same span give one quote.
        if !seen.insert((
            f.interview.clone(),
            c.lang.clone(),
            c.start,
            c.end,
            c.code.clone(),
        )) {
            continue;
        }
        let Some(interview) = project.interviews.get(&f.interview) else {
            continue;
        };
        let Some(t) = interview.versions.get(c.lang.as_str()) else {
            continue;
        };
        let terms = redactions.terms(project, &f.interview);
        let time = t
            .segment_at(c.start)
            .map(|s| crate::transcript::format_clock(t.segments[s].start_ms))
            .unwrap_or_default();
        let other = crate::codings::aligned_span(interview, &c.lang, &c.span()).ok();
        let (other_lang, other_text) = match other {
            Some((l, span)) => {
                let text = interview.versions[&l].slice(span).replace('\n', " ");
                (Some(l), Some(Redactions::apply(&terms, &text)))
            }
            None => (None, None),
        };
        out.push(Quote {
            code: c.code.to_string(),
            interview: f.interview.clone(),
            attribution: attribution(&interview.attributes),
            time,
            lang: c.lang.to_string(),
            text: Redactions::apply(&terms, &t.slice(c.span()).replace('\n', " ")),
            other_lang,
            other_text,
            memo: Redactions::apply(&terms, &c.memo),
        });
    }
    out.sort_by(|a, b| (&a.interview, &a.time).cmp(&(&b.interview, &b.time)));
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
