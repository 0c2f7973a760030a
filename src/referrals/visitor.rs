//! Who made a request, without keeping who it was: a salted hash of address and user agent, per
//! day, and whether the user agent is a bot.
//!
//! The salt is drawn at random for each run and never written, so a hash cannot be traced back
//! to an address, not even by running parkpress again on the same log (the Personal
//! Information Protection Law: addresses are personal information).

use chrono::NaiveDate;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// The random salt of one run.
#[derive(Debug, Default)]
pub struct Salt(RandomState);

impl Salt {
    /// A new random salt.
    pub fn new() -> Self {
        Self(RandomState::new())
    }

    /// The visitor of one day: the same address and user agent on another day is another visitor.
    pub fn visitor(&self, date: NaiveDate, client: &str, user_agent: &str) -> u64 {
        self.0.hash_one((date, client, user_agent))
    }

    /// The browser across days, to follow a session past midnight (kept in memory only).
    pub fn browser(&self, client: &str, user_agent: &str) -> u64 {
        self.0.hash_one((client, user_agent))
    }
}

/// Substrings (lower case) of user agents that are not people: search engines (Baiduspider,
/// Googlebot, Bingbot, Sogou, 360Spider, Bytespider, YisouSpider all say bot or spider), link
/// previewers of chat apps, command-line tools and monitors.
const BOT_MARKERS: &[&str] = &[
    "bot",
    "spider",
    "crawl",
    "slurp",
    "preview",
    "facebookexternalhit",
    "whatsapp",
    "slack",
    "embedly",
    "iframely",
    "vkshare",
    "curl",
    "wget",
    "python-",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "axios",
    "node-fetch",
    "headlesschrome",
    "lighthouse",
    "pingdom",
    "uptime",
    "feedfetcher",
    "mediapartners",
    "scrapy",
];

/// Whether the user agent is a bot: a known one, or one that says bot, spider or crawler.
/// Requests without a user agent are bots too: every browser sends one.
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.trim();
    if ua.is_empty() || ua == "-" {
        return true;
    }
    let lower = ua.to_ascii_lowercase();
    BOT_MARKERS.iter().any(|m| lower.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_previewers_and_tools_are_bots() {
        for ua in [
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
            "Mozilla/5.0 (compatible; 360Spider)",
            "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
            "Mozilla/5.0 (compatible; YisouSpider/5.0)",
            "TelegramBot (like TwitterBot)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1",
            "WhatsApp/2.23.20.0",
            "curl/8.5.0",
            "python-requests/2.31",
            "SkypeUriPreview Preview/0.5",
            "my-own-crawler/1.0",
            "-",
            "",
        ] {
            assert!(is_bot(ua), "{ua}");
        }
    }

    #[test]
    fn browsers_and_wechat_are_people() {
        for ua in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 SogouMobileBrowser/12.0",
        ] {
            assert!(!is_bot(ua), "{ua}");
        }
    }

    #[test]
    fn visitors_are_per_day_and_salted() {
        let salt = Salt::new();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let next = day.succ_opt().unwrap();
        let a = salt.visitor(day, "203.0.113.7", "UA");
        assert_eq!(a, salt.visitor(day, "203.0.113.7", "UA"));
        assert_ne!(a, salt.visitor(next, "203.0.113.7", "UA"));
        assert_ne!(a, salt.visitor(day, "203.0.113.8", "UA"));
        assert_ne!(a, Salt::new().visitor(day, "203.0.113.7", "UA"));
    }
}
