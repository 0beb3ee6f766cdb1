//! `intercode codebook list|add|rename|move|merge|delete`: the code tree and edits that keep
//! codings consistent (a merge reassigns codings; deleting a code in use needs a decision).

use super::{inert, CmdResult, Context};
use intercode::codebook::{Code, Codebook};
use intercode::codings::{self, Recode};
use intercode::project::{CODEBOOK_FILE, SURVEY_FILE};
use intercode::{Error, Project};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// The code tree with the number of codings per code (all coders)
    #[command(after_help = "Example:\n  intercode codebook list")]
    List,
    /// Add a code
    #[command(
        after_help = "Example:\n  intercode codebook add fear.family --parent fear --en \"Fear for family\" --ru \"Страх за семью\" --color '#e06666'"
    )]
    Add {
        id: String,
        #[arg(long)]
        parent: Option<String>,
        #[arg(long)]
        en: String,
        #[arg(long)]
        ru: Option<String>,
        #[arg(long, default_value = "#888888")]
        color: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Change a code's display names (ids never change)
    #[command(after_help = "Example:\n  intercode codebook rename fear --en \"Fear and caution\"")]
    Rename {
        id: String,
        #[arg(long)]
        en: Option<String>,
        #[arg(long)]
        ru: Option<String>,
    },
    /// Move a code (with its sub-codes) under another code, or to the top with --top
    #[command(
        after_help = "Examples:\n  intercode codebook move security.border --parent fear\n  intercode codebook move fear.surveillance --top"
    )]
    Move {
        id: String,
        #[arg(long, conflicts_with = "top", required_unless_present = "top")]
        parent: Option<String>,
        #[arg(long)]
        top: bool,
    },
    /// Merge FROM into INTO: every coder's codings of FROM become INTO; FROM's sub-codes move
    #[command(
        after_help = "Example:\n  intercode codebook merge fear.surveillance security.border"
    )]
    Merge { from: String, into: String },
    /// Delete a code; if codings use it, say what becomes of them
    #[command(
        after_help = "Examples:\n  intercode codebook delete integration.work\n  \
        intercode codebook delete integration.work --reassign integration.everyday\n  \
        intercode codebook delete integration.work --remove-codings"
    )]
    Delete {
        id: String,
        /// Give its codings this code instead
        #[arg(long, conflicts_with = "remove_codings")]
        reassign: Option<String>,
        /// Remove its codings (of every coder)
        #[arg(long)]
        remove_codings: bool,
    },
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let mut cb = project
        .codebook
        .clone()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let path = ctx.project.join(CODEBOOK_FILE);
    let fail = |m: String| anyhow::Error::from(Error::usage(m));
    let counts = || {
        let all = codings::load_for_analysis(&ctx.project, None);
        let mut n: HashMap<String, usize> = HashMap::new();
        for (_, c) in all.iter() {
            *n.entry(c.code.to_string()).or_default() += 1;
        }
        n
    };
    match args.command {
        Sub::List => {
            // The same passages as `report frequencies` (rolled up, default coder set).
            let all = codings::load_for_analysis(&ctx.project, None);
            let settings = intercode::report::Settings::load(&ctx.project)?;
            let set = intercode::report::CoderSet::default_for(&project, &all);
            let an = intercode::report::analyse(&project, &all, &set, None, &settings);
            let n: HashMap<String, usize> = intercode::report::frequencies(&cb, &an)
                .into_iter()
                .map(|c| (c.code, c.passages))
                .collect();
            writeln!(out, "passages of {}", inert(&set.describe()))?;
            for r in cb.walk() {
                let names: Vec<String> = r
                    .code
                    .name
                    .iter()
                    .map(|(l, v)| format!("{l}: {v}"))
                    .collect();
                writeln!(
                    out,
                    "{}{:<width$} {:>5}  {}  {}",
                    "  ".repeat(r.depth),
                    r.code.id,
                    n.get(&r.code.id).copied().unwrap_or(0),
                    r.code.color,
                    inert(&names.join(" | ")),
                    width = 30 - 2 * r.depth
                )?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        Sub::Add {
            id,
            parent,
            en,
            ru,
            color,
            description,
        } => {
            let mut name = BTreeMap::from([("en".to_string(), en)]);
            if let Some(ru) = ru {
                name.insert("ru".into(), ru);
            }
            let code = Code {
                id: id.clone(),
                name,
                color,
                description,
                include: String::new(),
                exclude: String::new(),
                examples: Vec::new(),
                rules: BTreeMap::new(),
                children: Vec::new(),
            };
            cb.add(code, parent.as_deref()).map_err(fail)?;
            cb.save(&path)?;
            writeln!(out, "added {id}")?;
        }
        Sub::Rename { id, en, ru } => {
            let mut names = BTreeMap::new();
            if let Some(en) = en {
                names.insert("en".to_string(), en);
            }
            if let Some(ru) = ru {
                names.insert("ru".to_string(), ru);
            }
            if names.is_empty() {
                return Err(fail("give --en NAME and/or --ru NAME".into()));
            }
            cb.rename(&id, &names).map_err(fail)?;
            cb.save(&path)?;
            writeln!(out, "renamed {id}")?;
        }
        Sub::Move { id, parent, .. } => {
            cb.move_code(&id, parent.as_deref()).map_err(fail)?;
            cb.save(&path)?;
            writeln!(out, "moved {id}")?;
        }
        Sub::Merge { from, into } => {
            // Check the tree edit first, so codings are touched only when it will succeed.
            let mut edited = cb.clone();
            edited.merge(&from, &into).map_err(fail)?;
            let n = codings::recode(&ctx.project, |c| {
                if c == from {
                    Recode::Replace(into.clone())
                } else {
                    Recode::Keep
                }
            })?;
            // Codings first, then survey links, then the tree: at no point does a file refer
            // to a code the codebook lacks.
            let mut linked = 0;
            if let Some(mut survey) = project.survey.clone() {
                linked = survey.relink(std::slice::from_ref(&from), &into);
                if linked > 0 {
                    survey.save(&ctx.project.join(SURVEY_FILE))?;
                }
            }
            edited.save(&path)?;
            writeln!(out, "merged {from} into {into}; {n} coding(s) reassigned, {linked} survey link(s) moved")?;
        }
        Sub::Delete {
            id,
            reassign,
            remove_codings,
        } => {
            // Survey figures linked to the code follow a reassignment; otherwise they block.
            let doomed = cb.subtree_ids(&id);
            let mut survey = project.survey.clone();
            if let Some(s) = &mut survey {
                let links = s.links_to(&doomed);
                match &reassign {
                    Some(to) if !links.is_empty() && cb.contains(to) && !doomed.contains(to) => {
                        s.relink(&doomed, to);
                    }
                    None if !links.is_empty() => {
                        return Err(fail(format!(
                            "codebook/survey.json links {} to `{id}` (or its sub-codes); pass --reassign CODE \
                             to move them, or edit survey.json. Nothing was changed.",
                            links.join(", ")
                        )))
                    }
                    _ => {}
                }
            }
            delete(
                &mut cb,
                &path,
                &ctx.project,
                &id,
                reassign,
                remove_codings,
                &counts(),
                out,
            )?;
            if let Some(s) = survey.filter(|s| Some(s) != project.survey.as_ref()) {
                s.save(&ctx.project.join(SURVEY_FILE))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn delete(
    cb: &mut Codebook,
    path: &std::path::Path,
    root: &std::path::Path,
    id: &str,
    reassign: Option<String>,
    remove: bool,
    counts: &HashMap<String, usize>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let fail = |m: String| anyhow::Error::from(Error::usage(m));
    let doomed = cb.subtree_ids(id);
    if doomed.is_empty() {
        return Err(fail(format!("unknown code `{id}`")));
    }
    let in_use: usize = doomed
        .iter()
        .map(|d| counts.get(d).copied().unwrap_or(0))
        .sum();
    if let Some(r) = &reassign {
        if !cb.contains(r) || doomed.contains(r) {
            return Err(fail(format!(
                "cannot reassign to `{r}`: it is unknown or deleted with `{id}`"
            )));
        }
    }
    if in_use > 0 && reassign.is_none() && !remove {
        return Err(fail(format!(
            "`{id}` (with its sub-codes) is used by {in_use} coding(s); pass --reassign CODE to move them \
             or --remove-codings to delete them. Nothing was changed."
        )));
    }
    let n = if in_use > 0 {
        codings::recode(root, |c| {
            if !doomed.iter().any(|d| d == c) {
                Recode::Keep
            } else {
                match &reassign {
                    Some(r) => Recode::Replace(r.clone()),
                    None => Recode::Remove,
                }
            }
        })?
    } else {
        0
    };
    cb.detach(id);
    cb.save(path)?;
    writeln!(
        out,
        "deleted {id} ({} code(s)); {n} coding(s) {}",
        doomed.len(),
        if reassign.is_some() {
            "reassigned"
        } else {
            "removed"
        }
    )?;
    Ok(())
}
