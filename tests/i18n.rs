//! Interface strings in the investors' languages: German, Japanese and Korean pages speak their
//! own language in menus and labels, the switcher names every language in itself, and a language
//! the theme has no strings for falls back to English with a `check` warning.

mod common;

use common::Site;

#[test]
fn investor_languages_have_their_own_interface_strings() {
    let site = Site::fixture("investor-langs");
    site.build();
    for (lang, html_lang, og_locale, skip, search) in [
        ("de", "de", "de_DE", "Zum Inhalt springen", "Suche"),
        ("ja", "ja", "ja_JP", "本文へ移動", "検索"),
        ("ko", "ko", "ko_KR", "본문 바로가기", "검색"),
        ("it", "it", "it_IT", "Skip to content", "Search"),
    ] {
        let page = site.out(&format!("{lang}/parks/port/index.html"));
        assert!(
            page.contains(&format!(r#"<html lang="{html_lang}""#)),
            "{lang}"
        );
        assert!(
            page.contains(&format!(r#"property="og:locale" content="{og_locale}""#)),
            "{lang}: og:locale"
        );
        assert!(page.contains(&format!(">{skip}</a>")), "{lang}: skip link");
        assert!(
            page.contains(&format!(r#"placeholder="{search}""#)),
            "{lang}: search box"
        );
        assert!(
            !page.contains("跳到正文"),
            "{lang}: no Chinese interface strings"
        );
    }
    let german = site.out("de/index.html");
    for endonym in ["中文", "English", "Deutsch", "日本語", "한국어", "Italiano"] {
        assert!(
            german.contains(&format!(">{endonym}<")),
            "switcher names {endonym} in itself"
        );
    }
    assert!(german.contains(r#"property="og:locale:alternate" content="ko_KR""#));
    assert!(german.contains(r#"property="og:locale:alternate" content="zh_CN""#));
}

#[test]
fn check_warns_about_languages_without_interface_strings() {
    let site = Site::fixture("investor-langs");
    let output = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("interface-strings-missing")
            && stderr.contains("no interface strings in `it`"),
        "{stderr}"
    );
    for lang in ["de", "ja", "ko"] {
        assert!(
            !stderr.contains(&format!("interface strings in `{lang}`")),
            "{lang} has its strings: {stderr}"
        );
    }
}

#[test]
fn a_site_theme_missing_some_strings_is_told_which() {
    let site = Site::fixture("investor-langs");
    site.write(
        "themes/brand/theme.toml",
        "name = \"brand\"\nextends = \"default\"\n",
    );
    site.write(
        "themes/brand/i18n/it.toml",
        "\"nav.home\" = \"Home\"\n\"skip_link\" = \"Vai al contenuto\"\n",
    );
    site.edit(
        "content/site.toml",
        "base_url",
        "theme = \"brand\"\nbase_url",
    );
    let output = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("interface string(s) in `it` (access.km"),
        "{stderr}"
    );
    site.build();
    assert!(site.out("it/index.html").contains(">Vai al contenuto</a>"));
}
