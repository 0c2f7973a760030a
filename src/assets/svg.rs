//! SVG files as the site publishes them: parsed with `usvg` (the parser Typst uses for PDFs) and
//! written again from its tree, which holds only drawing: no scripts, event handlers,
//! `foreignObject`, links or external references survive. What cannot be made safe, or what
//! `build --pdf` would fail on, is refused with the reason, so `check` fails where a build would.

use std::sync::{Mutex, PoisonError};

use usvg::roxmltree;

/// Largest SVG accepted, in bytes.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most XML nodes accepted.
pub const MAX_NODES: u32 = 200_000;
/// Deepest nesting of elements accepted (real drawings stay far below; the parser recurses).
pub const MAX_DEPTH: usize = 128;

/// The sanitized SVG made from `bytes`, or why there is none (a sentence fragment to follow
/// "the SVG …").
pub fn sanitize(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "is {} bytes, more than parkpress accepts for an SVG ({MAX_BYTES} bytes)",
            bytes.len()
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "is not UTF-8 text (a compressed .svgz?); save it as a plain SVG".to_owned()
    })?;
    let xml = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, xml)
        .map_err(|e| format!("is not well-formed XML: {e}"))?;
    check_tree(&doc)?;
    let external = Mutex::new(None::<String>);
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|href: &str, _: &usvg::Options| {
                external
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert_with(|| href.to_owned());
                None
            }),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_xmltree(&doc, &options).map_err(|e| match e {
        usvg::Error::ElementsLimitReached => "has too many elements".to_owned(),
        usvg::Error::InvalidSize => "has an invalid width, height or viewBox".to_owned(),
        other => format!("cannot be read as SVG: {other}"),
    })?;
    drop(options);
    if let Some(href) = external
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        return Err(format!(
            "refers to the external image `{}`; embed the image in the SVG or remove it",
            href.escape_debug()
        ));
    }
    Ok(tree.to_string(&usvg::WriteOptions::default()).into_bytes())
}

/// Refuses what the tree cannot be trusted with: nesting deeper than [`MAX_DEPTH`], and text,
/// which would need fonts to be kept (it is drawn by the browser, differently on each machine).
fn check_tree(doc: &roxmltree::Document<'_>) -> Result<(), String> {
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(format!(
                "nests elements more than {MAX_DEPTH} deep; simplify the drawing (ungroup it)"
            ));
        }
        if node.is_element() && node.tag_name().name() == "text" {
            return Err(
                "contains text; convert the text to outlines (Inkscape: Path → Object to Path; Illustrator: Create Outlines)"
                    .to_owned(),
            );
        }
        stack.extend(node.children().map(|child| (child, depth + 1)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPTED: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)"><rect width="10" height="10" onclick="alert(4)" fill="red"/></a><foreignObject width="5" height="5"><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(5)"/></foreignObject></svg>"#;

    #[test]
    fn scripts_handlers_and_foreign_objects_are_dropped() {
        let clean =
            String::from_utf8(sanitize(SCRIPTED.as_bytes()).expect("sanitized")).expect("UTF-8");
        for gone in [
            "alert",
            "script",
            "onload",
            "onclick",
            "foreignObject",
            "javascript",
        ] {
            assert!(!clean.contains(gone), "{gone} survived:\n{clean}");
        }
        assert!(
            clean.contains("<path") || clean.contains("<rect"),
            "{clean}"
        );
    }

    #[test]
    fn what_cannot_be_made_safe_is_refused() {
        let cases = [
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image width="5" height="5" xlink:href="https://evil.example/x.png"/></svg>"#,
                "external image",
            ),
            (
                r#"<!DOCTYPE svg [<!ENTITY a "&b;"><!ENTITY b "&a;">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#,
                "well-formed",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><text>Logo</text></svg>"#,
                "text",
            ),
        ];
        for (svg, reason) in cases {
            let error = sanitize(svg.as_bytes()).expect_err(svg);
            assert!(error.contains(reason), "{svg}: {error}");
        }
        let deep = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
            "<g>".repeat(MAX_DEPTH + 5),
            "</g>".repeat(MAX_DEPTH + 5)
        );
        assert!(
            sanitize(deep.as_bytes())
                .expect_err("deep")
                .contains("deep")
        );
    }

    #[test]
    fn external_entities_are_not_read() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><desc>&x;</desc><rect width="4" height="4"/></svg>"#;
        if let Ok(clean) = sanitize(xxe.as_bytes()) {
            assert!(!String::from_utf8_lossy(&clean).contains("root:"));
        }
    }
}
