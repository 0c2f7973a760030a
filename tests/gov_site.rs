//! Government-site and search-engine conventions: the metadata government site checks read when
//! `site_code` is set, the footer's sponsor, organizer and filing numbers with their lookup
//! links, and `[search_engines]` verification tags (home page only) and no-transform tags.

mod common;
use common::Site;

/// The basic fixture as a registered government site with search engine verification.
fn government_site() -> Site {
    let site = Site::fixture("basic");
    site.edit(
        "content/site.toml",
        "icp = \"鲁ICP备00000000号\"",
        "icp = \"鲁ICP备00000000号\"\n\
         police_record = \"鲁公网安备 37012502000123号\"\n\
         site_code = \"3701250001\"\n\
         sponsor = { zh = \"测试区人民政府\", en = \"Test District People's Government\" }\n\
         organizer = { zh = \"测试开发区管委会\", en = \"Test Zone Administrative Committee\" }",
    );
    site.edit(
        "content/site.toml",
        "[zone]\n",
        "[search_engines]\nbaidu = \"codeva-AbC123xyz\"\nbing = \"0123456789ABCDEF\"\n\
         sogou = \"Sg_1.2\"\nso360 = \"abcdef0123\"\n\n[zone]\n",
    );
    site
}

/// The `content` of `<meta name="NAME">` in a page, when it has one.
fn meta(page: &str, name: &str) -> Option<String> {
    let rest = page
        .split(&format!("<meta name=\"{name}\" content=\""))
        .nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

#[test]
fn a_site_with_a_site_code_carries_the_metadata_government_site_checks_read() {
    let site = government_site();
    site.build();
    let home = site.out("index.html");
    assert_eq!(meta(&home, "SiteIDCode").as_deref(), Some("3701250001"));
    assert_eq!(meta(&home, "SiteName").as_deref(), Some("测试开发区招商"));
    assert_eq!(
        meta(&home, "SiteDomain").as_deref(),
        Some("invest.example.gov.cn")
    );
    assert_eq!(meta(&home, "ColumnName").as_deref(), Some("首页"));
    assert_eq!(
        meta(&home, "ArticleTitle"),
        None,
        "the home page is no article"
    );

    let news = site.out("news/opening/index.html");
    assert_eq!(meta(&news, "ColumnName").as_deref(), Some("新闻动态"));
    assert_eq!(meta(&news, "ArticleTitle").as_deref(), Some("园区开园"));
    assert_eq!(meta(&news, "PubDate").as_deref(), Some("2020-05-29 00:00"));
    assert_eq!(meta(&news, "ContentSource").as_deref(), Some("济南日报"));

    let park = site.out("en/parks/data-lake/index.html");
    assert_eq!(meta(&park, "ColumnName").as_deref(), Some("Parks"));
    assert_eq!(
        meta(&park, "ArticleTitle").as_deref(),
        Some("Data Lake Park")
    );
    assert_eq!(
        meta(&park, "PubDate"),
        None,
        "parks have no publication date"
    );
    assert_eq!(
        meta(&park, "ContentSource").as_deref(),
        Some("Test District People&#39;s Government"),
        "articles without a source name the sponsor"
    );
    assert_eq!(
        meta(&site.out("policies/index.html"), "ArticleTitle"),
        None,
        "lists are no articles"
    );

    // The footer: sponsor, organizer, site code, and both filings linked to their lookup pages.
    let footer = home.split("<footer").nth(1).expect("footer");
    for text in [
        "主办单位：测试区人民政府",
        "承办单位：测试开发区管委会",
        "网站标识码：3701250001",
        r#"<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">鲁ICP备00000000号</a>"#,
        r#"<a href="https://beian.mps.gov.cn/#/query/webSearch?code=37012502000123" rel="noopener" target="_blank">鲁公网安备 37012502000123号</a>"#,
    ] {
        assert!(footer.contains(text), "footer lacks {text}:\n{footer}");
    }
    let en_footer = site.out("en/index.html");
    assert!(en_footer.contains("Sponsored by: Test District People&#39;s Government"));
    assert!(en_footer.contains("Organized by: Test Zone Administrative Committee"));
}

#[test]
fn search_engine_verification_is_on_the_home_page_only_and_pages_ask_not_to_be_transcoded() {
    let site = government_site();
    site.build();
    let verifications = [
        ("baidu-site-verification", "codeva-AbC123xyz"),
        ("msvalidate.01", "0123456789ABCDEF"),
        ("sogou_site_verification", "Sg_1.2"),
        ("360-site-verification", "abcdef0123"),
    ];
    for home in ["index.html", "en/index.html"] {
        let page = site.out(home);
        for (name, code) in verifications {
            assert_eq!(meta(&page, name).as_deref(), Some(code), "{home}: {name}");
        }
    }
    for path in [
        "index.html",
        "parks/data-lake/index.html",
        "en/news/opening/index.html",
    ] {
        let page = site.out(path);
        let head = page.split("</head>").next().expect("head");
        assert!(
            head.contains(r#"<meta http-equiv="Cache-Control" content="no-transform">"#)
                && head.contains(r#"<meta http-equiv="Cache-Control" content="no-siteapp">"#)
                && head.contains(r#"<meta name="applicable-device" content="pc,mobile">"#),
            "{path} asks Baidu not to transcode it"
        );
        if path != "index.html" {
            for (name, _) in verifications {
                assert_eq!(meta(&page, name), None, "{path} has no {name}");
            }
        }
    }
}

#[test]
fn without_the_settings_pages_carry_none_of_it() {
    let site = Site::fixture("basic");
    site.build();
    let home = site.out("index.html");
    for name in [
        "SiteIDCode",
        "SiteName",
        "ColumnName",
        "baidu-site-verification",
    ] {
        assert_eq!(meta(&home, name), None, "{name}");
    }
    assert!(!home.contains("no-transform") && !home.contains("主办单位"));
}

#[test]
fn verification_codes_and_footer_text_are_untrusted() {
    let site = government_site();
    site.edit(
        "content/site.toml",
        "bing = \"0123456789ABCDEF\"",
        "bing = \"\\\"><script>alert(1)</script>\"",
    );
    let output = site.run(&["build"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a bad code is a content error"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid-verification-code")
            && stderr.contains("[search_engines] bing")
            && stderr.contains("site.toml:"),
        "the error names the key and its line:\n{stderr}"
    );
    assert!(!site.exists("index.html"), "nothing is published");

    let site = government_site();
    site.edit(
        "content/site.toml",
        "organizer = { zh = \"测试开发区管委会\"",
        "organizer = { zh = \"<img src=x onerror=alert(1)>管委会\"",
    );
    site.build();
    let home = site.out("index.html");
    assert!(!home.contains("<img src=x"), "organizer is escaped");
    assert!(home.contains("&lt;img src=x onerror=alert(1)&gt;管委会"));
}
