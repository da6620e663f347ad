//! `commission`: turns a council's commissioning evidence into a linked static website.
//!
//! The pipeline is load → validated model → analysis → pages → render → write; see ARCHITECTURE.md.

pub mod analysis;
pub mod build;
pub(crate) mod bytes;
pub mod cache;
pub mod diagnostics;
pub mod fingerprint;
pub mod floats;
pub mod init;
pub mod load;
pub mod model;
pub mod output;
pub mod publish;
pub mod render;
pub mod site;
pub mod stages;
pub mod write;
