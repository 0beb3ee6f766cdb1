//! REFI-QDA: exported files validate against the standard's XSDs (xmllint), a project survives
//! export -> import -> export unchanged, the standard's two examples import, real tools'
//! quirks are tolerated, and hostile archives are refused with nothing written.

use intercode::refi;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/sample.rs"]
mod sample_project;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_intercode")
}

fn conformance() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/refi-qda");
    if d.is_dir() {
        return Some(d);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the REFI-QDA schemas are needed in CI"
    );
    None
}

fn run(project: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("--project")
        .arg(project)
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn xmllint(schema: &Path, file: &Path) {
    let have = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        have || std::env::var_os("CI").is_none(),
        "CI installs xmllint (libxml2-utils)"
    );
    if !have {
        eprintln!("skipping schema validation: xmllint not installed");
        return;
    }
    let o = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{} does not validate: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn unzip(qdpx: &Path) -> (String, Vec<(String, String)>) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let mut qde = String::new();
    let mut sources = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        if name == "project.qde" {
            qde = s;
        } else if !name.starts_with("intercode/") {
            // (intercode/ carries the project's own files: see the lossless test)
            sources.push((name, s));
        }
    }
    sources.sort();
    (qde, sources)
}

/// A small project with Cyrillic, emoji and combining marks, coded by two coders.
fn tricky_project(root: &Path) -> PathBuf {
    let d = root.join("tricky");
    ok(&Command::new(bin())
        .args(["init", d.to_str().unwrap()])
        .output()
        .unwrap());
    std::fs::write(d.join("transcripts/T1.ru.vtt"), "WEBVTT\n\n00:01.000 --> 00:03.000\nКатя: Приве\u{301}т 👋🏽, мне страшно — ёлки!\n\n00:04.000 --> 00:06.000\nКатя: «Боравак» &amp; &lt;нет&gt; проблем.\n").unwrap();
    std::fs::write(
        d.join("transcripts/participants.csv"),
        "id,gender,age_group,arrived\nT1,female,30-39,2022\n",
    )
    .unwrap();
    for (coder, quote, code) in [
        ("ana", "мне страшно", "fear"),
        ("boris", "Приве\u{301}т 👋🏽", "fear.speaking_out"),
        ("ana", "«Боравак» & <нет>", "citizenship.residence"),
    ] {
        ok(&run(
            &d,
            &[
                "--coder",
                coder,
                "code",
                "add",
                "--interview",
                "T1",
                "--lang",
                "ru",
                "--quote",
                quote,
                "--code",
                code,
                "--memo",
                "проверить & <check>",
            ],
        ));
    }
    d
}

#[test]
fn exports_validate_against_the_schemas() {
    let Some(conf) = conformance() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for project in [repo.to_path_buf(), tricky_project(tmp.path())] {
        let qdc = tmp.path().join("cb.qdc");
        let qdpx = tmp.path().join("p.qdpx");
        ok(&run(&project, &["export", "qdc", qdc.to_str().unwrap()]));
        ok(&run(&project, &["export", "qdpx", qdpx.to_str().unwrap()]));
        xmllint(&conf.join("Codebook.xsd"), &qdc);
        let (qde, sources) = unzip(&qdpx);
        let qde_path = tmp.path().join("project.qde");
        std::fs::write(&qde_path, &qde).unwrap();
        xmllint(&conf.join("Project.xsd"), &qde_path);
        assert!(!sources.is_empty());
        for (name, text) in &sources {
            assert!(name.starts_with("sources/") && name.ends_with(".txt"));
            assert!(!text.starts_with('\u{feff}') && !text.contains('\r'));
        }
        // Positions are code points over exactly the exported text.
        let doc = roxmltree::Document::parse(&qde).unwrap();
        for src in doc.descendants().filter(|n| n.has_tag_name("TextSource")) {
            let path = src
                .attribute("plainTextPath")
                .unwrap()
                .trim_start_matches("internal://");
            let text: Vec<char> = sources
                .iter()
                .find(|(n, _)| n.ends_with(path))
                .unwrap()
                .1
                .chars()
                .collect();
            for sel in src
                .children()
                .filter(|n| n.has_tag_name("PlainTextSelection"))
            {
                let (s, e): (usize, usize) = (
                    sel.attribute("startPosition").unwrap().parse().unwrap(),
                    sel.attribute("endPosition").unwrap().parse().unwrap(),
                );
                let quote: String = text[s..e].iter().collect();
                let name = sel.attribute("name").unwrap();
                assert!(
                    quote.starts_with(name)
                        || name.starts_with(&quote[..quote.len().min(name.len())]),
                    "{quote:?} vs {name:?}"
                );
            }
        }
    }
    // The same project exports the same GUIDs twice.
    let a = tmp.path().join("a.qdpx");
    let b = tmp.path().join("b.qdpx");
    ok(&run(repo, &["export", "qdpx", a.to_str().unwrap()]));
    ok(&run(repo, &["export", "qdpx", b.to_str().unwrap()]));
    assert_eq!(unzip(&a), unzip(&b));
}

#[test]
fn round_trip_keeps_codebook_quotes_and_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tricky_project(tmp.path());
    let first = tmp.path().join("first.qdpx");
    ok(&run(&src, &["export", "qdpx", first.to_str().unwrap()]));
    let empty = tmp.path().join("empty");
    ok(&Command::new(bin())
        .args(["init", empty.to_str().unwrap()])
        .output()
        .unwrap());
    // What another tool would receive: the REFI-QDA part alone.
    let out = ok(&run(
        &empty,
        &["import-refi", first.to_str().unwrap(), "--refi-only"],
    ));
    assert!(
        out.contains("Fear/Speaking out") && out.contains("fear.speaking_out"),
        "mapping table: {out}"
    );
    let second = tmp.path().join("second.qdpx");
    ok(&run(&empty, &["export", "qdpx", second.to_str().unwrap()]));
    let ((q1, s1), (q2, s2)) = (unzip(&first), unzip(&second));
    assert_eq!(s1, s2, "the same source texts");
    let pick = |q: &str| {
        let doc = roxmltree::Document::parse(q).unwrap();
        let mut v: Vec<String> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("PlainTextSelection")
                    || n.has_tag_name("CodeRef")
                    || n.has_tag_name("Code")
            })
            .map(|n| {
                n.attributes()
                    .filter(|a| a.name() != "creatingUser")
                    .map(|a| format!("{}={}", a.name(), a.value()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        pick(&q1),
        pick(&q2),
        "same codebook, same coded quotes and positions"
    );
    let qdc1 = tmp.path().join("1.qdc");
    let qdc2 = tmp.path().join("2.qdc");
    ok(&run(&src, &["export", "qdc", qdc1.to_str().unwrap()]));
    ok(&run(&empty, &["export", "qdc", qdc2.to_str().unwrap()]));
    assert_eq!(std::fs::read(qdc1).unwrap(), std::fs::read(qdc2).unwrap());
    // Codings landed under their coders, memos came back.
    let list = ok(&run(&empty, &["code", "list", "--format", "json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .any(|r| r["coder"] == "boris" && r["quote"] == "Приве\u{301}т 👋🏽"));
    assert!(rows.iter().all(|r| r["memo"] == "проверить & <check>"));
    assert_eq!(run(&empty, &["check"]).status.code(), Some(0));
    // Participants came back from the cases and their typed variables (no pseudonyms).
    let csv = std::fs::read_to_string(empty.join("transcripts/participants.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("T1,female,30-39,2022")),
        "{csv}"
    );
}

#[test]
fn the_standards_examples_import() {
    let Some(conf) = conformance() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    ok(&Command::new(bin())
        .args(["init", p.to_str().unwrap()])
        .output()
        .unwrap());
    let out = ok(&run(
        &p,
        &[
            "import-refi",
            conf.join("examples/spec-annexA1.qdc").to_str().unwrap(),
        ],
    ));
    assert!(out.contains("imported 6 code(s)"), "{out}");
    let cb = std::fs::read_to_string(p.join("codebook/codebook.json")).unwrap();
    for id in [
        "topics",
        "economy",
        "health_care",
        "values",
        "conservatives",
        "liberals",
    ] {
        assert!(cb.contains(&format!("\"{id}\"")), "{id}");
    }
    let q = tmp.path().join("q");
    ok(&Command::new(bin())
        .args(["init", q.to_str().unwrap()])
        .output()
        .unwrap());
    let o = run(
        &q,
        &[
            "import-refi",
            conf.join("examples/spec-annexA2-atlasti-8.4.qde")
                .to_str()
                .unwrap(),
        ],
    );
    let out = ok(&o);
    let expected = std::fs::read_to_string(conf.join("examples/spec-annexA2-atlasti-8.4.qde"))
        .unwrap()
        .matches("<Code ")
        .count();
    assert!(
        out.contains(&format!("imported {expected} code(s)")),
        "{out}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not here"),
        "sources it does not carry are named"
    );
    // Nested codes keep their hierarchy (a codebook with children).
    let nested = "<?xml version=\"1.0\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1:0\"><Codes><Code guid=\"{AA000000-0000-0000-0000-000000000001}\" name=\"Fear\" isCodable=\"false\"><Code guid=\"aa000000-0000-0000-0000-000000000002\" name=\"Of the border\" isCodable=\"true\" color=\"#F00\"/></Code></Codes></CodeBook>";
    let imp = refi::read_qdc(nested).unwrap();
    let cb = imp.codebook.unwrap();
    assert_eq!(cb.codes[0].id, "fear");
    assert_eq!(cb.codes[0].children[0].id, "fear.of_the_border");
    assert_eq!(cb.codes[0].children[0].color, "#ff0000");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const QDE: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
<Users><User guid="{ABCDEF01-2345-6789-ABCD-EF0123456789}" name="Vera K"/></Users>
<CodeBook><Codes><Code guid="{11111111-2222-3333-4444-555555555555}" name="Fear" isCodable="true" color="#c0392b"/></Codes></CodeBook>
<Sources><TextSource guid="AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE" name="Interview 7" plainTextPath="AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE.txt">
<PlainTextSelection guid="99999999-2222-3333-4444-555555555555" startPosition="5" endPosition="11" creatingUser="abcdef01-2345-6789-abcd-ef0123456789">
<Coding guid="88888888-2222-3333-4444-555555555555"><CodeRef targetGUID="11111111-2222-3333-4444-555555555555"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"##;

#[test]
fn quirks_of_real_tools_are_tolerated() {
    // Upper-case Project.qde and Sources/, braced and upper-case GUIDs, a path without
    // internal://, a BOM in the source (positions count the text without it, as QualCoder,
    // which writes the BOM, counts them).
    let src = "\u{feff}Yes, afraid of it.\n\nSecond paragraph.";
    let bytes = zip_of(&[
        ("Project.qde", QDE.as_bytes()),
        (
            "Sources/AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE.txt",
            src.as_bytes(),
        ),
    ]);
    let imp = refi::read_qdpx(&bytes).unwrap();
    assert_eq!(imp.sources.len(), 1);
    // The text is kept exactly (blank line and all), without the BOM.
    assert_eq!(imp.sources[0].2, "Yes, afraid of it.\n\nSecond paragraph.");
    let f = &imp.codings[0];
    assert_eq!(
        (f.coder.as_str(), f.codings[0].quote.as_str()),
        ("vera_k", "afraid")
    );
}

#[test]
fn hostile_input_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    ok(&Command::new(bin())
        .args(["init", p.to_str().unwrap()])
        .output()
        .unwrap());
    let snapshot = || {
        let mut v: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for dir in ["transcripts", "codebook", "codings"] {
            for e in walk(&p.join(dir)) {
                v.push((e.clone(), std::fs::read(&e).unwrap()));
            }
        }
        v.sort();
        v
    };
    let before = snapshot();
    let src = b"Yes, afraid of it.";
    let past_end = QDE.replace("endPosition=\"11\"", "endPosition=\"999\"");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "traversal.qdpx",
            zip_of(&[("project.qde", QDE.as_bytes()), ("../../evil.txt", src)]),
            "unsafe path",
        ),
        (
            "malformed.qdpx",
            zip_of(&[("project.qde", b"<Project><Sources>")]),
            "not well-formed XML",
        ),
        (
            "past-end.qdpx",
            zip_of(&[
                ("project.qde", past_end.as_bytes()),
                ("sources/AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE.txt", src),
            ]),
            "outside its text",
        ),
        (
            "notzip.qdpx",
            b"PK\x03\x04 garbage".to_vec(),
            "not a zip archive",
        ),
        (
            "broken.qdc",
            b"<CodeBook><Codes><Code name=\"x\"".to_vec(),
            "not well-formed XML",
        ),
    ];
    for (name, bytes, expected) in cases {
        let f = tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let o = run(&p, &["import-refi", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains(expected) && e.contains("Nothing was imported"),
            "{name}: {e}"
        );
        assert_eq!(snapshot(), before, "{name} changed the project");
    }
    // A zip bomb: a small archive that expands past the limit (2 MB of zeros, limit 1 MB).
    let bomb = zip_of(&[
        ("project.qde", QDE.as_bytes()),
        ("sources/a.txt", &vec![0u8; 2 * 1024 * 1024]),
    ]);
    assert!(bomb.len() < 64 * 1024);
    let e = refi::read_qdpx_limited(&bomb, 1024 * 1024).unwrap_err();
    assert!(
        matches!(e, refi::RefiError::Archive(_)) && e.to_string().contains("zip bomb"),
        "{e}"
    );
    assert!(!tmp.path().join("evil.txt").exists());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// intercode -> .qdpx -> intercode loses nothing: the archive carries the project's own files
/// beside project.qde, and an import into an empty project restores every one byte for byte
/// (speakers, cue times, code ids, bilingual names, rules, survey, redactions, settings,
/// every participant column, every coder's codings with created, origin and memos).
#[test]
fn intercode_to_intercode_is_lossless() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("sample.qdpx");
    ok(&run(repo, &["export", "qdpx", archive.to_str().unwrap()]));
    let dir = tmp.path().join("copy");
    ok(&Command::new(bin()).arg("init").arg(&dir).output().unwrap());
    let said = ok(&run(&dir, &["import-refi", archive.to_str().unwrap()]));
    assert!(said.contains("imported the intercode project"), "{said}");
    let files = refi::own_files(repo).unwrap();
    assert!(files.len() >= 12 + 12 + 3, "{}", files.len());
    for (rel, bytes) in &files {
        let got = std::fs::read(dir.join(rel)).unwrap_or_default();
        assert!(got == *bytes, "{rel} differs after the round trip");
    }
    ok(&run(&dir, &["check"]));
    assert_eq!(
        ok(&run(&dir, &["report", "frequencies", "--format", "csv"])),
        ok(&run(repo, &["report", "frequencies", "--format", "csv"]))
    );
    // Into a project with other work: refused without --force, nothing changed.
    let survey = dir.join("codebook/survey.json");
    std::fs::write(
        &survey,
        std::fs::read_to_string(&survey)
            .unwrap()
            .replace("Feel safe", "Feel sound"),
    )
    .unwrap();
    let before = std::fs::read(&survey).unwrap();
    let o = run(&dir, &["import-refi", archive.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("codebook/survey.json"));
    assert_eq!(std::fs::read(&survey).unwrap(), before);
    // With --force it is replaced, and the replaced file is kept.
    let o = run(&dir, &["import-refi", archive.to_str().unwrap(), "--force"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains(".intercode-backup"));
    // (The first import kept the survey template `init` wrote; this one kept the edited survey.)
    let kept: Vec<Vec<u8>> = std::fs::read_dir(dir.join(".intercode-backup"))
        .unwrap()
        .filter_map(|e| std::fs::read(e.unwrap().path().join("codebook/survey.json")).ok())
        .collect();
    assert_eq!(kept.len(), 2);
    assert!(kept.contains(&before), "the replaced survey is kept");
}

/// An archive may carry only plain project files under `intercode/`.
#[test]
fn an_archive_cannot_smuggle_other_files_into_a_project() {
    for bad in [
        "intercode/../evil.json",
        "intercode/codings/a/.lock",
        "intercode/src/main.rs",
        "intercode//x.json",
    ] {
        assert!(
            !refi::is_own_file(bad.trim_start_matches("intercode/")),
            "{bad}"
        );
    }
    for good in [
        "codebook/codebook.json",
        "transcripts/P01.ru.vtt",
        "codings/ana/P01.json",
        "codings/consensus/decisions.tsv",
    ] {
        assert!(refi::is_own_file(good), "{good}");
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("project.qde", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="t"/>"#).unwrap();
    zip.start_file("intercode/codebook/evil.sh", opts).unwrap();
    zip.write_all(b"rm -rf /").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let e = refi::read_qdpx(&bytes).err().unwrap();
    assert!(
        matches!(e, refi::RefiError::Archive(_))
            && e.to_string().contains("not an intercode project file"),
        "{e}"
    );
}

/// Sources without a name, or with names that collide, each become an interview of their
/// own, with their codings on their own text; the mapping is said.
#[test]
fn unnamed_and_colliding_sources_never_overwrite_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let user = "AAAAAAAA-0000-0000-0000-000000000001";
    let code = "CCCCCCCC-0000-0000-0000-000000000001";
    let source = |k: usize, name: Option<&str>, text: &str| {
        let name = name.map_or(String::new(), |n| format!(" name=\"{n}\""));
        let end = text.chars().count();
        format!(
            r#"<TextSource guid="5555555{k}-0000-0000-0000-000000000000"{name}><PlainTextContent>{text}</PlainTextContent>
<PlainTextSelection guid="6666666{k}-0000-0000-0000-000000000000" startPosition="0" endPosition="{end}" creatingUser="{user}"><Coding guid="7777777{k}-0000-0000-0000-000000000000" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection></TextSource>"#
        )
    };
    let texts = ["first text", "second text", "third text", "fourth text"];
    let qde = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="another tool">
<Users><User guid="{user}" name="vera"/></Users>
<CodeBook><Codes><Code guid="{code}" name="Fear" isCodable="true"/></Codes></CodeBook>
<Sources>{}{}{}{}</Sources></Project>"#,
        source(1, None, texts[0]),
        source(2, None, texts[1]),
        source(3, Some("Interview"), texts[2]),
        source(4, Some("Interview"), texts[3]),
    );
    let file = tmp.path().join("other.qde");
    std::fs::write(&file, qde).unwrap();
    let dir = tmp.path().join("p");
    ok(&Command::new(bin()).arg("init").arg(&dir).output().unwrap());
    let o = run(&dir, &["import-refi", file.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{said}");
    assert!(said.contains("source without a name"), "{said}");
    assert!(
        said.contains("`interview` was taken by an earlier source"),
        "{said}"
    );
    ok(&run(&dir, &["check"]));
    let list = ok(&run(&dir, &["code", "list", "--format", "json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(rows.len(), 4, "{list}");
    let mut quotes: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["interview"].as_str().unwrap().to_string(),
                r["quote"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    quotes.sort();
    assert_eq!(
        quotes,
        [
            ("S001".to_string(), texts[0].to_string()),
            ("S002".to_string(), texts[1].to_string()),
            ("interview".to_string(), texts[2].to_string()),
            ("interview-2".to_string(), texts[3].to_string()),
        ]
    );
}

/// Importing a codebook whose codes this project has already (our own export, or a colleague's
/// copy) maps onto them: nothing is doubled, the codebook file is not even rewritten, and a
/// code the file adds lands under its existing parent.
#[test]
fn a_codebook_merges_by_guid_instead_of_doubling() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("transcripts")).unwrap();
    std::fs::create_dir_all(dir.join("codebook")).unwrap();
    for f in ["codebook.json", "survey.json"] {
        std::fs::copy(repo.join("codebook").join(f), dir.join("codebook").join(f)).unwrap();
    }
    for f in ["P01.en.vtt", "P01.ru.vtt", "participants.csv"] {
        std::fs::copy(
            repo.join("transcripts").join(f),
            dir.join("transcripts").join(f),
        )
        .unwrap();
    }
    let qdc = tmp.path().join("ours.qdc");
    ok(&run(&dir, &["export", "qdc", qdc.to_str().unwrap()]));
    let before = std::fs::read(dir.join("codebook/codebook.json")).unwrap();
    let o = run(&dir, &["import-refi", qdc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("21 code(s) of the file are codes of this project already"));
    assert_eq!(
        std::fs::read(dir.join("codebook/codebook.json")).unwrap(),
        before
    );
    // A colleague's copy with one new sub-code.
    let theirs = std::fs::read_to_string(&qdc)
        .unwrap()
        .replacen(
            "</Code>",
            r#"<Code guid="99999999-0000-0000-0000-000000000001" name="Family" isCodable="true"/></Code>"#,
            1,
        );
    std::fs::write(&qdc, theirs).unwrap();
    let o = run(&dir, &["import-refi", qdc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list = ok(&run(&dir, &["codebook", "list"]));
    assert_eq!(
        list.lines().filter(|l| l.contains("#")).count(),
        22,
        "{list}"
    );
    ok(&run(&dir, &["check"]));
    // The next export has every GUID once.
    let again = tmp.path().join("again.qdc");
    ok(&run(&dir, &["export", "qdc", again.to_str().unwrap()]));
    let text = std::fs::read_to_string(&again).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let mut guids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Code"))
        .filter_map(|n| n.attribute("guid"))
        .collect();
    let n = guids.len();
    guids.sort();
    guids.dedup();
    assert_eq!((guids.len(), n), (22, 22));
}

/// Text sources that are not timed transcripts (CRLF, trailing spaces and tabs, blank lines
/// before the text, one very long line) are kept exactly: the project's document is the
/// source byte for byte, every quote is the other tool's text at its positions, search,
/// reports and `check` work on it, and our export gives back the same text and positions.
#[test]
fn text_sources_are_kept_exactly_and_positions_map_one_to_one() {
    let tmp = tempfile::tempdir().unwrap();
    let user = "AAAAAAAA-0000-0000-0000-000000000001";
    let code = "CCCCCCCC-0000-0000-0000-000000000001";
    let crlf = "Q: Как вы оказались здесь?  \r\n\r\nA: Страшно было,\tочень 👩‍👩‍👧 страшно. \r\nЕщё строка с пробелами   \r\n";
    let sentence = "We never spoke about the border openly, because anyone could be listening. ";
    let long_line = sentence.repeat(120); // one line of 9,000 characters, as NVivo writes
    let leading = "\n\n   \nAfter blank lines: the registration office was the worst part.\n";
    // (text, selections as code point ranges)
    let chars = |t: &str| t.chars().count();
    let find = |t: &str, needle: &str| {
        let b = t.find(needle).unwrap();
        let s = t[..b].chars().count();
        (s, s + needle.chars().count())
    };
    // (name, text, selections)
    type Source<'a> = (&'a str, String, Vec<(usize, usize)>);
    let sources: Vec<Source> = vec![
        (
            "crlf",
            crlf.to_string(),
            vec![
                find(crlf, "Страшно было,\tочень 👩‍👩‍👧 страшно."),
                // Across the line break, trailing space included.
                find(crlf, "страшно. \r\nЕщё"),
                // Only the trailing spaces of a line.
                (find(crlf, "здесь?  ").1 - 2, find(crlf, "здесь?  ").1),
            ],
        ),
        (
            "long",
            long_line.clone(),
            vec![
                (chars(sentence) * 60, chars(sentence) * 60 + 40),
                (chars(&long_line) - 20, chars(&long_line)),
            ],
        ),
        (
            "leading",
            leading.to_string(),
            vec![find(leading, "registration office")],
        ),
    ];
    let mut qde = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="another tool">
<Users><User guid="{user}" name="vera"/></Users>
<CodeBook><Codes><Code guid="{code}" name="Fear" isCodable="true"/></Codes></CodeBook>
<Sources>"#
    );
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for (k, (name, text, sels)) in sources.iter().enumerate() {
        let g = format!("5555555{k}-0000-0000-0000-000000000000");
        qde.push_str(&format!(
            r#"<TextSource guid="{g}" name="{name}" plainTextPath="internal://{g}.txt">"#
        ));
        for (j, (s, e)) in sels.iter().enumerate() {
            qde.push_str(&format!(r#"<PlainTextSelection guid="6666666{k}-0000-0000-0000-00000000000{j}" startPosition="{s}" endPosition="{e}" creatingUser="{user}"><Coding guid="7777777{k}-0000-0000-0000-00000000000{j}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>"#));
        }
        qde.push_str("</TextSource>");
        entries.push((format!("sources/{g}.txt"), text.as_bytes().to_vec()));
    }
    qde.push_str("</Sources></Project>");
    entries.push(("project.qde".into(), qde.into_bytes()));
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let file = tmp.path().join("other.qdpx");
    std::fs::write(&file, zip_of(&refs)).unwrap();
    let dir = tmp.path().join("p");
    ok(&Command::new(bin()).arg("init").arg(&dir).output().unwrap());
    ok(&run(&dir, &["import-refi", file.to_str().unwrap()]));
    // The project's documents are the sources byte for byte; nothing drifted.
    for (name, text, _) in &sources {
        let stored = std::fs::read(dir.join(format!("transcripts/{name}.en.text"))).unwrap();
        assert_eq!(String::from_utf8(stored).unwrap(), *text, "{name}");
    }
    let check = ok(&run(&dir, &["check"]));
    assert!(!check.contains("drift"), "{check}");
    // Every quote is the source's text at the other tool's positions.
    let list = ok(&run(&dir, &["code", "list", "--format", "json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    let want: usize = sources.iter().map(|s| s.2.len()).sum();
    assert_eq!(rows.len(), want, "{list}");
    for r in &rows {
        let (name, s, e) = (
            r["interview"].as_str().unwrap(),
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        let (_, text, sels) = sources.iter().find(|x| x.0 == name).unwrap();
        assert!(sels.contains(&(s, e)), "{name} {s}..{e} moved");
        let quote: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(r["quote"].as_str().unwrap(), quote);
    }
    // Search finds a word in the long line and cites it by line, never by a made-up time.
    let hits = ok(&run(&dir, &["search", "listening", "--limit", "3"]));
    assert!(hits.contains("long en line 1"), "{hits}");
    assert!(!hits.contains("00:00:00"), "{hits}");
    let shown = ok(&run(&dir, &["transcript", "leading", "--lang", "en"]));
    assert!(shown.contains("[line 4] After blank lines"), "{shown}");
    let quotes = ok(&run(&dir, &["report", "quotes", "--code", "fear"]));
    assert!(quotes.contains("line 1"), "{quotes}");
    // Our export gives the other tool back the same text at the same positions.
    let out = tmp.path().join("back.qdpx");
    ok(&run(&dir, &["export", "qdpx", out.to_str().unwrap()]));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut back_qde = String::new();
    std::io::Read::read_to_string(&mut z.by_name("project.qde").unwrap(), &mut back_qde).unwrap();
    let doc = roxml(&back_qde);
    for (name, text, sels) in &sources {
        let (path, mut got): (String, Vec<(usize, usize)>) = doc(name);
        let mut exported = String::new();
        std::io::Read::read_to_string(
            &mut z.by_name(&format!("sources/{path}")).unwrap(),
            &mut exported,
        )
        .unwrap();
        assert_eq!(&exported, text, "{name}: text changed on the way back");
        got.sort();
        let mut want = sels.clone();
        want.sort();
        assert_eq!(got, want, "{name}: positions changed on the way back");
    }
}

/// (plainTextPath file, selections) of the source `P.en` named `name` in a project.qde.
fn roxml(qde: &str) -> impl Fn(&str) -> (String, Vec<(usize, usize)>) + '_ {
    move |name| {
        let doc = roxmltree::Document::parse(qde).unwrap();
        let src = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("TextSource") && n.attribute("name") == Some(&format!("{name}.en"))
            })
            .unwrap_or_else(|| panic!("no source {name}.en"));
        let path = src
            .attribute("plainTextPath")
            .unwrap()
            .trim_start_matches("internal://")
            .to_string();
        let sels = src
            .children()
            .filter(|n| n.has_tag_name("PlainTextSelection"))
            .map(|n| {
                (
                    n.attribute("startPosition").unwrap().parse().unwrap(),
                    n.attribute("endPosition").unwrap().parse().unwrap(),
                )
            })
            .collect();
        (path, sels)
    }
}

#[test]
fn recordings_go_in_as_audio_sources_with_synchronised_transcripts_when_asked() {
    let (_tmp, dir) = sample_project::sample();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_intercode");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("--project")
            .arg(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    // Without a linked recording, --with-media has nothing to add and says so.
    let out = dir.join("m.qdpx");
    let o = run(&["export", "qdpx", out.to_str().unwrap(), "--with-media"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("media add"));
    let rec = repo.join("media/P01.opus");
    let o = run(&[
        "media",
        "add",
        rec.to_str().unwrap(),
        "--interview",
        "P01",
        "--offset",
        "250",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Without the flag the export is unchanged: no recording in it.
    let plain = dir.join("plain.qdpx");
    assert!(run(&["export", "qdpx", plain.to_str().unwrap()])
        .status
        .success());
    let o = run(&["export", "qdpx", out.to_str().unwrap(), "--with-media"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |p: &Path| {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        let names: Vec<String> = z
            .file_names()
            .filter_map(|n| n.ok())
            .map(|n| n.to_string())
            .collect();
        let mut qde = String::new();
        std::io::Read::read_to_string(&mut z.by_name("project.qde").unwrap(), &mut qde).unwrap();
        (z, names, qde)
    };
    let (_, names, qde) = read(&plain);
    assert!(!qde.contains("AudioSource") && !names.iter().any(|n| n.ends_with(".opus")));
    let (mut z, names, qde) = read(&out);
    // The recording itself, byte for byte.
    let opus = names
        .iter()
        .find(|n| n.ends_with(".opus"))
        .expect("the recording");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name(opus).unwrap(), &mut bytes).unwrap();
    assert_eq!(bytes, std::fs::read(&rec).unwrap());
    // Schema-valid, one AudioSource with a Transcript per language, a SyncPoint at every
    // segment's start in media time (the offset added), and every coding still on its text.
    let file = dir.join("project.qde");
    std::fs::write(&file, &qde).unwrap();
    if let Some(conf) = conformance() {
        xmllint(&conf.join("Project.xsd"), &file);
    }
    let doc = roxmltree::Document::parse(&qde).unwrap();
    let audio: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("AudioSource"))
        .collect();
    assert_eq!(audio.len(), 1);
    assert_eq!(audio[0].attribute("name"), Some("P01.opus"));
    assert_eq!(
        audio[0]
            .attribute("path")
            .map(|p| p.trim_start_matches("internal://")),
        Some(opus.trim_start_matches("sources/"))
    );
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let transcripts: Vec<_> = audio[0]
        .children()
        .filter(|n| n.has_tag_name("Transcript"))
        .collect();
    assert_eq!(transcripts.len(), 2);
    for tr in transcripts {
        let lang = tr.attribute("name").unwrap().trim_start_matches("P01.");
        let t = &project.interviews["P01"].versions[lang];
        let points: Vec<(usize, u64)> = tr
            .children()
            .filter(|n| n.has_tag_name("SyncPoint"))
            .map(|n| {
                (
                    n.attribute("position").unwrap().parse().unwrap(),
                    n.attribute("timeStamp").unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(points.len(), t.segments.len());
        for (k, (pos, ms)) in points.iter().enumerate() {
            assert_eq!(*pos, t.segment_span(k).start);
            assert_eq!(*ms, t.segments[k].start_ms + 250);
        }
    }
    let selections = doc
        .descendants()
        .filter(|n| n.has_tag_name("PlainTextSelection"))
        .count();
    let (_, _, plain_qde) = read(&plain);
    assert_eq!(
        selections,
        plain_qde.matches("<PlainTextSelection ").count()
    );
    // Read back by intercode (the REFI part only): the texts and codings come back, and the
    // recording is named as not imported (intercode links recordings, never stores them).
    let (_tmp2, other) = sample_project::sample();
    for sub in ["codings/ana", "codings/boris"] {
        std::fs::remove_dir_all(other.join(sub)).unwrap();
    }
    for e in std::fs::read_dir(other.join("transcripts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "vtt") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let o = Command::new(bin)
        .arg("--project")
        .arg(&other)
        .args(["import-refi", out.to_str().unwrap(), "--refi-only"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("P01.opus") && err.contains("media add"),
        "{err}"
    );
}
