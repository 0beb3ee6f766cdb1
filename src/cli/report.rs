//! `intercode report KIND`: frequencies, crosstabs, co-occurrence, attributed quotes and the
//! survey themes beside the interview evidence, as a table, Markdown, CSV, JSON or SVG. Parses
//! the arguments, asks the core for the counts (`report::analyse`) and its rendering
//! (`report::render`), and says on stderr what was left out.

use super::{CmdResult, Context};
use intercode::report::render::{self, Caption};
use intercode::report::{self, CoderSet, Redactions, Settings};
use intercode::{codings, Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Frequencies,
    Crosstab,
    Cooccurrence,
    Quotes,
    Themes,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Table,
    Md,
    Csv,
    Json,
    Svg,
}

impl From<Format> for render::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => render::Format::Table,
            Format::Md => render::Format::Md,
            Format::Csv => render::Format::Csv,
            Format::Json => render::Format::Json,
            Format::Svg => render::Format::Svg,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    kind: Kind,
    /// Count these coders' codings as one set (`consensus` alone: the reconciled coding).
    /// Default: the consensus when any disagreement was decided, else every coder
    #[arg(long, value_delimiter = ',', conflicts_with = "all_coders")]
    coders: Vec<String>,
    /// Count every coder's codings (the consensus coder aside)
    #[arg(long)]
    all_coders: bool,
    /// Only this code and its sub-codes (required for quotes)
    #[arg(long)]
    code: Option<String>,
    /// Only codings in this language; quotes and themes are printed in it (default en)
    #[arg(long)]
    lang: Option<String>,
    /// The participant attribute of a crosstab
    #[arg(long, default_value = "gender")]
    by: String,
    /// Quotes per survey figure in `report themes`
    #[arg(long, default_value_t = 2)]
    quotes: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .clone()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let settings = Settings::load(&ctx.project)?;
    let redactions = Redactions::load(&ctx.project)?;
    let all = codings::load_for_analysis(&ctx.project, None);
    if let Some(p) = all.problems.first() {
        return Err(Error::data(&p.location.path, p.location.line, p.message.clone()).into());
    }
    let named: Vec<String> = match (&ctx.coder, args.coders.is_empty()) {
        (Some(c), true) if !args.all_coders => vec![c.clone()],
        _ => args.coders.clone(),
    };
    let set = CoderSet::choose(&project, &all, &named, args.all_coders).map_err(Error::usage)?;
    if let Some(c) = args.code.as_deref().filter(|c| !cb.contains(c)) {
        return Err(Error::usage(format!("unknown code `{c}`")).into());
    }
    // Quotes and themes print one language; the counts are of passages in any language
    // unless --lang is given.
    let text_lang = args.lang.clone().unwrap_or_else(|| "en".into());
    let an = report::analyse(&project, &all, &set, args.lang.as_deref(), &settings);
    // Drifted codings are named when they bear on what was asked (the code and its
    // sub-codes, or everything).
    let asked = args.code.as_deref().map(|c| cb.subtree_ids(c));
    for d in an
        .drifted
        .iter()
        .filter(|d| asked.as_ref().is_none_or(|ids| ids.contains(&d.code)))
    {
        eprintln!(
            "intercode: left out: {}'s {} coding {} of {} ({}..{}) drifted; `intercode check` lists it",
            d.coder, d.lang, d.id, d.interview, d.start, d.end
        );
    }
    let cap = Caption {
        coders: an.describe(),
        note: an.note(),
    };
    let subtree = args.code.as_deref().map(|c| cb.subtree_ids(c));
    let keep = |code: &str| subtree.as_ref().is_none_or(|s| s.iter().any(|x| x == code));
    let fmt: render::Format = args.format.into();
    let doc: String = match args.kind {
        Kind::Frequencies => {
            let rows: Vec<_> = report::frequency_table(&project, &an, &settings)
                .into_iter()
                .filter(|r| keep(&r.code))
                .collect();
            // On screen and in a draft, break participants down by the study's attribution
            // (gender and age band); CSV and JSON carry every public attribute.
            let shown: Option<&[&str]> = match args.format {
                Format::Csv | Format::Json => None,
                _ => Some(&["gender", "age_group"]),
            };
            render::frequencies(&rows, &cap, fmt, shown)
        }
        Kind::Crosstab => {
            let public: Vec<&String> = project
                .attribute_names
                .iter()
                .filter(|a| settings.is_public(a))
                .collect();
            if !project.attribute_names.contains(&args.by) || !settings.is_public(&args.by) {
                let why = if project.attribute_names.contains(&args.by) {
                    format!(
                        "`{}` is a private column (see {}), never shown in a report",
                        args.by,
                        report::settings::ANALYSIS_FILE
                    )
                } else {
                    format!("no participant attribute `{}`", args.by)
                };
                return Err(Error::usage(format!(
                    "{why}; attributes to cross by: {}",
                    public
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .into());
            }
            let freq = report::frequency_table(&project, &an, &settings);
            let mut c = report::crosstab_from(&project, &freq, &args.by, &settings);
            c.rows.retain(|r| keep(&r.code));
            render::crosstab(&c, &cap, fmt)
        }
        Kind::Cooccurrence => {
            if args.format == Format::Svg {
                return Err(Error::usage(
                    "co-occurrence has no chart; use --format table, md, csv or json",
                )
                .into());
            }
            let pairs: std::collections::BTreeMap<(String, String), usize> =
                report::cooccurrence(&an)
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
            let code = args
                .code
                .clone()
                .ok_or_else(|| Error::usage("quotes need --code CODE"))?;
            if args.format == Format::Svg {
                return Err(Error::usage(
                    "quotes have no chart; use --format md, csv, json or table",
                )
                .into());
            }
            let qs = report::quotes(&project, &an, &code, &text_lang, &redactions, &settings);
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
            let evidence = report::themes(
                &project,
                &an,
                &text_lang,
                args.quotes,
                &redactions,
                &settings,
            );
            render::themes(survey, &evidence, project.interviews.len(), &cap, fmt)
                .map_err(Error::usage)?
        }
    };
    match &args.out {
        Some(path) => {
            intercode::fsutil::write_atomic(path, doc.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => out.write_all(doc.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
