//! Reading REFI-QDA: a `.qdc`, a bare `.qde` or a `.qdpx` archive, into an [`Imported`]
//! that is fully checked before the caller writes anything.

use super::export::{code_guids, code_name};
use super::*;
use crate::codebook::{Code, Codebook};
use crate::codings::{Coding, CodingFile, Origin};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

// ---------------------------------------------------------------------------------------
// Import

/// Largest archive content accepted (all entries, uncompressed).
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;

/// What an import would create, fully validated before anything is written.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub codebook: Option<Codebook>,
    /// (imported code name path, new id)
    pub mapping: Vec<(String, String)>,
    /// (interview id, lang, text) of text sources.
    pub sources: Vec<(String, String, String)>,
    pub codings: Vec<CodingFile>,
    /// Things left out, said to the user (a bare .qde names source files it does not carry).
    pub warnings: Vec<String>,
    /// Participant attributes per interview, from Cases and their Variables.
    pub participants: BTreeMap<String, BTreeMap<String, String>>,
    /// The intercode project's own files that an intercode export carries beside
    /// `project.qde` (path in the project, bytes): what REFI-QDA has no place for.
    pub own: Vec<(String, Vec<u8>)>,
    /// Imported code GUID (normalised) -> the id the import gave the code.
    pub code_guids: HashMap<String, String>,
}

/// Maps the codes of an imported codebook onto a project's existing codes: the same GUID (as
/// this project exports it: GUIDs derive from the name path), else the same path of English
/// names. Returns imported id -> project id for every code that exists already; the rest
/// are new.
pub fn match_codes(
    project: &Codebook,
    imported: &Codebook,
    imported_guids: &HashMap<String, String>,
) -> HashMap<String, String> {
    fn paths(codes: &[Code], prefix: &str, out: &mut HashMap<String, String>) {
        for c in codes {
            let path = format!("{prefix}/{}", code_name(c).to_lowercase());
            out.insert(c.id.clone(), path.clone());
            paths(&c.children, &path, out);
        }
    }
    let by_guid: HashMap<String, String> = code_guids(project)
        .into_iter()
        .map(|(id, g)| (norm_guid(&g), id))
        .collect();
    let mut project_paths = HashMap::new();
    paths(&project.codes, "", &mut project_paths);
    let by_path: HashMap<&String, &String> = project_paths.iter().map(|(id, p)| (p, id)).collect();
    let mut imported_paths = HashMap::new();
    paths(&imported.codes, "", &mut imported_paths);
    let mut out = HashMap::new();
    for (guid, id) in imported_guids {
        if let Some(existing) = by_guid.get(guid) {
            out.insert(id.clone(), existing.clone());
        }
    }
    for r in imported.walk() {
        if out.contains_key(&r.code.id) {
            continue;
        }
        if let Some(existing) = imported_paths.get(&r.code.id).and_then(|p| by_path.get(p)) {
            out.insert(r.code.id.clone(), (*existing).clone());
        }
    }
    out
}

pub(super) fn child<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

pub(super) fn children<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// Reads `<Codes>` into codes with ids derived from names; returns GUID -> id.
/// How deep codes may nest on import: far more than any codebook uses, and well inside what
/// the codebook file (JSON, nested two levels per code) can be read back with.
pub const MAX_CODE_DEPTH: usize = 16;

#[allow(clippy::too_many_arguments)]
pub(super) fn read_codes(
    codes: roxmltree::Node,
    parent: Option<&str>,
    path: &str,
    out: &mut Vec<Code>,
    ids: &mut HashMap<String, String>,
    mapping: &mut Vec<(String, String)>,
    used: &mut std::collections::HashSet<String>,
    depth: usize,
) -> Result<(), RefiError> {
    if depth >= MAX_CODE_DEPTH && children(codes, "Code").next().is_some() {
        return Err(format!(
            "codes are nested more than {MAX_CODE_DEPTH} levels deep (under `{}`); intercode keeps \
             codebooks to {MAX_CODE_DEPTH} levels",
            path.trim_start_matches('/')
        )
        .into());
    }
    for n in children(codes, "Code") {
        // A code without a name still gets one a person can read and rename.
        let name = n
            .attribute("name")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("unnamed code")
            .to_string();
        let base = match parent {
            Some(p) => format!("{p}.{}", slug(&name)),
            None => slug(&name),
        };
        let mut id = base.clone();
        let mut k = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}_{k}");
            k += 1;
        }
        let full = format!("{path}/{name}");
        mapping.push((full.trim_start_matches('/').to_string(), id.clone()));
        if let Some(g) = n.attribute("guid") {
            ids.insert(norm_guid(g), id.clone());
        }
        let color = n.attribute("color").map(|c| {
            if c.len() == 4 && c.starts_with('#') {
                let b = c.as_bytes();
                format!(
                    "#{0}{0}{1}{1}{2}{2}",
                    b[1] as char, b[2] as char, b[3] as char
                )
                .to_lowercase()
            } else {
                c.to_lowercase()
            }
        });
        let desc = child(n, "Description")
            .and_then(|d| d.text())
            .unwrap_or("")
            .to_string();
        let (mut description, mut include, mut exclude) =
            (Vec::new(), String::new(), String::new());
        for para in desc.split("\n\n") {
            if let Some(x) = para.strip_prefix("Include: ") {
                include = x.to_string();
            } else if let Some(x) = para.strip_prefix("Exclude: ") {
                exclude = x.to_string();
            } else if !para.trim().is_empty() {
                description.push(para.to_string());
            }
        }
        let mut code = Code {
            id: id.clone(),
            name: BTreeMap::from([("en".to_string(), name)]),
            color: color
                .filter(|c| c.len() == 7)
                .unwrap_or_else(|| "#888888".into()),
            description: description.join("\n\n"),
            include,
            exclude,
            examples: Vec::new(),
            rules: BTreeMap::new(),
            children: Vec::new(),
        };
        read_codes(
            n,
            Some(&id),
            &full,
            &mut code.children,
            ids,
            mapping,
            used,
            depth + 1,
        )?;
        out.push(code);
    }
    Ok(())
}

pub(super) fn parse_xml<'t>(
    text: &'t str,
    what: &str,
) -> Result<roxmltree::Document<'t>, RefiError> {
    roxmltree::Document::parse(text)
        .map_err(|e| RefiError::Xml(format!("{what} is not well-formed XML: {e}")))
}

pub(super) fn strip_bom(s: String) -> String {
    s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)
}

/// Reads a `.qdc` codebook.
pub fn read_qdc(text: &str) -> Result<Imported, RefiError> {
    let doc = parse_xml(text, "the codebook")?;
    let root = doc.root_element();
    if root.tag_name().name() != "CodeBook" {
        return Err(RefiError::Xml(format!(
            "the root element is <{}>, not <CodeBook>",
            root.tag_name().name()
        )));
    }
    let codes = child(root, "Codes").ok_or("the codebook has no <Codes>")?;
    let mut imp = Imported::default();
    let mut out = Vec::new();
    let mut guids = HashMap::new();
    read_codes(
        codes,
        None,
        "",
        &mut out,
        &mut guids,
        &mut imp.mapping,
        &mut Default::default(),
        0,
    )?;
    imp.codebook = Some(Codebook {
        version: 1,
        codes: out,
    });
    imp.code_guids = guids;
    Ok(imp)
}

/// Reads a `.qdpx` archive (bytes).
pub fn read_qdpx(bytes: &[u8]) -> Result<Imported, RefiError> {
    read_qdpx_limited(bytes, MAX_UNPACKED)
}

/// [`read_qdpx`] with a limit on the unpacked size (tests use a small one).
pub fn read_qdpx_limited(bytes: &[u8], limit: u64) -> Result<Imported, RefiError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| RefiError::Archive(format!("not a zip archive: {e}")))?;
    // The sizes the archive declares are checked before anything is inflated (a zip bomb is
    // refused without spending its memory); the reads below still stop at the limit, since
    // declared sizes can lie.
    let mut declared = 0u64;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            declared = declared.saturating_add(f.size());
        }
    }
    if declared > limit {
        return Err(RefiError::Archive(format!(
            "the archive expands to more than {} MB; refusing it (a zip bomb?)",
            limit / 1024 / 1024
        )));
    }
    let mut entries: HashMap<String, Vec<u8>> = HashMap::new();
    let mut own: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| RefiError::Archive(format!("unreadable archive entry: {e}")))?;
        let name = f
            .name()
            .map_err(|e| RefiError::Archive(format!("unreadable archive entry name: {e}")))?
            .to_string();
        if f.enclosed_name().is_none()
            || name.split(['/', '\\']).any(|p| p == "..")
            || name.starts_with('/')
        {
            return Err(RefiError::Archive(format!(
                "the archive has an entry with an unsafe path `{name}`; refusing it"
            )));
        }
        if f.is_dir() {
            continue;
        }
        // Read at most the remaining allowance (sizes in headers can lie).
        let mut buf = Vec::new();
        let allowance = limit.saturating_sub(total);
        (&mut f)
            .take(allowance + 1)
            .read_to_end(&mut buf)
            .map_err(|e| RefiError::Archive(format!("`{name}`: {e}")))?;
        total += buf.len() as u64;
        if total > limit {
            return Err(RefiError::Archive(format!(
                "the archive expands to more than {} MB; refusing it (a zip bomb?)",
                limit / 1024 / 1024
            )));
        }
        if let Some(rel) = name.strip_prefix(OWN_FILES_DIR) {
            if !is_own_file(rel) {
                return Err(RefiError::Archive(format!(
                    "the archive carries `{name}`, which is not an intercode project file; refusing it"
                )));
            }
            own.push((rel.to_string(), buf));
            continue;
        }
        entries.insert(name.to_lowercase(), buf);
    }
    let qde = entries
        .get("project.qde")
        .ok_or("the archive has no project.qde")?;
    let qde = strip_bom(String::from_utf8(qde.clone()).map_err(|_| "project.qde is not UTF-8")?);
    let mut imp = read_project(
        &qde,
        |path| {
            let p = path.trim_start_matches("internal://").to_lowercase();
            let key = if p.starts_with("sources/") {
                p
            } else {
                format!("sources/{p}")
            };
            // REFI-QDA sources are UTF-8; anything else would be imported as mojibake.
            entries.get(&key).map(|b| {
                String::from_utf8(b.clone()).map(strip_bom).map_err(|e| {
                    RefiError::Content(format!(
                        "is not UTF-8 (invalid bytes at byte {}); convert it to UTF-8 in the tool \
                         that made the archive",
                        e.utf8_error().valid_up_to()
                    ))
                })
            })
        },
        false,
    )?;
    imp.own = own;
    Ok(imp)
}

/// Reads a bare `project.qde` (no archive): the codebook, users and the sources whose text is
/// inline; sources kept in files it does not carry are left out with a warning.
pub fn read_qde(qde: &str) -> Result<Imported, RefiError> {
    read_project(qde.trim_start_matches('\u{feff}'), |_| None, true)
}

/// Reads `project.qde` with a way to fetch internal source files.
pub fn read_project(
    qde: &str,
    source: impl Fn(&str) -> Option<Result<String, RefiError>>,
    lenient: bool,
) -> Result<Imported, RefiError> {
    let doc = parse_xml(qde, "project.qde")?;
    let root = doc.root_element();
    if root.tag_name().name() != "Project" {
        return Err(RefiError::Xml(format!(
            "project.qde's root element is <{}>, not <Project>",
            root.tag_name().name()
        )));
    }
    let mut imp = Imported::default();
    let mut code_ids = HashMap::new();
    if let Some(codes) = child(root, "CodeBook").and_then(|c| child(c, "Codes")) {
        let mut out = Vec::new();
        read_codes(
            codes,
            None,
            "",
            &mut out,
            &mut code_ids,
            &mut imp.mapping,
            &mut Default::default(),
            0,
        )?;
        imp.codebook = Some(Codebook {
            version: 1,
            codes: out,
        });
    }
    imp.code_guids = code_ids.clone();
    let users: HashMap<String, String> = child(root, "Users")
        .map(|u| {
            children(u, "User")
                .filter_map(|n| {
                    Some((
                        norm_guid(n.attribute("guid")?),
                        slug(n.attribute("name").unwrap_or("imported")),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let notes: HashMap<String, String> = child(root, "Notes")
        .map(|ns| {
            children(ns, "Note")
                .filter_map(|n| {
                    Some((
                        norm_guid(n.attribute("guid")?),
                        child(n, "PlainTextContent")
                            .and_then(|c| c.text())
                            .unwrap_or("")
                            .to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut files: BTreeMap<(String, String), CodingFile> = BTreeMap::new();
    let mut source_ids: HashMap<String, String> = HashMap::new();
    let Some(sources) = child(root, "Sources") else {
        return Ok(imp);
    };
    // Every source gets an interview of its own: two sources never share an id, named or not.
    let mut taken: std::collections::HashSet<(String, String)> = Default::default();
    for (k, src) in children(sources, "TextSource").enumerate() {
        let named = src
            .attribute("name")
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let name = named.unwrap_or("source");
        let text = match (
            child(src, "PlainTextContent").and_then(|c| c.text()),
            src.attribute("plainTextPath"),
        ) {
            (Some(t), _) => t.to_string(),
            (None, Some(p)) => match source(p) {
                Some(Ok(t)) => t,
                Some(Err(why)) => return Err(format!("source `{name}` (`{p}`) {why}").into()),
                None if lenient => {
                    imp.warnings.push(format!("source `{name}`: its text file `{p}` is not here; its codings were left out"));
                    continue;
                }
                None => {
                    return Err(format!(
                        "source `{name}`: its text file `{p}` is not in the archive"
                    )
                    .into())
                }
            },
            (None, None) => return Err(format!("source `{name}` has no text").into()),
        };
        // `P01.ru` from an intercode export; otherwise an id from the name; a source without a
        // name is numbered by its place in the file.
        let (base, lang) = match named.and_then(|n| n.rsplit_once('.')) {
            Some((i, l))
                if crate::project::is_valid_interview_id(i) && crate::project::is_valid_lang(l) =>
            {
                (i.to_string(), l.to_string())
            }
            _ => {
                let s = named.map(|n| slug(n).replace('_', "-")).unwrap_or_default();
                (
                    if named.is_some() && crate::project::is_valid_interview_id(&s) {
                        s
                    } else {
                        format!("S{:03}", k + 1)
                    },
                    "en".to_string(),
                )
            }
        };
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert((id.clone(), lang.clone())) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if named.is_none() || id != base {
            imp.warnings.push(format!(
                "source {} ({}) became interview `{id}` ({lang}){}",
                named.map_or("without a name".to_string(), |n| format!("`{n}`")),
                src.attribute("guid").unwrap_or("no guid"),
                if id != base {
                    format!(": `{base}` was taken by an earlier source")
                } else {
                    String::new()
                }
            ));
        }
        // The source becomes a document: its text is kept exactly (CRLF, trailing spaces,
        // one long line), so every position of the other tool is a position here.
        let chars: Vec<char> = text.chars().collect();
        if crate::transcript::document::segment_ranges(&text).is_empty() {
            imp.warnings.push(format!(
                "source `{name}` has no text (only blank lines); it was left out"
            ));
            continue;
        }
        for sel in children(src, "PlainTextSelection") {
            let (Some(s), Some(e)) = (sel.attribute("startPosition"), sel.attribute("endPosition"))
            else {
                continue;
            };
            let (s, e): (usize, usize) = (
                s.trim()
                    .parse()
                    .map_err(|_| format!("source `{name}`: bad startPosition `{s}`"))?,
                e.trim()
                    .parse()
                    .map_err(|_| format!("source `{name}`: bad endPosition `{e}`"))?,
            );
            if s > e || e > chars.len() {
                return Err(format!("source `{name}`: a selection {s}..{e} lies outside its text of {} characters; refusing the import", chars.len()).into());
            }
            for coding in children(sel, "Coding") {
                let Some(target) = child(coding, "CodeRef").and_then(|r| r.attribute("targetGUID"))
                else {
                    continue;
                };
                let Some(code) = code_ids.get(&norm_guid(target)) else {
                    return Err(format!(
                        "source `{name}`: a coding refers to an unknown code {target}"
                    )
                    .into());
                };
                let user = coding
                    .attribute("creatingUser")
                    .or(sel.attribute("creatingUser"))
                    .and_then(|u| users.get(&norm_guid(u)).cloned())
                    .unwrap_or_else(|| "imported".into());
                // A memo is the selection's description (QualCoder, MAXQDA) and/or notes the
                // coding or selection refers to (NVivo, ATLAS.ti); intercode writes both, so
                // the same text is taken once.
                let mut memos: Vec<String> = child(sel, "Description")
                    .and_then(|d| d.text())
                    .filter(|t| !t.trim().is_empty())
                    .map(str::to_string)
                    .into_iter()
                    .collect();
                for n in children(coding, "NoteRef").chain(children(sel, "NoteRef")) {
                    if let Some(text) = n
                        .attribute("targetGUID")
                        .and_then(|g| notes.get(&norm_guid(g)))
                    {
                        if !memos.iter().any(|m| m.trim() == text.trim()) {
                            memos.push(text.clone());
                        }
                    }
                }
                let memo = memos.join("\n");
                let (cs, ce) = (s, e);
                if cs == ce {
                    continue;
                }
                let quote: String = chars[cs..ce].iter().collect();
                let gid = coding
                    .attribute("guid")
                    .map(norm_guid)
                    .unwrap_or_else(|| guid("coding", &format!("{name}{s}{e}{code}")));
                files
                    .entry((user.clone(), id.clone()))
                    .or_insert_with(|| CodingFile::new(&user, &id))
                    .codings
                    .push(Coding {
                        id: gid,
                        lang: lang.as_str().into(),
                        start: cs,
                        end: ce,
                        code: code.into(),
                        quote: quote.into(),
                        memo,
                        created: coding
                            .attribute("creationDateTime")
                            .or(sel.attribute("creationDateTime"))
                            .unwrap_or("")
                            .into(),
                        origin: Origin::Manual,
                        model: None,
                    });
            }
        }
        if let Some(g) = src.attribute("guid") {
            source_ids.insert(norm_guid(g), id.clone());
        }
        imp.sources.push((id, lang, text));
    }
    imp.codings = files.into_values().collect();
    // Cases with variable values become participants' attributes; a case belongs to the
    // interviews of the sources it refers to (or, without any, to the interview it names).
    let variables: HashMap<String, String> = child(root, "Variables")
        .map(|v| {
            children(v, "Variable")
                .filter_map(|n| {
                    Some((
                        norm_guid(n.attribute("guid")?),
                        n.attribute("name")?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(cases) = child(root, "Cases") {
        for case in children(cases, "Case") {
            let mut attrs = BTreeMap::new();
            for vv in children(case, "VariableValue") {
                let Some(name) = child(vv, "VariableRef")
                    .and_then(|r| r.attribute("targetGUID"))
                    .and_then(|g| variables.get(&norm_guid(g)))
                else {
                    continue;
                };
                let value = vv
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name().ends_with("Value"))
                    .find_map(|c| c.text())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                attrs.insert(slug(name), value);
            }
            let mut ids: Vec<String> = children(case, "SourceRef")
                .filter_map(|r| {
                    source_ids
                        .get(&norm_guid(r.attribute("targetGUID")?))
                        .cloned()
                })
                .collect();
            ids.sort();
            ids.dedup();
            if ids.is_empty() {
                if let Some(n) = case
                    .attribute("name")
                    .filter(|n| crate::project::is_valid_interview_id(n))
                {
                    ids.push(n.to_string());
                }
            }
            for id in ids {
                imp.participants
                    .entry(id)
                    .or_default()
                    .extend(attrs.clone());
            }
        }
    }
    // intercode links recordings and never stores them: say which were left in the archive.
    for src in children(sources, "AudioSource").chain(children(sources, "VideoSource")) {
        imp.warnings.push(format!(
            "the recording `{}` was not imported: intercode links recordings (take it out of \
             the archive and run `intercode media add FILE --interview ID`)",
            src.attribute("name").unwrap_or("without a name")
        ));
    }
    Ok(imp)
}
