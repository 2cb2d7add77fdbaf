//! `otchet render`: the report from one quarter's file, DOCX and/or PDF.

use std::path::PathBuf;

use super::{
    emit, failed, load_checked, load_template_carried, output_stem, report, unique_names, write_failed, Carried,
    CliResult,
};
use crate::diag::Diagnostic;
use crate::layout;
use crate::render::Format;

/// What `otchet render` does.
#[derive(Debug, Clone)]
pub struct RenderArgs {
    /// The data file.
    pub input: PathBuf,
    /// Directory for the documents.
    pub outdir: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// A template file instead of the official form.
    pub template: Option<PathBuf>,
    /// Leave the source file (and template) out of the PDF.
    pub no_source: bool,
}

/// A data file ready to render: what `otchet render` and `otchet serve`
/// both start from, so their documents are the same bytes.
pub struct Prepared {
    /// The loaded data (with its warnings).
    pub loaded: crate::load::Loaded,
    /// The template.
    pub template: crate::template::Template,
    /// The logical table.
    pub table: layout::Table,
    /// What the PDF carries (none with `no_source`).
    pub files: Vec<Carried>,
}

/// Loads the template and the data file and lays the table out; the PDF
/// fonts' glyph check applies when `pdf`.
pub fn prepare(
    input: &std::path::Path,
    template: Option<&std::path::Path>,
    pdf: bool,
    no_source: bool,
) -> Result<Prepared, crate::load::Failure> {
    let (template, template_file) = load_template_carried(template, pdf)?;
    let loaded = load_checked(input, &template, pdf)?;
    let table = layout::build(&loaded.report, &template);
    let mut files = Vec::new();
    if !no_source {
        files.push(Carried::data(input, loaded.raw_bytes()));
        files.extend(template_file);
        unique_names(&mut files);
    }
    Ok(Prepared { loaded, template, table, files })
}

/// [`prepare`] of a data file already read (`bytes`, from `input`), with
/// the official template: the server reads its files itself (a regular
/// file only, never blocking).
pub fn prepare_bytes(input: &std::path::Path, bytes: &[u8], pdf: bool) -> Result<Prepared, crate::load::Failure> {
    let template = crate::template::Template::official();
    let loaded = super::load_bytes_checked(&input.display().to_string(), bytes, &template, pdf)?;
    let table = layout::build(&loaded.report, &template);
    let mut files = vec![Carried::data(input, loaded.raw_bytes())];
    unique_names(&mut files);
    Ok(Prepared { loaded, template, table, files })
}

/// `otchet render`: writes `OUTDIR/<stem>.docx` and/or `.pdf`, all or nothing.
pub fn render(args: &RenderArgs) -> CliResult {
    let pdf = args.formats.contains(&Format::Pdf);
    let p = failed(prepare(&args.input, args.template.as_deref(), pdf, args.no_source))?;
    report(&p.loaded.warnings, &p.loaded.source);
    let Some(stem) = output_stem(&args.input) else {
        return Err(write_failed(&args.input, Diagnostic::error("не удалось определить имя выходного файла")));
    };
    emit(&p.table, &p.template, &args.outdir, &stem, &args.formats, &[&args.input], &p.files)
}
