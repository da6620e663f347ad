//! `commission`: turns a council's commissioning evidence into a linked static website.
//!
//! The pipeline is load → validated model → analysis → pages → render → write; see ARCHITECTURE.md.

pub mod analysis;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod publish;
