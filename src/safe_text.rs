//! Control characters in content text: a `\u0000` or an ESC typed into a TOML string has no
//! meaning on a page or in print and can break the formats text reaches (a raw NUL in HTML, a
//! character XML forbids). They are dropped from every text value; tabs and line breaks stay.

use std::borrow::Cow;

/// Whether `c` is a control character text has no use for: C0 and C1 controls except tab, line
/// feed and carriage return, and the noncharacters U+FFFE and U+FFFF.
pub fn is_stray_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` without stray control characters (borrowed when there are none).
pub fn without_controls(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_stray_control) {
        Cow::Owned(text.chars().filter(|c| !is_stray_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_go_and_line_breaks_stay() {
        assert_eq!(
            without_controls("a\u{0}b\u{1b}[31mc\u{85}d\te\nf"),
            "ab[31mcd\te\nf"
        );
        assert!(matches!(without_controls("园区 park"), Cow::Borrowed(_)));
    }
}
