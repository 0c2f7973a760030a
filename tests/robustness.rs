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
        };
        let _ = parkpress::check(&options);
    }
}
