//! Validators for URLs written by content authors: link fields (a tenant's `website`, a policy's
//! `source_url`, a news item's `source.url`) and the site's `base_url`.
//!
//! Content is untrusted, so a link field accepts only schemes that cannot run script
//! (`http`, `https`, `mailto`, `tel`) and relative links; `javascript:`, `data:`, `vbscript:`
//! and every other scheme are refused, whatever their case. Whitespace and control characters
//! are refused outright, because browsers drop tabs and newlines inside a scheme
//! (`java\tscript:`) and strip leading spaces.

/// Schemes a link field may use.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Checks one link field. `Err` says what is wrong, for a diagnostic that names the field.
pub fn check_link(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is empty".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("contains {}", describe(c)));
    }
    if value.contains('\\') {
        return Err("contains a backslash, which browsers read as `/`".into());
    }
    match scheme(value) {
        Some(scheme) => {
            let lower = scheme.to_ascii_lowercase();
            if !LINK_SCHEMES.contains(&lower.as_str()) {
                return Err(format!(
                    "uses the scheme `{scheme}:`; links may use only {}",
                    LINK_SCHEMES.join(", ")
                ));
            }
            if lower.starts_with("http") && !has_host(&value[scheme.len() + 1..]) {
                return Err(format!("has no host after `{scheme}:`"));
            }
            Ok(())
        }
        None if value.starts_with("//") => {
            Err("is protocol-relative; write the scheme (https://…)".into())
        }
        None if value.starts_with("@/") => Err(
            "is a content link (`@/…`), which works in Markdown only; write the page's path (/parks/…)"
                .into(),
        ),
        None => Ok(()),
    }
}

/// Checks and normalizes `base_url` (site.toml or `--base-url`): an absolute `http(s)` URL with a
/// host and an optional path, no query, fragment, credentials or characters that would need
/// escaping in HTML or a script. Returns it without its trailing slashes.
pub fn check_base_url(value: &str) -> Result<String, String> {
    let url = value.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| "is not an absolute http(s) URL".to_owned())?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !host.starts_with(['.', '-', ':']);
    if !host_ok {
        return Err(format!(
            "has the host `{}`; a host has only letters, digits, dots, hyphens and a :port (write an internationalized name in its xn-- form)",
            host.escape_default()
        ));
    }
    if let Some(c) = path.chars().find(|c| !is_path_char(*c)) {
        return Err(format!(
            "has {} in its path; a base URL has no query, fragment, quotes or markup",
            describe(c)
        ));
    }
    Ok(url.to_owned())
}

/// Characters a base URL's path may contain: RFC 3986 unreserved, percent escapes and the
/// sub-delimiters that need no escaping in HTML attributes or JavaScript strings.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.' | '_' | '~' | '%' | '+' | ',' | '=')
}

/// The scheme of `value`: what precedes the first `:` when that comes before any `/`, `?` or
/// `#` and is a valid scheme name (RFC 3986); anything else before a colon is refused as a
/// scheme too, so `java%73cript:` is not mistaken for a path.
fn scheme(value: &str) -> Option<&str> {
    let end = value.find([':', '/', '?', '#'])?;
    (value.as_bytes()[end] == b':').then(|| &value[..end])
}

fn has_host(after_scheme: &str) -> bool {
    after_scheme.strip_prefix("//").is_some_and(|rest| {
        rest.split(['/', '?', '#'])
            .next()
            .is_some_and(|h| !h.is_empty())
    })
}

/// Names a character for a message without printing it raw (it may be a control character).
fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_refused_in_any_case() {
        for bad in [
            "javascript:alert(62)",
            "JaVaScRiPt:alert(62)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "javascript\n:alert(1)",
            "file:///etc/passwd",
            "//evil.example/x",
            "/\\evil.example",
            "https://",
            "http:evil.example",
            "",
        ] {
            assert!(check_link(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn ordinary_links_are_accepted() {
        for good in [
            "https://www.example.com/",
            "HTTP://example.com",
            "mailto:invest@example.gov.cn",
            "tel:+86-531-8888",
            "/parks/alpha/",
            "policy.pdf",
            "#contacts",
            "https://例子.中国/路径?a=1#b",
        ] {
            assert!(check_link(good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    fn base_url_is_strict() {
        assert_eq!(
            check_base_url("https://invest.example.gov.cn/zone/").unwrap(),
            "https://invest.example.gov.cn/zone"
        );
        assert!(check_base_url("http://127.0.0.1:8000").is_ok());
        for bad in [
            "javascript:alert(1)//",
            "https://a.example/<!--<script>",
            "https://a.example/x'+alert(1)+'",
            "https://a.example/?q=1",
            "https://user@a.example",
            "https://a.example/\"onload=",
            "https:///path",
            "ftp://a.example",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
