//! Writing REFI-QDA: the codebook as a `.qdc`, the project as `project.qde` with its sources,
//! and both zipped with the project's own files as a `.qdpx`.

use super::*;
use crate::codebook::{Code, Codebook};
use crate::codings::AllCodings;
use crate::project::Project;
use crate::transcript::cuetext::xml_text as esc;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

pub(super) fn code_name(c: &Code) -> String {
    c.name
        .get("en")
        .or_else(|| c.name.values().next())
        .cloned()
        .unwrap_or_else(|| c.id.clone())
}

/// Description, include and exclude in one text (REFI codes have a single description).
pub(super) fn code_description(c: &Code) -> String {
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
pub(super) fn code_guids(cb: &Codebook) -> HashMap<String, String> {
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

pub(super) fn write_codes(
    s: &mut String,
    codes: &[Code],
    guids: &HashMap<String, String>,
    depth: usize,
) {
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

/// Recordings to export with their interviews: interview -> (link, file on this machine).
pub type Recordings = std::collections::BTreeMap<String, (crate::media::Link, std::path::PathBuf)>;

/// The project as the XML of `project.qde` and the source texts (file name, text).
pub fn export_project(project: &Project, all: &AllCodings) -> (String, Vec<(String, String)>) {
    export_project_with(project, all, &Recordings::new())
}

/// `AudioSource` or `VideoSource`, and the file's extension.
fn media_tag(link: &crate::media::Link, file: &std::path::Path) -> (&'static str, String) {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_else(|| "media".into());
    match link.kind {
        crate::media::Kind::Audio => ("AudioSource", ext),
        crate::media::Kind::Video => ("VideoSource", ext),
    }
}

/// Sync points of a transcript: (position, media milliseconds) at each segment's start.
fn sync_points(t: &crate::Transcript, link: &crate::media::Link) -> Vec<(usize, u64)> {
    (0..t.segments.len())
        .map(|k| {
            let ms = link.media_secs(t.segments[k].start_ms) * 1000.0;
            (t.segment_span(k).start, ms.round() as u64)
        })
        .collect()
}

/// The project as the XML of `project.qde` and the source texts, the interviews in
/// `media` as their recordings (`AudioSource`/`VideoSource`) with one `Transcript` per
/// language, synchronised by `SyncPoint`s.
pub fn export_project_with(
    project: &Project,
    all: &AllCodings,
    media: &Recordings,
) -> (String, Vec<(String, String)>) {
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
            if media.contains_key(id) {
                let _ = writeln!(
                    s,
                    "    <SourceRef targetGUID=\"{}\"/>",
                    guid("recording", id)
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
        let recording = media.get(id);
        // A recording and its transcripts are dated by the interview's first coding (the
        // epoch when it has none): QualCoder needs a date on a transcript, and a date taken
        // from the files keeps the export the same every time.
        let first = all
            .files
            .iter()
            .filter(|f| &f.interview == id)
            .flat_map(|f| f.codings.iter().map(|c| date_time(&c.created)))
            .min()
            .unwrap_or_else(|| date_time(""));
        for (lang, t) in &i.versions {
            let sg = source_guid(id, lang);
            let file = format!("{sg}.txt");
            files.push((file.clone(), t.text().to_string()));
            let codings: Vec<(&crate::codings::CodingFile, &crate::codings::Coding)> = all
                .files
                .iter()
                .filter(|f| &f.interview == id)
                .flat_map(|f| f.codings.iter().map(move |c| (f, c)))
                .filter(|(_, c)| c.lang == *lang && c.end <= t.char_len())
                .filter(|(_, c)| guids.contains_key(c.code.as_str()))
                .collect();
            let _ = writeln!(
                s,
                "  <TextSource guid=\"{sg}\" name=\"{}\" plainTextPath=\"internal://{file}\">",
                esc(&format!("{id}.{lang}"))
            );
            for (f, c) in codings {
                let cg = &guids[c.code.as_str()];
                let user = guid("user", &f.coder);
                let quote: String = c.quote.as_str().chars().take(100).collect();
                // Every REFI-QDA element that can carry a time carries the coding's own
                // (QualCoder, for one, fails on a <Note> without creationDateTime).
                let when = date_time(&c.created);
                let sel = guid("selection", &c.id);
                let pad = "    ";
                let _ = writeln!(s, "{pad}<PlainTextSelection guid=\"{sel}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{when}\">", esc(&quote), c.start, c.end);
                // The memo as the selection's description too: where QualCoder (and
                // MAXQDA) read a coded segment's comment.
                if !c.memo.is_empty() {
                    let _ = writeln!(s, "{pad}  <Description>{}</Description>", esc(&c.memo));
                }
                // A coding's own id is a UUID: it is the Coding's GUID, so an import keeps it.
                let coding_guid = uuid::Uuid::parse_str(&c.id)
                    .map(|u| u.to_string())
                    .unwrap_or_else(|_| guid("coding", &c.id));
                let _ = write!(s, "{pad}  <Coding guid=\"{coding_guid}\" creatingUser=\"{user}\" creationDateTime=\"{when}\"><CodeRef targetGUID=\"{cg}\"/>");
                if !c.memo.is_empty() {
                    let ng = guid("note", &c.id);
                    let _ = write!(s, "<NoteRef targetGUID=\"{ng}\"/>");
                    let _ = writeln!(notes, "  <Note guid=\"{ng}\" name=\"memo\" creatingUser=\"{user}\" creationDateTime=\"{when}\" modifiedDateTime=\"{when}\"><PlainTextContent>{}</PlainTextContent></Note>", esc(&c.memo));
                }
                let _ = writeln!(s, "</Coding>\n{pad}</PlainTextSelection>");
            }
            s.push_str("  </TextSource>\n");
        }
        // The recording, with each language's transcript synchronised at every segment's
        // start, so a tool can play along. The codings stay on the text sources above, each
        // coder's attributed: a REFI transcript selection runs between sync points, and
        // QualCoder, for one, gives every coding of a transcript to one user and reads one
        // transcript per recording, so two coders' same coding would collide there.
        if let Some((link, file)) = recording {
            let (tag, ext) = media_tag(link, file);
            let ag = guid("recording", id);
            let _ = writeln!(
                s,
                "  <{tag} guid=\"{ag}\" name=\"{}\" path=\"internal://{ag}.{ext}\" creationDateTime=\"{first}\">",
                esc(&format!("{id}.{ext}"))
            );
            for (lang, t) in &i.versions {
                let file = format!("{}.txt", source_guid(id, lang));
                let _ = writeln!(
                    s,
                    "    <Transcript guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{file}\" creationDateTime=\"{first}\">",
                    guid("transcript", &format!("{id}.{lang}")),
                    esc(&format!("{id}.{lang}"))
                );
                for (pos, ms) in sync_points(t, link) {
                    let _ = writeln!(
                        s,
                        "      <SyncPoint guid=\"{}\" timeStamp=\"{ms}\" position=\"{pos}\"/>",
                        guid("sync", &format!("{id}.{lang}.{pos}"))
                    );
                }
                s.push_str("    </Transcript>\n");
            }
            let _ = writeln!(s, "  </{tag}>");
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
pub(super) fn date_time(created: &str) -> String {
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
    export_qdpx_with(project, all, &Recordings::new())
}

/// The `.qdpx` archive, with the recordings in `media` inside it (`sources/<GUID>.<ext>`).
pub fn export_qdpx_with(
    project: &Project,
    all: &AllCodings,
    media: &Recordings,
) -> crate::Result<Vec<u8>> {
    let (qde, files) = export_project_with(project, all, media);
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
    for (id, (link, file)) in media {
        let name = format!(
            "sources/{}.{}",
            guid("recording", id),
            media_tag(link, file).1
        );
        zip.start_file(name, opts).map_err(|e| err(e.to_string()))?;
        let mut f = std::fs::File::open(file).map_err(|e| crate::Error::io(file, e))?;
        std::io::copy(&mut f, &mut zip).map_err(|e| crate::Error::io(file, e))?;
    }
    for (rel, bytes) in own_files(&project.root)? {
        zip.start_file(format!("{OWN_FILES_DIR}{rel}"), opts)
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| err(e.to_string()))?;
    }
    Ok(zip.finish().map_err(|e| err(e.to_string()))?.into_inner())
}
