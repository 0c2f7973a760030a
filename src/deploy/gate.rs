//! What must not be published: an output made for staging (`--base-url`) or with drafts, a build
//! that did not finish, and a site that still carries its placeholders (`base_url` on an example
//! domain, the sample `notice`). `--force` lets each through.

use crate::output::{BuildRecord, read_build_record};

use super::settings::Settings;

/// Why a deploy is refused, one reason per line; empty when it may go ahead.
pub fn refusals(settings: &Settings) -> anyhow::Result<Vec<String>> {
    let output = &settings.output;
    let Some(record) = read_build_record(output).unwrap_or_else(|_| {
        Some(BuildRecord {
            finished: false,
            ..BuildRecord::default()
        })
    }) else {
        anyhow::bail!(
            "`{}` is not a site parkpress built\n  = help: run `parkpress build` first (deploy publishes what it made)",
            output.display()
        );
    };
    let mut reasons = Vec::new();
    if !record.finished {
        reasons
            .push("the last build into it did not finish (run `parkpress build` again)".to_owned());
    }
    if let Some(base_url) = &record.base_url {
        reasons.push(format!(
            "it is a staging build made with --base-url {base_url} (run `parkpress build` without --base-url)"
        ));
    }
    if record.drafts {
        reasons
            .push("it was built with --drafts (run `parkpress build` without --drafts)".to_owned());
    }
    if is_placeholder_url(&settings.base_url) {
        reasons.push(format!(
            "base_url `{}` in content/site.toml is a placeholder (set the site's real address)",
            settings.base_url
        ));
    }
    if settings.notice.iter().any(|n| is_sample_notice(n)) {
        reasons.push(
            "content/site.toml still has the sample `notice` banner (remove or replace it)"
                .to_owned(),
        );
    }
    Ok(reasons)
}

/// An example, test or local address (RFC 2606 and RFC 6761 names, loopback).
fn is_placeholder_url(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    host.is_empty()
        || host == "localhost"
        || host.starts_with("127.")
        || labels.contains(&"example")
        || matches!(
            labels.last(),
            Some(&"test" | &"invalid" | &"localhost" | &"example")
        )
}

/// The banner of a sample site (`parkpress init`, the example site).
fn is_sample_notice(notice: &str) -> bool {
    let lower = notice.to_lowercase();
    notice.contains("示例") || lower.contains("sample site") || lower.contains("illustrative")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert!(is_placeholder_url("https://invest.example.gov.cn"));
        assert!(is_placeholder_url("http://localhost:1111/"));
        assert!(is_placeholder_url("https://site.test"));
        assert!(!is_placeholder_url("https://invest.jibei.gov.cn"));
        assert!(!is_placeholder_url("https://examples.com.cn"));
        assert!(is_sample_notice("这是 parkpress 的示例站点。"));
        assert!(!is_sample_notice("系统维护：12月1日晚暂停留言"));
    }
}
