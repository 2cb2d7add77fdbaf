//! otchet: the quarterly report on interregional cooperation agreements,
//! from TOML data to DOCX and PDF.
//!
//! One pipeline, one direction:
//! [`load`] (TOML -> validated [`model::Report`]) -> [`layout`] (report +
//! [`template::Template`] -> logical [`layout::Table`]) -> [`render::docx`] |
//! [`render::pdf`] (table -> bytes) -> [`output`] (atomic write).

pub mod annual;
pub mod app;
pub mod archive;
pub mod dates;
pub mod diag;
pub mod diff;
pub mod fonts;
pub mod forms;
pub mod import;
pub mod layout;
pub mod load;
pub mod model;
pub mod new;
pub mod office;
pub mod ops;
pub mod output;
pub mod par;
pub mod render;
pub mod serve;
pub mod template;
pub mod text;
pub mod toml_write;
pub mod typo;
pub mod units;
