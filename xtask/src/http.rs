//! Just enough HTTP/1.1 for xtask's own calls to a local server: setup
//! requests, timed downloads into nothing and streamed uploads. Load comes
//! from wrk and fuzzing from schemathesis; this never has to be fast, only
//! to add nothing of its own to what it times.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Body bytes received, kept or not.
    received: u64,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(port: u16) -> Result<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

fn head(method: &str, path: &str, headers: &[(&str, &str)], length: Option<u64>) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// One request on a fresh connection, the whole answer read.
pub(crate) fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Response> {
    let mut stream = connect(port)?;
    stream.write_all(head(method, path, headers, Some(body.len() as u64)).as_bytes())?;
    stream.write_all(body)?;
    read_response(stream, true)
}

/// A GET whose body is counted and dropped; answers the status and the
/// bytes received.
pub(crate) fn download(port: u16, path: &str, headers: &[(&str, &str)]) -> Result<(u16, u64)> {
    let mut stream = connect(port)?;
    stream.write_all(head("GET", path, headers, None).as_bytes())?;
    let response = read_response(stream, false)?;
    Ok((response.status, response.received))
}

/// A multipart upload of `file` as the `file` field, streamed from disk.
pub(crate) fn upload(
    port: u16,
    path: &str,
    token: &str,
    file: &Path,
    name: &str,
) -> Result<Response> {
    let boundary = "lectern-xtask-boundary-7d4c2f";
    let preamble = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let epilogue = format!("\r\n--{boundary}--\r\n");
    let size = std::fs::metadata(file)?.len();
    let length = preamble.len() as u64 + size + epilogue.len() as u64;
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let authorization = format!("Bearer {token}");
    let mut stream = connect(port)?;
    stream.write_all(
        head(
            "POST",
            path,
            &[
                ("Authorization", &authorization),
                ("Content-Type", &content_type),
            ],
            Some(length),
        )
        .as_bytes(),
    )?;
    stream.write_all(preamble.as_bytes())?;
    std::io::copy(&mut File::open(file)?, &mut stream)?;
    stream.write_all(epilogue.as_bytes())?;
    read_response(stream, true)
}

fn read_response(stream: TcpStream, keep_body: bool) -> Result<Response> {
    let mut reader = BufReader::with_capacity(1 << 20, stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP status line: {line:?}"))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
        received: 0,
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"));
    if chunked {
        read_chunks(&mut reader, &mut response.body)?;
    } else if keep_body {
        reader.read_to_end(&mut response.body)?;
    } else {
        // Counted, not kept: a 100 MB download stays out of memory.
        response.received = std::io::copy(&mut reader, &mut std::io::sink())?;
        return Ok(response);
    }
    response.received = response.body.len() as u64;
    Ok(response)
}

fn read_chunks(reader: &mut impl BufRead, body: &mut Vec<u8>) -> Result<()> {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
            .with_context(|| format!("not a chunk size: {line:?}"))?;
        if size == 0 {
            return Ok(());
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.read_line(&mut line)?;
        if !line.trim().is_empty() {
            bail!("a chunk without its line end");
        }
    }
}
