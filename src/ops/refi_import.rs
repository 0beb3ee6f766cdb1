//! Importing a REFI-QDA file (`.qdc`, `.qde`, `.qdpx`) into a project: the use case behind
//! `intercode import-refi`. Everything is checked before anything is written; the files are
//! then written as one transaction under the project's lock and the lock of every coder whose
//! codings it writes, and what they replace is kept in `.intercode-backup/<time>/`. Nothing
//! is overwritten without `force`, and `force` never drops what it does not replace.

use crate::codings;
use crate::error::{Error, Result};
use crate::project::{Project, CODEBOOK_FILE, TRANSCRIPTS_DIR};
use crate::refi;
use std::path::{Path, PathBuf};

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Replace transcripts, codings, participants and codes that exist already.
    pub force: bool,
    /// Read only the REFI-QDA part of an intercode export, not the project files it carries.
    pub refi_only: bool,
}

/// What an import did.
#[derive(Debug, Clone)]
pub enum Imported {
    /// The intercode project carried in the archive, restored exactly.
    Own { written: usize, same: usize },
    /// The REFI-QDA content.
    Refi {
        codes: usize,
        sources: usize,
        codings: usize,
        /// (code as named in the file, its id here)
        mapping: Vec<(String, String)>,
    },
}

/// What an import did, and what the user should be told (mappings, renamed codes, where the
/// replaced files are kept, warnings).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub imported: Imported,
    pub notes: Vec<String>,
}

fn csv_error(e: csv::Error) -> Error {
    Error::data(crate::project::PARTICIPANTS_FILE, None, e.to_string())
}

pub fn import_refi(root: &Path, file: &Path, opts: Options) -> Result<Outcome> {
    let mut notes = Vec::new();
    Project::ensure_project_dir(root)?;
    // Held from reading the project to writing it: nothing written in between is lost.
    let project_lock = crate::txn::ProjectLock::take(root)?;
    let (project, _) = Project::load(root)?;
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let parsed = if bytes.starts_with(b"PK") {
        refi::read_qdpx(&bytes)
    } else {
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::data(
                file,
                None,
                "neither a zip archive (.qdpx) nor UTF-8 XML (.qdc, .qde)",
            )
        })?;
        let text = text.trim_start_matches('\u{feff}');
        if ext == "qde" || text.contains("<Project") {
            refi::read_qde(text)
        } else {
            refi::read_qdc(text)
        }
    };
    let imp = parsed.map_err(|m| Error::data(file, None, format!("{m}. Nothing was imported.")))?;
    // An intercode export carries the project's own files: they are restored exactly.
    if !imp.own.is_empty() && !opts.refi_only {
        return import_own(root, file, opts, &imp.own, &project_lock, notes);
    }

    // Everything is checked before anything is written.
    let fresh = project.interviews.is_empty() && codings::load_all(root, None).is_empty();
    let mut codebook = project
        .codebook
        .clone()
        .unwrap_or(crate::codebook::Codebook {
            version: 1,
            codes: Vec::new(),
        });
    // Codes that exist here already (same GUID, else same name path) are mapped onto, never
    // added twice; the codings follow the mapping.
    let mut imp = imp;
    if let Some(new) = imp.codebook.clone() {
        if fresh || codebook.codes.is_empty() {
            codebook = new;
        } else {
            let onto = refi::match_codes(&codebook, &new, &imp.code_guids);
            for r in new.walk() {
                if let Some(existing) = onto.get(&r.code.id) {
                    let here = codebook
                        .find(existing)
                        .and_then(|c| c.name.get("en").cloned());
                    let there = r.code.name.get("en").cloned();
                    if here != there {
                        notes.push(format!(
                            "code `{}`: called “{}” here, “{}” in the file; kept as it is here",
                            existing,
                            crate::transcript::cuetext::inert(&here.unwrap_or_default()),
                            crate::transcript::cuetext::inert(&there.unwrap_or_default())
                        ));
                    }
                    continue;
                }
                let mut c = r.code.clone();
                c.children.clear();
                if codebook.contains(&c.id) {
                    return Err(Error::usage(format!("code id `{}` exists here as another code (“{}”); rename one of them first. Nothing was imported.", c.id, codebook.find(&c.id).and_then(|x| x.name.get("en").cloned()).unwrap_or_default())));
                }
                let parent = r
                    .parent
                    .map(|p| onto.get(&p.id).cloned().unwrap_or_else(|| p.id.clone()));
                codebook.add(c, parent.as_deref())?;
            }
            for f in &mut imp.codings {
                for c in &mut f.codings {
                    if let Some(existing) = onto.get(c.code.as_str()) {
                        c.code = existing.as_str().into();
                    }
                }
            }
            for (_, id) in &mut imp.mapping {
                if let Some(existing) = onto.get(id.as_str()) {
                    *id = existing.clone();
                }
            }
            if !onto.is_empty() {
                notes.push(format!(
                    "{} code(s) of the file are codes of this project already (same GUID or name path): mapped onto them",
                    onto.len()
                ));
            }
        }
    }
    let tdir = root.join(TRANSCRIPTS_DIR);
    for (id, lang, _) in &imp.sources {
        for e in crate::project::TRANSCRIPT_EXTENSIONS {
            let p = tdir.join(format!("{id}.{lang}.{e}"));
            if p.exists() && !opts.force {
                return Err(Error::usage(format!(
                    "{} exists; pass --force to replace it. Nothing was imported.",
                    p.display()
                )));
            }
        }
    }
    for f in &imp.codings {
        let p = codings::coding_path(root, &f.coder, &f.interview);
        if p.exists() && !opts.force {
            return Err(Error::usage(format!(
                "{} exists; pass --force to replace it. Nothing was imported.",
                p.display()
            )));
        }
    }
    // Each source is stored as a document: its text exactly, so positions map 1:1.
    let vtts: Vec<(PathBuf, String)> = imp
        .sources
        .iter()
        .map(|(id, lang, text)| (tdir.join(format!("{id}.{lang}.text")), text.clone()))
        .collect();

    // Participants: rows for the imported interviews join participants.csv.
    let participants = if imp.participants.is_empty() {
        None
    } else {
        let mut rows: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, String>,
        > = project
            .interviews
            .iter()
            .filter(|(_, i)| !i.attributes.is_empty())
            .map(|(id, i)| (id.clone(), i.attributes.clone()))
            .collect();
        for (id, attrs) in &imp.participants {
            if rows.contains_key(id) && !opts.force {
                return Err(Error::usage(format!("participants.csv already has interview `{id}`; pass --force to replace it. Nothing was imported.")));
            }
            rows.insert(id.clone(), attrs.clone());
        }
        let mut columns: Vec<String> = project.attribute_names.clone();
        for attrs in rows.values() {
            for k in attrs.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["id".to_string()];
        header.extend(columns.iter().cloned());
        w.write_record(&header).map_err(csv_error)?;
        for (id, attrs) in &rows {
            let mut rec = vec![id.clone()];
            rec.extend(
                columns
                    .iter()
                    .map(|c| attrs.get(c).cloned().unwrap_or_default()),
            );
            w.write_record(&rec).map_err(csv_error)?;
        }
        Some(
            w.into_inner()
                .map_err(|e| csv_error(e.into_error().into()))?,
        )
    };

    // Every file is written in one transaction, under the project's write lock and the
    // lock of every coder whose files it writes; what it replaces is kept first.
    let rel = |p: &std::path::Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let mut change = crate::txn::Change::new();
    // An import that adds no code leaves the codebook file as it is.
    if imp.codebook.is_some() && project.codebook.as_ref() != Some(&codebook) {
        change.write(CODEBOOK_FILE, codebook.to_json());
    }
    if let Some(csv) = participants {
        change.write(crate::project::PARTICIPANTS_FILE, csv);
    }
    for (path, vtt) in &vtts {
        change.write(rel(path), vtt.as_bytes());
    }
    for f in &imp.codings {
        let mut f = f.clone();
        f.sort();
        change.write(
            rel(&codings::coding_path(root, &f.coder, &f.interview)),
            f.to_json()?,
        );
    }
    let coders = imp.codings.iter().map(|f| f.coder.as_str());
    back_up_and_commit(root, change, &project_lock, coders, &mut notes)?;
    notes.extend(imp.warnings.iter().map(|w| format!("warning: {w}")));
    Ok(Outcome {
        imported: Imported::Refi {
            codes: imp.mapping.len(),
            sources: imp.sources.len(),
            codings: imp.codings.iter().map(|f| f.codings.len()).sum::<usize>(),
            mapping: imp.mapping,
        },
        notes,
    })
}

/// Restores the project files an intercode export carries (lossless between intercode
/// projects): checked as a project first, then written in one transaction; a file that exists
/// with other contents is replaced only with `--force` (and kept in the backup).
fn import_own(
    root: &Path,
    file: &Path,
    opts: Options,
    own: &[(String, Vec<u8>)],
    lock: &crate::txn::ProjectLock,
    mut notes: Vec<String>,
) -> Result<Outcome> {
    // The archive's project must load clean on its own before anything is written.
    let staging = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    for (rel, bytes) in own {
        let p = staging.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
    }
    std::fs::create_dir_all(staging.path().join(TRANSCRIPTS_DIR))
        .map_err(|e| Error::io(staging.path(), e))?;
    let (staged, mut problems) = Project::load(staging.path())?;
    let all = codings::load_all(staging.path(), None);
    problems.extend(codings::validate_all(&staged, &all));
    problems.extend(all.problems.iter().cloned());
    if let Some(p) = problems
        .iter()
        .find(|p| p.severity == crate::Severity::Error)
    {
        return Err(Error::data(
            file,
            None,
            format!(
                "the intercode project in the archive has a problem: {}. Nothing was imported.",
                crate::transcript::cuetext::inert(&p.to_string())
            ),
        ));
    }
    let mut change = crate::txn::Change::new();
    let (mut same, mut replaced) = (0, Vec::new());
    for (rel, bytes) in own {
        match std::fs::read(root.join(rel)) {
            Ok(old) if old == *bytes => same += 1,
            Ok(_) => {
                replaced.push(rel.clone());
                change.write(rel, bytes.clone());
            }
            Err(_) => {
                change.write(rel, bytes.clone());
            }
        }
    }
    // A project with no interviews and no codings holds only templates (what `init` wrote):
    // those are replaced without --force (and still kept in the backup).
    let fresh = Project::load(root).is_ok_and(|(p, _)| p.interviews.is_empty())
        && codings::load_all(root, None).is_empty();
    if !replaced.is_empty() && !opts.force && !fresh {
        return Err(Error::usage(format!(
            "{} file(s) of this project differ from the archive's (first: {}); pass --force to replace them. Nothing was imported.",
            replaced.len(),
            replaced[0]
        )));
    }
    let coders = own
        .iter()
        .filter_map(|(rel, _)| rel.strip_prefix("codings/")?.split('/').next());
    let written = own.len() - same;
    back_up_and_commit(root, change, lock, coders, &mut notes)?;
    Ok(Outcome {
        imported: Imported::Own { written, same },
        notes,
    })
}

/// Takes the lock of every coder whose files an import writes, keeps what the import replaces
/// in `.intercode-backup/<time>/` (and says where), then writes it as one transaction.
fn back_up_and_commit<'c>(
    root: &Path,
    change: crate::txn::Change,
    lock: &crate::txn::ProjectLock,
    coders: impl Iterator<Item = &'c str>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let mut coders: Vec<&str> = coders.collect();
    coders.sort_unstable();
    coders.dedup();
    let _coder_locks = coders
        .iter()
        .map(|c| codings::lock_coder(root, c))
        .collect::<Result<Vec<_>, _>>()?;
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(':', "-");
    if let Some(dir) = change.back_up(root, &stamp)? {
        notes.push(format!(
            "the files this import replaces are kept in {}; copy them back to undo it",
            dir.display()
        ));
    }
    change.commit_under(lock, root, &mut |_| {})?;
    Ok(())
}
