//! Helpers shared by the integration tests: running the binary, copying fixture sites, listing
//! files.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-06-01T00:00:00Z: the date every test builds at. Fixtures have a policy that expired in
/// 2021 and one valid until 2030, and figures as of 2020.
pub const BUILD_EPOCH: &str = "1780272000";

/// `parkpress ARGS --root ROOT` at [`BUILD_EPOCH`], to run as it is or with more settings.
pub fn parkpress(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parkpress"));
    command
        .args(args)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", BUILD_EPOCH);
    command
}

/// Two audiences, a Chinese-language chamber on WeChat and English-language investors by email,
/// written as `content/audiences.toml` by the share and poster tests.
pub const AUDIENCES: &str = r#"
[[audience]]
key = "beijing-chamber"
name = { zh = "北京济阳商会", en = "Jiyang Chamber of Commerce in Beijing" }
kind = "chamber"
channel = "wechat"
language = "zh"
campaign = "2026-spring"

[[audience]]
key = "hk-investors"
name = { zh = "香港投资者", en = "Hong Kong investors" }
kind = "investor"
channel = "email"
language = "en"
"#;

/// A copy of `tests/fixtures/<name>` in a new temporary folder, so runs never touch the
/// repository.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        dir.path(),
    );
    dir
}

/// Copies the folder `from` into `to`, creating folders as needed.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&entry, &target).expect("copy");
    }
}

/// Every file under `dir`, sorted; empty when `dir` does not exist.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A fixture site copied into a temporary folder; each test file adds its own helpers in an
/// `impl Site` block of its own.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        Self {
            dir: copy_fixture(name),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// `parkpress ARGS --root <site>`, run to the end.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        parkpress(self.root(), args)
            .output()
            .expect("run parkpress")
    }

    /// Runs `build`, fails the test when it fails, and returns what it printed.
    pub fn build(&self) -> String {
        let output = self.run(&["build"]);
        assert!(
            output.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn read(&self, rel: &str) -> String {
        let file = self.path(rel);
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
    }

    /// A file of the built site, `output/<rel>`.
    pub fn out(&self, rel: &str) -> String {
        self.read(&format!("output/{rel}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path("output").join(rel).exists()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    /// Writes a file (and its folders) and returns its path.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write fixture file");
        path
    }

    /// Replaces the one occurrence of `from` in a file; fails when it is not there exactly once,
    /// so an edit can never silently do nothing.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` should occur once in {rel}:\n{text}"
        );
        self.write(rel, &text.replacen(from, to, 1));
    }
}

/// The text of a PDF of the site's output, as poppler's `pdftotext` reads it; with `layout`, in
/// its printed columns (`-layout`).
pub fn pdf_text(site: &Site, pdf: &str, layout: bool) -> String {
    let mut command = Command::new("pdftotext");
    if layout {
        command.arg("-layout");
    }
    let output = command
        .args(["-enc", "UTF-8"])
        .arg(site.path("output").join(pdf))
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(output.status.success(), "pdftotext {pdf}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether the machine has what typesetting and checking PDFs needs (CJK fonts, poppler); prints
/// why not and returns false, except under `CI=true`, where a missing package fails the test.
pub fn pdf_tools_ready() -> bool {
    let poppler = std::process::Command::new("pdfinfo")
        .arg("-v")
        .output()
        .is_ok();
    let cjk = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    let missing: Vec<&str> = [
        (!poppler).then_some("poppler-utils"),
        (!cjk).then_some("fonts-noto-cjk"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    let reason = format!(
        "PDF tests need the Debian packages {} (apt-get install {})",
        missing.join(", "),
        missing.join(" ")
    );
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{reason}: .ci/run installs them"
    );
    eprintln!("skipping: {reason}");
    false
}

/// Fails under `CI=true` (where `.ci/run` installs everything), else prints why a test skips.
fn skip_unless_ci(reason: &str) -> bool {
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{reason}: .ci/run installs it"
    );
    eprintln!("skipping: {reason}");
    false
}

/// `tests/browser/`: the Node scripts that drive Chromium, axe-core and the Nu Html Checker.
pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether Node, `tests/browser/node_modules` (puppeteer-core, axe-core) and Chromium are there;
/// prints why not, or fails under `CI=true`.
pub fn browser_tools_ready() -> bool {
    let chromium = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return skip_unless_ci(&format!("browser tests need Chromium at {chromium}"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return skip_unless_ci("browser tests need Node");
    }
    if !browser_dir().join("node_modules/puppeteer-core").is_dir() {
        return skip_unless_ci(
            "browser tests need `npm ci --prefix tests/browser --ignore-scripts` first",
        );
    }
    true
}

/// `node tests/browser/<script> ARGS`: its stdout parsed as JSON; fails the test when the script
/// fails.
pub fn run_browser_script<A: AsRef<std::ffi::OsStr>>(
    script: &str,
    args: &[A],
) -> serde_json::Value {
    let output = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}
