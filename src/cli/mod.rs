//! The command line's own parts: the flags ([`flags`]) and what is drawn
//! from them ([`doc`]: usage errors, man pages, completions).

pub mod doc;
pub mod flags;
