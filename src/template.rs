//! Templates: the official form as data (`templates/official.toml`, compiled
//! in as the default). Both renderers read only the template and the
//! logical table. Loading and validation: `load::template`.

/// The built-in official form.
pub const OFFICIAL: &str = include_str!("../templates/official.toml");

/// Number of columns of the report table.
pub const COLUMNS: usize = 7;

/// A report form: page, fonts, title, cells and columns (`templates/official.toml` is the official one).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Paper and margins.
    pub page: Page,
    /// Fonts and sizes.
    pub font: Font,
    /// The title above the table.
    pub title: Title,
    /// Cell padding, borders, hyphenation.
    pub cell: Cell,
    /// The seven columns.
    pub column: Vec<Column>,
}

/// Where page numbers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageNumbers {
    /// Nowhere.
    None,
    /// On every page.
    All,
    /// From the second page on (the official form).
    FromSecond,
}

/// The sheet, millimetres.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Paper width, mm.
    pub width: f32,
    /// Paper height, mm.
    pub height: f32,
    /// Top margin, mm.
    pub margin_top: f32,
    /// Bottom margin, mm.
    pub margin_bottom: f32,
    /// Left margin, mm.
    pub margin_left: f32,
    /// Right margin, mm.
    pub margin_right: f32,
    /// Distance of the page-number header from the top edge, mm.
    pub header_distance: f32,
    /// Where page numbers are printed.
    pub page_numbers: PageNumbers,
}

/// Fonts of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Font {
    /// Family named in the DOCX (`Times New Roman`).
    pub family: String,
    /// Language of the text (`ru-RU`).
    pub language: String,
    /// Title size, pt.
    pub title_size: f32,
    /// Column titles' size, pt.
    pub header_size: f32,
    /// Body text size, pt.
    pub body_size: f32,
    /// Page numbers' size, pt.
    pub page_number_size: f32,
    /// Column titles in bold.
    pub header_bold: bool,
    /// Department rows in bold.
    pub department_bold: bool,
    /// The template's own font files (regular, bold) embedded in the PDF
    /// instead of Liberation Serif; `family` is what the DOCX names.
    pub files: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

/// The title above the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    /// Its text, with `{period}` for the period.
    pub text: String,
    /// Points between the title and the table.
    pub space_after: f32,
}

/// Table cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Left padding, mm.
    pub padding_left: f32,
    /// Right padding, mm.
    pub padding_right: f32,
    /// Top padding, mm.
    pub padding_top: f32,
    /// Bottom padding, mm.
    pub padding_bottom: f32,
    /// Border width in points.
    pub border: f32,
    /// Hyphenation of words at line ends (the title and body cells; the
    /// header never).
    pub hyphenate: bool,
    /// With [`Cell::hyphenate`]: leave hyphenation to the program that opens
    /// the DOCX (`w:autoHyphenation`) instead of writing every point where a
    /// word may be hyphenated into the text as a soft hyphen (the default:
    /// Word, Word-like engines and LibreOffice then break lines where the
    /// PDF does).
    pub auto_hyphenation: bool,
}

impl Template {
    /// The template with automatic hyphenation where it hyphenates: for the
    /// documents that are typed into or compared in Word (the departments'
    /// forms, the corrections), whose text carries no soft hyphens.
    pub fn auto_hyphenated(&self) -> Template {
        let mut t = self.clone();
        t.cell.auto_hyphenation = true;
        t
    }
}

impl Cell {
    /// Words are hyphenated at the soft hyphens the documents carry at
    /// every hyphenation point, automatic hyphenation off.
    pub fn soft_hyphens(&self) -> bool {
        self.hyphenate && !self.auto_hyphenation
    }

    /// Words are hyphenated by the program's automatic hyphenation.
    pub fn auto_hyphens(&self) -> bool {
        self.hyphenate && self.auto_hyphenation
    }
}

/// Horizontal alignment of a column's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Justified.
    Justify,
}

/// One column of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its title in the header row.
    pub title: String,
    /// Relative width.
    pub width: f32,
    /// Alignment of its text.
    pub align: Align,
}

use crate::units::Mm;
pub use crate::units::MM_PER_PT;

/// Hyphenation zone, pt: a word is hyphenated at a line end only when the
/// line would otherwise leave at least this much free (Word's default
/// `w:hyphenationZone` of 0.25 inch; the DOCX states it, the PDF engine
/// applies it).
pub const HYPHENATION_ZONE: f32 = 18.0;

impl Template {
    /// Width of the text area, mm.
    pub fn text_width(&self) -> f32 {
        self.page.width - self.page.margin_left - self.page.margin_right
    }

    /// Column widths in mm, summing to the text width.
    pub fn column_widths_mm(&self) -> Vec<f32> {
        let total: f32 = self.column.iter().map(|c| c.width).sum();
        self.column.iter().map(|c| c.width / total * self.text_width()).collect()
    }

    /// Column widths in twentieths of a point (DOCX units), summing exactly
    /// to the text width in twips.
    pub fn column_widths_twips(&self) -> Vec<u32> {
        let total_twips = mm_to_twips(self.text_width());
        let total: f32 = self.column.iter().map(|c| c.width).sum();
        let mut widths: Vec<u32> =
            self.column.iter().map(|c| (c.width / total * total_twips as f32).floor() as u32).collect();
        let rest = total_twips - widths.iter().sum::<u32>();
        if let Some(last) = widths.last_mut() {
            *last += rest;
        }
        widths
    }
}

/// Millimetres to twips (twentieths of a point), rounded as Word rounds.
pub fn mm_to_twips(mm: f32) -> u32 {
    Mm(mm).twips().0
}

/// Millimetres to points.
pub fn mm_to_pt(mm: f32) -> f32 {
    Mm(mm).pt().0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;

    #[test]
    fn official_template_is_landscape_a4_with_seven_columns() {
        let t = Template::official();
        assert_eq!((t.page.width, t.page.height), (297.0, 210.0));
        assert_eq!(t.column.len(), 7);
        assert_eq!(t.font.family, "Times New Roman");
        let twips = t.column_widths_twips();
        assert_eq!(twips.iter().sum::<u32>(), mm_to_twips(267.0));
        let mm: f32 = t.column_widths_mm().iter().sum();
        assert!((mm - 267.0).abs() < 0.01);
    }

    #[test]
    fn template_errors_are_reported() {
        let bad = OFFICIAL.replace("width = 22.0", "widht = 22.0");
        let err = Template::parse(&Source::new("t.toml", bad)).unwrap_err();
        assert!(err.diagnostics.iter().any(|d| d.message.contains("«widht»")), "{:?}", err.diagnostics);
        let six = OFFICIAL.rsplit_once("[[column]]").unwrap().0.to_string();
        let err = Template::parse(&Source::new("t.toml", six)).unwrap_err();
        assert!(err.diagnostics.iter().any(|d| d.message.contains("граф должно быть 7")), "{:?}", err.diagnostics);
    }
}
