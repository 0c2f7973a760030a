//! Which page templates can show `page.qr`, read from the theme's template sources, so a page's
//! QR code (a tenth of a plain-template build) is drawn only where its template can output it.
//!
//! The reading is conservative: a template counts as showing the QR code unless every `page` in
//! it and in every template it can pull in (any theme template whose name it quotes: `extends`,
//! `include`, `import`) is followed by `.` and a field other than `qr`, and none of them prints
//! the whole context (`__tera_context`). A bare `page` (passed to a macro, set to a variable,
//! filtered as a whole) or English text naming a page counts as showing it; that costs only the
//! time this saves, never a byte of output.

use std::collections::{BTreeMap, BTreeSet};

/// The names of the templates in `templates` (name → (theme, source)) that can show `page.qr`.
pub(super) fn templates_showing_qr(
    templates: &BTreeMap<String, (String, String)>,
) -> BTreeSet<String> {
    templates
        .keys()
        .filter(|name| {
            pulled_in(name, templates).iter().any(|t| {
                templates
                    .get(t)
                    .is_some_and(|(_, source)| may_show_qr(source))
            })
        })
        .cloned()
        .collect()
}

/// `name` and every template it can pull in, directly or through another.
fn pulled_in(name: &str, templates: &BTreeMap<String, (String, String)>) -> BTreeSet<String> {
    let mut found = BTreeSet::from([name.to_owned()]);
    let mut todo = vec![name.to_owned()];
    while let Some(current) = todo.pop() {
        let Some((_, source)) = templates.get(&current) else {
            continue;
        };
        for other in templates.keys() {
            let quoted = [format!("\"{other}\""), format!("'{other}'")];
            if !found.contains(other) && quoted.iter().any(|q| source.contains(q.as_str())) {
                found.insert(other.clone());
                todo.push(other.clone());
            }
        }
    }
    found
}

/// Whether `source` can output the QR code of `page` (see the module documentation).
fn may_show_qr(source: &str) -> bool {
    if source.contains("__tera_context") {
        return true;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    source.match_indices("page").any(|(at, _)| {
        let before = source[..at].chars().next_back();
        let after = &source[at + "page".len()..];
        if before.is_some_and(is_ident) || after.starts_with(is_ident) {
            return false; // part of a longer name (`homepage`, `pages`)
        }
        let Some(field) = after.strip_prefix('.') else {
            return true;
        };
        let end = field.find(|c: char| !is_ident(c)).unwrap_or(field.len());
        end == 0 || &field[..end] == "qr"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(templates: &[(&str, &str)]) -> BTreeMap<String, (String, String)> {
        templates
            .iter()
            .map(|(name, source)| ((*name).to_owned(), ("t".to_owned(), (*source).to_owned())))
            .collect()
    }

    #[test]
    fn fields_other_than_qr_do_not_show_it() {
        assert!(!may_show_qr(
            "<title>{{ page.title }}</title>{{ pages | length }}"
        ));
        assert!(!may_show_qr(
            r#"{% extends "page.html" %}{{ homepage }}{{ page.qrx }}"#
        ));
        assert!(may_show_qr(
            "{% if page.qr %}{{ page.qr.svg | safe }}{% endif %}"
        ));
    }

    #[test]
    fn a_whole_page_or_context_counts_as_showing_it() {
        for source in [
            "{{ page | json_encode() }}",
            "{% set p = page %}{{ p.qr.svg }}",
            "{{ m::head(page=page) }}",
            r#"{{ page["qr"] }}"#,
            "{{ __tera_context }}",
            "<p>This page.</p>",
            "{{ page. }}",
        ] {
            assert!(may_show_qr(source), "{source}");
        }
    }

    #[test]
    fn templates_pulled_in_count_for_the_page() {
        let templates = theme(&[
            (
                "base.html",
                "{% include 'qr.html' %}{% block content %}{% endblock %}",
            ),
            ("qr.html", "{{ page.qr.svg | safe }}"),
            ("park.html", r#"{% extends "base.html" %}{{ page.title }}"#),
            ("plain.html", "{{ page.title }}"),
            ("macros.html", "{% macro m(page) %}{{ page }}{% endmacro %}"),
            (
                "tenant.html",
                r#"{% import "macros.html" as m %}{{ page.url }}"#,
            ),
        ]);
        let showing = templates_showing_qr(&templates);
        let names: Vec<&str> = showing.iter().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "base.html",
                "macros.html",
                "park.html",
                "qr.html",
                "tenant.html"
            ]
        );
    }
}
