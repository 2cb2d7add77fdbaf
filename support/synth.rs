//! Synthetic reports of any size for benchmarks and pagination checks:
//! realistic Russian text drawn from the reference report, several
//! departments, merge groups of varying length. Deterministic.
//!
//! A test and benchmark helper, outside the library's API: included by
//! `tests/common` and the examples with `#[path]`.
#![allow(dead_code)]

use std::fmt::Write as _;

use otchet::toml_write::string as toml_str;

const AGREEMENTS: &[(&str, &str)] = &[
    ("moscow", "Соглашение между Администрацией Смоленской области и Правительством Москвы о торгово-экономическом, научно-техническом и культурном сотрудничестве"),
    ("kaluga-bryansk", "Трехстороннее соглашение о единых подходах и стандартах в различных сферах деятельности между Правительством Калужской области, Правительством Брянской области и Администрацией Смоленской области"),
    ("tver", "Соглашение между Администрацией Смоленской области и Правительством Тверской области о правовом, торгово-экономическом, научно-техническом, социальном, культурном и ином сотрудничестве"),
    ("kostroma", "Соглашение между Администрацией Костромской области и Администрацией Смоленской области о торгово-экономическом, научно-техническом и культурном сотрудничестве"),
    ("lipetsk", "Соглашение между Администрацией Смоленской области и Администрацией Липецкой области о сотрудничестве в торгово-экономической, научно-технической, социальной, культурной и иных сферах"),
];

const DEPARTMENTS: &[&str] = &[
    "Департамент Смоленской области по культуре",
    "Департамент Смоленской области по сельскому хозяйству и продовольствию",
    "Департамент экономического развития Смоленской области",
    "Департамент государственной службы занятости населения Смоленской области",
    "Главное управление Смоленской области по делам молодежи и гражданско-патриотическому воспитанию",
];

const TITLES: &[&str] = &[
    "Межрегиональная выставка «Индастри 2»",
    "Обмен опытом в области организации работы органов службы занятости населения, а также информацией о новых формах и методах работы",
    "Всероссийская научно-практическая конференция «Социализация детей в трудной жизненной ситуации средствами искусства»",
    "Продажа племенного крупного рогатого скота",
    "Международный научно-практический форум «Уроки Нюрнберга»",
];

const PLACES: &[&str] = &[
    "СОГБУК «Культурно-выставочный центр имени Тенишевых», г. Смоленск",
    "В рабочем порядке",
    "Онлайн-площадка",
    "д. Войновщина, Сафоновский район, Смоленская область",
];

const PARTICIPANTS: &[&str] = &[
    "Представители органов государственной власти, профильных федеральных учреждений, научного сообщества, бизнеса",
    "Члены творческого объединения московских художников «Черная собака». Общее количество участников 159 человек",
    "Педагоги и студенты вузов Брянской и Смоленской областей; И.А. Кеня, кандидат юридических наук; члены Смоленского краеведческого общества",
];

const RESULTS: &[&str] = &[
    "Обмен опытом работы, обмен информацией об имеющихся вакансиях",
    "Основу экспозиции составили более ста работ индустриальной тематики. На выставке были представлены работы около 70 художников из разных регионов, в т.ч. из Липецкой области, работающих в разных видах искусства и представляющих свои художественные школы",
    "В рамках деловой программы состоялись обсуждения дальнейших перспектив развития отраслей сельского хозяйства, экспорта продукции АПК, государственной поддержки, развития сельских территорий, а также бизнеса на селе.\nПроведение подобных мероприятий способствует дальнейшему планомерному развитию отрасли",
];

/// A valid Q4 2020 report with `events` events, as TOML text.
pub fn report(events: usize) -> String {
    let mut s = String::with_capacity(events * 700 + 2048);
    s.push_str("[report]\nyear = 2020\nquarter = 4\nregion = \"Смоленская область\"\n\n[agreements]\n");
    for (k, v) in AGREEMENTS {
        let _ = writeln!(s, "{k} = {}", toml_str(v));
    }
    let departments = DEPARTMENTS.len().min(events.max(1));
    let mut n = 0;
    for (d, name) in DEPARTMENTS.iter().take(departments).enumerate() {
        let count = events / departments + usize::from(d < events % departments);
        let _ = write!(s, "\n[[department]]\nname = {}\n", toml_str(name));
        // Merge groups of 1, 2, 3, 1, 2, 3, … events sharing an agreement.
        let mut group = 0;
        let mut left_in_group = 0;
        for _ in 0..count {
            if left_in_group == 0 {
                group += 1;
                left_in_group = group % 3 + 1;
            }
            left_in_group -= 1;
            let (key, _) = AGREEMENTS[(group + d) % AGREEMENTS.len()];
            let day = n % 28 + 1;
            let month = 10 + n % 3;
            let dates = match n % 3 {
                0 => format!("2020-{month:02}-{day:02}"),
                1 => format!("{{ from = 2020-{month:02}-{day:02}, to = 2020-{month:02}-{:02} }}", (day + 2).min(28)),
                _ => toml_str("В течение всего периода"),
            };
            let _ = write!(
                s,
                "\n[[department.event]]\nagreement = \"{key}\"\ntitle = {}\ndates = {dates}\nplace = {}\nparticipants = {}\nresult = {}\n",
                toml_str(&format!("{} (№ {})", TITLES[n % TITLES.len()], n + 1)),
                toml_str(PLACES[n % PLACES.len()]),
                toml_str(PARTICIPANTS[n % PARTICIPANTS.len()]),
                toml_str(RESULTS[n % RESULTS.len()]),
            );
            n += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_reports_load_with_the_requested_size() {
        for n in [1, 17, 60] {
            let text = super::report(n);
            let l = otchet::load::load_bytes("synth.toml", text.as_bytes()).expect("valid");
            assert_eq!(l.report.event_count(), n);
        }
    }
}
