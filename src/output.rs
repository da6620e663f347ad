//! A file of the built site: what `site`, `render` and `publish` produce and `write` writes. Plain
//! data, at the bottom of the module graph so every stage can name it.

/// A file of the built site: a `/`-separated path under the output root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A file of the built site that `write` streams to disk (a data file that can run to hundreds of
/// megabytes at national scale), so its bytes are never held whole: its path and the function
/// that writes its bytes, in order, to any writer.
pub struct StreamedFile<'a> {
    pub path: String,
    /// A key of the bytes `write` writes, when the build can tell them without writing them (the
    /// needs tables: the needs analysis they are made from, [`NeedsAnalysis::identity`]). Equal
    /// keys mean equal bytes, so `serve` links such a file from the site it replaces rather than
    /// writing hundreds of megabytes again. `None`: the file is written every time.
    ///
    /// [`NeedsAnalysis::identity`]: crate::analysis::needs::NeedsAnalysis::identity
    pub key: Option<u64>,
    pub write: WriteBytes<'a>,
}

/// Writes a streamed file's bytes, in order, to the writer it is given.
pub type WriteBytes<'a> =
    Box<dyn Fn(&mut dyn std::io::Write) -> anyhow::Result<()> + Send + Sync + 'a>;

impl StreamedFile<'_> {
    /// The file's bytes, held whole: for callers that keep a site in memory (tests, `check`).
    pub fn to_file(&self) -> anyhow::Result<OutputFile> {
        let mut bytes = Vec::new();
        (self.write)(&mut bytes)?;
        Ok(OutputFile {
            path: self.path.clone(),
            bytes,
        })
    }
}

impl std::fmt::Debug for StreamedFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedFile")
            .field("path", &self.path)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
