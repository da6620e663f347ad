//! A file of the built site: what `site`, `render` and `publish` produce and `write` writes. Plain
//! data, at the bottom of the module graph so every stage can name it.

/// A file of the built site: a `/`-separated path under the output root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}
