//! Registry keys for imported agreements: short, transliterated from the
//! partner regions the title names (`moskva`, `kaluga-bryansk`), unique
//! and stable (the same titles in the same order give the same keys).

/// Regions by the stem of the forms a title uses ("Калужской области",
/// "Правительством Москвы") and their key. Longer stems first where one
/// starts another.
const REGIONS: &[(&str, &str)] = &[
    // Cities of federal significance.
    ("москв", "moskva"),
    ("санкт-петербург", "spb"),
    ("севастопол", "sevastopol"),
    // Oblasts.
    ("амурск", "amur"),
    ("архангельск", "arkhangelsk"),
    ("астраханск", "astrakhan"),
    ("белгородск", "belgorod"),
    ("брянск", "bryansk"),
    ("владимирск", "vladimir"),
    ("волгоградск", "volgograd"),
    ("вологодск", "vologda"),
    ("воронежск", "voronezh"),
    ("ивановск", "ivanovo"),
    ("иркутск", "irkutsk"),
    ("калининградск", "kaliningrad"),
    ("калужск", "kaluga"),
    ("кемеровск", "kemerovo"),
    ("кировск", "kirov"),
    ("костромск", "kostroma"),
    ("курганск", "kurgan"),
    ("курск", "kursk"),
    ("ленинградск", "leningrad"),
    ("липецк", "lipetsk"),
    ("магаданск", "magadan"),
    ("московск", "podmoskovye"),
    ("мурманск", "murmansk"),
    ("нижегородск", "nizhny-novgorod"),
    ("новгородск", "novgorod"),
    ("новосибирск", "novosibirsk"),
    ("омск", "omsk"),
    ("оренбургск", "orenburg"),
    ("орловск", "orel"),
    ("пензенск", "penza"),
    ("псковск", "pskov"),
    ("ростовск", "rostov"),
    ("рязанск", "ryazan"),
    ("самарск", "samara"),
    ("саратовск", "saratov"),
    ("сахалинск", "sakhalin"),
    ("свердловск", "sverdlovsk"),
    ("смоленск", "smolensk"),
    ("тамбовск", "tambov"),
    ("тверск", "tver"),
    ("томск", "tomsk"),
    ("тульск", "tula"),
    ("тюменск", "tyumen"),
    ("ульяновск", "ulyanovsk"),
    ("челябинск", "chelyabinsk"),
    ("ярославск", "yaroslavl"),
    ("еврейск", "evrei"),
    ("запорожск", "zaporozhye"),
    ("херсонск", "kherson"),
    // Krais.
    ("алтайск", "altai-krai"),
    ("забайкальск", "zabaikalye"),
    ("камчатск", "kamchatka"),
    ("краснодарск", "krasnodar"),
    ("красноярск", "krasnoyarsk"),
    ("пермск", "perm"),
    ("приморск", "primorye"),
    ("ставропольск", "stavropol"),
    ("хабаровск", "khabarovsk"),
    // Autonomous okrugs.
    ("ханты-мансийск", "yugra"),
    ("ямало-ненецк", "yamal"),
    ("ненецк", "nenets"),
    ("чукотск", "chukotka"),
    // Republics named by an adjective.
    ("удмуртск", "udmurtia"),
    ("чувашск", "chuvashia"),
    ("кабардино-балкарск", "kabardino-balkaria"),
    ("карачаево-черкесск", "karachaevo-cherkessia"),
    ("чеченск", "chechnya"),
    ("донецк", "donetsk"),
    ("луганск", "lugansk"),
    // Republics by name (after "Республики").
    ("адыге", "adygea"),
    ("башкортостан", "bashkortostan"),
    ("бурят", "buryatia"),
    ("дагестан", "dagestan"),
    ("ингушет", "ingushetia"),
    ("калмык", "kalmykia"),
    ("карел", "karelia"),
    ("коми", "komi"),
    ("крым", "krym"),
    ("марий", "mari-el"),
    ("мордов", "mordovia"),
    ("саха", "yakutia"),
    ("якут", "yakutia"),
    ("северная", "alania"),
    ("татарстан", "tatarstan"),
    ("тыв", "tyva"),
    ("хакас", "khakassia"),
    ("алтай", "altai"),
    // Neighbouring states.
    ("беларус", "belarus"),
    ("белорус", "belarus"),
    ("казахстан", "kazakhstan"),
    ("абхаз", "abkhazia"),
];

/// Words after an adjective that make it a region's name.
const REGION_NOUNS: &[&str] = &[
    "области",
    "областью",
    "область",
    "обл",
    "края",
    "краем",
    "край",
    "округа",
    "округом",
    "автономного",
    "автономной",
    "республики",
    "республикой",
    "республика",
    "народной",
];

/// Forms of "республика" a republic's name follows.
const REPUBLIC: &[&str] = &["республики", "республикой", "республика", "республике"];

/// A word, lower case, `ё` as `е`.
fn lower(w: &str) -> String {
    w.chars().flat_map(char::to_lowercase).map(|c| if c == 'ё' { 'е' } else { c }).collect()
}

/// The region keys a text names, in order of first mention.
pub fn regions(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphabetic() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| lower(w.trim_matches('-')))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |k: String| {
        if !out.contains(&k) {
            out.push(k);
        }
    };
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).map_or("", String::as_str);
        let prev = if i > 0 { words[i - 1].as_str() } else { "" };
        let before_noun = REGION_NOUNS.contains(&next);
        let is_region_adjective = before_noun && w.ends_with(['й', 'о']);
        let after_republic = REPUBLIC.contains(&prev);
        let known = REGIONS.iter().find(|(stem, _)| w.starts_with(stem));
        match known {
            // Cities are named by a noun; adjectives need their noun, a
            // republic its word before.
            Some((stem, key))
                if before_noun || after_republic || matches!(*stem, "москв" | "санкт-петербург" | "севастопол") =>
            {
                push((*key).to_string());
            }
            None if is_region_adjective => {
                // An unknown region: the adjective's stem, transliterated.
                let stem = ["ской", "ского", "цкой", "цкого", "ой", "ого", "ий", "ый"]
                    .iter()
                    .find_map(|s| w.strip_suffix(s))
                    .unwrap_or(w);
                let t = translit(stem);
                if !t.is_empty() {
                    push(t);
                }
            }
            _ => {}
        }
    }
    out
}

/// Russian letters in Latin (the passport transliteration, lower case);
/// anything else but ASCII letters, digits and hyphens is dropped.
pub fn translit(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let t = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "iu",
            'я' => "ia",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            '-' | ' ' => "-",
            _ => "",
        };
        out.push_str(t);
    }
    let mut squeezed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '-' && (squeezed.is_empty() || squeezed.ends_with('-'))) {
            squeezed.push(c);
        }
    }
    squeezed.trim_end_matches('-').to_string()
}

/// The key of the report's own region: the one its region names, else the
/// one most department names name ("Департамент Смоленской области по
/// культуре"), the first of those in a tie.
pub fn own_region(region: Option<&str>, departments: &[&str]) -> Option<String> {
    if let Some(k) = region.and_then(|r| regions(r).into_iter().next()) {
        return Some(k);
    }
    let firsts: Vec<String> = departments.iter().filter_map(|d| regions(d).into_iter().next()).collect();
    let count = |k: &String| firsts.iter().filter(|x| *x == k).count();
    firsts
        .iter()
        .fold(None::<&String>, |best, k| match best {
            Some(b) if count(b) >= count(k) => Some(b),
            _ => Some(k),
        })
        .cloned()
}

/// Keys for agreement titles, in order: the partner regions (every region
/// named but the report's own, whose key is `own`), at most three, joined by hyphens;
/// `soglashenie` when none is found; `-2`, `-3`… make them unique, also
/// against the keys already `taken`.
pub fn assign(titles: &[&str], own: Option<&str>, taken: &[&str]) -> Vec<String> {
    let named: Vec<Vec<String>> = titles.iter().map(|t| regions(t)).collect();
    // The own region: the given one, else the one every title names (when
    // there are several titles).
    let own_key = own.map(str::to_string).or_else(|| {
        let first = named.first()?;
        (named.len() > 1).then(|| first.iter().find(|k| named.iter().all(|n| n.contains(k))).cloned())?
    });
    let mut used: std::collections::HashSet<String> = taken.iter().map(|k| (*k).to_string()).collect();
    // The next number to try for each base key (no rescanning from 2).
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    titles
        .iter()
        .zip(&named)
        .map(|(_, regions)| {
            let partners: Vec<&str> =
                regions.iter().filter(|k| Some(*k) != own_key.as_ref()).map(String::as_str).take(3).collect();
            let base = if partners.is_empty() { "soglashenie".to_string() } else { partners.join("-") };
            let mut key = base.clone();
            let n = next.entry(base.clone()).or_insert(2);
            while used.contains(&key) {
                key = format!("{base}-{n}");
                *n += 1;
            }
            used.insert(key.clone());
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_regions_make_the_key() {
        let titles = [
            "Трехстороннее соглашение о единых подходах между Правительством Калужской области, Правительством Брянской области и Администрацией Смоленской области",
            "Соглашение между Администрацией Смоленской области и Правительством Москвы о сотрудничестве",
            "Соглашение между Администрацией Смоленской области и Правительством Кемеровской области – Кузбасса",
            "Соглашение между Администрацией Смоленской области и Правительством Москвы о культуре",
            "Соглашение между Смоленской областью и Республикой Татарстан",
            "Соглашение между Администрацией Смоленской области и Правительством Энской области",
            "Соглашение о сотрудничестве",
        ];
        let keys = assign(&titles, Some("smolensk"), &[]);
        assert_eq!(keys, ["kaluga-bryansk", "moskva", "kemerovo", "moskva-2", "tatarstan", "en", "soglashenie"]);
        // The own region is found when every title names it.
        assert_eq!(assign(&titles[..3], None, &[]), ["kaluga-bryansk", "moskva", "kemerovo"]);
        // Keys already taken are not given again.
        assert_eq!(assign(&titles[1..2], Some("smolensk"), &["moskva"]), ["moskva-2"]);
        // The own region from the region, or from the departments' names.
        assert_eq!(own_region(Some("Смоленская область"), &[]), Some("smolensk".into()));
        let deps = ["Департамент Смоленской области по культуре", "Главное управление Смоленской области", "Комитет"];
        assert_eq!(own_region(None, &deps), Some("smolensk".into()));
        assert_eq!(own_region(None, &["Комитет"]), None);
    }

    #[test]
    fn transliteration_is_lower_case_ascii() {
        assert_eq!(translit("Щёлково-Ямская"), "shchelkovo-iamskaia");
        assert_eq!(translit("«Ёж» 2"), "ezh-2");
    }
}
