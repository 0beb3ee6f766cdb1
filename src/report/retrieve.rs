//! Retrieval: every passage of one code (with its sub-codes), or every passage that carries a
//! memo, for one coder set, narrowed by language and a participant attribute. Each passage
//! comes with where it is (interview, time or line, speaker), whose codings make it (with
//! their ids, so a shell can jump to, recode or remove them) and its memos. The TUI's
//! Retrieval view lists these; [`render`] exports exactly that list through the quotes
//! renderer, so a file holds what the coder saw, redacted and attributed as every export is.

use super::passages::{analyse, Passage};
use super::render::{self, Caption, Format};
use super::{CoderSet, Quote, Redactions, Settings};
use crate::codings::AllCodings;
use crate::error::{Error, Result};
use crate::project::Project;

/// What to retrieve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// This code and its sub-codes; `None`: every code.
    pub code: Option<String>,
    /// Only passages with a memo (with `code: None`, the project's memo list).
    pub memos_only: bool,
    /// Coders counted as one set (`consensus` alone: the reconciled coding); empty with
    /// `all_coders` false: the project's default set.
    pub coders: Vec<String>,
    pub all_coders: bool,
    /// Only codings in this language (the text is shown in it); `None`: codings in any
    /// language, shown in English where there is an English version.
    pub lang: Option<String>,
    /// Only interviews whose participant has this public attribute value.
    pub attribute: Option<(String, String)>,
}

/// One coding of a retrieved passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub coder: String,
    pub lang: String,
    pub id: String,
    pub code: String,
    pub memo: String,
}

/// One retrieved passage: its quote (as exported) and what a shell needs to act on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrieved {
    pub quote: Quote,
    /// The speaker of the passage's first segment (never exported: Zoom labels turns with
    /// people's real names).
    pub speaker: String,
    pub parts: Vec<Part>,
}

/// The passages found, and what every rendering says about them.
#[derive(Debug, Clone)]
pub struct Retrieval {
    pub items: Vec<Retrieved>,
    pub caption: Caption,
    /// The code's English name, or "Memos" / "All codes".
    pub title: String,
    /// The code id (or "memos", "all") used in exports.
    pub key: String,
}

/// Retrieves what `q` asks for.
pub fn retrieve(project: &Project, all: &AllCodings, q: &Query) -> Result<Retrieval> {
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    if let Some(c) = q.code.as_deref().filter(|c| !cb.contains(c)) {
        return Err(Error::usage(format!("unknown code `{c}`")));
    }
    let settings = Settings::load(&project.root)?;
    if let Some((k, v)) = &q.attribute {
        if !project.attribute_names.contains(k) || !settings.is_public(k) {
            return Err(Error::usage(format!(
                "no public participant attribute `{k}` (attributes: {})",
                settings.public_attributes(project).join(", ")
            )));
        }
        let mut values: Vec<&str> = project
            .interviews
            .values()
            .filter_map(|i| i.attributes.get(k).map(String::as_str))
            .collect();
        values.sort_unstable();
        values.dedup();
        if !values.iter().any(|x| x.to_lowercase() == v.to_lowercase()) {
            return Err(Error::usage(format!(
                "no participant has {k} = {v} (values: {})",
                values.join(", ")
            )));
        }
    }
    let redactor = Redactions::load(&project.root)?.redactor(project, &settings);
    let set = CoderSet::choose(project, all, &q.coders, q.all_coders)?;
    let an = analyse(project, all, &set, q.lang.as_deref(), &settings);
    let text_lang = q.lang.clone().unwrap_or_else(|| "en".into());
    let passages: Vec<&Passage> = match &q.code {
        Some(c) => an.of_code(c).collect(),
        None => an.exact.iter().collect(),
    };
    let mut items = Vec::new();
    for p in passages {
        let Some(interview) = project.interviews.get(p.interview) else {
            continue;
        };
        if let Some((k, v)) = &q.attribute {
            // Values are matched without regard to case: "Female" finds "female".
            if interview
                .attributes
                .get(k)
                .is_none_or(|x| x.to_lowercase() != v.to_lowercase())
            {
                continue;
            }
        }
        let parts: Vec<Part> = an
            .codings(p)
            .iter()
            .map(|r| {
                let (f, c) = an.coding(*r);
                Part {
                    coder: f.coder.clone(),
                    lang: c.lang.to_string(),
                    id: c.id.clone(),
                    code: c.code.to_string(),
                    memo: c.memo.clone(),
                }
            })
            .collect();
        if q.memos_only && parts.iter().all(|x| x.memo.trim().is_empty()) {
            continue;
        }
        // An interview without the asked text language is shown in the language it has.
        let lang = if interview.versions.contains_key(&text_lang) {
            text_lang.clone()
        } else {
            parts[0].lang.clone()
        };
        let Some(quote) = super::passage_quote(interview, &an, p, &lang, &redactor) else {
            continue;
        };
        let speaker = interview
            .versions
            .get(&quote.lang)
            .and_then(|t| t.segment_at(quote.start).map(|s| &t.segments[s]))
            .and_then(|s| s.speaker.clone())
            .unwrap_or_default();
        items.push(Retrieved {
            quote,
            speaker,
            parts,
        });
    }
    items.sort_by(|a, b| {
        (&a.quote.interview, a.quote.start).cmp(&(&b.quote.interview, b.quote.start))
    });
    let (title, key) = match &q.code {
        Some(c) => (
            cb.find(c)
                .and_then(|x| x.name.get("en").cloned())
                .unwrap_or_else(|| c.clone()),
            c.clone(),
        ),
        None if q.memos_only => ("Memos".to_string(), "memos".to_string()),
        None => ("All codes".to_string(), "all".to_string()),
    };
    let mut coders = an.describe();
    if let Some((k, v)) = &q.attribute {
        coders.push_str(&format!("; participants with {k} = {v}"));
    }
    if q.memos_only && q.code.is_some() {
        coders.push_str("; passages with a memo");
    }
    Ok(Retrieval {
        items,
        caption: Caption {
            coders,
            note: an.note(),
        },
        title,
        key,
    })
}

/// The retrieved passages in an export format (Markdown, CSV, JSON or the terminal table),
/// through the same renderer as `report quotes`.
pub fn render(r: &Retrieval, format: Format) -> Result<String> {
    if format == Format::Svg {
        return Err(Error::usage(
            "retrieved passages have no chart; use md, csv or json",
        ));
    }
    let quotes: Vec<Quote> = r.items.iter().map(|i| i.quote.clone()).collect();
    Ok(render::quotes(
        &r.key, &r.title, &quotes, &r.caption, format,
    ))
}
