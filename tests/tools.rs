//! The investor tools in real headless Chromium: the cost estimator's totals against this test's
//! own arithmetic, the policy finder, the space finder, the comparison, and the enquiry form
//! posting to an endpoint this test runs (or, without one, the mailto link), at 390 and 1280 px,
//! with no request to another host and no script error. Needs Node, `npm ci --prefix
//! tests/browser` and Chromium (`common::browser_tools_ready`: skipped with the reason printed
//! when missing, except under `CI=true`).

mod common;

use common::Site;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const COSTS: &str = "?power_kwh=100000&water_t=1000&gas_m3=10&steam_t=50&rent_m2=2000&land_mu=50";
const FINDER: [&str; 3] = [
    "?industry=manufacturing&company=new&investment_yuan=200000000",
    "?industry=manufacturing&company=new&investment_yuan=50000000",
    "?industry=it&company=existing",
];

/// One request the enquiry endpoint received: its headers (lower-cased) and body.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    content_type: String,
    body: String,
}

/// A form service on a free loopback port that answers every request with 200 and keeps what
/// it received.
fn endpoint() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let keep = Arc::clone(&keep);
            std::thread::spawn(move || {
                if let Some(request) = read_request(&stream) {
                    keep.lock().expect("lock").push(request);
                }
                let mut stream = stream;
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
            });
        }
    });
    (port, received)
}

fn read_request(stream: &TcpStream) -> Option<Received> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let method = line.split_whitespace().next()?.to_owned();
    let (mut length, mut content_type) = (0, String::new());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? <= 2 {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The form fields of an urlencoded body.
fn fields(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// A form field as the browser encoded it: `+` for a space, `%XX` for the rest.
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Annual running cost (12 × monthly) and one-off land cost for the query, from the prices the
/// fixture's park.toml files give, converted here by hand.
fn expected(gas_m3: f64) -> [(&'static str, f64, f64); 2] {
    let (power, water, steam, rent, land) = (100_000.0, 1000.0, 50.0, 2000.0, 50.0);
    // alpha: 0.62/kWh, water 4.2/t + sewage 1.1/m³, gas 3.5, steam 210/t, factory 12/m²·month
    // (offices at 30 are dearer), land 18 万元/亩.
    let alpha = power * 0.62 + water * (4.2 + 1.1) + gas_m3 * 3.5 + steam * 210.0 + rent * 12.0;
    // beta: 0.7/度, water 3.8/m³ + sewage 0.9/t, gas 3.2, steam 230, factory 0.5/m²·day,
    // land offered as a carrier at 16 万元/亩.
    let beta = power * 0.7
        + water * (3.8 + 0.9)
        + gas_m3 * 3.2
        + steam * 230.0
        + rent * 0.5 * 365.0 / 12.0;
    [
        ("alpha", (alpha * 12.0).round(), land * 180_000.0),
        ("beta", (beta * 12.0).round(), land * 160_000.0),
    ]
}

fn assert_costs(rows: &Value, gas_m3: f64, width: &Value) {
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (park, annual, land) in expected(gas_m3) {
        let row = rows.iter().find(|r| r["park"] == park).expect(park);
        assert_eq!(
            row["annual_yuan"]
                .as_str()
                .and_then(|a| a.parse::<f64>().ok()),
            Some(annual),
            "{park} at {width} px: {row}"
        );
        assert_eq!(
            row["land_yuan"]
                .as_str()
                .and_then(|a| a.parse::<f64>().ok()),
            Some(land),
            "{park} at {width} px: {row}"
        );
        assert!(row["missing"].is_null(), "{park}: {row}");
    }
    let gamma = rows.iter().find(|r| r["park"] == "gamma").expect("gamma");
    assert_eq!(
        gamma["missing"], "water,sewage,steam",
        "gamma lists no water or steam price"
    );
    assert!(
        gamma["annual_yuan"].is_null(),
        "no total without every price: {gamma}"
    );
    assert_eq!(
        gamma["land_yuan"], "7500000",
        "its land price is known: {gamma}"
    );
}

#[test]
fn investor_tools_work_in_chromium() {
    if !common::browser_tools_ready() {
        return;
    }
    let (port, received) = endpoint();
    let post = Site::fixture("tools");
    post.edit(
        "content/site.toml",
        "[zone]\n",
        &format!("[enquiry]\nendpoint = \"http://127.0.0.1:{port}/enquiry\"\n\n[zone]\n"),
    );
    post.build();
    let mail = Site::fixture("tools");
    mail.edit(
        "content/site.toml",
        "[zone]\n",
        "[enquiry]\nemail = \"desk@example.gov.cn\"\n\n[zone]\n",
    );
    mail.build();

    let config = serde_json::json!({
        "post_site": post.path("output"),
        "mail_site": mail.path("output"),
        "widths": [390, 1280],
        "costs": COSTS,
        "finder": FINDER,
        "carriers": "?kind=factory&min_area_m2=5000&max_price=20",
        "compare": "?parks=alpha,beta",
        "screenshots": std::env::var("PARKPRESS_SCREENSHOTS").ok(),
    });
    let reports = common::run_browser_script("tools.mjs", &[config.to_string()]);
    let reports = reports.as_array().expect("one report per width");
    assert_eq!(reports.len(), 2);
    for report in reports {
        let width = &report["width"];
        assert_eq!(
            report["foreign"],
            serde_json::json!([]),
            "requests to other hosts at {width} px"
        );
        assert_eq!(
            report["errors"],
            serde_json::json!([]),
            "script errors at {width} px"
        );
        assert_eq!(
            report["overflow"],
            serde_json::json!([]),
            "sideways scrolling at {width} px"
        );

        assert_costs(&report["costs"], 10.0, width);
        assert_costs(&report["costs_edited"], 20.0, width);
        assert!(
            report["costs_url"]
                .as_str()
                .is_some_and(|q| q.contains("gas_m3=20") && q.contains("power_kwh=100000")),
            "the address keeps the estimate: {}",
            report["costs_url"]
        );

        let finder: Vec<Vec<String>> =
            serde_json::from_value(report["finder"].clone()).expect("finder");
        assert_eq!(
            finder[0],
            ["alpha/land-grant", "alpha/rent-subsidy"],
            "at {width} px"
        );
        assert_eq!(
            finder[1],
            ["alpha/rent-subsidy"],
            "below the 1亿元 threshold, at {width} px"
        );
        assert_eq!(
            finder[2],
            ["alpha/rent-subsidy", "beta/tech-award"],
            "at {width} px"
        );
        assert_eq!(
            report["finder_unchecked"],
            serde_json::json!(["gamma/talent"]),
            "listed apart"
        );

        assert_eq!(
            report["carriers"],
            serde_json::json!([
                {"park": "alpha", "kind": "factory", "available_m2": "5000"},
                {"park": "beta", "kind": "factory", "available_m2": "8000"},
            ]),
            "factories of at least 5000 m² at most 20 yuan/m²·month (beta's 0.5 a day is 15.2) at {width} px"
        );

        assert_eq!(report["compare"], serde_json::json!(["alpha", "beta"]));
        assert_eq!(
            report["compare_added"],
            serde_json::json!(["alpha", "beta", "gamma"])
        );
        assert_eq!(report["compare_url"], "?parks=alpha,beta,gamma");

        assert_eq!(report["posted"], true);
        assert_eq!(report["sent_without_consent"], false, "consent is required");
        let mailto = report["mailto"].as_str().expect("mailto link");
        let (to, query) = mailto.split_once('?').expect("a query");
        assert_eq!(
            to, "mailto:desk@example.gov.cn",
            "[enquiry] email wins over the zone's"
        );
        let body = fields(query)
            .into_iter()
            .find(|(k, _)| k == "body")
            .map(|(_, v)| v)
            .expect("a body");
        for expected in [
            "Han Meimei",
            "13900000000",
            "Gamma Park",
            "audience: expo-2026",
        ] {
            assert!(
                body.contains(expected),
                "`{expected}` in the mail body:\n{body}"
            );
        }
        assert_eq!(
            report["wechat_text"].as_str(),
            Some(body.as_str()),
            "the text to copy into WeChat is the mail's"
        );
        assert_eq!(
            report["copied"], report["wechat_text"],
            "\"copy for WeChat\" puts it on the clipboard at {width} px"
        );
    }
    let received = received.lock().expect("lock").clone();
    let posts: Vec<&Received> = received.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 2, "one enquiry per width: {received:?}");
    for (post, width) in posts.iter().zip([390, 1280]) {
        assert_eq!(
            post.content_type, "application/x-www-form-urlencoded",
            "{post:?}"
        );
        let fields = fields(&post.body);
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        assert_eq!(get("name"), format!("Li Lei {width}"));
        assert_eq!(get("phone"), "13800000000");
        assert_eq!(get("park"), "beta", "pre-selected from ?park=");
        assert_eq!(
            get("audience"),
            "beijing-chamber",
            "credited from the visit's utm_source"
        );
        assert_eq!(get("consent"), "yes");
        assert_eq!(get("message"), "Need 5000 m²");
    }
}

/// Without scripts the tool pages still list everything, in every language, and every price is
/// shown in one unit per kind, on the tools and on park pages alike.
#[test]
fn tool_pages_read_without_scripts() {
    let site = Site::fixture("tools");
    site.build();
    for lang in ["", "en/"] {
        for tool in ["costs", "finder", "carriers", "compare", "enquiry"] {
            let page = site.out(&format!("{lang}{tool}/index.html"));
            assert!(
                page.contains(&format!("js/{tool}.js")),
                "{lang}{tool}: its script"
            );
            assert!(
                page.contains("js/referral.js"),
                "{lang}{tool}: the referral script"
            );
        }
        let home = site.out(&format!("{lang}index.html"));
        for tool in ["costs", "finder", "carriers", "compare", "enquiry"] {
            assert!(
                home.contains(&format!("href=\"/{lang}{tool}/\"")),
                "{lang}: the navigation links {tool}"
            );
        }
    }
    let costs = site.out("costs/index.html");
    // beta writes 元/度 and 0.5 元/平方米·天: shown per kWh and per m²·month, read by the script
    // in plain yuan.
    assert!(costs.contains("data-price-power=\"0.7\""), "{costs}");
    assert!(costs.contains("0.7元/千瓦时"));
    assert!(
        costs.contains("15.21元/平方米·月"),
        "a daily rent per month"
    );
    assert!(
        costs.contains("data-price-land=\"160000\""),
        "land offered as a carrier"
    );
    assert!(costs.contains("16万元/亩"));
    let gamma = costs
        .split("<tr data-park=\"gamma\"")
        .nth(1)
        .and_then(|row| row.split("</tr>").next())
        .expect("gamma's result row");
    assert!(
        !gamma.contains("data-price-water") && !gamma.contains("data-price-steam"),
        "text water and no steam are not prices: {gamma}"
    );
    assert!(
        site.out("en/costs/index.html").contains("180,000 yuan/mu"),
        "English shows land in yuan"
    );

    let park = site.out("parks/beta/index.html");
    assert!(
        park.contains("0.7元/千瓦时") && !park.contains("元/度"),
        "one unit per kind on park pages"
    );
    assert!(
        park.contains("/enquiry/?park=beta"),
        "the park page links the enquiry form"
    );
    assert!(
        park.contains("/compare/?parks=beta,alpha"),
        "and the comparison"
    );
    let alpha = site.out("parks/alpha/index.html");
    assert!(
        alpha.matches("/enquiry/?park=alpha").count() >= 2,
        "the hero and the contact card link the enquiry form"
    );

    let finder = site.out("finder/index.html");
    for id in ["alpha/land-grant", "alpha/rent-subsidy", "beta/tech-award"] {
        assert!(finder.contains(&format!("data-policy=\"{id}\"")), "{id}");
    }
    assert!(
        !finder.contains("beta/old-award"),
        "expired policies are not offered"
    );
    assert!(finder.contains("data-min-investment-yuan=\"100000000\""));
    assert!(
        finder.contains("投资额不低于1亿元"),
        "the threshold in its money scale"
    );
    assert!(finder.contains("data-policy-unchecked=\"gamma/talent\""));

    let carriers = site.out("carriers/index.html");
    assert!(
        carriers.contains("data-park=\"beta\" data-kind=\"land\" data-available-m2=\"13333\""),
        "20 mu in m²"
    );
    assert!(carriers.contains("data-price-m2-month=\"15.208333\""));

    let compare = site.out("en/compare/index.html");
    for row in [
        "Positioning",
        "Industries",
        "Operator",
        "Power",
        "Water",
        "Wastewater",
        "Natural gas",
        "Steam",
        "Rent (lowest)",
        "Land",
        "Available space",
        "Transport access",
        "Policies in force",
        "Contacts",
    ] {
        assert!(
            compare.contains(&format!("<th scope=\"row\">{row}")),
            "compare row {row}"
        );
    }
    assert!(
        compare.contains("<td data-park=\"beta\">IT services</td>"),
        "positioning"
    );
    assert!(
        compare.contains("data-park=\"beta\" data-item=\"power\" data-yuan=\"0.7\">0.7 yuan/kWh"),
        "beta's 元/度 in the row's one unit"
    );
    for (park, live) in [("alpha", 2), ("beta", 1), ("gamma", 1)] {
        assert!(
            compare.contains(&format!(
                "data-park=\"{park}\" data-policy-count=\"{live}\""
            )),
            "{park}: {live} live policies (expired ones not counted)"
        );
    }
    assert!(compare.contains("Beta factory"), "the carriers");

    let enquiry = site.out("enquiry/index.html");
    assert!(
        enquiry.contains("action=\"mailto:invest@example.gov.cn\""),
        "without [enquiry] the zone's email"
    );
    for name in [
        "name", "company", "phone", "email", "wechat", "park", "message", "audience", "consent",
    ] {
        assert!(
            enquiry.contains(&format!("name=\"{name}\"")),
            "field {name}"
        );
    }
    assert!(
        enquiry.contains("测试经济开发区收集"),
        "the notice names who collects"
    );
}

/// An endpoint that is not an http(s) URL is an error naming site.toml.
#[test]
fn enquiry_endpoint_must_be_a_url() {
    let site = Site::fixture("tools");
    site.edit(
        "content/site.toml",
        "[zone]\n",
        "[enquiry]\nendpoint = \"forms.example.gov.cn\"\n\n[zone]\n",
    );
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid-url") && stderr.contains("content/site.toml:9:12"),
        "{stderr}"
    );
}

/// The park brochures print factor prices in the units the tools and park pages use: beta's
/// `元/度` as `元/千瓦时`.
#[test]
fn print_brochures_show_prices_in_the_same_units() {
    if !common::pdf_tools_ready() {
        return;
    }
    let site = Site::fixture("tools");
    let output = site.run(&["pdf", "--park", "beta"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Typst sets a thin space between number and unit; the units are the web pages' units.
    let zh = common::pdf_text(&site, "pdf/parks/beta.zh.pdf", false).replace(' ', "");
    assert!(zh.contains("0.7元/千瓦时"), "{zh}");
    assert!(!zh.contains("元/度"), "{zh}");
    assert!(
        zh.contains("0.9元/立方米"),
        "wastewater per m³ as on the park page: {zh}"
    );
    let en = common::pdf_text(&site, "pdf/parks/beta.en.pdf", false);
    assert!(en.contains("0.7 yuan/kWh"), "{en}");
}
