//! The terminal UI on ratatui's TestBackend: each view is driven with the same key events a
//! user sends, drawn, and the screen (text and, where it matters, styles) is checked.

use intercode::tui::keymap::Action;
use intercode::tui::{App, View};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::style::Color;
use ratatui::Terminal;
use std::path::Path;

#[path = "support/sample.rs"]
mod sample_project;
use sample_project::sample;

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
}

impl Ui {
    fn new(dir: &Path, coder: &str, w: u16, h: u16, search: bool) -> Ui {
        let mut app = App::new(dir, coder, search).unwrap();
        app.color = true;
        let mut ui = Ui {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
        };
        ui.draw();
        ui
    }

    fn draw(&mut self) {
        let app = &mut self.app;
        self.term
            .draw(|f| {
                app.prepare(f.area());
                app.draw(f)
            })
            .unwrap();
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.draw();
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn screen(&self) -> String {
        buffer_text(self.term.backend().buffer())
    }
}

fn buffer_text(b: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            s.push_str(b[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn interview_list_shows_participants_by_attribute() {
    let (_t, dir) = sample();
    let ui = Ui::new(&dir, "tester", 120, 20, false);
    let s = ui.screen();
    assert!(
        s.contains("1 Interviews") && s.contains("6 Suggestions"),
        "{s}"
    );
    for id in ["P01", "P06"] {
        assert!(s.contains(id));
    }
    assert!(
        s.contains("gender: female") && s.contains("age_group: 30-39"),
        "{s}"
    );
    assert!(s.contains("tester │ - │ saved"), "{s}");
}

#[test]
fn a_long_interview_list_scrolls_to_the_selection() {
    let (_t, dir) = sample();
    let vtt = std::fs::read(dir.join("transcripts/P01.en.vtt")).unwrap();
    for n in 0..40 {
        std::fs::write(dir.join(format!("transcripts/Q{n:02}.en.vtt")), &vtt).unwrap();
    }
    let mut ui = Ui::new(&dir, "tester", 80, 14, false);
    assert!(ui.screen().contains("P01") && !ui.screen().contains("Q39"));
    for _ in 0..45 {
        ui.key(KeyCode::Char('j'));
    }
    let s = ui.screen();
    // The last interview is selected and shown, under the header; the first scrolled away.
    assert!(
        s.contains("Q39") && s.contains("attributes") && !s.contains("P01"),
        "{s}"
    );
}

#[test]
fn open_code_with_the_picker_undo_and_redo() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 30, false);
    ui.key(KeyCode::Enter);
    let s = ui.screen();
    assert!(s.contains("P01 (ru, 30-39, female)"), "{s}");
    assert!(
        s.contains("00:00:02  Интервьюер") && s.contains("Добрый день! Катя, вы меня слышите?"),
        "{s}"
    );
    // Parallel view: the English text beside the Russian.
    ui.keys("t");
    assert!(
        ui.screen()
            .contains("│ Interviewer: Good afternoon! Katya, can you hear me?"),
        "{}",
        ui.screen()
    );
    // Select three whole words of the first segment and code them through the picker.
    ui.keys("vww");
    let sel = ui.app.selection().unwrap();
    assert_eq!(sel, 0..11, "Добрый день");
    ui.keys("w");
    let sel = ui.app.selection().unwrap();
    assert_eq!(sel, 0..17, "Добрый день! Катя");
    ui.keys("l");
    assert_eq!(ui.app.selection().unwrap(), 0..18, "one more character");
    ui.keys("h");
    ui.keys("c");
    assert!(ui.screen().contains("> ▏"));
    ui.keys("fear.dep");
    let s = ui.screen();
    assert!(
        s.contains("fear.deportation — Deportation from Serbia"),
        "{s}"
    );
    assert!(s.contains("Include:"), "the picker shows the criteria: {s}");
    ui.key(KeyCode::Enter);
    let s = ui.screen();
    assert!(s.contains("coded fear.deportation (0..17), saved"), "{s}");
    // The stripe, in the code's colour, on the coded line.
    let b = ui.term.backend().buffer().clone();
    let row = (0..b.area.height)
        .find(|y| buffer_line(&b, *y).contains("Добрый день"))
        .unwrap();
    assert_eq!(b[(0, row)].symbol(), "▌");
    let colour = ui.app.code_color("fear.deportation").unwrap().to_string();
    let rgb = u32::from_str_radix(&colour[1..], 16).unwrap();
    assert_eq!(
        b[(0, row)].fg,
        Color::Rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
    );
    // And on disk.
    let on_disk = || intercode::codings::load_all(&dir, Some("tester")).len();
    assert_eq!(on_disk(), 1);
    ui.keys("u");
    assert!(ui.screen().contains("undid: added fear.deportation"));
    assert_eq!(on_disk(), 0);
    assert_ne!(ui.term.backend().buffer()[(0, row)].symbol(), "▌");
    ui.keys("U");
    assert_eq!(on_disk(), 1);
    // Memo and removal on the coding under the cursor.
    ui.keys("gm");
    ui.keys("irony?");
    ui.key(KeyCode::Enter);
    assert_eq!(
        intercode::codings::load_all(&dir, Some("tester")).files[0].codings[0].memo,
        "irony?"
    );
    ui.keys("x");
    assert_eq!(on_disk(), 0);
}

fn buffer_line(b: &Buffer, y: u16) -> String {
    (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
}

#[test]
fn cursor_moves_by_grapheme_word_segment_and_turn() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 100, 30, false);
    ui.key(KeyCode::Enter);
    let cur = |ui: &Ui| ui.app.transcript.as_ref().unwrap().cursor;
    ui.keys("l");
    assert_eq!(cur(&ui), 1);
    ui.keys("w");
    assert_eq!(cur(&ui), 7); // "Добрый |день"
    ui.keys("b");
    assert_eq!(cur(&ui), 0);
    ui.keys("j");
    let t = ui.app.project.interviews["P01"].versions["ru"].clone();
    assert_eq!(cur(&ui), t.segment_span(1).start);
    ui.keys("J");
    assert_eq!(cur(&ui), t.segment_span(2).start, "next turn");
    ui.keys("K");
    assert_eq!(cur(&ui), t.segment_span(1).start);
    ui.keys("G");
    assert_eq!(t.segment_at(cur(&ui)), Some(t.segments.len() - 1));
    let last: String = t.segments.last().unwrap().text.chars().take(10).collect();
    assert!(ui.screen().contains(&last), "{}", ui.screen());
    ui.keys("L");
    assert_eq!(
        ui.app.transcript.as_ref().unwrap().lang,
        "en",
        "switched language at the aligned place"
    );
}

#[test]
fn mouse_click_places_the_cursor_and_drag_selects() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 100, 30, false);
    ui.key(KeyCode::Enter);
    let b = ui.term.backend().buffer().clone();
    let row = (0..b.area.height)
        .find(|y| buffer_line(&b, *y).contains("Добрый день"))
        .unwrap();
    let mouse = |kind, column| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    ui.app
        .handle_mouse(mouse(MouseEventKind::Down(MouseButton::Left), 4 + 7));
    assert_eq!(ui.app.transcript.as_ref().unwrap().cursor, 7);
    ui.app
        .handle_mouse(mouse(MouseEventKind::Drag(MouseButton::Left), 4 + 10));
    ui.app
        .handle_mouse(mouse(MouseEventKind::Up(MouseButton::Left), 4 + 10));
    assert_eq!(ui.app.selection(), Some(7..11));
    ui.draw();
}

#[test]
fn tiny_terminals_get_a_message_and_never_panic() {
    let (_t, dir) = sample();
    for (w, h) in [(39, 11), (10, 3), (1, 1), (40, 12), (41, 13)] {
        let mut ui = Ui::new(&dir, "tester", w, h, false);
        ui.key(KeyCode::Enter)
            .keys("tvwwwc")
            .keys("fear")
            .key(KeyCode::Esc)
            .keys("3456?");
        ui.key(KeyCode::Esc);
        let s = ui.screen();
        if w < 40 || h < 12 {
            assert!(
                s.replace('\n', "").contains("needs") || w < 10,
                "{w}x{h}: {s}"
            );
        } else {
            assert!(s.contains("tester │"), "{w}x{h}: {s}");
        }
    }
}

#[test]
fn escape_sequences_in_transcripts_never_reach_the_screen() {
    let (_t, dir) = sample();
    // Written straight into the project (not imported), with a hostile speaker name too.
    std::fs::write(
        dir.join("transcripts/P00.en.vtt"),
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Eve\u{1b}[31m>\u{1b}]0;owned\u{7}Hello \u{1b}[2J there\u{9b}1m\n",
    )
    .unwrap();
    std::fs::write(dir.join("codebook/evil.txt"), "").unwrap();
    let mut ui = Ui::new(&dir, "tester", 100, 20, false);
    ui.key(KeyCode::Enter);
    let s = ui.screen();
    assert!(s.contains("Hello") && s.contains("there"), "{s}");
    assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
}

#[test]
fn blind_coding_hides_other_coders_until_asked() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 100, 40, false);
    ui.key(KeyCode::Enter);
    assert!(!ui.screen().contains('┆'));
    ui.keys("o");
    assert!(
        ui.screen().contains('┆'),
        "other coders' stripes: {}",
        ui.screen()
    );
    assert!(ui.screen().contains("showing other coders' codings"));
}

#[test]
fn find_in_transcript_and_help_from_the_live_keymap() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 40, false);
    ui.key(KeyCode::Enter).keys("/").keys("боравак");
    ui.key(KeyCode::Enter);
    let (t, ts) = ui.app.current().unwrap();
    let pos = ts.cursor;
    assert_eq!(t.slice(pos..pos + 7).to_lowercase(), "боравак");
    ui.keys("n");
    assert!(ui.app.transcript.as_ref().unwrap().cursor > pos);
    ui.keys("?");
    assert!(ui.screen().contains("help · ↑↓ scroll"), "{}", ui.screen());
    // The help scrolls to every binding.
    for _ in 0..10 {
        if ui.screen().contains(" u ") && ui.screen().contains("undo") {
            break;
        }
        ui.key(KeyCode::PageDown);
    }
    let s = ui.screen();
    assert!(s.contains(" u ") && s.contains("undo"), "{s}");
    ui.keys("q");
    assert!(!ui.app.quit, "a key closes the help first");
    // A patched keymap shows in the help.
    ui.app.keymap.patch(r#"{"ctrl-z": "undo"}"#);
    ui.keys("?");
    for _ in 0..10 {
        if ui.screen().contains("ctrl-z") {
            break;
        }
        ui.key(KeyCode::PageDown);
    }
    assert!(ui.screen().contains("ctrl-z"));
}

#[test]
fn live_search_and_jump_to_a_hit() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 110, 30, true);
    ui.keys("4");
    assert_eq!(ui.app.view, View::Search);
    ui.keys("\"вид на жительство\"");
    ui.app.wait_for_search();
    ui.draw();
    let s = ui.screen();
    assert!(s.contains("вид на жительство") && s.contains("⇄"), "{s}");
    assert!(ui.app.search.total > 3);
    // Highlights are drawn bold yellow.
    let b = ui.term.backend().buffer();
    let hl = (0..b.area.height)
        .flat_map(|y| (0..b.area.width).map(move |x| (x, y)))
        .find(|p| b[*p].symbol() == "в" && b[*p].fg == Color::Yellow);
    assert!(hl.is_some(), "a highlighted hit");
    // Down enters the results on the highlighted (first) hit; j moves to the second.
    let hit = ui.app.search.hits[1].clone();
    ui.key(KeyCode::Down);
    assert_eq!(ui.app.search.selected, 0);
    ui.keys("j").key(KeyCode::Enter);
    assert_eq!(ui.app.view, View::Transcript);
    let (_, ts) = ui.app.current().unwrap();
    assert_eq!(
        (ts.interview.as_str(), ts.lang.as_str()),
        (hit.interview.as_str(), hit.lang.as_str())
    );
    assert!(ui.screen().contains("вид на жительство"));
    // In the results, digits switch views instead of landing in the query; Ctrl-U clears it.
    ui.keys("4");
    ui.key(KeyCode::Down);
    ui.keys("5");
    assert_eq!(ui.app.view, View::Report);
    ui.keys("4");
    assert_eq!(ui.app.search.query, "\"вид на жительство\"");
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(ui.app.search.query, "");
    // A fuzzy query highlights what it found (a swap of two letters is one edit).
    ui.keys("afriad~1");
    ui.app.wait_for_search();
    ui.draw();
    assert!(ui.app.search.total > 3);
    let b = ui.term.backend().buffer();
    let lit: String = (0..b.area.height)
        .flat_map(|y| (0..b.area.width).map(move |x| (x, y)))
        .filter(|p| b[*p].fg == Color::Yellow)
        .map(|p| b[p].symbol().to_string())
        .collect();
    assert!(lit.contains("afraid"), "highlighted: {lit}");
    // In the results, G and g go to the last and first hit; Ctrl-W takes back a word.
    ui.key(KeyCode::Down);
    ui.keys("G");
    assert_eq!(ui.app.search.selected, ui.app.search.hits.len() - 1);
    ui.keys("g");
    assert_eq!(ui.app.search.selected, 0);
    ui.keys("/");
    ui.keys(" fear");
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
    assert_eq!(
        ui.app.search.query, "afriad~1 ",
        "as a shell: the word goes, the space stays"
    );
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    // A query that does not parse says where.
    ui.key(KeyCode::Char('('));
    ui.app.wait_for_search();
    ui.draw();
    assert!(ui.screen().contains("column"), "{}", ui.screen());
}

#[test]
fn codebook_view_shows_criteria_and_edits() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 40, false);
    ui.keys("3");
    let s = ui.screen();
    assert!(
        s.contains("fear.deportation") && s.contains("Description"),
        "{s}"
    );
    // `a` asks for both names and a description; the English name gives the id, and the new
    // code gets a colour unlike any in use (its parent's included).
    ui.keys("a");
    ui.keys("Family left behind");
    ui.key(KeyCode::Tab);
    ui.keys("Семья на родине");
    ui.key(KeyCode::Tab);
    ui.keys("Worry for relatives in Russia.");
    let s = ui.screen();
    assert!(s.contains("new code") && s.contains("Russian name"), "{s}");
    ui.key(KeyCode::Enter);
    assert!(
        ui.screen().contains("added fear.family_left_behind"),
        "{}",
        ui.screen()
    );
    let cb = intercode::ops::read_codebook(&dir).unwrap();
    let c = cb.find("fear.family_left_behind").unwrap();
    assert_eq!(c.name["ru"], "Семья на родине");
    assert_eq!(c.description, "Worry for relatives in Russia.");
    assert!(cb
        .walk()
        .iter()
        .all(|r| r.code.id == c.id || r.code.color != c.color));
    // A name with no Latin letter gives no id: the dialog stays open and says why.
    ui.keys("a").keys("Семья");
    ui.key(KeyCode::Enter);
    assert!(ui.app.overlay.is_some());
    assert!(ui.screen().contains("Latin letters"), "{}", ui.screen());
    ui.key(KeyCode::Esc);
    // `r` edits the names and the description of the selected code.
    ui.keys("r");
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    ui.keys("Fear (all kinds)");
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Down);
    ui.keys(" Any kind.");
    ui.key(KeyCode::Enter);
    let cb = intercode::ops::read_codebook(&dir).unwrap();
    let fear = cb.find("fear").unwrap();
    assert_eq!(fear.name["en"], "Fear (all kinds)");
    assert!(
        fear.description.ends_with(" Any kind."),
        "{}",
        fear.description
    );
    assert_eq!(fear.name["ru"], "Страх");
}

#[test]
fn report_view_counts_codings_beside_survey_figures() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 140, 40, false);
    ui.keys("5");
    let s = ui.screen();
    assert!(
        s.contains("passages (interviewees) · tester · A") && s.contains("57.4%"),
        "{s}"
    );
    ui.keys("A");
    let s = ui.screen();
    assert!(s.contains("passages (interviewees) · ana+boris"), "{s}");
    // With both sample coders counted, fear.speaking_out has bars and co-occurrences show;
    // a sub-code is named by its own part under its parent.
    let line = s
        .lines()
        .find(|l| l.contains("│  speaking_out "))
        .unwrap()
        .to_string();
    assert!(line.contains('█'), "{line}");
    assert!(s.contains(" + "), "co-occurrence pairs: {s}");
    assert!(
        s.contains("ana vs boris") && s.contains("Krippendorff"),
        "agreement panel: {s}"
    );
    // Scrolling to the last survey figure keeps the code list on its own last page, and one
    // `k` after many `j`s moves at once (the scroll stops at the longest panel's end).
    assert!(s.contains("Security concerns as a reason"), "{s}");
    ui.keys(&"j".repeat(200));
    let s = ui.screen();
    assert!(s.contains("Would return to Russia after a change"), "{s}");
    let code_rows = s
        .lines()
        .filter(|l| l.chars().take(70).collect::<String>().contains("/6)"))
        .count();
    assert!(code_rows > 10, "the code list is not blank: {s}");
    let bottom = ui.app.report_view.scroll;
    assert!(bottom > 0 && bottom < 200, "{bottom}");
    ui.keys("k");
    assert_eq!(ui.app.report_view.scroll, bottom - 1);
}

#[test]
fn an_empty_co_occurrence_panel_says_why() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 140, 40, false);
    ui.keys("5");
    assert!(
        ui.screen()
            .contains("no two codes share a passage in the codings of tester"),
        "{}",
        ui.screen()
    );
}

#[test]
fn suggestions_are_accepted_or_rejected_one_by_one() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 30, false);
    ui.keys("6");
    let n = ui.app.suggestions_view.list.len();
    assert!(n > 10);
    assert!(ui
        .screen()
        .contains("suggestion(s) from the codebook's rules"));
    ui.keys("d");
    assert_eq!(ui.app.suggestions_view.list.len(), n - 1);
    ui.key(KeyCode::Enter);
    assert_eq!(ui.app.suggestions_view.list.len(), n - 2);
    let all = intercode::codings::load_all(&dir, Some("tester"));
    assert_eq!(all.len(), 1);
    assert_eq!(
        all.files[0].codings[0].origin,
        intercode::codings::Origin::SuggestedAccepted
    );
    // `f` narrows by code (with its sub-codes), interview and speaker; G goes to the last.
    ui.keys("f").keys("code:fear interview:P03");
    ui.key(KeyCode::Enter);
    let v = &ui.app.suggestions_view;
    assert!(!v.shown.is_empty() && v.shown.len() < v.list.len());
    for &k in &v.shown {
        let s = &v.list[k];
        assert!(s.interview == "P03" && (s.code == "fear" || s.code.starts_with("fear.")));
    }
    assert!(
        ui.screen().contains("code:fear interview:P03"),
        "{}",
        ui.screen()
    );
    let speaker = v.list[v.shown[0]].speaker.clone().unwrap();
    ui.keys("G");
    assert_eq!(
        ui.app.suggestions_view.selected,
        ui.app.suggestions_view.shown.len() - 1
    );
    // Rejecting a filtered suggestion removes that one, not the list's n-th.
    let gone = ui.app.suggestions_view.list[*ui.app.suggestions_view.shown.last().unwrap()].clone();
    ui.keys("d");
    assert!(!ui.app.suggestions_view.list.contains(&gone));
    ui.keys("f");
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    ui.keys(&format!("speaker:{}", speaker.to_uppercase()));
    ui.key(KeyCode::Enter);
    let v = &ui.app.suggestions_view;
    assert!(v
        .shown
        .iter()
        .all(|&k| v.list[k].speaker.as_deref() == Some(speaker.as_str())));
    assert!(!v.shown.is_empty());
    ui.keys("f");
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    ui.keys("colour:red");
    ui.key(KeyCode::Enter);
    assert!(
        ui.app.status.contains("filter by code:"),
        "{}",
        ui.app.status
    );
}

#[test]
fn no_color_draws_without_colours() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 100, 30, false);
    ui.app.color = false;
    ui.key(KeyCode::Enter).keys("Vc").keys("fear");
    ui.key(KeyCode::Enter);
    ui.keys("5");
    let b = ui.term.backend().buffer();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            assert!(!matches!(b[(x, y)].fg, Color::Rgb(..)), "colour at {x},{y}");
        }
    }
}

#[test]
fn every_action_has_a_help_line() {
    for a in Action::ALL {
        assert!(!a.help().is_empty() && !a.id().is_empty());
    }
}

#[test]
fn disagreements_are_walked_into_a_consensus_coder() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 30, false);
    ui.keys("7");
    assert_eq!(ui.app.view, View::Disagreements);
    assert_eq!(ui.app.disputes_view.compared, ["ana", "boris"]);
    let n = ui.app.disputes_view.list.len();
    assert!(n > 20, "the sample coders disagree on some passages: {n}");
    // Each passage once, across its languages: as many as the consensus counts as disputed.
    let (project, _) = intercode::Project::load(&dir).unwrap();
    let all = intercode::codings::load_all(&dir, None);
    let set = intercode::report::CoderSet::consensus(
        &project,
        &all,
        vec!["ana".to_string(), "boris".to_string()],
    );
    assert_eq!(n, set.disputed);
    let per_language = intercode::agreement::disagreements(
        &project,
        &all,
        &["ana".to_string(), "boris".to_string()],
    )
    .len();
    assert!(n < per_language, "{n} passages, {per_language} segments");
    assert!(ui.app.disputes_view.list.iter().any(|p| p.parts.len() == 2));
    let s = ui.screen();
    assert!(
        s.contains("ana vs boris") && s.contains("< take ana"),
        "{s}"
    );
    let first = ui.app.disputes_view.list[0].clone();
    // A decision is undone with `u`: the passage is back, the consensus coder has nothing.
    ui.keys("<");
    assert_eq!(ui.app.disputes_view.list.len(), n - 1, "{}", ui.app.status);
    ui.keys("u");
    assert_eq!(ui.app.disputes_view.list.len(), n, "{}", ui.app.status);
    assert_eq!(ui.app.disputes_view.list[0].parts, first.parts);
    assert!(intercode::codings::load_all(&dir, Some("consensus")).is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("codings/consensus/decisions.tsv")).unwrap(),
        ""
    );
    // Undone, the reports count every coder's codings again, as before the decision.
    let all = intercode::codings::load_all(&dir, None);
    assert_eq!(
        intercode::report::CoderSet::default_for(&project, &all).kind,
        intercode::report::SetKind::Union
    );
    ui.keys("<");
    assert_eq!(ui.app.disputes_view.list.len(), n - 1, "{}", ui.app.status);
    assert!(ui.screen().contains("took ana"), "{}", ui.screen());
    let consensus = intercode::codings::load_all(&dir, Some("consensus"));
    let codes: Vec<String> = consensus.iter().map(|(_, c)| c.code.to_string()).collect();
    let mut expected = first.codes()["ana"].clone();
    expected.sort();
    let mut got = codes.clone();
    got.sort();
    got.dedup();
    assert_eq!(got, expected);
    ui.keys("=");
    assert!(ui.screen().contains("took both"), "{}", ui.screen());
    let decided_parts: usize = ui.app.disputes_view.list[..2]
        .iter()
        .map(|p| p.parts.len())
        .sum::<usize>()
        + first.parts.len();
    ui.keys("0");
    assert!(ui.screen().contains("took neither"), "{}", ui.screen());
    assert_eq!(ui.app.disputes_view.list.len(), n - 3);
    // Decisions survive a restart: decided passages are not offered again.
    let mut again = Ui::new(&dir, "tester", 120, 30, false);
    again.keys("7");
    assert_eq!(
        again.app.disputes_view.list.len(),
        n - 3,
        "every decision is remembered, `neither` too"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("codings/consensus/decisions.tsv"))
            .unwrap()
            .lines()
            .count(),
        decided_parts,
        "one record per language segment of each decided passage"
    );
    // Who decided is recorded.
    let log = std::fs::read_to_string(dir.join("codings/consensus/decisions.tsv")).unwrap();
    assert!(log.lines().all(|l| l.ends_with("\ttester")), "{log}");
}

#[test]
fn the_outline_shows_first_and_an_early_open_waits_for_the_transcripts() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "tester", 120, 30, true);
    // Whether or not the transcripts are read by now, Enter opens P01 (at once or when read).
    ui.key(KeyCode::Enter);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while ui.app.loading.is_some() && std::time::Instant::now() < deadline {
        ui.app.drain_worker();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    ui.app.drain_worker();
    ui.draw();
    assert_eq!(ui.app.view, View::Transcript);
    assert!(
        ui.screen().contains("P01 (ru, 30-39, female)"),
        "{}",
        ui.screen()
    );
    assert!(ui.app.pending_open.is_none());
}

/// A large project keeps only the outline and the transcripts it opens: the same views show
/// the same numbers as with every transcript in memory, and at most a few interviews are
/// held at once.
#[test]
fn transcripts_read_on_demand_show_the_same_views() {
    let (_t, dir) = sample();
    // (The first session ends before the second opens: one session per coder.)
    let (report_whole, disputes_whole) = {
        let mut whole = Ui::new(&dir, "ana", 120, 40, false);
        whole.keys("5");
        let report = whole.screen();
        whole.keys("7");
        (report, whole.screen())
    };

    let mut lazy = Ui::new(&dir, "ana", 120, 40, false);
    lazy.app.on_demand = true;
    for i in lazy.app.project.interviews.values_mut() {
        i.versions.clear();
    }
    lazy.keys("5");
    assert_eq!(lazy.screen(), report_whole);
    lazy.keys("7");
    assert_eq!(lazy.screen(), disputes_whole);
    // Nothing read whole stayed: only what was opened is in memory.
    let held = |app: &App| {
        app.project
            .interviews
            .values()
            .filter(|i| !i.versions.is_empty())
            .count()
    };
    assert_eq!(held(&lazy.app), 0);
    // Opening a disagreement reads its interview, and coding works in it.
    lazy.key(KeyCode::Enter);
    assert_eq!(held(&lazy.app), 1);
    let s = lazy.screen();
    assert!(s.contains("2 Transcript") && s.contains("ana │ P0"), "{s}");
    // Every interview opened in turn: no more than the cache holds stay in memory.
    lazy.keys("1");
    for _ in 0..6 {
        lazy.key(KeyCode::Enter);
        lazy.keys("1j");
    }
    assert!(held(&lazy.app) <= intercode::tui::loaded::CACHED_INTERVIEWS);
    assert!(held(&lazy.app) >= 2);
}

/// On a narrow screen every view stays reachable in the tab bar, and what was just saved is
/// said before the index's state.
#[test]
fn small_terminals_keep_every_tab_and_the_save_message() {
    let (_t, dir) = sample();
    for w in [80, 40] {
        let mut ui = Ui::new(&dir, "tester", w, 24, false);
        ui.key(KeyCode::Enter);
        for v in 1..=8 {
            ui.keys(&v.to_string());
            let top = ui.screen().lines().next().unwrap().to_string();
            for n in 1..=8 {
                assert!(top.contains(&format!(" {n}")), "{w} cols, view {v}: {top}");
            }
            if w == 80 {
                assert!(
                    top.contains(ui.app.view.title()),
                    "the current view keeps its name: {top}"
                );
            }
        }
    }
    let mut small = Ui::new(&dir, "ana2", 40, 12, false);
    small.key(KeyCode::Enter);
    small.keys("vllc");
    small.key(KeyCode::Enter);
    let s = small.screen();
    let status = s.lines().last().unwrap();
    assert!(status.contains("saved │ coded"), "{status}");
}

/// The line under the transcript names every coding at the cursor: code name in the
/// transcript's language, coder and memo.
#[test]
fn what_is_under_the_cursor_is_named() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "ana", 120, 30, false);
    ui.key(KeyCode::Enter);
    assert!(ui.screen().contains(" no coding here"), "{}", ui.screen());
    let c = ui.app.mine["P01"]
        .iter()
        .find(|c| c.lang == "ru")
        .unwrap()
        .clone();
    ui.app.transcript.as_mut().unwrap().cursor = c.start;
    ui.draw();
    let s = ui.screen();
    let line = s
        .lines()
        .find(|l| l.contains(" here: "))
        .unwrap_or_else(|| panic!("{s}"));
    let cb = ui.app.project.codebook.as_ref().unwrap();
    let name = &cb.find(&c.code).unwrap().name["ru"];
    assert!(line.contains(&format!("{name} (ana)")), "{line}");
}

/// A restart opens where the coder left off: the view, the interview, the language and the
/// place in it.
#[test]
fn a_restart_opens_where_the_coder_left_off() {
    let (_t, dir) = sample();
    {
        let mut ui = Ui::new(&dir, "ana", 120, 30, false);
        ui.keys("j");
        ui.key(KeyCode::Enter);
        ui.keys("jjjwwt5");
        assert_eq!(ui.app.view, View::Report);
        ui.app.save_place().unwrap();
    }
    let mut before = Ui::new(&dir, "ana", 120, 30, false);
    before.keys("j");
    before.key(KeyCode::Enter);
    before.keys("jjjww");
    let want = before.app.transcript.as_ref().unwrap().cursor;
    drop(before);
    let mut ui = Ui::new(&dir, "ana", 120, 30, false);
    ui.app.restore_place();
    assert_eq!(ui.app.view, View::Report);
    let ts = ui.app.transcript.as_ref().unwrap();
    assert_eq!(
        (ts.interview.as_str(), ts.cursor, ts.parallel),
        ("P02", want, true)
    );
    drop(ui);
    // The real app reads the transcripts behind the first frame: the place (parallel view
    // included) is restored once they are read.
    let mut live = Ui::new(&dir, "ana", 120, 30, true);
    live.app.restore_place();
    let t0 = std::time::Instant::now();
    while live.app.transcript.is_none() && t0.elapsed() < std::time::Duration::from_secs(20) {
        live.app.step(intercode::tui::Msg::Tick);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let ts = live.app.transcript.as_ref().unwrap();
    assert_eq!(
        (ts.interview.as_str(), ts.cursor, ts.parallel),
        ("P02", want, true)
    );
    assert!(
        !live.app.status.contains("in a moment"),
        "{}",
        live.app.status
    );
    drop(live);
    // Another coder's place is their own.
    let mut other = Ui::new(&dir, "boris", 120, 30, false);
    other.app.restore_place();
    assert_eq!(other.app.view, View::Interviews);
}

/// With two of your codings under the cursor, `x` asks which one to remove.
#[test]
fn x_asks_which_coding_when_several_overlap() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "vera", 120, 30, false);
    ui.key(KeyCode::Enter);
    // The segment as fear, its first word as security: both lie under the cursor.
    ui.keys("V");
    ui.keys("c");
    ui.keys("fear");
    ui.key(KeyCode::Enter);
    ui.keys("k"); // back to the segment's start
    ui.keys("vwc");
    ui.keys("security.border");
    ui.key(KeyCode::Enter);
    let at = |ui: &Ui| {
        let mut v: Vec<String> = ui
            .app
            .mine_under_cursor()
            .iter()
            .map(|c| c.code.to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(at(&ui), ["fear", "security.border"], "{}", ui.app.status);
    ui.keys("x");
    assert!(ui.screen().contains("which coding?"), "{}", ui.screen());
    // Innermost first: the word's coding, then the segment's; take the segment's.
    ui.key(KeyCode::Down).key(KeyCode::Enter);
    assert_eq!(at(&ui), ["security.border"], "{}", ui.app.status);
    // With one left, `x` removes it without asking.
    ui.keys("x");
    assert!(at(&ui).is_empty());
    assert!(!ui.screen().contains("which coding?"));
}

/// The Retrieval view: Enter on a code in the Codebook lists every passage of it once, as the
/// quotes report counts them; the export holds exactly what is listed; a memo written there
/// shows in the Memos list; recode and remove act on your coding in the passage and undo.
#[test]
fn retrieval_lists_a_codes_passages_and_acts_on_them() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "ana", 120, 40, false);
    ui.keys("3");
    // Walk to `fear` in the codebook and open it.
    let codes: Vec<String> = ui
        .app
        .project
        .codebook
        .as_ref()
        .unwrap()
        .walk()
        .iter()
        .map(|r| r.code.id.clone())
        .collect();
    let at = codes.iter().position(|c| c == "fear").unwrap();
    for _ in 0..at {
        ui.keys("j");
    }
    ui.key(KeyCode::Enter);
    assert_eq!(ui.app.view, View::Retrieval);
    let s = ui.screen();
    // The same passages `report quotes --code fear` prints, counted once each.
    let all = intercode::codings::load_for_analysis(&dir, None);
    let project = intercode::Project::load(&dir).unwrap().0;
    let req = |format| intercode::report::Request {
        kind: intercode::report::Kind::Quotes,
        coders: Vec::new(),
        all_coders: false,
        code: Some("fear".into()),
        lang: None,
        by: "gender".into(),
        quotes: 0,
        format,
        media_time: false,
    };
    let json = intercode::report::build(
        &project,
        &all,
        &req(intercode::report::render::Format::Json),
    )
    .unwrap()
    .document;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = v["passages"].as_u64().unwrap() as usize;
    assert!(n > 10);
    assert!(s.contains(&format!("fear · {n} passage(s)")), "{s}");
    let first = &v["quotes"][0];
    assert!(s.contains(first["interview"].as_str().unwrap()), "{s}");
    // Both languages of the first passage, and its coders.
    assert!(s.contains("  en ") && s.contains("  ru "), "{s}");
    assert!(s.contains("ana"), "{s}");

    // Export: exactly the quotes report for the same code and coders.
    ui.keys("e");
    assert!(
        ui.app.status.contains("exports/fear.md"),
        "{}",
        ui.app.status
    );
    let md = std::fs::read_to_string(dir.join("exports/fear.md")).unwrap();
    let want =
        intercode::report::build(&project, &all, &req(intercode::report::render::Format::Md))
            .unwrap()
            .document;
    assert_eq!(md, want);
    assert!(dir.join("exports/fear.csv").exists());

    // Only ana's codings: a memo on the first passage, then the memo list shows it.
    ui.keys("A");
    assert!(ui.screen().contains("only ana"), "{}", ui.screen());
    ui.keys("m");
    if matches!(
        ui.app.overlay,
        Some(intercode::tui::popups::Overlay::Choose { .. })
    ) {
        ui.key(KeyCode::Enter);
    }
    // The prompt holds the memo as it was; Ctrl-U clears it like a shell's line.
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    ui.keys("worth quoting");
    ui.key(KeyCode::Enter);
    assert!(ui.app.status.contains("memo saved"), "{}", ui.app.status);
    assert!(
        ui.screen().contains("✎  ana: worth quoting"),
        "{}",
        ui.screen()
    );
    ui.keys("9");
    let s = ui.screen();
    assert!(s.contains("memos · ") && s.contains("worth quoting"), "{s}");
    let memos = &ui
        .app
        .retrieval_view
        .data
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .items;
    assert!(memos
        .iter()
        .all(|r| r.parts.iter().any(|p| !p.memo.is_empty())));
    assert!(memos.iter().any(|r| r.quote.code.starts_with("fear")));
    assert!(memos.iter().any(|r| !r.quote.code.starts_with("fear")));
    // The passage with the new memo comes first in the memo list when it is the first memo.
    let k = memos
        .iter()
        .position(|r| r.parts.iter().any(|p| p.memo == "worth quoting"))
        .unwrap();
    for _ in 0..k {
        ui.keys("j");
    }

    // Recode it (the memo stays), undo, then remove it and undo.
    let before = ui.app.mine.values().flatten().count();
    let id = ui
        .app
        .retrieval_view
        .data
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .items[k]
        .parts
        .iter()
        .find(|p| p.coder == "ana" && p.memo == "worth quoting")
        .unwrap()
        .id
        .clone();
    let code_of = |ui: &Ui| {
        ui.app
            .mine
            .values()
            .flatten()
            .find(|c| c.id == id)
            .map(|c| c.code.to_string())
    };
    let old = code_of(&ui).unwrap();
    ui.keys("c");
    if matches!(
        ui.app.overlay,
        Some(intercode::tui::popups::Overlay::Choose { .. })
    ) {
        let ids = match &ui.app.overlay {
            Some(intercode::tui::popups::Overlay::Choose { ids, .. }) => ids.clone(),
            _ => unreachable!(),
        };
        for _ in 0..ids.iter().position(|x| *x == id).unwrap() {
            ui.keys("j");
        }
        ui.key(KeyCode::Enter);
    }
    ui.keys("integration.friends");
    ui.key(KeyCode::Enter);
    assert_eq!(code_of(&ui).as_deref(), Some("integration.friends"));
    assert!(
        ui.screen().contains("integration.friends"),
        "{}",
        ui.screen()
    );
    ui.keys("u");
    assert_eq!(code_of(&ui), Some(old));
    ui.keys("x");
    if matches!(
        ui.app.overlay,
        Some(intercode::tui::popups::Overlay::Choose { .. })
    ) {
        ui.key(KeyCode::Enter);
    }
    assert_eq!(ui.app.mine.values().flatten().count(), before - 1);
    ui.keys("u");
    assert_eq!(ui.app.mine.values().flatten().count(), before);

    // Enter jumps to the passage in its transcript.
    ui.keys("8");
    ui.key(KeyCode::Enter);
    assert_eq!(ui.app.view, View::Transcript);
}

/// The attribute filter narrows to participants with that value; an unknown attribute says so.
#[test]
fn retrieval_filters_by_participant_attribute() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "ana", 120, 40, false);
    ui.app.retrieve_code("security");
    ui.draw();
    let all_n = ui
        .app
        .retrieval_view
        .data
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .items
        .len();
    ui.keys("f").keys("gender=female");
    ui.key(KeyCode::Enter);
    let items = ui
        .app
        .retrieval_view
        .data
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .items
        .clone();
    assert!(
        !items.is_empty() && items.len() < all_n,
        "{} of {all_n}",
        items.len()
    );
    for i in &items {
        assert_eq!(
            ui.app.project.interviews[&i.quote.interview].attributes["gender"],
            "female"
        );
    }
    assert!(ui.screen().contains("gender=female"));
    ui.keys("f");
    ui.key(KeyCode::Backspace);
    for _ in 0..20 {
        ui.key(KeyCode::Backspace);
    }
    ui.keys("shoe_size=44");
    ui.key(KeyCode::Enter);
    assert!(
        ui.screen()
            .contains("no public participant attribute `shoe_size`"),
        "{}",
        ui.screen()
    );
}

/// `/` in a transcript finds words as the Search view does (stems, ё, the other script);
/// Tab in the prompt switches to the exact text. The match is highlighted.
#[test]
fn find_in_a_transcript_stems_like_search_and_tab_makes_it_exact() {
    let (_t, dir) = sample();
    std::fs::write(
        dir.join("transcripts/Z01.ru.vtt"),
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nАня: Про ёлку не помню. Я боялась депортации.\n\n\
         2\n00:00:05.000 --> 00:00:09.000\nАня: Депортация была главным страхом, ёлка тоже.\n",
    )
    .unwrap();
    let mut ui = Ui::new(&dir, "tester", 100, 30, false);
    let at = ui
        .app
        .interview_ids()
        .iter()
        .position(|i| *i == "Z01")
        .unwrap();
    for _ in 0..at {
        ui.keys("j");
    }
    ui.key(KeyCode::Enter);
    let word_at = |ui: &Ui| {
        let (t, ts) = ui.app.current().unwrap();
        let r = ts.found.clone().unwrap();
        (ts.cursor, t.slice(r).to_string())
    };
    // Words: the query's stem finds the inflected form first, then the next one.
    ui.keys("/").keys("депортация");
    assert!(ui.screen().contains("stems"), "{}", ui.screen());
    ui.key(KeyCode::Enter);
    assert_eq!(word_at(&ui).1, "депортации");
    ui.keys("n");
    assert_eq!(word_at(&ui).1, "Депортация");
    ui.keys("n");
    assert_eq!(word_at(&ui).1, "депортации", "wraps around");
    ui.keys("N");
    assert_eq!(word_at(&ui).1, "Депортация");
    // ё = е, in either mode.
    ui.keys("/").keys("елка");
    ui.key(KeyCode::Enter);
    assert_eq!(word_at(&ui).1, "ёлка");
    // Exact text: no stemming, so only the very form; a part of a word is found too.
    ui.keys("/");
    ui.key(KeyCode::Tab);
    assert!(ui.screen().contains("exact text"), "{}", ui.screen());
    ui.keys("депортация");
    ui.key(KeyCode::Enter);
    assert_eq!(word_at(&ui).1, "Депортация");
    ui.keys("n");
    assert_eq!(word_at(&ui).1, "Депортация", "the only exact match");
    ui.keys("/").keys("портац");
    ui.key(KeyCode::Enter);
    assert!(ui.app.status.contains("found"), "{}", ui.app.status);
    // Back to words: a part of a word is not a word.
    ui.keys("/");
    ui.key(KeyCode::Tab);
    ui.keys("портац");
    ui.key(KeyCode::Enter);
    assert!(
        ui.app.status.contains("not found (words)"),
        "{}",
        ui.app.status
    );
    // A query that does not parse says where.
    ui.keys("/").keys("\"open");
    ui.key(KeyCode::Enter);
    assert!(
        ui.app.status.starts_with("find: column"),
        "{}",
        ui.app.status
    );
}

/// Every list view takes the same moves: j/k, G/g (End/Home), PageDown/PageUp and the
/// mouse wheel.
#[test]
fn every_list_view_takes_the_same_moves() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "ana", 120, 40, false);
    ui.app.retrieve_code("fear");
    let selected = |ui: &Ui| match ui.app.view {
        View::Interviews => ui.app.interviews_view.selected,
        View::Codebook => ui.app.codebook_view.selected,
        View::Suggestions => ui.app.suggestions_view.selected,
        View::Disagreements => ui.app.disputes_view.selected,
        View::Retrieval => ui.app.retrieval_view.selected,
        View::Search => ui.app.search.selected,
        _ => unreachable!(),
    };
    let wheel = |ui: &mut Ui, kind| {
        ui.app.step(intercode::tui::Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }));
    };
    for view in ["1", "3", "6", "7", "8"] {
        ui.keys(view);
        ui.keys("G");
        let last = selected(&ui);
        assert!(last > 2, "view {view}: G went to {last}");
        ui.keys("g");
        assert_eq!(selected(&ui), 0, "view {view}: g");
        ui.key(KeyCode::End);
        assert_eq!(selected(&ui), last, "view {view}: End");
        ui.key(KeyCode::Home);
        ui.keys("j");
        assert_eq!(selected(&ui), 1, "view {view}: j");
        wheel(&mut ui, MouseEventKind::ScrollDown);
        assert_eq!(selected(&ui), 2, "view {view}: wheel down");
        wheel(&mut ui, MouseEventKind::ScrollUp);
        ui.keys("k");
        assert_eq!(selected(&ui), 0, "view {view}: wheel up, k");
        ui.key(KeyCode::PageDown);
        assert!(selected(&ui) > 1, "view {view}: PageDown");
        ui.key(KeyCode::PageUp);
        assert_eq!(selected(&ui), 0, "view {view}: PageUp");
    }
}

/// `E` corrects a coded segment's text in place: every coder's codings keep covering the
/// same words, the file changes in one line, and `u` / `U` undo and redo the edit.
#[test]
fn editing_a_coded_segment_keeps_codings_on_their_words() {
    let (_t, dir) = sample();
    let vtt_before = std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap();
    let mut ui = Ui::new(&dir, "ana", 120, 40, false);
    ui.key(KeyCode::Enter); // P01, in Russian
    let (seg, c) = {
        let (t, _) = ui.app.current().unwrap();
        let c = ui.app.mine["P01"]
            .iter()
            .find(|c| {
                c.lang == "ru"
                    && t.segment_at(c.start)
                        .is_some_and(|k| t.segment_span(k).start < c.start)
            })
            .unwrap()
            .clone();
        (t.segment_at(c.start).unwrap(), c)
    };
    let start = ui.app.current().unwrap().0.segment_span(seg).start;
    // (The TUI holds quotes as fingerprints; the text is the transcript's.)
    let quote = ui.app.current().unwrap().0.slice(c.span()).to_string();
    ui.app.transcript.as_mut().unwrap().cursor = start;
    ui.draw();
    ui.keys("E");
    assert!(
        ui.screen().contains(&format!("edit segment {seg}")),
        "{}",
        ui.screen()
    );
    ui.key(KeyCode::Home);
    ui.keys("Ну вот, ");
    ui.key(KeyCode::Enter);
    assert!(
        ui.app.status.contains("edited segment"),
        "{}",
        ui.app.status
    );
    let after = |ui: &Ui| {
        ui.app.mine["P01"]
            .iter()
            .find(|x| x.id == c.id)
            .unwrap()
            .clone()
    };
    let moved = after(&ui);
    assert_eq!((moved.start, moved.end), (c.start + 8, c.end + 8));
    let (t, _) = ui.app.current().unwrap();
    assert_eq!(t.slice(moved.span()), quote.as_str());
    assert!(t.segments[seg].text.starts_with("Ну вот, "));
    // Every coder's codings of this transcript still match their text: nothing drifted.
    let all = intercode::codings::load_all(&dir, None);
    for (f, x) in all
        .iter()
        .filter(|(f, x)| f.interview == "P01" && x.lang == "ru")
    {
        assert!(
            !intercode::codings::drift::is_drifted(t, x),
            "{}'s {}",
            f.coder,
            x.id
        );
    }
    // The file changed in the edited cue's text line only.
    let vtt_after = std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap();
    let changed: Vec<(&str, &str)> = vtt_before
        .lines()
        .zip(vtt_after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(vtt_before.lines().count(), vtt_after.lines().count());
    // Undo and redo.
    ui.keys("u");
    assert_eq!(
        std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap(),
        vtt_before
    );
    assert_eq!((after(&ui).start, after(&ui).end), (c.start, c.end));
    assert!(!ui.app.current().unwrap().0.segments[seg]
        .text
        .starts_with("Ну вот"));
    ui.keys("U");
    assert_eq!(
        std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap(),
        vtt_after
    );
    assert_eq!(after(&ui).start, c.start + 8);
    // Split at the cursor and merge back: the coding still covers its words.
    ui.app.transcript.as_mut().unwrap().cursor = start + 7; // after "Ну вот,"
    ui.draw();
    ui.keys("s");
    assert!(ui.app.status.contains("split segment"), "{}", ui.app.status);
    let (t, _) = ui.app.current().unwrap();
    assert_eq!(t.segments[seg].text, "Ну вот,");
    assert_eq!(t.slice(after(&ui).span()), quote.as_str());
    ui.keys("&");
    assert!(
        ui.app.status.contains("merged segments"),
        "{}",
        ui.app.status
    );
    let (t, _) = ui.app.current().unwrap();
    assert!(t.segments[seg].text.starts_with("Ну вот, "));
    assert_eq!(t.slice(after(&ui).span()), quote.as_str());
    // Esc cancels an edit: nothing is written.
    let now = std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap();
    ui.keys("E").keys("xyz");
    ui.key(KeyCode::Esc);
    assert_eq!(
        std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap(),
        now
    );
    // The editor opens with its cursor where the transcript's was; Ctrl-C cancels it (and
    // does not quit).
    ui.app.transcript.as_mut().unwrap().cursor = start + 3;
    ui.keys("E");
    match &ui.app.overlay {
        Some(intercode::tui::popups::Overlay::Editor(ed)) => assert_eq!(ed.cursor, 3),
        o => panic!("{o:?}"),
    }
    ui.app
        .handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!ui.app.quit && ui.app.overlay.is_none());
    assert_eq!(
        std::fs::read_to_string(dir.join("transcripts/P01.ru.vtt")).unwrap(),
        now
    );
}

/// An edit is searchable at once: the edited segment's document is replaced in the index,
/// and a search right after finds the new word and not the old one.
#[test]
fn an_edit_is_found_by_search_right_after() {
    let (_t, dir) = sample();
    let mut ui = Ui::new(&dir, "ana", 120, 40, true);
    ui.app.wait_for_search();
    ui.key(KeyCode::Enter);
    ui.app.wait_for_search();
    ui.draw();
    ui.keys("jj").keys("E");
    ui.key(KeyCode::End);
    ui.keys(" Квазиморда.");
    ui.key(KeyCode::Enter);
    assert!(
        ui.app.status.contains("edited segment"),
        "{}",
        ui.app.status
    );
    ui.keys("4").keys("=квазиморда");
    ui.app.wait_for_search();
    ui.draw();
    assert_eq!(ui.app.search.total, 1, "{}", ui.screen());
    let hit = &ui.app.search.hits[0];
    assert_eq!((hit.interview.as_str(), hit.lang.as_str()), ("P01", "ru"));
    assert!(hit.text.ends_with("Квазиморда."));
    // The translation beside it is still found (by its key, the neighbour being replaced).
    assert!(hit.translation.is_some());
}
