//! Rendering reports for people and programs: a readable table for the terminal, Markdown
//! that pandoc turns into a clean document, CSV and JSON for R and pandas, and SVG bar charts
//! that open in a browser or a word processor. Everything here is pure: data in, text out.

use crate::report::{Crosstab, FrequencyRow, Quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes a Markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| {} |",
        header
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        s,
        "|{}|",
        header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { ":---" } else { "---:" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    s
}

fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut s = line(header) + "\n";
    for r in rows {
        s += &(line(r) + "\n");
    }
    s
}

fn csv_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A table in one of the text formats: `table`, `md` or `csv`.
pub fn table(format: &str, header: &[String], rows: &[Vec<String>]) -> String {
    match format {
        "md" => md_table(header, rows),
        "csv" => csv_table(header, rows),
        _ => text_table(header, rows),
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

/// Frequencies as rows: code, name, passages, words, interviews n/N, then one column per
/// attribute value ("gender: female").
pub fn frequency_rows(rows: &[FrequencyRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut cols: Vec<(String, String)> = Vec::new();
    for r in rows {
        for (a, m) in &r.participants {
            for v in m.keys() {
                if !cols.contains(&(a.clone(), v.clone())) {
                    cols.push((a.clone(), v.clone()));
                }
            }
        }
    }
    cols.sort();
    let mut header: Vec<String> = ["code", "name", "passages", "words", "interviews"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(cols.iter().map(|(a, v)| format!("{a}: {v}")));
    let body = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                format!("{}{}", if r.parent.is_some() { "  " } else { "" }, r.code),
                r.name.clone(),
                r.passages.to_string(),
                r.words.to_string(),
                format!("{}/{}", r.interviews, r.interviews_total),
            ];
            row.extend(cols.iter().map(|(a, v)| {
                r.participants
                    .get(a)
                    .and_then(|m| m.get(v))
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            row
        })
        .collect();
    (header, body)
}

pub fn crosstab_rows(c: &Crosstab) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["code".to_string()];
    for (v, t) in c.values.iter().zip(&c.totals) {
        header.push(format!("{}: {v} (n={t})", c.attribute));
        header.push("share".into());
    }
    let body = c
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![r.code.clone()];
            for (n, s) in r.counts.iter().zip(&r.shares) {
                row.push(n.to_string());
                row.push(pct(*s));
            }
            row
        })
        .collect();
    (header, body)
}

/// The co-occurrence matrix as rows; `diagonal` fills the cells of a code with itself (a dash
/// to read, empty in CSV so that R and pandas read the columns as numbers).
pub fn cooccurrence_rows(
    codes: &[String],
    pairs: &BTreeMap<(String, String), usize>,
    diagonal: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["code".to_string()];
    header.extend(codes.iter().cloned());
    let body = codes
        .iter()
        .map(|a| {
            let mut row = vec![a.clone()];
            for b in codes {
                let key = if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                row.push(if a == b {
                    diagonal.to_string()
                } else {
                    pairs.get(&key).copied().unwrap_or(0).to_string()
                });
            }
            row
        })
        .collect();
    (header, body)
}

/// Quotes as Markdown blockquotes: the text, then the attribution, then the other language.
pub fn quotes_md(title: &str, quotes: &[Quote]) -> String {
    let mut s = format!("## {title}\n\n");
    for q in quotes {
        let _ = writeln!(
            s,
            "> {}\n>\n> — {}, {}, {}\n",
            q.text.trim(),
            q.attribution,
            q.interview,
            q.time
        );
        if let (Some(l), Some(t)) = (&q.other_lang, &q.other_text) {
            let _ = writeln!(s, "Original ({l}): *{}*\n", t.trim().replace('*', "\\*"));
        }
    }
    s
}

pub fn quotes_rows(quotes: &[Quote]) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = [
        "code",
        "interview",
        "attribution",
        "time",
        "lang",
        "text",
        "other_lang",
        "other_text",
        "memo",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let body = quotes
        .iter()
        .map(|q| {
            vec![
                q.code.clone(),
                q.interview.clone(),
                q.attribution.clone(),
                q.time.clone(),
                q.lang.clone(),
                q.text.clone(),
                q.other_lang.clone().unwrap_or_default(),
                q.other_text.clone().unwrap_or_default(),
                q.memo.clone(),
            ]
        })
        .collect();
    (header, body)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

/// A horizontal bar chart: one group per label, one bar per series value.
pub fn svg_bars(
    title: &str,
    labels: &[String],
    series: &[(String, String, Vec<f64>)],
    unit: &str,
) -> String {
    let label_w = 260.0;
    let bar_h = 14.0;
    let group_h = bar_h * series.len().max(1) as f64 + 8.0;
    let chart_w = 420.0;
    let legend_h = if series.len() > 1 {
        20.0 * series.len() as f64
    } else {
        0.0
    };
    let height = 50.0 + group_h * labels.len() as f64 + legend_h + 20.0;
    let max = series
        .iter()
        .flat_map(|(_, _, v)| v.iter().copied())
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{height}" viewBox="0 0 {} {height}" font-family="Noto Sans, DejaVu Sans, Arial, sans-serif" font-size="12">"#,
        label_w + chart_w + 80.0,
        label_w + chart_w + 80.0
    );
    let _ = writeln!(s, r#"<title>{}</title>"#, xml(title));
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="24" font-size="15" font-weight="bold">{}</text>"#,
        xml(title)
    );
    for (i, label) in labels.iter().enumerate() {
        let y0 = 44.0 + group_h * i as f64;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y0 + group_h / 2.0,
            xml(label)
        );
        for (k, (_, color, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            let w = chart_w * v / max;
            let y = y0 + k as f64 * bar_h;
            let _ = writeln!(
                s,
                r#"<rect x="{label_w}" y="{y}" width="{w:.1}" height="{}" fill="{}"/>"#,
                bar_h - 2.0,
                xml(color)
            );
            let shown = if unit == "%" {
                format!("{v:.0}%")
            } else {
                format!("{v}")
            };
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{}">{}</text>"#,
                label_w + w + 4.0,
                y + bar_h - 4.0,
                xml(&shown)
            );
        }
    }
    if series.len() > 1 {
        let y0 = 44.0 + group_h * labels.len() as f64 + 10.0;
        for (k, (name, color, _)) in series.iter().enumerate() {
            let y = y0 + 20.0 * k as f64;
            let _ = writeln!(
                s,
                r#"<rect x="{label_w}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
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
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_are_escaped_and_svg_text_is_xml() {
        let t = md_table(&["a".into(), "b".into()], &[vec!["x|y".into(), "1".into()]]);
        assert!(t.contains("x\\|y"));
        let svg = svg_bars(
            "A & B <c>",
            &["Страх \"fear\"".into()],
            &[("n".into(), "#c0392b".into(), vec![3.0])],
            "",
        );
        assert!(svg.contains("A &amp; B &lt;c&gt;") && svg.contains("Страх &quot;fear&quot;"));
    }
}
