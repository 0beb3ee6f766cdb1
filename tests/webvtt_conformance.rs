//! The W3C WebVTT file-parsing suite (web-platform-tests, in ../shared/conformance/webvtt):
//! every valid file parses to the cues the upstream assertions and the suite's reference
//! parser expect (count, ids, times, raw text), and every invalid-signature file is rejected.

use intercode::transcript::webvtt;
use serde_json::Value;
use std::path::PathBuf;

fn suite_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/webvtt");
    if dir.is_dir() {
        return Some(dir);
    }
    // CI always has the suite beside the repo; a user's clone may not.
    assert!(
        std::env::var_os("CI").is_none(),
        "conformance suite missing at {}",
        dir.display()
    );
    eprintln!("skipping: {} not found", dir.display());
    None
}

/// Decodes as the suite's reference does: UTF-8 with replacement, one leading BOM stripped.
fn read(path: &PathBuf) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text)
}

fn cue_field(cue: &webvtt::Cue, field: &str) -> Option<Value> {
    Some(match field {
        "id" => Value::from(cue.id.clone()),
        "text" => Value::from(cue.text.clone()),
        "startTime" => Value::from(cue.start_ms as f64 / 1000.0),
        "endTime" => Value::from(cue.end_ms as f64 / 1000.0),
        _ => return None, // settings and regions are not part of a transcript
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

#[test]
fn valid_files_match_the_expectations() {
    let Some(dir) = suite_dir() else { return };
    let exp: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, entry) in exp["valid_files"].as_object().unwrap() {
        let path = dir.join("valid").join(format!("{name}.vtt"));
        let parsed = match webvtt::parse(&read(&path)) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: rejected: {}", e.0));
                continue;
            }
        };
        for a in entry["assertions"].as_array().unwrap() {
            let Some(path) = a["path"].as_str() else {
                continue;
            };
            let actual = if path == "cues.length" {
                Some(Value::from(parsed.cues.len()))
            } else if let Some(rest) = path.strip_prefix("cues[") {
                let (idx, field) = rest.split_once("].").unwrap();
                let idx: usize = idx.parse().unwrap();
                match parsed.cues.get(idx) {
                    Some(cue) => cue_field(cue, field),
                    None => Some(Value::Null),
                }
            } else {
                None
            };
            let Some(actual) = actual else { continue };
            let ok = match a["op"].as_str().unwrap() {
                "equals" => same(&actual, &a["expected"]),
                "not_equals" => !same(&actual, &a["expected"]),
                _ => true,
            };
            checked += 1;
            if !ok {
                failures.push(format!(
                    "{name}: {path}: expected {} got {actual}",
                    a["expected"]
                ));
            }
        }
        // The reference parser's full dump agrees with the assertions on these fields, except
        // where the suite lists a discrepancy (there the assertions, checked above, win).
        let disputed: Vec<&str> = entry["discrepancies"]
            .as_array()
            .map(|d| d.iter().filter_map(|x| x["path"].as_str()).collect())
            .unwrap_or_default();
        if disputed.contains(&"cues.length") {
            continue;
        }
        if let Some(cues) = entry["reference_parser"]["cues"].as_array() {
            if cues.len() != parsed.cues.len() {
                failures.push(format!(
                    "{name}: {} cues, reference has {}",
                    parsed.cues.len(),
                    cues.len()
                ));
                continue;
            }
            for (i, (r, c)) in cues.iter().zip(&parsed.cues).enumerate() {
                for (field, key) in [
                    ("id", "id"),
                    ("text", "text"),
                    ("startTime", "startTime"),
                    ("endTime", "endTime"),
                ] {
                    if r.get(key).is_none()
                        || disputed.contains(&format!("cues[{i}].{field}").as_str())
                    {
                        continue;
                    }
                    checked += 1;
                    if !same(&cue_field(c, field).unwrap(), &r[key]) {
                        failures.push(format!(
                            "{name}: cues[{i}].{field}: reference {} got {:?}",
                            r[key],
                            cue_field(c, field)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300, "only {checked} checks ran");
}

#[test]
fn every_valid_file_parses() {
    let Some(dir) = suite_dir() else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("valid")).unwrap() {
        let path = entry.unwrap().path();
        webvtt::parse(&read(&path)).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.0));
        n += 1;
    }
    assert_eq!(n, 40);
}

#[test]
fn invalid_signatures_are_rejected() {
    let Some(dir) = suite_dir() else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("invalid-signature")).unwrap() {
        let path = entry.unwrap().path();
        assert!(
            webvtt::parse(&read(&path)).is_err(),
            "{} was accepted",
            path.display()
        );
        // The importer refuses them too, with a message naming the file.
        let err = intercode::transcript::parse_file(&path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(path.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
        n += 1;
    }
    assert_eq!(n, 11);
}
