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

/// `otchet render`: writes `OUTDIR/<stem>.docx` and/or `.pdf`, all or nothing.
pub fn render(args: &RenderArgs) -> CliResult {
    let pdf = args.formats.contains(&Format::Pdf);
    let (template, template_file) = failed(load_template_carried(args.template.as_deref(), pdf))?;
    let loaded = failed(load_checked(&args.input, &template, pdf))?;
    let table = layout::build(&loaded.report, &template);
    report(&loaded.warnings, &loaded.source);
    let Some(stem) = output_stem(&args.input) else {
        return Err(write_failed(&args.input, Diagnostic::error("не удалось определить имя выходного файла")));
    };
    let mut files = Vec::new();
    if !args.no_source {
        files.push(Carried::data(&args.input, loaded.raw_bytes()));
        files.extend(template_file);
        unique_names(&mut files);
    }
    emit(&table, &template, &args.outdir, &stem, &args.formats, &[&args.input], &files)
}
