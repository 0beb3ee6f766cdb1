//! Drawing the Transcript view: only the visible rows, each grapheme styled by the codings,
//! the selection and the cursor; every string passes through `inert`.

use crate::tui::app::*;
use crate::tui::layout::{header_text, inert, RowKind};
use crate::tui::views::transcript::*;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

impl App {
    pub(crate) fn draw_transcript(&self, f: &mut Frame, area: Rect) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let title_parallel = ts.parallel;
        let inner = text_area(area);
        let width = text_width(inner.width as usize);
        // The layout `prepare` built for this width; drawn at another size without it (a
        // test, a first frame), one is built here and dropped.
        let built;
        let layout = match &ts.layout {
            Some((key, l)) if *key == (width, ts.parallel) => l,
            _ => {
                let Some(l) = self.build_layout(width) else {
                    return;
                };
                built = l;
                &built
            }
        };
        let height = inner.height as usize;
        let scroll = visible_scroll(ts.scroll, layout.row_of(t, ts.cursor), height, false);
        let (cursor, anchor) = (ts.cursor, ts.anchor);
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
        let found = self.transcript.as_ref().and_then(|t| t.found.clone());
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
        let heard = self.listen.heard;
        for (k, row) in rows.into_iter().enumerate() {
            let row_index = scroll + k;
            let mut spans: Vec<Span> = Vec::new();
            match row.kind {
                RowKind::Header { segment } => {
                    spans.push(Span::raw(" ".repeat(GUTTER)));
                    let h = header_text(t, segment);
                    let padded = format!("{:<w$}", inert(&h), w = left_w);
                    spans.push(Span::styled(padded, self.accent()));
                }
                RowKind::Blank => spans.push(Span::raw(" ".repeat(GUTTER + left_w))),
                RowKind::Text {
                    start,
                    end,
                    segment,
                } => {
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
                    // The segment being heard is marked on its first row.
                    let pad = GUTTER - g.chars().count();
                    if heard == Some(segment) && layout.first_row[segment] == row_index {
                        gutter_spans.push(Span::raw(" ".repeat(pad - 1)));
                        gutter_spans.push(Span::styled("▶", self.accent()));
                    } else {
                        gutter_spans.push(Span::raw(" ".repeat(pad)));
                    }
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
                        if found.as_ref().is_some_and(|f| f.contains(&pos)) {
                            style = self.found(style);
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
        // What is under the cursor, named (colours alone do not tell stripes apart).
        let here = self.under_cursor();
        let info = if here.is_empty() {
            " no coding here".to_string()
        } else {
            format!(" here: {}", here.join(" · "))
        };
        let info_area = Rect {
            y: inner.y + inner.height,
            height: 1,
            ..inner
        };
        if info_area.y < area.y + area.height {
            f.render_widget(
                Paragraph::new(Line::styled(inert(&info).into_owned(), self.dim())),
                info_area,
            );
        }
    }
}
