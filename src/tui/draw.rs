//! Drawing: reads the [`App`] state and renders the current view, the status bar and any
//! overlay. Only visible rows are built. Every string that comes from a file passes through
//! `inert` so transcript text can never drive the terminal.

use super::app::{split_width, text_width, App, Overlay, View, GUTTER};
use super::keymap::Action;
use super::layout::{header_text, inert, wrap_str, RowKind};
use ratatui::layout::{Constraint, Direction, Layout as Split, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

fn hex(c: &str) -> Option<Color> {
    let c = c.strip_prefix('#')?;
    let v = u32::from_str_radix(c, 16).ok()?;
    Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

impl App {
    fn fg(&self, color: Option<&str>) -> Style {
        match (self.color, color.and_then(hex)) {
            (true, Some(c)) => Style::default().fg(c),
            _ => Style::default(),
        }
    }

    fn accent(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }

    /// Draws everything.
    pub fn draw(&mut self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = format!(
                "intercode needs {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}",
                area.width, area.height
            );
            f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        let [tabs, body, status] = Split::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_tabs(f, tabs);
        if matches!(self.view, View::Report | View::Codebook) {
            self.ensure_report();
        }
        match self.view {
            View::Interviews => self.draw_interviews(f, body),
            View::Transcript => self.draw_transcript(f, body),
            View::Codebook => self.draw_codebook(f, body),
            View::Search => self.draw_search(f, body),
            View::Report => self.draw_report(f, body),
            View::Suggestions => self.draw_suggestions(f, body),
            View::Disagreements => self.draw_disagreements(f, body),
        }
        self.draw_status(f, status);
        match self.overlay.clone() {
            Some(Overlay::Help) => self.draw_help(f, body),
            Some(Overlay::Picker { query, selected }) => {
                self.draw_picker(f, body, &query, selected)
            }
            Some(Overlay::Prompt { title, input, .. }) => self.draw_prompt(f, body, &title, &input),
            None => {}
        }
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect) {
        let mut spans = vec![Span::styled(" intercode ", self.accent())];
        for v in View::ALL {
            let style = if v == self.view {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                Style::default()
            };
            spans.push(Span::styled(format!(" {} ", v.title()), style));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_status(&self, f: &mut Frame, area: Rect) {
        let place = self
            .transcript
            .as_ref()
            .map(|t| format!("{} {}", t.interview, t.lang))
            .unwrap_or_else(|| "-".into());
        let save = if self.session.is_none() {
            "read-only"
        } else if self.saved {
            "saved"
        } else {
            "NOT SAVED"
        };
        let text = format!(
            " {} │ {place} │ {save} │ index: {} │ {}",
            inert(&self.coder),
            self.index_state,
            inert(&self.status)
        );
        let style = if self.color {
            Style::default().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        };
        f.render_widget(Paragraph::new(text).style(style), area);
    }

    fn draw_interviews(&self, f: &mut Frame, area: Rect) {
        let mut lines = vec![Line::styled(
            format!(
                " {:<8} {:<7} {:>5} {:>8}  attributes",
                "id", "langs", "min", "codings"
            ),
            self.accent(),
        )];
        // Only the rows that fit are formatted: a project of 10,000 interviews would
        // otherwise format 10,000 lines on every frame.
        let skip = self
            .list_selected
            .saturating_sub((area.height as usize).saturating_sub(3));
        let rows = area.height as usize;
        for (k, (id, i)) in self
            .project
            .interviews
            .iter()
            .enumerate()
            .skip(skip)
            .take(rows)
        {
            let langs: Vec<&str> = i.files.keys().map(String::as_str).collect();
            // While the transcripts are still being read, their length is not known yet.
            let min = match i.versions.values().map(|t| t.duration_ms()).max() {
                Some(ms) => (ms / 60_000).to_string(),
                None => "…".to_string(),
            };
            let n = self.mine.get(id).map_or(0, Vec::len);
            let attrs: Vec<String> = i
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let text = format!(
                " {:<8} {:<7} {:>5} {:>8}  {}",
                inert(id),
                langs.join(","),
                min,
                n,
                inert(&attrs.join(", "))
            );
            let style = if k == self.list_selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(text, style));
        }
        let block = Block::default()
            .borders(Borders::TOP)
            .title(" Enter opens an interview · ? help ");
        f.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn draw_transcript(&mut self, f: &mut Frame, area: Rect) {
        let Some(ts) = self.transcript.as_mut() else {
            return;
        };
        let title_parallel = ts.parallel;
        ts.area = Rect {
            x: area.x,
            y: area.y + 1,
            width: area.width,
            height: area.height.saturating_sub(1),
        };
        let inner = ts.area;
        let width = text_width(inner.width as usize);
        self.scroll_to_cursor(false);
        let Some((t, ts)) = self.current() else {
            return;
        };
        let (cursor, anchor, scroll) = (ts.cursor, ts.anchor, ts.scroll);
        let interview = ts.interview.clone();
        let lang = ts.lang.clone();
        let attrs: Vec<String> = self.project.interviews[&interview]
            .attributes
            .iter()
            .filter(|(k, _)| *k == "gender" || *k == "age_group")
            .map(|(_, v)| v.clone())
            .collect();
        let codings: Vec<(String, crate::codings::Coding)> = self
            .visible_codings()
            .into_iter()
            .map(|(c, x)| (c.to_string(), x.clone()))
            .collect();
        let sel = anchor.map(|_| self.selection().unwrap_or(0..0));
        let colors: Vec<Option<String>> = codings
            .iter()
            .map(|(_, c)| self.code_color(&c.code).map(str::to_string))
            .collect();
        let title = format!(
            " {interview} ({lang}{}) {} · {} · v select · c code · t parallel · ? help ",
            if attrs.is_empty() {
                String::new()
            } else {
                format!(", {}", attrs.join(", "))
            },
            if title_parallel { "⇄" } else { "" },
            t.extent()
        );
        f.render_widget(
            Paragraph::new(Line::styled(inert(&title).into_owned(), self.accent())),
            Rect { height: 1, ..area },
        );
        // scroll_to_cursor above built the layout for this width; read it without copying
        // the transcript.
        let Some((_, layout)) = self.transcript.as_ref().and_then(|ts| ts.layout.as_ref()) else {
            return;
        };
        let rows: Vec<_> = layout
            .rows
            .iter()
            .skip(scroll)
            .take(inner.height as usize)
            .cloned()
            .collect();
        let (left_w, _) = if title_parallel {
            split_width(width)
        } else {
            (width, 0)
        };
        let mut lines: Vec<Line> = Vec::with_capacity(rows.len());
        for row in rows {
            let mut spans: Vec<Span> = Vec::new();
            match row.kind {
                RowKind::Header { segment } => {
                    spans.push(Span::raw(" ".repeat(GUTTER)));
                    let h = header_text(t, segment);
                    let padded = format!("{:<w$}", inert(&h), w = left_w);
                    spans.push(Span::styled(padded, self.accent()));
                }
                RowKind::Blank => spans.push(Span::raw(" ".repeat(GUTTER + left_w))),
                RowKind::Text { start, end, .. } => {
                    // Gutter: one stripe per coding on this line (up to GUTTER - 1).
                    let here: Vec<usize> = codings
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, c))| c.start < end.max(start + 1) && start < c.end)
                        .map(|(i, _)| i)
                        .collect();
                    let mut g = String::new();
                    let mut gutter_spans = Vec::new();
                    for i in here.iter().take(GUTTER - 1) {
                        let mine = codings[*i].0 == self.coder;
                        gutter_spans.push(Span::styled(
                            if mine { "▌" } else { "┆" },
                            self.fg(colors[*i].as_deref()),
                        ));
                        g.push('x');
                    }
                    gutter_spans.push(Span::raw(" ".repeat(GUTTER - g.chars().count())));
                    spans.extend(gutter_spans);
                    // Text, grapheme by grapheme, styled by codings, selection and cursor.
                    let text = t.slice(start..end);
                    let mut pos = start;
                    let mut used = 0;
                    let mut run = String::new();
                    let mut run_style = Style::default();
                    for gph in text.graphemes(true) {
                        let n = gph.chars().count();
                        if used + super::layout::grapheme_width(gph) > left_w {
                            break; // a hanging space at the end of a wrapped line
                        }
                        let mut style = Style::default();
                        if let Some(i) = here
                            .iter()
                            .copied()
                            .rfind(|i| codings[*i].1.start <= pos && pos < codings[*i].1.end)
                        {
                            style = self
                                .fg(colors[i].as_deref())
                                .add_modifier(Modifier::UNDERLINED);
                        }
                        if sel.as_ref().is_some_and(|s| s.contains(&pos)) {
                            style = style.add_modifier(Modifier::REVERSED);
                        }
                        if pos == cursor {
                            style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
                        }
                        if style != run_style && !run.is_empty() {
                            spans.push(Span::styled(std::mem::take(&mut run), run_style));
                        }
                        run_style = style;
                        run.push_str(&inert(gph));
                        used += super::layout::grapheme_width(gph);
                        pos += n;
                    }
                    if !run.is_empty() {
                        spans.push(Span::styled(run, run_style));
                    }
                    // The cursor on the segment's end (an empty segment) still shows.
                    if pos == cursor && start == end {
                        spans.push(Span::styled(
                            " ",
                            Style::default().add_modifier(Modifier::REVERSED),
                        ));
                        used += 1;
                    }
                    spans.push(Span::raw(" ".repeat(left_w.saturating_sub(used))));
                }
            }
            if let Some(right) = row.right {
                spans.push(Span::styled(" │ ", self.dim()));
                spans.push(Span::styled(inert(&right).into_owned(), self.dim()));
            } else if title_parallel {
                spans.push(Span::styled(" │ ", self.dim()));
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_codebook(&self, f: &mut Frame, area: Rect) {
        let Some(cb) = &self.project.codebook else {
            f.render_widget(Paragraph::new("This project has no codebook."), area);
            return;
        };
        let [left, right] =
            Split::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let empty = Vec::new();
        let counts = self.report_cache.as_ref().map_or(&empty, |r| &r.everyone);
        let walk = cb.walk();
        let mut lines = Vec::new();
        for (i, (r, c)) in walk.iter().zip(counts).enumerate() {
            let name = r.code.name.get("en").cloned().unwrap_or_default();
            let mut style = Style::default();
            if i == self.codebook_selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            lines.push(Line::from(vec![
                Span::styled("█ ", self.fg(Some(&r.code.color))),
                Span::styled(
                    format!(
                        "{}{:<w$} {:>4}  {}",
                        "  ".repeat(r.depth),
                        inert(&r.code.id),
                        c.passages,
                        inert(&name),
                        w = 30usize.saturating_sub(2 * r.depth)
                    ),
                    style,
                ),
            ]));
        }
        let skip = self
            .codebook_selected
            .saturating_sub((left.height as usize).saturating_sub(3));
        let block = Block::default().borders(Borders::ALL).title(format!(
            " codes · passages of {} · a r M + ",
            inert(
                self.report_cache
                    .as_ref()
                    .map_or("", |r| r.everyone_short.as_str())
            )
        ));
        f.render_widget(
            Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(block),
            left,
        );
        if let Some(r) = walk.get(self.codebook_selected) {
            let c = r.code;
            let mut text = vec![Line::styled(inert(&c.id).into_owned(), self.accent())];
            for (l, n) in &c.name {
                text.push(Line::raw(format!("{l}: {}", inert(n))));
            }
            for (label, body) in [
                ("Description", &c.description),
                ("Include", &c.include),
                ("Exclude", &c.exclude),
            ] {
                if !body.is_empty() {
                    text.push(Line::raw(""));
                    text.push(Line::styled(
                        label,
                        Style::default().add_modifier(Modifier::BOLD),
                    ));
                    text.push(Line::raw(inert(body).into_owned()));
                }
            }
            for e in &c.examples {
                text.push(Line::raw(format!("e.g. “{}”", inert(e))));
            }
            f.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .block(Block::default().borders(Borders::ALL)),
                right,
            );
        }
    }

    /// Codings for counts: yours, or everyone's.
    pub fn all_codings(&self, everyone: bool) -> crate::codings::AllCodings {
        let mut all = crate::codings::AllCodings::default();
        for (i, v) in &self.mine {
            let mut f = crate::codings::CodingFile::new(&self.coder, i);
            f.codings = v.clone();
            all.files.push(f);
        }
        if everyone {
            all.files.extend(self.others.files.iter().cloned());
        }
        all
    }

    fn draw_search(&mut self, f: &mut Frame, area: Rect) {
        let [input, results] =
            Split::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
        let state = if self.search.waiting {
            "searching…".to_string()
        } else {
            format!("{} of {} shown", self.search.hits.len(), self.search.total)
        };
        let block = Block::default().borders(Borders::ALL).title(format!(
            " search all interviews · {state} · ↑↓ choose · Enter jump · Esc back "
        ));
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(inert(&self.search.query).into_owned()),
                Span::styled(" ", Style::default().add_modifier(Modifier::REVERSED)),
            ]))
            .block(block),
            input,
        );
        if let Some(e) = &self.search.error {
            // One line per line of the message, each made inert.
            let lines: Vec<Line> = e
                .lines()
                .map(|l| Line::raw(inert(l).into_owned()))
                .collect();
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), results);
            return;
        }
        // Each hit takes three rows; only the visible ones are built.
        let per = 3usize;
        let visible = (results.height as usize / per).max(1);
        if self.search.selected < self.search.scroll {
            self.search.scroll = self.search.selected;
        } else if self.search.selected >= self.search.scroll + visible {
            self.search.scroll = self.search.selected + 1 - visible;
        }
        let w = results.width.saturating_sub(4) as usize;
        let mut lines = Vec::new();
        for (k, h) in self
            .search
            .hits
            .iter()
            .enumerate()
            .skip(self.search.scroll)
            .take(visible)
        {
            let head = format!(
                "{} {} {}  {}",
                h.interview,
                h.lang,
                h.locator(),
                h.speaker.as_deref().unwrap_or("")
            );
            let style = if k == self.search.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                inert(&head).into_owned(),
                style.add_modifier(Modifier::BOLD),
            ));
            let chars: Vec<char> = h.text.chars().collect();
            let mut spans = vec![Span::raw("  ")];
            let mut at = 0;
            let mark = if self.color {
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            };
            for [a, b] in &h.highlights {
                let (a, b) = ((*a).min(chars.len()), (*b).min(chars.len()));
                spans.push(Span::raw(
                    inert(&chars[at.min(a)..a].iter().collect::<String>()).into_owned(),
                ));
                spans.push(Span::styled(
                    inert(&chars[a..b].iter().collect::<String>()).into_owned(),
                    mark,
                ));
                at = b;
            }
            spans.push(Span::raw(
                inert(&chars[at.min(chars.len())..].iter().collect::<String>()).into_owned(),
            ));
            lines.push(Line::from(spans));
            let tr = h
                .translation
                .as_deref()
                .map(|t| wrap_str(t, w).into_iter().next().unwrap_or_default())
                .unwrap_or_default();
            lines.push(Line::styled(format!("  ⇄ {}", inert(&tr)), self.dim()));
        }
        f.render_widget(Paragraph::new(lines), results);
    }

    fn draw_report(&self, f: &mut Frame, area: Rect) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let Some(data) = &self.report_cache else {
            return;
        };
        let freq = &data.shown;
        let [left, right] =
            Split::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let max = freq.iter().map(|c| c.passages).max().unwrap_or(1).max(1);
        // The numbers always fit: the code column gives way first, then the bar.
        let inner = (left.width as usize).saturating_sub(2);
        let total = self.project.interviews.len();
        let suffix_w = freq
            .iter()
            .map(|c| format!(" {} ({}/{total})", c.passages, c.interviews).len())
            .max()
            .unwrap_or(0);
        let label_w = 28.min(inner.saturating_sub(suffix_w + 1) * 2 / 3).max(8);
        let bar_w = inner.saturating_sub(label_w + 1 + suffix_w);
        let mut lines = Vec::new();
        for c in freq {
            let n = c.passages * bar_w / max;
            let color = cb.find(&c.code).map(|x| x.color.as_str());
            let label: String = format!("{}{}", "  ".repeat(c.depth), inert(&c.code))
                .chars()
                .take(label_w)
                .collect();
            lines.push(Line::from(vec![
                Span::raw(format!("{label:<label_w$} ")),
                Span::styled("█".repeat(n), self.fg(color)),
                Span::raw(format!(" {} ({}/{total})", c.passages, c.interviews)),
            ]));
        }
        let who = inert(&data.shown_short).into_owned();
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" passages (interviewees) · {who} · A "));
        // `j`/`k` scroll both long panels; each stops at its own last page, so reading the
        // survey figures further down never leaves the code list blank.
        let left_max = lines
            .len()
            .saturating_sub(left.height.saturating_sub(2) as usize);
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .scroll((self.report_scroll.min(left_max) as u16, 0)),
            left,
        );

        let [themes, co, agree] = Split::vertical([
            Constraint::Percentage(50),
            Constraint::Percentage(30),
            Constraint::Percentage(20),
        ])
        .areas(right);
        self.draw_agreement(f, agree);
        let mut t_lines = Vec::new();
        let mut last_theme = String::new();
        for e in &data.themes {
            if e.theme != last_theme {
                t_lines.push(Line::styled(e.theme.to_uppercase(), self.accent()));
                last_theme = e.theme.clone();
            }
            let unit = if e.unit == "percent" { "%" } else { "" };
            t_lines.push(Line::raw(format!(
                " {:>5}{unit}  {}  ·  {}/{} interviewees, {} passages ({})",
                e.value,
                inert(&e.label),
                e.participants,
                e.participants_total,
                e.passages,
                inert(&e.code)
            )));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" survey figure · interviews ({who}) · j/k "));
        // Rows after wrapping, over-estimated a little (words wrap before the edge), so that
        // the last figure can always be scrolled into view.
        let inner_w = (themes.width.saturating_sub(2) as usize).max(1);
        let rows: usize = t_lines
            .iter()
            .map(|l| (l.width() * 100).div_ceil(inner_w * 85).max(1))
            .sum();
        let themes_max = rows.saturating_sub(themes.height.saturating_sub(2) as usize);
        self.report_scroll_max.set(left_max.max(themes_max));
        f.render_widget(
            Paragraph::new(t_lines)
                .wrap(Wrap { trim: true })
                .block(block)
                .scroll((self.report_scroll.min(themes_max) as u16, 0)),
            themes,
        );
        let mut c_lines: Vec<Line> = data
            .pairs
            .iter()
            .take(co.height as usize)
            .map(|((a, b), n)| Line::raw(format!(" {n:>4}  {a} + {b}")))
            .collect();
        if c_lines.is_empty() {
            c_lines.push(Line::raw(format!(
                " no two codes share a passage in the codings of {who} yet"
            )));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" co-occurring codes · {who} "));
        f.render_widget(Paragraph::new(c_lines).block(block), co);
    }

    /// Agreement of the first two coders (other than the consensus coder), by segment.
    fn draw_agreement(&self, f: &mut Frame, area: Rect) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" agreement (by segment) · 7 lists the disagreements ");
        let lines: Vec<Line> = self
            .report_cache
            .iter()
            .flat_map(|r| r.agreement.iter())
            .map(|l| Line::raw(inert(l).into_owned()))
            .collect();
        f.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn draw_suggestions(&self, f: &mut Frame, area: Rect) {
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} suggestion(s) from the codebook's rules · Enter accept · d reject ",
            self.suggestions.len()
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let per = 2usize;
        let visible = (inner.height as usize / per).max(1);
        let skip = self
            .suggestions_selected
            .saturating_sub(visible.saturating_sub(1));
        let mut lines = Vec::new();
        for (k, s) in self.suggestions.iter().enumerate().skip(skip).take(visible) {
            let style = if k == self.suggestions_selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::styled("█ ", self.fg(self.code_color(&s.code))),
                Span::styled(
                    format!(
                        "{} {} seg {:<4} {:<26} rule {} (“{}”)",
                        s.interview,
                        s.lang,
                        s.segment,
                        s.code,
                        inert(&s.rule),
                        inert(&s.matched)
                    ),
                    style,
                ),
            ]));
            let text = self
                .project
                .interviews
                .get(&s.interview)
                .and_then(|i| i.versions.get(&s.lang))
                .map(|t| t.segments[s.segment].text.clone())
                .unwrap_or_default();
            let first = wrap_str(&text, inner.width.saturating_sub(4) as usize)
                .into_iter()
                .next()
                .unwrap_or_default();
            lines.push(Line::styled(format!("   {}", inert(&first)), self.dim()));
        }
        if self.suggestions.is_empty() {
            lines.push(Line::raw(
                "No suggestions left: every rule match is coded or rejected.",
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_disagreements(&self, f: &mut Frame, area: Rect) {
        let (a, b) = match self.compared.as_slice() {
            [a, b, ..] => (a.as_str(), b.as_str()),
            _ => ("-", "-"),
        };
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} disputed passage(s): {} vs {} · < take {} · > take {} · = both · 0 neither · Enter view ",
            self.disputes.len(),
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
            .disputes_selected
            .saturating_sub(visible.saturating_sub(1));
        let w = inner.width.saturating_sub(4) as usize;
        let mut lines = Vec::new();
        for (k, d) in self.disputes.iter().enumerate().skip(skip).take(visible) {
            let style = if k == self.disputes_selected {
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
        if self.disputes.is_empty() {
            lines.push(Line::raw(if self.compared.len() < 2 {
                "Two coders with codings are needed."
            } else {
                "No disputed passages left."
            }));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn centered(area: Rect, w: u16, h: u16) -> Rect {
        let w = w.min(area.width);
        let h = h.min(area.height);
        Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        }
    }

    fn draw_help(&self, f: &mut Frame, area: Rect) {
        f.render_widget(Clear, area);
        let mut lines = Vec::new();
        let mut ctx = "";
        for a in Action::ALL {
            if a.context() != ctx {
                ctx = a.context();
                lines.push(Line::styled(ctx.to_uppercase(), self.accent()));
            }
            let keys = self.keymap.keys_for(*a).join(" ");
            lines.push(Line::raw(format!(" {keys:<16} {}", a.help())));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "Mouse: click places the cursor, drag selects, wheel scrolls.",
        ));
        lines.push(Line::raw(
            "Keys: keys.json in your config folder (see README).",
        ));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" help · ↑↓ scroll · any other key closes ");
        let inner = block.inner(area);
        f.render_widget(block, area);
        // Two columns when the terminal is wide enough, scrolled together.
        let cols = if inner.width >= 100 { 2 } else { 1 };
        let per_col = (lines.len().div_ceil(cols)).max(1);
        let scroll = self
            .help_scroll
            .min(per_col.saturating_sub(inner.height as usize));
        let areas = Split::horizontal(vec![Constraint::Ratio(1, cols as u32); cols]).split(inner);
        for (k, col_area) in areas.iter().enumerate() {
            let part: Vec<Line> = lines
                .iter()
                .skip(k * per_col)
                .take(per_col)
                .skip(scroll)
                .cloned()
                .collect();
            f.render_widget(Paragraph::new(part), *col_area);
        }
    }

    fn draw_picker(&self, f: &mut Frame, area: Rect, query: &str, selected: usize) {
        let r = Self::centered(area, 90, area.height.saturating_sub(2).max(10));
        f.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" code the selection · type to filter · ↑↓ · Enter apply · Esc cancel ");
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

    fn draw_prompt(&self, f: &mut Frame, area: Rect, title: &str, input: &str) {
        let r = Self::centered(area, 70, 3);
        f.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} · Enter · Esc ", inert(title)));
        f.render_widget(Paragraph::new(format!("{}▏", inert(input))).block(block), r);
    }
}
