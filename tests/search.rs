//! Site search: the index the build writes (read back as JSON), and queries typed into the real
//! search page in a headless Chromium, against the built site served over HTTP.

mod common;

use common::{copy_fixture, parkpress};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The `search` fixture built into a temporary folder.
struct Built {
    dir: tempfile::TempDir,
}

impl Built {
    fn new() -> Self {
        let dir = copy_fixture("search");
        let output = parkpress(dir.path(), &["build"])
            .output()
            .expect("run parkpress");
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self { dir }
    }

    fn output(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    fn out(&self, path: &str) -> String {
        let file = self.output().join(path);
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
    }

    fn index(&self, lang: &str) -> Vec<Value> {
        let json: Value = serde_json::from_str(&self.out(&format!("search-index.{lang}.json")))
            .expect("the index is JSON");
        assert_eq!(json["lang"], lang);
        json["entries"].as_array().expect("entries").clone()
    }
}

/// The entry titled `title`, if the index has it.
fn entry<'a>(entries: &'a [Value], title: &str) -> Option<&'a Value> {
    entries.iter().find(|e| e["title"] == title)
}

#[test]
fn index_covers_published_content_in_each_language() {
    let site = Built::new();
    let zh = site.index("zh");

    let park = entry(&zh, "冷链物流园").expect("the park");
    assert_eq!(park["kind"], "park");
    assert_eq!(park["url"], "/invest/parks/cold-chain/");
    let text = park["text"].as_str().expect("text");
    assert!(
        text.contains("冷链仓储与城市配送") && text.contains("低温仓储"),
        "a park's text holds its positioning and its Markdown body: {text}"
    );
    assert!(
        !text.contains("##"),
        "Markdown syntax is not indexed: {text}"
    );

    let tenant = entry(&zh, "极寒冷链公司").expect("a public tenant");
    assert_eq!(tenant["kind"], "tenant");
    assert_eq!(tenant["url"], "/invest/parks/cold-chain/tenants/frost/");
    assert_eq!(tenant["park"], "冷链物流园");
    assert!(
        tenant["text"]
            .as_str()
            .is_some_and(|t| t.contains("两座冷库"))
    );

    let policy = entry(&zh, "冷库建设补贴").expect("a live policy");
    assert_eq!(policy["kind"], "policy");
    assert_eq!(policy["url"], "/invest/parks/cold-chain/#cold-store");

    let factor = entry(&zh, "工业电价").expect("a factor");
    assert_eq!(factor["kind"], "factor");
    assert_eq!(factor["url"], "/invest/parks/cold-chain/#sec-factors");
    assert_eq!(factor["text"], "0.62元/千瓦时");
    assert_eq!(
        entry(&zh, "人才公寓").expect("a text factor")["text"],
        "200套"
    );

    assert_eq!(entry(&zh, "冷链物流园开园").expect("news")["kind"], "news");
    let page = entry(&zh, "关于我们").expect("a free page");
    assert_eq!(page["url"], "/invest/about/");
    assert!(
        page["text"]
            .as_str()
            .is_some_and(|t| t.contains("全程代办"))
    );

    for title in [
        "已过期的冷藏车补助",
        "尚未发布的草稿政策",
        "草稿企业不应出现",
        "机密冷链洽谈项目",
        "草稿新闻不应发布",
    ] {
        assert!(entry(&zh, title).is_none(), "`{title}` must not be indexed");
    }
    let raw = site.out("search-index.zh.json");
    assert!(
        !raw.contains("机密") && !raw.contains("草稿") && !raw.contains("已过期"),
        "hidden content appears somewhere in the index"
    );
    for e in &zh {
        for field in ["kind", "title", "url", "text"] {
            assert!(e[field].is_string(), "{field} missing in {e}");
        }
    }

    let en = site.index("en");
    assert_eq!(en.len(), zh.len(), "the same entries in every language");
    let park = entry(&en, "Cold Chain Logistics Park").expect("the park in English");
    assert_eq!(park["url"], "/invest/en/parks/cold-chain/");
    assert!(
        park["text"]
            .as_str()
            .is_some_and(|t| t.contains("refrigerated storage"))
    );
    assert!(
        entry(&en, "Café Nord").is_some(),
        "accents are kept in the index"
    );
    assert!(!site.out("search-index.en.json").contains("Expired"));
    assert!(
        !site.output().join("en/search-index.en.json").exists(),
        "indexes exist once, at the root"
    );
}

#[test]
fn search_page_and_header_box_in_every_language() {
    let site = Built::new();
    for (page, action) in [
        ("search/index.html", "/invest/search/"),
        ("en/search/index.html", "/invest/en/search/"),
    ] {
        let html = site.out(page);
        assert!(html.contains(r#"name="q""#), "{page} has no query field");
        assert!(html.contains(r#"src="/invest/js/search.js""#));
        assert!(html.contains(&format!(r#"action="{action}""#)));
        assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
    }
    assert!(
        site.out("search/index.html")
            .contains(r#"data-index="/invest/search-index.zh.json""#)
    );
    assert!(
        site.out("en/search/index.html")
            .contains(r#"data-index="/invest/search-index.en.json""#)
    );
    assert!(
        site.out("parks/cold-chain/index.html").contains(
            r#"<form class="header-search" role="search" action="/invest/search/" method="get">"#
        ),
        "every page has the search box in its header"
    );
    assert!(
        site.out("en/index.html")
            .contains(r#"action="/invest/en/search/""#)
    );
    assert!(site.output().join("js/search.js").exists());
    assert!(
        !site.out("sitemap.xml").contains("/search/"),
        "the search page is not a page to list in the sitemap"
    );
}

/// A browser that can run headless, or None (with the reason printed) when there is none here.
/// With `CI=true` a missing browser fails the test: CI installs Chromium (`.ci/run`).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PARKPRESS_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path).find_map(|dir| {
                ["chromium", "chromium-browser", "google-chrome"]
                    .iter()
                    .map(|name| dir.join(name))
                    .find(|candidate| candidate.is_file())
            })
        });
    if found.is_none() {
        let reason =
            "no chromium, chromium-browser or google-chrome on PATH (set PARKPRESS_CHROMIUM)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs a headless Chromium for the search test: {reason}"
        );
        eprintln!("skipping the browser search test: {reason}");
    }
    found
}

/// Serves `root` at `/invest/` on a free local port, one thread per connection, until the test
/// process ends. Returns the port.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(stream, &root));
        }
    });
    port
}

fn respond(mut stream: TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers: nothing in them matters here.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let file = path
        .strip_prefix("/invest/")
        .filter(|rel| !rel.split('/').any(|part| part == ".."))
        .map(|rel| {
            let file = root.join(rel);
            if rel.is_empty() || rel.ends_with('/') {
                file.join("index.html")
            } else {
                file
            }
        });
    let (status, kind, body) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, body)) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("json") => "application/json",
                Some("js") => "text/javascript",
                Some("css") => "text/css",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            ("200 OK", kind, body)
        }
        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The DOM of `url` after its scripts ran, as headless Chromium dumps it.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("browser profile dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("chromium stdout");
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = stdout.read_to_string(&mut dom);
        dom
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish with {url} in 90 s");
            }
        }
    }
    reader.join().expect("read chromium output")
}

/// The results list and status line of a dumped search page.
fn results(dom: &str) -> (String, String) {
    let list = dom
        .split_once("data-search-results")
        .and_then(|(_, rest)| rest.split_once("</ol>"))
        .map(|(list, _)| list.to_owned())
        .unwrap_or_default();
    let status = dom
        .split_once("data-search-status=\"\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(status, _)| status.to_owned())
        .unwrap_or_default();
    (list, status)
}

#[test]
fn queries_in_a_real_browser() {
    let Some(browser) = chromium() else {
        return;
    };
    let site = Built::new();
    let port = serve(site.output());
    let search = |lang_path: &str, query: &str| {
        let url = format!(
            "http://127.0.0.1:{port}/invest/{lang_path}search/?q={}",
            percent_encode(query)
        );
        results(&dump_dom(&browser, &url))
    };

    // Chinese: bigrams, so 冷链 finds the park, its tenant, policy-free news… and nothing else.
    let (list, status) = search("", "冷链");
    assert!(
        list.contains("/invest/parks/cold-chain/tenants/frost/"),
        "tenant missing: {status}\n{list}"
    );
    assert!(
        list.contains("<mark>冷链</mark>"),
        "matches are marked: {list}"
    );
    assert!(
        list.contains(r#"href="/invest/parks/cold-chain/""#),
        "park missing: {list}"
    );
    assert!(
        !list.contains("云计算公司") && !list.contains("数据产业园"),
        "unrelated results: {list}"
    );
    assert!(
        !list.contains("机密"),
        "a confidential deal is found: {list}"
    );

    // One character: unigrams.
    let (list, _) = search("", "咖");
    assert!(list.contains("<mark>咖</mark>"), "{list}");
    assert!(
        list.contains("/invest/parks/data-park/tenants/cafe-nord/")
            && !list.contains("极寒冷链公司"),
        "{list}"
    );

    // English: words, case- and accent-insensitive, the last word as a prefix.
    let (list, status) = search("en/", "COLD chain");
    assert!(
        list.contains("/invest/en/parks/cold-chain/tenants/frost/"),
        "{status}\n{list}"
    );
    assert!(
        list.contains("<mark>Cold</mark> <mark>Chain</mark> Co"),
        "{list}"
    );
    assert!(
        !list.contains("Cloud Computing Co"),
        "unrelated results: {list}"
    );
    assert!(
        !list.contains("Talent apartments"),
        "the park's name alone does not make its factors match: {list}"
    );
    let (list, _) = search("en/", "cafe");
    assert!(
        list.contains("<mark>Café</mark> Nord"),
        "accents are ignored: {list}"
    );
    let (list, status) = search("en/", "talent apartm");
    assert!(
        list.contains("<mark>Talent</mark> <mark>apartm</mark>ents"),
        "{status}\n{list}"
    );

    // Nothing found says so.
    let (list, status) = search("en/", "submarine");
    assert!(
        list.trim_start_matches(['"', '=', '>']).trim().is_empty(),
        "{list}"
    );
    assert!(status.contains("submarine"), "{status}");
}
