//! WordprocessingML writing: an append-only XML buffer and the property
//! blocks otchet emits, each written in its ECMA-376 schema sequence. Word
//! reads property blocks by that sequence and silently drops children out
//! of order (alignment, keep-with-next, a fixed table layout), so the order
//! lives here, once, and is pinned by the unit tests below.

/// An XML fragment under construction.
#[derive(Default)]
pub struct Xml(pub String);

impl Xml {
    /// An empty buffer of `n` bytes' capacity.
    pub fn with_capacity(n: usize) -> Xml {
        Xml(String::with_capacity(n))
    }

    /// `<name a="v" …>`; values are escaped.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.0.push('>');
    }

    /// `<name a="v" …/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.0.push_str("/>");
    }

    /// Closes `name`.
    pub fn close(&mut self, name: &str) {
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
    }

    /// Character data, escaped; carriage returns are dropped.
    pub fn text(&mut self, s: &str) {
        if s.contains('\r') {
            self.0.push_str(&quick_xml::escape::escape(s.replace('\r', "")));
        } else {
            self.0.push_str(&quick_xml::escape::escape(s));
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.0.push('<');
        self.0.push_str(name);
        for (k, v) in attrs {
            self.0.push(' ');
            self.0.push_str(k);
            self.0.push_str("=\"");
            self.0.push_str(&quick_xml::escape::escape(*v));
            self.0.push('"');
        }
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Run properties (`w:rPr`, CT_RPr): rFonts, b, bCs, color, sz, szCs, lang.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RPr<'a> {
    /// Font family for all scripts.
    pub fonts: Option<&'a str>,
    /// Bold.
    pub bold: bool,
    /// Size in half-points.
    pub size: Option<u32>,
    /// Text colour, hex RGB (`808080`).
    pub color: Option<&'a str>,
    /// Language of the text.
    pub lang: Option<&'a str>,
}

impl RPr<'_> {
    /// Are no properties set (nothing to write)?
    pub fn is_empty(&self) -> bool {
        *self == RPr::default()
    }

    /// Writes `w:rPr` (nothing when empty).
    pub fn write(&self, x: &mut Xml) {
        if self.is_empty() {
            return;
        }
        x.open("w:rPr", &[]);
        self.children(x);
        x.close("w:rPr");
    }

    fn children(&self, x: &mut Xml) {
        if let Some(f) = self.fonts {
            x.empty("w:rFonts", &[("w:ascii", f), ("w:hAnsi", f), ("w:eastAsia", f), ("w:cs", f)]);
        }
        if self.bold {
            x.empty("w:b", &[]);
            x.empty("w:bCs", &[]);
        }
        if let Some(c) = self.color {
            x.empty("w:color", &[("w:val", c)]);
        }
        if let Some(sz) = self.size {
            let sz = sz.to_string();
            x.empty("w:sz", &[("w:val", &sz)]);
            x.empty("w:szCs", &[("w:val", &sz)]);
        }
        if let Some(l) = self.lang {
            x.empty("w:lang", &[("w:val", l), ("w:eastAsia", l), ("w:bidi", "ar-SA")]);
        }
    }
}

/// A tracked change's mark (`w:ins`, `w:del`, `w:tcPrChange`): kind, id,
/// author and date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Revision<'a> {
    /// `w:ins` or `w:del`.
    pub tag: &'static str,
    /// Unique id of the change in the document.
    pub id: u32,
    /// Who made the change.
    pub author: &'a str,
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: &'a str,
}

impl Revision<'_> {
    /// The element's attributes, in schema order.
    pub fn open(&self, x: &mut Xml, tag: &str) {
        let id = self.id.to_string();
        x.open(tag, &[("w:id", &id), ("w:author", self.author), ("w:date", self.date)]);
    }

    /// The mark as an empty element (a row's or a paragraph mark's).
    pub fn empty(&self, x: &mut Xml) {
        let id = self.id.to_string();
        x.empty(self.tag, &[("w:id", &id), ("w:author", self.author), ("w:date", self.date)]);
    }
}

/// Line spacing (`w:spacing` of a paragraph), twips.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    /// Space before the paragraph.
    pub before: Option<u32>,
    /// Space after the paragraph.
    pub after: Option<u32>,
    /// Line height in 240ths of a line (`w:lineRule="auto"`).
    pub line: Option<u32>,
}

/// Paragraph properties (`w:pPr`, CT_PPrBase + rPr): keepNext,
/// suppressAutoHyphens, spacing, jc, rPr (the paragraph mark's).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PPr<'a> {
    /// Keep with the next paragraph.
    pub keep_next: bool,
    /// Widow and orphan control stated off (Word assumes it on, LibreOffice
    /// off: stated, both break a row's lines alike).
    pub widow_control_off: bool,
    /// No automatic hyphenation.
    pub suppress_auto_hyphens: bool,
    /// Spacing.
    pub spacing: Option<Spacing>,
    /// Alignment (`left`, `center`, `right`, `both`).
    pub jc: Option<&'a str>,
    /// Properties of the paragraph mark.
    pub mark: RPr<'a>,
    /// The paragraph mark inserted or deleted (CT_ParaRPr: first child).
    pub mark_revision: Option<Revision<'a>>,
}

impl PPr<'_> {
    /// Writes `w:pPr` (nothing when all is default).
    pub fn write(&self, x: &mut Xml) {
        if *self == PPr::default() {
            return;
        }
        x.open("w:pPr", &[]);
        if self.keep_next {
            x.empty("w:keepNext", &[]);
        }
        if self.widow_control_off {
            x.empty("w:widowControl", &[("w:val", "0")]);
        }
        if self.suppress_auto_hyphens {
            x.empty("w:suppressAutoHyphens", &[]);
        }
        if let Some(s) = self.spacing {
            let (b, a, l) =
                (s.before.map(|v| v.to_string()), s.after.map(|v| v.to_string()), s.line.map(|v| v.to_string()));
            let mut attrs = Vec::new();
            if let Some(b) = &b {
                attrs.push(("w:before", b.as_str()));
            }
            if let Some(a) = &a {
                attrs.push(("w:after", a.as_str()));
            }
            if let Some(l) = &l {
                attrs.push(("w:line", l.as_str()));
                attrs.push(("w:lineRule", "auto"));
            }
            x.empty("w:spacing", &attrs);
        }
        if let Some(jc) = self.jc {
            x.empty("w:jc", &[("w:val", jc)]);
        }
        match self.mark_revision {
            Some(r) => {
                x.open("w:rPr", &[]);
                r.empty(x);
                self.mark.children(x);
                x.close("w:rPr");
            }
            None => self.mark.write(x),
        }
        x.close("w:pPr");
    }
}

/// A vertical merge mark of a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VMerge {
    /// The first cell of a merged group.
    Restart,
    /// A later cell of the group.
    Continue,
}

/// Table cell properties (`w:tcPr`, CT_TcPr): tcW, gridSpan, vMerge, vAlign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TcPr {
    /// Width, twips.
    pub width: u32,
    /// Columns spanned.
    pub grid_span: Option<usize>,
    /// Vertical merge.
    pub v_merge: Option<VMerge>,
    /// Centred vertically.
    pub v_center: bool,
}

impl TcPr {
    /// Writes `w:tcPr`.
    pub fn write(&self, x: &mut Xml) {
        self.write_with_change(x, None);
    }

    /// With `w:tcPrChange` holding the properties before (`before.1`) under
    /// the revision `before.0`.
    pub fn write_with_change(&self, x: &mut Xml, before: Option<(Revision<'_>, TcPr)>) {
        x.open("w:tcPr", &[]);
        self.children(x);
        if let Some((r, old)) = before {
            r.open(x, "w:tcPrChange");
            x.open("w:tcPr", &[]);
            old.children(x);
            x.close("w:tcPr");
            x.close("w:tcPrChange");
        }
        x.close("w:tcPr");
    }

    fn children(&self, x: &mut Xml) {
        x.empty("w:tcW", &[("w:w", &self.width.to_string()), ("w:type", "dxa")]);
        if let Some(n) = self.grid_span {
            x.empty("w:gridSpan", &[("w:val", &n.to_string())]);
        }
        match self.v_merge {
            Some(VMerge::Restart) => x.empty("w:vMerge", &[("w:val", "restart")]),
            Some(VMerge::Continue) => x.empty("w:vMerge", &[("w:val", "continue")]),
            None => {}
        }
        if self.v_center {
            x.empty("w:vAlign", &[("w:val", "center")]);
        }
    }
}

/// Table row properties (`w:trPr`): cantSplit, tblHeader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrPr {
    /// The row is never split over pages.
    pub cant_split: bool,
    /// The row repeats at the top of every page.
    pub header: bool,
}

impl TrPr {
    /// Writes `w:trPr` (nothing when no property is set).
    pub fn write(&self, x: &mut Xml) {
        self.write_with(x, None);
    }

    /// With the row inserted or deleted (`w:ins`/`w:del` after the
    /// CT_TrPrBase elements).
    pub fn write_with(&self, x: &mut Xml, revision: Option<Revision<'_>>) {
        if !self.cant_split && !self.header && revision.is_none() {
            return;
        }
        x.open("w:trPr", &[]);
        if self.cant_split {
            x.empty("w:cantSplit", &[]);
        }
        if self.header {
            x.empty("w:tblHeader", &[]);
        }
        if let Some(r) = revision {
            r.empty(x);
        }
        x.close("w:trPr");
    }
}

/// Table properties (`w:tblPr`, CT_TblPr): tblW, jc, tblBorders,
/// tblLayout, tblCellMar; all borders single, black.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TblPr {
    /// Width, twips.
    pub width: u32,
    /// Border width in eighths of a point.
    pub border: u32,
    /// Fixed layout (the given widths, not fitted to content).
    pub fixed: bool,
    /// Cell margins top, left, bottom, right, twips.
    pub margins: [u32; 4],
}

impl TblPr {
    /// Writes `w:tblPr`.
    pub fn write(&self, x: &mut Xml) {
        x.open("w:tblPr", &[]);
        x.empty("w:tblW", &[("w:w", &self.width.to_string()), ("w:type", "dxa")]);
        x.empty("w:jc", &[("w:val", "left")]);
        x.open("w:tblBorders", &[]);
        let sz = self.border.to_string();
        for side in ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"] {
            x.empty(side, &[("w:val", "single"), ("w:sz", &sz), ("w:space", "0"), ("w:color", "000000")]);
        }
        x.close("w:tblBorders");
        if self.fixed {
            x.empty("w:tblLayout", &[("w:type", "fixed")]);
        }
        x.open("w:tblCellMar", &[]);
        for (side, w) in ["w:top", "w:left", "w:bottom", "w:right"].into_iter().zip(self.margins) {
            x.empty(side, &[("w:w", &w.to_string()), ("w:type", "dxa")]);
        }
        x.close("w:tblCellMar");
        x.close("w:tblPr");
    }
}

/// Section properties (`w:sectPr`, CT_SectPr): header and footer
/// references, pgSz, pgMar, cols, titlePg.
#[derive(Debug, Clone, PartialEq)]
pub struct SectPr {
    /// (type, relationship id) of each header, then of each footer.
    pub headers: Vec<(&'static str, &'static str)>,
    /// Footer references: (type, relationship id).
    pub footers: Vec<(&'static str, &'static str)>,
    /// Page width and height, twips.
    pub page: (u32, u32),
    /// Margins top, right, bottom, left, header, footer, twips.
    pub margins: [u32; 6],
    /// A different (empty) header on the first page.
    pub title_page: bool,
}

impl SectPr {
    /// Writes `w:sectPr`.
    pub fn write(&self, x: &mut Xml) {
        x.open("w:sectPr", &[]);
        for (kind, id) in &self.headers {
            x.empty("w:headerReference", &[("w:type", kind), ("r:id", id)]);
        }
        for (kind, id) in &self.footers {
            x.empty("w:footerReference", &[("w:type", kind), ("r:id", id)]);
        }
        let (w, h) = (self.page.0.to_string(), self.page.1.to_string());
        let mut size = vec![("w:w", w.as_str()), ("w:h", h.as_str())];
        if self.page.0 > self.page.1 {
            size.push(("w:orient", "landscape"));
        }
        x.empty("w:pgSz", &size);
        let m: Vec<String> = self.margins.iter().map(u32::to_string).collect();
        let names = ["w:top", "w:right", "w:bottom", "w:left", "w:header", "w:footer"];
        let mut attrs: Vec<(&str, &str)> = names.iter().copied().zip(m.iter().map(String::as_str)).collect();
        attrs.push(("w:gutter", "0"));
        x.empty("w:pgMar", &attrs);
        x.empty("w:cols", &[("w:space", "425"), ("w:num", "1")]);
        if self.title_page {
            x.empty("w:titlePg", &[]);
        }
        x.close("w:sectPr");
    }
}

/// Document settings (`w:settings`, CT_Settings): zoom, defaultTabStop,
/// autoHyphenation, hyphenationZone, compat. The compatibility block is
/// the one Word 2013 and later write (compatibility mode 15), which
/// LibreOffice also reads to lay tables out as Word does.
pub fn settings(hyphenation_zone: Option<u32>) -> String {
    let mut x = Xml::with_capacity(2048);
    x.open("w:settings", &[("xmlns:w", W_NS)]);
    x.empty("w:zoom", &[("w:percent", "100")]);
    x.empty("w:defaultTabStop", &[("w:val", "840")]);
    if let Some(zone) = hyphenation_zone {
        x.empty("w:autoHyphenation", &[]);
        x.empty("w:hyphenationZone", &[("w:val", &zone.to_string())]);
    }
    x.open("w:compat", &[]);
    for flag in [
        "w:spaceForUL",
        "w:balanceSingleByteDoubleByteWidth",
        "w:doNotLeaveBackslashAlone",
        "w:ulTrailSpace",
        "w:doNotExpandShiftReturn",
        "w:useFELayout",
    ] {
        x.empty(flag, &[]);
    }
    for (name, val) in [
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
        ("useWord2013TrackBottomHyphenation", "0"),
    ] {
        x.empty(
            "w:compatSetting",
            &[("w:name", name), ("w:uri", "http://schemas.microsoft.com/office/word"), ("w:val", val)],
        );
    }
    x.close("w:compat");
    x.close("w:settings");
    with_declaration(x)
}

/// The WordprocessingML main namespace.
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The relationships namespace (`r:id`).
pub const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The XML declaration every part starts with.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// A part's text: the declaration and the element.
pub fn with_declaration(x: Xml) -> String {
    let mut s = String::with_capacity(DECLARATION.len() + x.0.len());
    s.push_str(DECLARATION);
    s.push_str(&x.0);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the direct children of the first `block` element.
    fn children(xml: &str, block: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut depth = 0usize;
        let mut inside = false;
        let mut out = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    if inside && depth == 1 {
                        out.push(name.clone());
                    }
                    if name == block && !inside {
                        inside = true;
                        depth = 0;
                    }
                    if inside {
                        depth += 1;
                    }
                }
                quick_xml::events::Event::Empty(e) if inside && depth == 1 => {
                    out.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
                }
                quick_xml::events::Event::End(_) if inside => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                }
                quick_xml::events::Event::Eof => return out,
                _ => {}
            }
        }
    }

    /// Asserts that `got` follows the schema sequence `schema` (each
    /// element at most once, in the schema's order).
    fn in_schema_order(got: &[String], schema: &[&str]) {
        let mut at = 0;
        for name in got {
            let Some(i) = schema[at..].iter().position(|s| s == name) else {
                panic!("{name} out of schema order in {got:?} (schema: {schema:?})");
            };
            at += i + 1;
        }
    }

    // The sequences of ECMA-376 Part 1 (wml.xsd), in full where otchet
    // could ever emit a child, so that a later addition lands in place.
    const RPR: &[&str] = &[
        "w:rStyle",
        "w:rFonts",
        "w:b",
        "w:bCs",
        "w:i",
        "w:iCs",
        "w:caps",
        "w:smallCaps",
        "w:strike",
        "w:dstrike",
        "w:outline",
        "w:shadow",
        "w:emboss",
        "w:imprint",
        "w:noProof",
        "w:snapToGrid",
        "w:vanish",
        "w:webHidden",
        "w:color",
        "w:spacing",
        "w:w",
        "w:kern",
        "w:position",
        "w:sz",
        "w:szCs",
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
    ];
    const PPR: &[&str] = &[
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ];
    const TCPR: &[&str] = &[
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    ];
    const TBLPR: &[&str] = &[
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblPrChange",
    ];
    const BORDERS: &[&str] = &["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"];
    const CELL_MARGINS: &[&str] = &["w:top", "w:left", "w:bottom", "w:right"];
    const SECTPR: &[&str] = &[
        "w:headerReference",
        "w:footerReference",
        "w:footnotePr",
        "w:endnotePr",
        "w:type",
        "w:pgSz",
        "w:pgMar",
        "w:paperSrc",
        "w:pgBorders",
        "w:lnNumType",
        "w:pgNumType",
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
        "w:sectPrChange",
    ];
    const SETTINGS: &[&str] = &[
        "w:writeProtection",
        "w:view",
        "w:zoom",
        "w:removePersonalInformation",
        "w:removeDateAndTime",
        "w:doNotDisplayPageBoundaries",
        "w:displayBackgroundShape",
        "w:printPostScriptOverText",
        "w:printFractionalCharacterWidth",
        "w:printFormsData",
        "w:embedTrueTypeFonts",
        "w:embedSystemFonts",
        "w:saveSubsetFonts",
        "w:saveFormsData",
        "w:mirrorMargins",
        "w:alignBordersAndEdges",
        "w:bordersDoNotSurroundHeader",
        "w:bordersDoNotSurroundFooter",
        "w:gutterAtTop",
        "w:hideSpellingErrors",
        "w:hideGrammaticalErrors",
        "w:activeWritingStyle",
        "w:proofState",
        "w:formsDesign",
        "w:attachedTemplate",
        "w:linkStyles",
        "w:stylePaneFormatFilter",
        "w:stylePaneSortMethod",
        "w:documentType",
        "w:mailMerge",
        "w:revisionView",
        "w:trackRevisions",
        "w:doNotTrackMoves",
        "w:doNotTrackFormatting",
        "w:documentProtection",
        "w:autoFormatOverride",
        "w:styleLockTheme",
        "w:styleLockQFSet",
        "w:defaultTabStop",
        "w:autoHyphenation",
        "w:consecutiveHyphenLimit",
        "w:hyphenationZone",
        "w:doNotHyphenateCaps",
        "w:showEnvelope",
        "w:summaryLength",
        "w:clickAndTypeStyle",
        "w:defaultTableStyle",
        "w:evenAndOddHeaders",
        "w:bookFoldRevPrinting",
        "w:bookFoldPrinting",
        "w:bookFoldPrintingSheets",
        "w:drawingGridHorizontalSpacing",
        "w:drawingGridVerticalSpacing",
        "w:displayHorizontalDrawingGridEvery",
        "w:displayVerticalDrawingGridEvery",
        "w:doNotUseMarginsForDrawingGridOrigin",
        "w:drawingGridHorizontalOrigin",
        "w:drawingGridVerticalOrigin",
        "w:doNotShadeFormData",
        "w:noPunctuationKerning",
        "w:characterSpacingControl",
        "w:printTwoOnOne",
        "w:strictFirstAndLastChars",
        "w:noLineBreaksAfter",
        "w:noLineBreaksBefore",
        "w:savePreviewPicture",
        "w:doNotValidateAgainstSchema",
        "w:saveInvalidXml",
        "w:ignoreMixedContent",
        "w:alwaysShowPlaceholderText",
        "w:doNotDemarcateInvalidXml",
        "w:saveXmlDataOnly",
        "w:useXSLTWhenSaving",
        "w:saveThroughXslt",
        "w:showXMLTags",
        "w:alwaysMergeEmptyNamespace",
        "w:updateFields",
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
    ];

    fn full_rpr() -> RPr<'static> {
        RPr { fonts: Some("Times New Roman"), bold: true, size: Some(28), lang: Some("ru-RU"), color: None }
    }

    #[test]
    fn run_properties_follow_the_schema() {
        let mut x = Xml::default();
        full_rpr().write(&mut x);
        let got = children(&x.0, "w:rPr");
        assert_eq!(got.len(), 6, "{got:?}");
        in_schema_order(&got, RPR);
    }

    #[test]
    fn revision_marks_sit_where_the_schema_puts_them() {
        let r = Revision { tag: "w:ins", id: 7, author: "otchet", date: "2020-12-31T00:00:00Z" };
        // A row's mark after CT_TrPrBase's elements.
        let mut x = Xml::default();
        TrPr { cant_split: true, header: false }.write_with(&mut x, Some(r));
        assert_eq!(children(&x.0, "w:trPr"), ["w:cantSplit", "w:ins"]);
        assert!(x.0.contains(r#"<w:ins w:id="7" w:author="otchet" w:date="2020-12-31T00:00:00Z"/>"#), "{}", x.0);
        // A paragraph mark's first, before its run properties.
        let mut x = Xml::default();
        PPr { jc: Some("left"), mark: RPr { bold: true, ..RPr::default() }, mark_revision: Some(r), ..PPr::default() }
            .write(&mut x);
        assert!(x.0.contains("<w:rPr><w:ins w:id=\"7\""), "{}", x.0);
        assert!(x.0.find("<w:ins").unwrap() < x.0.find("<w:b/>").unwrap());
        // The old cell properties last in tcPr, as a tcPr of their own.
        let mut x = Xml::default();
        let now = TcPr { width: 100, grid_span: None, v_merge: Some(VMerge::Continue), v_center: false };
        now.write_with_change(&mut x, Some((Revision { tag: "w:tcPrChange", ..r }, TcPr { v_merge: None, ..now })));
        let got = children(&x.0, "w:tcPr");
        assert_eq!(got.first().map(String::as_str), Some("w:tcW"));
        in_schema_order(&got, TCPR);
        assert!(x.0.ends_with("<w:tcPrChange w:id=\"7\" w:author=\"otchet\" w:date=\"2020-12-31T00:00:00Z\"><w:tcPr><w:tcW w:w=\"100\" w:type=\"dxa\"/></w:tcPr></w:tcPrChange></w:tcPr>"), "{}", x.0);
    }

    #[test]
    fn paragraph_properties_follow_the_schema() {
        let mut x = Xml::default();
        let p = PPr {
            keep_next: true,
            widow_control_off: true,
            suppress_auto_hyphens: true,
            spacing: Some(Spacing { before: Some(0), after: Some(120), line: Some(240) }),
            jc: Some("center"),
            mark: full_rpr(),
            mark_revision: None,
        };
        p.write(&mut x);
        let got = children(&x.0, "w:pPr");
        assert_eq!(got, ["w:keepNext", "w:widowControl", "w:suppressAutoHyphens", "w:spacing", "w:jc", "w:rPr"]);
        in_schema_order(&got, PPR);
    }

    #[test]
    fn table_properties_follow_the_schema() {
        let mut x = Xml::default();
        TblPr { width: 15137, border: 4, fixed: true, margins: [0, 108, 0, 108] }.write(&mut x);
        in_schema_order(&children(&x.0, "w:tblPr"), TBLPR);
        assert_eq!(children(&x.0, "w:tblBorders"), BORDERS);
        assert_eq!(children(&x.0, "w:tblCellMar"), CELL_MARGINS);
        assert!(x.0.contains("w:tblLayout"));
    }

    #[test]
    fn row_and_cell_properties_follow_the_schema() {
        let mut x = Xml::default();
        TcPr { width: 100, grid_span: Some(7), v_merge: Some(VMerge::Restart), v_center: true }.write(&mut x);
        let got = children(&x.0, "w:tcPr");
        assert_eq!(got.len(), 4, "{got:?}");
        in_schema_order(&got, TCPR);
        let mut x = Xml::default();
        TrPr { cant_split: true, header: true }.write(&mut x);
        // CT_TrPr is a choice: any order, but only its own children.
        assert_eq!(children(&x.0, "w:trPr"), ["w:cantSplit", "w:tblHeader"]);
    }

    #[test]
    fn section_properties_follow_the_schema() {
        let mut x = Xml::default();
        SectPr {
            headers: vec![("default", "rId4"), ("first", "rId5")],
            footers: vec![("default", "rId6")],
            page: (16838, 11906),
            margins: [1134, 567, 1134, 1134, 567, 567],
            title_page: true,
        }
        .write(&mut x);
        let got = children(&x.0, "w:sectPr");
        assert_eq!(got.first().map(String::as_str), Some("w:headerReference"));
        assert!(got.iter().any(|n| n == "w:titlePg"));
        // References come first (a choice group), then the sequence.
        let rest: Vec<String> = got.into_iter().filter(|n| !n.ends_with("Reference")).collect();
        in_schema_order(&rest, SECTPR);
    }

    #[test]
    fn settings_follow_the_schema() {
        let s = settings(Some(360));
        let got = children(&s, "w:settings");
        assert_eq!(got, ["w:zoom", "w:defaultTabStop", "w:autoHyphenation", "w:hyphenationZone", "w:compat"]);
        in_schema_order(&got, SETTINGS);
        assert!(!settings(None).contains("autoHyphenation"));
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut x = Xml::default();
        x.open("w:t", &[("a", "\"<&>'")]);
        x.text("a < b & \"c\"\r\n");
        x.close("w:t");
        assert_eq!(x.0, "<w:t a=\"&quot;&lt;&amp;&gt;&apos;\">a &lt; b &amp; &quot;c&quot;\n</w:t>");
    }
}
