//! The views, one file each. A view owns its state (a struct in its file), its key handling
//! (`*_action`, called from `App::act`) and its drawing (`draw_*`, a pure read of the state).
//! To add a view: a file here, a variant of [`View`] with its title, and one line in each of
//! `App::act` and `App::draw` (both say where).

use crate::tui::layout::{self};

pub mod codebook;
pub mod disagreements;
pub mod interviews;
pub mod report;
pub mod retrieval;
pub mod search;
pub mod suggestions;
pub mod transcript;

/// The moves every list view shares (j/k, PageUp/PageDown, g/G, Home/End; the wheel sends
/// j/k): `selected` moved within `n` items, `page` at a time for a page. False when `a` is
/// not a move, so the view handles it.
pub fn list_move(
    selected: &mut usize,
    n: usize,
    a: crate::tui::keymap::Action,
    page: usize,
) -> bool {
    use crate::tui::keymap::Action::*;
    let last = n.saturating_sub(1);
    *selected = match a {
        Up => selected.saturating_sub(1),
        Down => (*selected + 1).min(last),
        PageUp => selected.saturating_sub(page),
        PageDown => (*selected + page).min(last),
        Top => 0,
        Bottom => last,
        _ => return false,
    };
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Interviews,
    Transcript,
    Codebook,
    Search,
    Report,
    Suggestions,
    Disagreements,
    Retrieval,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Interviews,
        View::Transcript,
        View::Codebook,
        View::Search,
        View::Report,
        View::Suggestions,
        View::Disagreements,
        View::Retrieval,
    ];
    pub fn title(self) -> &'static str {
        match self {
            View::Interviews => "1 Interviews",
            View::Transcript => "2 Transcript",
            View::Codebook => "3 Codebook",
            View::Search => "4 Search",
            View::Report => "5 Report",
            View::Suggestions => "6 Suggestions",
            View::Disagreements => "7 Disagreements",
            View::Retrieval => "8 Retrieval",
        }
    }
}
