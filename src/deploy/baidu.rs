//! Baidu link submission (普通收录 API 提交): after a deploy, the URLs of added and changed pages
//! are POSTed to `data.zz.baidu.com/urls?site=…&token=…`, within the site's daily quota. What the
//! quota leaves is kept in the cache and sent first the next day. The token comes only from
//! `BAIDU_PUSH_TOKEN` and never reaches a message.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Baidu's endpoint; `PARKPRESS_BAIDU_PUSH_ENDPOINT` replaces it (a local stand-in in tests).
pub const ENDPOINT: &str = "http://data.zz.baidu.com/urls";
/// What is percent-encoded in a query value: all but RFC 3986 unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Most URLs Baidu takes in one request.
const MOST_PER_REQUEST: usize = 2000;

/// What a submission did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pushed {
    /// URLs Baidu accepted.
    pub sent: usize,
    /// URLs kept for tomorrow (quota used up, or the request failed).
    pub left: usize,
    /// What Baidu says is left of today's quota.
    pub remain: Option<u64>,
    /// URLs Baidu refused as invalid or of another site (dropped).
    pub refused: usize,
    /// Why nothing was sent, when the request failed.
    pub problem: Option<String>,
}

/// What is kept between deploys.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// The day (Beijing time) `remain` belongs to.
    day: String,
    remain: Option<u64>,
    pending: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Answer {
    success: Option<usize>,
    remain: Option<u64>,
    #[serde(default)]
    not_same_site: Vec<String>,
    #[serde(default)]
    not_valid: Vec<String>,
    error: Option<u16>,
    message: Option<String>,
}

/// The site URLs of the changed pages among `paths` (short links and the 404 page left out).
pub fn page_urls<'a>(base_url: &str, paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    paths
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.starts_with("s/"))
        .map(|p| format!("{base_url}/{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect()
}

fn state_path(root: &Path) -> PathBuf {
    crate::cache_dir(root).join("baidu-push.json")
}

/// Today in Beijing, where Baidu's quota turns over.
fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string()
}

/// Submits `urls` (and what earlier days left) for the site at `base_url`.
pub async fn push(root: &Path, base_url: &str, urls: Vec<String>, token: &str) -> Result<Pushed> {
    let path = state_path(root);
    let mut state: State = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let day = today();
    if state.day != day {
        state.day = day;
        state.remain = None;
    }
    let mut queue = std::mem::take(&mut state.pending);
    for url in urls {
        if !queue.contains(&url) {
            queue.push(url);
        }
    }
    let allowed = queue.len().min(MOST_PER_REQUEST).min(
        state
            .remain
            .map_or(usize::MAX, |r| usize::try_from(r).unwrap_or(usize::MAX)),
    );
    let mut pushed = Pushed::default();
    if allowed > 0 {
        match send(base_url, &queue[..allowed], token).await {
            Ok(answer) if answer.error.is_none() => {
                pushed.sent = answer.success.unwrap_or(0);
                pushed.refused = answer.not_same_site.len() + answer.not_valid.len();
                state.remain = answer.remain;
                queue.drain(..allowed);
            }
            Ok(answer) => {
                let message = answer.message.unwrap_or_default();
                if message.contains("over quota") {
                    state.remain = Some(0);
                }
                pushed.problem = Some(format!(
                    "Baidu answered {}: {}",
                    answer.error.unwrap_or(0),
                    redact(&message, token)
                ));
            }
            Err(error) => pushed.problem = Some(redact(&format!("{error:#}"), token)),
        }
    }
    pushed.remain = state.remain;
    pushed.left = queue.len();
    state.pending = queue;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).ok();
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&state)?)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(pushed)
}

async fn send(base_url: &str, urls: &[String], token: &str) -> Result<Answer> {
    let endpoint =
        std::env::var("PARKPRESS_BAIDU_PUSH_ENDPOINT").unwrap_or_else(|_| ENDPOINT.to_owned());
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot reach Baidu: {}", e.without_url()))?;
    let encode =
        |value: &str| percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string();
    let url = format!(
        "{endpoint}?site={}&token={}",
        encode(base_url),
        encode(token)
    );
    let response = client
        .post(url)
        .header("Content-Type", "text/plain")
        .body(urls.join("\n"))
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!("cannot reach Baidu's link submission: {}", e.without_url())
        })?;
    let body = response
        .bytes()
        .await
        .map_err(|e| anyhow::anyhow!("Baidu's answer broke off: {}", e.without_url()))?;
    serde_json::from_slice(&body).context("Baidu's answer is not the JSON it documents")
}

fn redact(message: &str, token: &str) -> String {
    if token.is_empty() {
        message.to_owned()
    } else {
        message.replace(token, "***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_are_submitted() {
        let paths = [
            "index.html",
            "en/parks/a/index.html",
            "s/ab12/index.html",
            "404.html",
            "css/site.css",
            "news/atom.xml",
        ];
        assert_eq!(
            page_urls("https://invest.jibei.gov.cn", paths.into_iter()),
            [
                "https://invest.jibei.gov.cn/",
                "https://invest.jibei.gov.cn/en/parks/a/"
            ]
        );
    }
}
