//! The Report view: code frequencies, survey figures beside their passages, co-occurrence
//! and agreement, computed once per change (`ReportData`), never per frame.

use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::inert;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// What the report and codebook views show, derived from the codings.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// Counts per code of the project's default coder set (the codebook view, and the
    /// report view with `A`): the same numbers as `intercode codebook list` and `report`.
    pub everyone: Vec<crate::report::CodeCount>,
    /// Whose codings `everyone` counts, in words.
    pub everyone_set: String,
    /// The same, short, for a panel title.
    pub everyone_short: String,
    /// The counts the report shows (yours or the default set's).
    pub shown: Vec<crate::report::CodeCount>,
    /// Whose codings `shown` counts, in words, with what was left out.
    pub shown_set: String,
    /// The same, short, for a panel title.
    pub shown_short: String,
    pub themes: Vec<crate::report::FigureEvidence>,
    /// Co-occurring code pairs, most frequent first.
    pub pairs: Vec<((String, String), usize)>,
    /// The agreement panel's lines.
    pub agreement: Vec<String>,
}
/// The Report view's state.
#[derive(Debug, Clone)]
pub struct ReportState {
    /// Count every coder's codings (`A`), not only yours.
    pub all_coders: bool,
    pub scroll: usize,
    /// How far the longest panel can scroll at the last screen size: `j` stops there.
    pub scroll_max: usize,
    /// Counts for the report and codebook views, computed once per change, not per frame.
    pub data: Option<ReportData>,
}

impl Default for ReportState {
    fn default() -> Self {
        ReportState {
            all_coders: false,
            scroll: 0,
            scroll_max: usize::MAX,
            data: None,
        }
    }
}

/// The report's code panel and survey panel in the view's `area`.
fn report_panels(area: Rect) -> (Rect, Rect) {
    let [left, right] =
        Split::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [themes, _, _] = Split::vertical([
        Constraint::Percentage(50),
        Constraint::Percentage(30),
        Constraint::Percentage(20),
    ])
    .areas(right);
    (left, themes)
}

/// Rows of the survey panel after wrapping, over-estimated a little (words wrap before the
/// edge) so that the last figure can always be scrolled into view, less one page.
fn themes_scroll_limit(lines: &[Line], themes: Rect) -> usize {
    let inner_w = (themes.width.saturating_sub(2) as usize).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| (l.width() * 100).div_ceil(inner_w * 85).max(1))
        .sum();
    rows.saturating_sub(themes.height.saturating_sub(2) as usize)
}

impl App {
    /// Computes the report views' data if a change made it stale.
    pub fn ensure_report(&mut self) {
        if self.report_view.data.is_some() {
            return;
        }
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let everyone = self.all_codings(true);
        // Counted over every transcript, read for the count in a large project.
        let project = self.whole_project();
        let settings = crate::report::Settings::load(&self.root).unwrap_or_default();
        let default_set = crate::report::CoderSet::default_for(&project, &everyone);
        let mine = crate::report::CoderSet::union(vec![self.coder.clone()]);
        let everyone_an =
            crate::report::analyse(&project, &everyone, &default_set, None, &settings);
        let shown_an = if self.report_view.all_coders {
            None
        } else {
            Some(crate::report::analyse(
                &project, &everyone, &mine, None, &settings,
            ))
        };
        let shown = shown_an.as_ref().unwrap_or(&everyone_an);
        let describe = |an: &crate::report::Analysis| {
            let note = an.note();
            if note.is_empty() {
                an.describe()
            } else {
                format!("{}; {note}", an.describe())
            }
        };
        let mut pairs: Vec<((String, String), usize)> =
            crate::report::cooccurrence(shown).into_iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        // The pair the Disagreements view reconciles, chosen in one place.
        let coders = crate::report::passages::reconciled_coders(&everyone);
        let agreement = match coders.as_slice() {
            [a, b, ..] => match crate::agreement::agree(
                &project,
                &everyone,
                &[a.clone(), b.clone()],
                crate::agreement::Unit::Segment,
                None,
            ) {
                Ok(r) => {
                    let n = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.2}"));
                    vec![
                        format!(
                            " {a} vs {b}: {} interview(s) coded by both",
                            r.interviews.len()
                        ),
                        format!(
                            " agreement {}  Cohen's κ {}  Krippendorff's α {}",
                            n(r.overall.percent_agreement),
                            n(r.overall.cohen_kappa),
                            n(r.overall.krippendorff_alpha)
                        ),
                    ]
                }
                Err(e) => vec![e.to_string()],
            },
            _ => vec![" needs two coders with codings".to_string()],
        };
        let no_names = crate::report::Redactions::default();
        let data = ReportData {
            everyone: crate::report::frequencies(cb, &everyone_an),
            everyone_set: describe(&everyone_an),
            everyone_short: everyone_an.set.short(),
            shown: crate::report::frequencies(cb, shown),
            shown_set: describe(shown),
            shown_short: shown.set.short(),
            themes: crate::report::themes(&project, shown, "en", 0, &no_names, &settings),
            pairs,
            agreement,
        };
        drop(project);
        self.report_view.data = Some(data);
    }

    /// The survey panel's lines: each theme, then its figures with their evidence.
    fn theme_lines(&self, data: &ReportData) -> Vec<Line<'static>> {
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
        t_lines
    }

    /// How far `j` may scroll the report in `area`: until the longer panel's last page.
    pub(crate) fn report_scroll_limit(&self, area: Rect) -> usize {
        let Some(data) = &self.report_view.data else {
            return 0;
        };
        let (left, themes) = report_panels(area);
        let left_max = data
            .shown
            .len()
            .saturating_sub(left.height.saturating_sub(2) as usize);
        left_max.max(themes_scroll_limit(&self.theme_lines(data), themes))
    }

    pub(crate) fn report_action(&mut self, a: Action) {
        match a {
            Action::AllCoders => {
                self.report_view.all_coders = !self.report_view.all_coders;
                self.report_view.data = None;
            }
            Action::Down => {
                self.report_view.scroll =
                    (self.report_view.scroll + 1).min(self.report_view.scroll_max)
            }
            Action::Up => self.report_view.scroll = self.report_view.scroll.saturating_sub(1),
            Action::PageDown => {
                self.report_view.scroll =
                    (self.report_view.scroll + 10).min(self.report_view.scroll_max)
            }
            Action::PageUp => self.report_view.scroll = self.report_view.scroll.saturating_sub(10),
            Action::Top => self.report_view.scroll = 0,
            Action::Bottom => self.report_view.scroll = self.report_view.scroll_max,
            _ => {}
        }
    }

    pub(crate) fn draw_report(&self, f: &mut Frame, area: Rect) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let Some(data) = &self.report_view.data else {
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
            // A sub-code shows only its own part under its parent ("fear" then
            // "  speaking_out"), so that a narrow column cuts names that still differ.
            let own = c.code.rsplit('.').next().unwrap_or(&c.code);
            let label = fit(&format!("{}{}", "  ".repeat(c.depth), inert(own)), label_w);
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
                .scroll((self.report_view.scroll.min(left_max) as u16, 0)),
            left,
        );

        let [themes, co, agree] = Split::vertical([
            Constraint::Percentage(50),
            Constraint::Percentage(30),
            Constraint::Percentage(20),
        ])
        .areas(right);
        self.draw_agreement(f, agree);
        let t_lines = self.theme_lines(data);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" survey figure · interviews ({who}) · j/k "));
        let themes_max = themes_scroll_limit(&t_lines, themes);
        f.render_widget(
            Paragraph::new(t_lines)
                .wrap(Wrap { trim: true })
                .block(block)
                .scroll((self.report_view.scroll.min(themes_max) as u16, 0)),
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
    pub(crate) fn draw_agreement(&self, f: &mut Frame, area: Rect) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" agreement (by segment) · 7 lists the disagreements ");
        let lines: Vec<Line> = self
            .report_view
            .data
            .iter()
            .flat_map(|r| r.agreement.iter())
            .map(|l| Line::raw(inert(l).into_owned()))
            .collect();
        f.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// `text` in at most `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
