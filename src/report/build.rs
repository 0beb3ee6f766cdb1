//! One report, asked for by kind, coders, code, language and format: the use case behind
//! `intercode report` (and any other shell). Chooses the coder set, analyses the passages
//! once, renders the kind in the format, and says what was left out.

use super::render::{self, Caption, Format};
use super::{CoderSet, Redactions, Settings};
use crate::codings::AllCodings;
use crate::error::{Error, Result};
use crate::project::Project;

/// The kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "tui", derive(clap::ValueEnum))]
pub enum Kind {
    Frequencies,
    Crosstab,
    Cooccurrence,
    Quotes,
    Themes,
}

/// What is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    /// Coders counted as one set (`consensus` alone: the reconciled coding); empty: the
    /// project's default set.
    pub coders: Vec<String>,
    /// Every coder's codings (the consensus coder aside).
    pub all_coders: bool,
    /// Only this code and its sub-codes (required for quotes).
    pub code: Option<String>,
    /// Only codings in this language; quotes and themes are printed in it (default en).
    pub lang: Option<String>,
    /// The participant attribute of a crosstab.
    pub by: String,
    /// Quotes per survey figure in themes.
    pub quotes: usize,
    pub format: Format,
    /// Quotes carry their time in the interview's recording (Markdown and JSON).
    pub media_time: bool,
}

/// A rendered report and what the reader should be told beside it.
#[derive(Debug, Clone)]
pub struct Built {
    pub document: String,
    /// Codings left out because their text drifted, as sentences (those of the asked code
    /// and its sub-codes, or all).
    pub left_out: Vec<String>,
}

/// Builds the report `req` asks for from the project's codings `all`.
pub fn build(project: &Project, all: &AllCodings, req: &Request) -> Result<Built> {
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let settings = Settings::load(&project.root)?;
    let redactions = Redactions::load(&project.root)?;
    let set = CoderSet::choose(project, all, &req.coders, req.all_coders)?;
    if let Some(c) = req.code.as_deref().filter(|c| !cb.contains(c)) {
        return Err(Error::usage(format!("unknown code `{c}`")));
    }
    // Quotes and themes print one language; the counts are of passages in any language
    // unless a language is asked for.
    let text_lang = req.lang.clone().unwrap_or_else(|| "en".into());
    let an = super::analyse(project, all, &set, req.lang.as_deref(), &settings);
    let subtree = req.code.as_deref().map(|c| cb.subtree_ids(c));
    let keep = |code: &str| subtree.as_ref().is_none_or(|s| s.iter().any(|x| x == code));
    let left_out = an
        .drifted
        .iter()
        .filter(|d| keep(&d.code))
        .map(|d| {
            format!(
                "left out: {}'s {} coding {} of {} ({}..{}) drifted; `intercode check` lists it",
                d.coder, d.lang, d.id, d.interview, d.start, d.end
            )
        })
        .collect();
    let cap = Caption {
        coders: an.describe(),
        note: an.note(),
    };
    let fmt = req.format;
    let no_chart = |what: &str, formats: &str| {
        Error::usage(format!("{what} no chart; use --format {formats}"))
    };
    let document = match req.kind {
        Kind::Frequencies => {
            let rows: Vec<_> = super::frequency_table(project, &an, &settings)
                .into_iter()
                .filter(|r| keep(&r.code))
                .collect();
            // On screen and in a draft, break participants down by the study's attribution
            // (gender and age band); CSV and JSON carry every public attribute.
            let shown: Option<&[&str]> = match fmt {
                Format::Csv | Format::Json => None,
                _ => Some(&["gender", "age_group"]),
            };
            render::frequencies(&rows, &cap, fmt, shown)
        }
        Kind::Crosstab => {
            if !project.attribute_names.contains(&req.by) || !settings.is_public(&req.by) {
                let why = if project.attribute_names.contains(&req.by) {
                    format!(
                        "`{}` is a private column (see {}), never shown in a report",
                        req.by,
                        super::settings::ANALYSIS_FILE
                    )
                } else {
                    format!("no participant attribute `{}`", req.by)
                };
                return Err(Error::usage(format!(
                    "{why}; attributes to cross by: {}",
                    settings.public_attributes(project).join(", ")
                )));
            }
            let freq = super::frequency_table(project, &an, &settings);
            let mut c = super::crosstab_from(project, &freq, &req.by, &settings);
            c.rows.retain(|r| keep(&r.code));
            render::crosstab(&c, &cap, fmt)
        }
        Kind::Cooccurrence => {
            if fmt == Format::Svg {
                return Err(no_chart("co-occurrence has", "table, md, csv or json"));
            }
            let pairs: std::collections::BTreeMap<(String, String), usize> =
                super::cooccurrence(&an)
                    .into_iter()
                    .filter(|((a, b), _)| keep(a) && keep(b))
                    .collect();
            let codes: Vec<(String, usize)> = cb
                .walk()
                .iter()
                .map(|r| (r.code.id.clone(), r.depth))
                .filter(|(c, _)| keep(c))
                .collect();
            render::cooccurrence(&codes, &pairs, &cap, fmt)
        }
        Kind::Quotes => {
            let code = req
                .code
                .clone()
                .ok_or_else(|| Error::usage("quotes need --code CODE"))?;
            if fmt == Format::Svg {
                return Err(no_chart("quotes have", "md, csv, json or table"));
            }
            let mut qs = super::quotes(project, &an, &code, &text_lang, &redactions, &settings);
            if req.media_time {
                super::add_media_times(&project.root, &mut qs)?;
            }
            let name = cb
                .find(&code)
                .and_then(|c| c.name.get("en").cloned())
                .unwrap_or(code.clone());
            render::quotes(&code, &name, &qs, &cap, fmt)
        }
        Kind::Themes => {
            let survey = project
                .survey
                .as_ref()
                .ok_or_else(|| Error::usage("the project has no codebook/survey.json"))?;
            let evidence =
                super::themes(project, &an, &text_lang, req.quotes, &redactions, &settings);
            render::themes(survey, &evidence, project.interviews.len(), &cap, fmt)?
        }
    };
    Ok(Built { document, left_out })
}
