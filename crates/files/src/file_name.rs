//! The name an uploaded file is shown and downloaded under.

/// The longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A file name safe to show and to put in a header: the last path part
/// only, no control or bidi-override characters, trimmed, at most
/// [`MAX_NAME_CHARS`] characters with the extension kept.
pub fn sanitize(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}'))
        .collect();
    // Leading dots would hide the file on some systems; spaces around them
    // hide the dots.
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    if cleaned.is_empty() {
        return "file".into();
    }
    if cleaned.chars().count() <= MAX_NAME_CHARS {
        return cleaned.to_owned();
    }
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => {
            (stem, format!(".{ext}"))
        }
        _ => (cleaned, String::new()),
    };
    let keep = MAX_NAME_CHARS - extension.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{extension}", stem.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_are_dropped() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize("C:\\Users\\asha\\Desktop\\week 3.pdf"),
            "week 3.pdf"
        );
        assert_eq!(sanitize("/"), "file");
    }

    #[test]
    fn control_and_direction_characters_are_removed() {
        assert_eq!(sanitize("report\r\n.pdf"), "report.pdf");
        assert_eq!(sanitize("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitize("  .hidden.png "), "hidden.png");
        assert_eq!(sanitize(". .\u{0}"), "file");
        assert_eq!(sanitize(". . notes.pdf"), "notes.pdf");
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "a".repeat(500));
        let cut = sanitize(&long);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS);
        assert!(cut.ends_with(".pdf"));
        assert_eq!(sanitize(&"é".repeat(300)).chars().count(), MAX_NAME_CHARS);
    }
}
