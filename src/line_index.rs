//! Where each line of a text starts, and character columns, computed once
//! per file.
//!
//! Every diagnostic needs its line and column, and the renderer needs the
//! lines around its labels. Scanning the file from the start for each one
//! made 10,000 diagnostics in a 200 KB file take seconds (quadratic); with
//! this index a position costs a binary search and a count over at most
//! [`STRIDE`] bytes.

/// Bytes between two character-count checkpoints.
const STRIDE: usize = 1024;

#[derive(Debug, Default)]
pub struct LineIndex {
    /// (start, end of content) of each line, as the grammar sees lines:
    /// ended by `\n`, `\r\n` or a lone `\r`.
    lines: Vec<(usize, usize)>,
    /// (byte offset, characters before it), at char boundaries, about every
    /// `STRIDE` bytes, starting with (0, 0).
    checkpoints: Vec<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' || b == b'\r' {
                lines.push((start, i));
                if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            i += 1;
        }
        // A final line break ends the last line; it does not start another.
        if start < text.len() || lines.is_empty() {
            lines.push((start, text.len()));
        }
        let mut checkpoints = vec![(0, 0)];
        let mut next = STRIDE;
        for (chars, (at, _)) in text.char_indices().enumerate() {
            if at >= next {
                checkpoints.push((at, chars));
                next = at + STRIDE;
            }
        }
        LineIndex { lines, checkpoints }
    }

    /// (start, end of content) of every line.
    pub fn lines(&self) -> &[(usize, usize)] {
        &self.lines
    }

    /// 0-based line holding byte `offset` (a line break belongs to the line
    /// it ends; past the end, the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|&(_, end)| end < offset).min(self.lines.len().saturating_sub(1))
    }

    /// Characters in `text` before byte `offset` (a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = self.checkpoints.partition_point(|&(at, _)| at <= offset).saturating_sub(1);
        let (at, chars) = self.checkpoints.get(k).copied().unwrap_or((0, 0));
        chars + text.get(at..offset).map_or(0, |t| t.chars().count())
    }

    /// 1-based line and column (in characters) of byte `offset` of `text`,
    /// the text this index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The line that starts at or before `offset`: a line break itself
        // counts on the line it ends.
        let line = self.lines.partition_point(|&(start, _)| start <= offset).saturating_sub(1);
        let start = self.lines.get(line).map_or(0, |&(s, _)| s);
        let col = self.chars_before(text, offset) - self.chars_before(text, start.min(offset));
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain scan the index replaces.
    fn slow(text: &str, offset: usize) -> (usize, usize) {
        let before = text.get(..offset).unwrap_or("");
        let bytes = before.as_bytes();
        let (mut line, mut line_start) = (1, 0);
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n')) {
                line += 1;
                line_start = i + 1;
            }
        }
        (line, before.get(line_start..).map_or(0, |l| l.chars().count()) + 1)
    }

    #[test]
    fn agrees_with_a_plain_scan() {
        let long = "é".repeat(3000);
        let text = format!("ab\r\ncd\ref\n{long}x\n\nlast");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(index.line_col(&text, offset), slow(&text, offset), "at {offset}");
        }
    }

    #[test]
    fn lines_end_at_any_line_break() {
        let index = LineIndex::new("a\r\nb\rc\n");
        assert_eq!(index.lines(), &[(0, 1), (3, 4), (5, 6)]);
        assert_eq!(index.line_of(4), 1);
        assert_eq!(index.line_of(100), 2);
    }
}
