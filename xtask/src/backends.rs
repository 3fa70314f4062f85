//! The database servers the black-box tests run against, and whether they answer.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub(crate) struct Backend {
    pub(crate) name: &'static str,
    /// The value of `TEST_DATABASE` that selects it.
    pub(crate) selector: &'static str,
    url_var: &'static str,
    default_url: &'static str,
}

pub(crate) const SERVERS: [Backend; 2] = [
    Backend {
        name: "PostgreSQL",
        selector: "postgres",
        url_var: "TEST_POSTGRES_URL",
        default_url: "postgres://postgres@127.0.0.1:5432/test",
    },
    Backend {
        name: "MariaDB",
        selector: "mysql",
        url_var: "TEST_MYSQL_URL",
        default_url: "mysql://root@127.0.0.1:3306/test",
    },
];

impl Backend {
    pub(crate) fn url(&self) -> String {
        std::env::var(self.url_var).unwrap_or_else(|_| self.default_url.to_owned())
    }

    /// Whether something accepts connections at the URL's host and port.
    pub(crate) fn answers(&self) -> bool {
        let url = self.url();
        let Some(authority) = url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        else {
            return false;
        };
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let Ok(addresses) = host_port.to_socket_addrs() else {
            return false;
        };
        addresses
            .into_iter()
            .any(|address| TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_ok())
    }
}
