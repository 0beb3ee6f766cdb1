//! The researcher's choices for reports, kept in `codebook/analysis.json`: which speakers are
//! interviewers (their turns are not evidence), which participant columns are private (never
//! in a report), and the smallest crosstab cell shown as a number (smaller ones print `<N`,
//! so a count cannot point at one participant). Every field is optional.

use std::path::Path;

pub const ANALYSIS_FILE: &str = "codebook/analysis.json";

/// The contents of `codebook/analysis.json`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Speaker names of interviewers, in any language version ("Interviewer", "Интервьюер").
    /// Speakers whose name begins with "interviewer" or "интервьюер" are interviewers too.
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Columns of `participants.csv` that name or single out a person. `pseudonym` is always
    /// private.
    #[serde(default = "default_private")]
    pub private_columns: Vec<String>,
    /// Crosstab cells (participants) from 1 to `min_cell - 1` are shown as `<min_cell`.
    #[serde(default = "default_min_cell")]
    pub min_cell: usize,
}

fn default_private() -> Vec<String> {
    vec!["pseudonym".into()]
}

fn default_min_cell() -> usize {
    3
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            interviewers: Vec::new(),
            private_columns: default_private(),
            min_cell: default_min_cell(),
        }
    }
}

impl Settings {
    /// Reads `codebook/analysis.json`; defaults when there is none.
    pub fn load(root: &Path) -> Result<Settings, crate::Error> {
        let path = root.join(ANALYSIS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                crate::Error::data(
                    &path,
                    Some(e.line()),
                    format!("invalid analysis settings: {e}"),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(crate::Error::data(&path, None, e.to_string())),
        }
    }

    /// Whether a speaker is an interviewer.
    pub fn is_interviewer(&self, speaker: &str) -> bool {
        let s = speaker.trim().to_lowercase();
        s.starts_with("interviewer")
            || s.starts_with("интервьюер")
            || self
                .interviewers
                .iter()
                .any(|i| i.trim().to_lowercase() == s)
    }

    /// Whether a participant column may appear in a report.
    /// The project's participant attributes a report may show, in their order.
    pub fn public_attributes<'p>(&self, project: &'p crate::project::Project) -> Vec<&'p str> {
        project
            .attribute_names
            .iter()
            .filter(|a| self.is_public(a))
            .map(String::as_str)
            .collect()
    }

    pub fn is_public(&self, column: &str) -> bool {
        column != "pseudonym" && !self.private_columns.iter().any(|c| c == column)
    }

    /// A participant count as a report prints it: `<3` for 1 and 2 when the minimum is 3.
    pub fn cell(&self, n: usize) -> String {
        if n > 0 && n < self.min_cell {
            format!("<{}", self.min_cell)
        } else {
            n.to_string()
        }
    }

    /// Whether a participant count is suppressed.
    pub fn suppressed(&self, n: usize) -> bool {
        n > 0 && n < self.min_cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_cells() {
        let s = Settings::default();
        assert!(s.is_interviewer("Interviewer"));
        assert!(s.is_interviewer("Интервьюер 2"));
        assert!(!s.is_interviewer("Katya"));
        assert!(!s.is_public("pseudonym"));
        assert!(s.is_public("occupation"));
        assert_eq!(
            (s.cell(0), s.cell(1), s.cell(2), s.cell(3)),
            ("0".into(), "<3".into(), "<3".into(), "3".into())
        );
        let s: Settings = serde_json::from_str(
            r#"{"interviewers": ["Ana M."], "private_columns": ["occupation"], "min_cell": 1}"#,
        )
        .unwrap();
        assert!(s.is_interviewer("ana m."));
        assert!(!s.is_public("occupation") && !s.is_public("pseudonym"));
        assert_eq!(s.cell(1), "1");
    }
}
