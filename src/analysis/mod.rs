//! Analysis: pure functions of the validated model that compute every published statistic. Knows
//! nothing of templates, charts or files.

pub mod needs;
pub mod performance;
pub mod priorities;
pub mod spc;
pub mod stats;
