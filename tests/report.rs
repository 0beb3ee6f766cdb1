//! Reports on a small fixture whose numbers are computed by hand: frequencies, crosstab,
//! co-occurrence, quotes and themes in every format; Markdown that pandoc converts without a
//! warning; SVG that parses as XML and names every code; and a participant's name, placed in a
//! transcript and in the redaction list, that reaches no export.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const RU: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
Интервьюер: Чего вы боитесь?

2
00:00:05.000 --> 00:00:09.000
Зоя: Меня зовут Зоя, и я боюсь, что меня вышлют из Сербии.

3
00:00:10.000 --> 00:00:14.000
Зоя: Вид на жительство надо продлевать каждый год.
";

const EN: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
Interviewer: What are you afraid of?

2
00:00:05.000 --> 00:00:09.000
Zoya: My name is Zoya, and I am afraid they will expel me from Serbia.

3
00:00:10.000 --> 00:00:14.000
Zoya: The residence permit has to be renewed every year.
";

const P2: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
Interviewer: Do you feel safe?

2
00:00:05.000 --> 00:00:09.000
Oleg: I feel safe in Novi Sad, and my neighbour Goran helps me.
";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_intercode")
}

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("p");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(d.join("transcripts")).unwrap();
    std::fs::create_dir_all(d.join("codebook")).unwrap();
    for f in ["codebook.json", "survey.json"] {
        std::fs::copy(repo.join("codebook").join(f), d.join("codebook").join(f)).unwrap();
    }
    std::fs::write(d.join("transcripts/I1.ru.vtt"), RU).unwrap();
    std::fs::write(d.join("transcripts/I1.en.vtt"), EN).unwrap();
    std::fs::write(d.join("transcripts/I2.en.vtt"), P2).unwrap();
    std::fs::write(
        d.join("transcripts/participants.csv"),
        "id,pseudonym,gender,age_group\nI1,Zoya,female,30-39\nI2,Oleg,male,40-49\n",
    )
    .unwrap();
    std::fs::write(
        d.join("codebook/redactions.json"),
        r#"{"all": [], "interviews": {"I2": ["Goran", "Горан"]}}"#,
    )
    .unwrap();
    let add = |lang: &str, quote: &str, code: &str, interview: &str| {
        let o = Command::new(bin())
            .args([
                "--project",
                d.to_str().unwrap(),
                "--coder",
                "a",
                "code",
                "add",
                "--interview",
                interview,
                "--lang",
                lang,
                "--quote",
                quote,
                "--code",
                code,
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    // I1 en: two codes on overlapping text (co-occurrence 1), one residence passage.
    add(
        "en",
        "My name is Zoya, and I am afraid they will expel me from Serbia.",
        "fear.deportation",
        "I1",
    );
    add("en", "I am afraid", "fear", "I1");
    add(
        "en",
        "The residence permit has to be renewed every year.",
        "citizenship.residence",
        "I1",
    );
    // I2 en: feeling safe, with a name that must be redacted.
    add(
        "en",
        "I feel safe in Novi Sad, and my neighbour Goran helps me.",
        "security.safe_in_serbia",
        "I2",
    );
    (tmp, d)
}

fn report(d: &Path, args: &[&str]) -> String {
    let o = Command::new(bin())
        .args(["--project", d.to_str().unwrap(), "report"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(d: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&report(d, &a)).unwrap()
}

#[test]
fn frequencies_by_hand() {
    let (_t, d) = fixture();
    let v = json(&d, &["frequencies", "--coders", "a"]);
    let code = |id: &str| {
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == id)
            .unwrap()
            .clone()
    };
    // fear = fear ("I am afraid": 3 words) + fear.deportation (14 words): 2 passages in 1 of 2
    // interviews.
    let fear = code("fear");
    assert_eq!(
        (
            fear["passages"].as_u64(),
            fear["words"].as_u64(),
            fear["interviews"].as_u64(),
            fear["interviews_total"].as_u64()
        ),
        (Some(2), Some(17), Some(1), Some(2))
    );
    assert_eq!(fear["parent"], Value::Null);
    assert_eq!(code("fear.deportation")["parent"], "fear");
    assert_eq!(fear["participants"]["gender"]["female"], 1);
    assert!(
        fear["participants"].get("pseudonym").is_none(),
        "pseudonyms are never a breakdown"
    );
    assert_eq!(code("security")["passages"], 1);
    assert_eq!(code("integration")["passages"], 0);
    let csv = report(&d, &["frequencies", "--coders", "a", "--format", "csv"]);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("  fear.deportation,Deportation from Serbia,1,14,1/2")),
        "{csv}"
    );
    let md = report(&d, &["frequencies", "--coders", "a", "--format", "md"]);
    assert!(md.contains("| fear | Fear | 2 | 17 | 1/2 |"), "{md}");
}

#[test]
fn crosstab_and_cooccurrence_by_hand() {
    let (_t, d) = fixture();
    let v = json(&d, &["crosstab", "--by", "gender", "--coders", "a"]);
    assert_eq!(v["values"], serde_json::json!(["female", "male"]));
    assert_eq!(v["totals"], serde_json::json!([1, 1]));
    let row = |id: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row("fear")["counts"], serde_json::json!([1, 0]));
    assert_eq!(row("fear")["shares"], serde_json::json!([1.0, 0.0]));
    assert_eq!(row("security")["counts"], serde_json::json!([0, 1]));
    let v = json(&d, &["cooccurrence", "--coders", "a"]);
    assert_eq!(
        v["pairs"],
        serde_json::json!([{"a": "fear", "b": "fear.deportation", "passages": 1}])
    );
    let t = report(&d, &["cooccurrence", "--coders", "a", "--code", "fear"]);
    // Columns: fear, fear.speaking_out, fear.prosecution, fear.deportation, fear.surveillance.
    assert_eq!(
        t.lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["fear", "–", "0", "0", "1", "0"],
        "{t}"
    );
    // In CSV the diagonal is empty, so that R and pandas read every column as numbers.
    let csv = report(
        &d,
        &[
            "cooccurrence",
            "--coders",
            "a",
            "--code",
            "fear",
            "--format",
            "csv",
        ],
    );
    assert_eq!(csv.lines().nth(1), Some("fear,,0,0,1,0"), "{csv}");
    let e = Command::new(bin())
        .args([
            "--project",
            d.to_str().unwrap(),
            "report",
            "crosstab",
            "--by",
            "pseudonym",
        ])
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(2));
}

#[test]
fn quotes_are_attributed_and_carry_the_original() {
    let (_t, d) = fixture();
    let v = json(&d, &["quotes", "--code", "citizenship", "--coders", "a"]);
    let q = &v["quotes"][0];
    assert_eq!(q["attribution"], "(Female, 30–39 years old)");
    assert_eq!(q["interview"], "I1");
    assert_eq!(q["time"], "00:00:10");
    assert_eq!(
        q["text"],
        "The residence permit has to be renewed every year."
    );
    assert_eq!(q["other_lang"], "ru");
    assert_eq!(
        q["other_text"],
        "Вид на жительство надо продлевать каждый год."
    );
    let md = report(
        &d,
        &[
            "quotes",
            "--code",
            "citizenship",
            "--coders",
            "a",
            "--format",
            "md",
        ],
    );
    assert!(md.contains("> The residence permit has to be renewed every year.\n>\n> — (Female, 30–39 years old), I1, 00:00:10"), "{md}");
    assert!(
        md.contains("Original (ru): *Вид на жительство надо продлевать каждый год.*"),
        "{md}"
    );
}

#[test]
fn names_never_reach_an_export() {
    let (tmp, d) = fixture();
    let mut outputs = Vec::new();
    for kind in [
        ["quotes", "--code", "fear"],
        ["quotes", "--code", "security"],
        ["themes", "", ""],
        ["frequencies", "", ""],
        ["crosstab", "", ""],
    ] {
        for fmt in ["table", "md", "csv", "json", "svg"] {
            let mut args: Vec<&str> = kind.iter().copied().filter(|s| !s.is_empty()).collect();
            args.extend(["--coders", "a", "--format", fmt]);
            let o = Command::new(bin())
                .args(["--project", d.to_str().unwrap(), "report"])
                .args(&args)
                .output()
                .unwrap();
            if o.status.success() {
                outputs.push((args.join(" "), String::from_utf8(o.stdout).unwrap()));
            }
        }
    }
    // And through --out.
    let out = tmp.path().join("q.md");
    report(
        &d,
        &[
            "quotes",
            "--code",
            "fear",
            "--coders",
            "a",
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    outputs.push(("--out".into(), std::fs::read_to_string(out).unwrap()));
    assert!(outputs.len() > 15);
    let quotes: String = outputs
        .iter()
        .filter(|(a, _)| a.starts_with("quotes"))
        .map(|(_, o)| o.as_str())
        .collect();
    assert!(
        quotes.contains("[…]") && quotes.contains("expel me from Serbia"),
        "the quote is there, redacted: {quotes}"
    );
    for (args, o) in &outputs {
        for name in ["Zoya", "Зоя", "Goran", "Oleg", "Олег"] {
            assert!(!o.contains(name), "`{name}` leaked in report {args}:\n{o}");
        }
    }
}

#[test]
fn markdown_converts_with_pandoc_and_svg_is_xml() {
    let (_t, d) = fixture();
    let svg = report(&d, &["frequencies", "--coders", "a", "--format", "svg"]);
    let doc = roxmltree::Document::parse(&svg).expect("SVG parses as XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    let cb: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("codebook/codebook.json")).unwrap())
            .unwrap();
    fn ids(codes: &Value, out: &mut Vec<String>) {
        for c in codes.as_array().unwrap() {
            out.push(c["id"].as_str().unwrap().to_string());
            if let Some(ch) = c.get("children") {
                ids(ch, out);
            }
        }
    }
    let mut all = Vec::new();
    ids(&cb["codes"], &mut all);
    for id in &all {
        assert!(text.contains(id.as_str()), "the chart names {id}");
    }
    let svg = report(
        &d,
        &[
            "crosstab",
            "--by",
            "age_group",
            "--coders",
            "a",
            "--format",
            "svg",
        ],
    );
    roxmltree::Document::parse(&svg).expect("crosstab SVG parses");

    let have_pandoc = Command::new("pandoc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        have_pandoc || std::env::var_os("CI").is_none(),
        "CI installs pandoc"
    );
    if !have_pandoc {
        eprintln!("skipping the pandoc check: pandoc not installed");
        return;
    }
    for args in [
        vec!["themes"],
        vec!["quotes", "--code", "fear"],
        vec!["frequencies"],
        vec!["crosstab"],
        vec!["cooccurrence"],
    ] {
        let mut a = args.clone();
        a.extend(["--coders", "a", "--format", "md"]);
        let md = report(&d, &a);
        let mut child = Command::new("pandoc")
            .args(["--from", "markdown", "--to", "html", "--fail-if-warnings"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(md.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let html = String::from_utf8_lossy(&o.stdout);
        assert!(
            html.contains("<table") || html.contains("<blockquote"),
            "{args:?}: {html}"
        );
    }
}

#[test]
fn sample_themes_read_like_a_results_section() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = report(repo, &["themes", "--format", "md"]);
    for heading in [
        "# Survey themes and interview evidence",
        "## Security",
        "## Fear",
        "## Integration",
        "## Citizenship",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("| Feel safe in Serbia | 96.5% |"), "{md}");
    assert!(
        md.matches("\n> — (").count() >= 8,
        "quotes under the themes: {md}"
    );
    for name in [
        "Katya",
        "Катя",
        "Oleg",
        "Олег",
        "Artyom",
        "Артём",
        "Lera",
        "Лера",
        "Misha",
        "Миша",
        "Irina",
        "Ирина",
    ] {
        assert!(!md.contains(name), "{name} leaked");
    }
}
