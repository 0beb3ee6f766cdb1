//! `intercode autocode`: rule-based suggestions from the codebook, listed; applied only with
//! `--apply`. With manual codings present, prints precision and recall per code.

use super::{inert, CmdResult, Context};
use intercode::autocode;
use intercode::codings::{self, store::Session, Origin};
use intercode::{Error, Project};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Save the suggestions as codings of the coder (origin: suggested-accepted)
    #[arg(long)]
    apply: bool,
    /// Only suggestions of this code (and its sub-codes)
    #[arg(long)]
    code: Option<String>,
    /// Print only the summary, not every suggestion
    #[arg(long, short)]
    quiet: bool,
    /// Also suggest codes learned from the coders' codings (on this machine), with a
    /// confidence and the words that weighed most
    #[arg(long)]
    learned: bool,
    /// Save the learned suggestions as the coder `model` (each interview's from a model
    /// trained without that interview), so `intercode agree` compares it with the humans
    #[arg(long, conflicts_with_all = ["apply", "evaluate"])]
    as_model: bool,
    /// With --as-model: only this interview
    #[arg(long, requires = "as_model")]
    interview: Option<String>,
    /// Score learned suggestions and the rules leave-one-interview-out against the coders'
    /// own codings, with the human coders' agreement as the ceiling
    #[arg(long)]
    evaluate: bool,
    /// The coders whose codings are learned from, or the truth with --evaluate (default:
    /// every human coder)
    #[arg(long, value_delimiter = ',')]
    coders: Vec<String>,
    /// With --evaluate: table or json
    #[arg(long, value_enum, default_value_t, requires = "evaluate")]
    format: EvalFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvalFormat {
    #[default]
    Table,
    Json,
}

/// Human coders: every coder with codings, but the consensus and the model.
fn human_coders(all: &codings::AllCodings) -> Vec<String> {
    intercode::report::passages::independent_coders(all)
}

fn evaluate(ctx: &Context, args: &Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let rules = autocode::compile(cb)?;
    let all = codings::load_all(&ctx.project, None);
    let coders = learn_from(&all, &args.coders)?;
    let t = std::time::Instant::now();
    let e = intercode::learn::evaluate(&project, &all, &coders, &rules)?;
    let took = t.elapsed();
    if args.format == EvalFormat::Json {
        serde_json::to_writer_pretty(&mut *out, &e)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.2}"));
    writeln!(
        out,
        "Leave-one-interview-out over {} interviews, {} passages (interviewers' turns left out); \
         the truth: passages coded by {} (any of them).",
        e.folds,
        e.passages,
        e.coders.join(", ")
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
        "code", "passages", "P", "R", "F1", "P", "R", "F1", "humans"
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:^17} | {:^17} | {:>6}",
        "", "", "learned", "rules", "F1"
    )?;
    for r in &e.rows {
        writeln!(
            out,
            "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
            inert(&r.code),
            r.passages,
            f(r.learned.precision()),
            f(r.learned.recall()),
            f(r.learned.f1()),
            f(r.rules.precision()),
            f(r.rules.recall()),
            f(r.rules.f1()),
            f(r.humans.and_then(|h| h.f1()))
        )?;
    }
    let m = &e.micro;
    writeln!(
        out,
        "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
        "micro-average",
        "",
        f(m.learned.precision()),
        f(m.learned.recall()),
        f(m.learned.f1()),
        f(m.rules.precision()),
        f(m.rules.recall()),
        f(m.rules.f1()),
        f(m.humans.and_then(|h| h.f1()))
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:>17} | {:>17} | {:>6}",
        "macro-average F1",
        "",
        format!("{:.2}", e.macro_f1.learned),
        format!("{:.2}", e.macro_f1.rules),
        f(e.macro_f1.humans)
    )?;
    writeln!(
        out,
        "({} models trained and scored in {:.1} s, on this machine; nothing was sent anywhere)",
        e.folds,
        took.as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The coders to learn from: those asked (each must have codings), else every human coder.
fn learn_from(all: &codings::AllCodings, asked: &[String]) -> Result<Vec<String>, Error> {
    let coders = if asked.is_empty() {
        human_coders(all)
    } else {
        for c in asked {
            if !all.files.iter().any(|f| &f.coder == c) {
                return Err(Error::usage(format!("no codings of coder `{c}`")));
            }
        }
        asked.to_vec()
    };
    if coders.is_empty() {
        return Err(Error::usage(
            "no codings to learn from: code some passages first",
        ));
    }
    Ok(coders)
}

/// `--as-model`: the learned suggestions of each interview, from a model trained without it,
/// written as the coder `model` (replacing its earlier codings of those interviews).
fn as_model(ctx: &Context, args: &Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let all = codings::load_all(&ctx.project, None);
    let coders = learn_from(&all, &args.coders)?;
    let ids: Vec<String> = match &args.interview {
        Some(i) => {
            project.interview(i)?;
            vec![i.clone()]
        }
        None => project.interviews.keys().cloned().collect(),
    };
    let mut session = Session::open(&ctx.project, intercode::learn::MODEL_CODER)?;
    for id in &ids {
        let learned = intercode::learn::learn(
            &project,
            &all,
            &intercode::learn::Ask {
                coders: &coders,
                interview: Some(id),
                hold_out: true,
                ..Default::default()
            },
        )?;
        let old: Vec<String> = session.codings(id)?.iter().map(|c| c.id.clone()).collect();
        for c in &old {
            session.remove(c)?;
        }
        for s in &learned.suggestions {
            session.add(&project, s.accepted())?;
        }
        writeln!(
            out,
            "{id}: {} coding(s) saved as the coder `model` (model {}, trained on {} passage(s) of the other interviews)",
            learned.suggestions.len(),
            learned.model.version,
            learned.examples
        )?;
    }
    writeln!(
        out,
        "compare it with the humans: intercode agree --coders {},model",
        coders.join(",")
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    if args.evaluate {
        return evaluate(ctx, &args, out);
    }
    if args.as_model {
        return as_model(ctx, &args, out);
    }
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let rules = autocode::compile(cb)?;
    let mut suggestions = autocode::suggest(&project, &rules);
    if let Some(code) = &args.code {
        if !cb.contains(code) {
            return Err(Error::usage(format!("unknown code `{code}`")).into());
        }
        let ids = cb.subtree_ids(code);
        suggestions.retain(|s| ids.contains(&s.code));
    }
    let coder = codings::resolve_coder(ctx.coder.as_deref())?;
    let mut model_note = None;
    if args.learned {
        let all = codings::load_all(&ctx.project, None);
        let coders = learn_from(&all, &args.coders)?;
        let rejected = autocode::rejected(&ctx.project, &coder);
        let t = std::time::Instant::now();
        let mut learned = intercode::learn::learn(
            &project,
            &all,
            &intercode::learn::Ask {
                coders: &coders,
                rejected: Some(&rejected),
                ..Default::default()
            },
        )?;
        if let Some(code) = &args.code {
            let ids = cb.subtree_ids(code);
            learned.suggestions.retain(|s| ids.contains(&s.code));
        }
        model_note = Some(format!(
            "learned from {} passage(s) coded by {} in {:.2} s (model {})",
            learned.examples,
            coders.join(", "),
            t.elapsed().as_secs_f64(),
            learned.model.version
        ));
        suggestions.extend(learned.suggestions);
    }
    let mine = codings::load_all(&ctx.project, Some(&coder));
    let existing: Vec<(String, codings::Coding)> = mine
        .iter()
        .map(|(f, c)| (f.interview.clone(), c.clone()))
        .collect();
    // Suggestions the coder rejected (in the terminal UI) are not offered again; those the
    // coder has coded already are shown as such and not applied twice.
    let pending = autocode::pending(
        &ctx.project,
        &coder,
        suggestions,
        existing.iter().map(|(i, c)| (i.as_str(), c)),
    );
    if pending.interviewer > 0 {
        eprintln!(
            "{} suggestion(s) on interviewers' turns left out (see codebook/analysis.json)",
            pending.interviewer
        );
    }
    if pending.rejected > 0 {
        eprintln!(
            "{} suggestion(s) left out: rejected before by {coder}",
            pending.rejected
        );
    }
    let suggestions: Vec<autocode::Suggestion> =
        pending.suggestions.iter().map(|(s, _)| s.clone()).collect();
    if !args.quiet {
        for (s, covered) in &pending.suggestions {
            let why = match s.confidence {
                Some(p) => format!("learned {p:>3}%{:<12}", ""),
                None => format!("rule {:<22}", inert(&s.rule)),
            };
            writeln!(
                out,
                "{} {} seg {:>4} {:>6}..{:<6} {:<26} {why} “{}”{}",
                s.interview,
                s.lang,
                s.segment,
                s.span.start,
                s.span.end,
                s.code,
                inert(&s.matched),
                if *covered { "  (already coded)" } else { "" }
            )?;
        }
    }
    let n_learned = suggestions.iter().filter(|s| s.model.is_some()).count();
    writeln!(
        out,
        "{} suggestion(s) from {} rule(s){}",
        suggestions.len() - n_learned,
        rules.len(),
        if args.learned {
            format!(", {n_learned} learned")
        } else {
            String::new()
        }
    )?;
    if let Some(n) = &model_note {
        writeln!(out, "{n}")?;
    }
    // The rules' quality table is about the rules alone.
    let suggestions: Vec<autocode::Suggestion> = suggestions
        .into_iter()
        .filter(|s| s.model.is_none())
        .collect();
    let manual = existing
        .iter()
        .filter(|(_, c)| c.origin == Origin::Manual)
        .count();
    if manual > 0 {
        let q = autocode::quality(&suggestions, &existing, &rules);
        writeln!(out, "\nAgainst {coder}'s {manual} manual coding(s):")?;
        writeln!(
            out,
            "{:<28} {:>11} {:>9} {:>9} {:>8} {:>9}",
            "code", "suggestions", "confirmed", "precision", "manual", "recall"
        )?;
        let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.0}%", v * 100.0));
        for (code, r) in &q {
            writeln!(
                out,
                "{code:<28} {:>11} {:>9} {:>9} {:>8} {:>9}",
                r.suggestions,
                r.confirmed,
                pct(r.precision()),
                r.manual,
                pct(r.recall())
            )?;
        }
    }
    if args.apply {
        let mut session = Session::open(&ctx.project, &coder)?;
        let mut added = 0;
        for s in pending.open() {
            session.add(&project, s.accepted())?;
            added += 1;
        }
        writeln!(out, "applied {added} suggestion(s) as codings of {coder}")?;
    } else if !suggestions.is_empty() {
        writeln!(
            out,
            "(nothing saved; pass --apply to accept them as codings of {coder})"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
