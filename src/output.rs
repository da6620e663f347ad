//! A file of the built site: what `site`, `render` and `publish` produce and `write` writes, held
//! plainly or packed. Plain data, at the bottom of the module graph so every stage can name it.

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

/// Bytes held compressed (an LZ4 block) with their length: how `serve`'s render cache keeps each
/// page's HTML between rebuilds. A page of the site is a few times smaller packed, and a rebuild
/// unpacks one only when it must write its bytes again (the previous site lacks that page or holds
/// a different length there).
#[derive(Debug)]
pub struct PackedBytes {
    len: usize,
    packed: Box<[u8]>,
}

impl PackedBytes {
    pub fn pack(bytes: &[u8]) -> PackedBytes {
        PackedBytes {
            len: bytes.len(),
            packed: lz4_flex::block::compress(bytes).into_boxed_slice(),
        }
    }

    /// The length of the bytes unpacked.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `bytes` packed, but claiming one byte more than they hold: a damaged block, for tests of
    /// what its readers say.
    #[cfg(test)]
    pub(crate) fn damaged(bytes: &[u8]) -> PackedBytes {
        let mut packed = PackedBytes::pack(bytes);
        packed.len += 1;
        packed
    }

    /// The bytes as they were packed.
    pub fn unpack(&self) -> anyhow::Result<Vec<u8>> {
        use anyhow::Context;
        let bytes = lz4_flex::block::decompress(&self.packed, self.len)
            .context("unpacking a page kept from the previous build")?;
        anyhow::ensure!(
            bytes.len() == self.len,
            "unpacking a page kept from the previous build: {} bytes, expected {}",
            bytes.len(),
            self.len
        );
        Ok(bytes)
    }
}

/// The bytes of a file to write: plain, or packed ([`PackedBytes`]) and unpacked only if they must
/// be written.
#[derive(Debug, Clone, Copy)]
pub enum FileBytes<'a> {
    Plain(&'a [u8]),
    Packed(&'a PackedBytes),
}

impl<'a> FileBytes<'a> {
    pub fn len(&self) -> usize {
        match self {
            FileBytes::Plain(bytes) => bytes.len(),
            FileBytes::Packed(packed) => packed.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes themselves, unpacked if packed.
    pub fn bytes(&self) -> anyhow::Result<std::borrow::Cow<'a, [u8]>> {
        Ok(match self {
            FileBytes::Plain(bytes) => std::borrow::Cow::Borrowed(*bytes),
            FileBytes::Packed(packed) => std::borrow::Cow::Owned(packed.unpack()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page packed and unpacked is the page, byte for byte, and is written with its length.
    #[test]
    fn packed_bytes_unpack_to_what_was_packed() {
        let page: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("<tr><td>{}</td></tr>", i % 97).into_bytes())
            .collect();
        for bytes in [&page[..], b"", b"x"] {
            let packed = PackedBytes::pack(bytes);
            assert_eq!(packed.len(), bytes.len());
            assert_eq!(packed.unpack().unwrap(), bytes);
            let file = FileBytes::Packed(&packed);
            assert_eq!(file.len(), bytes.len());
            assert_eq!(&*file.bytes().unwrap(), bytes);
        }
        assert!(
            PackedBytes::pack(&page).packed.len() * 4 < page.len(),
            "a repetitive page packs small"
        );
    }

    /// Damaged packed bytes are an error naming what failed, never a panic or wrong bytes.
    #[test]
    fn damaged_packed_bytes_are_an_error() {
        let packed = PackedBytes::damaged(b"<p>a page of the site</p><p>a page of the site</p>");
        let err = packed.unpack().unwrap_err().to_string();
        assert!(
            err.starts_with("unpacking a page kept from the previous build"),
            "{err}"
        );
    }
}
