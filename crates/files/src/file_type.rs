//! What an uploaded file is, decided by its own bytes, and whether its
//! name agrees. The client's Content-Type is never consulted.

use std::fmt;

/// The kinds of file Lectern keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Mp4,
    WebmVideo,
    QuickTime,
    Mpeg,
    Mp3,
    Wav,
    WebmAudio,
    Docx,
    Xlsx,
    Doc,
    Xls,
    Png,
    Jpeg,
    Gif,
    Webp,
}

/// Why a file is refused, for a 415 that says what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The bytes are of no kind Lectern keeps (or of none it recognises).
    NotAllowed { detected: Option<String> },
    /// The bytes are fine but the name's extension says something else.
    NameDisagrees {
        detected: FileType,
        extension: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotAllowed { detected: Some(mime) } => write!(
                f,
                "The file's content is {mime}, which is not accepted. Upload PDF, video (MP4, WebM, MOV, MPEG), \
                 audio (MP3, WAV, WebM), Word or Excel documents, or images (PNG, JPEG, GIF, WebP)."
            ),
            Refusal::NotAllowed { detected: None } => f.write_str(
                "The file's content is of no recognised type. Upload PDF, video (MP4, WebM, MOV, MPEG), \
                 audio (MP3, WAV, WebM), Word or Excel documents, or images (PNG, JPEG, GIF, WebP).",
            ),
            Refusal::NameDisagrees { detected, extension } if extension.is_empty() => write!(
                f,
                "The file's content is {} ({}), but its name has no extension; name it …{}.",
                detected.label(),
                detected.mime(),
                detected.extensions()[0]
            ),
            Refusal::NameDisagrees { detected, extension } => write!(
                f,
                "The file's content is {} ({}), but its name ends in .{extension}; name it …{}.",
                detected.label(),
                detected.mime(),
                detected.extensions()[0]
            ),
        }
    }
}

impl FileType {
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Mp4 => "video/mp4",
            FileType::WebmVideo => "video/webm",
            FileType::QuickTime => "video/quicktime",
            FileType::Mpeg => "video/mpeg",
            FileType::Mp3 => "audio/mpeg",
            FileType::Wav => "audio/wav",
            FileType::WebmAudio => "audio/webm",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Doc => "application/msword",
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
        }
    }

    fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "a PDF",
            FileType::Mp4 => "an MP4 video",
            FileType::WebmVideo => "a WebM video",
            FileType::QuickTime => "a QuickTime video",
            FileType::Mpeg => "an MPEG video",
            FileType::Mp3 => "MP3 audio",
            FileType::Wav => "WAV audio",
            FileType::WebmAudio => "WebM audio",
            FileType::Docx => "a Word document",
            FileType::Xlsx => "an Excel workbook",
            FileType::Doc => "a Word 97 document",
            FileType::Xls => "an Excel 97 workbook",
            FileType::Png => "a PNG image",
            FileType::Jpeg => "a JPEG image",
            FileType::Gif => "a GIF image",
            FileType::Webp => "a WebP image",
        }
    }

    /// Extensions a file of this type may have, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Mp4 => &["mp4", "m4v"],
            FileType::WebmVideo => &["webm"],
            FileType::QuickTime => &["mov", "qt"],
            FileType::Mpeg => &["mpeg", "mpg"],
            FileType::Mp3 => &["mp3"],
            FileType::Wav => &["wav"],
            FileType::WebmAudio => &["weba", "webm"],
            FileType::Docx => &["docx"],
            FileType::Xlsx => &["xlsx"],
            FileType::Doc => &["doc"],
            FileType::Xls => &["xls"],
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Gif => &["gif"],
            FileType::Webp => &["webp"],
        }
    }

    /// Whether browsers may show it in the page (`?inline=1`).
    pub fn is_inline_safe(self) -> bool {
        !matches!(
            self,
            FileType::Docx | FileType::Xlsx | FileType::Doc | FileType::Xls
        )
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        ALL.into_iter().find(|kind| kind.mime() == mime)
    }

    /// Every extension of every accepted type, once each.
    pub fn all_extensions() -> Vec<&'static str> {
        let mut extensions: Vec<&str> = ALL
            .into_iter()
            .flat_map(FileType::extensions)
            .copied()
            .collect();
        extensions.sort_unstable();
        extensions.dedup();
        extensions
    }
}

const ALL: [FileType; 16] = [
    FileType::Pdf,
    FileType::Mp4,
    FileType::WebmVideo,
    FileType::QuickTime,
    FileType::Mpeg,
    FileType::Mp3,
    FileType::Wav,
    FileType::WebmAudio,
    FileType::Docx,
    FileType::Xlsx,
    FileType::Doc,
    FileType::Xls,
    FileType::Png,
    FileType::Jpeg,
    FileType::Gif,
    FileType::Webp,
];

/// How many leading bytes detection looks at; enough for the ZIP entries
/// that tell a Word document from an Excel one.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Decides what `head` (the first bytes of the file) is, and checks that
/// `file_name`'s extension agrees.
pub fn classify(head: &[u8], file_name: &str) -> Result<FileType, Refusal> {
    let detected = infer::get(head);
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = match detected.map(|t| t.mime_type()) {
        Some("application/pdf") => FileType::Pdf,
        Some("video/mp4") => FileType::Mp4,
        // WebM is Matroska either way; only the name can say it is audio.
        Some("video/webm") if extension == "weba" => FileType::WebmAudio,
        Some("video/webm") => FileType::WebmVideo,
        Some("video/quicktime") => FileType::QuickTime,
        Some("video/mpeg") => FileType::Mpeg,
        Some("audio/mpeg") => FileType::Mp3,
        Some("audio/x-wav" | "audio/wav") => FileType::Wav,
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document") => {
            FileType::Docx
        }
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") => FileType::Xlsx,
        Some("application/msword") => FileType::Doc,
        Some("application/vnd.ms-excel") => FileType::Xls,
        Some("image/png") => FileType::Png,
        Some("image/jpeg") => FileType::Jpeg,
        Some("image/gif") => FileType::Gif,
        Some("image/webp") => FileType::Webp,
        other => {
            return Err(Refusal::NotAllowed {
                detected: other.map(str::to_owned),
            });
        }
    };
    if kind.extensions().contains(&extension.as_str()) && agrees_with_mime_guess(kind, file_name) {
        Ok(kind)
    } else {
        Err(Refusal::NameDisagrees {
            detected: kind,
            extension,
        })
    }
}

/// `mime_guess` must also see this type in the name, so the two tables
/// cannot drift apart silently.
fn agrees_with_mime_guess(kind: FileType, file_name: &str) -> bool {
    let guesses = mime_guess::from_path(file_name);
    let family = kind.mime().split('/').next().unwrap_or_default();
    guesses.iter().any(|guess| {
        guess.essence_str() == kind.mime()
            // mime_guess names a few types differently (audio/x-wav, audio/webm
            // for .webm): the same family is enough once the extension matched.
            || guess.type_().as_str() == family
            || kind == FileType::WebmAudio
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0";

    #[test]
    fn allowed_types_with_matching_names_pass() {
        assert_eq!(classify(PNG, "board.png"), Ok(FileType::Png));
        assert_eq!(classify(PDF, "Slides Week 3.PDF"), Ok(FileType::Pdf));
    }

    #[test]
    fn names_that_lie_about_the_bytes_are_refused() {
        assert!(matches!(
            classify(PNG, "notes.pdf"),
            Err(Refusal::NameDisagrees {
                detected: FileType::Png,
                ..
            })
        ));
        assert!(matches!(
            classify(PNG, "noextension"),
            Err(Refusal::NameDisagrees { .. })
        ));
        let message = classify(PNG, "notes.pdf").unwrap_err().to_string();
        assert!(
            message.contains("image/png") && message.contains(".pdf"),
            "{message}"
        );
    }

    #[test]
    fn types_outside_the_list_are_refused_with_what_they_are() {
        let refusal = classify(EXE, "syllabus.pdf").unwrap_err();
        assert!(
            matches!(&refusal, Refusal::NotAllowed { detected: Some(mime) } if mime.contains("portable-executable")),
            "{refusal:?}"
        );
        assert_eq!(
            classify(b"<html><script>alert(1)</script>", "x.png"),
            Err(Refusal::NotAllowed {
                detected: Some("text/html".into())
            })
        );
        assert!(matches!(
            classify(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "x.svg"),
            Err(Refusal::NotAllowed { .. })
        ));
        assert_eq!(
            classify(b"plain words", "x.txt"),
            Err(Refusal::NotAllowed { detected: None })
        );
    }

    #[test]
    fn office_documents_are_told_apart_by_their_parts() {
        let docx = include_bytes!("../fixtures/minutes.docx");
        assert_eq!(classify(docx, "minutes.docx"), Ok(FileType::Docx));
    }

    #[test]
    fn only_media_and_pdf_may_be_shown_inline() {
        assert!(FileType::Pdf.is_inline_safe());
        assert!(FileType::Mp4.is_inline_safe());
        assert!(!FileType::Docx.is_inline_safe());
        assert_eq!(FileType::from_mime("image/png"), Some(FileType::Png));
    }
}
