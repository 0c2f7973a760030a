//! Escaping for HTML and XML, the one copy every stage uses (templates, Markdown, share kit,
//! redirect pages, the change report), and JSON inside a script element (JSON-LD).

/// Escapes what HTML and XML require and nothing more (`& < > " '`): Tera's default also escapes
/// `/`, which turns every URL into `https:&#x2F;&#x2F;…`, valid but unreadable and a trap for
/// crawlers and chat previews.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_html(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_html`] does.
///
/// Runs of bytes that need nothing are copied whole: only the five markup characters, C0
/// controls and DEL, and the lead bytes of the only other characters dropped (C1 controls start
/// with 0xC2, U+FFFE and U+FFFF with 0xEF) are looked at one by one. Every page prints a few
/// hundred values through this.
pub fn push_html(out: &mut String, text: &str) {
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let (mut copied, mut at) = (0, 0);
    while let Some(offset) = bytes[at..].iter().position(|&b| LOOK_AT[usize::from(b)]) {
        at += offset;
        let (replacement, width) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            _ => match text[at..].chars().next() {
                Some(c) if crate::safe_text::is_stray_control(c) => ("", c.len_utf8()),
                Some(c) => {
                    at += c.len_utf8();
                    continue;
                }
                None => break,
            },
        };
        out.push_str(&text[copied..at]);
        out.push_str(replacement);
        at += width;
        copied = at;
    }
    out.push_str(&text[copied..]);
}

/// The bytes [`push_html`] looks at one by one (see there).
const LOOK_AT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[0x7F] = true;
    table[0xC2] = true;
    table[0xEF] = true;
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// `value` as JSON that is safe inside a `<script>` element (JSON-LD): `<`, `>` and `&` are
/// written as `\u` escapes, so content can never close the element or open a comment.
pub fn json_in_script(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::{escape_html, json_in_script};

    #[test]
    fn json_ld_values_cannot_close_the_script_element() {
        let value = serde_json::Value::String("</script><!-- & \u{2028}".into());
        let json = json_in_script(&value);
        assert_eq!(json, r#""\u003c/script\u003e\u003c!-- \u0026 \u2028""#);
        let back: String = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back, "</script><!-- & \u{2028}");
    }

    /// The character-by-character definition `push_html` must keep to.
    fn escaped_char_by_char(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c if crate::safe_text::is_stray_control(c) => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn runs_copied_whole_escape_as_each_character_would() {
        let pieces = [
            "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\u{0}", "\u{1b}", "\u{7f}", "\u{80}",
            "\u{9f}", "\u{a0}", "\u{ff}", "\u{fffe}", "\u{ffff}", "\u{ff0c}", "\u{fffd}", "园区",
            "a", "😀", "\u{2028}",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            texts = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            for text in &texts {
                assert_eq!(escape_html(text), escaped_char_by_char(text), "{text:?}");
            }
        }
    }

    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            escape_html(r#"<a href="https://x.cn/?a=1&b='2'">"#),
            "&lt;a href=&quot;https://x.cn/?a=1&amp;b=&#39;2&#39;&quot;&gt;"
        );
    }
}
