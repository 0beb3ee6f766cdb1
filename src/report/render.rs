//! Rendering reports for people and programs: a readable table for the terminal, Markdown
//! that pandoc turns into a clean document, tidy CSV and JSON for R and pandas, and SVG bar
//! charts that open in a browser or a word processor. Every rendering states whose codings it
//! counted and what it left out. Everything here is pure: data in, text out. Text from the
//! project (code names, attributes, quotes) is made inert for terminals and readers: control
//! characters and bidirectional overrides never pass.
//!
//! (Over 900 lines on purpose: every report in every format, so that captions, inert text and
//! tidy columns are applied the same way everywhere; its tests are in `render_tests.rs`.)

use super::{Crosstab, FigureEvidence, FrequencyRow, Quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "tui", derive(clap::ValueEnum))]
pub enum Format {
    #[default]
    Table,
    Md,
    Csv,
    Json,
    Svg,
}

/// What every rendering says about its counts: whose codings, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Caption {
    /// "codings of ana and boris", "consensus of ana and boris, 3 of 40 disagreements decided".
    pub coders: String,
    /// What was left out ("2 drifted coding(s) ..."), or "".
    pub note: String,
}

/// Text from the project made safe to print: line breaks and tabs become spaces, other
/// control characters and bidirectional controls become U+FFFD, so no escape sequence or
/// reordering reaches a terminal or a reader.
pub fn inert(s: &str) -> String {
    crate::transcript::cuetext::inert(s).into_owned()
}

/// Escapes a Markdown table cell.
fn md_cell(s: &str) -> String {
    inert(s).replace('\\', "\\\\").replace('|', "\\|")
}

/// Whether a column holds numbers (right-aligned): every non-empty cell starts with a digit,
/// `<` (a suppressed count) or a dash (no value).
fn numeric(rows: &[Vec<String>], i: usize) -> bool {
    rows.iter().any(|r| r.get(i).is_some_and(|c| !c.is_empty()))
        && rows.iter().all(|r| {
            r.get(i).is_none_or(|c| {
                c.is_empty()
                    || c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '<' || ch == '–')
            })
        })
}

fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    let cells = |r: &[String]| r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(s, "| {} |", cells(header));
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if numeric(rows, i) { "---:" } else { ":---" })
        .collect();
    let _ = writeln!(s, "|{}|", rule.join("|"));
    for r in rows {
        let _ = writeln!(s, "| {} |", cells(r));
    }
    s
}

fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let header: Vec<String> = header.iter().map(|h| inert(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| inert(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let right: Vec<bool> = (0..header.len()).map(|i| numeric(&rows, i)).collect();
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(c.width()));
            if i > 0 {
                out.push_str("  ");
            }
            if right[i] {
                out.push_str(&pad);
                out.push_str(c);
            } else {
                out.push_str(c);
                if i + 1 < cells.len() {
                    out.push_str(&pad);
                }
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut s = line(&header);
    for r in &rows {
        s += &line(r);
    }
    s
}

fn csv_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header.iter().map(|h| inert(h)));
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| inert(c)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A table in one of the text formats (`Table`, `Md`, `Csv`); other formats read as `Table`.
pub fn table(format: Format, header: &[String], rows: &[Vec<String>]) -> String {
    match format {
        Format::Md => md_table(header, rows),
        Format::Csv => csv_table(header, rows),
        _ => text_table(header, rows),
    }
}

/// A table with its caption: above it on a terminal, as pandoc's `Table:` caption in
/// Markdown; CSV carries the coder set in a column of its own (see the callers).
fn captioned(
    format: Format,
    title: &str,
    cap: &Caption,
    header: &[String],
    rows: &[Vec<String>],
) -> String {
    let note = if cap.note.is_empty() {
        String::new()
    } else {
        format!(" {}.", inert(&cap.note))
    };
    match format {
        Format::Md => format!(
            "{}\nTable: {} ({}).{note}\n",
            md_table(header, rows),
            md_cell(title),
            md_cell(&cap.coders)
        ),
        Format::Csv => csv_table(header, rows),
        _ => format!(
            "{} ({})\n\n{}{}",
            inert(title),
            inert(&cap.coders),
            text_table(header, rows),
            if note.is_empty() {
                String::new()
            } else {
                format!("\nNote:{note}\n")
            }
        ),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

/// A code shown in its place in the tree: indented by depth (non-breaking spaces in
/// Markdown, so the hierarchy survives pandoc).
fn tree_label(format: Format, depth: usize, code: &str) -> String {
    match format {
        Format::Md => format!("{}{code}", "\u{a0}\u{a0}\u{a0}\u{a0}".repeat(depth)),
        Format::Csv => code.to_string(),
        _ => format!("{}{code}", "  ".repeat(depth)),
    }
}

/// The frequency report. `attributes` limits the breakdown columns (the table and Markdown
/// show the study's attribution, gender and age band; CSV and JSON carry every public one).
pub fn frequencies(
    rows: &[FrequencyRow],
    cap: &Caption,
    format: Format,
    attributes: Option<&[&str]>,
) -> String {
    let shown = |a: &str| attributes.is_none_or(|l| l.contains(&a));
    let mut cols: Vec<(String, String)> = Vec::new();
    for r in rows {
        for (a, m) in r.by_attribute.iter().filter(|(a, _)| shown(a)) {
            for v in m.keys() {
                if !cols.contains(&(a.clone(), v.clone())) {
                    cols.push((a.clone(), v.clone()));
                }
            }
        }
    }
    cols.sort();
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "coders": cap.coders,
                "note": cap.note,
                "unit": "passage",
                "codes": rows,
            });
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        Format::Svg => {
            let labels: Vec<String> = rows
                .iter()
                .map(|r| format!("{}{} · {}", "  ".repeat(r.depth), r.code, r.name))
                .collect();
            let values = rows.iter().map(|r| r.passages as f64).collect();
            svg_bars(
                &format!("Coded passages by code ({})", cap.coders),
                &labels,
                &[("passages".into(), "#2c7fb8".into(), values)],
                "",
            )
        }
        Format::Csv => {
            // Tidy: one row per code, one value per column, numbers as numbers.
            let mut header = strings(&[
                "coders",
                "code",
                "parent",
                "depth",
                "name",
                "passages",
                "words",
                "participants",
                "participants_total",
            ]);
            header.extend(cols.iter().map(|(a, v)| format!("{a}={v}")));
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        cap.coders.clone(),
                        r.code.clone(),
                        r.parent.clone().unwrap_or_default(),
                        r.depth.to_string(),
                        r.name.clone(),
                        r.passages.to_string(),
                        r.words.to_string(),
                        r.participants.to_string(),
                        r.participants_total.to_string(),
                    ];
                    row.extend(cols.iter().map(|(a, v)| cell_of(r, a, v)));
                    row
                })
                .collect();
            csv_table(&header, &body)
        }
        Format::Table | Format::Md => {
            let mut header = strings(&["code", "name", "passages", "words", "participants"]);
            header.extend(cols.iter().map(|(a, v)| format!("{a}: {v}")));
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        tree_label(format, r.depth, &r.code),
                        r.name.clone(),
                        r.passages.to_string(),
                        r.words.to_string(),
                        format!("{}/{}", r.participants, r.participants_total),
                    ];
                    row.extend(cols.iter().map(|(a, v)| cell_of(r, a, v)));
                    row
                })
                .collect();
            captioned(format, "Coded passages per code", cap, &header, &body)
        }
    }
}

fn cell_of(r: &FrequencyRow, a: &str, v: &str) -> String {
    r.by_attribute
        .get(a)
        .and_then(|m| m.get(v))
        .map_or("0".into(), |c| c.to_string())
}

/// The crosstab of codes by one attribute.
pub fn crosstab(c: &Crosstab, cap: &Caption, format: Format) -> String {
    match format {
        Format::Json => {
            let v = serde_json::json!({"coders": cap.coders, "note": cap.note, "crosstab": c});
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        Format::Svg => {
            let labels: Vec<String> = c
                .rows
                .iter()
                .map(|r| format!("{}{}", "  ".repeat(r.depth), r.code))
                .collect();
            let palette = [
                "#2c7fb8", "#d95f0e", "#31a354", "#756bb1", "#e6550d", "#636363",
            ];
            let series: Vec<(String, String, Vec<f64>)> = c
                .values
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    (
                        format!("{}: {v} (n={})", c.attribute, c.totals[k]),
                        palette[k % palette.len()].to_string(),
                        // A hidden cell is NaN: drawn as its label, never as a bar.
                        c.rows
                            .iter()
                            .map(|r| {
                                if r.counts[k].suppressed() {
                                    f64::NAN
                                } else {
                                    r.shares[k].unwrap_or(0.0) * 100.0
                                }
                            })
                            .collect(),
                    )
                })
                .collect();
            svg_bars(
                &format!(
                    "Share of participants with each code, by {} ({})",
                    c.attribute, cap.coders
                ),
                &labels,
                &series,
                "%",
            )
        }
        Format::Csv => {
            // Tidy: one row per code and value.
            let header = strings(&[
                "coders",
                "code",
                "parent",
                "depth",
                "attribute",
                "value",
                "participants",
                "participants_total",
                "share",
            ]);
            let mut body = Vec::new();
            for r in &c.rows {
                for (k, v) in c.values.iter().enumerate() {
                    body.push(vec![
                        cap.coders.clone(),
                        r.code.clone(),
                        r.parent.clone().unwrap_or_default(),
                        r.depth.to_string(),
                        c.attribute.clone(),
                        v.clone(),
                        r.counts[k].to_string(),
                        c.totals[k].to_string(),
                        r.shares[k].map_or(String::new(), |s| format!("{s:.4}")),
                    ]);
                }
            }
            csv_table(&header, &body)
        }
        Format::Table | Format::Md => {
            let mut header = vec!["code".to_string()];
            for (v, t) in c.values.iter().zip(&c.totals) {
                header.push(format!("{}: {v} (n={t})", c.attribute));
                header.push("share".into());
            }
            let body: Vec<Vec<String>> = c
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![tree_label(format, r.depth, &r.code)];
                    for (n, s) in r.counts.iter().zip(&r.shares) {
                        row.push(n.to_string());
                        row.push(pct(*s));
                    }
                    row
                })
                .collect();
            captioned(
                format,
                &format!("Participants with each code, by {}", c.attribute),
                cap,
                &header,
                &body,
            )
        }
    }
}

/// The co-occurrence matrix (codes in tree order with their depth).
pub fn cooccurrence(
    codes: &[(String, usize)],
    pairs: &BTreeMap<(String, String), usize>,
    cap: &Caption,
    format: Format,
) -> String {
    let get = |a: &str, b: &str| {
        let key = if a < b { (a, b) } else { (b, a) };
        pairs
            .get(&(key.0.to_string(), key.1.to_string()))
            .copied()
            .unwrap_or(0)
    };
    match format {
        Format::Json => {
            let list: Vec<_> = pairs
                .iter()
                .map(|((a, b), n)| serde_json::json!({"a": a, "b": b, "passages": n}))
                .collect();
            let names: Vec<&String> = codes.iter().map(|(c, _)| c).collect();
            let v = serde_json::json!({"coders": cap.coders, "note": cap.note, "codes": names, "pairs": list});
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        Format::Csv => {
            // Tidy: one row per pair of codes (in tree order, zeros too) with the coder set.
            let header = strings(&["coders", "code_a", "code_b", "passages"]);
            let mut body = Vec::new();
            for (i, (a, _)) in codes.iter().enumerate() {
                for (b, _) in &codes[i + 1..] {
                    body.push(vec![
                        cap.coders.clone(),
                        a.clone(),
                        b.clone(),
                        get(a, b).to_string(),
                    ]);
                }
            }
            csv_table(&header, &body)
        }
        _ => {
            let mut header = vec!["code".to_string()];
            header.extend(codes.iter().map(|(c, _)| c.clone()));
            let body: Vec<Vec<String>> = codes
                .iter()
                .map(|(a, d)| {
                    let mut row = vec![tree_label(format, *d, a)];
                    for (b, _) in codes {
                        row.push(if a == b {
                            "–".to_string()
                        } else {
                            get(a, b).to_string()
                        });
                    }
                    row
                })
                .collect();
            captioned(
                format,
                "Passages of two codes that overlap",
                cap,
                &header,
                &body,
            )
        }
    }
}

/// Attributed quotes: Markdown blockquotes, a CSV row each, JSON, or a terminal listing.
pub fn quotes(code: &str, title: &str, qs: &[Quote], cap: &Caption, format: Format) -> String {
    match format {
        Format::Json => {
            let v = serde_json::json!({"code": code, "coders": cap.coders, "note": cap.note, "passages": qs.len(), "quotes": qs});
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        Format::Md => {
            let mut s = format!(
                "## {} ({} passages)\n\n*Counted: {}.*{}\n\n",
                md_text(title),
                qs.len(),
                md_text(&cap.coders),
                if cap.note.is_empty() {
                    String::new()
                } else {
                    format!(" *{}.*", md_text(&cap.note))
                }
            );
            for q in qs {
                s += &quote_md(q);
                if let (Some(l), Some(t)) = (&q.other_lang, &q.other_text) {
                    let _ = writeln!(s, "Aligned {l} text: *{}*\n", md_text(t.trim()));
                }
                let _ = write!(
                    s,
                    "Code: {}; coded by {}.",
                    md_text(&q.code),
                    md_text(&q.coders.join(", "))
                );
                if !q.memo.is_empty() {
                    let _ = write!(s, " Memo: {}", md_text(&q.memo));
                }
                s += "\n\n";
            }
            s
        }
        Format::Csv => {
            let header = strings(&[
                "coders",
                "code",
                "interview",
                "attribution",
                "time",
                "lang",
                "text",
                "other_lang",
                "other_text",
                "coded_by",
                "memo",
            ]);
            let body: Vec<Vec<String>> = qs
                .iter()
                .map(|q| {
                    vec![
                        cap.coders.clone(),
                        q.code.clone(),
                        q.interview.clone(),
                        q.attribution.clone(),
                        q.time.clone(),
                        q.lang.clone(),
                        q.text.clone(),
                        q.other_lang.clone().unwrap_or_default(),
                        q.other_text.clone().unwrap_or_default(),
                        q.coders.join(" "),
                        q.memo.clone(),
                    ]
                })
                .collect();
            csv_table(&header, &body)
        }
        _ => {
            let mut s = format!(
                "{} ({} passages; {})\n",
                inert(title),
                qs.len(),
                inert(&cap.coders)
            );
            if !cap.note.is_empty() {
                let _ = writeln!(s, "Note: {}.", inert(&cap.note));
            }
            for q in qs {
                let _ = write!(
                    s,
                    "\n{} {} {} {} (coded by {})\n  {}\n",
                    inert(&q.interview),
                    inert(&q.time),
                    inert(&q.attribution),
                    inert(&q.code),
                    inert(&q.coders.join(", ")),
                    inert(&q.text)
                );
                if let Some(t) = &q.other_text {
                    let _ = writeln!(s, "  ⇄ {}", inert(t));
                }
                if !q.memo.is_empty() {
                    let _ = writeln!(s, "  memo: {}", inert(&q.memo));
                }
            }
            s
        }
    }
}

/// Markdown body text: inert, with the characters Markdown would read as markup escaped.
fn md_text(s: &str) -> String {
    let mut out = String::new();
    for c in inert(s).chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn quote_md(q: &Quote) -> String {
    let heard = q
        .media
        .map(|m| {
            format!(
                " (recording {}–{})",
                crate::media::clock(m.start),
                crate::media::clock(m.end)
            )
        })
        .unwrap_or_default();
    format!(
        "> {}\n>\n> — {}, {}, {}{heard}\n\n",
        md_text(q.text.trim()),
        md_text(&q.attribution),
        md_text(&q.interview),
        md_text(&q.time)
    )
}

/// The survey themes as a joint display: per theme, each survey figure beside the share of
/// interviewees whose passages carry its code, the passages, the researcher's comment and the
/// figure's own quotes.
pub fn themes(
    survey: &crate::codebook::Survey,
    evidence: &[FigureEvidence],
    interviews: usize,
    cap: &Caption,
    format: Format,
) -> crate::Result<String> {
    let src = &survey.source;
    let value =
        |e: &FigureEvidence| format!("{}{}", e.value, if e.unit == "percent" { "%" } else { "" });
    Ok(match format {
        Format::Json => {
            let themes: Vec<_> = survey
                .themes
                .iter()
                .map(|t| {
                    let figs: Vec<&FigureEvidence> =
                        evidence.iter().filter(|e| e.theme == t.id).collect();
                    serde_json::json!({"id": t.id, "title": t.title.get("en").unwrap_or(&t.id), "code": t.code, "figures": figs})
                })
                .collect();
            let v = serde_json::json!({"source": src, "coders": cap.coders, "note": cap.note, "interviews": interviews, "themes": themes});
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        Format::Svg => {
            return Err(crate::Error::usage(
                "themes have no chart; use --format md, csv, json or table",
            ))
        }
        Format::Csv => {
            let header = strings(&[
                "coders",
                "theme",
                "figure",
                "label",
                "value",
                "unit",
                "code",
                "participants",
                "participants_total",
                "passages",
                "comment",
            ]);
            let body: Vec<Vec<String>> = evidence
                .iter()
                .map(|e| {
                    vec![
                        cap.coders.clone(),
                        e.theme.clone(),
                        e.figure.clone(),
                        e.label.clone(),
                        e.value.to_string(),
                        e.unit.clone(),
                        e.code.clone(),
                        e.participants.to_string(),
                        e.participants_total.to_string(),
                        e.passages.to_string(),
                        e.comment.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            csv_table(&header, &body)
        }
        Format::Md | Format::Table => {
            let md = format == Format::Md;
            let mut s = String::new();
            if md {
                s += "# Survey figures and interview evidence\n\n";
            } else {
                s += "Survey figures and interview evidence\n\n";
            }
            let text = |x: &str| if md { md_text(x) } else { inert(x) };
            s += &text(&format!(
                "Survey: {} ({}, {}, {}); {}, n = {}, {}; fieldwork {}. Interviews: {} interviewees; evidence from {}. \"Interviewees\" is how many interviewees have at least one passage with the code (n/N); \"passages\" counts coded passages, each once whatever its languages and coders; interviewers' turns are not evidence.",
                src.title, src.authors, src.publisher, src.published, src.method, src.n, src.population,
                src.fieldwork.replace('/', " to "), interviews, cap.coders
            ));
            if !cap.note.is_empty() {
                s += &text(&format!(" Left out: {}.", cap.note));
            }
            s += "\n\n";
            for t in &survey.themes {
                let title = t.title.get("en").cloned().unwrap_or(t.id.clone());
                s += &if md {
                    format!("## {}\n\n", md_text(&title))
                } else {
                    format!("== {}\n\n", inert(&title))
                };
                let figs: Vec<&FigureEvidence> =
                    evidence.iter().filter(|e| e.theme == t.id).collect();
                let header = strings(&[
                    "Survey figure",
                    "Survey",
                    "Code",
                    "Interviewees",
                    "Passages",
                ]);
                let body: Vec<Vec<String>> = figs
                    .iter()
                    .map(|e| {
                        vec![
                            e.label.clone(),
                            value(e),
                            e.code.clone(),
                            format!("{}/{}", e.participants, e.participants_total),
                            e.passages.to_string(),
                        ]
                    })
                    .collect();
                s += &table(format, &header, &body);
                s.push('\n');
                for e in &figs {
                    if e.comment.is_none() && e.quotes.is_empty() {
                        continue;
                    }
                    s += &if md {
                        format!("**{}** ({})", md_text(&e.label), value(e))
                    } else {
                        format!("{} ({})", inert(&e.label), value(e))
                    };
                    if let Some(c) = &e.comment {
                        s += &format!(": {}", text(c));
                    }
                    s += "\n\n";
                    for q in &e.quotes {
                        s += &if md {
                            quote_md(q)
                        } else {
                            format!(
                                "  \"{}\"\n    — {}, {}, {}\n\n",
                                inert(q.text.trim()),
                                inert(&q.attribution),
                                inert(&q.interview),
                                inert(&q.time)
                            )
                        };
                    }
                }
            }
            s
        }
    })
}

fn xml(s: &str) -> String {
    crate::transcript::cuetext::xml_text(&inert(s))
}

/// The width of a text at 12 px in a common sans-serif, in pixels, estimated per character
/// class (generous, so a label is never cut: real fonts are narrower or equal).
pub fn text_width(s: &str, size: f64) -> f64 {
    use unicode_width::UnicodeWidthChar;
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | '\u{a0}' => 0.32,
            'f' | 't' | 'r' | 'I' | '(' | ')' | '-' | '·' => 0.42,
            'm' | 'w' | 'M' | 'W' | 'Ш' | 'Щ' | 'Ж' | 'ш' | 'щ' | 'ж' | 'Ю' | 'ю' | 'Ы' | 'ы'
            | '%' => 0.95,
            c if c.is_ascii_uppercase() || ('А'..='Я').contains(&c) => 0.72,
            c if c.width().unwrap_or(1) >= 2 => 1.05,
            _ => 0.62,
        })
        .sum();
    em * size
}

/// Splits a label into lines no wider than `max` pixels, at spaces where it can.
fn wrap(label: &str, max: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in label.split(' ') {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&candidate, size) <= max || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    lines.push(cur);
    // A single word wider than `max` is split by characters.
    lines
        .into_iter()
        .flat_map(|l| {
            if text_width(&l, size) <= max {
                return vec![l];
            }
            let mut out = vec![String::new()];
            for c in l.chars() {
                let last = out.last_mut().expect("non-empty");
                if !last.is_empty() && text_width(&format!("{last}{c}"), size) > max {
                    out.push(String::new());
                }
                out.last_mut().expect("non-empty").push(c);
            }
            out
        })
        .collect()
}

/// A horizontal bar chart: one group per label, one bar per series value. Labels are
/// measured: the label column is as wide as the widest label up to 360 px, and a longer
/// label wraps onto more lines; the chart widens for its title and legend.
pub fn svg_bars(
    title: &str,
    labels: &[String],
    series: &[(String, String, Vec<f64>)],
    unit: &str,
) -> String {
    const SIZE: f64 = 12.0;
    const LINE: f64 = 15.0;
    let max_label = 360.0;
    let wrapped: Vec<Vec<String>> = labels.iter().map(|l| wrap(l, max_label, SIZE)).collect();
    let label_w = wrapped
        .iter()
        .flatten()
        .map(|l| text_width(l, SIZE))
        .fold(40.0f64, f64::max)
        .min(max_label)
        + 16.0;
    let bar_h = 14.0;
    let chart_w = 420.0;
    let value_w = 60.0;
    let groups: Vec<f64> = wrapped
        .iter()
        .map(|w| (bar_h * series.len().max(1) as f64).max(LINE * w.len() as f64) + 8.0)
        .collect();
    let legend_w = series
        .iter()
        .map(|(n, _, _)| text_width(n, SIZE) + 30.0)
        .fold(0.0f64, f64::max);
    let title_w = text_width(title, 15.0) + 20.0;
    let width = (label_w + chart_w + value_w)
        .max(title_w)
        .max(label_w + legend_w + 10.0)
        .ceil();
    let legend_h = if series.len() > 1 {
        20.0 * series.len() as f64
    } else {
        0.0
    };
    let height = (50.0 + groups.iter().sum::<f64>() + legend_h + 20.0).ceil();
    let max = series
        .iter()
        .flat_map(|(_, _, v)| v.iter().copied())
        .filter(|v| !v.is_nan())
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Noto Sans, DejaVu Sans, Arial, sans-serif" font-size="12">"#,
    );
    let _ = writeln!(s, r#"<title>{}</title>"#, xml(title));
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="24" font-size="15" font-weight="bold">{}</text>"#,
        xml(title)
    );
    let mut y0 = 44.0;
    for (i, lines) in wrapped.iter().enumerate() {
        let group_h = groups[i];
        let first = y0 + group_h / 2.0 - LINE * (lines.len() as f64 - 1.0) / 2.0;
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" xml:space="preserve">{}</text>"#,
                label_w - 8.0,
                first + LINE * k as f64,
                xml(line)
            );
        }
        for (k, (_, color, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            // NaN: a value hidden to protect participants (a cell under the minimum).
            let hidden = v.is_nan();
            let w = if hidden { 0.0 } else { chart_w * v / max };
            let y = y0 + k as f64 * bar_h;
            let _ = writeln!(
                s,
                r#"<rect x="{label_w:.1}" y="{y:.1}" width="{w:.1}" height="{}" fill="{}"/>"#,
                bar_h - 2.0,
                xml(color)
            );
            let shown = if hidden {
                "hidden (small group)".to_string()
            } else if unit == "%" {
                format!("{v:.0}%")
            } else {
                format!("{v}")
            };
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                label_w + w + 4.0,
                y + bar_h - 4.0,
                xml(&shown)
            );
        }
        y0 += group_h;
    }
    if series.len() > 1 {
        let y0 = y0 + 10.0;
        for (k, (name, color, _)) in series.iter().enumerate() {
            let y = y0 + 20.0 * k as f64;
            let _ = writeln!(
                s,
                r#"<rect x="{label_w:.1}" y="{y:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                xml(color),
                label_w + 18.0,
                y + 11.0,
                xml(name)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
