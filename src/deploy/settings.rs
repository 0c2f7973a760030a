//! Where to publish and with what: `--to`, `--endpoint`, `--region`, `--path-style` over the
//! `[deploy]` table of site.toml, and what deploy needs from the rest of site.toml.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

use crate::content::parse::{parse_toml, read_source};
use crate::content::raw::{RawSiteConfig, RawText};
use crate::diagnostics::{Diagnostic, Report};

use super::{DeployError, DeployOptions};

/// Where the site goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A bucket of an S3-compatible service, and the key prefix inside it (no slashes at its ends).
    S3 {
        /// Bucket name.
        bucket: String,
        /// Key prefix, empty for the bucket's root.
        prefix: String,
    },
    /// A folder on this machine (served by a web server, or synced by the zone's IT).
    Folder(PathBuf),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Target::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            Target::Folder(path) => write!(f, "file://{}", path.display()),
        }
    }
}

/// Parses `s3://BUCKET[/PREFIX]` or `file:///PATH`.
pub fn parse_target(to: &str) -> Result<Target> {
    if let Some(rest) = to.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            bail!(
                "`{to}` does not name a bucket\n  = help: bucket names are 3 to 63 lowercase letters, digits, `-` and `.`, e.g. s3://jibei-invest"
            );
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part == "." || part == "..") {
            bail!("the prefix of `{to}` may not hold `.` or `..`");
        }
        return Ok(Target::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        });
    }
    if let Some(path) = to.strip_prefix("file://") {
        if !path.starts_with('/') {
            bail!("`{to}` is not an absolute folder\n  = help: write it like file:///srv/www/site");
        }
        return Ok(Target::Folder(PathBuf::from(path)));
    }
    bail!("cannot publish to `{to}`\n  = help: use s3://BUCKET[/PREFIX] or file:///PATH")
}

/// Everything one deploy is run with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the site goes.
    pub target: Target,
    /// Endpoint URL of the S3-compatible service (none: AWS for the region).
    pub endpoint: Option<String>,
    /// Region (default `us-east-1`, which most S3-compatible services accept).
    pub region: String,
    /// Path-style bucket addressing.
    pub path_style: bool,
    /// Submit changed pages to Baidu afterwards.
    pub baidu_push: bool,
    /// `base_url` of site.toml.
    pub base_url: String,
    /// The zone's name in the default language (download names of PDFs).
    pub zone_name: String,
    /// The output folder to publish.
    pub output: PathBuf,
}

/// Reads site.toml (a content error is exit 1) and lays the flags over its `[deploy]` table.
pub fn resolve(options: &DeployOptions) -> Result<Settings, DeployError> {
    let config = read_site_config(&options.root)?;
    let defaults = config.deploy.clone().unwrap_or_default();
    let to = options
        .to
        .clone()
        .or_else(|| defaults.to.map(|to| to.into_inner()))
        .ok_or_else(|| {
            DeployError::Environment(anyhow::anyhow!(
                "nowhere to publish to\n  = help: pass --to s3://BUCKET[/PREFIX] or --to file:///PATH, or set `to` in the [deploy] table of content/site.toml"
            ))
        })?;
    let target = parse_target(&to).map_err(DeployError::Environment)?;
    let languages = config.languages.get_ref();
    let default_lang = languages.first().map(String::as_str).unwrap_or("");
    Ok(Settings {
        target,
        endpoint: options
            .endpoint
            .clone()
            .or_else(|| defaults.endpoint.map(|e| e.into_inner())),
        region: options
            .region
            .clone()
            .or(defaults.region)
            .unwrap_or_else(|| "us-east-1".to_owned()),
        path_style: options.path_style || defaults.path_style.unwrap_or(false),
        baidu_push: defaults.baidu_push.unwrap_or(false),
        base_url: config.base_url.get_ref().trim_end_matches('/').to_owned(),
        zone_name: text_in(config.zone.name.get_ref(), default_lang),
        output: options
            .output
            .clone()
            .unwrap_or_else(|| options.root.join("output")),
    })
}

fn read_site_config(root: &Path) -> Result<RawSiteConfig, DeployError> {
    let content_error = |d: Diagnostic| {
        DeployError::Content(Report {
            diagnostics: vec![d],
        })
    };
    let file =
        read_source(root, root.join("content").join("site.toml"), None).map_err(content_error)?;
    match parse_toml::<RawSiteConfig>(&file, 0..file.text.len()) {
        (Some(raw), problems) if problems.is_empty() => Ok(raw),
        (_, diagnostics) => Err(DeployError::Content(Report { diagnostics })),
    }
}

fn text_in(text: &RawText, lang: &str) -> String {
    match text {
        RawText::Plain(s) => s.clone(),
        RawText::Table(table) => table
            .get(lang)
            .or_else(|| table.values().next())
            .cloned()
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("s3://jibei-invest/site/").unwrap(),
            Target::S3 {
                bucket: "jibei-invest".into(),
                prefix: "site".into()
            }
        );
        assert_eq!(
            parse_target("file:///srv/www").unwrap(),
            Target::Folder("/srv/www".into())
        );
        assert!(parse_target("s3://Bad_Bucket").is_err());
        assert!(parse_target("s3://bucket/../x").is_err());
        assert!(parse_target("file://relative").is_err());
        assert!(parse_target("ftp://x").is_err());
    }
}
