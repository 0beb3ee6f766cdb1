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
Oleg: I feel safe in Novi Sad, and my neighbour Goran helps me; Goran's wife too.
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
    // Counts by hand need cells of 1 shown as 1 (the default hides cells under 3).
    std::fs::write(d.join("codebook/analysis.json"), r#"{"min_cell": 1}"#).unwrap();
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
        "I feel safe in Novi Sad, and my neighbour Goran helps me; Goran's wife too.",
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
    // fear rolls up fear ("I am afraid", 3 words) and fear.deportation (14 words), and the
    // first lies inside the second: one passage of 14 words, in 1 of 2 interviews.
    assert_eq!(v["coders"], "codings of a");
    assert_eq!(v["unit"], "passage");
    let fear = code("fear");
    assert_eq!(
        (
            fear["passages"].as_u64(),
            fear["words"].as_u64(),
            fear["participants"].as_u64(),
            fear["participants_total"].as_u64()
        ),
        (Some(1), Some(14), Some(1), Some(2))
    );
    assert_eq!(fear["parent"], Value::Null);
    assert_eq!(code("fear.deportation")["parent"], "fear");
    assert_eq!(code("fear.deportation")["depth"], 1);
    assert_eq!(fear["by_attribute"]["gender"]["female"], 1);
    assert_eq!(fear["by_attribute"]["gender"]["male"], 0);
    assert!(
        fear["by_attribute"].get("pseudonym").is_none(),
        "pseudonyms are never a breakdown"
    );
    assert_eq!(code("security")["passages"], 1);
    assert_eq!(code("integration")["passages"], 0);
    // Tidy CSV: the coder set, code, parent, depth, name and numbers in columns of their own.
    let csv = report(&d, &["frequencies", "--coders", "a", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("coders,code,parent,depth,name,passages,words,participants,participants_total,age_group=30-39,age_group=40-49,gender=female,gender=male"),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l
            == "codings of a,fear.deportation,fear,1,Deportation from Serbia,1,14,1,2,1,0,1,0"),
        "{csv}"
    );
    // Markdown keeps the tree (non-breaking spaces survive pandoc), names left, numbers right.
    let md = report(&d, &["frequencies", "--coders", "a", "--format", "md"]);
    assert!(md.contains("| fear | Fear | 1 | 14 | 1/2 |"), "{md}");
    assert!(
        md.contains("| \u{a0}\u{a0}\u{a0}\u{a0}fear.deportation | Deportation from Serbia | 1 |"),
        "{md}"
    );
    assert!(md.contains("|:---|:---|---:|---:|---:|"), "{md}");
    assert!(
        md.contains("\nTable: Coded passages per code (codings of a)."),
        "{md}"
    );
    let table = report(&d, &["frequencies", "--coders", "a"]);
    assert!(
        table.starts_with("Coded passages per code (codings of a)\n"),
        "{table}"
    );
}

#[test]
fn crosstab_and_cooccurrence_by_hand() {
    let (_t, d) = fixture();
    let v = json(&d, &["crosstab", "--by", "gender", "--coders", "a"]);
    assert_eq!(v["coders"], "codings of a");
    let v = &v["crosstab"];
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
            .nth(3)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["fear", "–", "0", "0", "1", "0"],
        "{t}"
    );
    // CSV is tidy: one row per pair of codes, with the coder set.
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
    assert_eq!(
        csv.lines().next(),
        Some("coders,code_a,code_b,passages"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l == "codings of a,fear,fear.deportation,1"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l == "codings of a,fear,fear.prosecution,0"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 5 * 4 / 2, "{csv}");
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
        md.contains("Aligned ru text: *Вид на жительство надо продлевать каждый год.*"),
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
        "# Survey figures and interview evidence",
        "## Security",
        "## Fear",
        "## Integration",
        "## Citizenship",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(
        md.contains("| Feel safe in Serbia | 96.5% | security.safe\\_in\\_serbia |")
            || md.contains("| Feel safe in Serbia | 96.5% | security.safe_in_serbia |"),
        "{md}"
    );
    // A quote is evidence for one figure only.
    let quotes: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("> ") && !l.starts_with("> —"))
        .collect();
    let unique: std::collections::BTreeSet<&&str> = quotes.iter().collect();
    assert_eq!(unique.len(), quotes.len(), "a quote used twice: {md}");
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

/// Runs intercode in `d`; returns (exit code, stdout, stderr).
fn run(d: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin())
        .args(["--project", d.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn add_as(d: &Path, coder: &str, lang: &str, quote: &str, code: &str, both: bool) {
    let mut args = vec![
        "--coder",
        coder,
        "code",
        "add",
        "--interview",
        "I1",
        "--lang",
        lang,
        "--quote",
        quote,
        "--code",
        code,
    ];
    if both {
        args.push("--both");
    }
    let (rc, _, err) = run(d, &args);
    assert_eq!(rc, 0, "{err}");
}

/// The passages of one code by `report frequencies --format json` with extra arguments.
fn passages(d: &Path, code: &str, extra: &[&str]) -> (u64, String) {
    let mut args = vec!["frequencies"];
    args.extend(extra);
    let v = json(d, &args);
    let n = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["passages"]
        .as_u64()
        .unwrap();
    (n, v["coders"].as_str().unwrap().to_string())
}

/// A passage coded in both languages by two coders is one passage, for every coder set, and
/// every place that shows a count says so: frequencies, codebook list, quotes, themes and the
/// terminal UI's codebook view.
#[test]
fn a_passage_counts_once_whatever_its_languages_and_coders() {
    let (_t, d) = fixture();
    let zoya = "My name is Zoya, and I am afraid they will expel me from Serbia.";
    // `a` has it in English only (from the fixture); now in Russian too, and `b` in both, with
    // a span that differs a little from a's.
    add_as(
        &d,
        "a",
        "ru",
        "Меня зовут Зоя, и я боюсь, что меня вышлют из Сербии.",
        "fear.deportation",
        false,
    );
    add_as(
        &d,
        "b",
        "en",
        "I am afraid they will expel me from Serbia.",
        "fear.deportation",
        true,
    );
    // Hand count: 4 codings of fear.deportation (a en, a ru, b en, b ru) on one passage.
    assert_eq!(passages(&d, "fear.deportation", &["--coders", "a"]).0, 1);
    assert_eq!(passages(&d, "fear.deportation", &["--coders", "b"]).0, 1);
    let (n, who) = passages(&d, "fear.deportation", &[]);
    assert_eq!((n, who.as_str()), (1, "codings of a and b"));
    assert_eq!(passages(&d, "fear.deportation", &["--all-coders"]).0, 1);
    // fear: its own coding ("I am afraid", a, en) lies inside the same passage.
    assert_eq!(passages(&d, "fear", &[]).0, 1);
    // Russian codings alone: still one passage.
    assert_eq!(passages(&d, "fear.deportation", &["--lang", "ru"]).0, 1);

    let (_, list, _) = run(&d, &["codebook", "list"]);
    assert!(
        list.starts_with("passages of codings of a and b\n"),
        "{list}"
    );
    let line = list
        .lines()
        .find(|l| l.trim_start().starts_with("fear.deportation "))
        .unwrap();
    assert_eq!(line.split_whitespace().nth(1), Some("1"), "{list}");

    let q = json(&d, &["quotes", "--code", "fear.deportation"]);
    assert_eq!(q["passages"], 1);
    assert_eq!(q["quotes"].as_array().unwrap().len(), 1);
    assert_eq!(q["quotes"][0]["coders"], serde_json::json!(["a", "b"]));
    // The English text is the union of the coders' spans, redacted; the Russian is theirs.
    assert_eq!(q["quotes"][0]["text"], zoya.replace("Zoya", "[…]").as_str());
    assert_eq!(
        q["quotes"][0]["other_text"],
        "Меня зовут […], и я боюсь, что меня вышлют из Сербии."
    );
    let md = report(
        &d,
        &["quotes", "--code", "fear.deportation", "--format", "md"],
    );
    assert!(
        md.contains("(1 passages)")
            && md.contains("Counted: codings of a and b.")
            && md.contains("Code: fear.deportation; coded by a, b."),
        "{md}"
    );

    // The residence passage: a in English, b in Russian with its English copy.
    add_as(
        &d,
        "b",
        "ru",
        "Вид на жительство надо продлевать каждый год.",
        "citizenship.residence",
        true,
    );
    let themes = json(&d, &["themes"]);
    let figs: Vec<&Value> = themes["themes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["figures"].as_array().unwrap())
        .filter(|f| f["code"] == "citizenship.residence")
        .collect();
    assert!(!figs.is_empty());
    for f in figs {
        assert_eq!(
            (f["passages"].as_u64(), f["participants"].as_u64()),
            (Some(1), Some(1))
        );
    }

    // The TUI's codebook view shows the same number, and says whose codings it counts.
    let mut app = intercode::tui::App::new(&d, "a", false).unwrap();
    app.ensure_report();
    let data = app.report_view.data.as_ref().unwrap();
    let row = data
        .everyone
        .iter()
        .find(|c| c.code == "fear.deportation")
        .unwrap();
    assert_eq!(row.passages, 1);
    assert_eq!(data.everyone_set, "codings of a and b");
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    app.handle_key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('3'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    term.draw(|f| {
        app.prepare(f.area());
        app.draw(f)
    })
    .unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .chunks(120)
        .map(|r| r.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    assert!(screen.contains("passages of a+b"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("fear.deportation"))
        .unwrap();
    let after: Vec<&str> = row
        .split("fear.deportation")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(after.first(), Some(&"1"), "{screen}");
}

/// The consensus is the coders' agreed passages plus the decisions so far, and says how far
/// reconciling has come; a decision of "neither" removes an agreed passage on its segment.
#[test]
fn consensus_is_agreement_plus_decisions() {
    let (_t, d) = fixture();
    let zoya = "My name is Zoya, and I am afraid they will expel me from Serbia.";
    let permit = "The residence permit has to be renewed every year.";
    // b agrees with a on the deportation passage and leaves out the residence permit.
    add_as(&d, "b", "en", zoya, "fear.deportation", false);
    add_as(&d, "b", "en", "I am afraid", "fear", false);
    // Undecided: the union counts everything.
    assert_eq!(passages(&d, "citizenship.residence", &[]).0, 1);
    // One decision: the consensus takes a's residence coding on segment 2 (en).
    add_as(
        &d,
        "consensus",
        "en",
        permit,
        "citizenship.residence",
        false,
    );
    std::fs::write(
        d.join("codings/consensus/decisions.tsv"),
        "I1\ten\t2\tfirst\t2026-12-03T10:00:00Z\n",
    )
    .unwrap();
    let v = json(&d, &["frequencies"]);
    let who = v["coders"].as_str().unwrap();
    assert!(who.starts_with("consensus of a and b, 1 of "), "{who}");
    assert!(who.ends_with(" disagreements decided"), "{who}");
    let n = |v: &Value, code: &str| {
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()["passages"]
            .as_u64()
            .unwrap()
    };
    // Agreed (both coders) + decided; not one coding.
    assert_eq!(n(&v, "fear.deportation"), 1);
    assert_eq!(n(&v, "citizenship.residence"), 1);
    // I2's passage was coded by a alone and is undecided: not in the consensus.
    assert_eq!(n(&v, "security.safe_in_serbia"), 0);
    let md = report(&d, &["frequencies", "--format", "md"]);
    assert!(md.contains("(consensus of a and b, 1 of "), "{md}");
    // "Neither" on segment 1 (en): the agreed deportation passage there no longer counts.
    std::fs::write(
        d.join("codings/consensus/decisions.tsv"),
        "I1\ten\t2\tfirst\t2026-12-03T10:00:00Z\nI1\ten\t1\tneither\t2026-12-03T10:01:00Z\n",
    )
    .unwrap();
    let v = json(&d, &["frequencies"]);
    assert_eq!(n(&v, "fear.deportation"), 0);
    assert_eq!(n(&v, "citizenship.residence"), 1);
    // A third coder does not change whose consensus it is (the pair the Disagreements view
    // reconciles), and the consensus of a named pair can be asked for.
    add_as(&d, "c", "en", permit, "citizenship.residence", false);
    let v = json(&d, &["frequencies"]);
    assert!(
        v["coders"]
            .as_str()
            .unwrap()
            .starts_with("consensus of a and b, "),
        "{v}"
    );
    let v = json(&d, &["frequencies", "--coders", "a,b,consensus"]);
    assert!(
        v["coders"]
            .as_str()
            .unwrap()
            .starts_with("consensus of a and b, "),
        "{v}"
    );
    // Each coder can still be counted alone, and says so.
    let (n_a, who) = passages(&d, "security.safe_in_serbia", &["--coders", "a"]);
    assert_eq!((n_a, who.as_str()), (1, "codings of a"));
    let (rc, _, err) = run(&d, &["report", "frequencies", "--coders", "nobody"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("no codings by coder `nobody`"), "{err}");
}

/// Interviewers' turns are not evidence, and a coding whose transcript changed under it is
/// never quoted or counted: it is named on stderr and in the note.
#[test]
fn interviewer_turns_and_drifted_codings_are_left_out_and_said() {
    let (_t, d) = fixture();
    add_as(&d, "a", "en", "What are you afraid of?", "fear", false);
    let v = json(&d, &["frequencies", "--coders", "a"]);
    let fear = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "fear")
        .unwrap()
        .clone();
    assert_eq!(fear["passages"], 1);
    assert!(
        v["note"]
            .as_str()
            .unwrap()
            .contains("1 coding(s) on interviewers' turns not counted"),
        "{v}"
    );
    // A one-word fix in the transcript under the residence coding.
    let en = std::fs::read_to_string(d.join("transcripts/I1.en.vtt")).unwrap();
    std::fs::write(
        d.join("transcripts/I1.en.vtt"),
        en.replace("The residence permit has", "The residency permit has"),
    )
    .unwrap();
    let (rc, out, err) = run(
        &d,
        &["report", "quotes", "--code", "citizenship", "--coders", "a"],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(err.contains("drifted"), "{err}");
    assert!(out.contains("(0 passages; codings of a)"), "{out}");
    assert!(out.contains("1 drifted coding(s) left out"), "{out}");
    assert!(
        !out.contains("renewed every year"),
        "a drifted coding is never quoted: {out}"
    );
    let v = json(&d, &["frequencies", "--coders", "a"]);
    let c = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "citizenship")
        .unwrap()
        .clone();
    assert_eq!(c["passages"], 0);
}

/// Small cells are shown as `<3` in every format, and private columns never appear.
#[test]
fn small_cells_are_suppressed_and_private_columns_stay_private() {
    let (_t, d) = fixture();
    std::fs::remove_file(d.join("codebook/analysis.json")).unwrap();
    let v = json(&d, &["crosstab", "--by", "gender", "--coders", "a"]);
    assert_eq!(
        v["crosstab"]["rows"][0]["counts"],
        serde_json::json!(["<3", "<3"]),
        "in groups of one participant even a 0 is hidden"
    );
    assert_eq!(v["crosstab"]["totals"], serde_json::json!(["<3", "<3"]));
    assert_eq!(
        v["crosstab"]["rows"][0]["shares"],
        serde_json::json!([null, null])
    );
    for fmt in ["table", "md", "csv"] {
        let out = report(
            &d,
            &[
                "crosstab", "--by", "gender", "--coders", "a", "--format", fmt,
            ],
        );
        assert!(out.contains("<3"), "{fmt}: {out}");
    }
    let v = json(&d, &["frequencies", "--coders", "a"]);
    assert_eq!(v["codes"][0]["by_attribute"]["gender"]["female"], "<3");
    // Mark age_group private: it leaves every report.
    std::fs::write(
        d.join("codebook/analysis.json"),
        r#"{"private_columns": ["age_group"]}"#,
    )
    .unwrap();
    for fmt in ["table", "md", "csv", "json"] {
        let out = report(&d, &["frequencies", "--coders", "a", "--format", fmt]);
        assert!(
            !out.contains("age_group") && !out.contains("30-39"),
            "{fmt}: {out}"
        );
    }
    let (rc, _, err) = run(&d, &["report", "crosstab", "--by", "age_group"]);
    assert_eq!(rc, 2);
    assert!(err.contains("private"), "{err}");
    // A broken settings file is named with its line.
    std::fs::write(
        d.join("codebook/analysis.json"),
        "{\n  \"min_cell\": \"x\"\n}",
    )
    .unwrap();
    let (rc, _, err) = run(&d, &["report", "frequencies"]);
    assert_eq!(rc, 1);
    assert!(err.contains("analysis.json") && err.contains(":2"), "{err}");
}

/// The same coding added twice is stored once; `--both` leaves the other language alone
/// when it already has the code on the aligned passage.
#[test]
fn a_coding_is_never_added_twice() {
    let (_t, d) = fixture();
    let permit = "The residence permit has to be renewed every year.";
    let count = |d: &Path| {
        let (_, out, _) = run(d, &["code", "list", "--coder", "a", "--format", "json"]);
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = count(&d);
    let (rc, _, err) = run(
        &d,
        &[
            "--coder",
            "a",
            "code",
            "add",
            "--interview",
            "I1",
            "--lang",
            "en",
            "--quote",
            permit,
            "--code",
            "citizenship.residence",
            "--both",
        ],
    );
    assert_eq!(rc, 0);
    assert!(err.contains("already coded, not added again"), "{err}");
    assert_eq!(count(&d), before + 1, "only the Russian copy is new");
    let (rc, _, err) = run(
        &d,
        &[
            "--coder",
            "a",
            "code",
            "add",
            "--interview",
            "I1",
            "--lang",
            "ru",
            "--quote",
            "Вид на жительство",
            "--code",
            "citizenship.residence",
            "--both",
        ],
    );
    assert_eq!(rc, 0, "{err}");
    // The Russian span is new (a part of the segment); the English side already has it.
    assert_eq!(count(&d), before + 2, "{err}");
}

/// Quotes keep line breaks as spaces, and nothing from a transcript or codebook reaches the
/// terminal raw.
#[test]
fn reports_print_no_raw_control_characters() {
    let (_t, d) = fixture();
    let cb = std::fs::read_to_string(d.join("codebook/codebook.json")).unwrap();
    std::fs::write(
        d.join("codebook/codebook.json"),
        cb.replacen("\"Fear\"", "\"Fe\\u001b[31mar\\u202e\"", 1),
    )
    .unwrap();
    for kind in [
        &["frequencies"][..],
        &["quotes", "--code", "fear"],
        &["crosstab"],
        &["themes"],
    ] {
        for fmt in ["table", "md", "csv"] {
            let mut a = kind.to_vec();
            a.extend(["--coders", "a", "--format", fmt]);
            let out = report(&d, &a);
            assert!(
                !out.contains('\u{1b}') && !out.contains('\u{202e}'),
                "{a:?}: {out}"
            );
        }
    }
}
