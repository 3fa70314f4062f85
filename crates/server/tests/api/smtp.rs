//! A real SMTP server on loopback for the email tests: aiosmtpd from PyPI,
//! writing each message it accepts into a Maildir of the test's own.
//! `cargo xtask test` runs these tests (`--ignored mail`) where it is
//! installed, and CI installs it.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{Message, MessageParser};

pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// One message as it arrived.
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

impl SmtpSink {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a Maildir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        let sink = Self { child, port, dir };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn folder(&self) -> PathBuf {
        self.dir.path().join("maildir").join("new")
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(self.folder()) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .map(|raw| {
                let message: Message<'_> = MessageParser::default()
                    .parse(&raw)
                    .expect("a parsable message");
                Received {
                    to: message
                        .to()
                        .and_then(|to| to.first())
                        .and_then(|to| to.address())
                        .unwrap_or_default()
                        .to_owned(),
                    subject: message.subject().unwrap_or_default().to_owned(),
                    message_id: message.message_id().unwrap_or_default().to_owned(),
                    text: message.body_text(0).unwrap_or_default().into_owned(),
                    html: message.body_html(0).unwrap_or_default().into_owned(),
                }
            })
            .collect()
    }

    /// Waits until `count` messages have arrived, and a moment longer to
    /// see that no more follow.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let arrived = self.messages().len();
            if arrived >= count {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{arrived} of {count} messages arrived"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        self.messages()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
