//! Tests of `render`, kept beside it so that the module itself stays readable.
use super::*;

#[test]
fn markdown_cells_are_escaped_and_svg_text_is_xml() {
    let t = md_table(&["a".into(), "b".into()], &[vec!["x|y".into(), "1".into()]]);
    assert!(t.contains("x\\|y"));
    assert!(t.contains("|:---|---:|"), "{t}");
    let svg = svg_bars(
        "A & B <c>",
        &["Страх \"fear\"".into()],
        &[("n".into(), "#c0392b".into(), vec![3.0])],
        "",
    );
    assert!(svg.contains("A &amp; B &lt;c&gt;") && svg.contains("Страх &quot;fear&quot;"));
}

#[test]
fn nothing_from_the_project_reaches_a_terminal_raw() {
    let evil = "a\u{1b}[31mred\u{7}\u{202e}b\nc";
    let t = table(Format::Table, &[evil.into()], &[vec![evil.into()]]);
    assert!(!t.contains('\u{1b}') && !t.contains('\u{202e}') && !t.contains('\u{7}'));
    assert_eq!(t.lines().count(), 2, "{t}");
    let c = table(Format::Csv, &[evil.into()], &[vec![evil.into()]]);
    assert!(!c.contains('\u{1b}') && !c.contains('\u{202e}'));
}

#[test]
fn long_labels_widen_or_wrap_and_are_never_cut() {
    let long = "citizenship.naturalisation · Acquiring Serbian citizenship through the accelerated procedure for people of Serbian descent".to_string();
    let svg = svg_bars(
        "t",
        &["a".into(), long.clone()],
        &[("n".into(), "#000".into(), vec![1.0, 2.0])],
        "",
    );
    // Every word of the label is in the chart, and no label starts left of the edge.
    for w in long.split(' ') {
        assert!(svg.contains(w), "{w}");
    }
    let label_w: f64 = svg
        .lines()
        .filter(|l| l.contains("text-anchor=\"end\""))
        .map(|l| {
            let x: f64 = l
                .split("x=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            x - text_width(text, 12.0)
        })
        .fold(f64::MAX, f64::min);
    assert!(label_w >= 0.0, "a label starts at {label_w}");
}

#[test]
fn numbers_right_names_left() {
    let t = text_table(
        &["code".into(), "n".into()],
        &[
            vec!["fear".into(), "12".into()],
            vec!["  fear.x".into(), "<3".into()],
        ],
    );
    assert_eq!(t, "code       n\nfear      12\n  fear.x  <3\n");
}
