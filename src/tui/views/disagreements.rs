//! The Disagreements view: passages the two compared coders coded differently, each listed
//! once whatever languages it is coded in (a segment and its aligned translation are one
//! passage, as the consensus counts them), and the decisions that reconcile them: take one
//! coder's codes, both, or neither; `u` undoes the last decision.

use crate::agreement::{Decision, DisputedPassage, CONSENSUS};
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::{first_shown, inert, wrap_str};
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
    pub list: Vec<DisputedPassage>,
    pub selected: usize,
    /// Decisions of this session, last on top: the passage, where it was in the list, and
    /// the consensus codings it added (what `u` takes back).
    pub decided: Vec<(DisputedPassage, usize, Vec<String>)>,
}

/// What a row of a passage shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Heading,
    Text,
    Codes,
}

/// Rows a passage takes in a list `width` columns wide: a heading, each language's text
/// wrapped whole, each coder's codes, a blank line.
fn passage_lines(p: &DisputedPassage, width: usize) -> Vec<(String, Row)> {
    let d0 = &p.parts[0];
    let langs: Vec<String> = p
        .parts
        .iter()
        .map(|d| format!("{} seg {}", d.lang, d.segment))
        .collect();
    let mut out = vec![(
        format!("{} · {} · {}", p.interview, d0.locator(), langs.join(" + ")),
        Row::Heading,
    )];
    for d in &p.parts {
        for (k, l) in wrap_str(&d.text, width.saturating_sub(5).max(10))
            .into_iter()
            .enumerate()
        {
            let lead = if k == 0 {
                format!("  {:<3}", d.lang)
            } else {
                "     ".into()
            };
            out.push((format!("{lead}{l}"), Row::Text));
        }
    }
    for (coder, codes) in p.codes() {
        let list = if codes.is_empty() {
            "-".to_string()
        } else {
            codes.join(", ")
        };
        out.push((format!("  {coder:<10} {list}"), Row::Codes));
    }
    out.push((String::new(), Row::Text));
    out
}

impl App {
    /// Compares the pair the reports reconcile and lists the passages they disagree on that
    /// the consensus coder has not decided yet.
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
        self.disputes_view.list = crate::agreement::disputed_passages(
            &self.whole_project(),
            &all,
            &self.disputes_view.compared,
        )
        .into_iter()
        // A passage decided in either language is decided.
        .filter(|p| {
            !p.parts
                .iter()
                .any(|d| decided.contains(&(d.interview.clone(), d.lang.clone(), d.segment)))
        })
        .collect();
        self.disputes_view.selected = 0;
    }

    /// Decides the selected passage into the consensus coder (see `ops::decide`).
    pub(crate) fn decide(&mut self, decision: Decision) {
        let at = self.disputes_view.selected;
        let Some(p) = self.disputes_view.list.get(at).cloned() else {
            return;
        };
        self.ensure_loaded(&p.interview);
        let all = self.all_codings(true);
        let by = self.coder.clone();
        let done = match crate::ops::decide(
            &self.root,
            &self.project,
            &all,
            &self.disputes_view.compared,
            &p,
            decision,
            &by,
        ) {
            Ok(done) => done,
            Err(e) => {
                self.set_status(format!("NOT SAVED: {e}"));
                return;
            }
        };
        // The consensus coder's file changed on disk: the counts must show it.
        self.reload_codings();
        let v = &mut self.disputes_view;
        v.list.remove(at);
        v.selected = at.min(v.list.len().saturating_sub(1));
        let n = done.added.len();
        v.decided.push((p.clone(), at, done.added));
        self.set_status(format!(
            "{} {}: took {} ({n} coding(s) to {CONSENSUS}), saved · u undoes",
            p.interview,
            p.parts[0].locator(),
            done.took,
        ));
    }

    /// Takes back this session's last decision: the passage is open again where it was.
    fn undo_decision(&mut self) {
        let Some((p, at, added)) = self.disputes_view.decided.pop() else {
            self.set_status("no decision of this session to undo");
            return;
        };
        if let Err(e) = crate::ops::undo_decision(&self.root, &p, &added) {
            self.disputes_view.decided.push((p, at, added));
            self.set_status(format!("NOT UNDONE: {e}"));
            return;
        }
        self.reload_codings();
        let v = &mut self.disputes_view;
        let at = at.min(v.list.len());
        v.list.insert(at, p.clone());
        v.selected = at;
        self.set_status(format!(
            "undid the decision on {} {}, saved",
            p.interview,
            p.parts[0].locator()
        ));
    }

    pub(crate) fn disagreements_action(&mut self, a: Action) {
        let v = &mut self.disputes_view;
        if crate::tui::views::list_move(&mut v.selected, v.list.len(), a, 5) {
            return;
        }
        match a {
            Action::TakeFirst => self.decide(Decision::First),
            Action::TakeSecond => self.decide(Decision::Second),
            Action::TakeBoth => self.decide(Decision::Both),
            Action::TakeNeither => self.decide(Decision::Neither),
            Action::Undo => self.undo_decision(),
            Action::Open => {
                let Some(d) = v.list.get(v.selected).map(|p| p.parts[0].clone()) else {
                    return;
                };
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
            _ => {}
        }
    }

    pub(crate) fn draw_disagreements(&self, f: &mut Frame, area: Rect) {
        let (a, b) = match self.disputes_view.compared.as_slice() {
            [a, b, ..] => (a.as_str(), b.as_str()),
            _ => ("-", "-"),
        };
        let v = &self.disputes_view;
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} disputed passage(s): {} vs {} · < take {} · > take {} · = both · 0 neither · u undo · Enter view ",
            v.list.len(),
            inert(a),
            inert(b),
            inert(a),
            inert(b)
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let (w, h) = (inner.width as usize, inner.height as usize);
        if v.list.is_empty() {
            let msg = if v.compared.len() < 2 {
                "Two coders with codings are needed."
            } else {
                "No disputed passages left."
            };
            f.render_widget(Paragraph::new(msg), inner);
            return;
        }
        // The selected passage is shown whole when it fits, with as many before it as fit.
        let sel = v.selected.min(v.list.len() - 1);
        let first = first_shown(sel, h, |k| passage_lines(&v.list[k], w).len());
        let mut lines = Vec::new();
        for (k, p) in v.list.iter().enumerate().skip(first) {
            if lines.len() >= h {
                break;
            }
            for (text, row) in passage_lines(p, w) {
                let style = match (row, k == sel) {
                    (Row::Heading, true) => {
                        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                    }
                    (Row::Heading, false) => Style::default().add_modifier(Modifier::BOLD),
                    (Row::Codes, _) => self.dim(),
                    (Row::Text, _) => Style::default(),
                };
                lines.push(Line::styled(inert(&text).into_owned(), style));
            }
        }
        lines.truncate(h);
        f.render_widget(Paragraph::new(lines), inner);
    }
}
