//! The terminal UI: read, code, search and report without leaving the keyboard. The only
//! part of intercode that knows about terminals (ratatui + crossterm); all the work is done
//! by the core. The rooms:
//!
//! - `app`: the [`App`] (what every view shares: project, codings, session, status) and the
//!   one place input becomes state (`handle_event` -> `act` -> the view's action);
//! - `views/`: one file per view, each with its state, its actions and its drawing;
//! - `popups/`: help, the code picker and prompts, over any view;
//! - `draw`: the frame (tabs, the view, the status bar, a popup), a pure read of the state;
//! - `loaded`: which transcripts are in memory (all, or on demand in a large project);
//! - `place`: where each coder left off, restored on the next start;
//! - `theme`, `keymap` (the user's key bindings), `layout` (transcript rows);
//! - `listen`: the player (mpv), which passage each view plays, follow mode;
//! - `worker` (the search thread) and `worker_replies` (the app's side of it).

pub mod app;
pub mod draw;
pub mod keymap;
pub mod layout;
pub mod listen;
pub mod loaded;
pub mod place;
pub mod popups;
pub mod theme;
pub mod views;
pub mod worker;
pub mod worker_replies;

pub use app::{App, Msg};
pub use views::View;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use std::path::Path;
use std::time::Duration;

/// Runs the TUI on a project until the user quits. The terminal is restored on quit, on
/// Ctrl-C (a key in raw mode) and on panic.
pub fn run(root: &Path, coder: &str) -> anyhow::Result<()> {
    let mut app = App::new(root, coder, true)?;
    app.restore_place();
    let mut terminal = ratatui::init();
    // ratatui's panic hook restores the screen; this one first turns mouse reporting off.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let result = (|| -> anyhow::Result<()> {
        loop {
            let size = terminal.size()?;
            app.step(Msg::Frame(ratatui::layout::Rect::new(
                0,
                0,
                size.width,
                size.height,
            )));
            terminal.draw(|f| app.draw(f))?;
            if app.quit {
                // Where this coder left off, for the next start (a cache: losing it is harmless).
                let _ = app.save_place();
                return Ok(());
            }
            // Wait for input, but wake up to show search results and indexing progress.
            if event::poll(Duration::from_millis(40))? {
                app.handle_event(event::read()?);
                while event::poll(Duration::ZERO)? {
                    app.handle_event(event::read()?);
                }
            }
            app.step(Msg::Tick);
        }
    })();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    result
}
