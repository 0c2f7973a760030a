//! What must not be published: placeholders that would end up in print and QR codes. `check`
//! reports them as warnings; `check --release` (and `deploy`) make them errors through
//! [`release_problems`].

use crate::diagnostics::{Diagnostic, Severity, SourceFile};
use crate::model::{Pos, Site, Text};

use super::{bodies, place, rules, texts};

/// Codes of the placeholder findings, which `check --release` turns into errors.
pub const RELEASE_CODES: &[&str] = &[
    "placeholder-domain",
    "sample-notice",
    "placeholder-text",
    "placeholder-phone",
    "missing-icp",
];

/// Every placeholder finding of the site, as errors: what `check --release` and `deploy` refuse.
pub fn release_problems(site: &Site) -> Vec<Diagnostic> {
    let mut found = placeholders(site);
    for d in &mut found {
        d.severity = Severity::Error;
    }
    found
}

/// Every placeholder finding of the site, as warnings.
pub fn placeholders(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let site_file = site.title.pos().map(|p| p.file.clone());
    let at_value = |value: &str, d: Diagnostic| match &site_file {
        Some(file) => place_value(file, value, d),
        None => d,
    };
    let host = host_of(&site.base_url);
    if let Some(why) = reserved_host(&host) {
        out.push(at_value(
            &site.base_url,
            Diagnostic::warning(
                "placeholder-domain",
                format!(
                    "base_url `{}` is {why}: every QR code and printed link would point there",
                    site.base_url
                ),
            )
            .with_hint("set `base_url` in site.toml to the address the site is published at"),
        ));
    }
    if host.ends_with(".cn") && site.zone.icp.is_none() {
        out.push(at_value(
            &site.base_url,
            Diagnostic::warning(
                "missing-icp",
                format!("the site is published on `{host}`, a .cn domain, but `[zone] icp` is not set"),
            )
            .with_hint("sites hosted in mainland China must show their ICP filing number: add `icp = \"鲁ICP备…号\"` under [zone] in site.toml"),
        ));
    }
    if let Some(notice) = &site.notice
        && notice.all().any(|(_, t)| rules::is_sample_notice(t))
    {
        out.push(place(
            notice.pos(),
            Diagnostic::warning(
                "sample-notice",
                "the site still shows the sample notice (\"示例站点 / sample site\") on every page",
            )
            .with_hint("remove `notice` from site.toml, or replace it with your own"),
        ));
    }
    phones(site, &at_value, &mut out);
    for (text, what) in texts(site) {
        placeholder_text(text, &what, &mut out);
    }
    for park in &site.parks {
        placeholder_text(
            &park.operator,
            &format!("the operator of park `{}`", park.key),
            &mut out,
        );
        for tenant in &park.tenants {
            placeholder_text(&tenant.name, &format!("tenant `{}`", tenant.key), &mut out);
        }
    }
    for (body, what) in bodies(site) {
        for source in &body.sources {
            let text = source.file.text.get(source.start..).unwrap_or_default();
            if rules::is_scaffold_body(text) {
                out.push(
                    Diagnostic::warning(
                        "placeholder-text",
                        format!("{what} is still the placeholder `new` wrote"),
                    )
                    .with_hint("write the text, or keep the item a draft (`draft = true`)")
                    .at_line(&source.file, source.first_line, 1),
                );
            }
        }
    }
    out
}

fn placeholder_text(text: &Text, what: &str, out: &mut Vec<Diagnostic>) {
    if let Some((_, found)) = text.all().find(|(_, t)| rules::is_placeholder_text(t)) {
        out.push(place(
            text.pos(),
            Diagnostic::warning(
                "placeholder-text",
                format!("{what} is still placeholder text (`{found}`)"),
            )
            .with_hint("replace the example text that `new` or `init` wrote with your own"),
        ));
    }
}

fn phones(
    site: &Site,
    at_value: &dyn Fn(&str, Diagnostic) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let warning = |phone: &str, whose: &str| {
        Diagnostic::warning(
            "placeholder-phone",
            format!("{whose} `{phone}` is a number of zeros"),
        )
        .with_hint("write the real number investors should call, or remove it")
    };
    if let Some(hotline) = &site.zone.hotline
        && rules::is_zero_number(hotline)
    {
        out.push(at_value(hotline, warning(hotline, "the zone hotline")));
    }
    for (field, value) in [
        ("icp", &site.zone.icp),
        ("police_record", &site.zone.police_record),
    ] {
        if let Some(value) = value
            && rules::is_zero_number(value)
        {
            out.push(at_value(
                value,
                Diagnostic::warning(
                    "placeholder-phone",
                    format!("the filing number `{field} = \"{value}\"` is a number of zeros"),
                )
                .with_hint("write the filing number the authorities gave the site, or remove it"),
            ));
        }
    }
    for park in &site.parks {
        for contact in &park.contacts {
            if let Some(phone) = &contact.phone
                && rules::is_zero_number(phone)
            {
                let d = warning(
                    phone,
                    &format!("the phone of a contact of park `{}`", park.key),
                );
                out.push(match park.name.pos() {
                    Some(pos) => place_value(&pos.file, phone, d),
                    None => d,
                });
            }
        }
    }
}

/// Places `d` at the string starting with `value` in `file` (the first one), else at the file.
fn place_value(file: &std::sync::Arc<SourceFile>, value: &str, d: Diagnostic) -> Diagnostic {
    let quoted = format!("\"{value}");
    match file.text.find(&quoted) {
        Some(offset) => Pos {
            file: file.clone(),
            offset,
        }
        .place(d),
        None => d.in_file(file),
    }
}

/// The host of an absolute URL, lowercase, without user, port or trailing dot.
pub fn host_of(url: &str) -> String {
    let after = url.find("://").map_or(url, |i| &url[i + 3..]);
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.trim_end_matches('.').to_lowercase()
}

/// Why `host` cannot be where a real site lives: a reserved example domain or a loopback address.
fn reserved_host(host: &str) -> Option<&'static str> {
    let labels: Vec<&str> = host.split('.').collect();
    // example.com/.org/.net, *.example.* and the reserved `.example` top-level domain.
    if labels.contains(&"example") {
        return Some("a reserved example domain");
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("this computer (localhost)");
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_loopback() || ip.is_unspecified() => Some("a loopback address"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            host_of("https://Invest.Example.gov.cn/x/"),
            "invest.example.gov.cn"
        );
        assert_eq!(host_of("http://user@localhost:8080"), "localhost");
        assert_eq!(host_of("http://[::1]:1111/"), "::1");
    }

    #[test]
    fn reserved_hosts() {
        for host in [
            "example.com",
            "www.example.org",
            "invest.example.gov.cn",
            "localhost",
            "127.0.0.1",
            "::1",
            "0.0.0.0",
        ] {
            assert!(reserved_host(host).is_some(), "{host}");
        }
        for host in ["invest.jibei.gov.cn", "examples.com", "myexample.cn"] {
            assert!(reserved_host(host).is_none(), "{host}");
        }
    }
}
