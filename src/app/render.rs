//! `otchet render`: the report from one quarter's file, DOCX and/or PDF.

use std::path::PathBuf;

use super::{
    emit, load_checked, load_template_carried, or_report, output_stem, report, unique_names, write_failed, Carried,
    FAILED,
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
pub fn render(args: &RenderArgs) -> i32 {
    let pdf = args.formats.contains(&Format::Pdf);
    let Some((template, template_file)) = or_report(load_template_carried(args.template.as_deref(), pdf)) else {
        return FAILED;
    };
    let Some(loaded) = or_report(load_checked(&args.input, &template, args.formats.contains(&Format::Pdf))) else {
        return FAILED;
    };
    let table = layout::build(&loaded.report, &template);
    report(&loaded.warnings, &loaded.source);
    let Some(stem) = output_stem(&args.input) else {
        return write_failed(&args.input, Diagnostic::error("не удалось определить имя выходного файла"));
    };
    let mut files = Vec::new();
    if !args.no_source {
        files.push(Carried::data(&args.input, loaded.bytes));
        files.extend(template_file);
        unique_names(&mut files);
    }
    emit(&table, &template, &args.outdir, &stem, &args.formats, &[&args.input], &files)
}
