//! The Disagreements view: passages the two compared coders coded differently, and the
//! decisions that reconcile them.

use crate::agreement::{Decision, CONSENSUS};
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::{inert, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The Disagreements view's state.
#[derive(Debug, Clone, Default)]
pub struct DisputesState {
    /// The two coders compared, and what is left to decide between them.
    pub compared: Vec<String>,
    pub list: Vec<crate::agreement::Disagreement>,
    pub selected: usize,
}

impl App {
    /// Compares the first two coders (other than the consensus coder) and lists the segments
    /// they disagree on that the consensus coder has not decided yet.
    pub fn refresh_disputes(&mut self) {
        let all = self.all_codings(true);
        // The same pair whose consensus the reports count.
        let coders = crate::report::passages::reconciled_coders(&all);
        if coders.len() < 2 {
            self.set_status("disagreements need two coders with codings");
            return;
        }
        self.disputes_view.compared = coders;
        let decided = crate::agreement::decided(&self.root);
        self.disputes_view.list = crate::agreement::disagreements(
            &self.whole_project(),
            &all,
            &self.disputes_view.compared,
        )
        .into_iter()
        .filter(|d| !decided.contains(&(d.interview.clone(), d.lang.clone(), d.segment)))
        .collect();
        self.disputes_view.selected = 0;
    }

    /// Records a decision on the selected dispute into the consensus coder: the chosen
    /// coders' codings on that segment (an empty choice is recorded too, as a marker coding
    /// is not possible without a code: it is simply dropped from the list).
    pub(crate) fn decide(&mut self, decision: Decision) {
        let Some(d) = self
            .disputes_view
            .list
            .get(self.disputes_view.selected)
            .cloned()
        else {
            return;
        };
        self.ensure_loaded(&d.interview);
        let all = self.all_codings(true);
        let done = match crate::ops::decide(
            &self.root,
            &self.project,
            &all,
            &self.disputes_view.compared,
            &d,
            decision,
        ) {
            Ok(done) => done,
            Err(e) => {
                self.set_status(format!("NOT SAVED: {e}"));
                return;
            }
        };
        // The consensus coder's file changed on disk: the counts must show it.
        self.reload_codings();
        self.disputes_view.list.remove(self.disputes_view.selected);
        self.disputes_view.selected = self
            .disputes_view
            .selected
            .min(self.disputes_view.list.len().saturating_sub(1));
        self.set_status(format!(
            "{} {} seg {}: took {} ({} coding(s) to {CONSENSUS}), saved",
            d.interview, d.lang, d.segment, done.took, done.codings
        ));
    }

    pub(crate) fn disagreements_action(&mut self, a: Action) {
        let n = self.disputes_view.list.len();
        match a {
            Action::Up => {
                self.disputes_view.selected = self.disputes_view.selected.saturating_sub(1)
            }
            Action::Down => {
                self.disputes_view.selected =
                    (self.disputes_view.selected + 1).min(n.saturating_sub(1))
            }
            Action::TakeFirst => self.decide(Decision::First),
            Action::TakeSecond => self.decide(Decision::Second),
            Action::TakeBoth => self.decide(Decision::Both),
            Action::TakeNeither => self.decide(Decision::Neither),
            Action::Open => {
                if let Some(d) = self
                    .disputes_view
                    .list
                    .get(self.disputes_view.selected)
                    .cloned()
                {
                    self.ensure_loaded(&d.interview);
                    let Some(t) = self
                        .project
                        .interviews
                        .get(&d.interview)
                        .and_then(|i| i.versions.get(&d.lang))
                        .filter(|t| d.segment < t.segments.len())
                    else {
                        return;
                    };
                    let pos = t.segment_span(d.segment).start;
                    self.show_others = true;
                    self.open_transcript(&d.interview, &d.lang, pos);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn draw_disagreements(&self, f: &mut Frame, area: Rect) {
        let (a, b) = match self.disputes_view.compared.as_slice() {
            [a, b, ..] => (a.as_str(), b.as_str()),
            _ => ("-", "-"),
        };
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} disputed passage(s): {} vs {} · < take {} · > take {} · = both · 0 neither · Enter view ",
            self.disputes_view.list.len(),
            inert(a),
            inert(b),
            inert(a),
            inert(b)
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let per = 4usize;
        let visible = (inner.height as usize / per).max(1);
        let skip = self
            .disputes_view
            .selected
            .saturating_sub(visible.saturating_sub(1));
        let w = inner.width.saturating_sub(4) as usize;
        let mut lines = Vec::new();
        for (k, d) in self
            .disputes_view
            .list
            .iter()
            .enumerate()
            .skip(skip)
            .take(visible)
        {
            let style = if k == self.disputes_view.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                format!(
                    "{} {} seg {} {}",
                    d.interview,
                    d.lang,
                    d.segment,
                    d.locator()
                ),
                style.add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::raw(format!(
                "  {}",
                inert(&wrap_str(&d.text, w).into_iter().next().unwrap_or_default())
            )));
            for (coder, codes) in &d.codes {
                let list = if codes.is_empty() {
                    "-".to_string()
                } else {
                    codes.join(", ")
                };
                lines.push(Line::styled(
                    format!("  {:<10} {}", inert(coder), list),
                    self.dim(),
                ));
            }
        }
        if self.disputes_view.list.is_empty() {
            lines.push(Line::raw(if self.disputes_view.compared.len() < 2 {
                "Two coders with codings are needed."
            } else {
                "No disputed passages left."
            }));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
