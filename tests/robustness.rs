//! Property tests: random bytes and mutated valid files never make a stage panic; they give
//! errors (diagnostics) or results.

use parkpress::content::parse::{parse_toml, split_front_matter};
use parkpress::content::raw::{RawPark, RawSiteConfig, RawTenant};
use parkpress::diagnostics::SourceFile;
use parkpress::markdown::{self, LinkResolver, MarkdownInput, RawHtml};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const PARK: &str = include_str!("../content/parks/data-lake/park.toml");
const SITE: &str = include_str!("../content/site.toml");
const TENANT: &str = include_str!("../content/parks/dawo/tenants/huawei-cloud.md");

fn file(text: String) -> SourceFile {
    SourceFile::new(
        Path::new("/site"),
        PathBuf::from("/site/content/x.md"),
        text,
    )
}

struct NoLinks;

impl LinkResolver for NoLinks {
    fn resolve_content(&self, target: &str, lang: &str) -> Option<String> {
        (target == "parks/a").then(|| format!("/{lang}/parks/a/"))
    }
    fn resolve_relative(&self, path: &str, _lang: &str) -> Option<String> {
        path.ends_with(".jpg").then(|| format!("/{path}"))
    }
}

/// A valid file with some bytes replaced, inserted or removed (kept as UTF-8 by lossy decoding,
/// as the loader rejects invalid UTF-8 before parsing).
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..12).prop_map(move |edits| {
        let mut bytes = valid.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at % (bytes.len() + 1);
            match op {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn check_all_stages(text: String) {
    let source = file(text);
    if let Ok(split) = split_front_matter(&source) {
        let range = split.front.clone().unwrap_or(0..0);
        let _ = parse_toml::<RawTenant>(&source, range);
        let body = source.text.get(split.body_start..).unwrap_or("");
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
            let input = MarkdownInput {
                source: body,
                file_dir: "parks/a",
                lang: "zh",
                raw_html,
                external_images: markdown::ExternalImages::Error,
                first_line: split.body_first_line,
            };
            let _ = markdown::render(&input, &NoLinks);
        }
    }
    let _ = parse_toml::<RawPark>(&source, 0..source.text.len());
    let _ = parse_toml::<RawSiteConfig>(&source, 0..source.text.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check_all_stages(text);
    }

    #[test]
    fn random_markdown_like_text_never_panics(text in "[\\[\\]()#*_`>|\\-+!@/.:<a-z \n园区]{0,200}") {
        check_all_stages(format!("+++\nname = \"x\"\n+++\n{text}"));
    }

    #[test]
    fn mutated_park_toml_never_panics(text in mutated(PARK)) {
        check_all_stages(text);
    }

    #[test]
    fn mutated_site_toml_never_panics(text in mutated(SITE)) {
        check_all_stages(text);
    }

    #[test]
    fn mutated_tenant_never_panics(text in mutated(TENANT)) {
        check_all_stages(text);
    }

}

proptest! {
    // Each case renders a whole site: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn whole_site_with_a_mutated_park_never_panics(text in mutated(PARK), date in 0i64..4_000_000_000) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/parks/p")).expect("mkdir");
        std::fs::write(root.join("content/site.toml"), SITE).expect("write");
        std::fs::write(root.join("content/parks/p/park.toml"), text).expect("write");
        let options = parkpress::BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: None,
            drafts: false,
            build_date: chrono::DateTime::from_timestamp(date, 0).expect("date").date_naive(),
            pdf: None,
            font_paths: Vec::new(),
            kept: None,
            kit: false,
            carry_pdfs_from: None,
            build_cache: false,
        };
        let _ = parkpress::check(&options);
    }
}

/// Hostile URL field values: script schemes in any case, with the whitespace and control
/// characters browsers ignore, protocol-relative and backslash forms, and random tails.
fn hostile_url() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "javascript:",
        "JaVaScRiPt:",
        "data:text/html,",
        "DATA:image/svg+xml;base64,",
        "vbscript:",
        " javascript:",
        "java\tscript:",
        "java\nscript:",
        "\u{0}javascript:",
        "\u{1b}]8;;javascript:",
        "//",
        "/\\",
        "\\\\",
        "file:",
        "blob:",
        "",
    ]);
    (prefix, "[a-zA-Z0-9:/\\\\()<>\"' \t.#?&=%@-]{0,30}").prop_map(|(p, t)| format!("{p}{t}"))
}

/// The kinds of every node under `node`.
fn kinds(node: &typst::syntax::SyntaxNode) -> Vec<typst::syntax::SyntaxKind> {
    std::iter::once(node.kind())
        .chain(node.children().flat_map(kinds))
        .collect()
}

/// Strings full of what is significant to Typst in markup and in string literals.
fn typst_significant() -> impl Strategy<Value = String> {
    "[\"\\\\#$*_`<>@=\\-+/\\[\\](){}:;,.~'\n\r\tA-Za-z0-9 园区]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A link field value is either refused or starts with an allowed scheme or is a plain
    /// relative path: nothing a browser would run.
    #[test]
    fn hostile_urls_never_pass_as_links(url in hostile_url()) {
        if parkpress::safe_url::check_link(&url).is_ok() {
            let lower = url.to_ascii_lowercase();
            prop_assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()), "{url:?}");
            prop_assert!(!url.contains('\\'), "{url:?}");
            let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains(['/', '?', '#']));
            prop_assert!(scheme.is_none_or(|s| ["http", "https", "mailto", "tel"].contains(&s)), "{url:?}");
            prop_assert!(!lower.starts_with("//"), "{url:?}");
        }
        if let Ok(base) = parkpress::safe_url::check_base_url(&url) {
            prop_assert!(base.starts_with("http://") || base.starts_with("https://"), "{base:?}");
            prop_assert!(!base.contains(['<', '>', '"', '\'', '\\', ' ', '?', '#']), "{base:?}");
        }
    }

    /// Whatever a field or file name holds, as a Typst string literal it parses to a string and
    /// nothing else, and as markup it is text: no code, no function call, no error.
    #[test]
    fn typst_significant_text_stays_text(text in typst_significant()) {
        use parkpress::print::markup::{escape, string_literal};
        let code = format!("#let x = {}\n", string_literal(&text));
        let parsed = typst::syntax::parse(&code);
        prop_assert!(parsed.errors_and_warnings().0.is_empty(), "{code:?}: {:?}", parsed.errors_and_warnings().0);
        let found = kinds(&parsed);
        let strings = found.iter().filter(|k| **k == typst::syntax::SyntaxKind::Str).count();
        prop_assert_eq!(strings, 1, "{:?}", code);

        let markup = escape(&text);
        let parsed = typst::syntax::parse(&markup);
        prop_assert!(parsed.errors_and_warnings().0.is_empty(), "{markup:?}: {:?}", parsed.errors_and_warnings().0);
        let code_nodes = kinds(&parsed).into_iter().filter(|k| {
            use typst::syntax::SyntaxKind::*;
            matches!(k, Hash | FuncCall | Ident | Equation | Raw | Heading | ListItem | EnumItem | Strong | Emph | Label | Ref | Link)
        }).count();
        prop_assert_eq!(code_nodes, 0, "{:?} became code", markup);
    }

    /// Accepted language tags are letters, digits and hyphens only.
    #[test]
    fn accepted_language_tags_are_plain(tag in typst_significant()) {
        if parkpress::lang_tag::parse(&tag).is_ok() {
            prop_assert!(tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{tag:?}");
        }
    }
}
