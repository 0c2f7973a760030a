//! Names and locale codes of languages: what the language switcher calls a language (in itself)
//! and the `ll_CC` form Open Graph wants.

/// The name of a language in itself (Deutsch, 日本語), for the language switcher of a language
/// whose theme strings do not name it.
pub fn endonym(code: &str) -> Option<&'static str> {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    Some(match primary {
        "zh" => "中文",
        "en" => "English",
        "ja" => "日本語",
        "ko" => "한국어",
        "de" => "Deutsch",
        "fr" => "Français",
        "ru" => "Русский",
        "es" => "Español",
        "pt" => "Português",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "ar" => "العربية",
        "vi" => "Tiếng Việt",
        "th" => "ไทย",
        "id" => "Bahasa Indonesia",
        "ms" => "Bahasa Melayu",
        "tr" => "Türkçe",
        "pl" => "Polski",
        "kk" => "Қазақ тілі",
        "mn" => "Монгол",
        _ => return None,
    })
}

/// The Open Graph locale (`de_DE`, `ja_JP`) of a BCP 47 tag: its own region when it has one
/// (`zh-TW` → `zh_TW`), otherwise the country where the language is mostly used.
pub fn og_locale(tag: &str) -> String {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or(tag).to_ascii_lowercase();
    if let Some(region) = parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return format!("{language}_{}", region.to_ascii_uppercase());
    }
    let region = match language.as_str() {
        "zh" => "CN",
        "en" => "US",
        "ja" => "JP",
        "ko" => "KR",
        "ar" => "SA",
        "vi" => "VN",
        "ms" => "MY",
        "kk" => "KZ",
        "mn" => "MN",
        "sv" => "SE",
        "da" => "DK",
        "cs" => "CZ",
        "el" => "GR",
        "uk" => "UA",
        "he" => "IL",
        "fa" => "IR",
        "hi" => "IN",
        _ => return format!("{language}_{}", language.to_ascii_uppercase()),
    };
    format!("{language}_{region}")
}

/// Han ideographs (汉字, also written in Japanese), in every block Unicode gives them.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'     // extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}' // extensions B and later
    )
}

/// Characters of scripts written without spaces between words: Han, kana, CJK radicals and
/// punctuation, full-width forms (Korean uses spaces, so Hangul is not here).
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c,
            '\u{2E80}'..='\u{2FDF}'   // radicals
            | '\u{3000}'..='\u{303F}' // CJK punctuation
            | '\u{3040}'..='\u{30FF}' // kana
            | '\u{FF00}'..='\u{FFEF}' // full-width forms and punctuation
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_locales_take_the_ll_cc_form() {
        for (tag, locale) in [
            ("zh-CN", "zh_CN"),
            ("de", "de_DE"),
            ("ja", "ja_JP"),
            ("ko", "ko_KR"),
            ("en", "en_US"),
            ("zh-Hant-TW", "zh_TW"),
            ("fr", "fr_FR"),
        ] {
            assert_eq!(og_locale(tag), locale, "{tag}");
        }
    }

    #[test]
    fn languages_are_named_in_themselves() {
        assert_eq!(endonym("de"), Some("Deutsch"));
        assert_eq!(endonym("ja-JP"), Some("日本語"));
        assert_eq!(endonym("xx"), None);
    }
}
