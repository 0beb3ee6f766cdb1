//! TUI responsiveness: keystroke to drawn frame (update + draw on a TestBackend of 120x40) on
//! a 10-hour transcript and on a 100,000-row search result list, and startup to the first
//! frame with 1,000 interviews indexed. Budgets (DESIGN.md): keystroke p50 < 2 ms, p99 < 16 ms;
//! startup < 50 ms. The peer in the same run is ratatui drawing a plain Paragraph of the same
//! visible text: the floor for a frame on this machine.
//!
//! Run: `cargo bench --bench tui`.

#[path = "support/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intercode::tui::App;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::Paragraph;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // `-- --corpus DIR N`: only write a project of N interviews (for benches/tui_memory.sh).
    let args: Vec<String> = std::env::args().collect();
    if let Some(k) = args.iter().position(|a| a == "--corpus") {
        let dir = PathBuf::from(&args[k + 1]);
        let n: usize = args[k + 2].parse().expect("a number of interviews");
        let bytes = corpus::write_project(&dir, n, 7).unwrap();
        println!("wrote {n} interviews, {} MB of VTT", bytes >> 20);
        return;
    }
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    println!("TUI benchmark (TestBackend 120x40)");
    println!("| case | p50 | p99 | peer: plain Paragraph frame p50 |");
    println!("|---|---:|---:|---:|");

    // 1. A ten-hour transcript.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    corpus::write_project(&dir, 1, 10).unwrap();
    let (ru, en) = corpus::interview(99, 600);
    std::fs::write(dir.join("transcripts/I00000.ru.vtt"), ru).unwrap();
    std::fs::write(dir.join("transcripts/I00000.en.vtt"), en).unwrap();
    let mut app = App::new(&dir, "bench", false).unwrap();
    let segments = app.project.interviews["I00000"].versions["ru"]
        .segments
        .len();
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let t = Instant::now();
    term.draw(|f| {
        app.prepare(f.area());
        app.draw(f)
    })
    .unwrap();
    let first = t.elapsed();
    let keys = ['j', 'l', 'w', 'w', 'J', 'b', 'k', 'j', 'j', 'l'];
    let mut times = Vec::new();
    for round in 0..300 {
        for k in keys {
            let t = Instant::now();
            app.handle_key(key(k));
            term.draw(|f| {
                app.prepare(f.area());
                app.draw(f)
            })
            .unwrap();
            times.push(t.elapsed());
        }
        if round == 150 {
            app.handle_key(key('t')); // the second half in the parallel view
        }
    }
    let mut page = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        app.handle_key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        term.draw(|f| {
            app.prepare(f.area());
            app.draw(f)
        })
        .unwrap();
        page.push(t.elapsed());
    }
    let visible: String = (0..40)
        .map(|i| format!("line {i} of some transcript text, about as long as a real one\n"))
        .collect();
    let mut peer = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        term.draw(|f| f.render_widget(Paragraph::new(visible.as_str()), f.area()))
            .unwrap();
        peer.push(t.elapsed());
    }
    let peer50 = pct(&mut peer, 0.5);
    println!("| 10-hour transcript ({segments} segments): j l w J b k (plain, then parallel) | {} | {} | {} |", ms(pct(&mut times, 0.5)), ms(pct(&mut times, 0.99)), ms(peer50));
    println!(
        "| 10-hour transcript: page down | {} | {} | {} |",
        ms(pct(&mut page, 0.5)),
        ms(pct(&mut page, 0.99)),
        ms(peer50)
    );
    println!(
        "| 10-hour transcript: first frame after opening (layout built) | {} | - | - |",
        ms(first)
    );

    // 2. 100,000 rows of search results.
    let hit = intercode::search::Hit {
        interview: "I00000".into(),
        lang: "ru".into(),
        segment: 1,
        start_ms: 1000,
        end_ms: 5000,
        line: None,
        speaker: Some("Участник".into()),
        text: "Ну вот, честно говоря, граница была самым страшным моментом, паспорт проверяли долго.".into(),
        highlights: vec![[23, 30]],
        translation: Some("Well, honestly, the border was the scariest moment, they checked the passport for a long time.".into()),
        span: 0..10,
        score: 1.0,
    };
    app.search.hits = (0..100_000)
        .map(|i| intercode::search::Hit {
            segment: i,
            ..hit.clone()
        })
        .collect();
    app.search.total = app.search.hits.len();
    app.search.query = "граница".into();
    app.handle_key(key('4'));
    term.draw(|f| {
        app.prepare(f.area());
        app.draw(f)
    })
    .unwrap();
    let mut list = Vec::new();
    for i in 0..2000 {
        let code = if i % 50 == 49 {
            KeyCode::PageDown
        } else {
            KeyCode::Down
        };
        let t = Instant::now();
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        term.draw(|f| {
            app.prepare(f.area());
            app.draw(f)
        })
        .unwrap();
        list.push(t.elapsed());
    }
    println!(
        "| 100,000-row result list: down / page down | {} | {} | {} |",
        ms(pct(&mut list, 0.5)),
        ms(pct(&mut list, 0.99)),
        ms(peer50)
    );

    // 3. Startup with 1,000 and 10,000 interviews indexed (the search benchmark's corpora,
    // generated here when missing; `TUI_BENCH_SIZES=1000` for the smaller one only).
    let sizes: Vec<usize> = std::env::var("TUI_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for n in sizes {
        let big =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-corpus/{n}"));
        if !big.join("done").exists() {
            let _ = std::fs::remove_dir_all(&big);
            let bytes = corpus::write_project(&big, n, 2026).unwrap();
            std::fs::write(big.join("done"), bytes.to_string()).unwrap();
        }
        let _ = intercode::search::SearchIndex::open(&big, None, &mut |_, _| {}).unwrap();
        let mut starts = Vec::new();
        for _ in 0..9 {
            let t = Instant::now();
            let mut app = App::new(&big, "bench", true).unwrap();
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            term.draw(|f| {
                app.prepare(f.area());
                app.draw(f)
            })
            .unwrap();
            starts.push(t.elapsed());
            // Let this app's loader and search threads finish, so they do not slow the next run.
            app.wait_for_search();
        }
        println!(
            "| startup to first frame, {n} interviews indexed | {} | max {} | - |",
            ms(pct(&mut starts, 0.5)),
            ms(*starts.iter().max().unwrap())
        );
    }
}
