//! Where a webhook may point. A server inside an institute's network
//! must not become a way to reach that network: a target's host is
//! resolved and refused when any of its addresses is loopback, private,
//! link-local (cloud metadata lives there) or otherwise not on the public
//! internet, unless the operator allows private targets. The same rule
//! guards every connection a delivery makes, so a name that resolved to a
//! public address when the webhook was made cannot later lead inside.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("must be an http or https URL with a host")]
    Malformed,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("names a host that does not resolve: {0}")]
    Unresolvable(String),
    #[error("resolves to {0}, which is not a public address")]
    Private(IpAddr),
}

/// The URL, if it is one a webhook can have.
pub fn parse(raw: &str) -> Result<Url, TargetError> {
    let url = Url::parse(raw.trim()).map_err(|_| TargetError::Malformed)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(TargetError::Malformed);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::Credentials);
    }
    Ok(url)
}

/// The URL's host when it is written as an address: such a host never
/// reaches a resolver, so [`GuardedResolver`] cannot refuse it.
pub fn literal(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

/// Resolves the URL's host and checks every address it names.
pub async fn check(url: &Url, allow_private: bool) -> Result<(), TargetError> {
    let port = url.port_or_known_default().ok_or(TargetError::Malformed)?;
    let addresses: Vec<IpAddr> = match url.host() {
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => literal(url).into_iter().collect(),
        Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|err| TargetError::Unresolvable(format!("{name} ({err})")))?
            .map(|socket| socket.ip())
            .collect(),
        None => return Err(TargetError::Malformed),
    };
    if addresses.is_empty() {
        return Err(TargetError::Unresolvable(
            url.host_str().unwrap_or_default().to_owned(),
        ));
    }
    match addresses
        .into_iter()
        .find(|ip| !allow_private && !is_public(*ip))
    {
        Some(refused) => Err(TargetError::Private(refused)),
        None => Ok(()),
    }
}

/// Whether `ip` is an address of the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(mapped) => is_public_v4(mapped),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local (fc00::/7), where some clouds put their metadata.
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // NAT64 (64:ff9b::/96) reaches IPv4 addresses this rule cannot see.
        || (first == 0x64 && ip.segments()[1] == 0xff9b)
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// The resolver of the delivering client: the system's, with addresses
/// the rule refuses taken out.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|socket| allow_private || is_public(socket.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for allowed in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(is_public(allowed.parse().unwrap()), "{allowed}");
        }
    }

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        assert!(parse("https://hooks.example.org/x?y=1").is_ok());
        assert_eq!(parse("ftp://example.org/"), Err(TargetError::Malformed));
        assert_eq!(parse("example.org/hook"), Err(TargetError::Malformed));
        assert_eq!(
            parse("https://user:pw@example.org/"),
            Err(TargetError::Credentials)
        );
    }

    #[tokio::test]
    async fn the_delivering_resolver_drops_refused_addresses() {
        let guarded = GuardedResolver {
            allow_private: false,
        };
        assert!(guarded.resolve("localhost".parse().unwrap()).await.is_err());
        let allowing = GuardedResolver {
            allow_private: true,
        };
        let found: Vec<SocketAddr> = allowing
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert!(
            found.iter().all(|socket| socket.ip().is_loopback()),
            "{found:?}"
        );
        assert!(!found.is_empty());
    }

    #[tokio::test]
    async fn loopback_targets_need_the_operators_leave() {
        let url = parse("http://127.0.0.1:9/hook").unwrap();
        assert_eq!(
            check(&url, false).await,
            Err(TargetError::Private("127.0.0.1".parse().unwrap()))
        );
        assert_eq!(check(&url, true).await, Ok(()));
        let named = parse("http://localhost:9/hook").unwrap();
        assert!(matches!(
            check(&named, false).await,
            Err(TargetError::Private(_))
        ));
    }
}
