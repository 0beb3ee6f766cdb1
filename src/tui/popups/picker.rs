//! The code picker: fuzzy search over code ids and names in both languages.

use crate::codebook::Code;
use crate::tui::app::*;
use crate::tui::layout::inert;
use crate::tui::popups::PickFor;
use ratatui::layout::{Constraint, Direction, Layout as Split, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Subsequence match score (higher is better), `None` if `needle` is not a subsequence.
pub fn fuzzy_score(hay: &str, needle: &str) -> Option<i64> {
    if needle.is_empty() {
        return Some(0);
    }
    let mut score = 0i64;
    let mut it = hay.char_indices().peekable();
    let mut last: Option<usize> = None;
    for n in needle.chars() {
        let mut found = None;
        for (i, h) in it.by_ref() {
            if h == n {
                found = Some(i);
                break;
            }
        }
        let i = found?;
        score += match last {
            Some(l) if i == l + n.len_utf8().max(1) || hay[l..i].chars().count() == 1 => 8,
            _ => 1,
        };
        if i == 0 || hay[..i].ends_with(['.', ' ', '_', '-']) {
            score += 4;
        }
        last = Some(i);
    }
    Some(score * 100 - hay.chars().count() as i64)
}
impl App {
    /// Codes matching the picker query, best first: (code, score).
    pub fn picker_matches(&self, query: &str) -> Vec<&Code> {
        let Some(cb) = &self.project.codebook else {
            return Vec::new();
        };
        let q = query.to_lowercase();
        let mut scored: Vec<(i64, usize, &Code)> = cb
            .walk()
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let c = r.code;
                let hay = std::iter::once(c.id.as_str()).chain(c.name.values().map(String::as_str));
                hay.filter_map(|h| fuzzy_score(&h.to_lowercase(), &q))
                    .max()
                    .map(|s| (s, i, c))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, c)| c).collect()
    }

    pub(crate) fn draw_picker(
        &self,
        f: &mut Frame,
        area: Rect,
        query: &str,
        selected: usize,
        purpose: &PickFor,
    ) {
        let what = match purpose {
            PickFor::Code => "code the selection",
            PickFor::Recode(_) => "recode as",
            PickFor::Retrieve => "retrieve the passages of",
        };
        let r = Self::centered(area, 90, area.height.saturating_sub(2).max(10));
        f.render_widget(Clear, r);
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {what} · type to filter · ↑↓ · Enter · Esc cancel "
        ));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let [input, rest] =
            Split::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(format!("> {}▏", inert(query))), input);
        let [list, _, desc] = Split::new(
            Direction::Horizontal,
            [
                Constraint::Percentage(50),
                Constraint::Length(2),
                Constraint::Min(10),
            ],
        )
        .areas(rest);
        let matches = self.picker_matches(query);
        let skip = selected.saturating_sub((list.height as usize).saturating_sub(1));
        let lines: Vec<Line> = matches
            .iter()
            .enumerate()
            .skip(skip)
            .take(list.height as usize)
            .map(|(i, c)| {
                let style = if i == selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                let names: Vec<&str> = c.name.values().map(String::as_str).collect();
                Line::from(vec![
                    Span::styled("█ ", self.fg(Some(&c.color))),
                    Span::styled(
                        format!("{} — {}", inert(&c.id), inert(&names.join(" / "))),
                        style,
                    ),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), list);
        if let Some(c) = matches.get(selected) {
            let mut text = vec![Line::styled(inert(&c.id).into_owned(), self.accent())];
            for (label, body) in [
                ("", &c.description),
                ("Include: ", &c.include),
                ("Exclude: ", &c.exclude),
            ] {
                if !body.is_empty() {
                    text.push(Line::raw(format!("{label}{}", inert(body))));
                }
            }
            f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), desc);
        }
    }
}
