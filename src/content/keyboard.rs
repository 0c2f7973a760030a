//! Hints for the TOML mistakes a Chinese keyboard makes: curly quotes, full-width punctuation,
//! dates written the way they are said (`2024/1/31`, `2024年1月31日`) and `是/否` for yes and no.

/// Full-width characters that stand for the ASCII punctuation TOML needs, with that punctuation.
const FULL_WIDTH: &[(char, char)] = &[
    ('＝', '='),
    ('：', ':'),
    ('，', ','),
    ('［', '['),
    ('］', ']'),
    ('｛', '{'),
    ('｝', '}'),
    ('＂', '"'),
    ('。', '.'),
    ('．', '.'),
    ('、', ','),
    ('【', '['),
    ('】', ']'),
];

/// Curly quotation marks with the straight quote TOML needs.
const CURLY: &[(char, char)] = &[('“', '"'), ('”', '"'), ('‘', '\''), ('’', '\'')];

/// Chinese words for yes and no, and the TOML boolean each means.
const YES_NO: &[(&str, bool)] = &[
    ("是", true),
    ("否", false),
    ("对", true),
    ("错", false),
    ("真", true),
    ("假", false),
    ("有", true),
    ("无", false),
];

/// A code, message and hint for an error on `line` when the line shows one of the keyboard
/// mistakes; `None` when it does not (the generic TOML message is kept then).
pub fn hint(line: &str, message: &str) -> Option<(&'static str, String, String)> {
    if ["unknown field", "missing field", "duplicate key"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return None;
    }
    let outside = outside_strings(line);
    let switch = "switch the input method to English punctuation (Ctrl+. in Microsoft Pinyin \
                  and Sogou) while writing TOML";
    if let Some(&(found, _)) = CURLY.iter().find(|(c, _)| outside.contains(c)) {
        return Some((
            "curly-quote",
            format!("`{found}` is a curly (Chinese) quotation mark; TOML needs straight quotes"),
            format!(
                "write `{}` with straight quotes \"…\"; {switch}",
                replace_outside(line, CURLY).trim()
            ),
        ));
    }
    let first_full_width = outside
        .iter()
        .find_map(|c| FULL_WIDTH.iter().find(|(f, _)| f == c));
    if let Some(&(found, ascii)) = first_full_width {
        // `name ： "x"`: a colon where the `=` of a key-value line belongs.
        let no_equals = !outside.contains(&'=') && !outside.contains(&'＝');
        let key_colon = no_equals && found == '：';
        let ascii = if key_colon { '=' } else { ascii };
        let line = if no_equals {
            line.replacen('：', "=", 1)
        } else {
            line.to_owned()
        };
        return Some((
            "full-width-punctuation",
            format!("`{found}` is a full-width (Chinese) character where TOML needs `{ascii}`"),
            format!(
                "write `{}` with half-width punctuation; {switch}",
                replace_outside(&line, FULL_WIDTH).trim()
            ),
        ));
    }
    let value = value_of(line)?;
    let bare = value.trim_matches(['"', '\'']);
    if let Some((year, month, day)) = spoken_date(bare) {
        let problem = match chrono::NaiveDate::from_ymd_opt(year, month, day) {
            _ if !(1..=12).contains(&month) => format!("; there is no month {month}"),
            None => format!("; {year}-{month:02} has no day {day}"),
            Some(_) => String::new(),
        };
        return Some((
            "invalid-date",
            format!("`{value}` is not a date TOML can read{problem}"),
            "write dates as 2024-01-31 (year-month-day, two digits each, hyphens, no quotes)"
                .into(),
        ));
    }
    if let Some(&(word, yes)) = YES_NO.iter().find(|(w, _)| *w == bare) {
        return Some((
            "wrong-type",
            format!("`{value}` is not a yes/no value TOML can read"),
            format!("write `{yes}` without quotes ({word} → {yes}; yes is `true`, no is `false`)"),
        ));
    }
    None
}

/// The value of a `key = value` line (after `=` or `＝`), without a trailing comment.
fn value_of(line: &str) -> Option<&str> {
    let at = line.find(['=', '＝'])?;
    let eq_len = line[at..].chars().next().map_or(1, char::len_utf8);
    let value = line[at + eq_len..].trim();
    let value = match value.find(" #") {
        Some(hash) => value[..hash].trim(),
        None => value,
    };
    (!value.is_empty()).then_some(value)
}

/// Year, month and day of a date written with `/`, `.`, `-` or `年月日` between its parts,
/// or with hyphens but an impossible month or day (which TOML cannot read either).
fn spoken_date(text: &str) -> Option<(i32, u32, u32)> {
    let trimmed = text.trim_end_matches('日');
    let parts: Vec<&str> = trimmed.split(['/', '.', '-', '年', '月']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(year, 4..=4) || !digits(month, 1..=2) || !digits(day, 1..=2) {
        return None;
    }
    let (year, month, day) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    let canonical = text.contains('-')
        && !text.contains(['/', '.', '年', '月', '日'])
        && chrono::NaiveDate::from_ymd_opt(year, month, day).is_some();
    (!canonical).then_some((year, month, day))
}

/// The characters of `line` outside straight-quoted strings (and before a comment).
fn outside_strings(line: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => break,
            None => out.push(c),
        }
    }
    out
}

/// `line` with the characters of `table` replaced outside straight-quoted strings.
fn replace_outside(line: &str, table: &[(char, char)]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => out.push(c),
            None => {
                // Quotes are tracked as written: a curly quote made straight opens no string.
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(table.iter().find(|(f, _)| *f == c).map_or(c, |(_, a)| *a));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_quotes_are_named_and_straightened() {
        let (code, message, hint) = hint("status = “settled”", "invalid string").unwrap();
        assert_eq!(code, "curly-quote");
        assert!(message.contains('“'));
        assert!(hint.contains(r#"`status = "settled"`"#), "{hint}");
    }

    #[test]
    fn full_width_punctuation_is_named_outside_strings_only() {
        let (code, message, hint) = hint("since ＝ 2020-05-29", "expected `=`").unwrap();
        assert_eq!(code, "full-width-punctuation");
        assert!(message.contains('＝') && message.contains("`=`"));
        assert!(hint.contains("`since = 2020-05-29`"), "{hint}");
        let (_, _, hint) = hint_of(r#"tags = ［"a"， "b"］"#);
        assert!(hint.contains(r#"`tags = ["a", "b"]`"#), "{hint}");
        // A full-width comma inside a string is text, not the mistake.
        assert!(hint_opt(r#"name = "冷链，仓储" x"#).is_none());
    }

    fn hint_of(line: &str) -> (&'static str, String, String) {
        hint(line, "invalid").unwrap()
    }

    fn hint_opt(line: &str) -> Option<(&'static str, String, String)> {
        hint(line, "invalid")
    }

    #[test]
    fn spoken_dates_name_the_impossible_part() {
        let (code, message, hint) = hint_of("since = 2024/13/01");
        assert_eq!(code, "invalid-date");
        assert!(message.contains("no month 13"), "{message}");
        assert!(hint.contains("write dates as 2024-01-31"), "{hint}");
        let (_, message, _) = hint_of("since = 2024-02-30");
        assert!(message.contains("2024-02 has no day 30"), "{message}");
        let (_, message, _) = hint_of("since = 2024年1月31日");
        assert!(message.ends_with("TOML can read"), "{message}");
        assert!(hint_opt("since = 2024-01-31").is_none());
    }

    #[test]
    fn chinese_yes_and_no_become_booleans() {
        let (code, _, hint) = hint_of("draft = 是");
        assert_eq!(code, "wrong-type");
        assert!(hint.contains("`true`"), "{hint}");
        let (_, _, hint) = hint_of(r#"draft = "否""#);
        assert!(hint.contains("`false`"), "{hint}");
        assert!(super::hint("draft = 是", "unknown field `draft`").is_none());
    }
}
