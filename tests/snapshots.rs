//! Snapshots of every view and popup of the terminal UI on the sample study, at 120x40 and
//! at 80x24, as a user sees them (text only; styles are checked in `tests/tui.rs`). A change
//! to any screen shows up as a diff in review: accept it with `INSTA_UPDATE=always cargo
//! test --test snapshots` (or `cargo insta review`) when it is meant.

use intercode::tui::App;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

#[path = "support/sample.rs"]
mod sample_project;
use sample_project::sample;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| {
        app.prepare(f.area());
        app.draw(f)
    })
    .unwrap();
    let b = term.backend().buffer();
    let mut s = String::new();
    for y in 0..b.area.height {
        let line: String = (0..b.area.width).map(|x| b[(x, y)].symbol()).collect();
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn keys(app: &mut App, ks: &[KeyCode]) {
    for k in ks {
        app.handle_key(KeyEvent::new(*k, KeyModifiers::NONE));
    }
}

fn chars(s: &str) -> Vec<KeyCode> {
    s.chars().map(KeyCode::Char).collect()
}

/// Each case: a name and the keys that lead to it from the start.
fn cases() -> Vec<(&'static str, Vec<KeyCode>)> {
    use KeyCode::*;
    vec![
        ("interviews", vec![]),
        ("transcript", vec![Enter, Char('j'), Char('j')]),
        ("transcript_parallel", vec![Enter, Char('t'), Char('j')]),
        ("codebook", chars("3")),
        ("report", chars("5")),
        ("suggestions", chars("6")),
        ("disagreements", chars("7")),
        ("help", chars("?")),
        // Enter on the first code of the codebook retrieves its passages.
        ("retrieval", [chars("3"), vec![Enter]].concat()),
        ("memos", chars("9")),
        ("picker", [vec![Enter], chars("vllc")].concat()),
        ("memo_prompt", [vec![Enter], chars("m")].concat()),
    ]
}

#[test]
fn every_view_at_two_sizes() {
    let (_t, dir) = sample();
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        for (name, ks) in cases() {
            // A fresh session per case: no case depends on another's state.
            let mut app = App::new(&dir, "ana", false).unwrap();
            app.color = false;
            keys(&mut app, &ks);
            // The learned suggestions come from another thread: the screen once they are in.
            app.wait_for_learning();
            let s = screen(&mut app, w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), s);
            drop(app);
        }
    }
}

#[test]
fn the_search_view() {
    let (_t, dir) = sample();
    let mut app = App::new(&dir, "ana", true).unwrap();
    app.color = false;
    app.wait_for_search();
    keys(&mut app, &chars("4паспорт"));
    app.run_search();
    app.wait_for_search();
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        let s = screen(&mut app, w, h);
        // The index line says how it was built (now, or found): the same screen either way.
        let s = s.replace("index: built, ", "index: ");
        insta::assert_snapshot!(format!("search_{w}x{h}"), s);
    }
}
