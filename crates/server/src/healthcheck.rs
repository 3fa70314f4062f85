//! `lectern healthcheck`: asks the server on this machine for `/healthz`
//! and answers with the exit status, for a container's `HEALTHCHECK`. The
//! runtime image has no curl, and its `/bin/sh` has no `/dev/tcp`.

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs as _};
use std::time::Duration;

use anyhow::{Context as _, bail};

/// Succeeds when the server listening on `bind` answers `/healthz` with
/// 200 within `timeout`.
pub fn check(bind: &str, timeout: Duration) -> anyhow::Result<()> {
    let address = local_address(bind)?;
    let mut stream = TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("connecting to {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut head = [0_u8; 12];
    stream
        .read_exact(&mut head)
        .with_context(|| format!("reading the answer of {address}"))?;
    if &head[..9] != b"HTTP/1.1 " || &head[9..] != b"200" {
        bail!(
            "{address} answered /healthz with {:?}",
            String::from_utf8_lossy(&head)
        );
    }
    Ok(())
}

/// The address to reach a server bound to `bind` from the same machine:
/// a wildcard address (`0.0.0.0`, `[::]`) is reached through loopback.
fn local_address(bind: &str) -> anyhow::Result<SocketAddr> {
    let mut address = bind
        .to_socket_addrs()
        .with_context(|| format!("reading the address {bind}"))?
        .next()
        .with_context(|| format!("{bind} names no address"))?;
    if address.ip().is_unspecified() {
        address.set_ip(match address.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_reached_through_loopback() {
        assert_eq!(
            local_address("0.0.0.0:8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            local_address("[::]:8080").unwrap(),
            "[::1]:8080".parse().unwrap()
        );
        assert_eq!(
            local_address("10.1.2.3:9").unwrap(),
            "10.1.2.3:9".parse().unwrap()
        );
        assert!(local_address("nonsense").is_err());
    }
}
