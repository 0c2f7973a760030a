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
pub fn push_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no place on a page (a raw NUL, an ESC); XML forbids them.
            c if crate::safe_text::is_stray_control(c) => {}
            c => out.push(c),
        }
    }
}

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

    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            escape_html(r#"<a href="https://x.cn/?a=1&b='2'">"#),
            "&lt;a href=&quot;https://x.cn/?a=1&amp;b=&#39;2&#39;&quot;&gt;"
        );
    }
}
