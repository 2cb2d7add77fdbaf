//! The report's period and region as its title (or file name) says them.

/// The period a text names: "за IV квартал 2020 года", "за 4 квартал
/// 2020 г.", "2020-q4": the byte offset where it starts, year, quarter.
pub fn period_in(text: &str) -> Option<(usize, i32, u8)> {
    let words: Vec<(usize, &str)> =
        text.split_whitespace().map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w)).collect();
    let roman = |w: &str| -> Option<u8> {
        let w = w.trim_end_matches(['-', 'й', 'г', 'о']).trim_end_matches('-');
        match w {
            "I" | "1" => Some(1),
            "II" | "2" => Some(2),
            "III" | "3" => Some(3),
            "IV" | "4" => Some(4),
            _ => None,
        }
    };
    let year = |w: &str| -> Option<i32> {
        let d: String = w.chars().take_while(char::is_ascii_digit).collect();
        (d.len() == 4).then(|| d.parse().ok()).flatten().filter(|y| (2000..=2100).contains(y))
    };
    for (i, &(_, w)) in words.iter().enumerate() {
        let lw = w.to_lowercase();
        if i > 0 && (lw.starts_with("квартал") || lw == "кв." || lw == "кв") {
            let Some(q) = roman(words[i - 1].1) else { continue };
            let Some(y) = words[i + 1..].iter().take(2).find_map(|(_, w)| year(w)) else { continue };
            let start = if i >= 2 && words[i - 2].1.to_lowercase() == "за" { words[i - 2].0 } else { words[i - 1].0 };
            return Some((start, y, q));
        }
    }
    // A file name such as "2020-q4" or "2020_Q4". ASCII lower case only:
    // the offsets found are used on `text` itself, and full lower-casing
    // changes lengths (the Kelvin sign, a Turkish İ).
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    (0..b.len().saturating_sub(5)).find_map(|i| {
        let y = std::str::from_utf8(&b[i..i + 4]).ok()?.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?;
        let sep = b[i + 4];
        let q = match (sep, b.get(i + 5), b.get(i + 6)) {
            (b'-' | b'_' | b' ', Some(b'q'), Some(d @ b'1'..=b'4')) => d - b'0',
            _ => return None,
        };
        Some((i, y, q))
    })
}

/// The year of an annual report's title: "за 2020 год".
pub(super) fn year_in(text: &str) -> Option<i32> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(3).find_map(|w| {
        let year = w[1].parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?;
        (w[0].to_lowercase() == "за" && w[2].trim_end_matches(['.', ',']) == "год").then_some(year)
    })
}

/// The region a title or file name names ("… Смоленской области",
/// "Смоленская область 2020"), in the nominative ("Смоленская область").
pub(super) fn region_in(title: &str) -> Option<String> {
    let words: Vec<&str> = title.split(|c: char| c.is_whitespace() || c == '_').filter(|w| !w.is_empty()).collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map(|n| n.trim_end_matches([',', '.', ';']));
        if !capital(w) {
            continue;
        }
        match next {
            Some(noun @ ("область" | "край")) if w.ends_with("ая") || w.ends_with("ий") => {
                return Some(format!("{w} {noun}"));
            }
            Some("области") => {
                if let Some(stem) = w.strip_suffix("ой") {
                    return Some(format!("{stem}ая область"));
                }
            }
            Some("края") => {
                if let Some(stem) = w.strip_suffix("ого") {
                    return Some(format!("{stem}ий край"));
                }
            }
            _ if *w == "Республики" => return next.map(|n| format!("Республика {n}")),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_found_in_titles_and_file_names() {
        assert_eq!(period_in("за IV квартал 2020 года"), Some((0, 2020, 4)));
        let t = "Отчет о реализации соглашений за II квартал 2021 г.";
        let (at, y, q) = period_in(t).unwrap();
        assert_eq!((&t[at..], y, q), ("за II квартал 2021 г.", 2021, 2));
        assert_eq!(period_in("отчет за 3-й квартал 2019 года"), Some((11, 2019, 3)));
        assert_eq!(period_in("2020-q4.docx").map(|p| (p.1, p.2)), Some((2020, 4)));
        assert_eq!(period_in("за V квартал 2020 года"), None);
        assert_eq!(period_in("Отчет о реализации соглашений"), None);
    }

    #[test]
    fn annual_titles_say_their_year() {
        assert_eq!(year_in("за 2020 год"), Some(2020));
        assert_eq!(year_in("Отчет … за 2021 год."), Some(2021));
        assert_eq!(year_in("за IV квартал 2020 года"), None);
    }

    #[test]
    fn regions_in_the_nominative() {
        assert_eq!(region_in("Отчет Смоленской области о реализации"), Some("Смоленская область".into()));
        assert_eq!(region_in("Отчет Краснодарского края"), Some("Краснодарский край".into()));
        assert_eq!(region_in("Отчет о реализации соглашений"), None);
        assert_eq!(region_in("Смоленская область_2020-q4.docx"), Some("Смоленская область".into()));
        assert_eq!(region_in("отчет областной и краевой"), None);
    }
}
