//! Edit-to-updated-page latency of `parkpress serve`: on a copy of the example site and on a
//! generated ~2,000-page site (scripts/gen_site.py, needs python3), the time from saving a park's
//! file to the first response that shows the edit, five edits each, median reported.
//!
//! Run with `cargo bench --bench serve`. Prints times; asserts nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(address: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body);
    body
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn measure(name: &str, root: &Path, park_file: &str, page: &str, marker: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parkpress"))
        .args(["serve", "--port", "18111", "--root"])
        .arg(root)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let address = loop {
        let line = lines.next().expect("serve output").expect("line");
        if let Some(rest) = line.strip_prefix("Serving on http://") {
            break rest
                .trim_end_matches(|c| c != '/')
                .trim_end_matches('/')
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    let first = started.elapsed();
    std::thread::spawn(move || for _ in lines {});
    let path = root.join(park_file);
    let original = std::fs::read_to_string(&path).expect("park file");
    let mut samples = Vec::new();
    for i in 0..5 {
        let edited = original.replacen(marker, &format!("{marker}{i}编辑"), 1);
        let t = Instant::now();
        std::fs::write(&path, edited).expect("edit");
        loop {
            if get(&address, page).contains(&format!("{marker}{i}编辑")) {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(60), "no update");
            std::thread::sleep(Duration::from_millis(2));
        }
        samples.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
    samples.sort();
    println!(
        "{name}: first build {:.0} ms; edit to updated page: median {:.0} ms (min {:.0}, max {:.0}; includes the {} ms debounce)",
        first.as_secs_f64() * 1000.0,
        samples[2].as_secs_f64() * 1000.0,
        samples[0].as_secs_f64() * 1000.0,
        samples[4].as_secs_f64() * 1000.0,
        40
    );
    std::fs::write(&path, original).expect("restore");
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let example = tempfile::tempdir().expect("temp");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &example.path().join("content"),
    );
    measure(
        "example site",
        example.path(),
        "content/parks/dawo/park.toml",
        "/parks/dawo/",
        "山东达沃智慧产业园",
    );
    let generated = tempfile::tempdir().expect("temp");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_site.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(generated.path())
        .args(["40", "24", "40"])
        .status();
    if !status.is_ok_and(|s| s.success()) {
        println!("skipping the generated site: python3 is needed for scripts/gen_site.py");
        return;
    }
    measure(
        "generated ~2,000 pages",
        generated.path(),
        "content/parks/park-7/park.toml",
        "/parks/park-7/",
        "产业园7",
    );
}
