//! HTTP for `serve` (axum): files from the in-memory snapshot only, a 404 page, no listings, live
//! reload over server-sent events, and an overlay with the errors of a failed rebuild. Only
//! requests naming the server itself in `Host` are answered, so a web page cannot reach it
//! through a DNS name it rebinds to 127.0.0.1.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use super::State;

/// Path of the event stream pages listen to.
const EVENTS: &str = "/__parkpress/events";
/// Path of the build status (errors of the latest rebuild).
const STATUS: &str = "/__parkpress/status";

/// Injected before `</body>` of every served page, never into `build` output: reloads on each
/// rebuild and shows the errors of a failed one over the last good page.
const LIVE_RELOAD: &str = r#"<script>(function(){
var es=new EventSource("/__parkpress/events");
es.onmessage=function(e){if(e.data==="reload"){location.reload();}};
fetch("/__parkpress/status").then(function(r){return r.json();}).then(function(s){
if(!s.errors){return;}
var d=document.createElement("div");d.id="parkpress-errors";d.setAttribute("role","alert");
d.style.cssText="position:fixed;inset:0;z-index:2147483647;background:rgba(30,6,6,.94);color:#fff;font:14px/1.55 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
var h=document.createElement("strong");h.textContent="parkpress: the last edit has errors; this page is the last good build.\n\n";
d.appendChild(h);d.appendChild(document.createTextNode(s.errors));document.body.appendChild(d);});
})();</script>"#;

/// Ctrl+C and (on Unix) SIGTERM, listened for from the moment this is made: made before the
/// address is announced, so a Ctrl+C right after it is not lost to the default handler.
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Starts listening; needs to run inside the server's runtime.
    pub fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn received(self) {
        #[cfg(unix)]
        {
            let Self {
                mut interrupt,
                mut terminate,
            } = self;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Serves until one of `stop` arrives.
pub async fn serve(
    listener: std::net::TcpListener,
    state: Arc<State>,
    stop: StopSignals,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = Router::new()
        .route(EVENTS, get(events))
        .route(STATUS, get(status))
        .fallback(file)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(address, only_own_host));
    axum::serve(listener, app)
        .with_graceful_shutdown(stop.received())
        .await?;
    Ok(())
}

/// Answers 421 Misdirected Request unless `Host` names this server: see [`is_own_host`].
async fn only_own_host(
    Extract(address): Extract<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if is_own_host(request.headers(), address) {
        return next.run(request).await;
    }
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("421 Misdirected Request: this preview answers only to http://{address}/ and http://localhost:{}/\n", address.port()),
    )
        .into_response()
}

/// Whether the `Host` of a request names the server listening on `address`: `localhost` or an
/// IP address it listens on (any address when bound to all of them), with its port. Any other
/// name may be a DNS name rebound to this machine by a web page, and is refused.
pub fn is_own_host(headers: &HeaderMap, address: SocketAddr) -> bool {
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let Some((name, port)) = host.rsplit_once(':') else {
        return false;
    };
    if port.parse::<u16>().ok() != Some(address.port()) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    let Ok(ip) = literal.parse::<IpAddr>() else {
        return false;
    };
    let bound = address.ip();
    ip == bound || (ip.is_loopback() && bound.is_loopback()) || bound.is_unspecified()
}

async fn events(
    Extract(state): Extract<Arc<State>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.events.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) => return Some((Ok(Event::default().data(message)), receiver)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(Extract(state): Extract<Arc<State>>) -> Response {
    let snapshot = state.read();
    let body = serde_json::json!({ "generation": snapshot.generation, "errors": snapshot.errors });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// How long a request made during the first build waits for it before "still building".
const FIRST_BUILD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

async fn file(Extract(state): Extract<Arc<State>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let mut built = state.built.subscribe();
    let first = tokio::time::timeout(FIRST_BUILD_PATIENCE, built.wait_for(|g| *g > 0)).await;
    if !matches!(first, Ok(Ok(_))) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::RETRY_AFTER, "5"),
            ],
            inject(b"<!doctype html><title>parkpress</title><body><p>parkpress is still building the site; this page reloads when it is done.</p></body>"),
        )
            .into_response();
    }
    let snapshot = state.read();
    let not_found = || {
        let body = snapshot
            .files
            .get("404.html")
            .map_or_else(|| b"404 Not Found".to_vec(), |b| inject(b));
        (
            StatusCode::NOT_FOUND,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    };
    let Some(path) = site_path(uri.path()) else {
        return not_found();
    };
    let lookup = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = snapshot.files.get(&lookup) {
        let kind = content_type(&lookup);
        let body = if kind.starts_with("text/html") {
            inject(bytes)
        } else {
            bytes.as_ref().clone()
        };
        // For HEAD the whole body goes to hyper, which sends its length and not its bytes.
        return (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-store"),
            ],
            Body::from(body),
        )
            .into_response();
    }
    // `/parks/x` → `/parks/x/`, as a static host would.
    if !path.is_empty()
        && !path.ends_with('/')
        && snapshot.files.contains_key(&format!("{path}/index.html"))
    {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("/{path}/"))],
        )
            .into_response();
    }
    not_found()
}

/// The site path of a request path: percent-decoded, without the leading `/`. None for anything
/// that is not a plain path inside the site (`..`, `.`, backslashes, NUL, invalid encoding), so
/// no encoding of a traversal ever gets as far as a lookup.
pub fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    if decoded.contains(['\\', '\0']) || decoded.contains("//") {
        return None;
    }
    let trimmed = decoded.strip_prefix('/')?;
    if trimmed
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return None;
    }
    Some(trimmed.to_owned())
}

/// Decodes `%XX` escapes; None for a `%` without two hex digits after it or text that is not
/// UTF-8 once decoded.
fn percent_decode(raw: &str) -> Option<String> {
    let well_formed = raw.split('%').skip(1).all(|rest| {
        rest.as_bytes()
            .get(..2)
            .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
    });
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    well_formed.then(|| decoded.into_owned())
}

fn inject(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(at) => format!("{}{LIVE_RELOAD}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{LIVE_RELOAD}").into_bytes(),
    }
}

/// Content type by file extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "vcf" => "text/vcard; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_never_reaches_a_lookup() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/parks/%2E%2E/%2E%2E/x",
            "/..%2f..%2fetc/passwd",
            "/a\\..\\b",
            "/%00",
            "//etc/passwd",
            "/%zz",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
        for (good, path) in [
            ("/parks/data-lake/", "parks/data-lake/"),
            ("/search/%E5%86%B7%E9%93%BE", "search/冷链"),
        ] {
            assert_eq!(site_path(good).as_deref(), Some(path), "{good}");
        }
    }

    #[test]
    fn only_the_servers_own_names_are_answered() {
        let host = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, value.parse().expect("header"));
            headers
        };
        let local: SocketAddr = "127.0.0.1:4000".parse().expect("address");
        for good in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
        ] {
            assert!(is_own_host(&host(good), local), "{good}");
        }
        for bad in [
            "evil.example:4000",
            "localhost.evil.example:4000",
            "127.0.0.1:4001",
            "127.0.0.1",
            "localhost",
            "192.168.1.5:4000",
        ] {
            assert!(!is_own_host(&host(bad), local), "{bad}");
        }
        assert!(!is_own_host(&HeaderMap::new(), local));
        let everywhere: SocketAddr = "0.0.0.0:4000".parse().expect("address");
        assert!(is_own_host(&host("192.168.1.5:4000"), everywhere));
        assert!(!is_own_host(&host("rebound.example:4000"), everywhere));
    }

    #[test]
    fn content_types() {
        for (path, kind) in [
            ("a/index.html", "text/html; charset=utf-8"),
            ("pdf/zone.zh.pdf", "application/pdf"),
            ("x.webp", "image/webp"),
            ("news/atom.xml", "application/xml"),
        ] {
            assert_eq!(content_type(path), kind, "{path}");
        }
    }

    #[test]
    fn reload_goes_before_the_end_of_the_body() {
        let page = inject(b"<html><body><p>x</p></body></html>");
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.contains("<p>x</p><script>") && page.ends_with("</body></html>"));
    }
}
