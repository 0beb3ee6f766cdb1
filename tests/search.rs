//! Search end to end on a small bilingual fixture: Russian and English morphology, ё/е,
//! phrases, boolean logic, filters, transliteration both ways, code-switching, highlights on
//! Cyrillic and emoji, `code:`, and an index that is only ever a cache.

use intercode::search::{Freshness, SearchIndex};
use intercode::Project;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RU: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
Интервьюер: Чего вы боитесь больше всего?

2
00:00:05.000 --> 00:00:09.000
Катя: Страха у меня нет, но со страхом я живу. 😬 Страху всё равно.

3
00:00:10.000 --> 00:00:14.000
Катя: Я боюсь, что не продлят вид на жительство.

4
00:00:15.000 --> 00:00:19.000
Катя: Работаю remote, это working для меня. Ещё живём в Београде.

5
00:00:20.000 --> 00:00:24.000
Катя: Мне нравится Beograd, честно.
";

const EN: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
Interviewer: What are you most afraid of?

2
00:00:05.000 --> 00:00:09.000
Katya: I have no fear, but I live with fears. 😬 Fear does not care.

3
00:00:10.000 --> 00:00:14.000
Katya: I am afraid they will not renew the residence permit.

4
00:00:15.000 --> 00:00:19.000
Katya: I work remotely, it works for me. We still live in Belgrade.

5
00:00:20.000 --> 00:00:24.000
Katya: I like Beograd, honestly.
";

const P2: &str = "WEBVTT

1
00:00:01.000 --> 00:00:03.000
Oleg: They deported my friend. Deportation is real.
";

fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.join("transcripts")).unwrap();
    std::fs::create_dir_all(dir.join("codebook")).unwrap();
    std::fs::copy(
        repo.join("codebook/codebook.json"),
        dir.join("codebook/codebook.json"),
    )
    .unwrap();
    std::fs::write(dir.join("transcripts/K1.ru.vtt"), RU).unwrap();
    std::fs::write(dir.join("transcripts/K1.en.vtt"), EN).unwrap();
    std::fs::write(dir.join("transcripts/K2.en.vtt"), P2).unwrap();
    std::fs::write(
        dir.join("transcripts/participants.csv"),
        "id,gender,age_group\nK1,female,30-39\nK2,male,40-49\n",
    )
    .unwrap();
    (tmp, dir)
}

fn open(dir: &Path) -> SearchIndex {
    SearchIndex::open(dir, None, &mut |_, _| {}).unwrap().0
}

/// (interview, lang, segment) of every hit.
fn hits(idx: &SearchIndex, q: &str) -> Vec<(String, String, usize)> {
    let r = idx
        .search(q, 100, None)
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(r.total, r.hits.len(), "{q}");
    let mut v: Vec<_> = r
        .hits
        .into_iter()
        .map(|h| (h.interview, h.lang, h.segment))
        .collect();
    v.sort();
    v
}

fn segs(idx: &SearchIndex, q: &str) -> Vec<String> {
    hits(idx, q)
        .into_iter()
        .map(|(i, l, s)| format!("{i}.{l}.{s}"))
        .collect()
}

#[test]
fn russian_and_english_morphology() {
    let (_t, dir) = project();
    let idx = open(&dir);
    // страх finds страха, страхом, страху (all in segment 1).
    assert_eq!(segs(&idx, "страх"), ["K1.ru.1"]);
    assert_eq!(segs(&idx, "страху"), ["K1.ru.1"]);
    // боюсь finds боюсь, and боитесь (the same verb); the exact form only боюсь.
    assert_eq!(segs(&idx, "=боюсь"), ["K1.ru.2"]);
    assert_eq!(segs(&idx, "боюсь"), ["K1.ru.0", "K1.ru.2"]);
    // English stemming: fears/fear, deported/deportation, works/working.
    assert_eq!(segs(&idx, "fears"), ["K1.en.1"]);
    assert_eq!(segs(&idx, "deportation"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "afraid"), ["K1.en.0", "K1.en.2"]);
}

#[test]
fn yo_and_ye_are_one_letter() {
    let (_t, dir) = project();
    let idx = open(&dir);
    assert_eq!(segs(&idx, "еще"), ["K1.ru.3"]);
    assert_eq!(segs(&idx, "ещё"), ["K1.ru.3"]);
    assert_eq!(segs(&idx, "живем"), segs(&idx, "живём"));
}

#[test]
fn phrases_boolean_prefix_fuzzy_regex() {
    let (_t, dir) = project();
    let idx = open(&dir);
    assert_eq!(segs(&idx, "\"вид на жительство\""), ["K1.ru.2"]);
    assert_eq!(segs(&idx, "\"жительство вид\""), Vec::<String>::new());
    assert_eq!(segs(&idx, "\"residence permit\""), ["K1.en.2"]);
    assert_eq!(segs(&idx, "afraid AND renew"), ["K1.en.2"]);
    assert_eq!(segs(&idx, "afraid -renew"), ["K1.en.0"]);
    assert_eq!(segs(&idx, "afraid NOT renew"), ["K1.en.0"]);
    assert_eq!(segs(&idx, "(страх OR fear) lang:en"), ["K1.en.1"]);
    assert_eq!(segs(&idx, "deport*"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "afriad~1"), ["K1.en.0", "K1.en.2"]);
    assert_eq!(segs(&idx, "/[Dd]eport(ed|ation)/"), ["K2.en.0"]);
    assert_eq!(
        segs(&idx, "/Deportation/ OR =боюсь"),
        ["K1.ru.2", "K2.en.0"]
    );
}

#[test]
fn filters_by_language_speaker_interview_and_attributes() {
    let (_t, dir) = project();
    let idx = open(&dir);
    assert_eq!(segs(&idx, "(fear OR страх) lang:ru"), ["K1.ru.1"]);
    // OR binds looser than the implicit AND.
    assert_eq!(segs(&idx, "fear OR страх lang:ru"), ["K1.en.1", "K1.ru.1"]);
    assert_eq!(hits(&idx, "speaker:katya").len(), 4);
    assert_eq!(hits(&idx, "speaker:Катя").len(), 4);
    assert_eq!(segs(&idx, "deported interview:K2"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "deported gender:female"), Vec::<String>::new());
    assert_eq!(
        segs(&idx, "deported gender:male age_group:40-49"),
        ["K2.en.0"]
    );
    let e = idx
        .search("x colour:red", 10, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown filter `colour:`") && e.contains("gender"),
        "{e}"
    );
}

#[test]
fn transliteration_both_ways_and_code_switching() {
    let (_t, dir) = project();
    let idx = open(&dir);
    // Latin finds Cyrillic and back.
    assert_eq!(segs(&idx, "Beograd"), ["K1.en.4", "K1.ru.3", "K1.ru.4"]);
    assert_eq!(segs(&idx, "Београд"), ["K1.en.4", "K1.ru.3", "K1.ru.4"]);
    assert_eq!(segs(&idx, "\"vid na zhitelstvo\""), ["K1.ru.2"]);
    // A Russian segment with English words: each word stems in its own language.
    assert_eq!(segs(&idx, "работаю work lang:ru"), ["K1.ru.3"]);
    assert_eq!(segs(&idx, "remote"), ["K1.en.3", "K1.ru.3"]); // remotely stems to remot too
                                                              // A phrase across the two scripts is found; a Latin phrase does not jump over a
                                                              // Cyrillic word between its words ("remote, это working").
    assert_eq!(segs(&idx, "\"работаю remote\""), ["K1.ru.3"]);
    assert_eq!(segs(&idx, "\"remote это working\""), ["K1.ru.3"]);
    assert_eq!(segs(&idx, "\"remote working\""), Vec::<String>::new());
}

#[test]
fn updating_one_interview_does_not_hide_an_edit_to_another() {
    let (_t, dir) = project();
    let mut idx = open(&dir);
    std::fs::write(
        dir.join("transcripts/K2.en.vtt"),
        "WEBVTT\n\n00:01.000 --> 00:02.000\nOleg: Edited by hand.\n",
    )
    .unwrap();
    let project = Project::load(&dir).unwrap().0;
    idx.update_interview(&project, "K1").unwrap();
    drop(idx);
    let (idx, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert_eq!(
        fresh,
        Freshness::Updated {
            changed: 1,
            removed: 0
        }
    );
    assert_eq!(segs(&idx, "hand"), ["K2.en.0"]);
}

#[test]
fn attribute_filters_follow_participants_csv_without_reindexing() {
    let (_t, dir) = project();
    drop(open(&dir));
    std::fs::write(
        dir.join("transcripts/participants.csv"),
        "id,gender,age_group,city\nK1,female,30-39,Novi Sad\nK2,female,40-49,Belgrade\n",
    )
    .unwrap();
    let (idx, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert!(
        matches!(
            fresh,
            intercode::search::Freshness::Updated {
                changed: 0,
                removed: 0
            }
        ),
        "{fresh:?}"
    );
    assert_eq!(segs(&idx, "deported gender:female"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "deported gender:male"), Vec::<String>::new());
    assert_eq!(segs(&idx, "deported city:Belgrade"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "afraid city:Belgrade"), Vec::<String>::new());
}

#[test]
fn highlights_are_code_point_ranges_and_translations_align() {
    let (_t, dir) = project();
    let idx = open(&dir);
    let r = idx.search("страх", 10, None).unwrap();
    let h = &r.hits[0];
    let chars: Vec<char> = h.text.chars().collect();
    let marked: Vec<String> = h
        .highlights
        .iter()
        .map(|[a, b]| chars[*a..*b].iter().collect())
        .collect();
    assert_eq!(marked, ["Страха", "страхом", "Страху"]);
    // The emoji before "Страху" is one code point; offsets count it as one (python:
    // text.index("Страху") == 43).
    assert_eq!(h.highlights[2], [43, 49]);
    assert_eq!(
        h.translation.as_deref(),
        Some("I have no fear, but I live with fears. 😬 Fear does not care.")
    );
    let r = idx.search("Beograd lang:ru", 10, None).unwrap();
    assert!(r.hits.iter().all(|h| !h.highlights.is_empty()));
}

#[test]
fn code_filter_joins_codings() {
    let (_t, dir) = project();
    let bin = env!("CARGO_BIN_EXE_intercode");
    let o = Command::new(bin)
        .args([
            "--project",
            dir.to_str().unwrap(),
            "--coder",
            "ana",
            "code",
            "add",
            "--interview",
            "K1",
            "--lang",
            "ru",
            "--quote",
            "не продлят вид на жительство",
            "--code",
            "citizenship.residence",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let idx = open(&dir);
    assert_eq!(segs(&idx, "code:citizenship.residence"), ["K1.ru.2"]);
    assert_eq!(segs(&idx, "code:citizenship боюсь"), ["K1.ru.2"]);
    assert_eq!(segs(&idx, "code:fear"), Vec::<String>::new());
    assert_eq!(
        idx.search("code:citizenship", 10, Some("boris"))
            .unwrap()
            .total,
        0
    );
    assert!(idx.search("code:nonsense", 10, None).is_err());
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_intercode"))
        .arg("--project")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_index_is_only_a_cache() {
    let (_t, dir) = project();
    let (idx, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert!(matches!(fresh, Freshness::Rebuilt { .. }));
    let n = idx.len();
    drop(idx);
    let (_, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert_eq!(fresh, Freshness::Fresh);

    // Deleted: rebuilt, with a message.
    std::fs::remove_dir_all(dir.join(".intercode")).unwrap();
    let o = cli(&dir, &["search", "страх"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("search index built (there was none)"));

    // Corrupted: every file in it overwritten with garbage; rebuilt, with a message.
    for e in std::fs::read_dir(dir.join(".intercode/index")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x != "json") {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let o = cli(&dir, &["search", "страх", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("search index built"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 1);
    std::fs::write(dir.join(".intercode/index/intercode-meta.json"), "{").unwrap();
    assert!(cli(&dir, &["search", "страх"]).status.success());
    assert_eq!(open(&dir).len(), n);
}

#[test]
fn imported_text_is_searchable_at_once() {
    let (tmp, dir) = project();
    open(&dir);
    let src = tmp.path().join("K3.en.vtt");
    std::fs::write(
        &src,
        "WEBVTT\n\n00:01.000 --> 00:02.000\nIrina: Novi Sad is quiet and kind.\n",
    )
    .unwrap();
    let o = cli(&dir, &["import", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The import updated the index; opening it finds nothing left to do.
    let (idx, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert_eq!(fresh, Freshness::Fresh);
    assert_eq!(segs(&idx, "quiet"), ["K3.en.0"]);
    // An edited transcript is picked up on the next open, interview by interview.
    std::fs::write(
        dir.join("transcripts/K2.en.vtt"),
        "WEBVTT\n\n00:01.000 --> 00:02.000\nOleg: Everything changed.\n",
    )
    .unwrap();
    let (idx, fresh) = SearchIndex::open(&dir, None, &mut |_, _| {}).unwrap();
    assert_eq!(
        fresh,
        Freshness::Updated {
            changed: 1,
            removed: 0
        }
    );
    assert_eq!(segs(&idx, "deported"), Vec::<String>::new());
    assert_eq!(segs(&idx, "changed"), ["K2.en.0"]);
    drop(idx);
    // A file edited by hand, then another interview imported: the hand edit is not lost
    // from the index, whoever notices it first.
    std::fs::write(
        dir.join("transcripts/K2.en.vtt"),
        "WEBVTT

00:01.000 --> 00:02.000
Oleg: Edited by hand.
",
    )
    .unwrap();
    std::fs::write(
        &src,
        "WEBVTT

00:01.000 --> 00:02.000
Irina: Novi Sad is loud now.
",
    )
    .unwrap();
    let o = cli(&dir, &["import", "--force", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let idx = open(&dir);
    assert_eq!(segs(&idx, "hand"), ["K2.en.0"]);
    assert_eq!(segs(&idx, "loud"), ["K3.en.0"]);
    let _ = Project::load(&dir).unwrap();
}

#[test]
fn cli_formats_and_errors() {
    let (_t, dir) = project();
    let o = cli(&dir, &["search", "\"вид на", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("column 1: this quote is never closed"), "{e}");
    let o = cli(&dir, &["search", "afraid", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["query"], "afraid");
    assert_eq!(v["total"], 2);
    let hit = &v["hits"][0];
    for key in [
        "interview",
        "lang",
        "segment",
        "start_ms",
        "end_ms",
        "speaker",
        "text",
        "highlights",
        "translation",
    ] {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
    let o = cli(&dir, &["search", "afraid", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(
        csv.starts_with(
            "interview,lang,segment,start_ms,end_ms,speaker,text,highlights,translation"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);
    let o = cli(&dir, &["search", "afraid", "--limit", "1"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 of 2 matching segment(s) shown"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("[afraid]"));
}

/// A lone word is counted from the term dictionary, except where an update has left deleted
/// documents behind; both ways must give the number of segments actually listed.
#[test]
fn counts_of_a_lone_word_hold_after_an_update_leaves_deleted_documents() {
    let (_t, dir) = project();
    let mut idx = open(&dir);
    assert_eq!(segs(&idx, "=afraid"), ["K1.en.0", "K1.en.2"]);
    std::fs::write(
        dir.join("transcripts/K1.en.vtt"),
        EN.replace("I am afraid they", "I worry they"),
    )
    .unwrap();
    let project = Project::load(&dir).unwrap().0;
    idx.update_interview(&project, "K1").unwrap();
    // `hits` checks that `total` equals the number of hits listed.
    assert_eq!(segs(&idx, "=afraid"), ["K1.en.0"]);
    assert_eq!(segs(&idx, "=worry"), ["K1.en.2"]);
    assert_eq!(segs(&idx, "боюсь"), ["K1.ru.0", "K1.ru.2"]);
}
