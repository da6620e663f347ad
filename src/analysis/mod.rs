//! Analysis: pure functions of the validated model that compute every published statistic. Knows
//! nothing of templates, charts or files.

pub mod needs;
pub mod priorities;
pub mod stats;
