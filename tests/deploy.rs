//! `parkpress deploy` against a real S3-compatible server (s3s-fs, started on loopback by
//! `.ci/run`, which exports `PARKPRESS_TEST_S3_ENDPOINT`, `PARKPRESS_TEST_S3_ACCESS_KEY` and
//! `PARKPRESS_TEST_S3_SECRET_KEY`; bucket `parkpress-test`) and against a `file://` folder.
//! Without the server the S3 half is skipped with a printed reason; under `CI=true` it fails.

mod common;

use common::Site;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BUCKET: &str = "parkpress-test";

/// Where a test publishes to.
enum Backend {
    S3 {
        endpoint: String,
        key: String,
        secret: String,
        prefix: String,
        store: AmazonS3,
    },
    Folder(tempfile::TempDir),
}

/// The server's settings from the environment; `None` (after saying why) when it is not running.
fn s3_server() -> Option<(String, String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        var("PARKPRESS_TEST_S3_ENDPOINT"),
        var("PARKPRESS_TEST_S3_ACCESS_KEY"),
        var("PARKPRESS_TEST_S3_SECRET_KEY"),
    ) {
        (Some(endpoint), Some(key), Some(secret)) => Some((endpoint, key, secret)),
        _ => {
            let reason = "the S3 half of the deploy tests needs s3s-fs on loopback and PARKPRESS_TEST_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY";
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "{reason}: .ci/run installs and starts it"
            );
            eprintln!("skipping the S3 half: {reason} (run it as .ci/run does)");
            None
        }
    }
}

/// A prefix no other test run uses.
fn unique(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{name}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )
}

/// The folder backend, and the S3 one when the server is up.
fn backends(name: &str) -> Vec<Backend> {
    let mut backends = vec![Backend::Folder(tempfile::tempdir().expect("temp dir"))];
    if let Some((endpoint, key, secret)) = s3_server() {
        let store = AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_endpoint(&endpoint)
            .with_region("us-east-1")
            .with_access_key_id(&key)
            .with_secret_access_key(&secret)
            .with_allow_http(true)
            .build()
            .expect("test S3 client");
        backends.push(Backend::S3 {
            endpoint,
            key,
            secret,
            prefix: unique(name),
            store,
        });
    }
    backends
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::S3 { .. } => "s3",
            Backend::Folder(_) => "file",
        }
    }

    /// `--to …` and the other flags this backend needs; `via` replaces the server's endpoint.
    fn args(&self, via: Option<&str>) -> Vec<String> {
        match self {
            Backend::S3 {
                endpoint, prefix, ..
            } => vec![
                "--to".into(),
                format!("s3://{BUCKET}/{prefix}"),
                "--endpoint".into(),
                via.unwrap_or(endpoint).to_owned(),
                "--path-style".into(),
            ],
            Backend::Folder(dir) => vec![
                "--to".into(),
                format!("file://{}", dir.path().join("www").display()),
            ],
        }
    }

    /// `parkpress deploy ARGS` for `site`, with this backend's target and credentials.
    fn command(&self, site: &Site, args: &[&str]) -> Command {
        self.command_via(site, None, args)
    }

    /// [`Backend::command`], reaching the server through the endpoint `via`.
    fn command_via(&self, site: &Site, via: Option<&str>, args: &[&str]) -> Command {
        let mut all: Vec<String> = vec!["deploy".into()];
        all.extend(self.args(via));
        all.extend(args.iter().map(|a| a.to_string()));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut command = common::parkpress(site.root(), &refs);
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "BAIDU_PUSH_TOKEN",
        ] {
            command.env_remove(name);
        }
        command.env("HOME", site.path("home"));
        if let Backend::S3 { key, secret, .. } = self {
            command
                .env("AWS_ACCESS_KEY_ID", key)
                .env("AWS_SECRET_ACCESS_KEY", secret);
        }
        command
    }

    fn deploy(&self, site: &Site, args: &[&str]) -> Output {
        self.command(site, args).output().expect("run deploy")
    }

    /// Runs `deploy --format json` and returns its summary; fails the test when it fails.
    fn deploy_json(&self, site: &Site, args: &[&str]) -> Summary {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let output = self.deploy(site, &all);
        assert!(
            output.status.success(),
            "[{}] deploy failed:\n{}{}",
            self.name(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let last = stdout.lines().last().expect("a summary line");
        let json: serde_json::Value = serde_json::from_str(last).expect("JSON summary");
        let count = |k: &str| json[k].as_u64().unwrap_or_else(|| panic!("{k} in {json}")) as usize;
        assert!(json["seconds"].as_f64().is_some(), "seconds in {json}");
        Summary {
            uploaded: count("uploaded"),
            deleted: count("deleted"),
            unchanged: count("unchanged"),
            bytes: count("bytes"),
        }
    }

    /// Every object with its bytes, by key relative to the target.
    fn objects(&self) -> BTreeMap<String, Vec<u8>> {
        match self {
            Backend::Folder(dir) => {
                let www = dir.path().join("www");
                common::walk(&www)
                    .into_iter()
                    .map(|path| {
                        let key = path
                            .strip_prefix(&www)
                            .unwrap()
                            .to_string_lossy()
                            .into_owned();
                        (key, std::fs::read(&path).unwrap())
                    })
                    .collect()
            }
            Backend::S3 { store, prefix, .. } => block_on(async {
                use futures_util::StreamExt;
                let mut out = BTreeMap::new();
                let mut stream = store.list(Some(&ObjectPath::from(prefix.as_str())));
                while let Some(meta) = stream.next().await {
                    let meta = meta.expect("list");
                    let bytes = store
                        .get(&meta.location)
                        .await
                        .unwrap()
                        .bytes()
                        .await
                        .unwrap();
                    let key = meta.location.as_ref()[prefix.len() + 1..].to_owned();
                    out.insert(key, bytes.to_vec());
                }
                out
            }),
        }
    }

    /// How many objects there are (cheaper than [`Backend::objects`]).
    fn count(&self) -> usize {
        match self {
            Backend::Folder(dir) => common::walk(&dir.path().join("www")).len(),
            Backend::S3 { store, prefix, .. } => block_on(async {
                use futures_util::StreamExt;
                store
                    .list(Some(&ObjectPath::from(prefix.as_str())))
                    .count()
                    .await
            }),
        }
    }

    /// Puts an object parkpress knows nothing of.
    fn put_foreign(&self, key: &str, bytes: &[u8]) {
        match self {
            Backend::Folder(dir) => {
                let path = dir.path().join("www").join(key);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
            Backend::S3 { store, prefix, .. } => block_on(async {
                store
                    .put(
                        &ObjectPath::from(format!("{prefix}/{key}")),
                        bytes.to_vec().into(),
                    )
                    .await
                    .expect("put foreign object");
            }),
        }
    }

    /// `Content-Type`, `Cache-Control` and `Content-Disposition` of an object (S3 only).
    fn headers(&self, key: &str) -> Option<[Option<String>; 3]> {
        let Backend::S3 { store, prefix, .. } = self else {
            return None;
        };
        Some(block_on(async {
            let result = store
                .get(&ObjectPath::from(format!("{prefix}/{key}")))
                .await
                .unwrap_or_else(|e| panic!("get {key}: {e}"));
            let get = |a: &Attribute| result.attributes.get(a).map(|v| v.to_string());
            [
                get(&Attribute::ContentType),
                get(&Attribute::CacheControl),
                get(&Attribute::ContentDisposition),
            ]
        }))
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Summary {
    uploaded: usize,
    deleted: usize,
    unchanged: usize,
    bytes: usize,
}

/// The `basic` fixture with a real domain and no sample banner, so the release checks pass.
fn publishable_site() -> Site {
    let site = Site::fixture("basic");
    site.edit(
        "content/site.toml",
        "https://invest.example.gov.cn/invest/",
        "https://invest.jibei.gov.cn/invest/",
    );
    site.edit(
        "content/site.toml",
        "notice = { zh = \"示例数据，仅供测试\", en = \"Sample data for tests\" }\n",
        "",
    );
    site.edit("content/site.toml", "0531-0000000", "0531-88881234");
    site.edit(
        "content/site.toml",
        "鲁ICP备00000000号",
        "鲁ICP备12345678号",
    );
    site
}

/// The files `build` made, by path relative to output/ (the marker left out).
fn output_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let output = site.path("output");
    common::walk(&output)
        .into_iter()
        .filter(|p| !p.ends_with(".parkpress-output"))
        .map(|path| {
            let key = path
                .strip_prefix(&output)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (key, std::fs::read(&path).unwrap())
        })
        .collect()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn first_deploy_uploads_everything_with_its_headers_and_the_second_nothing() {
    for backend in backends("first") {
        let site = publishable_site();
        site.build();
        // A processed image's name carries the hash of its content.
        site.write("output/images/cover.3f9a0c6d1e.w800.webp", "RIFF....WEBP");
        let files = output_files(&site);
        let first = backend.deploy_json(&site, &[]);
        assert_eq!(
            first.uploaded,
            files.len(),
            "[{}] {first:?}",
            backend.name()
        );
        assert_eq!((first.deleted, first.unchanged), (0, 0));
        assert_eq!(first.bytes, files.values().map(Vec::len).sum::<usize>());
        let mut objects = backend.objects();
        let manifest = objects
            .remove(".parkpress-manifest.json")
            .expect("the manifest is published beside the site");
        assert!(String::from_utf8_lossy(&manifest).contains("\"index.html\""));
        assert_eq!(
            objects,
            files,
            "[{}] every file, byte for byte, nothing else",
            backend.name()
        );
        assert!(
            !objects.contains_key(".parkpress-output"),
            "the marker stays home"
        );

        if backend.name() == "s3" {
            assert_every_object_has_its_headers(&backend, &files);
        }

        let second = backend.deploy_json(&site, &[]);
        assert_eq!(
            second,
            Summary {
                uploaded: 0,
                deleted: 0,
                unchanged: files.len(),
                bytes: 0
            },
            "[{}] nothing changed, nothing goes up",
            backend.name()
        );
    }
}

/// The `Content-Type` the issue asks for, by extension; text with `charset=utf-8`.
fn expected_content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "vcf" => "text/vcard; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        other => panic!("`{key}`: the test knows no Content-Type for `.{other}`, add it"),
    }
}

/// The `Cache-Control` class of a site file: a year for names with a content hash (a part of
/// at least 8 hexadecimal digits, letters and digits both), five minutes for pages (also
/// `no-transform`), feeds, the sitemap, search indexes and short links, a day for PDFs, an hour
/// for the rest.
fn expected_cache_control(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let parts: Vec<&str> = name.split('.').collect();
    let hashed = parts[1..parts.len().saturating_sub(1)].iter().any(|p| {
        p.len() >= 8
            && p.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && p.bytes().any(|b| b.is_ascii_digit())
            && p.bytes().any(|b| b.is_ascii_alphabetic())
    });
    match parts.last().copied().unwrap_or("") {
        _ if hashed => "public, max-age=31536000, immutable",
        "html" => "public, max-age=300, no-transform",
        "xml" | "json" | "txt" => "public, max-age=300",
        "pdf" => "public, max-age=86400",
        _ => "public, max-age=3600",
    }
}

/// Every object of `files` carries the `Content-Type` and `Cache-Control` its kind needs.
fn assert_every_object_has_its_headers(backend: &Backend, files: &BTreeMap<String, Vec<u8>>) {
    let mut extensions = std::collections::BTreeSet::new();
    for key in files.keys() {
        let [kind, cache, _] = backend.headers(key).unwrap();
        assert_eq!(kind.as_deref(), Some(expected_content_type(key)), "{key}");
        assert_eq!(cache.as_deref(), Some(expected_cache_control(key)), "{key}");
        extensions.insert(key.rsplit('.').next().unwrap_or("").to_owned());
    }
    for kind in ["html", "css", "js", "json", "xml", "txt", "vcf", "ico"] {
        assert!(
            extensions.contains(kind),
            "the fixture has no .{kind}: {extensions:?}"
        );
    }
    assert!(
        files
            .keys()
            .any(|k| expected_cache_control(k).contains("immutable")),
        "a fingerprinted file among {:?}",
        files.keys().collect::<Vec<_>>()
    );
    assert!(
        files.keys().any(|k| k.starts_with("s/")),
        "short links are pages too"
    );
}

#[test]
fn pdfs_are_served_inline_under_the_brochure_name() {
    if !common::pdf_tools_ready() {
        return;
    }
    for backend in backends("pdf").into_iter().filter(|b| b.name() == "s3") {
        let site = publishable_site();
        let output = site.run(&["build", "--pdf"]);
        assert!(output.status.success(), "{}", text(&output));
        backend.deploy_json(&site, &[]);
        let [kind, cache, disposition] = backend.headers("pdf/parks/data-lake.zh.pdf").unwrap();
        assert_eq!(kind.as_deref(), Some("application/pdf"));
        assert_eq!(cache.as_deref(), Some("public, max-age=86400"));
        let disposition = disposition.expect("Content-Disposition");
        assert!(
            disposition
                .starts_with("inline; filename=\"brochure-data-lake.zh.pdf\"; filename*=UTF-8''"),
            "{disposition}"
        );
        let saved_as = percent_decode(disposition.rsplit("UTF-8''").next().unwrap());
        assert_eq!(saved_as, "测试经济开发区-brochure-data-lake.zh.pdf");
        let [_, _, flyer] = backend.headers("pdf/flyers/data-lake.en.pdf").unwrap();
        assert!(
            flyer
                .as_deref()
                .is_some_and(|d| d.starts_with("inline; filename=\"flyer-data-lake.en.pdf\"")),
            "{flyer:?}"
        );
        let [_, _, zone] = backend.headers("pdf/zone.zh.pdf").unwrap();
        assert!(
            zone.as_deref().is_some_and(|d| d.starts_with("inline;")),
            "{zone:?}"
        );
    }
}

#[test]
fn an_edit_uploads_only_what_changed_and_a_removed_park_goes_but_foreign_objects_stay() {
    for backend in backends("edit") {
        let site = publishable_site();
        let park = site.read("content/parks/zhizao/park.toml");
        site.write(
            "content/parks/harbor/park.toml",
            &park
                .replace("智造小镇", "港口物流园")
                .replace("Smart Manufacturing Town", "Harbor Logistics Park"),
        );
        site.build();
        let first = backend.deploy_json(&site, &[]);
        assert!(
            backend
                .objects()
                .keys()
                .any(|k| k.starts_with("parks/harbor/"))
        );
        backend.put_foreign("baidu_verify_codeva-abc.html", b"codeva-abc");
        backend.put_foreign("other-team/report.txt", b"not ours");

        site.edit(
            "content/parks/data-lake/index.md",
            "数据湖产业园位于开发区北部。",
            "数据湖产业园位于开发区北部，新建标准厂房三栋。",
        );
        site.build();
        let before = backend.objects();
        let dry = backend.deploy(&site, &["--dry-run"]);
        assert!(dry.status.success(), "{}", text(&dry));
        let listed = String::from_utf8_lossy(&dry.stdout);
        assert!(
            listed.contains("upload parks/data-lake/index.html"),
            "{listed}"
        );
        assert!(
            !listed.contains("upload parks/zhizao/index.html"),
            "{listed}"
        );
        assert_eq!(
            backend.objects(),
            before,
            "[{}] a dry run changes nothing",
            backend.name()
        );

        let edit = backend.deploy_json(&site, &[]);
        assert!(edit.uploaded >= 1, "{edit:?}");
        assert!(
            edit.uploaded < first.uploaded / 2,
            "[{}] only the changed files go up: {edit:?} after {first:?}",
            backend.name()
        );
        assert_eq!(edit.deleted, 0);
        let page = backend.objects()["parks/data-lake/index.html"].clone();
        assert!(
            String::from_utf8_lossy(&page).contains("新建标准厂房三栋"),
            "the edit is live"
        );

        std::fs::remove_dir_all(site.path("content/parks/harbor")).unwrap();
        site.build();
        let removal = backend.deploy_json(&site, &[]);
        assert!(removal.deleted >= 1, "{removal:?}");
        let objects = backend.objects();
        assert!(
            !objects.keys().any(|k| k.contains("parks/harbor")),
            "[{}] the removed park's objects are gone: {:?}",
            backend.name(),
            objects
                .keys()
                .filter(|k| k.contains("harbor"))
                .collect::<Vec<_>>()
        );
        assert_eq!(objects["baidu_verify_codeva-abc.html"], b"codeva-abc");
        assert_eq!(objects["other-team/report.txt"], b"not ours");
        let again = backend.deploy_json(&site, &[]);
        assert_eq!((again.uploaded, again.deleted), (0, 0), "{again:?}");
    }
}

#[test]
fn staging_builds_drafts_and_placeholders_are_refused_unless_forced() {
    for backend in backends("refuse") {
        let site = publishable_site();
        let output = site.run(&["build", "--base-url", "https://staging.jibei.gov.cn"]);
        assert!(output.status.success(), "{}", text(&output));
        let refused = backend.deploy(&site, &[]);
        assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
        assert!(
            text(&refused)
                .contains("staging build made with --base-url https://staging.jibei.gov.cn"),
            "{}",
            text(&refused)
        );
        assert_eq!(
            backend.count(),
            0,
            "[{}] nothing was published",
            backend.name()
        );

        let output = site.run(&["build", "--drafts"]);
        assert!(output.status.success(), "{}", text(&output));
        let refused = backend.deploy(&site, &[]);
        assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
        assert!(text(&refused).contains("--drafts"), "{}", text(&refused));

        let forced = backend.deploy(&site, &["--force"]);
        assert!(forced.status.success(), "{}", text(&forced));
        assert!(
            text(&forced).contains("published with --force"),
            "{}",
            text(&forced)
        );
        assert!(backend.count() > 0);
    }
    let sample = Site::fixture("basic");
    sample.build();
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    let refused = backend.deploy(&sample, &[]);
    assert_eq!(refused.status.code(), Some(2));
    let message = text(&refused);
    assert!(
        message
            .contains("error[placeholder-domain]: base_url `https://invest.example.gov.cn/invest`"),
        "{message}"
    );
    assert!(message.contains("error[placeholder-phone]"), "{message}");
    assert!(
        message.contains("content/site.toml:1:"),
        "the release checks say where: {message}"
    );
    let unbuilt = publishable_site();
    let refused = backend.deploy(&unbuilt, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused).contains("run `parkpress build` first"),
        "{}",
        text(&refused)
    );
}

/// A TCP proxy to `upstream` that forwards requests until `budget` bytes went through, then holds
/// every connection open without forwarding more: the network stalls in the middle of a deploy.
/// Returns its address and whether it stalled.
fn stalling_proxy(upstream: String, budget: usize) -> (String, Arc<AtomicBool>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let stalled = Arc::new(AtomicBool::new(false));
    let forwarded = Arc::new(AtomicUsize::new(0));
    let flag = stalled.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = std::net::TcpStream::connect(&upstream) else {
                continue;
            };
            let (mut from_client, mut to_client) = (client.try_clone().unwrap(), client);
            let (mut to_server, mut from_server) = (server.try_clone().unwrap(), server);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client);
            });
            let (forwarded, stalled) = (forwarded.clone(), flag.clone());
            std::thread::spawn(move || {
                let mut buffer = [0; 16 * 1024];
                while let Ok(n) = from_client.read(&mut buffer) {
                    // A connection the client closes is not a stall.
                    if n == 0 {
                        break;
                    }
                    if forwarded.fetch_add(n, Ordering::SeqCst) + n > budget {
                        stalled.store(true, Ordering::SeqCst);
                        std::thread::park();
                    }
                    if to_server.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (address, stalled)
}

#[test]
fn a_deploy_killed_halfway_completes_when_run_again() {
    for backend in backends("killed").into_iter().filter(|b| b.name() == "s3") {
        let site = publishable_site();
        site.build();
        for n in 0..300 {
            site.write(
                &format!("output/files/{n:03}.txt"),
                &format!("file {n}\n{}", "x".repeat(2000)),
            );
        }
        let files = output_files(&site);
        let Backend::S3 { endpoint, .. } = &backend else {
            unreachable!()
        };
        let upstream = endpoint.trim_start_matches("http://").to_owned();
        let total_bytes: usize = files.values().map(Vec::len).sum();
        let (proxy, stalled) = stalling_proxy(upstream, total_bytes / 2);
        let mut child = backend
            .command_via(
                &site,
                Some(&format!("http://{proxy}")),
                &["--concurrency", "2"],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start deploy");
        let started = Instant::now();
        while !stalled.load(Ordering::SeqCst) {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the deploy ended before the network stalled"
            );
            assert!(started.elapsed() < Duration::from_secs(120), "no progress");
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let partial = backend.count();
        assert!(
            partial > 50 && partial < files.len(),
            "stopped halfway: {partial} of {}",
            files.len()
        );

        let rerun = backend.deploy_json(&site, &[]);
        assert!(
            rerun.unchanged + 2 * upload_checkpoint() >= partial,
            "what the first run uploaded is not uploaded again: {rerun:?} after {partial} objects"
        );
        assert_eq!(rerun.uploaded + rerun.unchanged, files.len());
        let mut objects = backend.objects();
        objects.remove(".parkpress-manifest.json");
        assert_eq!(objects, files, "complete after the rerun");
        assert_eq!(backend.deploy_json(&site, &[]).uploaded, 0);
    }
}

/// The manifest is saved every this many uploads (`deploy::upload::CHECKPOINT`).
fn upload_checkpoint() -> usize {
    parkpress::deploy::upload::CHECKPOINT
}

#[test]
fn a_deploy_that_failed_halfway_uploads_only_the_rest_when_run_again() {
    let site = publishable_site();
    site.build();
    for n in 0..100 {
        site.write(&format!("output/zfiles/{n:03}.txt"), &format!("file {n}\n"));
    }
    let files = output_files(&site);
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    // A file where the site needs a folder: uploads into it fail, whoever runs the test.
    backend.put_foreign("zfiles", b"in the way");
    let failed = backend.deploy(&site, &["--concurrency", "1"]);
    assert_eq!(failed.status.code(), Some(2), "{}", text(&failed));
    assert!(
        text(&failed).contains("cannot upload `zfiles/000.txt`"),
        "{}",
        text(&failed)
    );
    let uploaded_before = backend.count() - 2; // the blocking file and the manifest
    assert!(uploaded_before > 0 && uploaded_before < files.len());
    assert!(
        !backend.objects().contains_key("index.html"),
        "pages wait for their assets"
    );

    let Backend::Folder(dir) = &backend else {
        unreachable!()
    };
    std::fs::remove_file(dir.path().join("www/zfiles")).unwrap();
    let rerun = backend.deploy_json(&site, &[]);
    assert_eq!(rerun.unchanged, uploaded_before, "{rerun:?}");
    assert_eq!(rerun.uploaded, files.len() - uploaded_before);
    let mut objects = backend.objects();
    objects.remove(".parkpress-manifest.json");
    assert_eq!(objects, files);
}

#[test]
fn missing_or_wrong_credentials_exit_2_without_the_secret() {
    for backend in backends("creds").into_iter().filter(|b| b.name() == "s3") {
        let site = publishable_site();
        site.build();
        let missing = backend
            .command(&site, &[])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .output()
            .unwrap();
        assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
        assert!(
            text(&missing).contains("AWS_ACCESS_KEY_ID"),
            "{}",
            text(&missing)
        );

        let wrong_secret = "wrong-secret-9f8e7d6c5b4a";
        let wrong = backend
            .command(&site, &[])
            .env("AWS_SECRET_ACCESS_KEY", wrong_secret)
            .output()
            .unwrap();
        assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
        let message = text(&wrong);
        assert!(
            message.contains("AWS_SECRET_ACCESS_KEY"),
            "a hint: {message}"
        );
        assert!(
            !message.contains(wrong_secret),
            "the secret is never printed: {message}"
        );
        if let Backend::S3 { secret, .. } = &backend {
            assert!(!message.contains(secret.as_str()));
        }
        assert_eq!(backend.count(), 0);

        // The shared credentials file works too, and its secret is not printed either.
        let (key, secret) = match &backend {
            Backend::S3 { key, secret, .. } => (key.clone(), secret.clone()),
            Backend::Folder(_) => unreachable!(),
        };
        site.write(
            "home/.aws/credentials",
            &format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
        );
        let from_file = backend
            .command(&site, &[])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .output()
            .unwrap();
        assert!(from_file.status.success(), "{}", text(&from_file));
        assert!(!text(&from_file).contains(&secret));
    }
}

#[test]
fn an_unreachable_endpoint_fails_in_bounded_time() {
    let site = publishable_site();
    site.build();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    // A server that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let _held = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    for port in [closed_port, silent_port] {
        let started = Instant::now();
        let output = common::parkpress(
            site.root(),
            &[
                "deploy",
                "--to",
                "s3://site-bucket",
                "--endpoint",
                &format!("http://127.0.0.1:{port}"),
                "--path-style",
            ],
        )
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret-never-shown-123")
        .output()
        .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            elapsed < Duration::from_secs(90),
            "gave up after {elapsed:?}"
        );
        assert!(!text(&output).contains("secret-never-shown-123"));
        assert!(
            text(&output).contains(&format!("127.0.0.1:{port}")),
            "{}",
            text(&output)
        );
    }
}

/// A stand-in for Baidu's link submission: answers each POST with `answers` in turn and keeps
/// the request lines and bodies.
fn baidu_stand_in(answers: Vec<&'static str>) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/urls", listener.local_addr().unwrap());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (stream, answer) in listener.incoming().flatten().zip(answers) {
            let mut reader = BufReader::new(stream);
            let mut request = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                request.push_str(&line);
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            request.push_str(&String::from_utf8_lossy(&body));
            sender.send(request).unwrap();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            reader.get_mut().write_all(response.as_bytes()).unwrap();
        }
    });
    (url, receiver)
}

#[test]
fn changed_pages_are_submitted_to_baidu_within_the_daily_quota() {
    let site = publishable_site();
    let config = site.read("content/site.toml");
    site.write(
        "content/site.toml",
        &format!("{config}\n[deploy]\nbaidu_push = true\n"),
    );
    site.build();
    let (endpoint, requests) = baidu_stand_in(vec![r#"{"remain":0,"success":3}"#]);
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    let token = "baidu-token-5a4b3c";
    let first = backend
        .command(&site, &[])
        .env("BAIDU_PUSH_TOKEN", token)
        .env("PARKPRESS_BAIDU_PUSH_ENDPOINT", &endpoint)
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let request = requests
        .recv_timeout(Duration::from_secs(10))
        .expect("a submission");
    assert!(
        request.starts_with(
            "POST /urls?site=https%3A%2F%2Finvest.jibei.gov.cn%2Finvest&token=baidu-token-5a4b3c"
        ),
        "{request}"
    );
    assert!(
        request.contains("\nhttps://invest.jibei.gov.cn/invest/parks/data-lake/"),
        "{request}"
    );
    assert!(
        !request.contains("/s/"),
        "short links are not submitted: {request}"
    );
    assert!(!request.contains("404.html"), "{request}");
    let message = text(&first);
    assert!(
        message.contains("Baidu: submitted 3 page URL(s), 0 left of today's quota"),
        "{message}"
    );
    assert!(
        !message.contains(token),
        "the token is never printed: {message}"
    );
    let submitted = request.matches("https://invest.jibei.gov.cn/").count();
    assert!(
        message.contains(&format!("{} kept for tomorrow", 0)),
        "{message}"
    );
    assert!(submitted > 3);

    // The quota is used up today: the changed page waits for tomorrow, nothing is sent.
    site.edit(
        "content/parks/data-lake/index.md",
        "数据湖产业园位于开发区北部。",
        "数据湖产业园位于开发区北部，临近高速。",
    );
    site.build();
    let second = backend
        .command(&site, &[])
        .env("BAIDU_PUSH_TOKEN", token)
        .env("PARKPRESS_BAIDU_PUSH_ENDPOINT", &endpoint)
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", text(&second));
    let message = text(&second);
    assert!(
        message.contains("Baidu: submitted 0 page URL(s), 0 left of today's quota; "),
        "{message}"
    );
    assert!(!message.contains(" 0 kept for tomorrow"), "{message}");
    assert!(
        requests.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing sent over quota"
    );
    let state = site.read(".parkpress-cache/baidu-push.json");
    assert!(
        state.contains("https://invest.jibei.gov.cn/invest/parks/data-lake/"),
        "{state}"
    );

    let no_token = backend.deploy(&site, &[]);
    assert!(no_token.status.success());
    assert!(
        text(&no_token).contains("BAIDU_PUSH_TOKEN is not set"),
        "{}",
        text(&no_token)
    );
}

/// What a [`recording_proxy`] saw.
#[derive(Debug, Default)]
struct Seen {
    /// Each request as it arrived: method, path (query left out) and when.
    requests: Vec<(String, String, Instant)>,
    /// Uploads of site files (the manifest aside) sent on and not yet answered.
    uploads_in_flight: usize,
    /// The most of them at once.
    most_uploads_in_flight: usize,
}

/// Whether the proxy answers a request itself with a 5xx, from its method, path and how many
/// times that method and path were asked for before.
type Failing = Arc<dyn Fn(&str, &str, usize) -> Option<u16> + Send + Sync>;

/// A proxy to `upstream` (the real server) that reads each HTTP/1.1 request, records it and
/// forwards it, or answers it itself with the status `failing` gives (503 is what S3 answers when
/// it throttles). Returns its address and what it saw.
fn recording_proxy(upstream: String, failing: Failing) -> (String, Arc<std::sync::Mutex<Seen>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(std::sync::Mutex::new(Seen::default()));
    let shared = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = std::net::TcpStream::connect(&upstream) else {
                continue;
            };
            let (seen, failing) = (shared.clone(), failing.clone());
            // Set while an upload of this connection waits for its answer.
            let waiting = Arc::new(AtomicBool::new(false));
            let (mut to_client, mut from_server) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (answered, seen_answers) = (waiting.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut buffer = [0; 16 * 1024];
                while let Ok(n) = from_server.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    if answered.swap(false, Ordering::SeqCst) {
                        seen_answers.lock().unwrap().uploads_in_flight -= 1;
                    }
                    if to_client.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            });
            std::thread::spawn(move || {
                let mut to_server = server;
                let mut answer_here = client.try_clone().unwrap();
                let mut reader = BufReader::new(client);
                loop {
                    let mut head = String::new();
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => return,
                            Ok(_) => {}
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(value) = lower.strip_prefix("content-length:") {
                            length = value.trim().parse().unwrap();
                        }
                        assert!(
                            !lower.starts_with("transfer-encoding:"),
                            "the proxy reads only requests with a Content-Length"
                        );
                        head.push_str(&line);
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let mut words = head.split(' ');
                    let method = words.next().unwrap_or("").to_owned();
                    let target = words.next().unwrap_or("");
                    let (path, query) = target.split_once('?').unwrap_or((target, ""));
                    let path = percent_decode(path);
                    let failure = {
                        let mut seen = seen.lock().unwrap();
                        // S3's DeleteObjects (`POST /bucket?delete`) names its keys in the body.
                        if method == "POST"
                            && query.split('&').any(|q| q == "delete" || q == "delete=")
                        {
                            let body = String::from_utf8_lossy(&body);
                            for key in body.split("<Key>").skip(1) {
                                let key = key.split("</Key>").next().unwrap_or("");
                                seen.requests.push((
                                    "DELETE".to_owned(),
                                    format!("{path}/{key}"),
                                    Instant::now(),
                                ));
                            }
                        }
                        let before = seen
                            .requests
                            .iter()
                            .filter(|(m, p, _)| *m == method && *p == path)
                            .count();
                        seen.requests
                            .push((method.clone(), path.clone(), Instant::now()));
                        let failure = failing(&method, &path, before);
                        if failure.is_none()
                            && method == "PUT"
                            && !path.ends_with(".parkpress-manifest.json")
                        {
                            waiting.store(true, Ordering::SeqCst);
                            seen.uploads_in_flight += 1;
                            seen.most_uploads_in_flight =
                                seen.most_uploads_in_flight.max(seen.uploads_in_flight);
                        }
                        failure
                    };
                    if let Some(status) = failure {
                        let (code, reason) = if status == 503 {
                            ("SlowDown", "Slow Down")
                        } else {
                            ("InternalError", "Internal Server Error")
                        };
                        let body = format!(
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test</Message></Error>"
                        );
                        let answer = format!(
                            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if answer_here.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                        continue;
                    }
                    if to_server.write_all(head.as_bytes()).is_err()
                        || to_server.write_all(&body).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (address, seen)
}

/// `%2E` → `.` in a request path.
fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The S3 backend, when the server is up.
fn s3_backend(name: &str) -> Option<Backend> {
    backends(name).into_iter().find(|b| b.name() == "s3")
}

/// The upstream address and the key prefix of an S3 backend, as request paths show it.
fn s3_upstream(backend: &Backend) -> (String, String) {
    let Backend::S3 {
        endpoint, prefix, ..
    } = backend
    else {
        unreachable!("an S3 backend")
    };
    (
        endpoint.trim_start_matches("http://").to_owned(),
        format!("/{BUCKET}/{prefix}/"),
    )
}

/// When a site file must go up, as the issue orders it: assets, then pages, then the indexes.
fn phase_of(key: &str) -> u8 {
    let name = key.rsplit('/').next().unwrap_or(key);
    if key == "robots.txt" || (name.starts_with("sitemap") && name.ends_with(".xml")) {
        2
    } else if name.ends_with(".html") || name.ends_with(".xml") {
        1
    } else {
        0
    }
}

/// The uploads and deletes a deploy sent, in order, by key under `prefix`.
fn writes(seen: &Seen, prefix: &str) -> Vec<(String, String)> {
    seen.requests
        .iter()
        .filter(|(method, _, _)| method == "PUT" || method == "DELETE")
        .filter_map(|(method, path, _)| {
            path.strip_prefix(prefix)
                .map(|key| (method.clone(), key.to_owned()))
        })
        .collect()
}

/// Checks the order of one deploy's writes: assets before pages before the sitemap, the manifest
/// after every site file, deletes after that manifest, and the manifest saved once more at the end.
fn assert_safe_order(writes: &[(String, String)], expect_deletes: bool) {
    const MANIFEST: &str = ".parkpress-manifest.json";
    let site: Vec<(usize, &str)> = writes
        .iter()
        .enumerate()
        .filter(|(_, (m, k))| m == "PUT" && k != MANIFEST)
        .map(|(i, (_, k))| (i, k.as_str()))
        .collect();
    assert!(!site.is_empty(), "{writes:?}");
    for pair in site.windows(2) {
        assert!(
            phase_of(pair[0].1) <= phase_of(pair[1].1),
            "`{}` went up after `{}`: {writes:?}",
            pair[0].1,
            pair[1].1
        );
    }
    let last_site = site.last().unwrap().0;
    let manifest_after = writes
        .iter()
        .enumerate()
        .position(|(i, (m, k))| i > last_site && m == "PUT" && k == MANIFEST)
        .expect("the manifest is written after every site file");
    let deletes: Vec<usize> = writes
        .iter()
        .enumerate()
        .filter(|(_, (m, _))| m == "DELETE")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(!deletes.is_empty(), expect_deletes, "{writes:?}");
    for i in &deletes {
        assert!(
            *i > manifest_after,
            "a stale object was deleted before the new site was complete: {writes:?}"
        );
    }
    assert_eq!(
        writes.last().map(|(m, k)| (m.as_str(), k.as_str())),
        Some(("PUT", MANIFEST)),
        "{writes:?}"
    );
}

#[test]
fn assets_go_up_before_pages_pages_before_the_sitemap_and_stale_objects_go_last() {
    let Some(backend) = s3_backend("order") else {
        return;
    };
    let site = publishable_site();
    site.build();
    site.write("output/old/index.html", "<!doctype html><title>old</title>");
    let (upstream, prefix) = s3_upstream(&backend);
    let (proxy, seen) = recording_proxy(upstream.clone(), Arc::new(|_, _, _| None));
    let via = format!("http://{proxy}");
    let first = backend
        .command_via(&site, Some(&via), &["--concurrency", "4"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let first_writes = writes(&seen.lock().unwrap(), &prefix);
    assert_eq!(
        first_writes
            .iter()
            .filter(|(m, k)| m == "PUT" && !k.starts_with('.'))
            .count(),
        output_files(&site).len()
    );
    assert_safe_order(&first_writes, false);

    // An image, a page and the sitemap change; a page is gone.
    let css = output_files(&site)
        .into_keys()
        .find(|k| k.ends_with(".css"))
        .expect("a stylesheet");
    let mut style = site.read(&format!("output/{css}"));
    style.push_str("\n/* changed */\n");
    site.write(&format!("output/{css}"), &style);
    site.edit("output/index.html", "</body>", "<!-- changed --></body>");
    site.edit(
        "output/sitemap.xml",
        "</urlset>",
        "<!-- changed --></urlset>",
    );
    std::fs::remove_dir_all(site.path("output/old")).unwrap();
    let (proxy, seen) = recording_proxy(upstream, Arc::new(|_, _, _| None));
    let second = backend
        .command_via(&site, Some(&format!("http://{proxy}")), &[])
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", text(&second));
    let second_writes = writes(&seen.lock().unwrap(), &prefix);
    let site_writes: Vec<(&str, &str)> = second_writes
        .iter()
        .filter(|(_, k)| !k.starts_with('.'))
        .map(|(m, k)| (m.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        site_writes,
        [
            ("PUT", css.as_str()),
            ("PUT", "index.html"),
            ("PUT", "sitemap.xml"),
            ("DELETE", "old/index.html")
        ]
    );
    assert_safe_order(&second_writes, true);
}

#[test]
fn concurrency_bounds_the_uploads_in_flight() {
    let Some(backend) = s3_backend("concurrency") else {
        return;
    };
    let site = publishable_site();
    site.build();
    for n in 0..120 {
        site.write(&format!("output/files/{n:03}.txt"), &format!("file {n}\n"));
    }
    let (upstream, _) = s3_upstream(&backend);
    let (proxy, seen) = recording_proxy(upstream, Arc::new(|_, _, _| None));
    let output = backend
        .command_via(
            &site,
            Some(&format!("http://{proxy}")),
            &["--concurrency", "3"],
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let most = seen.lock().unwrap().most_uploads_in_flight;
    assert!(
        (2..=3).contains(&most),
        "at most 3 uploads at once with --concurrency 3, and more than one: {most}"
    );
    let zero = backend.deploy(&site, &["--concurrency", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero));
}

#[test]
fn throttling_and_server_errors_are_retried_with_backoff() {
    let Some(backend) = s3_backend("retry") else {
        return;
    };
    let site = publishable_site();
    site.build();
    let files = output_files(&site);
    let (upstream, prefix) = s3_upstream(&backend);
    // Every upload is throttled once, index.html answers 500 twice.
    let failing: Failing = Arc::new(|method, path, before| match method {
        "PUT" if path.ends_with("/index.html") && path.matches('/').count() == 3 && before < 2 => {
            Some(500)
        }
        "PUT" if before == 0 => Some(503),
        _ => None,
    });
    let (proxy, seen) = recording_proxy(upstream.clone(), failing);
    let output = backend
        .command_via(
            &site,
            Some(&format!("http://{proxy}")),
            &["--format", "json"],
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let mut objects = backend.objects();
    objects.remove(".parkpress-manifest.json");
    assert_eq!(objects, files, "everything went up in the end");
    let seen = seen.lock().unwrap();
    let attempts = |key: &str| {
        seen.requests
            .iter()
            .filter(|(m, p, _)| m == "PUT" && *p == format!("{prefix}{key}"))
            .count()
    };
    assert_eq!(attempts("index.html"), 3, "two 500s, then the upload");
    assert_eq!(attempts("sitemap.xml"), 2, "one 503, then the upload");
    drop(seen);

    // A server that keeps failing: a bounded number of attempts, each after a wait (object_store's
    // exponential backoff with jitter: 200 ms, then up to twice the last wait, at most 8 s).
    let failing: Failing = Arc::new(|method, path, _| {
        (method == "PUT" && path.ends_with("/robots.txt")).then_some(503)
    });
    let (proxy, seen) = recording_proxy(upstream, failing);
    site.edit("output/robots.txt", "User-agent", "User-Agent");
    let started = Instant::now();
    let output = backend
        .command_via(&site, Some(&format!("http://{proxy}")), &[])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("cannot upload `robots.txt`"),
        "{}",
        text(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(90));
    let seen = seen.lock().unwrap();
    let times: Vec<Instant> = seen
        .requests
        .iter()
        .filter(|(m, p, _)| m == "PUT" && p.ends_with("/robots.txt"))
        .map(|(_, _, t)| *t)
        .collect();
    assert_eq!(times.len(), 6, "the first attempt and five retries");
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|gap| *gap >= Duration::from_millis(150)),
        "each retry waits at least the first backoff: {gaps:?}"
    );
}

/// Appends `table` to the site's site.toml.
fn add_to_site_toml(site: &Site, table: &str) {
    let config = site.read("content/site.toml");
    site.write("content/site.toml", &format!("{config}\n{table}"));
}

#[test]
fn the_deploy_table_gives_defaults_and_flags_win() {
    let site = publishable_site();
    let (configured, flagged) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    add_to_site_toml(
        &site,
        &format!(
            "[deploy]\nto = \"file://{}\"\n",
            configured.path().display()
        ),
    );
    site.build();
    let deploy = |args: &[&str]| {
        let mut command = common::parkpress(site.root(), &[&["deploy"], args].concat());
        command
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        command.output().unwrap()
    };
    let output = deploy(&[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        configured.path().join("index.html").is_file(),
        "`to` from [deploy]"
    );
    let to = format!("file://{}", flagged.path().display());
    let output = deploy(&["--to", &to]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(flagged.path().join("index.html").is_file(), "--to wins");

    if let Some(Backend::S3 {
        endpoint,
        prefix,
        key,
        secret,
        ..
    }) = s3_backend("table")
    {
        // Everything S3 needs from the table; a wrong endpoint in it is overridden by the flag.
        let site = publishable_site();
        add_to_site_toml(
            &site,
            &format!(
                "[deploy]\nto = \"s3://{BUCKET}/{prefix}\"\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\npath_style = true\n"
            ),
        );
        site.build();
        let run = |args: &[&str]| {
            common::parkpress(
                site.root(),
                &[&["deploy", "--format", "json"], args].concat(),
            )
            .env("AWS_ACCESS_KEY_ID", &key)
            .env("AWS_SECRET_ACCESS_KEY", &secret)
            .output()
            .unwrap()
        };
        let output = run(&[]);
        assert!(output.status.success(), "{}", text(&output));
        assert!(text(&output).contains(&format!("s3://{BUCKET}/{prefix} at {endpoint}")));
        site.edit(
            "content/site.toml",
            &format!("endpoint = \"{endpoint}\""),
            "endpoint = \"http://127.0.0.1:9\"",
        );
        let output = run(&["--endpoint", &endpoint]);
        assert!(
            output.status.success(),
            "--endpoint wins: {}",
            text(&output)
        );
        let last = String::from_utf8_lossy(&output.stdout)
            .lines()
            .last()
            .unwrap()
            .to_owned();
        assert!(last.contains("\"uploaded\":0"), "{last}");
    }

    site.edit(
        "content/site.toml",
        "[deploy]\n",
        "[deploy]\nbucket = \"x\"\n",
    );
    let output = deploy(&[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a content error: {}",
        text(&output)
    );
    assert!(
        text(&output).contains("content/site.toml:"),
        "{}",
        text(&output)
    );
    assert!(text(&output).contains("bucket"), "{}", text(&output));
}

#[test]
fn a_bucket_that_lost_or_changed_objects_behind_the_manifest_is_repaired() {
    for backend in backends("repair") {
        let site = publishable_site();
        site.build();
        let files = output_files(&site);
        backend.deploy_json(&site, &[]);
        // Someone deletes one object and overwrites another in the console.
        match &backend {
            Backend::Folder(dir) => {
                std::fs::remove_file(dir.path().join("www/sitemap.xml")).unwrap();
                std::fs::write(
                    dir.path().join("www/robots.txt"),
                    "User-agent: *\nDisallow: /\n",
                )
                .unwrap();
            }
            Backend::S3 { store, prefix, .. } => block_on(async {
                store
                    .delete(&ObjectPath::from(format!("{prefix}/sitemap.xml")))
                    .await
                    .unwrap();
                store
                    .put(
                        &ObjectPath::from(format!("{prefix}/robots.txt")),
                        b"User-agent: *\nDisallow: /\n".to_vec().into(),
                    )
                    .await
                    .unwrap();
            }),
        }
        let output = backend.deploy(&site, &[]);
        assert!(output.status.success(), "{}", text(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout)
                .contains("Uploaded 2 files (2 the bucket had lost or changed)"),
            "[{}] {}",
            backend.name(),
            text(&output)
        );
        let mut objects = backend.objects();
        objects.remove(".parkpress-manifest.json");
        assert_eq!(objects, files, "[{}] repaired", backend.name());
        assert_eq!(backend.deploy_json(&site, &[]).uploaded, 0);
    }
}

#[test]
fn the_json_summary_has_exactly_the_documented_fields() {
    let site = publishable_site();
    site.build();
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    let output = backend.deploy(&site, &["--format", "json"]);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["bytes", "deleted", "seconds", "unchanged", "uploaded"],
        "{json}"
    );
    assert!(json["seconds"].as_f64().unwrap() > 0.0);
    let dry = backend.deploy(&site, &["--dry-run", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&dry.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(json["uploaded"], 0, "nothing changed since: {json}");
}

#[test]
fn a_progress_bar_only_on_a_terminal() {
    let site = publishable_site();
    site.build();
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    let piped = backend.deploy(&site, &[]);
    assert!(piped.status.success(), "{}", text(&piped));
    assert!(
        !String::from_utf8_lossy(&piped.stderr).contains("deploy "),
        "no bar when standard error is no terminal: {}",
        text(&piped)
    );
    let Ok(script) = which("script") else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "`script` (util-linux) runs deploy on a terminal"
        );
        eprintln!("skipping the terminal half: no `script` (util-linux)");
        return;
    };
    // `script` runs the deploy on a pseudo-terminal and copies what it shows to its stdout.
    let fresh = Backend::Folder(tempfile::tempdir().unwrap());
    let Backend::Folder(dir) = &fresh else {
        unreachable!()
    };
    let command = format!(
        "{} deploy --to file://{} --root {}",
        env!("CARGO_BIN_EXE_parkpress"),
        dir.path().join("www").display(),
        site.root().display()
    );
    let output = Command::new(script)
        .args(["-qefc", &command, "/dev/null"])
        .env("SOURCE_DATE_EPOCH", common::BUILD_EPOCH)
        .env("TERM", "xterm")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let shown = String::from_utf8_lossy(&output.stdout);
    let total = output_files(&site).len();
    assert!(
        shown.contains(&format!("/{total}")) && shown.contains("deploy "),
        "a bar counting to {total} on a terminal: {shown}"
    );
    assert!(
        shown.contains(&format!("Uploaded {total} files")),
        "{shown}"
    );
}

/// The path of a program on PATH.
fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}

#[test]
fn baidu_gets_no_more_than_the_quota_left_and_yesterdays_rest_goes_first() {
    let site = publishable_site();
    add_to_site_toml(&site, "[deploy]\nbaidu_push = true\n");
    site.build();
    let beijing = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    // Earlier today Baidu said two submissions were left.
    site.write(
        ".parkpress-cache/baidu-push.json",
        &serde_json::json!({"day": beijing(0), "remain": 2, "pending": []}).to_string(),
    );
    let (endpoint, requests) = baidu_stand_in(vec![
        r#"{"remain":0,"success":2}"#,
        r#"{"remain":498,"success":2}"#,
    ]);
    let backend = Backend::Folder(tempfile::tempdir().unwrap());
    let deploy = || {
        backend
            .command(&site, &[])
            .env("BAIDU_PUSH_TOKEN", "baidu-token-quota")
            .env("PARKPRESS_BAIDU_PUSH_ENDPOINT", &endpoint)
            .output()
            .unwrap()
    };
    let pages = output_files(&site)
        .keys()
        .filter(|k| k.ends_with(".html") && !k.starts_with("s/") && *k != "404.html")
        .count();
    assert!(pages > 2);
    let first = deploy();
    assert!(first.status.success(), "{}", text(&first));
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let body: Vec<&str> = request.rsplit("\r\n").next().unwrap().lines().collect();
    assert_eq!(body.len(), 2, "two URLs within the quota: {request}");
    assert!(
        text(&first).contains(&format!(
            "Baidu: submitted 2 page URL(s), 0 left of today's quota; {} kept for tomorrow",
            pages - 2
        )),
        "{}",
        text(&first)
    );
    let state: serde_json::Value =
        serde_json::from_str(&site.read(".parkpress-cache/baidu-push.json")).unwrap();
    let kept: Vec<String> = serde_json::from_value(state["pending"].clone()).unwrap();
    assert_eq!(kept.len(), pages - 2);
    assert!(
        !kept.iter().any(|u| body.contains(&u.as_str())),
        "sent ones are not kept"
    );

    // The next day: what was kept goes first, then the page changed since.
    site.write(
        ".parkpress-cache/baidu-push.json",
        &serde_json::json!({"day": beijing(1), "remain": 0, "pending": ["https://invest.jibei.gov.cn/invest/a/", "https://invest.jibei.gov.cn/invest/b/"]}).to_string(),
    );
    site.edit(
        "content/parks/data-lake/index.md",
        "数据湖产业园位于开发区北部。",
        "数据湖产业园位于开发区北部，临近机场。",
    );
    site.build();
    let second = deploy();
    assert!(second.status.success(), "{}", text(&second));
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let body: Vec<&str> = request.rsplit("\r\n").next().unwrap().lines().collect();
    assert_eq!(
        body[..2],
        [
            "https://invest.jibei.gov.cn/invest/a/",
            "https://invest.jibei.gov.cn/invest/b/"
        ],
        "{request}"
    );
    assert!(
        body.contains(&"https://invest.jibei.gov.cn/invest/parks/data-lake/"),
        "{request}"
    );
    assert!(
        text(&second).contains("498 left of today's quota"),
        "{}",
        text(&second)
    );
}
