//! REFI-QDA 1.5 exchange (NVivo, ATLAS.ti, MAXQDA, QualCoder): the codebook as a `.qdc`, the
//! whole project as a `.qdpx` (a zip of `project.qde` and `sources/<GUID>.txt`), and import of
//! both. Exported positions are code points over exactly the exported text (UTF-8, no BOM),
//! end exclusive, which is intercode's own canonical text. An imported text source becomes a
//! document (`transcripts/<ID>.<lang>.text`, see `transcript::document`) whose text is the
//! source's exactly, so positions map 1:1 both ways. GUIDs are derived from
//! stable names (UUID v5), so the same project exports the same GUIDs every time.
//!
//! Import is tolerant of what real tools write (any case of `project.qde` and `sources/`,
//! braced or bare GUIDs in either case, the `urn:QDA-XML:codebook:1:0` namespace typo,
//! `plainTextPath` without `internal://`, a BOM in a source, folders as non-codable codes)
//! and strict about what could hurt: paths outside the archive, archives that expand beyond a
//! limit, malformed XML and selections outside their source are refused before anything is
//! written.

use crate::codebook::{Code, Codebook};
use crate::codings::{AllCodings, Coding, CodingFile, Origin};
use crate::project::Project;
use crate::transcript::cuetext::xml_text as esc;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{Read, Write};

const NS: uuid::Uuid = uuid::Uuid::from_u128(0x6a1c_7e3e_9c1b_4d8e_9a57_2f7e_1c0d_5b21);

/// Why a REFI-QDA file was refused. Nothing is written when reading fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefiError {
    /// The zip archive itself: not a zip, unreadable, unsafe paths, too large.
    #[error("{0}")]
    Archive(String),
    /// The XML: not well-formed, not a REFI-QDA document, nested too deep.
    #[error("{0}")]
    Xml(String),
    /// What the document says: a selection outside its text, an unknown code, a source
    /// without text or not in UTF-8.
    #[error("{0}")]
    Content(String),
}

impl From<String> for RefiError {
    fn from(message: String) -> Self {
        RefiError::Content(message)
    }
}

impl From<&str> for RefiError {
    fn from(message: &str) -> Self {
        RefiError::Content(message.to_string())
    }
}

/// A stable GUID for a thing named `kind:name`.
pub fn guid(kind: &str, name: &str) -> String {
    uuid::Uuid::new_v5(&NS, format!("{kind}:{name}").as_bytes()).to_string()
}

fn code_name(c: &Code) -> String {
    c.name
        .get("en")
        .or_else(|| c.name.values().next())
        .cloned()
        .unwrap_or_else(|| c.id.clone())
}

/// Description, include and exclude in one text (REFI codes have a single description).
fn code_description(c: &Code) -> String {
    let mut parts = Vec::new();
    if !c.description.is_empty() {
        parts.push(c.description.clone());
    }
    if !c.include.is_empty() {
        parts.push(format!("Include: {}", c.include));
    }
    if !c.exclude.is_empty() {
        parts.push(format!("Exclude: {}", c.exclude));
    }
    parts.join("\n\n")
}

/// Code GUIDs come from the names on the path to the code, so that a codebook exported,
/// imported (ids are derived from names) and exported again has the same GUIDs.
fn code_guids(cb: &Codebook) -> HashMap<String, String> {
    fn go(codes: &[Code], prefix: &str, out: &mut HashMap<String, String>) {
        for c in codes {
            let path = format!("{prefix}/{}", code_name(c));
            out.insert(c.id.clone(), guid("code", &path));
            go(&c.children, &path, out);
        }
    }
    let mut out = HashMap::new();
    go(&cb.codes, "", &mut out);
    out
}

fn write_codes(s: &mut String, codes: &[Code], guids: &HashMap<String, String>, depth: usize) {
    for c in codes {
        let pad = "  ".repeat(depth);
        let _ = write!(
            s,
            "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{}\"",
            guids[&c.id],
            esc(&code_name(c)),
            esc(&c.color)
        );
        let desc = code_description(c);
        if desc.is_empty() && c.children.is_empty() {
            s.push_str("/>\n");
            continue;
        }
        s.push_str(">\n");
        if !desc.is_empty() {
            let _ = writeln!(s, "{pad}  <Description>{}</Description>", esc(&desc));
        }
        write_codes(s, &c.children, guids, depth + 1);
        let _ = writeln!(s, "{pad}</Code>");
    }
}

/// The codebook as a `.qdc` document.
pub fn export_qdc(cb: &Codebook) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"intercode\">\n<Codes>\n");
    write_codes(&mut s, &cb.codes, &code_guids(cb), 1);
    s.push_str("</Codes>\n</CodeBook>\n");
    s
}

/// The project as the XML of `project.qde` and the source texts (file name, text).
pub fn export_project(project: &Project, all: &AllCodings) -> (String, Vec<(String, String)>) {
    let name = project
        .root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "intercode project".into());
    let mut s = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"intercode\">\n", esc(&name));
    let coders: Vec<String> = {
        let mut c: Vec<String> = all.files.iter().map(|f| f.coder.clone()).collect();
        c.sort();
        c.dedup();
        c
    };
    if !coders.is_empty() {
        s.push_str("<Users>\n");
        for c in &coders {
            let _ = writeln!(
                s,
                "  <User guid=\"{}\" name=\"{}\"/>",
                guid("user", c),
                esc(c)
            );
        }
        s.push_str("</Users>\n");
    }
    let guids = project
        .codebook
        .as_ref()
        .map(code_guids)
        .unwrap_or_default();
    if let Some(cb) = &project.codebook {
        s.push_str("<CodeBook>\n<Codes>\n");
        write_codes(&mut s, &cb.codes, &guids, 1);
        s.push_str("</Codes>\n</CodeBook>\n");
    }
    // Participant attributes as typed variables (pseudonyms are not exported: they name people).
    let attrs: Vec<&String> = project
        .attribute_names
        .iter()
        .filter(|a| *a != "pseudonym")
        .collect();
    let integer = |a: &str| {
        project
            .interviews
            .values()
            .filter_map(|i| i.attributes.get(a))
            .all(|v| v.parse::<i64>().is_ok())
    };
    if !attrs.is_empty() {
        s.push_str("<Variables>\n");
        for a in &attrs {
            let _ = writeln!(
                s,
                "  <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"/>",
                guid("variable", a),
                esc(a),
                if integer(a) { "Integer" } else { "Text" }
            );
        }
        s.push_str("</Variables>\n");
    }
    let source_guid = |id: &str, lang: &str| guid("source", &format!("{id}.{lang}"));
    if !project.interviews.is_empty() {
        s.push_str("<Cases>\n");
        for (id, i) in &project.interviews {
            let _ = writeln!(
                s,
                "  <Case guid=\"{}\" name=\"{}\">",
                guid("case", id),
                esc(id)
            );
            for a in &attrs {
                if let Some(v) = i.attributes.get(*a) {
                    let value = if integer(a) {
                        format!("<IntegerValue>{}</IntegerValue>", esc(v))
                    } else {
                        format!("<TextValue>{}</TextValue>", esc(v))
                    };
                    let _ = writeln!(s, "    <VariableValue><VariableRef targetGUID=\"{}\"/>{value}</VariableValue>", guid("variable", a));
                }
            }
            for lang in i.versions.keys() {
                let _ = writeln!(
                    s,
                    "    <SourceRef targetGUID=\"{}\"/>",
                    source_guid(id, lang)
                );
            }
            s.push_str("  </Case>\n");
        }
        s.push_str("</Cases>\n");
    }
    let mut files = Vec::new();
    let mut notes = String::new();
    s.push_str("<Sources>\n");
    for (id, i) in &project.interviews {
        for (lang, t) in &i.versions {
            let sg = source_guid(id, lang);
            let file = format!("{sg}.txt");
            files.push((file.clone(), t.text().to_string()));
            let _ = writeln!(
                s,
                "  <TextSource guid=\"{sg}\" name=\"{}\" plainTextPath=\"internal://{file}\">",
                esc(&format!("{id}.{lang}"))
            );
            for f in all.files.iter().filter(|f| &f.interview == id) {
                let user = guid("user", &f.coder);
                for c in f
                    .codings
                    .iter()
                    .filter(|c| c.lang == *lang && c.end <= t.char_len())
                {
                    let Some(cg) = guids.get(c.code.as_str()) else {
                        continue;
                    };
                    let quote: String = c.quote.as_str().chars().take(100).collect();
                    // Every REFI-QDA element that can carry a time carries the coding's own
                    // (QualCoder, for one, fails on a <Note> without creationDateTime).
                    let when = date_time(&c.created);
                    let _ = writeln!(s, "    <PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{when}\">", guid("selection", &c.id), esc(&quote), c.start, c.end);
                    // The memo as the selection's description too: where QualCoder (and
                    // MAXQDA) read a coded segment's comment.
                    if !c.memo.is_empty() {
                        let _ = writeln!(s, "      <Description>{}</Description>", esc(&c.memo));
                    }
                    // A coding's own id is a UUID: it is the Coding's GUID, so an import keeps it.
                    let coding_guid = uuid::Uuid::parse_str(&c.id)
                        .map(|u| u.to_string())
                        .unwrap_or_else(|_| guid("coding", &c.id));
                    let _ = write!(s, "      <Coding guid=\"{coding_guid}\" creatingUser=\"{user}\" creationDateTime=\"{when}\"><CodeRef targetGUID=\"{cg}\"/>");
                    if !c.memo.is_empty() {
                        let ng = guid("note", &c.id);
                        let _ = write!(s, "<NoteRef targetGUID=\"{ng}\"/>");
                        let _ = writeln!(notes, "  <Note guid=\"{ng}\" name=\"memo\" creatingUser=\"{user}\" creationDateTime=\"{when}\" modifiedDateTime=\"{when}\"><PlainTextContent>{}</PlainTextContent></Note>", esc(&c.memo));
                    }
                    s.push_str("</Coding>\n    </PlainTextSelection>\n");
                }
            }
            s.push_str("  </TextSource>\n");
        }
    }
    s.push_str("</Sources>\n");
    if !notes.is_empty() {
        s.push_str("<Notes>\n");
        s.push_str(&notes);
        s.push_str("</Notes>\n");
    }
    s.push_str("</Project>\n");
    (s, files)
}

/// A coding's `created` as an `xsd:dateTime`: as stored when it is one (with a zone; a time
/// without one is taken as UTC), else the Unix epoch, which says "unknown" without breaking
/// the schema or a reader that needs a time.
fn date_time(created: &str) -> String {
    let t = created.trim();
    let ok = t.len() >= 19
        && t.as_bytes()[4] == b'-'
        && t.as_bytes()[10] == b'T'
        && humantime::parse_rfc3339_weak(&t[..19].replace('T', " ")).is_ok();
    if !ok {
        return "1970-01-01T00:00:00Z".into();
    }
    let zoned = t.ends_with('Z') || t[19..].contains(['+', '-']);
    if zoned {
        t.to_string()
    } else {
        format!("{t}Z")
    }
}

/// The `.qdpx` archive.
pub fn export_qdpx(project: &Project, all: &AllCodings) -> crate::Result<Vec<u8>> {
    let (qde, files) = export_project(project, all);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let err = |e: String| crate::Error::data("qdpx", None, e);
    zip.start_file("project.qde", opts)
        .map_err(|e| err(e.to_string()))?;
    zip.write_all(qde.as_bytes())
        .map_err(|e| err(e.to_string()))?;
    for (name, text) in files {
        zip.start_file(format!("sources/{name}"), opts)
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| err(e.to_string()))?;
    }
    for (rel, bytes) in own_files(&project.root)? {
        zip.start_file(format!("{OWN_FILES_DIR}{rel}"), opts)
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| err(e.to_string()))?;
    }
    Ok(zip.finish().map_err(|e| err(e.to_string()))?.into_inner())
}

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

/// The folder inside a `.qdpx` where intercode carries the project's own files. Other tools
/// ignore files they do not know (QualCoder does: tested); an intercode import restores them
/// exactly, so intercode -> intercode loses nothing.
pub const OWN_FILES_DIR: &str = "intercode/";

/// Whether `rel` may be one of a project's own files carried in an archive: a plain relative
/// path in `codebook/`, `transcripts/` or `codings/<coder>/`, of a kind intercode writes.
pub fn is_own_file(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = parts.iter().all(|p| {
        !p.is_empty() && *p != "." && *p != ".." && !p.starts_with('.') && !p.contains('\\')
    });
    let ext = rel.rsplit('.').next().unwrap_or("");
    plain
        && match parts.as_slice() {
            ["codebook", _] => ext == "json",
            ["transcripts", _] => matches!(ext, "vtt" | "srt" | "txt" | "text" | "csv"),
            ["codings", _, _] => matches!(ext, "json" | "tsv"),
            _ => false,
        }
}

/// A project's own files, for an archive: the codebook folder's files, transcripts and
/// participants, and every coder's codings, decisions and rejections (locks, temporary files
/// and caches are not project files).
pub fn own_files(root: &std::path::Path) -> crate::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut dirs = vec!["codebook".to_string(), "transcripts".to_string()];
    if let Ok(rd) = std::fs::read_dir(root.join("codings")) {
        let mut coders: Vec<String> = rd
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| format!("codings/{}", e.file_name().to_string_lossy()))
            .collect();
        coders.sort();
        dirs.extend(coders);
    }
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        let mut names: Vec<String> = rd
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for n in names {
            let rel = format!("{d}/{n}");
            if is_own_file(&rel) {
                let path = root.join(&rel);
                let bytes = std::fs::read(&path).map_err(|e| crate::Error::io(&path, e))?;
                out.push((rel, bytes));
            }
        }
    }
    Ok(out)
}

fn norm_guid(g: &str) -> String {
    g.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_lowercase()
}

fn slug(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if s.is_empty() {
        "code".into()
    } else {
        s
    }
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(
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
fn read_codes(
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

fn parse_xml<'t>(text: &'t str, what: &str) -> Result<roxmltree::Document<'t>, RefiError> {
    roxmltree::Document::parse(text)
        .map_err(|e| RefiError::Xml(format!("{what} is not well-formed XML: {e}")))
}

fn strip_bom(s: String) -> String {
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
    Ok(imp)
}
