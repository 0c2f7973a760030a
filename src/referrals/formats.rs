//! Access log formats: which one a file is written in, and one request out of each line.
//!
//! Every parser takes one line of valid UTF-8 and either returns the [`Request`] it records or
//! says why the line cannot be read. Times keep the offset written in the log: the date of a
//! request is its date there (`+0800` in most logs from mainland China; Tencent Cloud CDN writes
//! Beijing time without an offset, COS writes UTC).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A log format parkpress reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON lines (one object per line, nginx `escape=json` and the usual field names).
    JsonLines,
    /// Tencent Cloud CDN offline logs (space-separated, time `YYYYMMDDHHMMSS`).
    TencentCdn,
    /// Tencent Cloud COS access logs (space-separated, starting with the log version).
    TencentCos,
    /// Aliyun CDN offline logs (`[time] ip proxy ms "referer" "GET url" status …`).
    AliyunCdn,
    /// Aliyun OSS access logs (`ip - - [time] "request" status bytes ms "referer" "ua" "host" …`).
    AliyunOss,
    /// nginx and Apache "combined" (extra fields after the user agent are allowed).
    Combined,
    /// nginx and Apache "common" (no referer, no user agent).
    Common,
}

impl Format {
    /// In the order detection tries them: the most specific first.
    pub const ALL: [Format; 7] = [
        Format::JsonLines,
        Format::TencentCdn,
        Format::TencentCos,
        Format::AliyunCdn,
        Format::AliyunOss,
        Format::Combined,
        Format::Common,
    ];

    /// The name shown in the report.
    pub fn name(self) -> &'static str {
        match self {
            Format::JsonLines => "json-lines",
            Format::TencentCdn => "tencent-cdn",
            Format::TencentCos => "tencent-cos",
            Format::AliyunCdn => "aliyun-cdn",
            Format::AliyunOss => "aliyun-oss",
            Format::Combined => "combined",
            Format::Common => "common",
        }
    }

    /// The first format that reads `line`, if any.
    pub fn detect(line: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.parse(line).is_ok())
    }

    /// Reads one line.
    pub fn parse(self, line: &str) -> Result<Request<'_>, &'static str> {
        match self {
            Format::JsonLines => json_line(line),
            Format::TencentCdn => tencent_cdn(&tokens(line)?),
            Format::TencentCos => tencent_cos(&tokens(line)?),
            Format::AliyunCdn => aliyun_cdn(&tokens(line)?),
            Format::AliyunOss => aliyun_oss(&tokens(line)?),
            Format::Combined => clf(&tokens(line)?, true),
            Format::Common => clf(&tokens(line)?, false),
        }
    }
}

/// When a request was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Its date in the time zone the log is written in.
    pub date: NaiveDate,
    /// Seconds since 1970 (UTC), to measure sessions.
    pub utc: i64,
}

impl Stamp {
    fn new(local: NaiveDateTime, offset_seconds: i32) -> Result<Self, &'static str> {
        let year = chrono::Datelike::year(&local.date());
        if !(1970..=9999).contains(&year) {
            return Err("date out of range");
        }
        Ok(Self {
            date: local.date(),
            utc: local.and_utc().timestamp() - i64::from(offset_seconds),
        })
    }

    fn from_datetime(time: DateTime<FixedOffset>) -> Result<Self, &'static str> {
        Self::new(time.naive_local(), time.offset().local_minus_utc())
    }
}

/// One request, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// When.
    pub time: Stamp,
    /// The client address (hashed, never kept).
    pub client: Cow<'a, str>,
    /// `GET`, `HEAD`, … (empty when the request line could not be read).
    pub method: Cow<'a, str>,
    /// Path and query as requested, starting with `/` (scheme and host removed).
    pub target: Cow<'a, str>,
    /// Response status.
    pub status: u16,
    /// User agent (`None` in formats that do not log it: "common").
    pub user_agent: Option<Cow<'a, str>>,
    /// A prefetch or prerender (`Sec-Purpose`/`Purpose` logged), not a view.
    pub prefetch: bool,
}

/// A field of a space-separated log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Bare(&'a str),
    Quoted(&'a str),
    Bracketed(&'a str),
}

impl<'a> Token<'a> {
    fn bare(self) -> Option<&'a str> {
        match self {
            Token::Bare(s) => Some(s),
            _ => None,
        }
    }

    fn quoted(self) -> Option<&'a str> {
        match self {
            Token::Quoted(s) => Some(s),
            _ => None,
        }
    }

    fn text(self) -> &'a str {
        match self {
            Token::Bare(s) | Token::Quoted(s) | Token::Bracketed(s) => s,
        }
    }
}

/// Splits a line at spaces; `"…"` (with `\"` escapes) and `[…]` are one field each.
fn tokens(line: &str) -> Result<Vec<Token<'_>>, &'static str> {
    let bytes = line.as_bytes();
    let mut out = Vec::with_capacity(16);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' => i += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= bytes.len() {
                    return Err("unterminated quote");
                }
                out.push(Token::Quoted(&line[start..j]));
                i = j + 1;
            }
            b'[' => {
                let end = line[i..].find(']').ok_or("unterminated [")? + i;
                out.push(Token::Bracketed(&line[i + 1..end]));
                i = end + 1;
            }
            _ => {
                let end = line[i..].find([' ', '\t']).map_or(line.len(), |e| e + i);
                out.push(Token::Bare(&line[i..end]));
                i = end;
            }
        }
    }
    Ok(out)
}

fn status(text: &str) -> Result<u16, &'static str> {
    match text.parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) && text.len() == 3 => Ok(code),
        _ => Err("no HTTP status"),
    }
}

/// `/path?query` of a request target that may be an absolute URL.
fn path_of(target: &str) -> &str {
    match target.find("://") {
        Some(i) if !target.starts_with('/') => {
            let rest = &target[i + 3..];
            rest.find(['/', '?']).map_or("/", |j| &rest[j..])
        }
        _ => target,
    }
}

/// `GET /path HTTP/1.1` → (method, target); a line that is no request (`-`, TLS bytes sent to
/// port 80) gives an empty method, which no count takes.
fn request_line(line: &str) -> (&str, &str) {
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || target.is_empty() {
        return ("", "");
    }
    (method, path_of(target))
}

/// `10/Oct/2000:13:55:36 -0700` (one-digit days too, as Aliyun CDN writes them).
fn clf_time(text: &str) -> Result<Stamp, &'static str> {
    const BAD: &str = "unreadable time";
    let (date, rest) = text.split_once(':').ok_or(BAD)?;
    let mut d = date.split('/');
    let day: u32 = d.next().ok_or(BAD)?.parse().map_err(|_| BAD)?;
    let month = match d.next().ok_or(BAD)? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return Err(BAD),
    };
    let year: i32 = d.next().ok_or(BAD)?.parse().map_err(|_| BAD)?;
    let (clock, zone) = rest.split_once(' ').ok_or(BAD)?;
    let mut c = clock.split(':').map(|p| p.parse::<u32>().map_err(|_| BAD));
    let (h, m, s) = (
        c.next().ok_or(BAD)??,
        c.next().ok_or(BAD)??,
        c.next().ok_or(BAD)??,
    );
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or("date out of range")?;
    let time = NaiveTime::from_hms_opt(h, m, s).ok_or("time out of range")?;
    Stamp::new(date.and_time(time), offset(zone)?)
}

/// `+0800` → seconds east of UTC.
fn offset(zone: &str) -> Result<i32, &'static str> {
    let bytes = zone.as_bytes();
    if bytes.len() != 5 || !bytes[1..].iter().all(u8::is_ascii_digit) {
        return Err("unreadable time zone");
    }
    let n = |i: usize| i32::from(bytes[i] - b'0');
    let seconds = (n(1) * 10 + n(2)) * 3600 + (n(3) * 10 + n(4)) * 60;
    match bytes[0] {
        b'+' if seconds <= 14 * 3600 => Ok(seconds),
        b'-' if seconds <= 14 * 3600 => Ok(-seconds),
        _ => Err("time zone out of range"),
    }
}

/// A request of the formats that write the time as `[…]` and the request line in quotes.
fn bracketed_request<'a>(
    time: &str,
    client: &'a str,
    request: &'a str,
    code: &str,
    user_agent: Option<&'a str>,
) -> Result<Request<'a>, &'static str> {
    let (method, target) = request_line(request);
    Ok(Request {
        time: clf_time(time)?,
        client: Cow::Borrowed(client),
        method: Cow::Borrowed(method),
        target: Cow::Borrowed(target),
        status: status(code)?,
        user_agent: user_agent.map(Cow::Borrowed),
        prefetch: false,
    })
}

/// nginx/Apache combined and common:
/// `ip ident user [time] "request" status bytes ["referer" "user agent" …]`.
fn clf<'a>(t: &[Token<'a>], combined: bool) -> Result<Request<'a>, &'static str> {
    const SHAPE: &str = "not a combined or common log line";
    let fixed = if combined { 9 } else { 7 };
    if t.len() < fixed || (!combined && t.len() != 7) {
        return Err(SHAPE);
    }
    let (Some(client), Token::Bracketed(time), Some(request), Some(code)) =
        (t[0].bare(), t[3], t[4].quoted(), t[5].bare())
    else {
        return Err(SHAPE);
    };
    t[6].bare().ok_or(SHAPE)?;
    let user_agent = if combined {
        t[7].quoted().ok_or(SHAPE)?;
        Some(t[8].quoted().ok_or(SHAPE)?)
    } else {
        None
    };
    bracketed_request(time, client, request, code, user_agent)
}

/// Aliyun CDN: `[time] ip proxy_ip response_ms "referer" "METHOD url" status request_size
/// response_size cache_status "user agent" "content type" …`.
fn aliyun_cdn<'a>(t: &[Token<'a>]) -> Result<Request<'a>, &'static str> {
    const SHAPE: &str = "not an Aliyun CDN log line";
    if t.len() < 11 {
        return Err(SHAPE);
    }
    let (Token::Bracketed(time), Some(client), Some(request), Some(code), Some(ua)) = (
        t[0],
        t[1].bare(),
        t[5].quoted(),
        t[6].bare(),
        t[10].quoted(),
    ) else {
        return Err(SHAPE);
    };
    t[4].quoted().ok_or(SHAPE)?;
    bracketed_request(time, client, request, code, Some(ua))
}

/// Aliyun OSS: `ip - - [time] "request" status sent_bytes request_ms "referer" "user agent"
/// "host" "request id" …`.
fn aliyun_oss<'a>(t: &[Token<'a>]) -> Result<Request<'a>, &'static str> {
    const SHAPE: &str = "not an Aliyun OSS log line";
    if t.len() < 11 {
        return Err(SHAPE);
    }
    let (Some(client), Token::Bracketed(time), Some(request), Some(code), Some(ua)) =
        (t[0].bare(), t[3], t[4].quoted(), t[5].bare(), t[9].quoted())
    else {
        return Err(SHAPE);
    };
    t[7].bare().ok_or(SHAPE)?;
    t[8].quoted().ok_or(SHAPE)?;
    t[10].quoted().ok_or(SHAPE)?;
    bracketed_request(time, client, request, code, Some(ua))
}

/// Joins the fields a user agent was split into when the log does not quote it.
fn joined<'a>(t: &[Token<'a>]) -> Cow<'a, str> {
    match t {
        [one] => Cow::Borrowed(one.text()),
        _ => Cow::Owned(t.iter().map(|t| t.text()).collect::<Vec<_>>().join(" ")),
    }
}

/// Tencent Cloud CDN: `time(YYYYMMDDHHMMSS, Beijing) ip host path bytes province isp status
/// referer response_ms user_agent range method protocol cache port`.
fn tencent_cdn<'a>(t: &[Token<'a>]) -> Result<Request<'a>, &'static str> {
    const SHAPE: &str = "not a Tencent Cloud CDN log line";
    let n = t.len();
    if n < 16 {
        return Err(SHAPE);
    }
    let time = t[0].bare().ok_or(SHAPE)?;
    if time.len() != 14 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SHAPE);
    }
    let local =
        NaiveDateTime::parse_from_str(time, "%Y%m%d%H%M%S").map_err(|_| "date out of range")?;
    let (Some(client), Some(path), Some(code), Some(method)) =
        (t[1].bare(), t[3].bare(), t[7].bare(), t[n - 4].bare())
    else {
        return Err(SHAPE);
    };
    Ok(Request {
        time: Stamp::new(local, 8 * 3600)?,
        client: Cow::Borrowed(client),
        method: Cow::Borrowed(method),
        target: Cow::Borrowed(path_of(path)),
        status: status(code)?,
        user_agent: Some(joined(&t[10..n - 5])),
        prefetch: false,
    })
}

/// Tencent Cloud COS: `version bucket region time(ISO, UTC) host event ip key_id reserved
/// request_bytes delta path method user_agent status error_code error_message …
/// referer request_uri` (the request URI, with its query, is the last field that starts with `/`).
fn tencent_cos<'a>(t: &[Token<'a>]) -> Result<Request<'a>, &'static str> {
    const SHAPE: &str = "not a Tencent Cloud COS log line";
    if t.len() < 18 {
        return Err(SHAPE);
    }
    let version = t[0].bare().ok_or(SHAPE)?;
    if !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') || !version.contains('.') {
        return Err(SHAPE);
    }
    let time = t[3].bare().ok_or(SHAPE)?;
    let time = DateTime::parse_from_rfc3339(time).map_err(|_| "unreadable time")?;
    let (Some(client), Some(path), Some(method)) = (t[6].bare(), t[11].bare(), t[12].bare()) else {
        return Err(SHAPE);
    };
    // The user agent may be split at its spaces: the status is the first field after it that
    // reads as one.
    let status_at = (14..t.len())
        .find(|&i| t[i].bare().is_some_and(|s| status(s).is_ok()))
        .ok_or("no HTTP status")?;
    let uri = t[status_at..]
        .iter()
        .rev()
        .filter_map(|t| t.bare())
        .find(|s| s.starts_with('/'))
        .filter(|s| s.contains('?'))
        .unwrap_or(path);
    Ok(Request {
        time: Stamp::from_datetime(time)?,
        client: Cow::Borrowed(client),
        method: Cow::Owned(method.to_ascii_uppercase()),
        target: Cow::Borrowed(uri),
        status: status(t[status_at].text())?,
        user_agent: Some(joined(&t[13..status_at])),
        prefetch: false,
    })
}

/// The first of `names` the object has, as text.
fn field<'m>(object: &'m Map<String, Value>, names: &[&str]) -> Option<Cow<'m, str>> {
    names.iter().find_map(|n| match object.get(*n)? {
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    })
}

/// A JSON object per line with the usual names: nginx variables (`time_iso8601`, `time_local`,
/// `remote_addr`, `request`, `request_uri`, `status`, `http_user_agent`, `http_sec_purpose`) or
/// shorter ones (`time`, `timestamp`, `ip`, `method`, `uri`/`path` + `args`/`query`, `ua`).
fn json_line(line: &str) -> Result<Request<'static>, &'static str> {
    if !line.starts_with('{') {
        return Err("not a JSON object");
    }
    let object: Map<String, Value> = serde_json::from_str(line).map_err(|_| "invalid JSON")?;
    let time = json_time(&object)?;
    let client = field(
        &object,
        &["remote_addr", "client_ip", "ip", "remote_ip", "clientip"],
    )
    .ok_or("no client address")?;
    let (method, target) = match field(&object, &["request"]) {
        Some(request) => {
            let (m, t) = request_line(&request);
            (m.to_owned(), t.to_owned())
        }
        None => {
            let method = field(&object, &["request_method", "method", "http_method"]);
            let uri = field(&object, &["request_uri", "uri", "url", "path"]).ok_or("no request")?;
            let mut target = path_of(&uri).to_owned();
            if let Some(query) = field(&object, &["args", "query_string", "query"])
                .filter(|q| !q.is_empty() && *q != "-" && !target.contains('?'))
            {
                target.push('?');
                target.push_str(&query);
            }
            (
                method.map(|m| m.to_ascii_uppercase()).unwrap_or_default(),
                target,
            )
        }
    };
    let code = field(
        &object,
        &["status", "http_status", "status_code", "response_code"],
    )
    .ok_or("no HTTP status")?;
    let ua = field(&object, &["http_user_agent", "user_agent", "ua", "agent"]).unwrap_or_default();
    let purpose = field(
        &object,
        &["http_sec_purpose", "sec_purpose", "http_purpose", "purpose"],
    );
    Ok(Request {
        time,
        client: Cow::Owned(client.into_owned()),
        method: Cow::Owned(method),
        target: Cow::Owned(target),
        status: status(&code)?,
        user_agent: Some(Cow::Owned(ua.into_owned())),
        prefetch: purpose.is_some_and(|p| {
            let p = p.to_ascii_lowercase();
            p.contains("prefetch") || p.contains("prerender")
        }),
    })
}

fn json_time(object: &Map<String, Value>) -> Result<Stamp, &'static str> {
    if let Some(local) = field(object, &["time_local"]) {
        return clf_time(&local);
    }
    match ["time_iso8601", "time", "timestamp", "@timestamp", "date"]
        .iter()
        .find_map(|n| object.get(*n))
    {
        Some(Value::String(text)) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| "unreadable time")
            .and_then(Stamp::from_datetime),
        Some(Value::Number(n)) => {
            let n = n.as_f64().ok_or("unreadable time")?;
            // Milliseconds when the number is too large for seconds.
            let seconds = if n > 1e11 { n / 1000.0 } else { n };
            if !(0.0..253_402_300_800.0).contains(&seconds) {
                return Err("date out of range");
            }
            let time = DateTime::from_timestamp(seconds as i64, 0).ok_or("date out of range")?;
            Stamp::new(time.naive_utc(), 0)
        }
        _ => Err("no time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> (Format, Request<'_>) {
        let format = Format::detect(line).expect("a format reads it");
        (format, format.parse(line).expect("parses"))
    }

    #[test]
    fn each_documented_example_is_read_by_its_format() {
        let examples = [
            (
                Format::Combined,
                r#"203.0.113.7 - - [02/Mar/2026:10:15:00 +0800] "GET /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (iPhone) MicroMessenger/8.0" "-""#,
            ),
            (
                Format::Common,
                r#"203.0.113.7 - - [02/Mar/2026:10:15:00 +0800] "GET /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat HTTP/1.1" 200 5123"#,
            ),
            (
                Format::AliyunCdn,
                r#"[2/Mar/2026:10:15:00 +0800] 203.0.113.7 - 12 "-" "GET https://invest.example.gov.cn/invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat" 200 191 5123 MISS "Mozilla/5.0 (iPhone) MicroMessenger/8.0" "text/html""#,
            ),
            (
                Format::AliyunOss,
                r#"203.0.113.7 - - [02/Mar/2026:10:15:00 +0800] "GET /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat HTTP/1.1" 200 5123 12 "-" "Mozilla/5.0 (iPhone) MicroMessenger/8.0" "jibei.oss-cn-jinan.aliyuncs.com" "5F1A0B3C2D4E5F6A7B8C9D0E" "true" "-" "GetObject" "jibei" "invest%2Fparks%2Fdata-lake%2Findex.html" 5123 11 "-" 191 "-" 0"#,
            ),
            (
                Format::TencentCdn,
                r#"20260302101500 203.0.113.7 invest.example.gov.cn /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat 5123 22 2 200 - 12 "Mozilla/5.0 (iPhone) MicroMessenger/8.0" - GET HTTPS hit 443"#,
            ),
            (
                Format::TencentCos,
                r#"1.0 jibei-1250000000 ap-beijing 2026-03-02T02:15:00Z jibei-1250000000.cos.ap-beijing.myqcloud.com GetObject 203.0.113.7 - - 191 0 /invest/parks/data-lake/index.html get Mozilla/5.0%20(iPhone)%20MicroMessenger/8.0 200 - - 5123 12 USER STANDARD 100000000001 11 - 7f5c2a-1a2b 5123 - - - /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat"#,
            ),
            (
                Format::JsonLines,
                r#"{"time_iso8601":"2026-03-02T10:15:00+08:00","remote_addr":"203.0.113.7","request":"GET /invest/parks/data-lake/?utm_source=beijing-chamber&utm_medium=wechat HTTP/1.1","status":200,"http_user_agent":"Mozilla/5.0 (iPhone) MicroMessenger/8.0","http_sec_purpose":""}"#,
            ),
        ];
        for (expected, line) in examples {
            let (format, request) = parsed(line);
            assert_eq!(format, expected, "{line}");
            assert_eq!(
                request.time.date,
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
            );
            assert_eq!(request.client, "203.0.113.7");
            assert_eq!(request.status, 200);
            assert!(request.target.starts_with("/invest/parks/data-lake/"));
            assert!(
                request.target.contains("utm_source=beijing-chamber"),
                "{format:?}"
            );
            match &request.user_agent {
                Some(ua) => assert!(ua.contains("MicroMessenger"), "{format:?}"),
                None => assert_eq!(format, Format::Common),
            }
        }
    }

    #[test]
    fn times_keep_their_zone_and_reject_impossible_dates() {
        let at = clf_time("02/Mar/2026:00:10:00 +0800").unwrap();
        assert_eq!(at.date, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(at.utc, clf_time("01/Mar/2026:16:10:00 +0000").unwrap().utc);
        for bad in [
            "32/Mar/2026:00:10:00 +0800",
            "02/Foo/2026:00:10:00 +0800",
            "02/Mar/2026:25:10:00 +0800",
            "02/Mar/99999:00:10:00 +0800",
            "02/Mar/1900:00:10:00 +0800",
            "02/Mar/2026:00:10:00 +9900",
        ] {
            assert!(clf_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn garbage_is_no_format() {
        for line in [
            "",
            "hello world",
            "{\"a\":1}",
            "\"unterminated",
            "[02/Mar/2026",
        ] {
            assert_eq!(Format::detect(line), None, "{line}");
        }
    }
}
