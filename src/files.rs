//! Reading a user's files and walking their folders: the one place that
//! touches the file system for input. Every rule file, state file, history
//! file, protocol test case and import source is read by [`read_bytes`] (or
//! [`read_text`]), and every folder a command is given is searched by
//! [`walk`], so every command treats hostile paths the same way.
//!
//! Reading is bounded: at most the limit plus one byte is ever read, so
//! `/dev/zero` or a file that grows while it is read cannot take the
//! machine's memory. Only regular files are read: a folder, a named pipe
//! (FIFO), a device or a socket is refused with a diagnostic that says which
//! it is, decided from its metadata before it is opened, and a pipe is opened
//! without blocking in case it appears between the check and the open.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile, Span};

/// How much of one kind of file is read, and the code given when a file is
/// larger.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub bytes: u64,
    /// What the file is, for messages: "rule file", "state file".
    pub what: &'static str,
    pub code: &'static str,
}

const MIB: u64 = 1 << 20;

/// Rule files: 1 MiB. The shipped protocols together are under 200 KiB.
pub const RULES: Limit = Limit { bytes: MIB, what: "rule file", code: "parse::too-large" };
/// State files, and each line of a JSON Lines batch: 4 MiB.
// DECISION: 4 MiB. A year of daily readings of every series is under 100 KiB;
// four megabytes leaves room for hand-kept notes and long histories pasted
// in, and is still read and checked in well under a second.
pub const STATE: Limit = Limit { bytes: 4 * MIB, what: "state file", code: "recoup::too-large" };
/// Protocol test cases: a state and a block of rules, so the larger of the two.
pub const TEST_CASE: Limit = Limit { bytes: 4 * MIB, what: "protocol test case", code: "recoup::too-large" };
/// History files, which `recoup import` writes: 16 MiB (years of one
/// athlete's mornings and sessions are a few hundred KiB).
pub const HISTORY: Limit = Limit { bytes: 16 * MIB, what: "history file", code: "recoup::too-large" };
/// Files `recoup import` reads (FIT, CSV): 64 MiB; no export of one athlete
/// comes near.
pub const IMPORT: Limit = Limit { bytes: 64 * MIB, what: "file to import", code: "recoup::too-large" };

/// "4 MiB", "512 KiB", "100 bytes".
fn size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The diagnostic for a file over its limit.
pub fn too_large(name: &str, limit: &Limit) -> Diagnostic {
    Diagnostic::error(
        limit.code,
        format!("`{name}` is larger than {}, the limit for a {}", size(limit.bytes), limit.what),
    )
    .help(format!(
        "recoup reads at most {} bytes of a {}; split it, or check that this is the file you meant",
        limit.bytes, limit.what
    ))
}

/// What a path is, when it is not a regular file.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

fn not_a_file(name: &str, file_type: std::fs::FileType) -> Diagnostic {
    let what = kind_of(file_type);
    let help = if file_type.is_dir() {
        "name a file, or give the folder where the command takes folders"
    } else {
        "name a regular file; recoup does not read pipes, devices or sockets (where a command reads standard input, it is `-`)"
    };
    Diagnostic::error("recoup::not-a-file", format!("`{name}` is {what}, not a file")).help(help)
}

/// Why a path could not be looked at, told apart: a symbolic link that
/// loops, one whose target is gone, permission denied, or not there.
fn unreachable(path: &Path, e: &std::io::Error) -> Diagnostic {
    let name = path.display().to_string();
    if is_loop(e) {
        return Diagnostic::error("recoup::io", format!("`{name}` is a symbolic link that loops back on itself"))
            .help("point the link at a file or folder, not at itself or a link that leads back to it");
    }
    if e.kind() == std::io::ErrorKind::NotFound {
        if let Ok(target) = std::fs::read_link(path) {
            return Diagnostic::error(
                "recoup::io",
                format!("`{name}` is a symbolic link to `{}`, which does not exist", target.display()),
            )
            .help("fix or remove the link");
        }
        return Diagnostic::error("recoup::io", format!("`{name}` does not exist")).help("check the path");
    }
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        return Diagnostic::error("recoup::io", format!("cannot read `{name}`: permission denied"))
            .help("check that you may read it (its permissions and its folders')");
    }
    Diagnostic::error("recoup::io", format!("cannot read `{name}`: {}", e.to_string().to_lowercase()))
        .help("check the path and that the file is readable")
}

fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Open a regular file for reading without ever blocking on a pipe.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // A FIFO swapped in after the metadata check would block `open`
        // until a writer appears; non-blocking, it opens at once and the
        // check on the open file refuses it. Regular files ignore the flag.
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Open a regular file for reading; anything else is refused, saying what
/// it is, without blocking.
pub fn open_regular(path: &Path) -> Result<std::fs::File, Diagnostic> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| unreachable(path, &e))?;
    if !meta.is_file() {
        return Err(not_a_file(&name, meta.file_type()));
    }
    let file = open(path).map_err(|e| unreachable(path, &e))?;
    let meta = file.metadata().map_err(|e| unreachable(path, &e))?;
    if !meta.is_file() {
        return Err(not_a_file(&name, meta.file_type()));
    }
    Ok(file)
}

/// Read a whole regular file of at most `limit.bytes` bytes.
pub fn read_bytes(path: &Path, limit: &Limit) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    let file = open_regular(path)?;
    let meta = file.metadata().map_err(|e| unreachable(path, &e))?;
    if meta.len() > limit.bytes {
        return Err(too_large(&name, limit));
    }
    // The length in the metadata is a hint, not a bound: files in /proc say
    // 0 and a file may grow while it is read. The bound is `take`.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit.bytes)).unwrap_or(0));
    file.take(limit.bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| unreachable(path, &e))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(too_large(&name, limit));
    }
    Ok(bytes)
}

/// Read a regular file as UTF-8 text (see [`read_bytes`]). A leading UTF-8
/// byte-order mark, which some Windows editors write, is dropped: it is not
/// part of the text, and left in it would be an invisible first character
/// in every diagnostic on line 1.
pub fn read_text(path: &Path, limit: &Limit) -> Result<Arc<SourceFile>, Diagnostic> {
    let name = path.display().to_string();
    let bytes = read_bytes(path, limit)?;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(name.clone(), valid);
            Err(Diagnostic::error("parse::encoding", format!("`{name}` is not UTF-8 text"))
                .in_file(&file)
                .label(Span::new(at.min(file.text.len()), at.min(file.text.len())), "the first byte that is not UTF-8")
                .help("save the file as UTF-8"))
        }
    }
}

/// What a folder walk found: the files, in order, and what it could not
/// read (errors) or left out on purpose (notes).
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub problems: Vec<Diagnostic>,
}

impl Found {
    /// The errors among the problems (notes left out).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems.iter().filter(|d| d.is_error())
    }
}

/// What a command looks for in folders.
#[derive(Clone, Copy, Debug)]
pub struct Wanted {
    /// File extensions, lower case, without the dot. Matched without regard
    /// to case: `A.YAML` is a `.yaml` file.
    pub extensions: &'static [&'static str],
    /// How many levels of folders are searched: 1 is the folder's own files.
    pub depth: usize,
}

/// Rule files: `.rules`, a folder's own files.
pub const RULE_FILES: Wanted = Wanted { extensions: &["rules"], depth: 1 };
/// State files: `.yaml`, `.yml`, `.json`, a folder's own files.
pub const STATE_FILES: Wanted = Wanted { extensions: &["yaml", "yml", "json"], depth: 1 };
/// Protocol test cases: `.yaml`, `.yml`, a folder's own files.
pub const TEST_CASES: Wanted = Wanted { extensions: &["yaml", "yml"], depth: 1 };
/// Exports to import: `.fit`, `.csv`, down to 8 levels of sub-folders
/// (exports come in dated folders).
pub const IMPORT_SOURCES: Wanted = Wanted { extensions: &["fit", "csv"], depth: 8 };

/// Whether `path`'s extension is one of `wanted`'s, in any case.
pub fn has_extension(path: &Path, wanted: &Wanted) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| wanted.extensions.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

/// The files a path given on the command line stands for.
///
/// The policy, the same for every command:
/// - a file named directly is taken whatever its name; a folder, pipe,
///   device or socket named where a file is expected is an error that says
///   which it is; a broken or looping symbolic link is an error that says so;
/// - in a folder, files with one of the wanted extensions (any case) are
///   taken, sorted by name; names starting with `.` (hidden files and
///   folders, editors' lock and swap files) are skipped;
/// - symbolic links to files and folders are followed; one that is broken or
///   loops, with a wanted extension, is an error; a link back to a folder
///   being walked is not followed again (a note);
/// - a pipe, device or socket with a wanted extension is skipped with a
///   note (reading it could block or never end);
/// - a folder that cannot be read is an error ("permission denied");
/// - sub-folders are searched down to `wanted.depth` levels; deeper ones are
///   left out with a note.
pub fn walk(path: &Path, wanted: &Wanted) -> Found {
    let mut found = Found::default();
    match std::fs::metadata(path) {
        Err(e) => found.problems.push(unreachable(path, &e)),
        Ok(meta) if meta.is_dir() => {
            let mut ancestors = Vec::new();
            let root = root_of(path);
            walk_dir(path, wanted, wanted.depth, &root, &mut ancestors, &mut found);
        }
        Ok(meta) if meta.is_file() => found.files.push(path.to_path_buf()),
        Ok(meta) => found.problems.push(not_a_file(&path.display().to_string(), meta.file_type())),
    }
    found
}

/// The folder files under `path` may come from: the repository `path` is
/// in (the nearest folder above it holding `.git`), else `path`'s folder
/// itself (for a file, its folder). A folder's symbolic links may lead only
/// there, and a test case may read only there: a rule file in a pull
/// request can be a link to `/proc/self/environ`, and a diagnostic would
/// then print a line of the CI machine's environment.
pub fn root_of(path: &Path) -> PathBuf {
    let folder = if path.is_dir() { path } else { path.parent().unwrap_or(Path::new(".")) };
    let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    folder.ancestors().find(|a| a.join(".git").exists()).map_or_else(|| folder.clone(), Path::to_path_buf)
}

/// A link in a walked folder whose target lies outside `root`, as an error.
fn leads_outside(path: &Path, root: &Path) -> Option<Diagnostic> {
    // Only links are resolved: a plain entry costs one `lstat`.
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let real = std::fs::canonicalize(path).ok()?;
    (!real.starts_with(root)).then(|| {
        Diagnostic::error(
            "recoup::outside",
            format!("`{}` is a symbolic link that leads outside `{}`; it was not read", path.display(), root.display()),
        )
        .help("a folder's links may point only inside its repository (or the folder itself): copy the file in instead")
    })
}

fn walk_dir(dir: &Path, wanted: &Wanted, levels: usize, root: &Path, ancestors: &mut Vec<PathBuf>, found: &mut Found) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let name = dir.display();
            let message = if e.kind() == std::io::ErrorKind::PermissionDenied {
                format!("cannot read the folder `{name}`: permission denied")
            } else {
                format!("cannot read the folder `{name}`: {}", e.to_string().to_lowercase())
            };
            found.problems.push(
                Diagnostic::error("recoup::io", message)
                    .help("check that you may list the folder (its permissions and its parents')"),
            );
            return;
        }
    };
    // Resolved, so a link back to a folder being walked is seen as one.
    let here = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    ancestors.push(here);
    let mut names: Vec<std::ffi::OsString> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => names.push(entry.file_name()),
            Err(e) => found.problems.push(unreachable(dir, &e)),
        }
    }
    names.sort();
    for name in names {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        let wanted_name = has_extension(&path, wanted);
        if let Some(outside) = leads_outside(&path, root) {
            // Only worth hearing about where a file would have been read.
            if wanted_name || path.is_dir() {
                found.problems.push(outside);
            }
            continue;
        }
        match std::fs::metadata(&path) {
            Err(e) => {
                // A broken link named like a wanted file is a mistake worth
                // hearing about; one named otherwise is none of our business.
                if wanted_name {
                    found.problems.push(unreachable(&path, &e));
                }
            }
            Ok(meta) if meta.is_dir() => {
                if levels <= 1 {
                    if wanted.depth > 1 {
                        found.problems.push(
                            Diagnostic::note(
                                "recoup::io",
                                format!(
                                    "`{}` is more than {} folders deep; it was not searched",
                                    path.display(),
                                    wanted.depth
                                ),
                            )
                            .help("name the folder itself to search it"),
                        );
                    }
                    continue;
                }
                let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if ancestors.contains(&real) {
                    found.problems.push(
                        Diagnostic::note(
                            "recoup::io",
                            format!(
                                "`{}` leads back to a folder already being searched; it was not followed",
                                path.display()
                            ),
                        )
                        .help("a symbolic link to a folder above it would be searched forever"),
                    );
                    continue;
                }
                walk_dir(&path, wanted, levels - 1, root, ancestors, found);
            }
            Ok(meta) if meta.is_file() => {
                if wanted_name {
                    found.files.push(path);
                }
            }
            Ok(meta) => {
                if wanted_name {
                    found.problems.push(
                        Diagnostic::note(
                            "recoup::not-a-file",
                            format!(
                                "`{}` is {}, not a file; it was skipped",
                                path.display(),
                                kind_of(meta.file_type())
                            ),
                        )
                        .help("recoup reads only regular files from a folder"),
                    );
                }
            }
        }
    }
    ancestors.pop();
}

/// Whether a file is an athlete's history file, `NAME.history.yaml` (so a
/// folder of states skips it; `recoup import` writes them).
pub fn is_history_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".history.yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(4 * MIB), "4 MiB");
        assert_eq!(size(512 * 1024), "512 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn extensions_match_in_any_case() {
        assert!(has_extension(Path::new("A.YAML"), &STATE_FILES));
        assert!(has_extension(Path::new("a.Rules"), &RULE_FILES));
        assert!(!has_extension(Path::new("a.rules.bak"), &RULE_FILES));
        assert!(!has_extension(Path::new("rules"), &RULE_FILES));
    }
}
