//! `otchet render`: the report from one quarter's file, DOCX and/or PDF.

use std::path::PathBuf;

use super::{emit, failed, output_stem, prepare, report, write_failed, CliResult};
use crate::diag::Diagnostic;
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
