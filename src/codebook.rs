//! The codebook (`codebook/codebook.json`: a tree of codes with bilingual names, criteria,
//! colours and auto-coding rules) and the survey themes (`codebook/survey.json`: survey
//! figures linked to code ids). Loading validates everything and reports each problem with
//! its JSON path and line, so a researcher editing the file by hand can find the mistake.

use crate::error::Problem;
use crate::jsonloc::JsonLines;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One code and its sub-codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub id: String,
    /// Display name per language code (`en`, `ru`).
    pub name: BTreeMap<String, String>,
    pub color: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub include: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exclude: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// Auto-coding rules per language: words with `*` wildcards, or `/regex/`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Code>,
}

/// The code tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codebook {
    pub version: u32,
    pub codes: Vec<Code>,
}

/// A code found by a walk over the tree, with its parent and depth.
#[derive(Debug, Clone, Copy)]
pub struct CodeRef<'a> {
    pub code: &'a Code,
    pub parent: Option<&'a Code>,
    pub depth: usize,
}

impl Codebook {
    /// Every code, depth first, parents before children.
    pub fn walk(&self) -> Vec<CodeRef<'_>> {
        fn go<'a>(
            codes: &'a [Code],
            parent: Option<&'a Code>,
            depth: usize,
            out: &mut Vec<CodeRef<'a>>,
        ) {
            for c in codes {
                out.push(CodeRef {
                    code: c,
                    parent,
                    depth,
                });
                go(&c.children, Some(c), depth + 1, out);
            }
        }
        let mut out = Vec::new();
        go(&self.codes, None, 0, &mut out);
        out
    }

    pub fn find(&self, id: &str) -> Option<&Code> {
        self.walk().into_iter().map(|r| r.code).find(|c| c.id == id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// Reads and validates a codebook. Syntax errors are fatal (nothing usable was read);
    /// semantic problems are returned beside the codebook.
    pub fn load(path: &Path) -> std::result::Result<(Codebook, Vec<Problem>), Problem> {
        let raw = std::fs::read_to_string(path)
            .map_err(|e| Problem::error(path, None, format!("cannot read: {e}")))?;
        Self::parse(&raw, path)
    }

    pub fn parse(raw: &str, path: &Path) -> std::result::Result<(Codebook, Vec<Problem>), Problem> {
        let cb: Codebook = serde_json::from_str(raw)
            .map_err(|e| Problem::error(path, Some(e.line()), format!("invalid codebook: {e}")))?;
        let problems = cb.validate(raw, path);
        Ok((cb, problems))
    }

    fn validate(&self, raw: &str, path: &Path) -> Vec<Problem> {
        let lines = JsonLines::new(raw);
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        let mut report = |json_path: String, msg: String| {
            problems.push(Problem::error(
                path,
                lines.line(&json_path),
                format!("{json_path}: {msg}"),
            ));
        };
        if self.version != 1 {
            report(
                "version".into(),
                format!("unsupported codebook version {} (expected 1)", self.version),
            );
        }
        if self.codes.is_empty() {
            report("codes".into(), "the codebook has no codes".into());
        }
        fn check(
            codes: &[Code],
            prefix: &str,
            seen: &mut HashSet<String>,
            report: &mut dyn FnMut(String, String),
        ) {
            for (i, c) in codes.iter().enumerate() {
                let p = format!("{prefix}[{i}]");
                if !is_valid_id(&c.id) {
                    report(format!("{p}.id"), format!("`{}` is not a valid code id (lower-case letters, digits, `_`, `-`, parts joined by `.`)", c.id));
                } else if !seen.insert(c.id.clone()) {
                    report(format!("{p}.id"), format!("duplicate code id `{}`", c.id));
                }
                if c.name.is_empty() || c.name.values().any(|n| n.trim().is_empty()) {
                    report(
                        format!("{p}.name"),
                        format!(
                            "code `{}` needs a non-empty name in every language it lists",
                            c.id
                        ),
                    );
                }
                if !is_valid_color(&c.color) {
                    report(
                        format!("{p}.color"),
                        format!("`{}` is not a colour (expected `#rrggbb`)", c.color),
                    );
                }
                for (lang, rules) in &c.rules {
                    for (k, r) in rules.iter().enumerate() {
                        if let Err(e) = crate::codebook::check_rule(r) {
                            report(format!("{p}.rules.{lang}[{k}]"), e.to_string());
                        }
                    }
                }
                check(&c.children, &format!("{p}.children"), seen, report);
            }
        }
        check(&self.codes, "codes", &mut seen, &mut report);
        problems
    }
}

/// Editing the tree. Each operation keeps the tree valid (unique ids, known parents) or
/// changes nothing; callers save with [`Codebook::save`]. Operations that affect codings
/// (merge, delete) are in [`crate::codings::recode`], which updates the codings first.
impl Codebook {
    fn find_mut(&mut self, id: &str) -> Option<&mut Code> {
        fn go<'a>(codes: &'a mut [Code], id: &str) -> Option<&'a mut Code> {
            for c in codes {
                if c.id == id {
                    return Some(c);
                }
                if let Some(found) = go(&mut c.children, id) {
                    return Some(found);
                }
            }
            None
        }
        go(&mut self.codes, id)
    }

    /// Ids of a code and all its descendants.
    pub fn subtree_ids(&self, id: &str) -> Vec<String> {
        fn go(c: &Code, out: &mut Vec<String>) {
            out.push(c.id.clone());
            for ch in &c.children {
                go(ch, out);
            }
        }
        let mut out = Vec::new();
        if let Some(c) = self.find(id) {
            go(c, &mut out);
        }
        out
    }

    /// The parent of a code (`None` for a top-level or unknown code).
    pub fn parent_of(&self, id: &str) -> Option<&Code> {
        self.walk()
            .into_iter()
            .find(|r| r.code.id == id)
            .and_then(|r| r.parent)
    }

    /// Adds a code at the top level or under `parent`.
    pub fn add(&mut self, code: Code, parent: Option<&str>) -> Result<(), EditError> {
        if !is_valid_id(&code.id) {
            return Err(EditError::InvalidId(code.id));
        }
        if self.contains(&code.id) {
            return Err(EditError::Exists(code.id));
        }
        if code.name.values().any(|n| n.trim().is_empty()) || code.name.is_empty() {
            return Err(EditError::EmptyName);
        }
        if !is_valid_color(&code.color) {
            return Err(EditError::BadColour(code.color));
        }
        match parent {
            None => self.codes.push(code),
            Some(p) => self
                .find_mut(p)
                .ok_or_else(|| EditError::UnknownParent(p.into()))?
                .children
                .push(code),
        }
        Ok(())
    }

    /// Sets names (per language) of a code; ids never change, so codings are unaffected.
    pub fn rename(&mut self, id: &str, names: &BTreeMap<String, String>) -> Result<(), EditError> {
        if names.values().any(|n| n.trim().is_empty()) {
            return Err(EditError::EmptyName);
        }
        let code = self
            .find_mut(id)
            .ok_or_else(|| EditError::Unknown(id.into()))?;
        for (lang, name) in names {
            code.name.insert(lang.clone(), name.trim().to_string());
        }
        Ok(())
    }

    /// Sets a code's description (its definition for coders).
    pub fn set_description(&mut self, id: &str, text: &str) -> Result<(), EditError> {
        let code = self
            .find_mut(id)
            .ok_or_else(|| EditError::Unknown(id.into()))?;
        code.description = text.trim().to_string();
        Ok(())
    }

    /// A colour for a new code, as far as can be from every colour in use: the candidate
    /// (24 hues at two lightnesses) whose nearest used colour is farthest away, so a new
    /// code's stripes never look like its parent's or a sibling's.
    pub fn distinct_colour(&self) -> String {
        let used: Vec<[f64; 3]> = self
            .walk()
            .iter()
            .filter_map(|r| hex_rgb(&r.code.color))
            .collect();
        let mut best = (f64::MIN, String::from("#888888"));
        for k in 0..48 {
            let hue = (k % 24) as f64 * 15.0;
            let light = if k < 24 { 0.45 } else { 0.62 };
            let rgb = hsl_rgb(hue, 0.65, light);
            let nearest = used
                .iter()
                .map(|u| (0..3).map(|i| (u[i] - rgb[i]).powi(2)).sum::<f64>())
                .fold(f64::MAX, f64::min);
            if nearest > best.0 {
                let hex = format!(
                    "#{:02x}{:02x}{:02x}",
                    (rgb[0] * 255.0).round() as u8,
                    (rgb[1] * 255.0).round() as u8,
                    (rgb[2] * 255.0).round() as u8
                );
                best = (nearest, hex);
            }
        }
        best.1
    }

    /// Detaches a code (with its sub-codes) from the tree.
    pub fn detach(&mut self, id: &str) -> Option<Code> {
        fn go(codes: &mut Vec<Code>, id: &str) -> Option<Code> {
            if let Some(i) = codes.iter().position(|c| c.id == id) {
                return Some(codes.remove(i));
            }
            codes.iter_mut().find_map(|c| go(&mut c.children, id))
        }
        go(&mut self.codes, id)
    }

    /// Moves a code (with its sub-codes) to the top level or under another code.
    pub fn move_code(&mut self, id: &str, new_parent: Option<&str>) -> Result<(), EditError> {
        if !self.contains(id) {
            return Err(EditError::Unknown(id.into()));
        }
        if let Some(p) = new_parent {
            if !self.contains(p) {
                return Err(EditError::UnknownParent(p.into()));
            }
            if self.subtree_ids(id).iter().any(|d| d == p) {
                return Err(EditError::UnderItself {
                    code: id.into(),
                    parent: p.into(),
                });
            }
        }
        let code = self.detach(id).expect("checked above");
        match new_parent {
            None => self.codes.push(code),
            Some(p) => self.find_mut(p).expect("checked above").children.push(code),
        }
        Ok(())
    }

    /// Removes `from` and hangs its sub-codes under `into`. Codings must have been moved to
    /// `into` already (see [`crate::codings::recode`]).
    pub fn merge(&mut self, from: &str, into: &str) -> Result<(), EditError> {
        if from == into {
            return Err(EditError::IntoItself);
        }
        if !self.contains(into) {
            return Err(EditError::Unknown(into.into()));
        }
        if self.subtree_ids(from).iter().any(|d| d == into) {
            return Err(EditError::IntoOwnSubcode {
                from: from.into(),
                into: into.into(),
            });
        }
        let code = self
            .detach(from)
            .ok_or_else(|| EditError::Unknown(from.into()))?;
        self.find_mut(into)
            .expect("checked above")
            .children
            .extend(code.children);
        Ok(())
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("codebook serialises");
        s.push('\n');
        s
    }

    /// Writes the codebook atomically.
    pub fn save(&self, path: &Path) -> crate::error::Result<()> {
        crate::fsutil::write_atomic(path, self.to_json().as_bytes())
    }
}

/// Why an edit of the codebook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("`{0}` is not a valid code id")]
    InvalidId(String),
    #[error("code `{0}` already exists")]
    Exists(String),
    #[error("a code needs a non-empty name in every language it names")]
    EmptyName,
    #[error("`{0}` is not a colour (expected `#rrggbb`)")]
    BadColour(String),
    #[error("unknown code `{0}`")]
    Unknown(String),
    #[error("unknown parent code `{0}`")]
    UnknownParent(String),
    #[error("cannot move `{code}` under itself or its own sub-code `{parent}`")]
    UnderItself { code: String, parent: String },
    #[error("cannot merge a code into itself")]
    IntoItself,
    #[error("cannot merge `{from}` into its own sub-code `{into}`")]
    IntoOwnSubcode { from: String, into: String },
    #[error("invalid regex rule `{rule}`: {why}")]
    BadRule { rule: String, why: String },
    #[error("empty rule")]
    EmptyRule,
}

impl From<EditError> for crate::Error {
    /// A refused edit is a bad request (exit code 2).
    fn from(e: EditError) -> Self {
        crate::Error::usage(e.to_string())
    }
}

/// The id part a name gives: lower case ASCII letters and digits, other runs of characters as
/// one `_` ("Work–life balance" -> `work_life_balance`); empty when the name has no Latin
/// letter or digit.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

fn hex_rgb(c: &str) -> Option<[f64; 3]> {
    if !is_valid_color(c) {
        return None;
    }
    let ch = |i: usize| {
        u8::from_str_radix(&c[i..i + 2], 16)
            .ok()
            .map(|v| v as f64 / 255.0)
    };
    Some([ch(1)?, ch(3)?, ch(5)?])
}

fn hsl_rgb(h: f64, s: f64, l: f64) -> [f64; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match h as u32 / 60 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    [r + m, g + m, b + m]
}

/// Code ids are stable slugs: `fear`, `fear.deportation`, `work_life-balance`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        })
}

fn is_valid_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit())
}

/// Checks the syntax of an auto-coding rule: a `/regex/` must compile; a word must be
/// non-empty.
pub fn check_rule(rule: &str) -> Result<(), EditError> {
    if rule.len() >= 2 && rule.starts_with('/') && rule.ends_with('/') {
        // Parsed, not compiled: checking a codebook's syntax must stay cheap (it runs on
        // every load); the auto-coder compiles the rules when it needs them.
        regex_syntax::Parser::new()
            .parse(&rule[1..rule.len() - 1])
            .map(|_| ())
            .map_err(|e| EditError::BadRule {
                rule: rule.into(),
                why: e.to_string(),
            })
    } else if rule.trim().is_empty() {
        Err(EditError::EmptyRule)
    } else {
        Ok(())
    }
}

/// Where the survey figures come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveySource {
    pub title: String,
    #[serde(default)]
    pub authors: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub published: String,
    #[serde(default)]
    pub doi: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub fieldwork: String,
    pub n: u32,
    #[serde(default)]
    pub population: String,
    #[serde(default)]
    pub weighting: String,
}

/// One survey figure, linked to the code whose interview evidence it sits beside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub code: String,
    pub label: BTreeMap<String, String>,
    pub value: f64,
    pub unit: String,
    #[serde(default)]
    pub base: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The researcher's one-line note on how the interviews agree with this figure or differ
    /// from it, printed under it in `report themes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A survey theme: a top-level code and its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    pub title: BTreeMap<String, String>,
    pub code: String,
    pub figures: Vec<Figure>,
}

/// `codebook/survey.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    pub version: u32,
    pub source: SurveySource,
    pub themes: Vec<Theme>,
}

impl Survey {
    pub fn load(
        path: &Path,
        codebook: Option<&Codebook>,
    ) -> std::result::Result<(Survey, Vec<Problem>), Problem> {
        let raw = std::fs::read_to_string(path)
            .map_err(|e| Problem::error(path, None, format!("cannot read: {e}")))?;
        let s: Survey = serde_json::from_str(&raw).map_err(|e| {
            Problem::error(path, Some(e.line()), format!("invalid survey file: {e}"))
        })?;
        let lines = JsonLines::new(&raw);
        let mut problems = Vec::new();
        let mut report = |p: String, m: String| {
            problems.push(Problem::error(path, lines.line(&p), format!("{p}: {m}")))
        };
        let mut ids = HashSet::new();
        for (t, theme) in s.themes.iter().enumerate() {
            let known = |id: &str| codebook.is_none_or(|cb| cb.contains(id));
            if !known(&theme.code) {
                report(
                    format!("themes[{t}].code"),
                    format!("unknown code id `{}` (not in the codebook)", theme.code),
                );
            }
            for (f, fig) in theme.figures.iter().enumerate() {
                let p = format!("themes[{t}].figures[{f}]");
                if !ids.insert(fig.id.clone()) {
                    report(
                        format!("{p}.id"),
                        format!("duplicate figure id `{}`", fig.id),
                    );
                }
                if !known(&fig.code) {
                    report(
                        format!("{p}.code"),
                        format!("unknown code id `{}` (not in the codebook)", fig.code),
                    );
                }
                if fig.unit == "percent" && !(0.0..=100.0).contains(&fig.value) {
                    report(
                        format!("{p}.value"),
                        format!("{} is not a percentage", fig.value),
                    );
                }
            }
        }
        Ok((s, problems))
    }

    /// Theme and figure ids that link to any of `codes`.
    pub fn links_to(&self, codes: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.themes {
            if codes.contains(&t.code) {
                out.push(format!("theme {}", t.id));
            }
            for f in &t.figures {
                if codes.contains(&f.code) {
                    out.push(format!("figure {}", f.id));
                }
            }
        }
        out
    }

    /// Points links to any of `codes` at `to` instead; returns how many changed.
    pub fn relink(&mut self, codes: &[String], to: &str) -> usize {
        let mut n = 0;
        for t in &mut self.themes {
            if codes.contains(&t.code) {
                t.code = to.to_string();
                n += 1;
            }
            for f in &mut t.figures {
                if codes.contains(&f.code) {
                    f.code = to.to_string();
                    n += 1;
                }
            }
        }
        n
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("survey serialises");
        s.push('\n');
        s
    }

    /// Writes the survey file atomically.
    pub fn save(&self, path: &Path) -> crate::error::Result<()> {
        crate::fsutil::write_atomic(path, self.to_json().as_bytes())
    }

    /// Number of figures over all themes.
    pub fn figure_count(&self) -> usize {
        self.themes.iter().map(|t| t.figures.len()).sum()
    }
}

/// Parses the default codebook shipped with intercode (used by `intercode init`).
pub fn default_codebook_json() -> &'static str {
    include_str!("../codebook/codebook.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_json_path_and_line() {
        let raw = r##"{"version": 1, "codes": [
  {"id": "fear", "name": {"en": "Fear", "ru": ""}, "color": "#c0392b",
   "children": [
     {"id": "fear", "name": {"en": "Again"}, "color": "red"}
   ]}
]}"##;
        let (_, problems) = Codebook::parse(raw, Path::new("cb.json")).unwrap();
        let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(
            msgs[0].starts_with("cb.json:2: error: codes[0].name"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("cb.json:4: error: codes[0].children[0].id: duplicate"),
            "{msgs:?}"
        );
        assert!(msgs[2].contains("codes[0].children[0].color"), "{msgs:?}");
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_rejected_with_a_line() {
        let raw = "{\"version\": 1, \"codes\": [\n {\"id\": \"a\", \"name\": {\"en\": \"A\"}, \"color\": \"#000000\", \"colour\": 1}]}";
        let err = Codebook::parse(raw, Path::new("cb.json")).unwrap_err();
        assert_eq!(err.location.line, Some(2));
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn new_codes_get_a_slug_and_a_colour_unlike_any_in_use() {
        assert_eq!(slug("Work–life balance"), "work_life_balance");
        assert_eq!(slug("  Police, courts "), "police_courts");
        assert_eq!(slug("Страх"), "");
        let code = |id: &str, color: &str| Code {
            id: id.into(),
            name: BTreeMap::from([("en".to_string(), id.to_string())]),
            color: color.into(),
            description: String::new(),
            include: String::new(),
            exclude: String::new(),
            examples: Vec::new(),
            rules: BTreeMap::new(),
            children: Vec::new(),
        };
        let mut cb = Codebook {
            version: 1,
            codes: vec![code("a", "#c0392b"), code("b", "#2980b9")],
        };
        let dist = |a: &str, b: &str| {
            let (a, b) = (hex_rgb(a).unwrap(), hex_rgb(b).unwrap());
            (0..3).map(|i| (a[i] - b[i]).powi(2)).sum::<f64>().sqrt()
        };
        // Each new colour keeps its distance from all before it, code after code.
        for k in 0..8 {
            let c = cb.distinct_colour();
            assert!(is_valid_color(&c), "{c}");
            for r in cb.walk() {
                assert!(dist(&c, &r.code.color) > 0.2, "{c} near {}", r.code.color);
            }
            cb.add(code(&format!("n{k}"), &c), None).unwrap();
        }
    }

    #[test]
    fn ids_and_rules() {
        assert!(is_valid_id("fear.deportation"));
        assert!(!is_valid_id("Fear"));
        assert!(!is_valid_id("fear..x"));
        assert!(check_rule("/deport(ed|ation)/").is_ok());
        assert!(check_rule("/deport(ed/").is_err());
        assert!(check_rule("страх*").is_ok());
    }
}
