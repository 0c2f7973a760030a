//! Escaping for HTML and XML, the one copy every stage uses (templates, Markdown, share kit,
//! redirect pages, the change report).

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
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            escape_html(r#"<a href="https://x.cn/?a=1&b='2'">"#),
            "&lt;a href=&quot;https://x.cn/?a=1&amp;b=&#39;2&#39;&quot;&gt;"
        );
    }
}
