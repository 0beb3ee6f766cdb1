//! `intercode check`: validate the whole project and summarise it. Also the overview shown by
//! a bare `intercode` until the terminal UI lands.

use super::{inert, CmdResult, Context};
use intercode::{Project, Severity};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print only problems (no summary)
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, mut problems) = Project::load(&ctx.project)?;
    let all = intercode::codings::load_for_analysis(&ctx.project, None);
    problems.extend(intercode::codings::validate_all(&project, &all));
    problems.extend(all.problems.iter().cloned());
    // Rules compiled as `autocode` compiles them (loading only parses them: compiling every
    // rule on every load would cost every command).
    if let Some(cb) = &project.codebook {
        if let Err(intercode::Error::Data { location, message }) = intercode::autocode::compile(cb)
        {
            problems.push(intercode::Problem::error(
                location.path,
                location.line,
                message,
            ));
        }
    }
    // The report settings and the redaction list: what a report would refuse, check names.
    for e in [
        intercode::report::Settings::load(&ctx.project).err(),
        intercode::report::Redactions::load(&ctx.project).err(),
    ]
    .into_iter()
    .flatten()
    {
        if let intercode::Error::Data { location, message } = e {
            problems.push(intercode::Problem::error(
                location.path.clone(),
                location.line,
                message,
            ));
        } else {
            problems.push(intercode::Problem::error(
                intercode::report::settings::ANALYSIS_FILE,
                None,
                e.to_string(),
            ));
        }
    }
    // Linked recordings: missing, swapped, or of an interview the project no longer has.
    let ids: Vec<&str> = project.interviews.keys().map(String::as_str).collect();
    problems.extend(intercode::media::problems(&ctx.project, &ids));
    problems.sort_by(|a, b| {
        (&a.location.path, a.location.line).cmp(&(&b.location.path, b.location.line))
    });
    for p in &problems {
        writeln!(out, "{}", inert(&p.to_string()))?;
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    if !args.quiet {
        if !problems.is_empty() {
            writeln!(out)?;
        }
        summary(&project, out)?;
        let mut per_coder: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for (f, _) in all.iter() {
            *per_coder.entry(&f.coder).or_default() += 1;
        }
        if !per_coder.is_empty() {
            let list: Vec<String> = per_coder
                .iter()
                .map(|(c, n)| format!("{} {n}", inert(c)))
                .collect();
            writeln!(out, "  codings:      {} ({})", all.len(), list.join(", "))?;
        }
        writeln!(
            out,
            "{}",
            match (errors, warnings) {
                (0, 0) => "No problems found.".to_string(),
                (0, w) => format!("No errors, {w} warning(s)."),
                (e, w) => format!("{e} error(s), {w} warning(s)."),
            }
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A few lines that describe the project: interviews, languages, sizes, codebook, survey.
fn summary(project: &Project, out: &mut dyn Write) -> std::io::Result<()> {
    let langs = project.languages();
    let n = project.interviews.len();
    let versions: usize = project.interviews.values().map(|i| i.versions.len()).sum();
    let segments: usize = project
        .interviews
        .values()
        .flat_map(|i| i.versions.values())
        .map(|t| t.segments.len())
        .sum();
    let minutes: u64 = project
        .interviews
        .values()
        .filter_map(|i| i.versions.values().map(|t| t.duration_ms()).max())
        .sum::<u64>()
        / 60_000;
    writeln!(out, "Project {}", project.root.display())?;
    let complete = project
        .interviews
        .values()
        .filter(|i| langs.iter().all(|l| i.versions.contains_key(l)))
        .count();
    writeln!(
        out,
        "  interviews:   {n} x {} languages ({}), {versions} transcripts, {segments} segments, {minutes} min{}",
        langs.len(),
        langs.join(", "),
        if complete == n { String::new() } else { format!("; {} lack a language", n - complete) }
    )?;
    for (id, i) in &project.interviews {
        let attrs: Vec<String> = i
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let dur = i
            .versions
            .values()
            .map(|t| t.duration_ms())
            .max()
            .unwrap_or(0);
        let segs: Vec<String> = i
            .versions
            .iter()
            .map(|(l, t)| format!("{l} {}", t.segments.len()))
            .collect();
        // A document has no duration: it is said to be one.
        let length = if i.versions.values().all(|t| t.is_document()) {
            "doc    ".to_string()
        } else {
            format!("{:>3} min", dur / 60_000)
        };
        writeln!(
            out,
            "    {id:<6} {length}  segments {:<16} {}",
            segs.join(", "),
            inert(&attrs.join(" "))
        )?;
    }
    if !project.attribute_names.is_empty() {
        writeln!(
            out,
            "  participants: attributes {}",
            project.attribute_names.join(", ")
        )?;
    }
    if let Some(cb) = &project.codebook {
        let all = cb.walk();
        writeln!(
            out,
            "  codebook:     {} codes, {} sub-codes",
            cb.codes.len(),
            all.len() - cb.codes.len()
        )?;
    }
    if let Some(s) = &project.survey {
        writeln!(
            out,
            "  survey:       {} themes, {} figures (n = {})",
            s.themes.len(),
            s.figure_count(),
            s.source.n
        )?;
    }
    Ok(())
}

/// What a bare `intercode` prints when it is not on a terminal: the summary and next steps.
pub fn overview(ctx: &Context, out: &mut dyn Write) -> CmdResult {
    let code = run(ctx, Args { quiet: false }, out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Try: intercode transcript P01 --lang ru   |   intercode --help"
    )?;
    Ok(code)
}
