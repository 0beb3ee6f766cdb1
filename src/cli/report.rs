//! `intercode report KIND`: frequencies, crosstabs, co-occurrence, attributed quotes and the
//! survey themes beside the interview evidence, as a table, Markdown, CSV, JSON or SVG.

use super::{CmdResult, Context};
use intercode::export;
use intercode::report::{self, Filter, Redactions};
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

#[derive(clap::Args, Debug)]
pub struct Args {
    kind: Kind,
    /// Count these coders' codings (default: the consensus coder if there is one, else all)
    #[arg(long, value_delimiter = ',', conflicts_with = "all_coders")]
    coders: Vec<String>,
    /// Count every coder's codings
    #[arg(long)]
    all_coders: bool,
    /// Only this code and its sub-codes (required for quotes)
    #[arg(long)]
    code: Option<String>,
    /// Only codings in this language (quotes default to en)
    #[arg(long)]
    lang: Option<String>,
    /// The participant attribute of a crosstab
    #[arg(long, default_value = "gender")]
    by: String,
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
    let all = codings::load_for_analysis(&ctx.project, None);
    if let Some(p) = all.problems.first() {
        return Err(Error::data(&p.location.path, p.location.line, p.message.clone()).into());
    }
    let coders: Vec<String> = if args.all_coders {
        Vec::new()
    } else if !args.coders.is_empty() {
        args.coders.clone()
    } else if let Some(c) = &ctx.coder {
        vec![c.clone()]
    } else {
        report::default_coders(&all)
    };
    let mut lang = args.lang.clone();
    if args.kind == Kind::Quotes && lang.is_none() {
        lang = Some("en".into());
    }
    let filter = Filter {
        coders: coders.clone(),
        lang,
    };
    let subtree = match &args.code {
        Some(c) if !cb.contains(c) => {
            return Err(Error::usage(format!("unknown code `{c}`")).into())
        }
        Some(c) => Some(cb.subtree_ids(c)),
        None => None,
    };
    let keep = |code: &str| subtree.as_ref().is_none_or(|s| s.iter().any(|x| x == code));
    let who = if coders.is_empty() {
        "all coders".to_string()
    } else {
        coders.join(", ")
    };
    let fmt = args.format;
    let text_fmt = match fmt {
        Format::Md => "md",
        Format::Csv => "csv",
        _ => "table",
    };
    let redactions = Redactions::load(&ctx.project)?;
    let doc: String = match args.kind {
        Kind::Frequencies => {
            let rows: Vec<_> = report::frequency_table(&project, &all, &filter)
                .into_iter()
                .filter(|r| keep(&r.code))
                .collect();
            match fmt {
                Format::Json => {
                    serde_json::to_string_pretty(
                        &serde_json::json!({"coders": who, "codes": rows}),
                    )? + "\n"
                }
                Format::Svg => {
                    let labels: Vec<String> = rows
                        .iter()
                        .map(|r| format!("{} · {}", r.code, r.name))
                        .collect();
                    let values = rows.iter().map(|r| r.passages as f64).collect();
                    export::svg_bars(
                        &format!("Coded passages by code ({who})"),
                        &labels,
                        &[("passages".into(), "#2c7fb8".into(), values)],
                        "",
                    )
                }
                _ => {
                    // On screen and in a draft, break participants down by gender and age
                    // band (the study's attribution); CSV and JSON carry every attribute.
                    let mut rows = rows;
                    if fmt != Format::Csv {
                        for r in &mut rows {
                            r.participants
                                .retain(|a, _| a == "gender" || a == "age_group");
                        }
                    }
                    let (h, b) = export::frequency_rows(&rows);
                    export::table(text_fmt, &h, &b)
                }
            }
        }
        Kind::Crosstab => {
            if !project.attribute_names.iter().any(|a| a == &args.by) || args.by == "pseudonym" {
                return Err(Error::usage(format!(
                    "no participant attribute `{}` to cross by (attributes: {})",
                    args.by,
                    project
                        .attribute_names
                        .iter()
                        .filter(|a| *a != "pseudonym")
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .into());
            }
            let mut c = report::crosstab(&project, &all, &filter, &args.by);
            c.rows.retain(|r| keep(&r.code));
            match fmt {
                Format::Json => serde_json::to_string_pretty(&c)? + "\n",
                Format::Svg => {
                    let labels: Vec<String> = c.rows.iter().map(|r| r.code.clone()).collect();
                    let palette = [
                        "#2c7fb8", "#d95f0e", "#31a354", "#756bb1", "#e6550d", "#636363",
                    ];
                    let series: Vec<(String, String, Vec<f64>)> = c
                        .values
                        .iter()
                        .enumerate()
                        .map(|(k, v)| {
                            (
                                format!("{}: {v} (n={})", c.attribute, c.totals[k]),
                                palette[k % palette.len()].to_string(),
                                c.rows
                                    .iter()
                                    .map(|r| r.shares[k].unwrap_or(0.0) * 100.0)
                                    .collect(),
                            )
                        })
                        .collect();
                    export::svg_bars(
                        &format!(
                            "Share of participants with each code, by {} ({who})",
                            c.attribute
                        ),
                        &labels,
                        &series,
                        "%",
                    )
                }
                _ => {
                    let (h, b) = export::crosstab_rows(&c);
                    export::table(text_fmt, &h, &b)
                }
            }
        }
        Kind::Cooccurrence => {
            let pairs: std::collections::BTreeMap<(String, String), usize> =
                report::cooccurrence(&all, &filter)
                    .into_iter()
                    .filter(|((a, b), _)| keep(a) && keep(b))
                    .collect();
            let codes: Vec<String> = cb
                .walk()
                .iter()
                .map(|r| r.code.id.clone())
                .filter(|c| keep(c))
                .collect();
            match fmt {
                Format::Json => {
                    let list: Vec<_> = pairs
                        .iter()
                        .map(|((a, b), n)| serde_json::json!({"a": a, "b": b, "passages": n}))
                        .collect();
                    serde_json::to_string_pretty(
                        &serde_json::json!({"coders": who, "codes": codes, "pairs": list}),
                    )? + "\n"
                }
                Format::Svg => {
                    return Err(Error::usage(
                        "co-occurrence has no chart; use --format table, md, csv or json",
                    )
                    .into())
                }
                _ => {
                    let diagonal = if fmt == Format::Csv { "" } else { "–" };
                    let (h, b) = export::cooccurrence_rows(&codes, &pairs, diagonal);
                    export::table(text_fmt, &h, &b)
                }
            }
        }
        Kind::Quotes => {
            let code = args
                .code
                .clone()
                .ok_or_else(|| Error::usage("quotes need --code CODE"))?;
            let qs = report::quotes(&project, &all, &filter, &code, &redactions);
            let name = cb
                .find(&code)
                .and_then(|c| c.name.get("en").cloned())
                .unwrap_or(code.clone());
            match fmt {
                Format::Json => {
                    serde_json::to_string_pretty(
                        &serde_json::json!({"code": code, "coders": who, "quotes": qs}),
                    )? + "\n"
                }
                Format::Md => export::quotes_md(&format!("{name} ({} passages)", qs.len()), &qs),
                Format::Svg => {
                    return Err(Error::usage(
                        "quotes have no chart; use --format md, csv, json or table",
                    )
                    .into())
                }
                Format::Csv => {
                    let (h, b) = export::quotes_rows(&qs);
                    export::table("csv", &h, &b)
                }
                Format::Table => qs
                    .iter()
                    .map(|q| {
                        format!(
                            "{} {} {} {}\n  {}\n  ⇄ {}\n",
                            q.interview,
                            q.time,
                            q.attribution,
                            q.code,
                            q.text,
                            q.other_text.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        }
        Kind::Themes => themes(&project, &all, &filter, &redactions, fmt, &who)?,
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

fn themes(
    project: &Project,
    all: &codings::AllCodings,
    filter: &Filter,
    redactions: &Redactions,
    fmt: Format,
    who: &str,
) -> anyhow::Result<String> {
    let survey = project
        .survey
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook/survey.json"))?;
    let evidence = report::themes(project, all, filter, "en");
    let en_filter = Filter {
        lang: Some("en".into()),
        ..filter.clone()
    };
    let mut md = String::from("# Survey themes and interview evidence\n\n");
    let src = &survey.source;
    md += &format!(
        "Survey: *{}* ({}, {}, {}); {}, n = {}, {}; fieldwork {}. Interview evidence: {} interviews, codings by {who}; \"passages\" counts coded passages, \"interviews\" how many interviews have at least one.\n\n",
        src.title, src.authors, src.publisher, src.published, src.method, src.n, src.population, src.fieldwork.replace('/', " to "), project.interviews.len()
    );
    let mut json_themes = Vec::new();
    let mut rows = Vec::new();
    for t in &survey.themes {
        let title = t.title.get("en").cloned().unwrap_or(t.id.clone());
        let figs: Vec<&report::FigureEvidence> =
            evidence.iter().filter(|e| e.theme == t.id).collect();
        let quotes = report::representative(
            &report::quotes(project, all, &en_filter, &t.code, redactions),
            3,
        );
        md += &format!("## {title}\n\n");
        let header = vec![
            "Survey figure".to_string(),
            "Survey".into(),
            "Coded passages".into(),
            "Interviews".into(),
        ];
        let body: Vec<Vec<String>> = figs
            .iter()
            .map(|e| {
                vec![
                    e.label.clone(),
                    format!("{}{}", e.value, if e.unit == "percent" { "%" } else { "" }),
                    e.passages.to_string(),
                    format!("{}/{}", e.interviews, e.interviews_total),
                ]
            })
            .collect();
        md += &export::table("md", &header, &body);
        md.push('\n');
        for q in &quotes {
            md += &format!(
                "> {}\n>\n> — {}, {}, {}\n\n",
                q.text.trim(),
                q.attribution,
                q.interview,
                q.time
            );
        }
        for e in &figs {
            rows.push(vec![
                t.id.clone(),
                e.figure.clone(),
                e.label.clone(),
                e.value.to_string(),
                e.unit.clone(),
                e.code.clone(),
                e.passages.to_string(),
                e.interviews.to_string(),
                e.interviews_total.to_string(),
            ]);
        }
        json_themes.push(serde_json::json!({"id": t.id, "title": title, "code": t.code, "figures": figs, "quotes": quotes}));
    }
    Ok(match fmt {
        Format::Json => {
            serde_json::to_string_pretty(
                &serde_json::json!({"source": src, "coders": who, "themes": json_themes}),
            )? + "\n"
        }
        Format::Md => md,
        Format::Svg => {
            return Err(
                Error::usage("themes have no chart; use --format md, csv, json or table").into(),
            )
        }
        Format::Csv | Format::Table => {
            let header: Vec<String> = [
                "theme",
                "figure",
                "label",
                "value",
                "unit",
                "code",
                "passages",
                "interviews",
                "interviews_total",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            export::table(
                if fmt == Format::Csv { "csv" } else { "table" },
                &header,
                &rows,
            )
        }
    })
}
